//! The `.providers.json` loader on any text: JSON with comments and trailing commas,
//! every profile built and validated, every error rendered with its labelled (masked)
//! source. Property: a rendered error never shows the value of a `password` member
//! whose value is a plain string of letters and digits that occurs nowhere else in the
//! text (the masking the secrets rule requires).
#![no_main]

use libfuzzer_sys::fuzz_target;
use miette::{GraphicalReportHandler, GraphicalTheme};

fn render(e: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::none());
    let _ = handler.render_report(&mut out, e);
    out
}

/// Values of `"password": "VALUE"` (VALUE alphanumeric, at least 6 bytes, found only
/// once in the text).
fn passwords(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("\"password\"") {
        rest = rest.get(i + 10..).unwrap_or("");
        let after = rest.trim_start();
        let Some(after) = after.strip_prefix(':') else {
            continue;
        };
        let Some(v) = after.trim_start().strip_prefix('"') else {
            continue;
        };
        let Some(end) = v.find('"') else { continue };
        let value = v.get(..end).unwrap_or("");
        if value.len() >= 6
            && value.bytes().all(|b| b.is_ascii_alphanumeric())
            && text.matches(value).count() == 1
        {
            found.push(value);
        }
    }
    found
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let secrets = passwords(text);
    let mut outputs = Vec::new();
    match mtvt_profiles::ProvidersFile::parse(".providers.json", text) {
        Ok(file) => {
            for (name, profile) in file.all_profiles(&|_| None) {
                match profile {
                    Ok(p) => outputs.push(format!("{name} {p:?}")),
                    Err(e) => outputs.push(format!("{e} {}", render(&e))),
                }
            }
        }
        Err(e) => outputs.push(format!("{e} {}", render(&e))),
    }
    for out in &outputs {
        for s in &secrets {
            assert!(!out.contains(s), "a password reached an error: {out}");
        }
    }
});
