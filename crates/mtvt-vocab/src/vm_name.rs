//! Forklift's target-VM naming: `ChangeVmName` and `ResolveTargetVmName`.
//!
//! Exists so the emulator renames VMs like the controller and the runner predicts the
//! migrated VM's name (`kubev2v/forklift: pkg/controller/plan/util/utils.go` and
//! `pkg/controller/plan/adapter/base/template.go`). It is MTV vocabulary, not a
//! Kubernetes rule, so it lives here and not in `mtvt-k8s-names`. Must not decide *when*
//! a VM is renamed beyond what those two functions do. The one impure function of this
//! crate is [`forklift_vm_name`] (its random suffix, as upstream); everything else here
//! is pure.

use mtvt_k8s_names::{DNS1123_LABEL_MAX_LENGTH, is_dns1123_label};

/// Characters Forklift uses for the random suffix of an otherwise empty name.
const SUFFIX_CHARSET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Forklift `ChangeVmName`: makes a VM name DNS-1123 compatible.
///
/// Lower-cases; trims `.` and `-` from both ends; then for every dot-separated part
/// replaces `_ + * space / \` with `-`, drops every character outside `[a-z0-9-]`,
/// trims `-`/`.`, collapses runs of dashes and cuts the part to 63 bytes; the
/// non-empty parts are joined with `.` and the whole is cut to 63 bytes (trimming
/// `.`/`-` after the cut). A name that ends up empty becomes `vm-` plus 4 random
/// characters of `[a-z0-9]`, as upstream; use [`forklift_vm_name_with_suffix`] when
/// the result must be deterministic.
///
/// ```
/// use mtvt_vocab::forklift_vm_name;
/// assert_eq!(forklift_vm_name("mtv.func.-.rhel.-...8.8"), "mtv.func.rhel.8.8");
/// assert_eq!(forklift_vm_name("vm   +++with   ---mixed+++   ---characters"), "vm-with-mixed-characters");
/// ```
pub fn forklift_vm_name(source: &str) -> String {
    forklift_vm_name_with_suffix(source, &random_suffix())
}

/// [`forklift_vm_name`] with the random suffix of the empty-name case supplied by the
/// caller (the result is `vm-<suffix>` when nothing of the source name survives).
pub fn forklift_vm_name_with_suffix(source: &str, suffix: &str) -> String {
    // strings.ToLower maps rune by rune (simple case mapping).
    let lowered: String = source
        .chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect();
    let trimmed = lowered.trim_matches(|c| c == '.' || c == '-');

    let mut valid_parts: Vec<String> = Vec::new();
    for part in trimmed.split('.') {
        let replaced: String = part
            .chars()
            .map(|c| match c {
                '_' | '+' | '*' | ' ' | '/' | '\\' => '-',
                other => other,
            })
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .collect();
        let replaced = replaced.trim_matches(|c| c == '-' || c == '.');
        let mut cleaned = replaced
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        if cleaned.len() > DNS1123_LABEL_MAX_LENGTH {
            cleaned.truncate(DNS1123_LABEL_MAX_LENGTH);
            cleaned = cleaned.trim_matches('-').to_string();
        }
        if !cleaned.is_empty() {
            valid_parts.push(cleaned);
        }
    }

    let mut name = valid_parts.join(".");
    if name.len() > DNS1123_LABEL_MAX_LENGTH {
        // Only ASCII survives the filtering above, so any byte is a char boundary.
        name.truncate(DNS1123_LABEL_MAX_LENGTH);
        name = name.trim_matches(|c| c == '.' || c == '-').to_string();
    }
    if name.is_empty() {
        name = format!("vm-{suffix}");
    }
    name
}

/// Whether `s` contains an ASCII letter or digit (Forklift `hasAlphanumeric`).
pub fn has_ascii_alphanumeric(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_alphanumeric())
}

/// Forklift `ResolveTargetVmName`: the DNS-safe target VM name used as
/// `.TargetVmName` in PVC name templates.
///
/// First non-empty of: the VM's `targetName` (trimmed), the `newName` recorded in the
/// plan status, the source name when it is a DNS-1123 label, `ChangeVmName(source)`
/// when the source has an ASCII letter or digit, else `ChangeVmName(vm_id)` (or
/// `vm-0000` when the id has none either).
///
/// ```
/// use mtvt_vocab::resolve_target_vm_name;
/// assert_eq!(resolve_target_vm_name(None, None, "RHEL9_VM", "vm-42"), "rhel9-vm");
/// assert_eq!(resolve_target_vm_name(Some(" web "), None, "RHEL9_VM", "vm-42"), "web");
/// assert_eq!(resolve_target_vm_name(None, None, "###", "vm-42"), "vm-42");
/// ```
pub fn resolve_target_vm_name(
    target_name: Option<&str>,
    new_name: Option<&str>,
    vm_name: &str,
    vm_id: &str,
) -> String {
    if let Some(name) = target_name.map(str::trim).filter(|n| !n.is_empty()) {
        return name.to_string();
    }
    if let Some(name) = new_name.filter(|n| !n.is_empty()) {
        return name.to_string();
    }
    if is_dns1123_label(vm_name) {
        return vm_name.to_string();
    }
    if has_ascii_alphanumeric(vm_name) {
        return forklift_vm_name(vm_name);
    }
    if has_ascii_alphanumeric(vm_id) {
        return forklift_vm_name(vm_id);
    }
    "vm-0000".to_string()
}

/// Four characters of `[a-z0-9]` from the standard library's randomly seeded hasher.
fn random_suffix() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};

    let mut hasher = RandomState::new().build_hasher();
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    let mut bits = hasher.finish();
    let mut out = String::with_capacity(4);
    for _ in 0..4 {
        let len = SUFFIX_CHARSET.len() as u64;
        let idx = usize::try_from(bits % len).unwrap_or(0);
        out.push(char::from(*SUFFIX_CHARSET.get(idx).unwrap_or(&b'a')));
        bits /= len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_k8s_names::is_dns1123_subdomain;

    #[test]
    fn upstream_cases() {
        let cases = [
            (
                "----------------Vm!@#$%^&*()_+-Name/.is,';[]-CorREct-<>123----------------------",
                "vm-name.is-correct-123",
            ),
            ("mtv.func.-.rhel.-...8.8", "mtv.func.rhel.8.8"),
            (
                ".....mtv.func..-...............rhel.-...8.8",
                "mtv.func.rhel.8.8",
            ),
            ("vm with spaces in name", "vm-with-spaces-in-name"),
            ("vm+with+plus+signs", "vm-with-plus-signs"),
            (
                "vm---with----multiple-----dashes",
                "vm-with-multiple-dashes",
            ),
            (
                "vm   +++with   ---mixed+++   ---characters",
                "vm-with-mixed-characters",
            ),
            ("vm*with*asterisk*characters", "vm-with-asterisk-characters"),
            ("back\\slash", "back-slash"),
            ("Rhel9_VM", "rhel9-vm"),
            ("İstanbul", "istanbul"),
            ("café-01", "caf-01"),
        ];
        for (input, want) in cases {
            let got = forklift_vm_name_with_suffix(input, "zzzz");
            assert_eq!(got, want, "{input:?}");
            assert!(is_dns1123_subdomain(&got), "{got:?}");
        }
    }

    #[test]
    fn empty_after_cleaning_gets_vm_and_suffix() {
        assert_eq!(forklift_vm_name_with_suffix(".__.", "ab12"), "vm-ab12");
        let random = forklift_vm_name("###");
        assert!(random.starts_with("vm-"), "{random}");
        assert_eq!(random.len(), 7);
        assert!(
            random[3..].bytes().all(|b| SUFFIX_CHARSET.contains(&b)),
            "{random}"
        );
    }

    #[test]
    fn long_names_are_cut_to_63() {
        let long = "a".repeat(73);
        assert_eq!(forklift_vm_name_with_suffix(&long, "x").len(), 63);
        // A cut that lands right after a dash trims it.
        let dashed = format!("{}-{}", "a".repeat(62), "b".repeat(10));
        assert_eq!(forklift_vm_name_with_suffix(&dashed, "x"), "a".repeat(62));
        // A cut of the joined name that ends on a dot trims it.
        let dotted = format!("{}.{}", "a".repeat(62), "b".repeat(10));
        assert_eq!(forklift_vm_name_with_suffix(&dotted, "x"), "a".repeat(62));
        // Each part is cut on its own before joining.
        let parts = format!("{}.b", "a".repeat(70));
        assert_eq!(forklift_vm_name_with_suffix(&parts, "x"), "a".repeat(63));
    }

    #[test]
    fn target_vm_name_resolution() {
        assert_eq!(
            resolve_target_vm_name(None, Some("renamed"), "A_B", "id"),
            "renamed"
        );
        assert_eq!(
            resolve_target_vm_name(Some("  "), None, "rhel9", "id"),
            "rhel9"
        );
        // A dotted name is a subdomain but not a label: sanitised (dots kept).
        assert_eq!(
            resolve_target_vm_name(None, None, "web.example", "id"),
            "web.example"
        );
        assert_eq!(
            resolve_target_vm_name(None, None, "Web.Example", "id"),
            "web.example"
        );
        assert_eq!(resolve_target_vm_name(None, None, "***", "***"), "vm-0000");
        assert_eq!(resolve_target_vm_name(None, None, "***", "VM_7"), "vm-7");
    }
}
