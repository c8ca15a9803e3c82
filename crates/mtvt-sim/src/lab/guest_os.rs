//! The guest operating systems a lab VM can run, and how each platform names them.
//!
//! A lab file says `guest_os: rhel8`; vSphere then reports `rhel8_64Guest`, oVirt `rhel_8x64`,
//! and so on. Adding an OS is one table row.

use super::model::{GuestOs, OsFamily};

/// (key, family, full name, vSphere id, oVirt id, OpenStack id)
const TABLE: &[(&str, OsFamily, &str, &str, &str, &str)] = &[
    (
        "rhel7",
        OsFamily::Linux,
        "Red Hat Enterprise Linux 7 (64-bit)",
        "rhel7_64Guest",
        "rhel_7x64",
        "rhel7",
    ),
    (
        "rhel8",
        OsFamily::Linux,
        "Red Hat Enterprise Linux 8 (64-bit)",
        "rhel8_64Guest",
        "rhel_8x64",
        "rhel8",
    ),
    (
        "rhel9",
        OsFamily::Linux,
        "Red Hat Enterprise Linux 9 (64-bit)",
        "rhel9_64Guest",
        "rhel_9x64",
        "rhel9",
    ),
    (
        "fedora",
        OsFamily::Linux,
        "Fedora Linux (64-bit)",
        "fedora64Guest",
        "other_linux",
        "fedora",
    ),
    (
        "win2016",
        OsFamily::Windows,
        "Microsoft Windows Server 2016 (64-bit)",
        "windows9Server64Guest",
        "windows_2016x64",
        "windows",
    ),
    (
        "win2019",
        OsFamily::Windows,
        "Microsoft Windows Server 2019 (64-bit)",
        "windows2019srv_64Guest",
        "windows_2019x64",
        "windows",
    ),
    (
        "win2022",
        OsFamily::Windows,
        "Microsoft Windows Server 2022 (64-bit)",
        "windows2019srvNext_64Guest",
        "windows_2022",
        "windows",
    ),
    (
        "win11",
        OsFamily::Windows,
        "Microsoft Windows 11 (64-bit)",
        "windows11_64Guest",
        "windows_11",
        "windows",
    ),
];

/// Every known key, for error messages.
pub fn known_keys() -> Vec<&'static str> {
    TABLE.iter().map(|r| r.0).collect()
}

/// The guest OS for a lab key, with `hostname` as the reported guest host name.
pub fn lookup(key: &str, hostname: &str) -> Option<GuestOs> {
    TABLE.iter().find(|r| r.0 == key).map(|r| GuestOs {
        key: r.0.to_string(),
        family: r.1,
        full_name: r.2.to_string(),
        vsphere_id: r.3.to_string(),
        ovirt_id: r.4.to_string(),
        openstack_id: r.5.to_string(),
        hostname: hostname.to_string(),
        root_xfs_v4: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_2022_uses_the_vsphere_next_id() {
        let os = lookup("win2022", "h").unwrap();
        assert_eq!(os.vsphere_id, "windows2019srvNext_64Guest");
        assert_eq!(os.family, OsFamily::Windows);
        assert!(lookup("beos", "h").is_none());
        assert!(known_keys().contains(&"rhel9"));
    }
}
