use crate::error::{Outcome, Result};

/// `canvass check SURVEY`: load and check a definition; summarise it on success.
pub fn run(arg: &str, deny_warnings: bool) -> Result<Outcome> {
    let loaded = super::load_survey(arg)?;
    let s = &loaded.survey;
    let scale = s.position_scale();
    let kinds: Vec<String> = crate::survey::KINDS
        .iter()
        .filter_map(|kind| {
            let n = s
                .questions
                .iter()
                .filter(|q| q.kind.name() == *kind)
                .count();
            (n > 0).then(|| format!("{n} {kind}"))
        })
        .collect();
    let mut summary = format!(
        "{}: ok — survey `{}`, {} questions ({}) in {} section(s); position `{}` with {} levels and {} sides; ",
        loaded.report.path,
        s.id,
        s.questions.len(),
        kinds.join(", "),
        s.sections.len(),
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
