//! Decoding literal text: string escapes, triple-quoted dedent, quantities and durations.
//! Pure functions over `&str`; the parser has already checked the shapes, so these only
//! compute values and report overflow or non-integral results.

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
    if suffix_multiplier(suffix).is_some() && dots <= 1 {
        return parse_quantity(unsigned)
            .map(Number::Quantity)
            .map_err(|r| ("quantity", r));
    }
    if dots == 0 && is_duration_shape(unsigned) {
        return parse_duration(unsigned)
            .map(Number::Duration)
            .map_err(|r| ("duration", r));
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

/// Multiplier of a quantity suffix.
fn suffix_multiplier(suffix: &str) -> Option<u128> {
    Some(match suffix {
        "" => 1,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        "Ei" => 1 << 60,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "E" => 1_000_000_000_000_000_000,
        _ => return None,
    })
}

/// Parses a Kubernetes-style quantity (`30Gi`, `1.5Gi`, `100M`, `512`) into bytes.
pub fn parse_quantity(text: &str) -> Result<u128, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (num, suffix) = text.split_at(split);
    let mult = suffix_multiplier(suffix).ok_or_else(|| format!("unknown suffix `{suffix}`"))?;
    let (int_part, frac_part) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    let digits = format!("{int_part}{frac_part}");
    let mantissa: u128 = digits
        .parse()
        .map_err(|_| String::from("number too large"))?;
    let scale = 10u128
        .checked_pow(u32::try_from(frac_part.len()).unwrap_or(u32::MAX))
        .ok_or_else(|| String::from("too many decimals"))?;
    let total = mantissa
        .checked_mul(mult)
        .ok_or_else(|| String::from("quantity too large"))?;
    if !total.is_multiple_of(scale) {
        return Err(String::from("not a whole number of units"));
    }
    Ok(total / scale)
}

/// Formats a byte count with the largest exact binary suffix (`32212254720` → `30Gi`).
pub fn format_quantity(value: u128) -> String {
    const UNITS: [(&str, u128); 6] = [
        ("Ei", 1 << 60),
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    if value == 0 {
        return String::from("0");
    }
    for (suffix, mult) in UNITS {
        if value.is_multiple_of(mult) {
            return format!("{}{suffix}", value / mult);
        }
    }
    value.to_string()
}

/// Parses `500ms`, `30s`, `5m`, `1h30m`, `2d` into milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (num, after) = rest.split_at(digits_end);
        let n: u64 = num.parse().map_err(|_| String::from("number too large"))?;
        let (mult, unit_len) = if after.starts_with("ms") {
            (1, 2)
        } else if after.starts_with('s') {
            (1_000, 1)
        } else if after.starts_with('m') {
            (60_000, 1)
        } else if after.starts_with('h') {
            (3_600_000, 1)
        } else if after.starts_with('d') {
            (86_400_000, 1)
        } else {
            return Err(format!("unknown unit in `{after}`"));
        };
        let part = n
            .checked_mul(mult)
            .ok_or_else(|| String::from("duration too large"))?;
        total = total
            .checked_add(part)
            .ok_or_else(|| String::from("duration too large"))?;
        rest = after.get(unit_len..).unwrap_or("");
    }
    Ok(total)
}

/// Formats milliseconds the way they are written (`90000` → `1m30s`).
pub fn format_duration(ms: u64) -> String {
    if ms == 0 {
        return String::from("0s");
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, mult) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ] {
        if rest >= mult {
            out.push_str(&format!("{}{unit}", rest / mult));
            rest %= mult;
        }
    }
    out
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
    fn quantities() {
        assert_eq!(parse_quantity("30Gi"), Ok(30 << 30));
        assert_eq!(parse_quantity("1.5Gi"), Ok(3 << 29));
        assert_eq!(parse_quantity("2Ti"), Ok(2 << 40));
        assert_eq!(parse_quantity("100M"), Ok(100_000_000));
        assert!(parse_quantity("1.3Ki").is_err());
        assert_eq!(format_quantity(30 << 30), "30Gi");
        assert_eq!(format_quantity(100_000_000), "100000000");
        assert_eq!(format_quantity(1536 << 20), "1536Mi");
    }

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
        assert!(matches!(classify_number("5min"), Err((_, r)) if r.contains("`min`")));
        assert!(classify_number("-5m").is_err());
        assert!(classify_number("1.3Ki").is_err());
        assert!(classify_number("99999999999999999999").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(format_duration(5_400_000), "1h30m");
        assert_eq!(format_duration(3_600_000), "1h");
        assert!(parse_duration("99999999999999999999s").is_err());
    }

    #[test]
    fn dedent_strips_common_indent_and_edge_lines() {
        let raw = "\n    - name: a\n      hosts: localhost\n  ";
        assert_eq!(dedent(raw), "- name: a\n  hosts: localhost");
        assert_eq!(dedent("one line"), "one line");
    }
}
