//! Which survey tool made a file, from the signatures of its heading rows, and so how many
//! rows at the top are headings. Signatures are checked from the most specific (a third
//! row of `{"ImportId":…}`) to the most general (a `Timestamp` first column).

use super::Tool;

/// How many rows at the top are looked at.
pub const SIGNATURE_ROWS: usize = 3;

/// The tool whose signature the first rows (trimmed cells) carry.
pub fn detect(rows: &[Vec<String>]) -> Tool {
    let empty = Vec::new();
    let first = rows.first().unwrap_or(&empty);
    let second = rows.get(1).unwrap_or(&empty);
    let third = rows.get(2).unwrap_or(&empty);
    let has = |row: &[String], name: &str| row.iter().any(|c| c == name);
    let first_is = |name: &str| first.first().is_some_and(|c| c == name);

    if third.iter().any(|c| c.starts_with("{\"ImportId\"")) {
        Tool::Qualtrics
    } else if first_is("V1") && has(first, "V2") {
        Tool::QualtricsLegacy
    } else if has(second, "submitdate") && has(second, "lastpage") {
        Tool::LimeSurveyVv
    } else if (first_is("RespondentID") || first_is("Respondent ID"))
        && second
            .iter()
            .any(|c| c == "Response" || c == "Open-Ended Response")
    {
        Tool::SurveyMonkey
    } else if has(first, "_uuid") || has(first, "_submission_time") {
        Tool::Kobo
    } else if has(first, "SubmissionDate") && (has(first, "meta-instanceID") || has(first, "KEY")) {
        Tool::OdkCentral
    } else if first_is("record_id")
        || (first.iter().any(|c| c.contains("___"))
            && first.iter().any(|c| c.ends_with("_complete")))
    {
        Tool::Redcap
    } else if first_is("#") {
        Tool::Typeform
    } else if first_is("ID") && has(first, "Start time") && has(first, "Completion time") {
        Tool::MicrosoftForms
    } else if first_is("Timestamp") {
        Tool::GoogleForms
    } else if is_limesurvey_csv(first) {
        Tool::LimeSurvey
    } else if has(first, "respondent_id") {
        Tool::Canonical
    } else {
        Tool::Unknown
    }
}

/// LimeSurvey's CSV export, with headings as codes (`id`, `submitdate`, `lastpage`,
/// `startlanguage`) or as `code. text` (`id. Response ID`, `Q1. How …`).
fn is_limesurvey_csv(first: &[String]) -> bool {
    let codes = ["submitdate", "lastpage", "startlanguage"];
    if codes.iter().all(|c| first.iter().any(|h| h == c)) {
        return true;
    }
    let coded = first.iter().filter(|h| is_code_dot_text(h)).count();
    first.first().is_some_and(|h| h.starts_with("id. ")) && coded * 2 >= first.len()
}

/// `Q1. text`: a code of letters, digits and `_`/`[`/`]`, a dot and a space.
fn is_code_dot_text(heading: &str) -> bool {
    heading.split_once(". ").is_some_and(|(code, text)| {
        !code.is_empty()
            && !text.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']'))
    })
}

/// How many heading rows `tool` writes, and a note when a KoboToolbox HXL tag row was
/// taken as one.
pub fn header_rows(tool: Tool, rows: &[Vec<String>]) -> (usize, Option<String>) {
    match tool {
        Tool::Qualtrics => (3, None),
        Tool::QualtricsLegacy | Tool::SurveyMonkey | Tool::LimeSurveyVv => (2, None),
        Tool::Kobo if rows.get(1).is_some_and(|r| is_hxl_row(r)) => (
            2,
            Some("the second row holds HXL hashtags (#tag); it is read as a heading row".into()),
        ),
        _ => (1, None),
    }
}

/// An HXL row: every non-empty cell is a `#tag` (with `+attributes`), and there is one.
fn is_hxl_row(row: &[String]) -> bool {
    let tags: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
    !tags.is_empty()
        && tags.iter().all(|c| {
            c.strip_prefix('#').is_some_and(|tag| {
                !tag.is_empty()
                    && tag
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '+' | ' '))
            })
        })
}

/// A `--tool` value.
pub fn parse(name: &str) -> Result<Tool, String> {
    Tool::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
        format!(
            "unknown tool `{name}`; expected one of {}",
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    }

    fn tool(lines: &[&str]) -> Tool {
        detect(&rows(lines))
    }

    #[test]
    fn each_signature_is_recognised() {
        assert_eq!(
            tool(&[
                "StartDate,Q1",
                "Start Date,Q one",
                "{\"ImportId\":\"startDate\"},{\"ImportId\":\"QID1\"}"
            ]),
            Tool::Qualtrics
        );
        assert_eq!(
            tool(&["V1,V2,Q1", "ResponseID,ResponseSet,Q"]),
            Tool::QualtricsLegacy
        );
        assert_eq!(
            tool(&["Response ID,Date submitted", "id,submitdate,lastpage"]),
            Tool::LimeSurveyVv
        );
        assert_eq!(
            tool(&["RespondentID,Q1,", ",Response,Other"]),
            Tool::SurveyMonkey
        );
        assert_eq!(tool(&["start,end,q/a,_id,_uuid"]), Tool::Kobo);
        assert_eq!(
            tool(&["SubmissionDate,meta-instanceID,g-q"]),
            Tool::OdkCentral
        );
        assert_eq!(tool(&["record_id,name"]), Tool::Redcap);
        assert_eq!(tool(&["id,race___1,form_complete"]), Tool::Redcap);
        assert_eq!(tool(&["#,Q1,Submitted At,Token"]), Tool::Typeform);
        assert_eq!(
            tool(&["ID,Start time,Completion time,Email,Name,Q1"]),
            Tool::MicrosoftForms
        );
        assert_eq!(tool(&["Timestamp,Q1"]), Tool::GoogleForms);
        assert_eq!(
            tool(&["id. Response ID,submitdate. Date submitted,Q1. How?"]),
            Tool::LimeSurvey
        );
        assert_eq!(
            tool(&["id,submitdate,lastpage,startlanguage,Q1"]),
            Tool::LimeSurvey
        );
        assert_eq!(tool(&["respondent_id,stance"]), Tool::Canonical);
        assert_eq!(tool(&["name,age"]), Tool::Unknown);
        assert_eq!(detect(&[]), Tool::Unknown);
    }

    #[test]
    fn heading_rows_follow_the_tool() {
        assert_eq!(header_rows(Tool::Qualtrics, &[]).0, 3);
        assert_eq!(header_rows(Tool::SurveyMonkey, &[]).0, 2);
        assert_eq!(header_rows(Tool::Canonical, &[]).0, 1);
        let kobo = rows(&["a,b,c", ",#symmetry,#segments+n", "1,2,3"]);
        let (n, note) = header_rows(Tool::Kobo, &kobo);
        assert_eq!(n, 2);
        assert!(note.unwrap().contains("HXL"));
        let plain = rows(&["a,b,c", "1,#2,3"]);
        assert_eq!(
            header_rows(Tool::Kobo, &plain),
            (1, None),
            "a data row with a # cell"
        );
    }

    #[test]
    fn tool_values_parse() {
        assert_eq!(parse("qualtrics"), Ok(Tool::Qualtrics));
        assert!(parse("spss").unwrap_err().contains("odk-central"));
    }
}
