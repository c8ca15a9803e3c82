//! Go to definition: a check name (in `expect { check … }` or a composite check), a hook
//! name (`hook pre = …`) or a fragment (`extends …`) jumps to its declaration — in the
//! document, an imported file or a stdlib module; a `use` target jumps to the imported
//! file. Returns byte ranges in a file; the server turns them into LSP locations.

use std::path::PathBuf;

use mtvt_lang::Stdlib;
use mtvt_lang::query::{Analysis, Frame, Module};
use mtvt_lang::resolve::DefKind;
use mtvt_lang::schema::keys::BlockKind;
use mtvt_lang::syntax::tokens::TokenKind;

use crate::hover::{dotted_at, token_at};
use crate::stdlib_files;

/// Where a definition is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// In the document itself, at this byte range.
    Here(usize, usize),
    /// In another file, at this byte range of its text.
    File {
        /// The file.
        path: PathBuf,
        /// Its text (to compute positions).
        text: std::sync::Arc<str>,
        /// Start of the range.
        start: usize,
        /// End of the range.
        end: usize,
    },
}

/// The definition of what is at `offset`.
pub fn definition(analysis: &Analysis, offset: usize, stdlib: &Stdlib) -> Option<Target> {
    let tokens = &analysis.parsed.tokens;
    let tok = token_at(tokens, offset)?;
    let c = analysis.cursor(tok.start);
    if c.in_check() {
        return None;
    }
    let texts = c.word_texts();
    // `use` targets: the file (or stdlib module) itself.
    if c.frame() == Frame::Top && texts.first() == Some(&"use") {
        let m = analysis
            .imports()
            .into_iter()
            .find(|m| m.target.start <= tok.start && tok.end <= m.target.end)?;
        return module_file(&m, stdlib).map(|(path, text)| Target::File {
            path,
            text,
            start: 0,
            end: 0,
        });
    }
    if tok.kind != TokenKind::Word {
        return None;
    }
    let kind = match (c.frame(), texts.first().copied()) {
        (Frame::Top, Some("scenario" | "fragment")) if texts.contains(&"extends") => {
            DefKind::Fragment
        }
        (Frame::Top, Some("check")) if texts.contains(&"=") => DefKind::Check,
        (Frame::Block(BlockKind::Expect), Some("check")) => DefKind::Check,
        (Frame::Block(BlockKind::Scenario | BlockKind::Plan), Some("hook"))
            if texts.contains(&"=") =>
        {
            DefKind::Hook
        }
        _ => return None,
    };
    let (name, _, _) = dotted_at(&analysis.text, tokens, tok);
    let d = analysis.resolve(&name, kind)?;
    match d.module {
        None => Some(Target::Here(d.span.start, d.span.end)),
        Some(m) => {
            let (path, text) = module_file(&m, stdlib)?;
            Some(Target::File {
                path,
                text,
                start: d.span.start,
                end: d.span.end,
            })
        }
    }
}

/// The file of an imported module, with the text definitions were found in.
fn module_file(m: &Module, stdlib: &Stdlib) -> Option<(PathBuf, std::sync::Arc<str>)> {
    let path = match (m.path(), m.stdlib()) {
        (Some(p), _) => p,
        (None, Some(module)) => stdlib_files::path_of(stdlib, module)?,
        (None, None) => return None,
    };
    Some((path, m.text.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_lang::Overlay;

    fn def_at(src: &str) -> Option<Target> {
        let offset = src.find('|').unwrap();
        let text = src.replace('|', "");
        let analysis = Analysis::new("d.mtvt", &text, None, &Stdlib::default(), Overlay::new());
        definition(&analysis, offset, &Stdlib::default())
    }

    #[test]
    fn checks_hooks_fragments_and_uses() {
        let src = "check mine { skip \"x\" }\nscenario s { expect { check mi|ne } }";
        assert_eq!(def_at(src), Some(Target::Here(6, 10)));
        let Some(Target::File {
            path,
            text,
            start,
            end,
        }) = def_at("use std/checks\nscenario s { expect { check stan|dard } }")
        else {
            panic!("no stdlib target");
        };
        assert!(path.ends_with("checks.mtvt"));
        assert_eq!(&text[start..end], "standard");
        assert!(text[..start].ends_with("check "));
        let Some(Target::File { text, start, .. }) =
            def_at("use std/hooks\nscenario s { hook pre = hooks.fa|il }")
        else {
            panic!("no hook target");
        };
        assert!(text[..start].ends_with("hook "));
        assert!(matches!(
            def_at("use std/ch|ecks\n"),
            Some(Target::File { start: 0, .. })
        ));
        let src = "fragment f { tags x }\nscenario s extends |f { }";
        assert_eq!(def_at(src), Some(Target::Here(9, 10)));
        assert_eq!(def_at("scenario s { expect { check nope| } }"), None);
        assert_eq!(def_at("check c { assert dest.cpu|.cores == 1 }"), None);
    }
}
