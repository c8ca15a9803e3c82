//! The formatter's output buffer: indentation, line breaks, blank lines and the column
//! of the current line. Spaces are written lazily (only before more text), so no line
//! ever ends with a space the formatter added. It knows nothing about the language.

/// Output being built.
#[derive(Debug, Clone)]
pub(super) struct Out {
    buf: String,
    /// Indentation (spaces) of the current block level.
    pub indent: usize,
    /// Indentation of the line being written.
    pub line_indent: usize,
    /// Characters on the current line so far (including its indentation).
    col: usize,
    at_line_start: bool,
    /// Indentation for the next line instead of `indent` (continuation lines).
    next_indent: Option<usize>,
    pending_space: bool,
}

impl Out {
    /// An empty buffer at column 0.
    pub fn new() -> Self {
        Out {
            buf: String::new(),
            indent: 0,
            line_indent: 0,
            col: 0,
            at_line_start: true,
            next_indent: None,
            pending_space: false,
        }
    }

    /// A scratch buffer that continues a line at column `col` (for width measurements).
    pub fn scratch(col: usize, indent: usize, line_indent: usize) -> Self {
        Out {
            buf: String::new(),
            indent,
            line_indent,
            col,
            at_line_start: false,
            next_indent: None,
            pending_space: false,
        }
    }

    /// The text written.
    pub fn into_string(self) -> String {
        self.buf
    }

    /// The text written so far.
    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// Current column (characters), counting a pending space.
    pub fn col(&self) -> usize {
        if self.at_line_start {
            self.next_indent.unwrap_or(self.indent)
        } else {
            self.col + usize::from(self.pending_space)
        }
    }

    /// True when nothing has been written on the current line.
    pub fn at_line_start(&self) -> bool {
        self.at_line_start
    }

    /// True when nothing at all has been written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn start_line(&mut self) {
        if self.at_line_start {
            let n = self.next_indent.take().unwrap_or(self.indent);
            self.buf.extend(std::iter::repeat_n(' ', n));
            self.col = n;
            self.line_indent = n;
            self.at_line_start = false;
            self.pending_space = false;
        } else if self.pending_space {
            self.buf.push(' ');
            self.col += 1;
            self.pending_space = false;
        }
    }

    /// Writes text that contains no line break.
    pub fn write(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.start_line();
        self.buf.push_str(s);
        self.col += s.chars().count();
    }

    /// Writes text verbatim, line breaks included (text blocks kept as written).
    pub fn write_verbatim(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.start_line();
        self.buf.push_str(s);
        match s.rfind(['\n', '\r']) {
            Some(i) => self.col = s.get(i + 1..).map_or(0, |t| t.chars().count()),
            None => self.col += s.chars().count(),
        }
    }

    /// One space before the next text on this line (none at a line start).
    pub fn space(&mut self) {
        if !self.at_line_start {
            self.pending_space = true;
        }
    }

    /// Writes `n` spaces (at least one) before the next text on this line.
    pub fn pad(&mut self, n: usize) {
        if self.at_line_start {
            return;
        }
        self.pending_space = false;
        let n = n.max(1);
        self.buf.extend(std::iter::repeat_n(' ', n));
        self.col += n;
    }

    /// Ends the current line (nothing happens at a line start).
    pub fn newline(&mut self) {
        if !self.at_line_start {
            self.buf.push('\n');
            self.at_line_start = true;
            self.pending_space = false;
            self.col = 0;
        }
    }

    /// Ends the current line; the next one is indented by `indent` spaces.
    pub fn newline_indented(&mut self, indent: usize) {
        self.newline();
        self.next_indent = Some(indent);
    }

    /// Ends the current line and leaves one empty line (never at the top of the output
    /// and never two in a row).
    pub fn blank_line(&mut self) {
        self.newline();
        if !self.buf.is_empty() && !self.buf.ends_with("\n\n") {
            self.buf.push('\n');
        }
    }

    /// Writes a raw line break without indentation handling (inside text blocks).
    pub fn raw_newline(&mut self) {
        self.buf.push('\n');
        self.col = 0;
        self.pending_space = false;
    }

    /// Writes raw text inside a text block (no indentation handling).
    pub fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
        self.col += s.chars().count();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_spaces_and_blank_lines() {
        let mut o = Out::new();
        o.write("a");
        o.space();
        o.newline();
        o.blank_line();
        o.blank_line();
        o.indent = 2;
        o.write("b");
        o.pad(3);
        o.write("# c");
        o.newline_indented(4);
        o.write("d");
        o.newline();
        assert_eq!(o.as_str(), "a\n\n  b   # c\n    d\n");
    }
}
