use crate::error::{Outcome, Result};
use crate::survey::QuestionKind;

/// `canvass check SURVEY`: load and check a definition; summarise it on success.
pub fn run(arg: &str, deny_warnings: bool) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let s = &loaded.survey;
    let scale = s.position_scale();
    let kinds = |name: &str| s.questions.iter().filter(|q| q.kind.name() == name).count();
    let text = s
        .questions
        .iter()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .count();
    let mut summary = format!(
        "{}: ok — survey `{}`, {} questions ({} likert, {} single, {} multiple, {} text); position `{}` with {} levels and {} sides; ",
        loaded.report.path,
        s.id,
        s.questions.len(),
        kinds("likert"),
        kinds("single"),
        kinds("multiple"),
        text,
        s.position_question().id,
        scale.levels.len(),
        scale.sides.len(),
    );
    match s.panel.invited {
        Some(n) => summary.push_str(&format!("{n} invited; ")),
        None => summary.push_str("panel size not stated; "),
    }
    summary.push_str(&format!(
        "groups of at least {}\n",
        s.anonymity.min_group_size
    ));
    super::write_stdout(summary.as_bytes())?;
    let warnings = loaded.report.diagnostics.len();
    Ok(if deny_warnings && warnings > 0 {
        Outcome::InputProblems
    } else {
        Outcome::Clean
    })
}
