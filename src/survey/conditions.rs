//! Resolving `show_if` expressions against the questions, and proving they can hold.
//!
//! Every name must be an earlier question (a condition can only look at answers already
//! given), every code must be one of its codes, and every comparison must suit its kind.
//! Then, for each condition, a small search over the values its questions can take
//! (each code, missing, and numbers around every constant) looks for one case where it
//! holds. A condition that never holds means its question is never shown, and a
//! condition that refers to a never-shown question is refused too.

use std::ops::Range;

use toml::Spanned;

use super::check::{Checker, list};
use super::raw::RawQuestion;
use super::show_if::{self, Ast, Cond, Given, Literal, Name, Op, Target, Value};
use super::suggest::did_you_mean;
use super::{Condition, Question, QuestionKind};

/// Maps spans inside a `show_if` string to spans in the definition file. When the TOML
/// string has escapes, positions inside it cannot be mapped, and every span becomes the
/// whole string.
struct Offsets {
    base: Option<usize>,
    whole: Range<usize>,
}

impl Offsets {
    fn new(source: &str, value: &Spanned<String>) -> Offsets {
        let whole = value.span();
        let raw = source.get(whole.clone()).unwrap_or("");
        let base = [3, 1].into_iter().find_map(|quote| {
            let inner = raw.get(quote..raw.len().checked_sub(quote)?)?;
            (inner == value.get_ref()).then_some(whole.start + quote)
        });
        Offsets { base, whole }
    }

    fn span(&self, inner: Range<usize>) -> Range<usize> {
        match self.base {
            Some(base) => base + inner.start..base + inner.end,
            None => self.whole.clone(),
        }
    }
}

/// Resolves every question's `show_if`, in order, reporting every problem.
pub(super) fn resolve_all(
    checker: &mut Checker<'_>,
    raw: &[&RawQuestion],
    questions: &mut [Question],
) {
    let mut can_show = vec![true; questions.len()];
    for i in 0..questions.len() {
        let Some(source) = &raw[i].show_if else {
            continue;
        };
        let offsets = Offsets::new(checker.source, source);
        let ast = match show_if::parse(source.get_ref()) {
            Ok(ast) => ast,
            Err(e) => {
                checker
                    .error(
                        format!("invalid show_if: {}", e.message),
                        offsets.span(e.span),
                    )
                    .with_help(e.help);
                continue;
            }
        };
        let mut resolver = Resolver {
            checker: &mut *checker,
            questions,
            at: i,
            offsets: &offsets,
            refs: Vec::new(),
            ok: true,
        };
        let cond = resolver.resolve(&ast);
        let (refs, ok) = (resolver.refs, resolver.ok);
        let Some(cond) = cond.filter(|_| ok) else {
            continue;
        };
        let mut refers_to_hidden = false;
        for (target, span) in &refs {
            if !can_show[target.question] {
                let id = &questions[target.question].id;
                checker
                    .error(format!("`{id}` is never shown, so this condition looks at an answer that never exists"), span.clone())
                    .label = Some(format!("the show_if of `{id}` can never hold"));
                refers_to_hidden = true;
            }
        }
        if !refers_to_hidden && !can_hold(&cond, questions, &can_show) {
            can_show[i] = false;
            checker
                .error(
                    format!(
                        "the show_if of `{}` can never hold, so the question is never shown",
                        questions[i].id
                    ),
                    source.span(),
                )
                .label = Some("no combination of earlier answers satisfies it".into());
        }
        questions[i].show_if = Some(Condition {
            source: source.get_ref().clone(),
            cond,
        });
    }
}

struct Resolver<'c, 's, 'q> {
    checker: &'c mut Checker<'s>,
    questions: &'q [Question],
    /// Index of the question whose condition this is.
    at: usize,
    offsets: &'q Offsets,
    /// Every target named, with its span in the file.
    refs: Vec<(Target, Range<usize>)>,
    ok: bool,
}

impl Resolver<'_, '_, '_> {
    fn fail(&mut self, message: String, span: Range<usize>) -> &mut crate::diagnostic::Diagnostic {
        self.ok = false;
        let span = self.offsets.span(span);
        self.checker.error(message, span)
    }

    fn resolve(&mut self, ast: &Ast) -> Option<Cond> {
        Some(match ast {
            Ast::Or(parts) => Cond::Or(self.all(parts)?),
            Ast::And(parts) => Cond::And(self.all(parts)?),
            Ast::Not(inner) => Cond::Not(Box::new(self.resolve(inner)?)),
            Ast::Answered(name) => Cond::Answered(self.target(name)?),
            Ast::Compare { name, op, value } => {
                let target = self.target(name)?;
                self.single_answer(target, name)?;
                let value = self.value(target, name, value, *op)?;
                comparison(&self.questions[target.question], target, *op, value)
            }
            Ast::In { name, values } => {
                let target = self.target(name)?;
                self.single_answer(target, name)?;
                let values = values
                    .iter()
                    .map(|v| self.value(target, name, v, Op::Eq))
                    .collect::<Vec<_>>();
                Cond::In {
                    target,
                    values: values.into_iter().collect::<Option<_>>()?,
                }
            }
            Ast::Contains { name, value } => {
                let target = self.target(name)?;
                let q = &self.questions[target.question];
                if !matches!(
                    q.kind,
                    QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. }
                ) {
                    let message = format!(
                        "`contains` looks inside multiple-choice and ranking answers, but `{}` is a `{}` question",
                        q.id,
                        q.kind.name()
                    );
                    self.fail(message, name.span.clone()).label =
                        Some("use == or in [...] for a single answer".into());
                    return None;
                }
                match self.value(target, name, value, Op::Eq)? {
                    Value::Code(code) => Cond::Contains { target, code },
                    Value::Number(_) => unreachable!("choice questions only resolve codes"),
                }
            }
        })
    }

    /// `==`, `<`, `in` … compare one answer; several answers are tested with `contains`.
    fn single_answer(&mut self, target: Target, name: &Name) -> Option<()> {
        let q = &self.questions[target.question];
        if matches!(
            q.kind,
            QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. }
        ) {
            let written = &name.question;
            self.fail(
                format!("`{written}` can have several answers; test one of them with `contains`"),
                name.span.clone(),
            )
            .with_help(Some(format!("{written} contains 'code'")));
            return None;
        }
        Some(())
    }

    fn all(&mut self, parts: &[Ast]) -> Option<Vec<Cond>> {
        // Resolve every part, so that every mistake is reported, not only the first.
        let resolved: Vec<Option<Cond>> = parts.iter().map(|p| self.resolve(p)).collect();
        resolved.into_iter().collect()
    }

    fn target(&mut self, name: &Name) -> Option<Target> {
        let id = &name.question;
        let this = &self.questions[self.at].id;
        let Some(index) = self.questions.iter().position(|q| &q.id == id) else {
            let earlier: Vec<&str> = self.questions[..self.at]
                .iter()
                .map(|q| q.id.as_str())
                .collect();
            let help = did_you_mean(id, earlier.iter().copied());
            self.fail(
                format!("`{id}` is not a question of the survey"),
                name.span.clone(),
            )
            .with_help(help)
            .label = Some("a condition names an earlier question by its id".into());
            return None;
        };
        if index == self.at {
            self.fail(
                format!("the show_if of `{this}` refers to `{this}` itself"),
                name.span.clone(),
            )
            .label = Some("a question cannot depend on its own answer".into());
            return None;
        }
        if index > self.at {
            self.fail(
                format!(
                    "`{id}` comes after `{this}`; a condition can only look at earlier answers"
                ),
                name.span.clone(),
            )
            .label = Some("move the question it depends on before it".into());
            return None;
        }
        let question = &self.questions[index];
        let row = match (&question.kind, &name.row) {
            (QuestionKind::Matrix { rows, .. }, Some(row)) => {
                match rows.iter().position(|r| &r.code == row) {
                    Some(r) => Some(r),
                    None => {
                        let help = did_you_mean(row, rows.iter().map(|r| r.code.as_str()));
                        self.fail(
                            format!("`{row}` is not a row of the matrix `{id}`"),
                            name.span.clone(),
                        )
                        .with_help(help);
                        return None;
                    }
                }
            }
            (QuestionKind::Matrix { rows, .. }, None) => {
                let example = rows.first().map_or("row", |r| r.code.as_str());
                self.fail(
                    format!("`{id}` is a matrix; name one of its rows"),
                    name.span.clone(),
                )
                .with_help(Some(format!("e.g. {id}.{example}")));
                return None;
            }
            (_, Some(_)) => {
                self.fail(
                    format!(
                        "`{id}` is a `{}` question and has no rows",
                        question.kind.name()
                    ),
                    name.span.clone(),
                );
                return None;
            }
            (_, None) => None,
        };
        let target = Target {
            question: index,
            row,
        };
        self.refs
            .push((target, self.offsets.span(name.span.clone())));
        Some(target)
    }

    /// A literal compared with `target` by `op`, resolved to a code index or a number.
    fn value(&mut self, target: Target, name: &Name, literal: &Literal, op: Op) -> Option<Value> {
        let q = &self.questions[target.question];
        let written = &name.question;
        match (&q.kind, literal) {
            (QuestionKind::Text { .. }, _) => {
                self.fail(
                    format!(
                        "`{written}` is free text; a condition can only ask whether it was answered"
                    ),
                    name.span.clone(),
                )
                .with_help(Some(format!("answered({written})")));
                None
            }
            (kind, Literal::Number(n, span)) if kind.is_number() => {
                let _ = span;
                Some(Value::Number(*n))
            }
            (kind, Literal::Code(code, span)) if kind.is_number() => {
                self.fail(
                    format!("`{written}` is a number; compare it with a number, not '{code}'"),
                    span.clone(),
                );
                None
            }
            (_, Literal::Number(n, span)) => {
                self.fail(
                    format!("`{written}` takes codes; put the code in quotes, not {n}"),
                    span.clone(),
                );
                None
            }
            (kind, Literal::Code(code, span)) => {
                let choices = q.choices();
                let Some(index) = choices.iter().position(|c| &c.code == code) else {
                    let codes: Vec<&str> = choices.iter().map(|c| c.code.as_str()).collect();
                    let help = did_you_mean(code, codes.iter().copied());
                    self.fail(
                        format!(
                            "'{code}' is not a code of `{written}`, so the condition can never hold"
                        ),
                        span.clone(),
                    )
                    .with_help(help)
                    .label = Some(format!("expected one of {}", list(&codes)));
                    return None;
                };
                if op.is_ordering() {
                    let ordered = match kind {
                        QuestionKind::Likert { scale } | QuestionKind::Matrix { scale, .. } => {
                            Some(scale)
                        }
                        _ => None,
                    };
                    match ordered {
                        None => {
                            self.fail(format!("`{}` compares places on a scale, but `{written}` is a `{}` question without an order", op.as_str(), kind.name()), span.clone())
                                .with_help(Some(format!("list the codes instead: {written} in ['…', '…']")));
                            return None;
                        }
                        Some(scale) if scale.is_nonsubstantive(index) => {
                            self.fail(format!("'{code}' is a non-substantive level and has no place on the scale"), span.clone());
                            return None;
                        }
                        Some(_) => {}
                    }
                }
                Some(Value::Code(index))
            }
        }
    }
}

/// A resolved comparison. An ordering on scale levels becomes the set of ordered levels it
/// admits: a non-substantive answer ("don't know") sits after the ordered levels in the list
/// but has no place on the scale, so `>= 'probably_yes'` must not admit it. Spelling the set
/// out once here gives every reader of `Cond` (ingest, forms, XLSForm, synth) the same
/// meaning without each having to know about the scale.
pub(crate) fn comparison(question: &Question, target: Target, op: Op, value: Value) -> Cond {
    let scale = match &question.kind {
        QuestionKind::Likert { scale } | QuestionKind::Matrix { scale, .. } => Some(scale),
        _ => None,
    };
    match (scale, value) {
        (Some(scale), Value::Code(bound)) if op.is_ordering() => Cond::In {
            target,
            values: (0..scale.ordered)
                .filter(|&level| op.holds(level, bound))
                .map(Value::Code)
                .collect(),
        },
        _ => Cond::Compare { target, op, value },
    }
}

/// A value a question can take in the search for a case where a condition holds.
#[derive(Debug, Clone, PartialEq)]
enum Case {
    Missing,
    Code(usize),
    Codes(Vec<u8>),
    Number(f64),
    Text,
}

/// Largest number of combinations searched; beyond it a condition is assumed to hold.
const SEARCH_LIMIT: usize = 200_000;

/// Whether some combination of answers makes the condition hold.
fn can_hold(cond: &Cond, questions: &[Question], can_show: &[bool]) -> bool {
    let targets = cond.targets();
    let domains: Vec<Vec<Case>> = targets
        .iter()
        .map(|t| domain(cond, *t, &questions[t.question], can_show[t.question]))
        .collect();
    let total = domains
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(d.len()));
    if total.is_none_or(|n| n > SEARCH_LIMIT) {
        return true;
    }
    let mut pick = vec![0usize; domains.len()];
    loop {
        let lookup = |t: Target| -> Given<'_> {
            let i = targets
                .iter()
                .position(|x| *x == t)
                .expect("every target has a domain");
            match &domains[i][pick[i]] {
                Case::Missing => Given::Missing,
                Case::Code(c) => Given::Code(*c),
                Case::Codes(cs) => Given::Codes(cs),
                Case::Number(n) => Given::Number(*n),
                Case::Text => Given::Text,
            }
        };
        if cond.holds(&lookup) {
            return true;
        }
        // Next combination (an odometer over the domains).
        let mut d = 0;
        loop {
            if d == pick.len() {
                return false;
            }
            pick[d] += 1;
            if pick[d] < domains[d].len() {
                break;
            }
            pick[d] = 0;
            d += 1;
        }
    }
}

/// The values worth trying for one target: every code, the subsets of the codes the
/// condition tests with `contains`, or numbers at and around every constant it uses.
fn domain(cond: &Cond, target: Target, q: &Question, can_show: bool) -> Vec<Case> {
    let mut cases = vec![Case::Missing];
    if !can_show {
        return cases;
    }
    match &q.kind {
        QuestionKind::Single { .. } | QuestionKind::Likert { .. } | QuestionKind::Matrix { .. } => {
            cases.extend((0..q.choices().len()).map(Case::Code));
        }
        QuestionKind::Multiple { .. } | QuestionKind::Ranking { .. } => {
            let mut mentioned: Vec<u8> = Vec::new();
            cond.visit(&mut |c| {
                if let Cond::Contains { target: t, code } = c {
                    if *t == target && !mentioned.contains(&(*code as u8)) {
                        mentioned.push(*code as u8);
                    }
                }
            });
            mentioned.truncate(12);
            for mask in 1u32..(1 << mentioned.len()) {
                let subset = mentioned
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, c)| *c)
                    .collect();
                cases.push(Case::Codes(subset));
            }
            // Some answer that ticks none of the mentioned codes.
            if mentioned.len() < q.choices().len() {
                let other = (0..q.choices().len() as u8)
                    .find(|c| !mentioned.contains(c))
                    .unwrap_or(0);
                cases.push(Case::Codes(vec![other]));
            }
        }
        QuestionKind::Numeric { .. } | QuestionKind::Probability | QuestionKind::Year { .. } => {
            let (lo, hi) = q.kind.bounds();
            let whole = matches!(
                q.kind,
                QuestionKind::Year { .. } | QuestionKind::Numeric { integer: true, .. }
            );
            let mut candidates: Vec<f64> = Vec::new();
            cond.visit(&mut |c| {
                let values: Vec<f64> = match c {
                    Cond::Compare {
                        target: t,
                        value: Value::Number(n),
                        ..
                    } if *t == target => vec![*n],
                    Cond::In { target: t, values } if *t == target => values
                        .iter()
                        .filter_map(|v| {
                            if let Value::Number(n) = v {
                                Some(*n)
                            } else {
                                None
                            }
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                for n in values {
                    let step = if whole { 1.0 } else { 1e-6 * n.abs().max(1.0) };
                    candidates.extend([n - step, n, n + step]);
                }
            });
            candidates.extend(lo.into_iter().chain(hi));
            // Some valid answer even when the condition names no number.
            candidates.push(lo.or(hi.map(|h| h.min(0.0))).unwrap_or(0.0));
            candidates.retain(|v| {
                lo.is_none_or(|lo| *v >= lo)
                    && hi.is_none_or(|hi| *v <= hi)
                    && (!whole || v.fract() == 0.0)
            });
            candidates.sort_by(f64::total_cmp);
            candidates.dedup();
            cases.extend(candidates.into_iter().map(Case::Number));
        }
        QuestionKind::Text { .. } => cases.push(Case::Text),
    }
    cases
}
