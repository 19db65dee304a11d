//! Which questions should be on screen, computed with `Cond::holds` from what the page's
//! fields hold (read straight from the fields, not through the form's own script), and a
//! random walk of answers to compare it with.

use canvass::survey::{Given, QuestionKind, Survey, Target};

use super::page::FormPage;

/// What the page holds for one question.
#[derive(Debug, serde::Deserialize)]
pub struct Field {
    pub id: String,
    pub hidden: bool,
    /// Codes of ticked or picked choices, in page order.
    pub checked: Vec<String>,
    /// Matrix rows: (row code, picked level code).
    pub rows: Vec<(String, String)>,
    /// Rankings: (item code, place).
    pub ranks: Vec<(String, u32)>,
    /// Text and number fields.
    pub text: String,
}

impl Field {
    pub fn is_empty(&self) -> bool {
        self.checked.is_empty()
            && self.rows.is_empty()
            && self.ranks.is_empty()
            && self.text.is_empty()
    }
}

/// A script expression giving every question's [`Field`], in page order.
const READ: &str = "[...document.querySelectorAll('[data-question]')] \
  .filter(el => el.dataset.question !== 'respondent_id').map(el => ({ \
    id: el.dataset.question, \
    hidden: el.hidden, \
    checked: [...el.querySelectorAll('.choice input:checked')].map(i => i.value), \
    rows: [...el.querySelectorAll('.matrix-row')].flatMap(r => [...r.querySelectorAll('input:checked')].map(i => [r.dataset.row, i.value])), \
    ranks: [...el.querySelectorAll('select')].filter(s => s.value !== '').map(s => [s.dataset.code, Number(s.value)]), \
    text: [...el.querySelectorAll('input[type=text]:not([data-other-text]), textarea')].map(i => i.value).join('') }))";

/// Makes `steps` random changes to shown questions (a person's clicks, ticks, places and
/// typing, with the events they cause), and gives the question changed and every field
/// after each step. The choice of change is seeded, so every run walks the same way.
const WALK: &str = "((seed, steps) => { \
  let state = seed; \
  const pick = n => { state = (state * 48271) % 2147483647; return state % n; }; \
  const fire = el => { el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }; \
  const typed = { numeric: ['0', '39', '40', '41', '80', ''], probability: ['0', '50', '50.5', '51%', '100', ''], \
    year: ['2025', '2030', '2040', '2041', ''], text: ['', 'some text', 'more text', '  '] }; \
  const questions = [...document.querySelectorAll('[data-question]')].filter(el => el.dataset.question !== 'respondent_id'); \
  const log = []; \
  for (let step = 0; step < steps; step++) { \
    const shown = questions.filter(q => !q.hidden); \
    const q = shown[pick(shown.length)]; \
    const kind = q.dataset.kind; \
    if (kind === 'single' || kind === 'likert' || kind === 'multiple') { \
      const inputs = q.querySelectorAll('.choice input'); inputs[pick(inputs.length)].click(); \
    } else if (kind === 'matrix') { \
      const rows = q.querySelectorAll('.matrix-row'); const inputs = rows[pick(rows.length)].querySelectorAll('input'); \
      inputs[pick(inputs.length)].click(); \
    } else if (kind === 'ranking') { \
      const selects = q.querySelectorAll('select'); const select = selects[pick(selects.length)]; \
      select.value = select.options[pick(select.options.length)].value; fire(select); \
    } else { \
      const field = q.querySelector('input[type=text], textarea'); \
      const values = typed[kind] || typed.text; field.value = values[pick(values.length)]; fire(field); \
    } \
    log.push([q.dataset.question, READ]); \
  } \
  return log; })";

pub fn read(page: &FormPage) -> Vec<Field> {
    serde_json::from_value(page.js(READ)).unwrap()
}

/// Walks `steps` random changes from `seed`: (question changed, fields after) per step.
pub fn walk(page: &FormPage, seed: u32, steps: usize) -> Vec<(String, Vec<Field>)> {
    let script = WALK.replace("READ", READ);
    serde_json::from_value(page.js(&format!("{script}({seed}, {steps})"))).unwrap()
}

/// The answer at a target as `Cond` sees it, from what the page holds.
fn given(survey: &Survey, fields: &[Field], target: Target) -> Owned {
    let q = &survey.questions[target.question];
    let field = &fields[target.question];
    assert_eq!(field.id, q.id, "fields come in survey order");
    let index = |code: &str| q.choice_index(code).unwrap() as u8;
    let codes = |picked: Vec<u8>| {
        if picked.is_empty() {
            Owned::Missing
        } else {
            Owned::Codes(picked)
        }
    };
    match &q.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } => match field.checked.first() {
            Some(code) => Owned::Code(usize::from(index(code))),
            None => Owned::Missing,
        },
        QuestionKind::Matrix { rows, .. } => {
            let row = &rows[target.row.unwrap()].code;
            match field.rows.iter().find(|(r, _)| r == row) {
                Some((_, level)) => Owned::Code(usize::from(index(level))),
                None => Owned::Missing,
            }
        }
        QuestionKind::Multiple { .. } => codes(field.checked.iter().map(|c| index(c)).collect()),
        QuestionKind::Ranking { .. } => {
            let mut ranks = field.ranks.clone();
            ranks.sort_by_key(|(_, place)| *place);
            codes(ranks.iter().map(|(c, _)| index(c)).collect())
        }
        QuestionKind::Numeric { .. } | QuestionKind::Probability | QuestionKind::Year { .. } => {
            match field.text.trim().trim_end_matches('%').parse::<f64>() {
                Ok(n) => Owned::Number(n),
                Err(_) => Owned::Missing,
            }
        }
        QuestionKind::Text { .. } => {
            if field.text.trim().is_empty() {
                Owned::Missing
            } else {
                Owned::Text
            }
        }
    }
}

/// [`Given`] with its codes owned.
#[derive(Debug, Clone, PartialEq)]
enum Owned {
    Missing,
    Code(usize),
    Codes(Vec<u8>),
    Number(f64),
    Text,
}

impl Owned {
    fn as_given(&self) -> Given<'_> {
        match self {
            Owned::Missing => Given::Missing,
            Owned::Code(c) => Given::Code(*c),
            Owned::Codes(cs) => Given::Codes(cs),
            Owned::Number(n) => Given::Number(*n),
            Owned::Text => Given::Text,
        }
    }
}

/// Which questions are asked, as `canvass ingest` decides it: in order, each condition
/// read against the answers of earlier questions that are themselves asked.
pub fn expected(survey: &Survey, fields: &[Field]) -> Vec<bool> {
    let mut asked: Vec<bool> = Vec::with_capacity(survey.questions.len());
    for q in &survey.questions {
        let holds = q.show_if.as_ref().is_none_or(|condition| {
            let targets = condition.cond.targets();
            let values: Vec<Owned> = targets
                .iter()
                .map(|t| {
                    if asked[t.question] {
                        given(survey, fields, *t)
                    } else {
                        Owned::Missing
                    }
                })
                .collect();
            condition.cond.holds(&|t| {
                let i = targets.iter().position(|x| *x == t).unwrap();
                values[i].as_given()
            })
        });
        asked.push(holds);
    }
    asked
}
