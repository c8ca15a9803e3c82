//! Names of what the runner creates on the source, following the pytest suite:
//! session ids (`auto-ab12`), clone names `<session>-<base>-<suffix>` (lower-cased,
//! DNS-1123-safe, ≤ 63 characters, so Forklift keeps the VM name on the target), the
//! `preserve_name_format` exception (`XCopy_Test_VM_CAPS` kept as written) and snapshot
//! names. Pure apart from the caller's random generator.

use rand::Rng;

/// Longest clone name: a DNS-1123 label.
pub const MAX_NAME: usize = 63;

/// Characters of random suffixes.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// `n` random lower-case alphanumerics.
pub fn random_suffix(rng: &mut impl Rng, n: usize) -> String {
    (0..n)
        .map(|_| {
            let i = rng.random_range(0..ALPHABET.len());
            char::from(ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

/// A new session id, `auto-` + 4 random characters (the pytest suite's `session_uuid`).
pub fn session_name(rng: &mut impl Rng) -> String {
    format!("auto-{}", random_suffix(rng, 4))
}

/// Lower-cases and keeps `[a-z0-9-]` (other characters become `-`), collapses and trims
/// dashes, and cuts to `max` characters. Empty results become `vm`.
pub fn dns_safe(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    let mut out: String = out.chars().take(max).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "vm".to_string()
    } else {
        out
    }
}

/// The name of a source clone.
///
/// * default: `<session>-<clone_name or base>-<4 random chars>`, DNS-safe and ≤ 63
///   characters (`auto-ab12-mtv-tests-rhel8-x7k2`);
/// * `preserve_name_format` with a `clone_name`: `clone_name` exactly as written
///   (`XCopy_Test_VM_CAPS`), for the tests of Forklift's target-name sanitising.
///
/// ```
/// use mtvt_source::naming::clone_vm_name;
/// let mut rng = rand::rng();
/// let n = clone_vm_name("auto-ab12", "mtv-tests-rhel8", None, false, &mut rng);
/// assert!(n.starts_with("auto-ab12-mtv-tests-rhel8-") && n.len() == 30);
/// assert_eq!(clone_vm_name("auto-ab12", "x", Some("XCopy_Test_VM_CAPS"), true, &mut rng),
///            "XCopy_Test_VM_CAPS");
/// ```
pub fn clone_vm_name(
    session: &str,
    base: &str,
    clone_name: Option<&str>,
    preserve_name_format: bool,
    rng: &mut impl Rng,
) -> String {
    if preserve_name_format && let Some(name) = clone_name.filter(|n| !n.is_empty()) {
        return name.to_string();
    }
    let stem = dns_safe(
        &format!("{session}-{}", clone_name.unwrap_or(base)),
        MAX_NAME - 5,
    );
    format!("{stem}-{}", random_suffix(rng, 4))
}

/// Snapshot names of the snapshot scenarios: `<vm>-<session>-snapshot-<index>` (1-based).
pub fn snapshot_name(vm: &str, session: &str, index: usize) -> String {
    format!("{vm}-{session}-snapshot-{index}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn clone_names_are_dns_labels() {
        let mut rng = StdRng::seed_from_u64(7);
        let bases = [
            "mtv-tests-rhel8",
            "XCopy_Test_VM_CAPS",
            "mtv win2019 79",
            "__",
            "Ünïcode-VM.01",
            &"long-name-".repeat(12),
        ];
        for base in bases {
            for session in ["auto-ab12", "AUTO_X", ""] {
                let n = clone_vm_name(session, base, None, false, &mut rng);
                assert!(
                    mtvt_vocab::names::dns1123_label(&n).is_ok(),
                    "{n:?} from {session:?}/{base:?}"
                );
                assert!(n.len() <= MAX_NAME);
            }
        }
    }

    #[test]
    fn shape_and_uniqueness() {
        let mut rng = StdRng::seed_from_u64(1);
        let a = clone_vm_name("auto-ab12", "mtv-tests-rhel8", None, false, &mut rng);
        let b = clone_vm_name("auto-ab12", "mtv-tests-rhel8", None, false, &mut rng);
        assert!(a.starts_with("auto-ab12-mtv-tests-rhel8-"), "{a}");
        assert_eq!(a.len(), "auto-ab12-mtv-tests-rhel8-".len() + 4);
        assert_ne!(a, b);
        let custom = clone_vm_name("auto-ab12", "base", Some("My_Clone"), false, &mut rng);
        assert!(custom.starts_with("auto-ab12-my-clone-"), "{custom}");
        assert_eq!(
            clone_vm_name("s", "base", Some("XCopy_Test_VM_CAPS"), true, &mut rng),
            "XCopy_Test_VM_CAPS"
        );
        // preserve without a clone name falls back to the default shape
        assert!(clone_vm_name("s", "Base", None, true, &mut rng).starts_with("s-base-"));
    }

    #[test]
    fn helpers() {
        let mut rng = StdRng::seed_from_u64(3);
        let s = session_name(&mut rng);
        assert!(s.starts_with("auto-") && s.len() == 9);
        assert_eq!(dns_safe("--A__b--", 63), "a-b");
        assert_eq!(dns_safe("!!!", 63), "vm");
        assert_eq!(dns_safe("abc-def", 4), "abc");
        assert_eq!(
            snapshot_name("vm1", "auto-ab12", 2),
            "vm1-auto-ab12-snapshot-2"
        );
    }
}
