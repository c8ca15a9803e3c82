//! Hover: the documentation of the word under the cursor — a block key, an enum value,
//! a model field (`dest.cpu.cores`), a model root, a builtin, a local variable, a
//! statement keyword, or a check / hook / fragment reference (its description and
//! where it is defined, stdlib included).

use mtvt_lang::models;
use mtvt_lang::query::{Analysis, CheckTypes, Cursor, ExprAt, Frame, expr_at, locals_at};
use mtvt_lang::resolve::DefKind;
use mtvt_lang::schema::builtins::{BUILTINS, COMPREHENSIONS};
use mtvt_lang::schema::enums::EnumId;
use mtvt_lang::schema::keys::{BlockKind, Shape, ValueShape};
use mtvt_lang::schema::types::Type;
use mtvt_lang::syntax::tokens::{Token, TokenKind};

use crate::markdown;

/// What to show, and for which byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct HoverText {
    /// Markdown.
    pub markdown: String,
    /// Start of the hovered word.
    pub start: usize,
    /// Its end.
    pub end: usize,
}

/// The parser's token under `offset` (a word ending at `offset` counts).
pub fn token_at(all: &[Token], offset: usize) -> Option<Token> {
    let i = all.partition_point(|t| t.end <= offset);
    all.get(i)
        .filter(|t| t.start <= offset)
        .or_else(|| {
            i.checked_sub(1)
                .and_then(|j| all.get(j))
                .filter(|t| t.end == offset && t.kind == TokenKind::Word)
        })
        .copied()
}

/// The dotted reference around a word (`hooks.succeed` from either part).
pub fn dotted_at(src: &str, all: &[Token], word: Token) -> (String, usize, usize) {
    let idx = all.iter().position(|t| *t == word).unwrap_or(0);
    let mut start = idx;
    while start >= 2 {
        let (Some(dot), Some(w)) = (all.get(start - 1), all.get(start - 2)) else {
            break;
        };
        if dot.is_punct(src, ".") && w.kind == TokenKind::Word && w.end == dot.start {
            start -= 2;
        } else {
            break;
        }
    }
    let mut end = idx;
    while let (Some(dot), Some(w)) = (all.get(end + 1), all.get(end + 2)) {
        if dot.is_punct(src, ".") && w.kind == TokenKind::Word && dot.end == w.start {
            end += 2;
        } else {
            break;
        }
    }
    let s = all.get(start).map_or(word.start, |t| t.start);
    let e = all.get(end).map_or(word.end, |t| t.end);
    (src.get(s..e).unwrap_or("").to_string(), s, e)
}

/// Hover text for `offset` of the document.
pub fn hover(analysis: &Analysis, offset: usize) -> Option<HoverText> {
    let tokens = &analysis.parsed.tokens;
    let tok = token_at(tokens, offset)?;
    if tok.kind != TokenKind::Word {
        return None;
    }
    let c = analysis.cursor(tok.start);
    let word = tok.text(c.text);
    let text = if c.in_check() {
        in_check(&c, word, offset)
    } else {
        match c.frame() {
            Frame::Top => top_level(&c, analysis, tok),
            Frame::Block(kind) => in_block(&c, kind, analysis, tok),
            Frame::Object {
                provider_names: true,
            } if c.words.is_empty() => EnumId::ProviderType
                .contains(word)
                .then(|| markdown::enum_value(EnumId::ProviderType, word)),
            _ => None,
        }
    }?;
    Some(HoverText {
        markdown: text,
        start: tok.start,
        end: tok.end,
    })
}

/// The definition a reference around `tok` resolves to, as Markdown.
fn reference(analysis: &Analysis, tok: Token, kind: DefKind) -> Option<String> {
    let (name, _, _) = dotted_at(&analysis.text, &analysis.parsed.tokens, tok);
    analysis
        .resolve(&name, kind)
        .map(|d| markdown::definition(&d))
}

fn top_level(c: &Cursor<'_>, analysis: &Analysis, tok: Token) -> Option<String> {
    let word = tok.text(c.text);
    let texts = c.word_texts();
    match texts.first().copied() {
        None => markdown::keyword(word).map(str::to_string),
        Some("scenario" | "fragment") if texts.contains(&"extends") => {
            reference(analysis, tok, DefKind::Fragment)
        }
        Some("scenario" | "fragment") if word == "extends" => {
            markdown::keyword(word).map(str::to_string)
        }
        Some("check") if texts.contains(&"=") => reference(analysis, tok, DefKind::Check),
        Some("use") => analysis
            .imports()
            .into_iter()
            .find(|m| m.target.start <= tok.start && tok.end <= m.target.end)
            .map(|m| {
                let names: Vec<String> = m
                    .defs
                    .iter()
                    .map(|(k, n)| format!("{} `{n}`", k.word()))
                    .collect();
                format!(
                    "**`use {}`** (as `{}`)\n\n{}",
                    m.written,
                    m.alias,
                    names.join(" · ")
                )
            }),
        _ => None,
    }
}

fn in_block(c: &Cursor<'_>, kind: BlockKind, analysis: &Analysis, tok: Token) -> Option<String> {
    let word = tok.text(c.text);
    let texts = c.word_texts();
    let Some((key, rest)) = texts.split_first() else {
        return kind.key(word).map(|k| markdown::key(kind, k));
    };
    let value_enum = |e: EnumId| e.contains(word).then(|| markdown::enum_value(e, word));
    match (kind, *key, rest) {
        (_, "requires", []) => Some(format!(
            "**`requires {word}`**\n\n`{}`",
            mtvt_lang::schema::keys::REQUIRES_USAGE
        )),
        (_, "requires", ["provider", ..]) => value_enum(EnumId::ProviderType),
        (BlockKind::Scenario | BlockKind::Plan, "hook", []) => value_enum(EnumId::HookStep),
        (BlockKind::Scenario | BlockKind::Plan, "hook", [_, "=", ..]) => {
            reference(analysis, tok, DefKind::Hook)
        }
        (BlockKind::Expect, "migration", [] | ["fails"]) => Some(format!(
            "**`migration {}`**\n\n`{}`",
            rest.iter()
                .chain([&word])
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            mtvt_lang::schema::keys::MIGRATION_USAGE
        )),
        (BlockKind::Expect, "migration", ["fails", "at"]) => value_enum(EnumId::PipelineStep),
        (BlockKind::Expect, "plan", [] | ["not"] | ["not", "ready", _]) => Some(format!(
            "**`plan {}`**\n\n`{}`",
            rest.iter()
                .chain([&word])
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            mtvt_lang::schema::keys::PLAN_OUTCOME_USAGE
        )),
        (BlockKind::Expect, "plan", ["not", "ready", _, "category"]) => {
            value_enum(EnumId::ConditionCategory)
        }
        (BlockKind::Expect, "check", _) => reference(analysis, tok, DefKind::Check),
        _ => match kind.key(key).map(|k| k.shape) {
            Some(Shape::Value(ValueShape::Enum(e))) => value_enum(e),
            Some(Shape::Value(ValueShape::Datastore)) => value_enum(EnumId::Datastore),
            _ => None,
        },
    }
}

fn in_check(c: &Cursor<'_>, word: &str, offset: usize) -> Option<String> {
    let decl = c.check?;
    let types = CheckTypes::of(c.text, decl);
    let at = expr_at(decl, &types, offset);
    if let Some(ExprAt::Field { owner, .. }) = &at {
        let Type::Model(id) = owner.unwrap_optional() else {
            return None;
        };
        return models::field(*id, word)
            .map(|f| markdown::field(*id, f))
            .or_else(|| mtvt_lang::schema::methods::method(*id, word).map(markdown::method));
    }
    if c.words.is_empty()
        && let Some(k) = markdown::keyword(word)
    {
        return Some(k.to_string());
    }
    if let Some((_, t)) = locals_at(decl, &types, offset)
        .into_iter()
        .rev()
        .find(|(n, _)| n == word)
    {
        return Some(format!("**`{word}`**: `{t}` (local)"));
    }
    if let Some(r) = markdown::root(word) {
        return Some(r);
    }
    if let Some(b) = BUILTINS
        .iter()
        .chain(COMPREHENSIONS)
        .find(|b| b.name == word)
    {
        return Some(markdown::builtin(b));
    }
    // An enum value, typed by the other side of a comparison when there is one.
    if let Some(ExprAt::Compared(t)) = &at
        && let Type::Enum(e) = t.unwrap_optional()
        && e.contains(word)
    {
        return Some(markdown::enum_value(*e, word));
    }
    let enums = markdown::enums_of(word);
    match enums.as_slice() {
        [] => None,
        [one] => Some(markdown::enum_value(*one, word)),
        many => {
            let names: Vec<String> = many.iter().map(|e| format!("`{}`", e.name())).collect();
            Some(format!("**`{word}`**: a value of {}", names.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_lang::{Overlay, Stdlib};

    fn hover_at(src: &str) -> Option<String> {
        let offset = src.find('|').unwrap();
        let text = src.replace('|', "");
        let analysis = Analysis::new("h.mtvt", &text, None, &Stdlib::default(), Overlay::new());
        hover(&analysis, offset).map(|h| h.markdown)
    }

    #[test]
    fn keys_values_fields_and_references() {
        let h = hover_at("scenario s {\n  plan { wa|rm true }\n}").unwrap();
        assert!(
            h.contains("**`warm`**") && h.contains("Warm migration"),
            "{h}"
        );
        let h =
            hover_at("scenario s { vm \"x\" { add_disk { provisioning th|ick-lazy } } }").unwrap();
        assert!(h.contains("a value of `provisioning`"), "{h}");
        let h = hover_at("check c {\n  assert dest.cpu.co|res == 1\n}").unwrap();
        assert!(h.contains("`Cpu.cores`**: `int`"), "{h}");
        let h = hover_at("check c {\n  for n in source.nics { assert n.m|ac != \"\" }\n}").unwrap();
        assert!(h.contains("`SourceNic.mac`"), "{h}");
        let h = hover_at("check c {\n  assert dest.power == o|n\n}").unwrap();
        assert!(h.contains("a value of `power`"), "{h}");
        let h = hover_at("check c {\n  assert guest.r|un(\"x\").exit == 0\n}").unwrap();
        assert!(h.contains("guest.run(command: string) -> GuestRun"), "{h}");
        let h = hover_at("check c {\n  assert guest.run(\"x\").st|dout != \"\"\n}").unwrap();
        assert!(h.contains("`GuestRun.stdout`**: `string`"), "{h}");
        let h = hover_at("check c {\n  assert le|n(dest.disks) > 0\n}").unwrap();
        assert!(h.contains("len(list | map | string) -> int"), "{h}");
        let h = hover_at("use std/checks\nscenario s {\n  expect { check stand|ard }\n}").unwrap();
        assert!(
            h.contains("check `standard`") && h.contains("use std/checks"),
            "{h}"
        );
        let h = hover_at("use std/hooks\nscenario s {\n  hook pre = hooks.succ|eed\n}").unwrap();
        assert!(h.contains("hook `succeed`"), "{h}");
        let h = hover_at("scenario s { expect { migration fails at PostH|ook } }").unwrap();
        assert!(h.contains("pipeline_step"), "{h}");
        assert!(hover_at("scenario s { # wa|rm\n}").is_none());
        assert!(hover_at("scenario s { vm \"wa|rm\" }").is_none());
    }
}
