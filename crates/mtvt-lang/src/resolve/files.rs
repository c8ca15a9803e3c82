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

/// The largest `.mtvt` file read (a scenario file is a few KB; this keeps a mistaken
/// `mtvt check` of a huge or endless file from exhausting memory).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A source file's text as read from disk.
#[derive(Debug)]
pub(super) struct ReadText {
    /// The text (invalid UTF-8 replaced by U+FFFD).
    pub text: String,
    /// Byte offset and value of the first byte that is not UTF-8, if any.
    pub invalid_at: Option<(usize, u8)>,
}

/// Reads a source file: only regular files (a FIFO or a device would block or never
/// end), at most [`MAX_FILE_BYTES`]; text that is not UTF-8 is kept (lossily) and its
/// first bad byte reported, so the file is one diagnostic among the others.
pub(super) fn read_source(path: &Path) -> Result<ReadText, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(String::from(
            "not a regular file (a FIFO, device or socket cannot be checked)",
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => ReadText {
            text,
            invalid_at: None,
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let byte = bytes.get(at).copied().unwrap_or_default();
            ReadText {
                text: String::from_utf8_lossy(&bytes).into_owned(),
                invalid_at: Some((at, byte)),
            }
        }
    })
}

fn too_large(n: u64) -> String {
    format!(
        "the file is {} MB; .mtvt files may be at most {} MB",
        n / (1024 * 1024),
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// The `.mtvt` files under `dir`, recursively and sorted; hidden entries are skipped and
/// each folder is visited once (symbolic links to a folder already seen, such as a link
/// to itself or to its parent, are not followed again).
pub(super) fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let mut seen = std::collections::HashSet::new();
    collect_dir_once(dir, out, &mut seen)
}

fn collect_dir_once(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::HashSet<PathBuf>,
) -> Result<(), LoadError> {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen.insert(canonical) {
        return Ok(());
    }
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
            collect_dir_once(&p, out, seen)?;
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
