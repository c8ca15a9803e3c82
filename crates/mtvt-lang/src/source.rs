//! Loaded source files: their display names, text and line index. Everything that turns
//! a byte offset into `line:column` goes through here. This module does no parsing and
//! no file-system walking (see `resolve`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::span::{FileId, Span};

/// Where a source file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk (canonical path).
    Disk(PathBuf),
    /// A stdlib module embedded in the binary (e.g. `std/checks`).
    Stdlib(String),
    /// Text handed over directly (tests, editors).
    Memory,
}

/// One source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path relative to the working directory when
    /// possible, `std/checks.mtvt` for stdlib modules).
    pub name: String,
    /// The full text.
    pub text: Arc<str>,
    /// Where it came from.
    pub origin: Origin,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Builds a file and its line index.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>, origin: Origin) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        // memchr: the line index of a large file is built before any checking starts.
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            name: name.into(),
            text,
            origin,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(offset - start, |s| {
            if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            }
        });
        (line + 1, col + 1)
    }

    /// The directory relative `use` paths are resolved against, if the file is on disk.
    pub fn dir(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Disk(p) => p.parent(),
            _ => None,
        }
    }
}

/// All files of one check run, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Every file, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file is loaded.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text covered by a span (empty if out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.start..span.end))
            .unwrap_or("")
    }

    /// `(file name, line, column)` of the start of a span.
    pub fn locate(&self, span: Span) -> (String, usize, usize) {
        match self.get(span.file) {
            Some(f) => {
                let (l, c) = f.line_col(span.start);
                (f.name.clone(), l, c)
            }
            None => (String::from("<unknown>"), 0, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let f = SourceFile::new("a", "ab\ncé d\n", Origin::Memory);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'é' is two bytes: byte 6 is the space after it, the 3rd character.
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.line_col(999), (3, 1));
    }
}
