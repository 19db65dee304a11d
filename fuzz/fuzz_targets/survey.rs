//! The survey parser: any text → TOML → checked `Survey` or located diagnostics.
//! Rendering the diagnostics is part of the target: a span that points outside the
//! source must not panic when a person is shown it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let (_survey, report) = canvass::survey::check_source("fuzz.toml", source);
    let _ = report.to_string();
});
