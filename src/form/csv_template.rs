use crate::survey::Survey;

/// The canonical response file's header row, which `canvass ingest` reads.
pub fn header(survey: &Survey) -> String {
    let columns = survey.columns();
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail, and header names are identifiers (no quoting issues).
    writer
        .write_record(columns.header())
        .expect("write to memory");
    String::from_utf8(writer.into_inner().expect("flush to memory")).expect("identifiers are UTF-8")
}
