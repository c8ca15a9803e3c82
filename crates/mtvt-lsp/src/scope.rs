//! What a document can refer to: its own definitions and those of the modules it imports
//! with `use` — stdlib modules, and relative files read from open documents first, then
//! from disk (as the checker does) — and the resolution of a reference (`standard`,
//! `hooks.succeed`) to its definition. Used by completion, hover and go-to-definition.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mtvt_lang::{Overlay, Stdlib};

use crate::defs::{Def, DefKind, UseRef, definitions, uses};

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
