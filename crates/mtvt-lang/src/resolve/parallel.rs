//! Parsing the root files of a check run on several threads. Each file's text is parsed
//! independently (imports are followed afterwards, sequentially, by the loader), so the
//! result is exactly what parsing them one after the other gives: same ASTs, same
//! diagnostics, same file ids (fixed by the caller before parsing). This module only
//! schedules `syntax::parse`; it must not load, resolve or check anything.

use crate::diag::DiagnosticKind;
use crate::span::FileId;
use crate::syntax::{self, ast};
use crate::threads::{Spread, map_ordered};

/// What `syntax::parse` returns for one file.
pub type Parsed = (Option<ast::File>, Vec<DiagnosticKind>);

/// Parses `texts[i]` as file `FileId(first + i)`, on up to `threads` threads: files are
/// handed out one at a time, so one large file does not hold others back; a single file
/// gets all the threads (a large one is parsed in pieces). Falls back to the calling
/// thread when `threads` is 1 or no thread can be started.
pub fn parse_all(first: usize, texts: &[&str], threads: usize) -> Vec<Parsed> {
    let id = |i: usize| FileId(u32::try_from(first + i).unwrap_or(u32::MAX));
    if threads.min(texts.len()) <= 1 {
        return texts
            .iter()
            .enumerate()
            .map(|(i, t)| syntax::parse_on(id(i), t, threads))
            .collect();
    }
    let indexed: Vec<(usize, &str)> = texts.iter().copied().enumerate().collect();
    map_ordered(
        &indexed,
        Spread::each(threads),
        || (),
        |(), (i, text)| syntax::parse_on(id(*i), text, 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_parsing_gives_what_sequential_parsing_gives() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut texts: Vec<String> = Vec::new();
        let mut dirs = vec![repo.join("scenarios"), repo.join("stdlib")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "mtvt") {
                    texts.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        // Files with errors keep their diagnostics and their place.
        texts.push(String::from("scenario broken {\n  vm \"x\" {\n"));
        texts.push(String::from("session { timeout 5parsecs }\n"));
        assert!(texts.len() > 20);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let sequential = parse_all(7, &refs, 1);
        for threads in [2, 3, 64] {
            let parallel = parse_all(7, &refs, threads);
            assert_eq!(parallel, sequential, "{threads} threads");
        }
        let (ast, diags) = &sequential[sequential.len() - 2];
        assert!(ast.is_none() && !diags.is_empty());
        let (ast, diags) = &sequential[sequential.len() - 1];
        assert!(ast.is_some() && !diags.is_empty(), "{diags:?}");
        // File ids follow `first`.
        let (_, diags) = &parse_all(7, &refs[refs.len() - 1..], 2)[0];
        assert!(!diags.is_empty() && diags.iter().all(|d| d.span().file == FileId(7)));
    }
}
