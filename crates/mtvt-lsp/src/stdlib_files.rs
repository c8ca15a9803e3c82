//! Stdlib modules as files an editor can open. With `MTVT_STDLIB` set they are that
//! directory's files; otherwise the embedded modules are written once to a per-content
//! folder under the system temporary directory (`mtvt-stdlib-<hash>/checks.mtvt`), so
//! "go to definition" on `standard` lands in a real file that matches what the checker
//! used. It never modifies a stdlib directory.

use std::path::PathBuf;

use mtvt_lang::Stdlib;
use mtvt_lang::resolve::stdlib::EMBEDDED;

/// The file holding stdlib module `module` (`std/checks`), if it can be provided.
pub fn path_of(stdlib: &Stdlib, module: &str) -> Option<PathBuf> {
    let name = module.strip_prefix("std/")?;
    if let Some(dir) = stdlib.dir() {
        let p = dir.join(format!("{name}.mtvt"));
        return p.is_file().then_some(p);
    }
    let (_, text) = EMBEDDED.iter().find(|(m, _)| *m == module)?;
    let dir = std::env::temp_dir().join(format!("mtvt-stdlib-{:016x}", content_hash()));
    let path = dir.join(format!("{name}.mtvt"));
    let current = std::fs::read_to_string(&path).ok();
    if current.as_deref() != Some(*text) {
        std::fs::create_dir_all(&dir).ok()?;
        // Write to a unique temporary name, then rename: concurrent servers never see a
        // half-written module.
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text).ok()?;
        std::fs::rename(&tmp, &path).ok()?;
    }
    Some(path)
}

/// FNV-1a over every embedded module (a new binary with another stdlib gets another
/// folder).
fn content_hash() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (m, t) in EMBEDDED {
        for b in m.bytes().chain(t.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_modules_are_written_out_verbatim() {
        let embedded = Stdlib::default();
        let p = path_of(&embedded, "std/checks").unwrap();
        let (_, text) = EMBEDDED.iter().find(|(m, _)| *m == "std/checks").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), *text);
        assert_eq!(path_of(&embedded, "std/checks"), Some(p));
        assert_eq!(path_of(&embedded, "std/nope"), None);
        assert_eq!(path_of(&embedded, "checks"), None);
    }

    #[test]
    fn an_override_directory_is_used_as_is() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("checks.mtvt"), "check x { skip \"y\" }\n").unwrap();
        let stdlib = Stdlib::new(Some(dir.path().to_path_buf()));
        assert_eq!(
            path_of(&stdlib, "std/checks"),
            Some(dir.path().join("checks.mtvt"))
        );
        assert_eq!(path_of(&stdlib, "std/hooks"), None);
    }
}
