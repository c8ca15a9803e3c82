//! Kubernetes resource quantities (`2Gi`, `4096Mi`, `30G`, `1.5Gi`, `1e9`) to bytes, for
//! the sizes and memory of KubeVirt VMs and PVCs. Only what those fields use; milli units
//! and negative values are refused.

/// Bytes of a quantity, `None` when it does not parse.
pub fn parse_bytes(q: &str) -> Option<u64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (number, suffix) = q.split_at(split);
    let multiplier: f64 = match suffix {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0f64.powi(4),
        "Pi" => 1024.0f64.powi(5),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        s if s.starts_with(['e', 'E']) => 10f64.powi(s.get(1..)?.parse::<i32>().ok()?),
        _ => return None,
    };
    let n: f64 = number.parse().ok()?;
    let bytes = (n * multiplier).ceil();
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// A size as a binary quantity (`30Gi`, `1536Mi`, or bytes).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [(&str, u64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{}{suffix}", bytes / size);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_bytes("2Gi"), Some(2 << 30));
        assert_eq!(parse_bytes("4096Mi"), Some(4 << 30));
        assert_eq!(parse_bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(parse_bytes("30G"), Some(30_000_000_000));
        assert_eq!(parse_bytes("1e3"), Some(1000));
        assert_eq!(parse_bytes("512"), Some(512));
        assert_eq!(parse_bytes("100m"), None);
        assert_eq!(parse_bytes("-1Gi"), None);
        assert_eq!(parse_bytes("Gi"), None);
    }

    #[test]
    fn formats_binary_units() {
        assert_eq!(format_bytes(30 << 30), "30Gi");
        assert_eq!(format_bytes(1536 << 20), "1536Mi");
        assert_eq!(format_bytes(1000), "1000");
        assert_eq!(parse_bytes(&format_bytes(7 << 40)), Some(7 << 40));
    }
}
