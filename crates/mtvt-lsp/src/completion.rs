//! Completion by context: top-level keywords and `use` targets; the keys of the block
//! the cursor is in; the values a key takes (enumerations, booleans, datastores,
//! `requires` forms, hook steps and hook names, migration outcomes and pipeline steps,
//! check names, fragment names after `extends`); source VM names inside `vm "…"`;
//! in check bodies statement keywords, model roots, locals, builtins, the fields of
//! whatever precedes a `.` and the enum values a comparison expects.

use std::collections::BTreeSet;
use std::path::Path;

use mtvt_lang::Stdlib;
use mtvt_lang::models::{self, ROOTS};
use mtvt_lang::query::{Analysis, CheckTypes, Cursor, ExprAt, Frame, expr_at, locals_at};
use mtvt_lang::resolve::DefKind;
use mtvt_lang::schema::builtins::{BUILTINS, COMPREHENSIONS};
use mtvt_lang::schema::enums::EnumId;
use mtvt_lang::schema::keys::{BlockKind, Shape, ValueShape};
use mtvt_lang::schema::methods;
use mtvt_lang::schema::types::Type;
use mtvt_lang::syntax::tokens::TokenKind;

use crate::markdown;

/// What an item is (mapped to LSP completion kinds by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A language keyword.
    Keyword,
    /// A block key.
    Key,
    /// An enumeration value or literal.
    Value,
    /// A model field.
    Field,
    /// A model root or local variable.
    Variable,
    /// A builtin function.
    Function,
    /// A check, hook or fragment reference.
    Reference,
    /// A module or file.
    Module,
}

/// One completion.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Shown and filtered on.
    pub label: String,
    /// What it is.
    pub kind: ItemKind,
    /// One-line detail (a type, a signature …).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub doc: Option<String>,
    /// Text inserted instead of the label.
    pub insert: Option<String>,
}

impl Item {
    fn new(label: impl Into<String>, kind: ItemKind) -> Self {
        Item {
            label: label.into(),
            kind,
            detail: None,
            doc: None,
            insert: None,
        }
    }

    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    fn doc(mut self, d: impl Into<String>) -> Self {
        self.doc = Some(d.into());
        self
    }

    fn insert(mut self, i: impl Into<String>) -> Self {
        self.insert = Some(i.into());
        self
    }
}

/// What completion needs besides the offset.
pub struct Env<'a> {
    /// The document, its imports and names.
    pub analysis: &'a Analysis,
    /// The document's folder (for `use "…"` files).
    pub dir: Option<&'a Path>,
    /// Stdlib modules.
    pub stdlib: &'a Stdlib,
    /// Source VM names: `(name, where it comes from)`.
    pub vm_names: &'a [(String, String)],
}

/// Completions at `offset`, and the byte range they replace.
pub fn complete(offset: usize, env: &Env<'_>) -> (Vec<Item>, usize, usize) {
    let c = env.analysis.cursor(offset);
    let (start, end) = match (c.word, c.string) {
        (Some(w), _) => (w.start, offset),
        (None, Some(s)) => (s.start + 1, offset),
        _ => (offset, offset),
    };
    if c.in_comment {
        return (Vec::new(), start, end);
    }
    if let Some(s) = c.string {
        return (in_string(&c, s.kind, env), start, end);
    }
    let items = if c.in_check() {
        in_check(&c)
    } else {
        match c.frame() {
            Frame::Top => top_level(&c, env),
            Frame::Block(kind) => in_block(&c, kind, env),
            Frame::Object { .. } if c.words.is_empty() && c.forklift.is_some() => {
                forklift_fields(&c)
            }
            Frame::Object {
                provider_names: true,
            } if c.words.is_empty() => EnumId::ProviderType
                .values()
                .iter()
                .map(|v| Item::new(*v, ItemKind::Value).insert(format!("{v}: ")))
                .collect(),
            _ => Vec::new(),
        }
    };
    (items, start, end)
}

/// Field names of the Forklift object being written, from the CRD's schema (fields mtvt
/// sets itself left out).
fn forklift_fields(c: &Cursor<'_>) -> Vec<Item> {
    let Some((target, path)) = &c.forklift else {
        return Vec::new();
    };
    target
        .fields_at(path)
        .into_iter()
        .map(|(name, ty)| {
            let insert = format!("{name}: ");
            Item::new(name, ItemKind::Field)
                .detail(format!("{} {} · {ty}", target.kind(), target.field()))
                .insert(insert)
        })
        .collect()
}

fn in_string(c: &Cursor<'_>, kind: TokenKind, env: &Env<'_>) -> Vec<Item> {
    if kind != TokenKind::Str {
        return Vec::new();
    }
    match (c.frame(), c.word_texts().as_slice()) {
        (Frame::Block(BlockKind::Scenario | BlockKind::Plan), ["vm"]) => vm_names(env, false),
        (Frame::Top, ["use"]) => mtvt_files(env.dir)
            .into_iter()
            .map(|f| Item::new(format!("./{f}"), ItemKind::Module))
            .collect(),
        _ => Vec::new(),
    }
}

fn vm_names(env: &Env<'_>, quoted: bool) -> Vec<Item> {
    let mut seen = BTreeSet::new();
    env.vm_names
        .iter()
        .filter(|(n, _)| seen.insert(n.clone()))
        .map(|(n, from)| {
            let item = Item::new(n.clone(), ItemKind::Value).detail(from.clone());
            if quoted {
                item.insert(format!("\"{n}\""))
            } else {
                item
            }
        })
        .collect()
}

/// `.mtvt` files of a folder, sorted.
fn mtvt_files(dir: Option<&Path>) -> Vec<String> {
    let Some(dir) = dir else { return Vec::new() };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.ends_with(".mtvt"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn top_level(c: &Cursor<'_>, env: &Env<'_>) -> Vec<Item> {
    let texts = c.word_texts();
    let last = texts.last().copied();
    match texts.first().copied() {
        None => ["use", "scenario", "fragment", "check", "hook", "session"]
            .iter()
            .map(|k| {
                let item = Item::new(*k, ItemKind::Keyword);
                match markdown::keyword(k) {
                    Some(d) => item.doc(d),
                    None => item,
                }
            })
            .collect(),
        Some("use") if texts.len() == 1 => {
            let mut items: Vec<Item> = env
                .stdlib
                .available()
                .into_iter()
                .map(|m| Item::new(m, ItemKind::Module))
                .collect();
            items.extend(
                mtvt_files(env.dir)
                    .into_iter()
                    .map(|f| Item::new(format!("\"./{f}\""), ItemKind::Module)),
            );
            items
        }
        Some("scenario" | "fragment") if matches!(last, Some("extends" | ",")) => {
            references(env.analysis, DefKind::Fragment)
        }
        Some("scenario" | "fragment") if texts.len() == 2 => {
            vec![Item::new("extends", ItemKind::Keyword)]
        }
        Some("check") if matches!(last, Some("=" | ",")) => {
            references(env.analysis, DefKind::Check)
        }
        _ => Vec::new(),
    }
}

fn references(analysis: &Analysis, kind: DefKind) -> Vec<Item> {
    analysis
        .visible(kind)
        .into_iter()
        .map(|(name, d)| {
            Item::new(name, ItemKind::Reference)
                .detail(format!("{} {}", kind.word(), d.name))
                .doc(markdown::definition(&d))
        })
        .collect()
}

fn values(values: &[&str]) -> Vec<Item> {
    values
        .iter()
        .map(|v| Item::new(*v, ItemKind::Value))
        .collect()
}

fn enum_items(e: EnumId) -> Vec<Item> {
    e.values()
        .iter()
        .map(|v| Item::new(*v, ItemKind::Value).detail(e.name()))
        .collect()
}

fn in_block(c: &Cursor<'_>, kind: BlockKind, env: &Env<'_>) -> Vec<Item> {
    let texts = c.word_texts();
    let Some((key, rest)) = texts.split_first() else {
        return kind
            .keys()
            .iter()
            .map(|k| {
                Item::new(k.name, ItemKind::Key)
                    .detail(markdown::key_type(k))
                    .doc(markdown::key(kind, k))
            })
            .collect();
    };
    let last = rest.last().copied();
    match (kind, *key, rest) {
        (_, "requires", []) => values(&["provider", "mtv", "remote_cluster", "copyoffload"]),
        (_, "requires", ["provider", ..]) if rest.len() == 1 || last == Some(",") => {
            enum_items(EnumId::ProviderType)
        }
        (_, "requires", ["mtv"]) => values(&[">=", ">", "<=", "<", "==", "!="]),
        (BlockKind::Scenario | BlockKind::Plan, "hook", []) => enum_items(EnumId::HookStep),
        (BlockKind::Scenario | BlockKind::Plan, "hook", [_, "="]) => {
            references(env.analysis, DefKind::Hook)
        }
        (BlockKind::Scenario | BlockKind::Plan, "vm", []) => vm_names(env, true),
        (BlockKind::Expect, "migration", []) => values(&["succeeds", "fails"]),
        (BlockKind::Expect, "migration", ["fails"]) => values(&["at"]),
        (BlockKind::Expect, "migration", ["fails", "at"]) => enum_items(EnumId::PipelineStep),
        (BlockKind::Expect, "migration", ["fails", "at", _]) => values(&["with"]),
        (BlockKind::Expect, "plan", []) => values(&["ready", "not"]),
        (BlockKind::Then, "delete", []) => values(&["plan", "vms"]),
        (BlockKind::Then, "migrate", []) => values(&["resume_conversion"]),
        (BlockKind::Then, "wait", []) => values(&["plan"]),
        (BlockKind::Then, "cancel", []) => values(&["at"]),
        (BlockKind::Then, "cancel", ["at"]) => enum_items(EnumId::PipelineStep),
        (BlockKind::Expect, "plan", ["not"]) => values(&["ready"]),
        (BlockKind::Expect, "plan", ["not", "ready", _]) => values(&["category"]),
        (BlockKind::Expect, "plan", ["not", "ready", _, "category"]) => {
            enum_items(EnumId::ConditionCategory)
        }
        (BlockKind::Expect, "check", _) if rest.is_empty() || last == Some(",") => {
            references(env.analysis, DefKind::Check)
        }
        _ if !rest.is_empty() => Vec::new(),
        _ => match kind.key(key).map(|k| k.shape) {
            Some(Shape::Value(ValueShape::Enum(e))) => enum_items(e),
            Some(Shape::Value(ValueShape::Bool)) => values(&["true", "false"]),
            Some(Shape::Value(ValueShape::Datastore)) => enum_items(EnumId::Datastore),
            _ => Vec::new(),
        },
    }
}

fn in_check(c: &Cursor<'_>) -> Vec<Item> {
    let Some(decl) = c.check else {
        return Vec::new();
    };
    let types = CheckTypes::of(c.text, decl);
    match expr_at(decl, &types, c.offset) {
        // Fields of what precedes the `.`.
        Some(ExprAt::Field { owner, .. }) => {
            let Type::Model(id) = owner.unwrap_optional() else {
                return Vec::new();
            };
            let fields = models::fields(*id).iter().map(|f| {
                Item::new(f.name, ItemKind::Field)
                    .detail(f.ty.to_string())
                    .doc(markdown::field(*id, f))
            });
            let methods = methods::methods_of(*id).map(|m| {
                Item::new(m.name, ItemKind::Function)
                    .detail(m.signature)
                    .doc(markdown::method(m))
            });
            return fields.chain(methods).collect();
        }
        // Enum values on the other side of a comparison.
        Some(ExprAt::Compared(t)) => {
            if let Type::Enum(e) = t.unwrap_optional() {
                let mut items = enum_items(*e);
                if t.is_optional() {
                    items.push(Item::new("none", ItemKind::Value));
                }
                return items;
            }
        }
        _ => {}
    }
    let texts = c.word_texts();
    // Statement keywords at the start of a statement (and `else` after a `when` body).
    if texts.is_empty() {
        return ["assert", "when", "for", "let", "skip"]
            .iter()
            .map(|k| {
                let item = Item::new(*k, ItemKind::Keyword);
                match markdown::keyword(k) {
                    Some(d) => item.doc(d),
                    None => item,
                }
            })
            .collect();
    }
    if texts.first() == Some(&"when") && texts.last() == Some(&"}") {
        return vec![Item::new("else", ItemKind::Keyword)];
    }
    // Names being declared get no completion.
    if matches!(texts.as_slice(), ["for"] | ["let"] | ["skip"]) {
        return Vec::new();
    }
    let mut items: Vec<Item> = ROOTS
        .iter()
        .map(|(n, id, doc)| {
            Item::new(*n, ItemKind::Variable)
                .detail(id.type_name())
                .doc(*doc)
        })
        .collect();
    let mut locals = locals_at(decl, &types, c.offset);
    locals.sort_by(|a, b| a.0.cmp(&b.0));
    items.extend(
        locals
            .into_iter()
            .map(|(n, t)| Item::new(n, ItemKind::Variable).detail(t.to_string())),
    );
    items.extend(BUILTINS.iter().chain(COMPREHENSIONS).map(|b| {
        Item::new(b.name, ItemKind::Function)
            .detail(b.signature)
            .doc(markdown::builtin(b))
    }));
    items.extend(values(&["true", "false", "none", "not"]));
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_lang::Overlay;

    fn labels_at(src: &str) -> Vec<String> {
        let offset = src.find('|').unwrap();
        let text = src.replace('|', "");
        let analysis = Analysis::new("c.mtvt", &text, None, &Stdlib::default(), Overlay::new());
        let vms = [(
            String::from("mtv-tests-rhel8"),
            String::from("scenarios/x.mtvt"),
        )];
        let env = Env {
            analysis: &analysis,
            dir: None,
            stdlib: &Stdlib::default(),
            vm_names: &vms,
        };
        complete(offset, &env)
            .0
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn keys_values_and_references() {
        let l = labels_at("scenario s {\n  plan {\n    w|\n  }\n}");
        assert!(
            l.contains(&"warm".into()) && l.contains(&"target_power_state".into()),
            "{l:?}"
        );
        assert!(!l.contains(&"source_power".into()));
        let l = labels_at("scenario s { vm \"x\" { source_power | } }");
        assert_eq!(l, ["on", "off"]);
        let l = labels_at("scenario s { expect { migration fails at | } }");
        assert!(l.contains(&"PostHook".into()));
        let l = labels_at("scenario s { expect { migration fails at PostHook | } }");
        assert_eq!(l, ["with"]);
        let l = labels_at("scenario s { expect { plan | } }");
        assert_eq!(l, ["ready", "not"]);
        let l = labels_at("scenario s { then { delete | } }");
        assert_eq!(l, ["plan", "vms"]);
        let l = labels_at("scenario s { then { migrate; cancel at | } }");
        assert!(l.contains(&"DiskTransfer".into()), "{l:?}");
        let l = labels_at("scenario s { then { c| } }");
        assert!(l.contains(&"cancel".into()), "{l:?}");
        let l = labels_at("scenario s { then { a| } }");
        assert!(l.contains(&"archive".into()), "{l:?}");
        let l = labels_at("scenario s { expect { plan not ready VMNotFound category | } }");
        assert!(l.contains(&"Critical".into()), "{l:?}");
        let l = labels_at("use std/checks\nscenario s { expect { check standard, | } }");
        assert!(
            l.contains(&"cpu".into()) && l.contains(&"checks.cpu".into()),
            "{l:?}"
        );
        let l = labels_at("use std/hooks\nscenario s { hook post = | }");
        assert!(l.contains(&"hooks.fail".into()), "{l:?}");
        let l = labels_at("scenario s { vm \"mtv|\" }");
        assert_eq!(l, ["mtv-tests-rhel8"]);
        let l = labels_at("scenario s { requires provider vsphere, | }");
        assert!(l.contains(&"ovirt".into()));
        let l = labels_at("|");
        assert!(l.contains(&"scenario".into()));
        let l = labels_at("use |");
        assert!(l.contains(&"std/checks".into()));
        assert!(labels_at("scenario s { # |").is_empty());
    }

    #[test]
    fn forklift_fields_come_from_the_crd_schema() {
        let l = labels_at("scenario s {\n  plan {\n    forklift { | }\n  }\n}");
        assert!(
            l.contains(&"diskBus".into()) && l.contains(&"skipGuestConversion".into()),
            "{l:?}"
        );
        // Fields mtvt sets (first-class keys, derived ones) are not offered.
        assert!(
            !l.contains(&"migrateSharedDisks".into()) && !l.contains(&"vms".into()),
            "{l:?}"
        );
        let l = labels_at(
            "scenario s {\n  plan {\n    storage_map { forklift { destination: { | } } }\n  }\n}",
        );
        assert_eq!(l, ["accessMode", "volumeMode"]);
        let l = labels_at("scenario s {\n  vm \"x\" { forklift { root| } }\n}");
        assert!(l.contains(&"rootDisk".into()), "{l:?}");
    }

    #[test]
    fn check_bodies() {
        let l = labels_at("check c {\n  assert dest.|\n}");
        assert!(
            l.contains(&"cpu".into()) && l.contains(&"disks".into()),
            "{l:?}"
        );
        let l = labels_at("check c {\n  for n in dest.nics {\n    assert n.|");
        assert!(l.contains(&"mac".into()), "{l:?}");
        let l = labels_at("check c {\n  assert dest.power == |");
        assert_eq!(l, ["on", "off"]);
        let l = labels_at("check c {\n  |\n}");
        assert_eq!(l, ["assert", "when", "for", "let", "skip"]);
        let l = labels_at("check c {\n  assert guest.|\n}");
        assert!(
            l.contains(&"run".into()) && l.contains(&"file".into()) && l.contains(&"nics".into()),
            "{l:?}"
        );
        let l = labels_at("check c {\n  assert guest.run(\"x\").|\n}");
        assert!(
            l.contains(&"stdout".into()) && l.contains(&"exit".into()),
            "{l:?}"
        );
        let l = labels_at("check c {\n  let x = dest.cpu\n  assert |");
        assert!(l.contains(&"x".into()) && l.contains(&"len".into()) && l.contains(&"dest".into()));
    }

    /// Completion works on text that does not parse yet: what is being typed.
    #[test]
    fn while_typing() {
        let l = labels_at("scenario s {\n  vm \"x\" { sour|");
        assert!(l.contains(&"source_power".into()), "{l:?}");
        let l = labels_at("use std/checks\nscenario s {\n  expect { check |");
        assert!(l.contains(&"standard".into()), "{l:?}");
        let l = labels_at("check c {\n  assert dest.|");
        assert!(
            l.contains(&"cpu".into()) && !l.contains(&"dest".into()),
            "{l:?}"
        );
        let l = labels_at("check c {\n  for d in dest.disks {\n    assert d.|");
        assert!(l.contains(&"size".into()), "{l:?}");
        let l = labels_at("check c {\n  assert dest.power == |");
        assert_eq!(l, ["on", "off"]);
    }
}
