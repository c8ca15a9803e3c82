//! `mtvt fmt` on any text, with two properties beyond "no panic":
//! * idempotence: formatting a formatted text changes nothing;
//! * meaning: the formatted text checks to the same IR (spans aside) and the same
//!   diagnostics (code and message) as the original.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtvt_lang::ir::canonical_json;
use mtvt_lang::{CheckOptions, CheckResult, check_text};

fn codes(r: &CheckResult) -> Vec<(String, String)> {
    r.diagnostics
        .iter()
        .map(|d| (d.code().to_string(), d.message().to_string()))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = mtvt_lang::fmt::format_text(text) else {
        return;
    };
    match mtvt_lang::fmt::format_text(&formatted) {
        Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
        Err(e) => panic!("a formatted text cannot be formatted again: {e}"),
    }
    let opts = CheckOptions::default();
    let before = check_text("fuzz.mtvt", text, None, &opts);
    let after = check_text("fuzz.mtvt", &formatted, None, &opts);
    assert_eq!(
        codes(&before),
        codes(&after),
        "formatting changed the diagnostics"
    );
    assert_eq!(
        canonical_json(&before.program),
        canonical_json(&after.program),
        "formatting changed the checked IR"
    );
});
