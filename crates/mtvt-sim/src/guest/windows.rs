//! The Windows guest's command set (OpenSSH for Windows runs commands with `cmd.exe`):
//! `hostname`, `ver`, `type FILE`, `echo TEXT > FILE`, `ipconfig /all`, and the PowerShell
//! one-liner the runner writes files with (`[IO.File]::WriteAllBytes(path,
//! [Convert]::FromBase64String(b64))`). Anything else exits 127 with cmd's message.

use base64::Engine as _;

use super::commands::{Output, write};
use super::model::GuestModel;
use super::net;

/// Runs `line` in the Windows guest.
pub fn run(m: &mut GuestModel, line: &str, _stdin: &[u8]) -> Output {
    let line = line.trim();
    if let Some(out) = powershell_write(m, line) {
        return out;
    }
    let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    match (cmd.to_ascii_lowercase().as_str(), rest) {
        ("hostname", "") => Output::ok(format!("{}\r\n", m.hostname)),
        ("ver", "") => Output::ok(format!(
            "\r\nMicrosoft Windows [Version {}]\r\n",
            windows_build(&m.os)
        )),
        ("ipconfig", "/all") => Output::ok(net::ipconfig_all(m)),
        ("type", path) if !path.is_empty() => {
            let path = unquote(path);
            match m.files.get(&path) {
                Some(f) => Output::ok(f.data.clone()),
                None => Output::fail(1, "The system cannot find the file specified."),
            }
        }
        ("echo", text) => match text.split_once('>') {
            Some((value, target)) => {
                let (append, target) = match target.strip_prefix('>') {
                    Some(t) => (true, t),
                    None => (false, target),
                };
                let data = format!("{}\r\n", value.trim_end()).into_bytes();
                write(m, &unquote(target.trim()), data, append);
                Output::ok("")
            }
            None => Output::ok(format!("{text}\r\n")),
        },
        _ => Output::fail(
            127,
            format!(
                "'{cmd}' is not recognized as an internal or external command,\r\noperable program or batch file."
            ),
        ),
    }
}

/// The `ver` build of a Windows OS key (`win2019` → Server 2019's 10.0.17763).
fn windows_build(os: &str) -> &'static str {
    match os {
        "win2016" => "10.0.14393.0",
        "win2022" => "10.0.20348.0",
        "win2025" => "10.0.26100.0",
        _ => "10.0.17763.0",
    }
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').to_string()
}

/// `powershell -NoProfile -Command "[IO.File]::WriteAllBytes('P', [Convert]::FromBase64String('B'))"`.
fn powershell_write(m: &mut GuestModel, line: &str) -> Option<Output> {
    let body = line.strip_prefix("powershell")?;
    let start = body.find("WriteAllBytes('")? + "WriteAllBytes('".len();
    let tail = body.get(start..)?;
    let end = tail.find("', [Convert]::FromBase64String('")?;
    let path = tail.get(..end)?.replace("''", "'");
    let b64_start = end + "', [Convert]::FromBase64String('".len();
    let b64_tail = tail.get(b64_start..)?;
    let b64 = b64_tail.get(..b64_tail.find('\'')?)?;
    Some(
        match base64::engine::general_purpose::STANDARD.decode(b64) {
            Ok(bytes) => {
                write(m, &path, bytes, false);
                Output::ok("")
            }
            Err(e) => Output::fail(1, format!("Exception calling \"FromBase64String\": {e}")),
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::guest::model::GuestFacts;

    fn win() -> GuestModel {
        let f = GuestFacts {
            os: "win2019".into(),
            windows: true,
            hostname: "WIN-2019".into(),
            nics: vec![(
                "00:50:56:aa:bb:01".into(),
                vec!["10.6.46.31/24".into()],
                true,
            )],
            disks: 1,
            ..GuestFacts::default()
        };
        GuestModel::from_facts(&f, (("u", "p"), ("Administrator", "wpw")))
    }

    #[test]
    fn ipconfig_shows_static_ip_mask_gateway() {
        let mut m = win();
        let out = String::from_utf8(run(&mut m, "ipconfig /all", b"").stdout).unwrap();
        assert!(
            out.contains("IPv4 Address. . . . . . . . . . . : 10.6.46.31(Preferred)"),
            "{out}"
        );
        assert!(
            out.contains("Subnet Mask . . . . . . . . . . . : 255.255.255.0"),
            "{out}"
        );
        assert!(
            out.contains("Default Gateway . . . . . . . . . : 10.6.46.1"),
            "{out}"
        );
        assert!(
            out.contains("DHCP Enabled. . . . . . . . . . . : No"),
            "{out}"
        );
        assert!(out.contains("00-50-56-AA-BB-01"), "{out}");
    }

    #[test]
    fn files_and_unknown_commands() {
        let mut m = win();
        assert_eq!(run(&mut m, "hostname", b"").stdout, b"WIN-2019\r\n");
        run(&mut m, r#"echo hello > "C:\marker.txt""#, b"");
        assert_eq!(
            run(&mut m, r#"type "C:\marker.txt""#, b"").stdout,
            b"hello\r\n"
        );
        let ps = r#"powershell -NoProfile -Command "[IO.File]::WriteAllBytes('C:\it''s.bin', [Convert]::FromBase64String('AAE='))""#;
        assert_eq!(run(&mut m, ps, b"").exit, 0);
        assert_eq!(
            run(&mut m, r#"type "C:\it's.bin""#, b"").stdout,
            b"\x00\x01"
        );
        assert_eq!(run(&mut m, "type C:\\none", b"").exit, 1);
        let bad = run(&mut m, "xfs_info /", b"");
        assert_eq!(bad.exit, 127);
        assert!(String::from_utf8_lossy(&bad.stderr).contains("'xfs_info' is not recognized"));
    }
}
