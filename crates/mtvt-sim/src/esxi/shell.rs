//! The ESXi host's BusyBox shell, as small as an administrator editing root's
//! authorized_keys needs: `cat` (files, or stdin with `>`/`>>`), `grep [-v] [-F]`,
//! `mkdir [-p]`, `mv`, `chmod`, `rm [-f]`, `true`, chained with `&&` and sequenced with
//! `;` (as separate words); POSIX quoting. A redirection creates or truncates its file
//! whatever the command's status, as sh does. Anything else exits 127
//! with BusyBox's message. Commands read and change only the [`EsxiHost`]'s files.

use super::EsxiHost;

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

fn fail(exit: u32, msg: &str) -> Output {
    Output {
        stderr: format!("{msg}\n").into_bytes(),
        exit,
        ..Output::default()
    }
}

/// Runs `line` on `host` with `stdin`.
pub fn run(host: &mut EsxiHost, line: &str, stdin: &[u8]) -> Output {
    let Some(words) = shlex::split(line) else {
        return fail(2, "sh: syntax error: unterminated quoted string");
    };
    let mut out = Output::default();
    for list in words.split(|w| w == ";") {
        for cmd in list.split(|w| w == "&&") {
            let step = one(host, cmd, stdin);
            out.stdout.extend_from_slice(&step.stdout);
            out.stderr.extend_from_slice(&step.stderr);
            out.exit = step.exit;
            if step.exit != 0 {
                break;
            }
        }
    }
    out
}

fn one(host: &mut EsxiHost, words: &[String], stdin: &[u8]) -> Output {
    let (words, redirect) = match words.iter().position(|w| w == ">" || w == ">>") {
        Some(i) => match (words.get(..i), words.get(i), words.get(i + 1)) {
            (Some(before), Some(op), Some(path)) => (before, Some((path.clone(), op == ">>"))),
            _ => return fail(2, "sh: syntax error: unexpected newline"),
        },
        None => (words, None),
    };
    let args: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
    let out = match words.first().map(String::as_str) {
        None => Output::default(),
        Some("true") => Output::default(),
        Some("cat") => cat(host, &args, stdin),
        Some("grep") => grep(host, &args, stdin),
        Some("mkdir") => Output::default(),
        Some("chmod") => exists(host, args.get(1..).unwrap_or_default(), "chmod"),
        Some("mv") => mv(host, &args),
        Some("rm") => rm(host, &args),
        Some(other) => fail(127, &format!("sh: {other}: not found")),
    };
    match redirect {
        Some((path, append)) => {
            let file = host.files.entry(path).or_default();
            if !append {
                file.clear();
            }
            file.extend_from_slice(&out.stdout);
            Output {
                stdout: Vec::new(),
                ..out
            }
        }
        _ => out,
    }
}

/// BusyBox `grep [-v] [-F] PATTERN [FILE]`: fixed-string match (`-F` or not: the
/// patterns this shell sees are key blobs); exit 0 when a line was printed, 1 when none, 2
/// when the file is missing.
fn grep(host: &EsxiHost, args: &[&str], stdin: &[u8]) -> Output {
    let mut invert = false;
    let mut rest = Vec::new();
    for a in args {
        match a.strip_prefix('-') {
            Some(flags) if !flags.is_empty() && rest.is_empty() => {
                invert |= flags.contains('v');
            }
            _ => rest.push(*a),
        }
    }
    let Some(pattern) = rest.first() else {
        return fail(2, "Usage: grep [-vF] PATTERN [FILE]...");
    };
    let input = match rest.get(1) {
        Some(f) => match host.files.get(*f) {
            Some(bytes) => bytes.as_slice(),
            None => return fail(2, &format!("grep: {f}: No such file or directory")),
        },
        None => stdin,
    };
    let text = String::from_utf8_lossy(input);
    let stdout: String = text
        .split_inclusive('\n')
        .filter(|l| l.contains(pattern) != invert)
        .map(|l| {
            if l.ends_with('\n') {
                l.to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    Output {
        exit: if stdout.is_empty() { 1 } else { 0 },
        stdout: stdout.into_bytes(),
        stderr: Vec::new(),
    }
}

fn cat(host: &EsxiHost, files: &[&str], stdin: &[u8]) -> Output {
    if files.is_empty() {
        return Output {
            stdout: stdin.to_vec(),
            ..Output::default()
        };
    }
    let mut out = Output::default();
    for f in files {
        match host.files.get(*f) {
            Some(b) => out.stdout.extend_from_slice(b),
            None => {
                return fail(
                    1,
                    &format!("cat: can't open '{f}': No such file or directory"),
                );
            }
        }
    }
    out
}

fn exists(host: &EsxiHost, files: &[&str], cmd: &str) -> Output {
    match files.iter().find(|f| !host.files.contains_key(**f)) {
        Some(f) => fail(1, &format!("{cmd}: {f}: No such file or directory")),
        None => Output::default(),
    }
}

fn mv(host: &mut EsxiHost, args: &[&str]) -> Output {
    let [from, to] = args else {
        return fail(1, "BusyBox: mv: need two operands");
    };
    match host.files.remove(*from) {
        Some(b) => {
            host.files.insert((*to).to_string(), b);
            Output::default()
        }
        None => fail(
            1,
            &format!("mv: can't rename '{from}': No such file or directory"),
        ),
    }
}

fn rm(host: &mut EsxiHost, args: &[&str]) -> Output {
    let force = args.contains(&"-f");
    for f in args.iter().filter(|a| !a.starts_with('-')) {
        if host.files.remove(*f).is_none() && !force {
            return fail(
                1,
                &format!("rm: can't remove '{f}': No such file or directory"),
            );
        }
    }
    Output::default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::AUTHORIZED_KEYS;
    use super::*;
    use mtvt_vocab::Secret;

    #[test]
    fn an_administrator_rewrites_authorized_keys() {
        let mut h = EsxiHost::new("esx", "10.0.0.1", "8.0.3", Secret::new("pw"));
        let write = format!(
            "mkdir -p /etc/ssh/keys-root && cat > /tmp/ak_1 && mv /tmp/ak_1 {AUTHORIZED_KEYS} && chmod 600 {AUTHORIZED_KEYS}"
        );
        let out = run(&mut h, &write, b"line one\n");
        assert_eq!(out.exit, 0, "{:?}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(h.authorized_keys(), "line one\n");
        assert!(!h.files.contains_key("/tmp/ak_1"));
        let read = run(&mut h, &format!("cat {AUTHORIZED_KEYS}"), b"");
        assert_eq!(read.stdout, b"line one\n");
        let kept = run(
            &mut h,
            &format!("grep -vF 'BBB' {AUTHORIZED_KEYS} > /tmp/k ; mv /tmp/k {AUTHORIZED_KEYS}"),
            b"",
        );
        assert_eq!(kept.exit, 0);
        assert_eq!(h.authorized_keys(), "line one\n", "other lines stay");
        let none = run(
            &mut h,
            "cat > /tmp/one && grep -v x /tmp/one > /tmp/two ; cat /tmp/two",
            b"x\n",
        );
        assert_eq!(
            (none.exit, none.stdout.as_slice()),
            (0, b"".as_slice()),
            "an empty match still truncates"
        );
        let missing = run(&mut h, "cat /nope && echo after", b"");
        assert_eq!(missing.exit, 1);
        assert!(String::from_utf8_lossy(&missing.stderr).contains("No such file"));
        assert_eq!(run(&mut h, "vim-cmd hostsvc/start_ssh", b"").exit, 127);
        assert_eq!(run(&mut h, "rm -f /nope", b"").exit, 0);
    }
}
