//! Document symbols (the outline): `use` lines, the session, scenarios and fragments with
//! their entries (VMs, plans, hooks, expect …), checks and hooks — from the AST, which
//! the parser produces for text that does not parse yet too, so the outline does not
//! vanish while typing.

use mtvt_lang::span::Span;
use mtvt_lang::syntax::ast::{Arg, Block, CheckDef, EntryBody, File, Item};

/// Kinds of symbols (mapped to LSP symbol kinds by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// `use …`
    Import,
    /// `session { … }`
    Session,
    /// `scenario`
    Scenario,
    /// `fragment`
    Fragment,
    /// `check`
    Check,
    /// `hook`
    Hook,
    /// An entry with a nested block (`plan { … }`, `vm "x" { … }`).
    Section,
    /// A plain entry (`warm true`).
    Entry,
}

/// One outline node.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// Its name.
    pub name: String,
    /// Detail (arguments, description, extends).
    pub detail: Option<String>,
    /// What it is.
    pub kind: SymbolKind,
    /// Whole range (bytes).
    pub span: (usize, usize),
    /// The name's range (bytes).
    pub selection: (usize, usize),
    /// Nested symbols.
    pub children: Vec<Symbol>,
}

/// The outline of the document `src` parsed as `ast`.
pub fn symbols(src: &str, ast: &File) -> Vec<Symbol> {
    let text = |s: Span| src.get(s.start..s.end).unwrap_or("").to_string();
    ast.items
        .iter()
        .map(|item| match item {
            Item::Use(u) => Symbol {
                name: format!("use {}", text(u.target.span)),
                detail: u.alias.as_ref().map(|a| format!("as {}", a.node)),
                kind: SymbolKind::Import,
                span: (u.span.start, u.span.end),
                selection: (u.target.span.start, u.target.span.end),
                children: Vec::new(),
            },
            Item::Session(s) => Symbol {
                name: String::from("session"),
                detail: None,
                kind: SymbolKind::Session,
                span: (s.span.start, s.span.end),
                selection: (s.span.start, s.span.start + "session".len()),
                children: entries(src, &s.body),
            },
            Item::Scenario(d) | Item::Fragment(d) => Symbol {
                name: d.name.node.to_string(),
                detail: (!d.extends.is_empty()).then(|| {
                    let names: Vec<String> = d.extends.iter().map(|p| p.dotted()).collect();
                    format!("extends {}", names.join(", "))
                }),
                kind: if matches!(item, Item::Scenario(_)) {
                    SymbolKind::Scenario
                } else {
                    SymbolKind::Fragment
                },
                span: (d.span.start, d.span.end),
                selection: (d.name.span.start, d.name.span.end),
                children: entries(src, &d.body),
            },
            Item::Check(c) => Symbol {
                name: c.name.node.to_string(),
                detail: match &c.body {
                    CheckDef::Composite(parts) => {
                        let names: Vec<String> = parts.iter().map(|p| p.dotted()).collect();
                        Some(format!("= {}", names.join(", ")))
                    }
                    CheckDef::Body(_) => c.description.as_ref().map(|d| d.node.clone()),
                },
                kind: SymbolKind::Check,
                span: (c.span.start, c.span.end),
                selection: (c.name.span.start, c.name.span.end),
                children: Vec::new(),
            },
            Item::Hook(h) => Symbol {
                name: h.name.node.to_string(),
                detail: None,
                kind: SymbolKind::Hook,
                span: (h.span.start, h.span.end),
                selection: (h.name.span.start, h.name.span.end),
                children: entries(src, &h.body),
            },
        })
        .collect()
}

/// The entries of a top-level item's block. Nested blocks (`vm "x" { … }`) are sections
/// without children: an outline of thousands of scenarios stays small.
fn entries(src: &str, block: &Block) -> Vec<Symbol> {
    block
        .entries
        .iter()
        .map(|e| {
            let args: Vec<&str> = e
                .flat_args()
                .map(|a| {
                    let s = a.span();
                    src.get(s.start..s.end).unwrap_or("")
                })
                .collect();
            let first = e.flat_args().next().and_then(|a| match a {
                Arg::Value(v) => src.get(v.span.start..v.span.end),
                Arg::Op(_) => None,
            });
            let (kind, children) = match &e.body {
                Some(EntryBody::Block(_)) => (SymbolKind::Section, Vec::new()),
                _ => (SymbolKind::Entry, Vec::new()),
            };
            let name = match (e.key.node.as_str(), first) {
                ("vm" | "plan" | "hook", Some(f)) => {
                    format!("{} {}", e.key.node, f.trim_matches('"'))
                }
                _ => e.key.node.to_string(),
            };
            let detail = args.join(" ");
            Symbol {
                name,
                detail: (!detail.is_empty() && kind == SymbolKind::Entry)
                    .then(|| truncate(&detail, 60)),
                kind,
                span: (e.span.start, e.span.end),
                selection: (e.key.span.start, e.key.span.end),
                children,
            }
        })
        .collect()
}

fn truncate(s: &str, max: usize) -> String {
    let one_line = s.split(['\n', '\r']).next().unwrap_or("");
    if one_line.chars().count() <= max && one_line.len() == s.len() {
        return s.to_string();
    }
    let cut: String = one_line.chars().take(max).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(src: &str) -> Vec<Symbol> {
        let parsed = mtvt_lang::syntax::parse_document(mtvt_lang::span::FileId(0), src);
        super::symbols(src, &parsed.file)
    }

    #[test]
    fn outline_of_a_scenario_file() {
        let src = "use std/checks\n\nscenario s extends f {\n  vm \"x\" { guest_agent true }\n  plan { warm true }\n  expect { migration succeeds }\n}\n\ncheck c \"describes\" { skip \"y\" }\n";
        let s = symbols(src);
        let names: Vec<&str> = s.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["use std/checks", "s", "c"]);
        assert_eq!(s[1].detail.as_deref(), Some("extends f"));
        let kids: Vec<&str> = s[1].children.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(kids, ["vm x", "plan", "expect"]);
        assert_eq!(s[1].children[0].kind, SymbolKind::Section);
        assert!(s[1].children[0].children.is_empty());
        let session = symbols("session {\n  plan_wait_timeout 2h\n}\n");
        assert_eq!(session[0].children[0].detail.as_deref(), Some("2h"));
        assert_eq!(s[2].detail.as_deref(), Some("describes"));
        // Unparsable text still has an outline.
        let broken = symbols("check a { skip \"x\" }\nscenario s {\n  vm \"x\" {\n");
        let names: Vec<&str> = broken.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["a", "s"]);
    }
}
