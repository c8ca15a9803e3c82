//! Loaded source files: their display names, text and line index. Everything that turns
//! a byte offset into `line:column` goes through here. This module does no parsing and
//! no file-system walking (see `resolve`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::span::{FileId, Span};

/// How many lines around a hint [`SourceFile::line_col_near`] scans before it searches
/// the whole line index.
const NEAR: usize = 32;

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
        let line_starts = line_starts(text.as_bytes());
        SourceFile {
            name: name.into(),
            text,
            origin,
            line_starts,
        }
    }

    /// The byte offset where each line starts (the first is 0).
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.line_col_near(offset, 0).0
    }

    /// [`SourceFile::line_col`] looking first at the lines around the 0-based line
    /// `hint` (the line of a span nearby: the spans of one scenario are a few lines
    /// apart, and a search of the whole index misses the cache on a large file); also
    /// returns the 0-based line found, the hint for the next call.
    pub fn line_col_near(&self, offset: usize, hint: usize) -> ((usize, usize), usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset, hint);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(offset - start, |s| {
            if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            }
        });
        ((line + 1, col + 1), line)
    }

    /// The 0-based line holding `offset` (at most the text's length), searched first
    /// within [`NEAR`] lines of `hint`.
    fn line_of(&self, offset: usize, hint: usize) -> usize {
        let starts = &self.line_starts;
        // Most spans are met in order: the hint's line or one of the next few.
        if starts.get(hint).is_some_and(|s| *s <= offset) {
            for line in hint..hint.saturating_add(4) {
                if starts.get(line + 1).is_none_or(|next| offset < *next) {
                    return line;
                }
            }
        }
        let from = hint.saturating_sub(NEAR).min(starts.len());
        let to = hint.saturating_add(NEAR).min(starts.len());
        let (from, near) = match starts.get(from..to) {
            Some(near)
                if near.first().is_some_and(|s| *s <= offset)
                    && starts.get(to).is_none_or(|s| offset < *s) =>
            {
                (from, near)
            }
            _ => (0, starts.as_slice()),
        };
        // The last line starting at or before `offset`.
        from + near.partition_point(|s| *s <= offset).saturating_sub(1)
    }

    /// The directory relative `use` paths are resolved against, if the file is on disk.
    pub fn dir(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Disk(p) => p.parent(),
            _ => None,
        }
    }
}

/// The offset of every line: 0 and each offset after a `\n`. Built before any checking
/// starts, on one thread: read eight bytes at a time, the line breaks of a word found
/// at once (a search that stops at every break costs ~80 instructions a line).
fn line_starts(text: &[u8]) -> Vec<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const LOW7: u64 = ONES * 0x7f;
    const BREAKS: u64 = ONES * b'\n' as u64;
    let mut out = Vec::with_capacity(text.len() / 24 + 1);
    out.push(0);
    let words = text.chunks_exact(8);
    let tail = words.remainder();
    for (k, word) in words.enumerate() {
        let Ok(bytes) = <[u8; 8]>::try_from(word) else {
            continue;
        };
        let x = u64::from_le_bytes(bytes) ^ BREAKS;
        // The high bit of each byte of `x` that is zero, i.e. of each `\n`.
        let mut found = !(((x & LOW7) + LOW7) | x | LOW7);
        while found != 0 {
            out.push(k * 8 + found.trailing_zeros() as usize / 8 + 1);
            found &= found - 1;
        }
    }
    let base = text.len() - tail.len();
    out.extend(memchr::memchr_iter(b'\n', tail).map(|i| base + i + 1));
    out
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

    #[test]
    fn line_starts_are_after_every_line_break() {
        let mut text = Vec::new();
        for i in 0u32..3000 {
            text.push([b'\n', b'a', 0xff, 0x8a, b'\r', 0x0a ^ 0x80][(i * 7 % 13 % 6) as usize]);
            let expected: Vec<usize> = std::iter::once(0)
                .chain(
                    text.iter()
                        .enumerate()
                        .filter(|(_, b)| **b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            assert_eq!(line_starts(&text), expected, "{}", text.len());
        }
    }

    #[test]
    fn a_hint_never_changes_the_line_found() {
        let text: String = (0..100)
            .map(|i| format!("{}\n", "x".repeat(i % 7)))
            .collect();
        let f = SourceFile::new("a", text.as_str(), Origin::Memory);
        for offset in 0..=text.len() + 1 {
            let plain = f.line_col(offset);
            let before = text.get(..offset).unwrap_or(&text);
            assert_eq!(plain.0, before.matches('\n').count() + 1, "{offset}");
            for hint in [0, 1, 2, 3, 15, 16, 17, 40, 98, 99, 100, 101, 500] {
                assert_eq!(f.line_col_near(offset, hint).0, plain, "{offset} {hint}");
            }
            let (_, line) = f.line_col_near(offset, 0);
            assert_eq!(line + 1, plain.0);
        }
    }
}
