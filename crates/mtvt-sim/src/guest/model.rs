//! The guest of one VM and how a migration changes it.
//!
//! A model starts from the source VM's facts ([`GuestFacts`]: OS, host name, NICs with their
//! IPs and whether they are static, disks, firmware) and the lab's guest logins; Linux
//! guests get an XFS root on disk 0 (v5, `crc=1`, or v4 when the lab says so), Windows guests NTFS `C:`. The migration
//! ([`GuestModel::migrated`]) keeps static IP configuration where Forklift preserves it
//! (`preserveStaticIPs`, default true, or a non-vSphere source), falls back to DHCP
//! elsewhere, and keeps files only on disks that were copied.

use std::collections::BTreeMap;

use super::faults::GuestFaultKind;

/// Marker of a corrupted file (the `corrupt_marker` fault appends it).
pub const CORRUPTED: &str = "\n<corrupted>";

/// What the source VM tells about its guest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuestFacts {
    /// OS key (`rhel8`, `win2019`).
    pub os: String,
    /// Windows guest.
    pub windows: bool,
    /// Host name.
    pub hostname: String,
    /// Guest agent / tools installed.
    pub agent: bool,
    /// NICs: MAC, addresses (`addr/prefix`), static.
    pub nics: Vec<(String, Vec<String>, bool)>,
    /// Number of disks.
    pub disks: usize,
    /// `efi` or `bios`.
    pub firmware: String,
    /// UEFI secure boot.
    pub secure_boot: bool,
    /// Virtual TPM.
    pub tpm: bool,
    /// The Linux root filesystem is XFS v4 (`crc=0`) rather than v5.
    pub root_xfs_v4: bool,
    /// The VM's CPU requires the host's virtualization extension (nested virtualization).
    pub nested_virt: bool,
    /// The root is a LUKS volume, unlocked with the passphrase the migration was given.
    pub luks: bool,
}

/// How a NIC gets its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NicConfig {
    /// Static addresses (`addr/prefix`), gateway and DNS servers.
    Static {
        /// Addresses.
        addresses: Vec<String>,
        /// Default gateway.
        gateway: String,
        /// DNS servers.
        dns: Vec<String>,
    },
    /// DHCP.
    Dhcp,
}

/// A NIC as the guest sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestNic {
    /// MAC (lower case).
    pub mac: String,
    /// Device name in the guest (`eth0`, `Ethernet0`).
    pub device: String,
    /// Configuration.
    pub config: NicConfig,
    /// Addresses it holds now (`addr/prefix`).
    pub addresses: Vec<String>,
}

/// A filesystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filesystem {
    /// Disk index.
    pub disk: usize,
    /// Mount point (`/`, `C:`).
    pub mount: String,
    /// `xfs`, `ext4`, `ntfs`.
    pub fstype: String,
    /// XFS on-disk version (4 or 5).
    pub xfs_version: u8,
}

/// A file and the disk it lives on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestFile {
    /// Disk index.
    pub disk: usize,
    /// Content.
    pub data: Vec<u8>,
}

/// The guest of one VM.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuestModel {
    /// OS key.
    pub os: String,
    /// Windows guest.
    pub windows: bool,
    /// Host name.
    pub hostname: String,
    /// Users and their passwords.
    pub users: BTreeMap<String, String>,
    /// NICs.
    pub nics: Vec<GuestNic>,
    /// Number of disks.
    pub disks: usize,
    /// Files by absolute path.
    pub files: BTreeMap<String, GuestFile>,
    /// Filesystems.
    pub filesystems: Vec<Filesystem>,
    /// LUKS mapping name on disk 0 (`luks-root`), when the root is encrypted.
    pub luks: Option<String>,
    /// Whether the LUKS passphrase given at boot was right (else the guest never boots).
    pub luks_unlocked: bool,
    /// `efi` or `bios`.
    pub firmware: String,
    /// Secure boot.
    pub secure_boot: bool,
    /// TPM.
    pub tpm: bool,
    /// The CPU shows virtualization extensions (`vmx` in `/proc/cpuinfo`).
    pub nested_virt: bool,
    /// sshd runs.
    pub sshd: bool,
    /// The guest agent runs.
    pub agent: bool,
}

/// The lab's logins: (Linux user, password), (Windows user, password).
pub type Logins<'a> = ((&'a str, &'a str), (&'a str, &'a str));

impl GuestModel {
    /// The guest of a source VM, with the lab's login for its OS family.
    pub fn from_facts(f: &GuestFacts, logins: Logins<'_>) -> GuestModel {
        let (user, password) = if f.windows { logins.1 } else { logins.0 };
        let mut users = BTreeMap::new();
        users.insert(user.to_string(), password.to_string());
        let nics = f
            .nics
            .iter()
            .enumerate()
            .map(|(i, (mac, ips, is_static))| {
                let device = if f.windows {
                    if i == 0 {
                        "Ethernet".to_string()
                    } else {
                        format!("Ethernet {}", i + 1)
                    }
                } else {
                    format!("eth{i}")
                };
                let config = if *is_static && !ips.is_empty() {
                    NicConfig::Static {
                        addresses: ips.clone(),
                        gateway: gateway_of(ips.first().map(String::as_str).unwrap_or("")),
                        dns: vec![gateway_of(ips.first().map(String::as_str).unwrap_or(""))],
                    }
                } else {
                    NicConfig::Dhcp
                };
                GuestNic {
                    mac: mac.to_lowercase(),
                    device,
                    config,
                    addresses: ips.clone(),
                }
            })
            .collect();
        let root = if f.windows {
            Filesystem {
                disk: 0,
                mount: "C:".into(),
                fstype: "ntfs".into(),
                xfs_version: 0,
            }
        } else {
            Filesystem {
                disk: 0,
                mount: "/".into(),
                fstype: "xfs".into(),
                xfs_version: if f.root_xfs_v4 { 4 } else { 5 },
            }
        };
        let mut m = GuestModel {
            os: f.os.clone(),
            windows: f.windows,
            hostname: f.hostname.clone(),
            users,
            nics,
            disks: f.disks,
            files: BTreeMap::new(),
            filesystems: vec![root],
            luks: f.luks.then(|| "luks-root".to_string()),
            luks_unlocked: true,
            firmware: f.firmware.clone(),
            secure_boot: f.secure_boot,
            tpm: f.tpm,
            nested_virt: f.nested_virt,
            sshd: true,
            agent: f.agent,
        };
        if !f.windows {
            let os_release = format!(
                "NAME=\"{}\"\nID=\"{}\"\n",
                super::commands::pretty_name(&f.os),
                os_id(&f.os)
            );
            m.put_file("/etc/os-release", os_release.into_bytes());
            m.put_file("/etc/hostname", format!("{}\n", f.hostname).into_bytes());
        }
        m
    }

    /// The guest after migration: static IPs kept when `preserve_static_ips` (else the NICs
    /// fall back to DHCP and hold no address), files only on `copied` disks, then `faults`.
    pub fn migrated(
        &self,
        preserve_static_ips: bool,
        copied: &[usize],
        faults: &[GuestFaultKind],
    ) -> GuestModel {
        let mut m = self.clone();
        for nic in &mut m.nics {
            if matches!(nic.config, NicConfig::Static { .. }) && !preserve_static_ips {
                nic.config = NicConfig::Dhcp;
                nic.addresses.clear();
            }
        }
        m.files.retain(|_, f| copied.contains(&f.disk));
        for fault in faults {
            m.apply(*fault);
        }
        m
    }

    /// Breaks the guest.
    pub fn apply(&mut self, fault: GuestFaultKind) {
        match fault {
            GuestFaultKind::SshdDown => self.sshd = false,
            GuestFaultKind::WrongPassword => {
                for pw in self.users.values_mut() {
                    pw.push_str("-changed");
                }
            }
            GuestFaultKind::LoseStaticIp => {
                for nic in &mut self.nics {
                    if matches!(nic.config, NicConfig::Static { .. }) {
                        nic.config = NicConfig::Dhcp;
                        nic.addresses.clear();
                    }
                }
            }
            GuestFaultKind::CorruptMarker => {
                for (path, f) in &mut self.files {
                    if !path.starts_with("/etc/") {
                        f.data.extend_from_slice(CORRUPTED.as_bytes());
                    }
                }
            }
            GuestFaultKind::WrongLuksKey => {
                self.luks.get_or_insert_with(|| "luks-root".to_string());
                self.luks_unlocked = false;
            }
            GuestFaultKind::NoAgent => self.agent = false,
            GuestFaultKind::FirmwareMismatch => {
                self.firmware = if self.firmware == "efi" {
                    "bios"
                } else {
                    "efi"
                }
                .into();
                self.secure_boot = false;
                self.tpm = false;
            }
            GuestFaultKind::NoCpuVirt => self.nested_virt = false,
        }
    }

    /// Whether the guest boots (a locked LUKS root stops it at the passphrase prompt).
    pub fn boots(&self) -> bool {
        self.luks.is_none() || self.luks_unlocked
    }

    /// Whether `user` logs in with `password`.
    pub fn login(&self, user: &str, password: &str) -> bool {
        self.users.get(user).is_some_and(|p| p == password)
    }

    /// Addresses (`addr/prefix`) per MAC, as the guest agent reports them.
    pub fn agent_ips(&self) -> BTreeMap<String, Vec<String>> {
        self.nics
            .iter()
            .filter(|n| !n.addresses.is_empty())
            .map(|n| (n.mac.clone(), n.addresses.clone()))
            .collect()
    }

    /// Creates or replaces a file, on the disk whose filesystem holds `path`.
    pub fn put_file(&mut self, path: &str, data: Vec<u8>) {
        let disk = self.disk_of(path);
        self.files
            .insert(path.to_string(), GuestFile { disk, data });
    }

    /// The disk holding `path` (the longest matching mount point, else disk 0).
    pub fn disk_of(&self, path: &str) -> usize {
        self.filesystems
            .iter()
            .filter(|f| path.starts_with(&f.mount))
            .max_by_key(|f| f.mount.len())
            .map(|f| f.disk)
            .unwrap_or(0)
    }
}

/// `x.y.z.1` of an `addr/prefix` (the lab's networks route through their first address).
pub fn gateway_of(cidr: &str) -> String {
    let addr = cidr.split('/').next().unwrap_or("");
    let mut parts: Vec<&str> = addr.split('.').collect();
    if parts.len() != 4 {
        return String::new();
    }
    parts.pop();
    format!("{}.1", parts.join("."))
}

fn os_id(os: &str) -> &'static str {
    match os {
        o if o.starts_with("rhel") => "rhel",
        "fedora" => "fedora",
        _ => "linux",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> GuestFacts {
        GuestFacts {
            os: "win2019".into(),
            windows: true,
            hostname: "w".into(),
            agent: true,
            nics: vec![(
                "AA:BB:CC:00:00:01".into(),
                vec!["10.6.46.31/24".into()],
                true,
            )],
            disks: 3,
            firmware: "bios".into(),
            ..GuestFacts::default()
        }
    }

    #[test]
    fn static_ips_follow_preserve_and_files_follow_disks() {
        let logins = (("u", "p"), ("Administrator", "W"));
        let mut m = GuestModel::from_facts(&facts(), logins);
        assert!(m.login("Administrator", "W") && !m.login("Administrator", "p"));
        m.filesystems.push(Filesystem {
            disk: 1,
            mount: "D:".into(),
            fstype: "ntfs".into(),
            xfs_version: 0,
        });
        m.put_file("D:\\marker.txt", b"m".to_vec());
        assert_eq!(m.files["D:\\marker.txt"].disk, 1);
        let kept = m.migrated(true, &[0, 1, 2], &[]);
        assert_eq!(kept.agent_ips()["aa:bb:cc:00:00:01"], vec!["10.6.46.31/24"]);
        assert!(kept.files.contains_key("D:\\marker.txt"));
        let lost = m.migrated(false, &[0], &[]);
        assert!(lost.agent_ips().is_empty());
        assert_eq!(lost.nics[0].config, NicConfig::Dhcp);
        assert!(!lost.files.contains_key("D:\\marker.txt"));
        assert_eq!(gateway_of("10.6.46.31/24"), "10.6.46.1");
    }

    #[test]
    fn faults_break_the_guest() {
        let m = GuestModel::from_facts(&facts(), (("u", "p"), ("A", "W")));
        let broken = m.migrated(
            true,
            &[0],
            &[
                GuestFaultKind::WrongPassword,
                GuestFaultKind::SshdDown,
                GuestFaultKind::WrongLuksKey,
                GuestFaultKind::NoAgent,
            ],
        );
        assert!(!broken.login("A", "W") && !broken.sshd && !broken.boots() && !broken.agent);
        let lost = m.migrated(true, &[0], &[GuestFaultKind::LoseStaticIp]);
        assert!(lost.agent_ips().is_empty());
    }
}
