//! Conditions between the two languages: an XLSForm `relevant` (ODK XPath) translated
//! into a canvass [`Cond`], a `Cond` written as `show_if` text, and a `show_if` text (as
//! canvass writes it into its own forms) resolved against the imported questions.
//!
//! The translation keeps XPath's meaning. An unanswered field is `''` there, so
//! `${q} != 'a'` holds for someone who skipped `q`: it becomes `not (q == 'a')`, and only
//! `${q} != '' and ${q} != 'a'` (what canvass writes for `q != 'a'`) becomes `q != 'a'`.

use std::collections::BTreeMap;

use super::xpath::{Cmp, Expr};
use crate::survey::show_if::{self, Ast, Cond, Literal, Name, Op, Target, Value};
use crate::survey::{Question, QuestionKind};

/// What a condition can name: each earlier field, by its XLSForm name.
pub type Fields = BTreeMap<String, Target>;

/// Translates a `relevant` expression; `questions` are the questions imported so far.
pub fn from_xpath(expr: &Expr, fields: &Fields, questions: &[Question]) -> Result<Cond, String> {
    let cond = Translator { fields, questions }.cond(expr)?;
    Ok(simplify(cond))
}

struct Translator<'a> {
    fields: &'a Fields,
    questions: &'a [Question],
}

/// How a target's answer can be compared.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    OneCode,
    SeveralCodes,
    Number,
    Text,
}

impl Translator<'_> {
    fn target(&self, name: &str) -> Result<Target, String> {
        self.fields.get(name).copied().ok_or_else(|| {
            format!("`${{{name}}}` is not an earlier question of the imported survey")
        })
    }

    fn answer(&self, target: Target) -> Answer {
        match (&self.questions[target.question].kind, target.row) {
            (_, Some(_)) => Answer::OneCode,
            (QuestionKind::Single { .. } | QuestionKind::Likert { .. }, _) => Answer::OneCode,
            (QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. }, _) => {
                Answer::SeveralCodes
            }
            (kind, _) if kind.is_number() => Answer::Number,
            _ => Answer::Text,
        }
    }

    fn code(&self, target: Target, code: &str) -> Result<usize, String> {
        let q = &self.questions[target.question];
        q.choice_index(code)
            .ok_or_else(|| format!("'{code}' is not a choice of `{}`", q.id))
    }

    fn cond(&self, expr: &Expr) -> Result<Cond, String> {
        match expr {
            Expr::Or(parts) => Ok(Cond::Or(self.all(parts)?)),
            Expr::And(parts) => Ok(Cond::And(self.all(parts)?)),
            Expr::Call(name, args) => self.call(name, args),
            Expr::Compare(left, cmp, right) => match (&**left, &**right) {
                (Expr::Str(_) | Expr::Num(_), Expr::Field(_) | Expr::Call(..)) => {
                    self.compare(right, cmp.flipped(), left)
                }
                _ => self.compare(left, *cmp, right),
            },
            other => Err(format!("{} is not a condition", describe(other))),
        }
    }

    fn all(&self, parts: &[Expr]) -> Result<Vec<Cond>, String> {
        parts.iter().map(|p| self.cond(p)).collect()
    }

    fn call(&self, name: &str, args: &[Expr]) -> Result<Cond, String> {
        match (name, args) {
            ("not", [inner]) => Ok(Cond::Not(Box::new(self.cond(inner)?))),
            ("selected", [Expr::Field(field), Expr::Str(code)]) => {
                let target = self.target(field)?;
                let code = self.code(target, code)?;
                Ok(match self.answer(target) {
                    Answer::SeveralCodes => Cond::Contains { target, code },
                    _ => Cond::Compare {
                        target,
                        op: Op::Eq,
                        value: Value::Code(code),
                    },
                })
            }
            _ => Err(format!("the function `{name}(…)` cannot be translated")),
        }
    }

    fn compare(&self, left: &Expr, cmp: Cmp, right: &Expr) -> Result<Cond, String> {
        let answered = |target: Target, yes: bool| {
            let c = Cond::Answered(target);
            if yes { c } else { Cond::Not(Box::new(c)) }
        };
        match (left, right) {
            (Expr::Field(field), Expr::Str(s)) if s.is_empty() => {
                let target = self.target(field)?;
                match cmp {
                    Cmp::Eq => Ok(answered(target, false)),
                    Cmp::Ne => Ok(answered(target, true)),
                    _ => Err("an ordering comparison with '' cannot be translated".to_string()),
                }
            }
            (Expr::Field(field), Expr::Str(_) | Expr::Num(_)) => {
                let target = self.target(field)?;
                self.compare_value(target, field, cmp, right)
            }
            // `count-selected(${q}) > 0`, `string-length(${q}) = 0`: whether answered.
            (Expr::Call(f, args), Expr::Num(n))
                if matches!(f.as_str(), "count-selected" | "string-length")
                    && matches!(args.as_slice(), [Expr::Field(_)]) =>
            {
                let Some(Expr::Field(field)) = args.first() else {
                    return Err(format!("`{f}(…)` cannot be translated"));
                };
                let target = self.target(field)?;
                let some = match (cmp, *n) {
                    (Cmp::Gt | Cmp::Ne, 0.0) => true,
                    (Cmp::Ge, 1.0) => true,
                    (Cmp::Eq | Cmp::Le, 0.0) => false,
                    (Cmp::Lt, 1.0) => false,
                    _ => {
                        return Err(format!(
                            "`{f}(${{{field}}})` can only be translated as a test of whether it was answered"
                        ));
                    }
                };
                Ok(answered(target, some))
            }
            _ => Err(format!(
                "comparing {} with {} cannot be translated",
                describe(left),
                describe(right)
            )),
        }
    }

    fn compare_value(
        &self,
        target: Target,
        field: &str,
        cmp: Cmp,
        value: &Expr,
    ) -> Result<Cond, String> {
        let text = match value {
            Expr::Str(s) => s.clone(),
            Expr::Num(n) => crate::form::xlsform::relevant::number(*n),
            _ => unreachable!("called with a string or number"),
        };
        let (op, negate) = match cmp {
            Cmp::Eq => (Op::Eq, false),
            // XPath's != holds for an empty answer; canvass's does not.
            Cmp::Ne => (Op::Eq, true),
            Cmp::Lt => (Op::Lt, false),
            Cmp::Le => (Op::Le, false),
            Cmp::Gt => (Op::Gt, false),
            Cmp::Ge => (Op::Ge, false),
        };
        let value = match self.answer(target) {
            Answer::Number => Value::Number(
                text.parse::<f64>()
                    .map_err(|_| format!("`${{{field}}}` is a number, compared with '{text}'"))?,
            ),
            Answer::OneCode if op == Op::Eq => Value::Code(self.code(target, &text)?),
            Answer::OneCode => {
                return Err(format!(
                    "XPath compares '{text}' as a number, which codes are not; list the codes instead"
                ));
            }
            Answer::SeveralCodes => {
                return Err(format!(
                    "`${{{field}}}` can have several answers; test one with selected(${{{field}}}, '…')"
                ));
            }
            Answer::Text => {
                return Err(format!(
                    "`${{{field}}}` is free text; only whether it was answered can be translated"
                ));
            }
        };
        let compare = Cond::Compare { target, op, value };
        Ok(if negate {
            Cond::Not(Box::new(compare))
        } else {
            compare
        })
    }
}

fn describe(expr: &Expr) -> String {
    match expr {
        Expr::Field(f) => format!("`${{{f}}}`"),
        Expr::Current => "`.`".to_string(),
        Expr::Str(s) => format!("'{s}'"),
        Expr::Num(n) => format!("{n}"),
        Expr::Call(f, _) => format!("`{f}(…)`"),
        Expr::Compare(..) => "a comparison".to_string(),
        Expr::And(_) | Expr::Or(_) => "a combined condition".to_string(),
    }
}

/// Rewrites what canvass's own compilation spelled out back into its short forms:
/// `answered(q) and not (q == 'a')` → `q != 'a'`, and `answered(q)` next to a
/// comparison on `q` (which already requires an answer) is dropped.
fn simplify(cond: Cond) -> Cond {
    match cond {
        Cond::Or(parts) => flatten(parts.into_iter().map(simplify).collect(), true),
        Cond::Not(inner) => Cond::Not(Box::new(simplify(*inner))),
        Cond::And(parts) => {
            let mut parts: Vec<Cond> = parts.into_iter().map(simplify).collect();
            let answered: Vec<Target> = parts
                .iter()
                .filter_map(|p| match p {
                    Cond::Answered(t) => Some(*t),
                    _ => None,
                })
                .collect();
            for target in answered {
                let mut implied = false;
                for part in &mut parts {
                    match part {
                        Cond::Not(inner) => {
                            if let Cond::Compare {
                                target: t,
                                op: Op::Eq,
                                value,
                            } = &**inner
                            {
                                if *t == target {
                                    *part = Cond::Compare {
                                        target,
                                        op: Op::Ne,
                                        value: *value,
                                    };
                                    implied = true;
                                }
                            }
                        }
                        Cond::Compare { target: t, .. } | Cond::Contains { target: t, .. }
                            if *t == target =>
                        {
                            implied = true;
                        }
                        _ => {}
                    }
                }
                if implied {
                    if let Some(i) = parts.iter().position(|p| *p == Cond::Answered(target)) {
                        parts.remove(i);
                    }
                }
            }
            flatten(parts, false)
        }
        other => other,
    }
}

fn flatten(parts: Vec<Cond>, or: bool) -> Cond {
    let mut out = Vec::new();
    for part in parts {
        match (part, or) {
            (Cond::Or(inner), true) | (Cond::And(inner), false) => out.extend(inner),
            (part, _) => out.push(part),
        }
    }
    if out.len() == 1 {
        return out.remove(0);
    }
    if or { Cond::Or(out) } else { Cond::And(out) }
}

/// A condition as `show_if` text. A choice of several codes of one answer is written
/// `q in ['a', 'b']`.
pub fn to_source(cond: &Cond, questions: &[Question]) -> String {
    source(cond, questions, 0)
}

/// `level`: 0 at the top or in `or`, 1 inside `and`, 2 after `not`.
fn source(cond: &Cond, questions: &[Question], level: u8) -> String {
    let name = |t: &Target| {
        let q = &questions[t.question];
        match t.row {
            Some(r) => format!("{}.{}", q.id, q.rows()[r].code),
            None => q.id.clone(),
        }
    };
    let value = |t: &Target, v: &Value| match v {
        Value::Code(i) => format!("'{}'", questions[t.question].choices()[*i].code),
        Value::Number(n) => crate::form::xlsform::relevant::number(*n),
    };
    let wrap = |text: String, needed: bool| if needed { format!("({text})") } else { text };
    match cond {
        Cond::Or(parts) => {
            if let Some((target, values)) = one_answer_choice(parts) {
                let values: Vec<String> = values.iter().map(|v| value(&target, v)).collect();
                return format!("{} in [{}]", name(&target), values.join(", "));
            }
            let text: Vec<String> = parts.iter().map(|p| source(p, questions, 0)).collect();
            wrap(text.join(" or "), level > 0)
        }
        Cond::And(parts) => {
            let text: Vec<String> = parts.iter().map(|p| source(p, questions, 1)).collect();
            wrap(text.join(" and "), level > 1)
        }
        Cond::Not(inner) => format!("not {}", source(inner, questions, 2)),
        Cond::Answered(t) => format!("answered({})", name(t)),
        Cond::Compare {
            target,
            op,
            value: v,
        } => {
            format!("{} {} {}", name(target), op.as_str(), value(target, v))
        }
        Cond::In { target, values } => {
            let values: Vec<String> = values.iter().map(|v| value(target, v)).collect();
            format!("{} in [{}]", name(target), values.join(", "))
        }
        Cond::Contains { target, code } => format!(
            "{} contains '{}'",
            name(target),
            questions[target.question].choices()[*code].code
        ),
    }
}

/// `q == 'a' or q == 'b'` (the same answer, only `==`): the target and the values.
fn one_answer_choice(parts: &[Cond]) -> Option<(Target, Vec<Value>)> {
    let mut target = None;
    let mut values = Vec::new();
    for part in parts {
        let Cond::Compare {
            target: t,
            op: Op::Eq,
            value,
        } = part
        else {
            return None;
        };
        if *target.get_or_insert(*t) != *t {
            return None;
        }
        values.push(*value);
    }
    Some((target?, values))
}

/// Resolves a `show_if` text against the questions before question `at`.
pub fn from_source(source: &str, questions: &[Question], at: usize) -> Result<Cond, String> {
    let ast = show_if::parse(source).map_err(|e| e.message)?;
    resolve(&ast, &questions[..at.min(questions.len())])
}

fn resolve(ast: &Ast, questions: &[Question]) -> Result<Cond, String> {
    let all = |parts: &[Ast]| -> Result<Vec<Cond>, String> {
        parts.iter().map(|p| resolve(p, questions)).collect()
    };
    Ok(match ast {
        Ast::Or(parts) => Cond::Or(all(parts)?),
        Ast::And(parts) => Cond::And(all(parts)?),
        Ast::Not(inner) => Cond::Not(Box::new(resolve(inner, questions)?)),
        Ast::Answered(name) => Cond::Answered(target(name, questions)?),
        Ast::Compare { name, op, value } => {
            let target = target(name, questions)?;
            let value = literal(target, value, questions)?;
            crate::survey::comparison(&questions[target.question], target, *op, value)
        }
        Ast::In { name, values } => {
            let target = target(name, questions)?;
            Cond::In {
                target,
                values: values
                    .iter()
                    .map(|v| literal(target, v, questions))
                    .collect::<Result<_, _>>()?,
            }
        }
        Ast::Contains { name, value } => {
            let target = target(name, questions)?;
            match literal(target, value, questions)? {
                Value::Code(code) => Cond::Contains { target, code },
                Value::Number(_) => return Err("`contains` takes a code".to_string()),
            }
        }
    })
}

fn target(name: &Name, questions: &[Question]) -> Result<Target, String> {
    let question = questions
        .iter()
        .position(|q| q.id == name.question)
        .ok_or_else(|| format!("`{}` is not an earlier question", name.question))?;
    let row = match &name.row {
        Some(row) => Some(
            questions[question]
                .rows()
                .iter()
                .position(|r| &r.code == row)
                .ok_or_else(|| format!("`{row}` is not a row of `{}`", name.question))?,
        ),
        None => None,
    };
    Ok(Target { question, row })
}

fn literal(target: Target, literal: &Literal, questions: &[Question]) -> Result<Value, String> {
    let q = &questions[target.question];
    match literal {
        Literal::Number(n, _) if q.kind.is_number() => Ok(Value::Number(*n)),
        Literal::Code(code, _) if !q.kind.is_number() => q
            .choice_index(code)
            .map(Value::Code)
            .ok_or_else(|| format!("'{code}' is not a code of `{}`", q.id)),
        _ => Err(format!("the value does not suit `{}`", q.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::xlsform::relevant;
    use crate::import::xpath;
    use crate::testing;

    /// EVERY_KIND's fields by XLSForm name, as the exporter names them.
    fn fields(survey: &crate::survey::Survey) -> Fields {
        let mut fields = Fields::new();
        for (i, q) in survey.questions.iter().enumerate() {
            fields.insert(
                q.id.clone(),
                Target {
                    question: i,
                    row: None,
                },
            );
            for (r, row) in q.rows().iter().enumerate() {
                fields.insert(
                    format!("{}_{}", q.id, row.code),
                    Target {
                        question: i,
                        row: Some(r),
                    },
                );
            }
        }
        fields
    }

    fn translate(xpath_text: &str) -> Result<String, String> {
        let survey = testing::every_kind();
        let expr = xpath::parse(xpath_text)?;
        let cond = from_xpath(&expr, &fields(&survey), &survey.questions)?;
        Ok(to_source(&cond, &survey.questions))
    }

    #[test]
    fn odk_relevants_become_show_if() {
        assert_eq!(translate("${stance} = 'yes'").unwrap(), "stance == 'yes'");
        assert_eq!(
            translate("${stance} != 'yes'").unwrap(),
            "not stance == 'yes'"
        );
        assert_eq!(
            translate("${stance} != '' and ${stance} != 'yes'").unwrap(),
            "stance != 'yes'"
        );
        assert_eq!(
            translate("selected(${why}, 'x')").unwrap(),
            "why contains 'x'"
        );
        assert_eq!(translate("selected(${role}, 'a')").unwrap(), "role == 'a'");
        assert_eq!(translate("${hours} != ''").unwrap(), "answered(hours)");
        assert_eq!(
            translate("count-selected(${why}) = 0").unwrap(),
            "not answered(why)"
        );
        assert_eq!(
            translate("${hours} != '' and ${hours} > 10").unwrap(),
            "hours > 10"
        );
        assert_eq!(translate("18 <= ${hours}").unwrap(), "hours >= 18");
        assert_eq!(
            translate("(${stance} = 'no' or ${stance} = 'maybe') and ${grid_r1} = 'agree'")
                .unwrap(),
            "stance in ['no', 'maybe'] and grid.r1 == 'agree'"
        );
        assert_eq!(
            translate("${stance} = 'no' or not(${p} = 5 and ${when} = 2030)").unwrap(),
            "stance == 'no' or not (p == 5 and when == 2030)"
        );
    }

    #[test]
    fn untranslatable_relevants_say_why() {
        for (xpath_text, why) in [
            ("${why} = 'x'", "several answers"),
            ("${stance} > 'no'", "list the codes"),
            ("${note} = 'x'", "free text"),
            ("${nobody} = 'x'", "not an earlier question"),
            ("${stance} = 'maybe_not'", "not a choice"),
            (
                "jr:choice-name(${stance}, '${stance}') = 'x'",
                "cannot be translated",
            ),
        ] {
            let e = translate(xpath_text).unwrap_err();
            assert!(e.contains(why), "{xpath_text}: {e}");
        }
    }

    #[test]
    fn what_canvass_compiles_translates_back_to_the_same_meaning() {
        let survey = testing::every_kind();
        let fields = fields(&survey);
        let name = |t: Target| {
            fields
                .iter()
                .find(|(_, v)| **v == t)
                .map(|(k, _)| k.clone())
                .unwrap()
        };
        for show_if in [
            "stance != 'no'",
            "stance >= 'maybe' and why contains 'x'",
            "not (grid.r1 == 'agree' or p < 40)",
            "when in [2030, 2040] or answered(order)",
        ] {
            let cond = from_source(show_if, &survey.questions, survey.questions.len()).unwrap();
            let compiled = relevant::compile(&cond, &survey, &name);
            let back = from_xpath(
                &xpath::parse(&compiled).unwrap(),
                &fields,
                &survey.questions,
            )
            .unwrap();
            // Same truth value for every answer to the targets involved.
            for stance in [None, Some(0), Some(1), Some(2)] {
                for p in [None, Some(10.0), Some(50.0)] {
                    let given = |t: Target| match survey.questions[t.question].id.as_str() {
                        "stance" => stance.map_or(show_if::Given::Missing, show_if::Given::Code),
                        "p" | "when" => p.map_or(show_if::Given::Missing, show_if::Given::Number),
                        "why" => show_if::Given::Codes(&[0]),
                        "grid" => show_if::Given::Code(1),
                        _ => show_if::Given::Missing,
                    };
                    assert_eq!(
                        cond.holds(&given),
                        back.holds(&given),
                        "{show_if} vs {compiled}"
                    );
                }
            }
        }
    }
}
