//! Files on disk as the loader sees them: the `.mtvt` files of a folder, the key and
//! display name of a file, lexical path normalization. It reads folders, not files' text.

use std::path::{Component, Path, PathBuf};

use super::LoadError;
use crate::source::{Origin, SourceFile};

/// The loader key and source file of a file on disk.
pub(super) fn disk_file(path: &Path, text: String) -> (String, SourceFile) {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let key = format!("disk:{}", canonical.display());
    let file = SourceFile::new(display_name(path), text, Origin::Disk(canonical));
    (key, file)
}

pub(super) fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let rd = std::fs::read_dir(dir).map_err(|e| LoadError::Io {
        path: dir.display().to_string(),
        error: e.to_string(),
    })?;
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "mtvt") {
            out.push(p);
        }
    }
    Ok(())
}

/// Lexically removes `.` and `a/..` components.
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// A path as shown to people: relative to the working directory when possible.
fn display_name(p: &Path) -> String {
    let p = normalize(p);
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = p.strip_prefix(&cwd)
    {
        return rel.display().to_string();
    }
    p.display().to_string()
}
