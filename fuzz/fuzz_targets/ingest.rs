//! Sniffing and ingest of one response file, any bytes, against the shipped survey that
//! uses every question kind. Nothing is lost: every record read is accepted or rejected.
#![no_main]

use std::sync::LazyLock;

use canvass::survey::Survey;
use libfuzzer_sys::fuzz_target;

static SURVEY: LazyLock<Survey> = LazyLock::new(|| {
    let source = include_str!("../../surveys/frontier-roles-2027.toml");
    canvass::survey::parse("frontier-roles-2027.toml", source)
        .expect("the shipped survey loads")
        .survey
});

fuzz_target!(|data: &[u8]| {
    // calamine runs behind canvass's own catch_unwind (import::workbook::without_panics):
    // a panic it catches is handled, so only one that escapes (caught by libfuzzer-sys,
    // which then aborts) is a finding. libFuzzer's hook would abort on either.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    // The name decides nothing but xlsx/ods sniffing, which looks at the bytes too.
    let files = [("fuzz.csv".to_string(), data.to_vec())];
    if let Ok(ingested) = canvass::ingest::ingest_bytes(&SURVEY, &files) {
        let counts = ingested.totals();
        assert_eq!(counts.accepted + counts.rejected, counts.rows_read, "{counts:?}");
        assert_eq!(ingested.responses.len() as u64, counts.accepted);
    }
});
