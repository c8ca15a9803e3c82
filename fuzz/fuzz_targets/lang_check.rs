//! The `.mtvt` parser and checker on any text: parsing, name resolution, every check rule,
//! and the rendering of each diagnostic against its source must not panic, hang or blow
//! the stack. Imports of `std/…` come from the embedded stdlib; the text has no directory,
//! so relative imports are not read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtvt_lang::{CheckOptions, check_text};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = check_text("fuzz.mtvt", text, None, &CheckOptions::default());
    for d in &result.diagnostics {
        let _ = mtvt_lang::diag::render::render_plain(d, &result.sources);
    }
    let _ = mtvt_lang::ir::canonical_json(&result.program);
});
