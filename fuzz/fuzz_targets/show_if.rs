//! The `show_if` expression parser: any text → syntax tree or a located error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = canvass::survey::show_if::parse(source) {
        // The error's span is shown under the source: it must lie inside it.
        let span = e.span.clone();
        assert!(span.start <= span.end && span.end <= source.len(), "{span:?} in {source:?}");
    }
});
