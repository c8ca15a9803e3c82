//! Recovery after syntax errors (recover mode).

use super::Descent;
use crate::syntax::ast::File;

impl Descent<'_> {
    /// The whole file, going on after errors.
    pub(super) fn file_recovering(&mut self) -> File {
        self.file().unwrap_or(File { items: Vec::new() })
    }
}
