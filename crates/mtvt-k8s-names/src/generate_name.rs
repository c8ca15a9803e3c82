//! `metadata.generateName`: the API server's prefix truncation and random suffix.
//!
//! Exists so the emulator names objects like a real API server and the runner can
//! recognise a generated name (e.g. a PVC created by Forklift with generateName).
//! Must not generate randomness itself: the emulator owns its random source.

/// The API server keeps at most this many bytes of a generateName prefix (63 - 5).
pub const MAX_GENERATE_NAME_PREFIX: usize = 58;
/// Number of random characters the API server appends to a generateName prefix.
pub const GENERATE_NAME_RANDOM_LENGTH: usize = 5;
/// The alphabet of those characters (`k8s.io/apimachinery/pkg/util/rand`: no vowels).
pub const GENERATE_NAME_ALPHABET: &str = "bcdfghjklmnpqrstvwxz2456789";

/// Truncates a generateName prefix to the 58 bytes the API server keeps before it
/// appends 5 random characters (`names.SimpleNameGenerator`).
///
/// A prefix whose 58th byte falls inside a multi-byte character is cut at the
/// preceding character boundary (Go would cut the byte sequence; such names are
/// rejected by validation either way).
///
/// ```
/// let p = mtvt_k8s_names::generate_name_prefix(&"a".repeat(70));
/// assert_eq!(p.len(), 58);
/// assert_eq!(mtvt_k8s_names::generate_name_prefix("plan-1-"), "plan-1-");
/// ```
pub fn generate_name_prefix(prefix: &str) -> String {
    if prefix.len() <= MAX_GENERATE_NAME_PREFIX {
        return prefix.to_string();
    }
    let mut end = MAX_GENERATE_NAME_PREFIX;
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    prefix.get(..end).unwrap_or_default().to_string()
}

/// Whether `name` is what the API server could have produced from the generateName
/// `prefix`: the truncated prefix followed by exactly 5 characters of
/// [`GENERATE_NAME_ALPHABET`].
///
/// ```
/// use mtvt_k8s_names::matches_generate_name;
/// assert!(matches_generate_name("plan-1-rhel9-vm-disk-0-", "plan-1-rhel9-vm-disk-0-x7k2p"));
/// assert!(!matches_generate_name("plan-1-rhel9-vm-disk-0-", "plan-1-rhel9-vm-disk-0-aaaaa"));
/// ```
pub fn matches_generate_name(prefix: &str, name: &str) -> bool {
    let prefix = generate_name_prefix(prefix);
    match name.strip_prefix(prefix.as_str()) {
        Some(suffix) => {
            suffix.len() == GENERATE_NAME_RANDOM_LENGTH
                && suffix.chars().all(|c| GENERATE_NAME_ALPHABET.contains(c))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation() {
        assert_eq!(generate_name_prefix(""), "");
        assert_eq!(generate_name_prefix(&"b".repeat(58)), "b".repeat(58));
        assert_eq!(generate_name_prefix(&"b".repeat(59)), "b".repeat(58));
        // 57 ASCII bytes then a 2-byte character straddling byte 58.
        let tricky = format!("{}é-", "a".repeat(57));
        assert_eq!(generate_name_prefix(&tricky), "a".repeat(57));
    }

    #[test]
    fn matching() {
        assert!(matches_generate_name("pvc-", "pvc-bcdfg"));
        assert!(matches_generate_name("pvc-", "pvc-27z9x"));
        assert!(!matches_generate_name("pvc-", "pvc-bcdf"));
        assert!(!matches_generate_name("pvc-", "pvc-bcdfgh"));
        assert!(
            !matches_generate_name("pvc-", "pvc-abcde"),
            "vowels are never generated"
        );
        assert!(!matches_generate_name("pvc-", "xvc-bcdfg"));
        let long = "p".repeat(60);
        let generated = format!("{}{}", "p".repeat(58), "bcdfg");
        assert!(matches_generate_name(&long, &generated));
    }
}
