//! The open documents: their text, version and line index, updated by `didOpen`,
//! `didChange` (full or incremental) and `didClose`. Also the bridge from a document URI
//! to the file name and directory the checker resolves relative `use` paths against.
//! It holds state only; it computes no diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::line_index::LineIndex;

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Its text.
    pub text: Arc<str>,
    /// The client's version of it.
    pub version: i32,
    /// Line starts of `text`.
    pub index: Arc<LineIndex>,
    /// The file behind the URI, for `file:` URIs.
    pub path: Option<PathBuf>,
}

impl Document {
    /// A document with this text.
    pub fn new(uri: &Uri, text: String, version: i32) -> Self {
        let index = Arc::new(LineIndex::new(&text));
        Document {
            text: text.into(),
            version,
            index,
            path: uri.to_file_path().map(|p| p.into_owned()),
        }
    }

    /// Applies the changes of one `didChange`, in order.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        let mut text = self.text.to_string();
        let mut index = LineIndex::new(&text);
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let start = index.offset(&text, range.start);
                    let end = index.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
            index = LineIndex::new(&text);
        }
        self.text = text.into();
        self.index = Arc::new(index);
        self.version = version;
    }

    /// The name and directory the checker sees: the file name and its folder for files
    /// on disk, `untitled.mtvt` and no folder otherwise (relative `use` then reports that
    /// it needs a saved file).
    pub fn check_location(&self) -> (String, Option<&Path>) {
        match &self.path {
            Some(p) => (
                p.file_name().map_or_else(
                    || String::from("untitled.mtvt"),
                    |n| n.to_string_lossy().to_string(),
                ),
                p.parent(),
            ),
            None => (String::from("untitled.mtvt"), None),
        }
    }
}

/// All open documents.
#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    /// Opens (or re-opens) a document.
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let doc = Document::new(&uri, text, version);
        self.docs.insert(uri, doc);
    }

    /// Applies a change; `false` when the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> bool {
        match self.docs.get_mut(uri) {
            Some(doc) => {
                doc.apply(changes, version);
                true
            }
            None => false,
        }
    }

    /// Closes a document.
    pub fn close(&mut self, uri: &Uri) {
        self.docs.remove(uri);
    }

    /// A snapshot of one document.
    pub fn get(&self, uri: &Uri) -> Option<Document> {
        self.docs.get(uri).cloned()
    }

    /// The URIs of every open document.
    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }

    /// The texts of the open documents that are files, by path (as given and
    /// canonical), for the checker's overlay.
    pub fn overlay(&self) -> mtvt_lang::Overlay {
        let mut m = mtvt_lang::Overlay::new();
        for doc in self.docs.values() {
            if let Some(p) = &doc.path {
                if let Ok(c) = std::fs::canonicalize(p) {
                    m.insert(c, doc.text.clone());
                }
                m.insert(p.clone(), doc.text.clone());
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    #[test]
    fn incremental_changes_in_utf16_positions() {
        let uri: Uri = "file:///tmp/a.mtvt".parse().unwrap();
        let mut docs = Documents::default();
        docs.open(
            uri.clone(),
            String::from("vm \"é\" {\n  clone true\n}\n"),
            1,
        );
        let change = |line, c1, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, c1), Position::new(line, c2))),
            range_length: None,
            text: text.to_string(),
        };
        // Replace `true` by `false`, then insert after the é (column 5 in UTF-16).
        assert!(docs.change(
            &uri,
            vec![change(1, 8, 12, "false"), change(0, 5, 5, "x")],
            2
        ));
        let doc = docs.get(&uri).unwrap();
        assert_eq!(&*doc.text, "vm \"éx\" {\n  clone false\n}\n");
        assert_eq!(doc.version, 2);
        assert_eq!(doc.check_location().0, "a.mtvt");
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: String::from("x"),
        };
        assert!(docs.change(&uri, vec![full], 3));
        assert_eq!(&*docs.get(&uri).unwrap().text, "x");
        docs.close(&uri);
        assert!(docs.get(&uri).is_none());
    }
}
