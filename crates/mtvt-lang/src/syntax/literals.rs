//! Decoding literal text: string escapes, triple-quoted dedent, and which kind of number a
//! number token is. Pure functions over `&str`; the parser has already checked the shapes,
//! so these only compute values and report overflow or non-integral results. Quantity and
//! duration values are parsed by `mtvt_vocab` (one parser for every crate).

use mtvt_vocab::{Duration, Quantity};

/// What a number token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Number {
    /// `42`, `-1`
    Int(i64),
    /// `2.8`
    Version(Vec<u64>),
    /// `30Gi` (bytes)
    Quantity(u128),
    /// `5m` (milliseconds)
    Duration(u64),
}

/// Classifies a number token (digits, optional `.digits` parts, optional unit letters);
/// on error returns the literal kind and the reason.
pub fn classify_number(text: &str) -> Result<Number, (&'static str, String)> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let has_letters = unsigned.chars().any(|c| c.is_ascii_alphabetic());
    let dots = unsigned.matches('.').count();
    if !has_letters {
        if dots == 0 {
            return text
                .parse::<i64>()
                .map(Number::Int)
                .map_err(|_| ("integer", String::from("does not fit in 64 bits")));
        }
        if text.starts_with('-') {
            return Err(("version", String::from("versions cannot be negative")));
        }
        let parts: Result<Vec<u64>, _> = unsigned.split('.').map(str::parse).collect();
        return parts
            .map(Number::Version)
            .map_err(|_| ("version", String::from("number too large")));
    }
    if text.starts_with('-') {
        return Err((
            "number",
            String::from("quantities and durations cannot be negative"),
        ));
    }
    let split = unsigned
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(unsigned.len());
    let suffix = unsigned.get(split..).unwrap_or("");
    if Quantity::is_si_suffix(suffix) && dots <= 1 {
        return Quantity::parse(unsigned)
            .map(|q| Number::Quantity(q.bytes()))
            .map_err(|e| ("quantity", e.to_string()));
    }
    if dots == 0 && is_duration_shape(unsigned) {
        return Duration::parse(unsigned, None)
            .map(|d| Number::Duration(d.as_millis()))
            .map_err(|e| ("duration", e.to_string()));
    }
    Err((
        "number",
        format!(
            "unknown unit `{}` (durations use ms s m h d, quantities Ki Mi Gi Ti Pi Ei or k M G T P E)",
            suffix.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        ),
    ))
}

/// `(digits unit)+` with units ms, s, m, h, d.
fn is_duration_shape(s: &str) -> bool {
    let mut rest = s;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let d = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if d == 0 {
            return false;
        }
        rest = rest.get(d..).unwrap_or("");
        let u = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        if !matches!(rest.get(..u), Some("ms" | "s" | "m" | "h" | "d")) {
            return false;
        }
        rest = rest.get(u..).unwrap_or("");
    }
    true
}

/// Resolves one escape sequence (`\n`, `\"`, …) to its character.
pub fn unescape(seq: &str) -> char {
    match seq {
        "\\n" => '\n',
        "\\t" => '\t',
        "\\r" => '\r',
        "\\\"" => '"',
        "\\$" => '$',
        _ => '\\',
    }
}

/// Dedents the body of a `"""…"""` string (as Swift's multi-line strings): drops the
/// first line when it is blank (text starts on the line after the opening quotes), drops
/// a blank last line (closing quotes on their own line) together with the line break
/// before it, and removes the indentation common to all non-blank lines.
pub fn dedent(raw: &str) -> String {
    let mut lines: Vec<&str> = raw.split('\n').collect();
    if lines.len() > 1 && lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    if lines.len() > 1 && lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for l in &lines {
        out.push(
            l.get(indent..)
                .unwrap_or_else(|| l.trim_start_matches([' ', '\t'])),
        );
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_classified() {
        assert_eq!(classify_number("42"), Ok(Number::Int(42)));
        assert_eq!(classify_number("-1"), Ok(Number::Int(-1)));
        assert_eq!(classify_number("2.8"), Ok(Number::Version(vec![2, 8])));
        assert_eq!(classify_number("30Gi"), Ok(Number::Quantity(30 << 30)));
        assert_eq!(classify_number("1.5Gi"), Ok(Number::Quantity(3 << 29)));
        assert_eq!(classify_number("5m"), Ok(Number::Duration(300_000)));
        assert_eq!(classify_number("1h30m"), Ok(Number::Duration(5_400_000)));
        assert_eq!(classify_number("250ms"), Ok(Number::Duration(250)));
        assert_eq!(classify_number("100M"), Ok(Number::Quantity(100_000_000)));
        assert!(matches!(classify_number("5min"), Err((_, r)) if r.contains("`min`")));
        assert!(matches!(classify_number("1e3"), Err(("number", r)) if r.contains("`e3`")));
        assert!(classify_number("-5m").is_err());
        assert_eq!(
            classify_number("1.3Ki"),
            Err(("quantity", String::from("not a whole number of units")))
        );
        assert_eq!(
            classify_number("99999999999999999999s"),
            Err(("duration", String::from("duration too large")))
        );
        assert!(classify_number("99999999999999999999").is_err());
    }

    #[test]
    fn dedent_strips_common_indent_and_edge_lines() {
        let raw = "\n    - name: a\n      hosts: localhost\n  ";
        assert_eq!(dedent(raw), "- name: a\n  hosts: localhost");
        assert_eq!(dedent("one line"), "one line");
    }
}
