//! The Linux guest's command set: what an exec channel runs. Deterministic and small —
//! `hostname`, `cat`, `echo` (with `>`/`>>` redirection), `ip -j addr`, `nmcli -t`,
//! `xfs_info`, `lsblk -J`, `cryptsetup status`, `test -d/-e/-f`, `mokutil --sb-state`,
//! `/proc/cpuinfo`, `uname`, `true`, `false` — parsed with POSIX
//! shell quoting; anything else exits 127 with bash's message. Windows guests go to
//! [`super::windows`].
//!
//! Commands read and change only the [`GuestModel`]; they never touch the host.

use serde_json::json;

use super::model::GuestModel;
use super::net;

/// What a command printed and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Exit status.
    pub exit: u32,
}

impl Output {
    /// Success with `stdout`.
    pub fn ok(stdout: impl Into<Vec<u8>>) -> Output {
        Output {
            stdout: stdout.into(),
            ..Output::default()
        }
    }

    /// Failure `exit` with `stderr`.
    pub fn fail(exit: u32, stderr: impl Into<String>) -> Output {
        let mut e: String = stderr.into();
        if !e.ends_with('\n') {
            e.push('\n');
        }
        Output {
            exit,
            stderr: e.into_bytes(),
            ..Output::default()
        }
    }
}

/// Runs `line` in the guest with `stdin` (Linux shell or Windows, by the model's family).
pub fn run(m: &mut GuestModel, line: &str, stdin: &[u8]) -> Output {
    if m.windows {
        return super::windows::run(m, line, stdin);
    }
    let Some(words) = shlex::split(line) else {
        return Output::fail(2, "bash: syntax error: unterminated quoted string");
    };
    let (words, redirect) = match split_redirect(&words) {
        Ok(x) => x,
        Err(e) => return Output::fail(2, e),
    };
    let out = linux(m, &words, stdin);
    match redirect {
        Some((path, append)) if out.exit == 0 => {
            write(m, &path, out.stdout, append);
            Output {
                stdout: Vec::new(),
                ..out
            }
        }
        _ => out,
    }
}

/// A command's words and its redirection target (`true`: append, `>>`).
pub type Redirected = (Vec<String>, Option<(String, bool)>);

/// The words before a `>`/`>>` redirection, and its target (`append` for `>>`).
pub fn split_redirect(words: &[String]) -> Result<Redirected, String> {
    let Some(pos) = words.iter().position(|w| w.starts_with('>')) else {
        return Ok((words.to_vec(), None));
    };
    let (cmd, rest) = words.split_at(pos);
    let op = rest.first().map(String::as_str).unwrap_or(">");
    let append = op.starts_with(">>");
    let inline = op.trim_start_matches('>');
    let target = if inline.is_empty() {
        rest.get(1).cloned()
    } else {
        Some(inline.to_string())
    };
    match target {
        Some(t) if rest.len() <= if inline.is_empty() { 2 } else { 1 } => {
            Ok((cmd.to_vec(), Some((t, append))))
        }
        Some(_) => Err("bash: only one redirection is supported".into()),
        None => Err("bash: syntax error near unexpected token `newline'".into()),
    }
}

/// Writes (or appends to) a file of the model.
pub fn write(m: &mut GuestModel, path: &str, data: Vec<u8>, append: bool) {
    let mut content = if append {
        m.files
            .get(path)
            .map(|f| f.data.clone())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    content.extend(data);
    m.put_file(path, content);
}

fn linux(m: &mut GuestModel, words: &[String], stdin: &[u8]) -> Output {
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => Output::ok(""),
        ["true"] => Output::ok(""),
        ["false"] => Output::fail(1, ""),
        ["hostname"] => Output::ok(format!("{}\n", m.hostname)),
        ["uname", "-r"] => Output::ok("5.14.0-570.el9.x86_64\n"),
        ["uname", ..] => Output::ok("Linux\n"),
        ["echo", rest @ ..] => Output::ok(format!("{}\n", rest.join(" "))),
        ["cat", files @ ..] => cat(m, files, stdin),
        ["ip", "-j", "addr" | "a" | "address", rest @ ..]
            if rest.is_empty() || rest == ["show"] =>
        {
            Output::ok(format!("{}\n", net::ip_json(m)))
        }
        ["ip", "-j", "route" | "r", rest @ ..] if rest.is_empty() || rest == ["show"] => {
            Output::ok(format!("{}\n", net::route_json(m)))
        }
        ["nmcli", "-t", "connection" | "con" | "c", "show"] => Output::ok(net::nmcli_list(m)),
        ["nmcli", "-t", "connection" | "con" | "c", "show", id] => match net::nmcli_show(m, id) {
            Some(s) => Output::ok(s),
            None => Output::fail(10, format!("Error: {id} - no such connection profile.")),
        },
        ["xfs_info" | "/usr/sbin/xfs_info", target] => xfs_info(m, target),
        ["lsblk", "-J", rest @ ..] if rest.is_empty() || rest.first() == Some(&"-o") => {
            Output::ok(lsblk(m))
        }
        ["test", "-d" | "-e" | "-f", path] => {
            if exists(m, path) {
                Output::ok("")
            } else {
                Output::fail(1, "")
            }
        }
        ["mokutil", "--sb-state"] if m.firmware == "efi" => Output::ok(format!(
            "SecureBoot {}\n",
            if m.secure_boot { "enabled" } else { "disabled" }
        )),
        ["mokutil", "--sb-state"] => {
            Output::fail(255, "EFI variables are not supported on this system")
        }
        ["cryptsetup", "status", name] => cryptsetup_status(m, name),
        [cmd, ..] => Output::fail(127, format!("bash: {cmd}: command not found")),
    }
}

fn cat(m: &GuestModel, files: &[&str], stdin: &[u8]) -> Output {
    let files: Vec<&str> = files.iter().copied().filter(|f| *f != "--").collect();
    if files.is_empty() {
        return Output::ok(stdin.to_vec());
    }
    let mut out = Vec::new();
    for f in files {
        match m.files.get(f) {
            Some(file) => out.extend_from_slice(&file.data),
            None if f == "/proc/cpuinfo" => out.extend_from_slice(cpuinfo(m).as_bytes()),
            None => return Output::fail(1, format!("cat: {f}: No such file or directory")),
        }
    }
    Output::ok(out)
}

/// Whether `path` exists: a file of the model, or a device/sysfs entry its firmware, TPM
/// and kernel give.
fn exists(m: &GuestModel, path: &str) -> bool {
    match path {
        "/sys/firmware/efi" => m.firmware == "efi",
        "/dev/tpm0" | "/dev/tpmrm0" => m.tpm,
        "/proc/cpuinfo" | "/etc" | "/proc" | "/sys" | "/dev" => true,
        p => m.files.contains_key(p),
    }
}

/// `/proc/cpuinfo` of one vCPU: `vmx` among the flags when the VM has nested virtualization.
fn cpuinfo(m: &GuestModel) -> String {
    let virt = if m.nested_virt { " vmx" } else { "" };
    format!(
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel Xeon Processor (Icelake)\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology cpuid tsc_known_freq pni pclmulqdq{virt} ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm avx2\n\n"
    )
}

fn xfs_info(m: &GuestModel, target: &str) -> Output {
    let Some(fs) = m.filesystems.iter().find(|f| f.mount == target) else {
        return Output::fail(
            1,
            format!("xfs_info: {target} is not a mounted XFS filesystem"),
        );
    };
    if fs.fstype != "xfs" {
        return Output::fail(
            1,
            format!("xfs_info: {target} is not a mounted XFS filesystem"),
        );
    }
    let crc = u8::from(fs.xfs_version >= 5);
    Output::ok(format!(
        "meta-data=/dev/vda{d}               isize=512    agcount=4, agsize=655296 blks\n         =                       sectsz=512   attr=2, projid32bit=1\n         =                       crc={crc}        finobt={crc}, sparse={crc}, rmapbt=0\n         =                       reflink={crc}    bigtime={crc} inobtcount={crc}\ndata     =                       bsize=4096   blocks=2621184, imaxpct=25\nnaming   =version 2              bsize=4096   ascii-ci=0, ftype=1\nlog      =internal log           bsize=4096   blocks=16384, version=2\nrealtime =none                   extsz=4096   blocks=0, rtextents=0\n",
        d = fs.disk + 1
    ))
}

fn lsblk(m: &GuestModel) -> String {
    let devices: Vec<serde_json::Value> = (0..m.disks)
        .map(|d| {
            let name = format!(
                "vd{}",
                char::from(b'a'.saturating_add(u8::try_from(d).unwrap_or(25)))
            );
            let children: Vec<serde_json::Value> = m
                .filesystems
                .iter()
                .filter(|f| f.disk == d)
                .map(|f| {
                    let part = json!({"name": format!("{name}1"), "type": "part",
                        "fstype": f.fstype, "mountpoints": [f.mount]});
                    match (&m.luks, d) {
                        (Some(mapping), 0) => json!({"name": format!("{name}1"), "type": "part",
                            "fstype": "crypto_LUKS", "mountpoints": [null],
                            "children": [{"name": mapping, "type": "crypt", "fstype": f.fstype,
                                "mountpoints": [f.mount]}]}),
                        _ => part,
                    }
                })
                .collect();
            let mut dev = json!({"name": name, "type": "disk", "mountpoints": [null]});
            if let (false, Some(o)) = (children.is_empty(), dev.as_object_mut()) {
                o.insert("children".into(), json!(children));
            }
            dev
        })
        .collect();
    format!("{}\n", json!({ "blockdevices": devices }))
}

fn cryptsetup_status(m: &GuestModel, name: &str) -> Output {
    match &m.luks {
        Some(mapping) if mapping == name && m.luks_unlocked => Output::ok(format!(
            "/dev/mapper/{name} is active and is in use.\n  type:    LUKS2\n  cipher:  aes-xts-plain64\n  keysize: 512 bits\n  key location: keyring\n  device:  /dev/vda1\n  sector size:  512\n  mode:    read/write\n"
        )),
        _ => Output::fail(4, format!("/dev/mapper/{name} is inactive.")),
    }
}

/// The `NAME` of `/etc/os-release` for an OS key.
pub fn pretty_name(os: &str) -> &'static str {
    match os {
        "rhel7" => "Red Hat Enterprise Linux Server",
        "rhel8" | "rhel9" => "Red Hat Enterprise Linux",
        "fedora" => "Fedora Linux",
        _ => "Linux",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::guest::model::{GuestFacts, NicConfig};

    fn rhel() -> GuestModel {
        let f = GuestFacts {
            os: "rhel9".into(),
            hostname: "rhel9-a".into(),
            nics: vec![
                (
                    "02:00:00:00:00:01".into(),
                    vec!["192.168.10.5/24".into()],
                    true,
                ),
                ("02:00:00:00:00:02".into(), vec![], false),
            ],
            disks: 2,
            firmware: "efi".into(),
            ..GuestFacts::default()
        };
        GuestModel::from_facts(&f, (("cloud-user", "pw"), ("Administrator", "wpw")))
    }

    fn text(o: &Output) -> String {
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    #[test]
    fn files_echo_cat_and_unknown_commands() {
        let mut m = rhel();
        assert_eq!(text(&run(&mut m, "hostname", b"")), "rhel9-a\n");
        let w = run(&mut m, "echo 'marker 42' > /data/marker.txt", b"");
        assert_eq!((w.exit, w.stdout.len()), (0, 0));
        run(&mut m, "echo more >> /data/marker.txt", b"");
        assert_eq!(
            text(&run(&mut m, "cat -- /data/marker.txt", b"")),
            "marker 42\nmore\n"
        );
        run(&mut m, "cat > '/tmp/b in'", b"\x00\x01bin");
        assert_eq!(run(&mut m, "cat '/tmp/b in'", b"").stdout, b"\x00\x01bin");
        let missing = run(&mut m, "cat /nope", b"");
        assert_eq!(missing.exit, 1);
        assert!(String::from_utf8_lossy(&missing.stderr).contains("/nope"));
        let unknown = run(&mut m, "systemctl status sshd", b"");
        assert_eq!(unknown.exit, 127);
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("systemctl: command not found"));
        assert!(text(&run(&mut m, "cat /etc/os-release", b"")).contains("ID=\"rhel\""));
    }

    #[test]
    fn network_views_follow_the_nic_config() {
        let mut m = rhel();
        let ip: serde_json::Value =
            serde_json::from_slice(&run(&mut m, "ip -j addr", b"").stdout).unwrap();
        assert_eq!(ip[1]["ifname"], "eth0");
        assert_eq!(ip[1]["addr_info"][0]["local"], "192.168.10.5");
        assert_eq!(ip[1]["addr_info"][0]["prefixlen"], 24);
        assert_eq!(ip[2]["addr_info"].as_array().unwrap().len(), 0);
        assert_eq!(
            text(&run(&mut m, "nmcli -t connection show", b""))
                .lines()
                .count(),
            2
        );
        let eth0 = text(&run(&mut m, "nmcli -t connection show eth0", b""));
        assert!(
            eth0.contains("ipv4.method:manual") && eth0.contains("ipv4.gateway:192.168.10.1"),
            "{eth0}"
        );
        let eth1 = text(&run(&mut m, "nmcli -t connection show eth1", b""));
        assert!(eth1.contains("ipv4.method:auto"), "{eth1}");
        assert_eq!(run(&mut m, "nmcli -t connection show eth9", b"").exit, 10);
        m.nics[0].config = NicConfig::Dhcp;
        assert!(
            text(&run(&mut m, "nmcli -t connection show eth0", b"")).contains("ipv4.method:auto")
        );
    }

    #[test]
    fn storage_views() {
        let mut m = rhel();
        let xfs = run(&mut m, "xfs_info /", b"");
        assert!(text(&xfs).contains("crc=1"), "{}", text(&xfs));
        m.filesystems[0].xfs_version = 4;
        assert!(text(&run(&mut m, "xfs_info /", b"")).contains("crc=0"));
        assert_eq!(run(&mut m, "xfs_info /boot", b"").exit, 1);
        let blk: serde_json::Value =
            serde_json::from_slice(&run(&mut m, "lsblk -J", b"").stdout).unwrap();
        assert_eq!(blk["blockdevices"].as_array().unwrap().len(), 2);
        assert_eq!(blk["blockdevices"][0]["children"][0]["fstype"], "xfs");
        assert_eq!(run(&mut m, "cryptsetup status luks-root", b"").exit, 4);
        m.luks = Some("luks-root".into());
        assert_eq!(run(&mut m, "cryptsetup status luks-root", b"").exit, 0);
        let blk: serde_json::Value =
            serde_json::from_slice(&run(&mut m, "lsblk -J", b"").stdout).unwrap();
        assert_eq!(
            blk["blockdevices"][0]["children"][0]["fstype"],
            "crypto_LUKS"
        );
    }

    #[test]
    fn redirections() {
        let w = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            split_redirect(&w(&["echo", "a", ">", "/f"])).unwrap().1,
            Some(("/f".into(), false))
        );
        assert_eq!(
            split_redirect(&w(&["echo", "a", ">>/f"])).unwrap().1,
            Some(("/f".into(), true))
        );
        assert!(split_redirect(&w(&["echo", ">"])).is_err());
        assert!(split_redirect(&w(&["echo", ">", "/a", "/b"])).is_err());
    }
}
