//! The queries on real and half-written documents (`|` marks the offset).

use super::*;
use crate::models::ModelId;
use crate::resolve::{DefKind, Overlay, Stdlib};
use crate::schema::keys::BlockKind;
use crate::schema::types::Type;

fn analysis(src: &str) -> (Analysis, usize) {
    let offset = src.find('|').unwrap();
    let text = src.replace('|', "");
    let a = Analysis::new("doc.mtvt", &text, None, &Stdlib::default(), Overlay::new());
    (a, offset)
}

fn at(src: &str) -> (Vec<Frame>, Vec<String>, String) {
    let (a, offset) = analysis(src);
    let c = a.cursor(offset);
    let words = c.word_texts().iter().map(|s| s.to_string()).collect();
    (c.frames.clone(), words, c.word_text().to_string())
}

#[test]
fn frames_and_words_in_complete_and_half_written_text() {
    let (f, w, word) = at("scenario s {\n  plan {\n    war|\n");
    assert_eq!(
        f,
        [
            Frame::Top,
            Frame::Block(BlockKind::Scenario),
            Frame::Block(BlockKind::Plan)
        ]
    );
    assert!(w.is_empty());
    assert_eq!(word, "war");
    let (f, w, _) = at("scenario s { vm \"x\" { add_disk { provisioning |");
    assert_eq!(f.last(), Some(&Frame::Block(BlockKind::AddDisk)));
    assert_eq!(w, ["provisioning"]);
    let (f, w, _) = at("scenario s {\n  expect {\n    check standard,\n      cp|");
    assert_eq!(f.last(), Some(&Frame::Block(BlockKind::Expect)));
    assert_eq!(w, ["check", "standard", ","]);
    let (f, w, _) = at("scenario s { vm \"x\" { sour| } }");
    assert_eq!(f.last(), Some(&Frame::Block(BlockKind::Vm)));
    assert!(w.is_empty());
    let (f, w, _) = at("scenario s {\n  expect { check |");
    assert_eq!(f.last(), Some(&Frame::Block(BlockKind::Expect)));
    assert_eq!(w, ["check"]);
    let (f, w, _) = at("check c {\n  when x {\n    assert len(dest.|");
    assert_eq!(f, [Frame::Top, Frame::CheckBody, Frame::CheckBody]);
    assert_eq!(w, ["assert", "len", "(", "dest", "."]);
    let (f, _, _) = at("scenario s { vm \"x\" { name_for { | } } }");
    assert_eq!(
        f.last(),
        Some(&Frame::Object {
            provider_names: true
        })
    );
    // A closed body is its braces; the statement goes on.
    let (_, w, _) = at("check c {\n  when a { skip \"x\" } el|");
    assert_eq!(w, ["when", "a", "{", "}"]);
    // After a complete item, the top level again.
    let (f, w, _) = at("scenario s { }\n|");
    assert_eq!((f, w.len()), (vec![Frame::Top], 0));
    let (f, w, _) = at("scenario s extends |");
    assert_eq!(f, [Frame::Top]);
    assert_eq!(w, ["scenario", "s", "extends"]);
}

#[test]
fn strings_and_comments() {
    let (a, _) = analysis("scenario s { vm \"mtv-|");
    let c = a.cursor(a.text.len());
    assert!(c.string.is_some());
    assert_eq!(c.word_texts(), ["vm"]);
    let (a, o) = analysis("scenario s { # pl|an\n}");
    assert!(a.cursor(o).in_comment);
    let (a, o) = analysis("scenario s { vm \"x\" | }");
    assert!(a.cursor(o).string.is_none());
}

fn expr(src: &str) -> (Option<ExprAt>, Vec<(String, Type)>) {
    let (a, offset) = analysis(src);
    let c = a.cursor(offset);
    let decl = c.check.expect("in a check");
    let types = CheckTypes::of(&a.text, decl);
    (
        expr_at(decl, &types, offset),
        locals_at(decl, &types, offset),
    )
}

#[test]
fn types_come_from_the_checker() {
    let owner = |src: &str| match expr(src).0 {
        Some(ExprAt::Field { owner, .. }) => Some(owner),
        _ => None,
    };
    assert_eq!(
        owner("check c {\n  assert dest.|"),
        Some(Type::Model(ModelId::DestVm))
    );
    assert_eq!(
        owner("check c {\n  assert dest.cpu.co|res == 1\n}"),
        Some(Type::Model(ModelId::Cpu))
    );
    assert_eq!(
        owner("check c {\n  for n in source.nics {\n    assert n.|"),
        Some(Type::Model(ModelId::SourceNic))
    );
    assert_eq!(
        owner("check c {\n  let m = find(n in dest.nics: n.mac == \"x\")\n  assert m.|"),
        Some(Type::Model(ModelId::DestNic).optional())
    );
    assert_eq!(
        owner("check c {\n  assert all(d in dest.disks: d.|"),
        Some(Type::Model(ModelId::DestDisk))
    );
    assert_eq!(
        owner("check c {\n  assert dest.disks[0].|"),
        Some(Type::Model(ModelId::DestDisk))
    );
    let (at, _) = expr("check c {\n  assert dest.power == |\n}");
    assert!(
        matches!(at, Some(ExprAt::Compared(Type::Enum(_)))),
        "{at:?}"
    );
    let (_, locals) = expr("check c {\n  let x = dest.cpu\n  for d in dest.disks {\n    assert |");
    let names: Vec<&str> = locals.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x", "d"]);
    assert_eq!(locals[0].1, Type::Model(ModelId::Cpu));
}

#[test]
fn references_resolve_as_the_checker_resolves_them() {
    let (a, _) = analysis("use std/checks\nuse std/hooks as h\ncheck mine { skip \"x\" }\n|");
    let d = a.resolve("standard", DefKind::Check).unwrap();
    let m = d.module.as_ref().unwrap();
    assert_eq!(
        (m.written.as_str(), m.alias.as_str()),
        ("std/checks", "checks")
    );
    assert_eq!(&m.text[d.span.start..d.span.end], "standard");
    assert!(
        d.summary
            .unwrap()
            .starts_with("all of `source_powered_off`")
    );
    assert!(a.resolve("h.fail", DefKind::Hook).is_some());
    assert!(a.resolve("hooks.fail", DefKind::Hook).is_none());
    assert!(a.resolve("mine", DefKind::Check).unwrap().module.is_none());
    let visible: Vec<String> = a
        .visible(DefKind::Check)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(visible.contains(&"mine".into()) && visible.contains(&"checks.cpu".into()));
    let imports = a.imports();
    assert_eq!(imports.len(), 2);
    assert!(
        imports[1]
            .defs
            .iter()
            .any(|(k, n)| *k == DefKind::Hook && n == "fail")
    );
    // A document that does not parse still resolves what it could read.
    let (a, _) = analysis("use std/checks\nscenario s {\n  expect { check |");
    assert!(a.resolve("standard", DefKind::Check).is_some());
}
