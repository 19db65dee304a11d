//! XLSForm import: the bytes of a workbook → a checked survey or findings.
#![no_main]

use std::path::Path;

use canvass::import::{Options, Severity, xlsform};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
