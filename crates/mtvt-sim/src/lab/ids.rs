//! Deterministic identifiers for lab objects.
//!
//! The same lab file always yields the same UUIDs, MACs, serials and moRef ids, so snapshot
//! tests and scenario outputs are stable. Nothing here is random; nothing here knows HTTP.

use uuid::Uuid;

use super::model::ProviderKind;

/// Namespace for all lab UUIDs (a fixed, arbitrary v4 value).
const LAB_NAMESPACE: Uuid = Uuid::from_u128(0x6d74_7674_2d6c_6162_8000_0000_0000_0001);

/// A UUID derived from the parts (UUID v5 under the lab namespace).
pub fn uuid_for(parts: &[&str]) -> String {
    Uuid::new_v5(&LAB_NAMESPACE, parts.join("\u{1f}").as_bytes()).to_string()
}

/// 64-bit FNV-1a hash (stable across runs and platforms).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The MAC prefix each platform assigns.
pub fn mac_prefix(kind: ProviderKind) -> [u8; 3] {
    match kind {
        ProviderKind::Vsphere | ProviderKind::Ova => [0x00, 0x50, 0x56],
        ProviderKind::Ovirt => [0x56, 0x6f, 0x1a],
        ProviderKind::Openstack => [0xfa, 0x16, 0x3e],
        ProviderKind::Openshift => [0x02, 0x6d, 0x74],
        // Microsoft's OUI for Hyper-V dynamic MACs
        ProviderKind::Hyperv => [0x00, 0x15, 0x5d],
    }
}

/// The `n`-th MAC of a provider: platform prefix + 24 bits from a hash of (provider, n).
pub fn mac_for(kind: ProviderKind, provider: &str, n: u64) -> String {
    let p = mac_prefix(kind);
    let h = fnv1a(format!("{provider}/{n}").as_bytes());
    let [a, b, c, ..] = h.to_be_bytes();
    // vSphere generated addresses live in 00:50:56:80-bf; keep the top bits like vCenter does.
    let a = if matches!(kind, ProviderKind::Vsphere | ProviderKind::Ova) {
        0x80 | (a & 0x3f)
    } else {
        a
    };
    format!(
        "{:02x}:{:02x}:{:02x}:{a:02x}:{b:02x}:{c:02x}",
        p[0], p[1], p[2]
    )
}

/// The vSphere BIOS serial for a UUID: `VMware-42 2c 6a 2a 5e a9 10 83-39 f3 3b 14 0f ff b4 44`.
pub fn vmware_serial(uuid: &str) -> String {
    let hex: String = uuid.chars().filter(char::is_ascii_hexdigit).collect();
    let bytes: Vec<String> = hex
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_lowercase())
        .collect();
    let (first, second) = bytes.split_at(bytes.len().min(8));
    format!("VMware-{}-{}", first.join(" "), second.join(" "))
}

/// A vSphere-style disk serial (`6000C29...`, 32 hex chars).
pub fn disk_serial(parts: &[&str]) -> String {
    let u = uuid_for(parts).replace('-', "");
    format!("6000C29{}", u.get(7..).unwrap_or_default())
}

/// A vSphere BIOS UUID: vCenter's start with `42`.
pub fn vsphere_uuid(parts: &[&str]) -> String {
    let u = uuid_for(parts);
    format!("42{}", u.get(2..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_distinct() {
        assert_eq!(uuid_for(&["a", "b"]), uuid_for(&["a", "b"]));
        assert_ne!(uuid_for(&["a", "b"]), uuid_for(&["ab"]));
    }

    #[test]
    fn vmware_serial_shape() {
        let s = vmware_serial("422c6a2a-5ea9-1083-39f3-3b140fffb444");
        assert_eq!(s, "VMware-42 2c 6a 2a 5e a9 10 83-39 f3 3b 14 0f ff b4 44");
    }

    #[test]
    fn macs_have_platform_prefix() {
        assert!(mac_for(ProviderKind::Vsphere, "v", 1).starts_with("00:50:56:"));
        assert!(mac_for(ProviderKind::Openstack, "o", 1).starts_with("fa:16:3e:"));
        assert_ne!(
            mac_for(ProviderKind::Ovirt, "o", 1),
            mac_for(ProviderKind::Ovirt, "o", 2)
        );
        assert_eq!(mac_for(ProviderKind::Vsphere, "v", 1).len(), 17);
    }

    #[test]
    fn disk_serial_shape() {
        let s = disk_serial(&["x"]);
        assert!(s.starts_with("6000C29"));
        assert_eq!(s.len(), 32);
    }
}
