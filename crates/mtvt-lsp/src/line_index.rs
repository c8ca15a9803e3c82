//! Byte offsets ↔ LSP positions. LSP counts columns in UTF-16 code units and accepts
//! `\n`, `\r\n` and `\r` as line breaks; the language crate works in UTF-8 byte offsets.
//! Every conversion of the server goes through here. It knows nothing else.

use tower_lsp_server::ls_types::{Position, Range};

/// Start offsets of the lines of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(&c) = b.get(i) {
            match c {
                b'\n' => starts.push(i + 1),
                b'\r' if b.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text; inside a character, the
    /// character's start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col: usize = text
            .get(start..offset)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(to_u32(line), to_u32(col))
    }

    /// The byte offset of a position (clamped to its line, and to the text).
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        let line_text = text.get(start..end).unwrap_or("");
        let content = line_text.trim_end_matches(['\n', '\r']);
        let mut units = 0usize;
        for (i, c) in content.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + content.len()
    }

    /// The range of a byte span.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_and_every_line_break() {
        // 'é' is 2 bytes / 1 UTF-16 unit, '𝄞' is 4 bytes / 2 units.
        let text = "aé𝄞b\r\nx\ry\nz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position::new(0, 0));
        assert_eq!(idx.position(text, 3), Position::new(0, 2));
        assert_eq!(idx.position(text, 7), Position::new(0, 4));
        assert_eq!(idx.position(text, 10), Position::new(1, 0));
        assert_eq!(idx.position(text, 12), Position::new(2, 0));
        assert_eq!(idx.position(text, 14), Position::new(3, 0));
        assert_eq!(idx.position(text, 999), Position::new(3, 1));
        for off in [0, 1, 3, 7, 8, 10, 12, 14, 15] {
            assert_eq!(idx.offset(text, idx.position(text, off)), off, "{off}");
        }
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(idx.offset(text, Position::new(0, 99)), 8);
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
        // Inside a surrogate pair: the character's start.
        assert_eq!(idx.position(text, 5), Position::new(0, 2));
    }
}
