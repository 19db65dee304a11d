//! A resolved `show_if` ([`Cond`]) compiled to an XLSForm `relevant` expression (ODK
//! XPath), with canvass's meaning kept exactly.
//!
//! In canvass a comparison with an unanswered question is false, whatever the operator.
//! In XPath an empty answer is the string `''`: `${q} = 'a'` is false for it, as in
//! canvass, but `${q} != 'a'` is true, so `!=` also requires an answer. Ordering
//! comparisons on numbers get the same guard, so the meaning does not depend on how a
//! form engine converts an empty string to a number. Ordering on a likert scale becomes
//! the set of level codes that satisfy it, found with [`Cond::holds`] itself so the two
//! can never disagree.

use crate::survey::show_if::{Cond, Given, Op, Target, Value};
use crate::survey::{Question, Survey};

/// How tightly an expression binds, to parenthesise only where XPath needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Binding {
    Or,
    And,
    Atom,
}

/// Compiles `cond`; `name` gives the XLSForm field name of a target (a question, or the
/// field of one matrix row).
pub fn compile(cond: &Cond, survey: &Survey, name: &dyn Fn(Target) -> String) -> String {
    Compiler { survey, name }.expr(cond).0
}

struct Compiler<'a> {
    survey: &'a Survey,
    name: &'a dyn Fn(Target) -> String,
}

impl Compiler<'_> {
    fn field(&self, target: Target) -> String {
        format!("${{{}}}", (self.name)(target))
    }

    fn question(&self, target: Target) -> &Question {
        &self.survey.questions[target.question]
    }

    fn expr(&self, cond: &Cond) -> (String, Binding) {
        match cond {
            Cond::Or(parts) => join(parts.iter().map(|p| self.expr(p)), "or", Binding::Or),
            Cond::And(parts) => join(parts.iter().map(|p| self.expr(p)), "and", Binding::And),
            Cond::Not(inner) => (format!("not({})", self.expr(inner).0), Binding::Atom),
            Cond::Answered(t) => (format!("{} != ''", self.field(*t)), Binding::Atom),
            Cond::Contains { target, code } => {
                let code = &self.question(*target).choices()[*code].code;
                (
                    format!("selected({}, '{code}')", self.field(*target)),
                    Binding::Atom,
                )
            }
            Cond::Compare {
                target,
                op,
                value: Value::Number(n),
            } => self.number(*target, *op, *n),
            Cond::Compare { target, .. } | Cond::In { target, .. } => self.codes(cond, *target),
        }
    }

    fn number(&self, target: Target, op: Op, n: f64) -> (String, Binding) {
        let field = self.field(target);
        let n = number(n);
        match op {
            Op::Eq => (format!("{field} = {n}"), Binding::Atom),
            _ => (
                format!("{field} != '' and {field} {} {n}", xpath_op(op)),
                Binding::And,
            ),
        }
    }

    /// A comparison or `in` on a coded answer: the codes for which it holds.
    fn codes(&self, cond: &Cond, target: Target) -> (String, Binding) {
        if let Cond::In { values, .. } = cond {
            if let Some(Value::Number(_)) = values.first() {
                let field = self.field(target);
                let parts = values.iter().filter_map(|v| match v {
                    Value::Number(n) => Some((format!("{field} = {}", number(*n)), Binding::Atom)),
                    Value::Code(_) => None,
                });
                return join(parts, "or", Binding::Or);
            }
        }
        let choices = self.question(target).choices();
        let field = self.field(target);
        let holding: Vec<usize> = (0..choices.len())
            .filter(|&i| cond.holds(&|_| Given::Code(i)))
            .collect();
        // `!=` reads better as itself than as the list of every other code.
        if let Cond::Compare {
            op: Op::Ne,
            value: Value::Code(v),
            ..
        } = cond
        {
            return (
                format!("{field} != '' and {field} != '{}'", choices[*v].code),
                Binding::And,
            );
        }
        match holding.as_slice() {
            [] => ("false()".to_string(), Binding::Atom),
            _ => join(
                holding
                    .iter()
                    .map(|&i| (format!("{field} = '{}'", choices[i].code), Binding::Atom)),
                "or",
                Binding::Or,
            ),
        }
    }
}

/// Joins parts with `and` or `or`, parenthesising parts that bind more loosely.
fn join(
    parts: impl Iterator<Item = (String, Binding)>,
    word: &str,
    binding: Binding,
) -> (String, Binding) {
    let texts: Vec<String> = parts
        .map(|(text, b)| {
            if b < binding {
                format!("({text})")
            } else {
                text
            }
        })
        .collect();
    if texts.len() == 1 {
        let text = texts.into_iter().next().unwrap_or_default();
        return (text, binding);
    }
    (texts.join(&format!(" {word} ")), binding)
}

fn xpath_op(op: Op) -> &'static str {
    match op {
        Op::Eq => "=",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
    }
}

/// A number as XPath and canvass write it: no exponent, shortest form that reads back.
pub fn number(n: f64) -> String {
    format!("{n}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    /// Compiles the show_if of question `id` in `survey`, naming matrix rows `q_row`.
    fn relevant(survey: &Survey, id: &str) -> String {
        let q = survey.question(id).unwrap();
        let name = |t: Target| {
            let q = &survey.questions[t.question];
            match t.row {
                Some(r) => format!("{}_{}", q.id, q.rows()[r].code),
                None => q.id.clone(),
            }
        };
        compile(&q.show_if.as_ref().unwrap().cond, survey, &name)
    }

    fn with_condition(show_if: &str) -> Survey {
        let source = testing::EVERY_KIND.replace(
            "show_if = \"stance == 'yes'\"",
            &format!("show_if = \"{show_if}\""),
        );
        testing::survey_from(&source)
    }

    #[test]
    fn codes_equality_and_answered() {
        let s = with_condition("stance == 'yes'");
        assert_eq!(relevant(&s, "note"), "${stance} = 'yes'");
        let s = with_condition("answered(hours)");
        assert_eq!(relevant(&s, "note"), "${hours} != ''");
        let s = with_condition("why contains 'y'");
        assert_eq!(relevant(&s, "note"), "selected(${why}, 'y')");
    }

    #[test]
    fn not_equal_requires_an_answer() {
        let s = with_condition("stance != 'no'");
        assert_eq!(
            relevant(&s, "note"),
            "${stance} != '' and ${stance} != 'no'"
        );
        let s = with_condition("hours != 3");
        assert_eq!(relevant(&s, "note"), "${hours} != '' and ${hours} != 3");
    }

    #[test]
    fn ordering_on_a_scale_becomes_the_levels_that_satisfy_it() {
        let s = with_condition("stance >= 'maybe'");
        assert_eq!(
            relevant(&s, "note"),
            "${stance} = 'maybe' or ${stance} = 'yes'"
        );
        let s = with_condition("grid.r1 < 'agree'");
        assert_eq!(relevant(&s, "note"), "${grid_r1} = 'disagree'");
        let s = with_condition("stance in ['no', 'yes']");
        assert_eq!(
            relevant(&s, "note"),
            "${stance} = 'no' or ${stance} = 'yes'"
        );
    }

    #[test]
    fn numbers_and_precedence() {
        let s = with_condition("p > 12.5 and (stance == 'no' or not answered(when))");
        assert_eq!(
            relevant(&s, "note"),
            "${p} != '' and ${p} > 12.5 and (${stance} = 'no' or not(${when} != ''))"
        );
        let s = with_condition("stance >= 'maybe' and hours == 4");
        assert_eq!(
            relevant(&s, "note"),
            "(${stance} = 'maybe' or ${stance} = 'yes') and ${hours} = 4"
        );
        let s = with_condition("when in [2030, 2040]");
        assert_eq!(relevant(&s, "note"), "${when} = 2030 or ${when} = 2040");
    }
}
