//! Definitions visible from a document: its own top-level `check`, `fragment`, `hook` and
//! `scenario` names, and those of the modules it imports with `use` (stdlib modules,
//! relative files — read from open documents first, then from disk). Found with the
//! lexer, so they are available while the document does not parse. Used by completion,
//! hover and go-to-definition; it never reports errors (the checker does).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mtvt_lang::fmt::lexer::{Token, TokenKind, lex};
use mtvt_lang::{Overlay, Stdlib};

/// Kinds of top-level definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// `check NAME …`
    Check,
    /// `fragment NAME …`
    Fragment,
    /// `hook NAME { … }`
    Hook,
    /// `scenario NAME …`
    Scenario,
}

impl DefKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            DefKind::Check => "check",
            DefKind::Fragment => "fragment",
            DefKind::Hook => "hook",
            DefKind::Scenario => "scenario",
        }
    }
}

/// One definition.
#[derive(Debug, Clone)]
pub struct Def {
    /// What it is.
    pub kind: DefKind,
    /// Its name.
    pub name: String,
    /// Byte range of the name in its file.
    pub name_start: usize,
    /// End of the name.
    pub name_end: usize,
    /// A check's description, or the members of a composite check (`all of a, b`).
    pub summary: Option<String>,
}

/// A module a document imports.
#[derive(Debug, Clone)]
pub struct Module {
    /// The name references are qualified with (`checks`, or the `as` alias).
    pub alias: String,
    /// As written (`std/checks`, `"./common.mtvt"`).
    pub written: String,
    /// Where it is stored, when it is a file (stdlib modules: see `stdlib_files`).
    pub path: Option<PathBuf>,
    /// The stdlib module path, for stdlib modules.
    pub stdlib: Option<String>,
    /// Its text.
    pub text: Arc<str>,
    /// Its definitions.
    pub defs: Vec<Def>,
    /// Byte range of the target in the importing document.
    pub target_start: usize,
    /// End of the target.
    pub target_end: usize,
}

/// A `use` line of a document.
#[derive(Debug, Clone)]
pub struct UseRef {
    /// The target as written, without quotes.
    pub target: String,
    /// A quoted (file) target.
    pub is_file: bool,
    /// The `as` alias.
    pub alias: Option<String>,
    /// Byte range of the target, quotes included.
    pub start: usize,
    /// End of the target.
    pub end: usize,
}

/// The top-level definitions of a text.
pub fn definitions(src: &str) -> Vec<Def> {
    let toks = significant(src);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut line_start = true;
    for (i, t) in toks.iter().enumerate() {
        let text = t.text(src);
        match (t.kind, text) {
            (TokenKind::Punct, "{") => depth += 1,
            (TokenKind::Punct, "}") => depth = depth.saturating_sub(1),
            _ => {}
        }
        let at_item = depth == 0 && line_start && t.kind == TokenKind::Word;
        line_start = t.kind == TokenKind::Newline || (t.kind == TokenKind::Punct && text == "}");
        if !at_item {
            continue;
        }
        let kind = match text {
            "check" => DefKind::Check,
            "fragment" => DefKind::Fragment,
            "hook" => DefKind::Hook,
            "scenario" => DefKind::Scenario,
            _ => continue,
        };
        let Some(name) = toks.get(i + 1).filter(|n| n.kind == TokenKind::Word) else {
            continue;
        };
        let summary = (kind == DefKind::Check)
            .then(|| check_summary(src, toks.get(i + 2..).unwrap_or(&[])))
            .flatten();
        out.push(Def {
            kind,
            name: name.text(src).to_string(),
            name_start: name.start,
            name_end: name.end,
            summary,
        });
    }
    out
}

/// `"description"` or `= a, b` after a check's name.
fn check_summary(src: &str, rest: &[Token]) -> Option<String> {
    let first = rest.first()?;
    match first.kind {
        TokenKind::Str => {
            let t = first.text(src);
            Some(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        TokenKind::Punct if first.text(src) == "=" => {
            let mut names: Vec<String> = vec![String::new()];
            let mut prev = "=";
            for t in rest.iter().skip(1) {
                let text = t.text(src);
                match (t.kind, text) {
                    (TokenKind::Word, _) | (TokenKind::Punct, ".") => {
                        if let Some(last) = names.last_mut() {
                            last.push_str(text);
                        }
                    }
                    (TokenKind::Punct, ",") => names.push(String::new()),
                    (TokenKind::Newline, _) if prev == "," || prev == "=" => continue,
                    _ => break,
                }
                prev = text;
            }
            let parts: Vec<String> = names
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| format!("`{n}`"))
                .collect();
            (!parts.is_empty()).then(|| format!("all of {}", parts.join(", ")))
        }
        _ => None,
    }
}

/// The `use` lines of a text.
pub fn uses(src: &str) -> Vec<UseRef> {
    let toks = significant(src);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word || t.text(src) != "use" {
            continue;
        }
        if i > 0
            && toks
                .get(i - 1)
                .is_some_and(|p| p.kind != TokenKind::Newline)
        {
            continue;
        }
        let Some(first) = toks.get(i + 1) else {
            continue;
        };
        let (target, is_file, start, end, j) = match first.kind {
            TokenKind::Str | TokenKind::Raw => {
                let q = first.text(src);
                let inner = q.get(1..q.len().saturating_sub(1)).unwrap_or("");
                (inner.to_string(), true, first.start, first.end, i + 2)
            }
            TokenKind::Word => {
                // std/checks: words joined by `/` with no spaces.
                let mut j = i + 1;
                let mut end = first.end;
                while let (Some(slash), Some(w)) = (toks.get(j + 1), toks.get(j + 2)) {
                    if slash.text(src) == "/" && slash.start == end && w.kind == TokenKind::Word {
                        end = w.end;
                        j += 2;
                    } else {
                        break;
                    }
                }
                let target = src.get(first.start..end).unwrap_or("").to_string();
                (target, false, first.start, end, j + 1)
            }
            _ => continue,
        };
        let alias = toks
            .get(j)
            .filter(|t| t.text(src) == "as")
            .and_then(|_| toks.get(j + 1))
            .filter(|a| a.kind == TokenKind::Word)
            .map(|a| a.text(src).to_string());
        out.push(UseRef {
            target,
            is_file,
            alias,
            start,
            end,
        });
    }
    out
}

/// Tokens without comments (line breaks kept).
fn significant(src: &str) -> Vec<Token> {
    lex(src)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect()
}

/// Loads the modules `src` imports. `dir` is the document's folder (relative imports
/// need one).
pub fn imported_modules(
    src: &str,
    dir: Option<&Path>,
    stdlib: &Stdlib,
    overlay: &Overlay,
) -> Vec<Module> {
    uses(src)
        .into_iter()
        .filter_map(|u| load(&u, dir, stdlib, overlay))
        .collect()
}

fn load(u: &UseRef, dir: Option<&Path>, stdlib: &Stdlib, overlay: &Overlay) -> Option<Module> {
    let default_alias = {
        let last = u.target.rsplit('/').next().unwrap_or(&u.target);
        last.strip_suffix(".mtvt").unwrap_or(last).to_string()
    };
    let alias = u.alias.clone().unwrap_or(default_alias);
    let (text, path, std_name): (Arc<str>, Option<PathBuf>, Option<String>) = if u.is_file {
        let path = normalize(&dir?.join(&u.target));
        let canonical = std::fs::canonicalize(&path).ok();
        let text = overlay
            .get(&path)
            .or_else(|| canonical.as_ref().and_then(|c| overlay.get(c)))
            .cloned()
            .or_else(|| std::fs::read_to_string(&path).ok().map(Arc::from))?;
        (text, Some(canonical.unwrap_or(path)), None)
    } else {
        let (_, text) = stdlib.load(&u.target).ok()?;
        (Arc::from(text), None, Some(u.target.clone()))
    };
    let defs = definitions(&text);
    Some(Module {
        alias,
        written: if u.is_file {
            format!("\"{}\"", u.target)
        } else {
            u.target.clone()
        },
        path,
        stdlib: std_name,
        text,
        defs,
        target_start: u.start,
        target_end: u.end,
    })
}

/// Lexically removes `.` and `a/..` components (as the checker does).
pub fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
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

/// The definitions visible from a document: its own and its imports'.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The document's own definitions.
    pub own: Vec<Def>,
    /// Its imported modules.
    pub modules: Vec<Module>,
}

impl Scope {
    /// The scope of `src` (in folder `dir`).
    pub fn of(src: &str, dir: Option<&Path>, stdlib: &Stdlib, overlay: &Overlay) -> Self {
        Scope {
            own: definitions(src),
            modules: imported_modules(src, dir, stdlib, overlay),
        }
    }

    /// Resolves a reference (see [`resolve`]).
    pub fn resolve(&self, name: &str, kind: DefKind) -> Option<Resolved<'_>> {
        resolve(name, kind, &self.own, &self.modules)
    }

    /// Every name of `kind` a reference may use: own names plain, imported names plain
    /// and qualified, with their definition.
    pub fn names(&self, kind: DefKind) -> Vec<(String, Resolved<'_>)> {
        let mut out = Vec::new();
        for def in self.own.iter().filter(|d| d.kind == kind) {
            out.push((def.name.clone(), Resolved { def, module: None }));
        }
        for m in &self.modules {
            for def in m.defs.iter().filter(|d| d.kind == kind) {
                let r = Resolved {
                    def,
                    module: Some(m),
                };
                out.push((def.name.clone(), r.clone()));
                out.push((format!("{}.{}", m.alias, def.name), r));
            }
        }
        out
    }
}

/// A reference resolved to its definition.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    /// The definition.
    pub def: &'a Def,
    /// The module it is in (`None`: the document itself).
    pub module: Option<&'a Module>,
}

/// Resolves `name` (plain or `alias.name`) to a definition of `kind`: the document's
/// own first, then its imports.
pub fn resolve<'a>(
    name: &str,
    kind: DefKind,
    own: &'a [Def],
    modules: &'a [Module],
) -> Option<Resolved<'a>> {
    if let Some((alias, rest)) = name.split_once('.') {
        let m = modules.iter().find(|m| m.alias == alias)?;
        let def = m.defs.iter().find(|d| d.kind == kind && d.name == rest)?;
        return Some(Resolved {
            def,
            module: Some(m),
        });
    }
    if let Some(def) = own.iter().find(|d| d.kind == kind && d.name == name) {
        return Some(Resolved { def, module: None });
    }
    modules.iter().find_map(|m| {
        m.defs
            .iter()
            .find(|d| d.kind == kind && d.name == name)
            .map(|def| Resolved {
                def,
                module: Some(m),
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_summaries() {
        let src = "use std/checks\n# check fake\ncheck a \"the a check\" {\n  when x { skip \"y\" }\n}\ncheck all = a, b,\n  c\nfragment f { tags x }\nhook h { result fail }\nscenario s extends f { vm \"v\" }\n";
        let defs = definitions(src);
        let names: Vec<(DefKind, &str, Option<&str>)> = defs
            .iter()
            .map(|d| (d.kind, d.name.as_str(), d.summary.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (DefKind::Check, "a", Some("the a check")),
                (DefKind::Check, "all", Some("all of `a`, `b`, `c`")),
                (DefKind::Fragment, "f", None),
                (DefKind::Hook, "h", None),
                (DefKind::Scenario, "s", None),
            ]
        );
        assert_eq!(&src[defs[0].name_start..defs[0].name_end], "a");
    }

    #[test]
    fn use_lines() {
        let src = "use std/checks\nuse \"./common.mtvt\" as c\nuse 'x.mtvt'\nscenario s { }\n";
        let u = uses(src);
        assert_eq!(u.len(), 3);
        assert_eq!((u[0].target.as_str(), u[0].is_file), ("std/checks", false));
        assert_eq!(&src[u[0].start..u[0].end], "std/checks");
        assert_eq!(
            (u[1].target.as_str(), u[1].alias.as_deref()),
            ("./common.mtvt", Some("c"))
        );
        assert_eq!(&src[u[1].start..u[1].end], "\"./common.mtvt\"");
        assert!(u[2].is_file);
    }

    #[test]
    fn stdlib_imports_resolve_plain_and_qualified() {
        let src = "use std/checks\nuse std/hooks\n";
        let modules = imported_modules(src, None, &Stdlib::default(), &Overlay::new());
        assert_eq!(modules.len(), 2);
        let own = definitions("check mine { skip \"x\" }");
        let r = resolve("standard", DefKind::Check, &own, &modules).unwrap();
        assert_eq!(r.module.unwrap().alias, "checks");
        assert!(
            r.def
                .summary
                .as_deref()
                .unwrap()
                .starts_with("all of `source_powered_off`")
        );
        assert!(resolve("hooks.fail", DefKind::Hook, &own, &modules).is_some());
        assert!(resolve("checks.fail", DefKind::Hook, &own, &modules).is_none());
        assert!(
            resolve("mine", DefKind::Check, &own, &modules)
                .unwrap()
                .module
                .is_none()
        );
    }
}
