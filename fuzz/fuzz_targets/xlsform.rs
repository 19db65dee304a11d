//! XLSForm import: the bytes of a workbook → a checked survey or findings.
#![no_main]

use std::path::Path;

use canvass::import::{Options, Severity, xlsform};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // calamine runs behind canvass's own catch_unwind (import::workbook::without_panics):
    // a panic it catches is handled, so only one that escapes (caught by libfuzzer-sys,
    // which then aborts) is a finding. libFuzzer's hook would abort on either.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let options = Options {
        position: None,
        definition: Path::new("fuzz.toml"),
        workbook: Path::new("fuzz.xlsx"),
        limits: Default::default(),
    };
    let imported = xlsform(data, &options);
    // An import either gives a definition or says, as an error, why not.
    assert!(imported.definition.is_some() || imported.has(Severity::Error));
});
