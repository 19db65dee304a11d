use crate::analyze::Aggregates;

/// `aggregates.json`: pretty-printed, keys in declaration order, trailing newline, so the
/// same aggregates always give the same bytes.
pub fn aggregates(aggregates: &Aggregates) -> String {
    // Plain structs of strings and numbers always serialise.
    let mut json = serde_json::to_string_pretty(aggregates).expect("aggregates serialise");
    json.push('\n');
    json
}
