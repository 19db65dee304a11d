//! What each survey tool adds besides the questions: its response id and submission time
//! columns, the metadata columns it always writes, and the columns that say a row is a
//! preview, spam, rejected in review or unfinished.

use super::text::normalize;
use crate::ingest::source::Tool;

/// Response id columns, most specific first (compared after [`normalize`]).
const RESPONSE_IDS: &[&str] = &[
    "ResponseId",
    "ResponseID",
    "Response ID",
    "_recordId",
    "RespondentID",
    "Respondent ID",
    "_uuid",
    "KEY",
    "meta-instanceID",
    "record_id",
    "#",
    "Network ID",
    "ID",
    "id",
];

/// Submission time columns, most specific first.
const SUBMITTED: &[&str] = &[
    "EndDate",
    "End Date",
    "RecordedDate",
    "SubmissionDate",
    "_submission_time",
    "Timestamp",
    "Completion time",
    "Date submitted",
    "submitdate",
    "Submit Date (UTC)",
    "Submitted At",
    "end",
];

/// Metadata each tool writes on every export, which no survey question is.
fn metadata(tool: Tool) -> &'static [&'static str] {
    match tool {
        Tool::Qualtrics | Tool::QualtricsLegacy => &[
            "StartDate",
            "EndDate",
            "Status",
            "IPAddress",
            "Progress",
            "Duration (in seconds)",
            "Finished",
            "RecordedDate",
            "ResponseId",
            "ResponseID",
            "RecipientLastName",
            "RecipientFirstName",
            "RecipientEmail",
            "ExternalReference",
            "ExternalDataReference",
            "LocationLatitude",
            "LocationLongitude",
            "LocationAccuracy",
            "DistributionChannel",
            "UserLanguage",
            "ResponseSet",
            "Name",
            "EmailAddress",
            "Q_RecaptchaScore",
            "Q_RelevantIDDuplicate",
            "Q_RelevantIDFraudScore",
        ],
        Tool::SurveyMonkey => &[
            "RespondentID",
            "Respondent ID",
            "CollectorID",
            "Collector ID",
            "StartDate",
            "Start Date",
            "EndDate",
            "End Date",
            "IP Address",
            "Email Address",
            "First Name",
            "Last Name",
            "LastName",
            "Custom Data",
            "Custom Data 1",
        ],
        Tool::LimeSurvey | Tool::LimeSurveyVv => &[
            "id",
            "Response ID",
            "token",
            "submitdate",
            "Date submitted",
            "lastpage",
            "Last page",
            "startlanguage",
            "Start language",
            "seed",
            "Seed",
            "startdate",
            "Date started",
            "datestamp",
            "Date last action",
            "ipaddr",
            "IP address",
            "refurl",
            "Referrer URL",
        ],
        Tool::Kobo => &[
            "start",
            "end",
            "today",
            "deviceid",
            "username",
            "phonenumber",
            "simserial",
            "audit",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_notes",
            "_status",
            "_submitted_by",
            "__version__",
            "_version_",
            "_tags",
            "_index",
            "meta/rootUuid",
            "meta/instanceID",
            "meta/deprecatedID",
            "formhub/uuid",
            "_xform_id_string",
            "_attachments",
            "_geolocation",
            "_parent_index",
        ],
        Tool::OdkCentral => &[
            "SubmissionDate",
            "meta-instanceID",
            "KEY",
            "SubmitterID",
            "SubmitterName",
            "AttachmentsPresent",
            "AttachmentsExpected",
            "Status",
            "ReviewState",
            "DeviceID",
            "Edits",
            "FormVersion",
            "instanceID",
            "start",
            "end",
            "today",
            "deviceid",
        ],
        Tool::Redcap => &[
            "record_id",
            "redcap_event_name",
            "redcap_repeat_instrument",
            "redcap_repeat_instance",
            "redcap_data_access_group",
            "redcap_survey_identifier",
        ],
        Tool::GoogleForms => &["Timestamp", "Email Address", "Email address", "Score"],
        Tool::MicrosoftForms => &[
            "ID",
            "Id",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
        ],
        Tool::Typeform => &[
            "#",
            "Start Date (UTC)",
            "Submit Date (UTC)",
            "Stage Date (UTC)",
            "Network ID",
            "Response Type",
            "Stage",
            "Tags",
            "Ending",
        ],
        Tool::Canonical | Tool::Unknown => &[],
    }
}

/// Whether `heading` is metadata `tool` always writes (REDCap's `*_complete` and
/// `*_timestamp` columns included).
pub fn is_metadata(tool: Tool, heading: &str) -> bool {
    let n = normalize(heading);
    if tool == Tool::Redcap && (heading.ends_with("_complete") || heading.ends_with("_timestamp")) {
        return true;
    }
    // Qualtrics Text iQ adds analysis columns after a text question (`Q2 - Topics`).
    let text_iq = [
        " - Topics",
        " - Parent Topics",
        " - Sentiment",
        " - Sentiment Score",
        " - Sentiment Polarity",
    ];
    if matches!(tool, Tool::Qualtrics | Tool::QualtricsLegacy)
        && text_iq.iter().any(|s| heading.trim_end().ends_with(s))
    {
        return true;
    }
    metadata(tool).iter().any(|m| normalize(m) == n)
}

/// How well `heading` names a response id column: lower is better; `None`: it does not.
pub fn response_id_rank(heading: &str) -> Option<usize> {
    let n = heading.trim();
    // `#` normalizes to nothing, so it is compared as written.
    if n == "#" {
        return RESPONSE_IDS.iter().position(|h| *h == "#");
    }
    let n = normalize(n);
    RESPONSE_IDS
        .iter()
        .position(|h| *h != "#" && normalize(h) == n)
}

/// How well `heading` names a submission time column (lower is better).
pub fn submitted_rank(heading: &str) -> Option<usize> {
    let n = normalize(heading);
    SUBMITTED.iter().position(|h| normalize(h) == n)
}

/// A column whose value can set a row aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Qualtrics `Status`: previews, tests and spam are not responses.
    QualtricsStatus,
    /// Qualtrics `Finished`: 0 or False is an unfinished response.
    Finished,
    /// REDCap `<instrument>_complete`: 0 is Incomplete.
    RedcapComplete,
    /// Kobo `_validation_status`: not approved in review.
    KoboValidation,
    /// ODK Central `ReviewState`: rejected in review.
    OdkReview,
    /// LimeSurvey `submitdate`: empty for a response never submitted.
    LimeSubmitted,
}

/// Which gate, if any, a column of `tool` is.
pub fn gate(tool: Tool, heading: &str) -> Option<Gate> {
    let n = normalize(heading);
    match tool {
        Tool::Qualtrics | Tool::QualtricsLegacy if n == "status" => Some(Gate::QualtricsStatus),
        Tool::Qualtrics | Tool::QualtricsLegacy if n == "finished" => Some(Gate::Finished),
        Tool::Redcap if heading.trim().ends_with("_complete") => Some(Gate::RedcapComplete),
        Tool::Kobo if heading.trim() == "_validation_status" => Some(Gate::KoboValidation),
        Tool::OdkCentral if n == "reviewstate" => Some(Gate::OdkReview),
        Tool::LimeSurvey | Tool::LimeSurveyVv if n == "submitdate" || n == "date submitted" => {
            Some(Gate::LimeSubmitted)
        }
        _ => None,
    }
}

impl Gate {
    /// Why a row with this cell is set aside, or `None` if it is a response.
    pub fn sets_aside(self, cell: &str) -> Option<&'static str> {
        let v = cell.trim();
        let lower = v.to_ascii_lowercase();
        match self {
            Gate::QualtricsStatus => match lower.as_str() {
                "1" | "survey preview" => Some("a Qualtrics survey preview"),
                "2" | "survey test" => Some("a Qualtrics survey test"),
                "8" | "9" | "12" | "spam" | "preview spam" | "imported spam" => {
                    Some("marked as spam by Qualtrics")
                }
                _ => None,
            },
            Gate::Finished => {
                matches!(lower.as_str(), "0" | "false").then_some("not finished (Finished = false)")
            }
            Gate::RedcapComplete => {
                (v == "0").then_some("an instrument marked Incomplete (0) in REDCap")
            }
            Gate::KoboValidation => (lower == "validation_status_not_approved")
                .then_some("not approved in KoboToolbox review"),
            Gate::OdkReview => (lower == "rejected").then_some("rejected in ODK Central review"),
            Gate::LimeSubmitted => v.is_empty().then_some("never submitted (no submit date)"),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Gate::QualtricsStatus => "previews, tests and spam",
            Gate::Finished => "unfinished responses",
            Gate::RedcapComplete => "records whose instrument is Incomplete",
            Gate::KoboValidation => "submissions not approved in review",
            Gate::OdkReview => "submissions rejected in review",
            Gate::LimeSubmitted => "responses never submitted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_time_columns_are_ranked() {
        assert_eq!(response_id_rank("ResponseId"), Some(0));
        assert!(response_id_rank("_uuid").unwrap() < response_id_rank("ID").unwrap());
        assert!(response_id_rank("#").is_some());
        assert_eq!(response_id_rank("Age"), None);
        assert!(submitted_rank("Completion time").is_some());
        assert_eq!(submitted_rank("start"), None);
    }

    #[test]
    fn gates_set_aside_previews_spam_and_unfinished() {
        assert_eq!(gate(Tool::Qualtrics, "Status"), Some(Gate::QualtricsStatus));
        assert!(Gate::QualtricsStatus.sets_aside("Survey Preview").is_some());
        assert!(Gate::QualtricsStatus.sets_aside("0").is_none());
        assert!(Gate::Finished.sets_aside("False").is_some());
        assert!(Gate::Finished.sets_aside("1").is_none());
        assert_eq!(
            gate(Tool::Redcap, "health_complete"),
            Some(Gate::RedcapComplete)
        );
        assert!(Gate::RedcapComplete.sets_aside("0").is_some());
        assert!(Gate::RedcapComplete.sets_aside("2").is_none());
        assert_eq!(gate(Tool::GoogleForms, "Status"), None);
    }

    #[test]
    fn metadata_is_per_tool() {
        assert!(is_metadata(Tool::Qualtrics, "IPAddress"));
        assert!(is_metadata(Tool::Redcap, "demographics_complete"));
        assert!(!is_metadata(Tool::GoogleForms, "IPAddress"));
    }
}
