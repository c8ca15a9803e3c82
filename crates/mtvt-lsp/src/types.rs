//! Static types of the dotted paths written in check bodies (`dest.cpu.cores`,
//! `nic.mac` inside `for nic in source.nics`, `plan.network_map[x]`), computed from
//! tokens with the model field tables, for field completion and hover. Local variables
//! come from `for`, `let` and comprehensions earlier in the same check. This is an
//! editor approximation of the checker's typing, never used to accept or reject code.

use std::collections::HashMap;

use mtvt_lang::fmt::lexer::{Token, TokenKind};
use mtvt_lang::models;
use mtvt_lang::schema::types::Type;

/// Element type of a list (`optional<list<T>>` → `T`).
pub fn element(t: &Type) -> Type {
    match t.unwrap_optional() {
        Type::List(e) => (**e).clone(),
        _ => Type::Any,
    }
}

/// The type of `base.field`.
pub fn field_type(base: &Type, field: &str) -> Type {
    match base.unwrap_optional() {
        Type::Model(id) => models::field(*id, field).map_or(Type::Any, |f| f.ty.clone()),
        _ => Type::Any,
    }
}

/// The type of `base[index]`.
pub fn index_type(base: &Type) -> Type {
    match base.unwrap_optional() {
        Type::List(e) => (**e).clone(),
        Type::Map(v) => (**v).clone().optional(),
        _ => Type::Any,
    }
}

/// Local variables and their types, from the tokens of a check up to the cursor.
pub fn locals(src: &str, toks: &[Token]) -> HashMap<String, Type> {
    let sig: Vec<Token> = toks
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Comment))
        .copied()
        .collect();
    let text = |i: usize| sig.get(i).map_or("", |t| t.text(src));
    let mut vars: HashMap<String, Type> = HashMap::new();
    for i in 0..sig.len() {
        match text(i) {
            // for X in EXPR {
            "for" if sig.get(i + 1).is_some_and(|t| t.kind == TokenKind::Word) => {
                let end = find_from(&sig, src, i + 3, &["{"]);
                let ty = element(&expr_type(src, sig.get(i + 3..end).unwrap_or(&[]), &vars));
                vars.insert(text(i + 1).to_string(), ty);
            }
            // let X = EXPR (up to the end of the line)
            "let" if text(i + 2) == "=" => {
                let end = line_end(&sig, src, i + 3);
                let ty = expr_type(src, sig.get(i + 3..end).unwrap_or(&[]), &vars);
                vars.insert(text(i + 1).to_string(), ty);
            }
            // f(X in EXPR: …)
            "(" if text(i + 2) == "in"
                && sig.get(i + 1).is_some_and(|t| t.kind == TokenKind::Word) =>
            {
                let end = find_from(&sig, src, i + 3, &[":"]);
                let ty = element(&expr_type(src, sig.get(i + 3..end).unwrap_or(&[]), &vars));
                vars.insert(text(i + 1).to_string(), ty);
            }
            _ => {}
        }
    }
    vars
}

fn find_from(sig: &[Token], src: &str, from: usize, stops: &[&str]) -> usize {
    (from..sig.len())
        .find(|j| sig.get(*j).is_some_and(|t| stops.contains(&t.text(src))))
        .unwrap_or(sig.len())
}

fn line_end(sig: &[Token], src: &str, from: usize) -> usize {
    let mut depth = 0usize;
    for j in from..sig.len() {
        let Some(t) = sig.get(j) else { break };
        match (t.kind, t.text(src)) {
            (TokenKind::Punct, "(" | "[") => depth += 1,
            (TokenKind::Punct, ")" | "]") => depth = depth.saturating_sub(1),
            (TokenKind::Punct, ";" | "}" | "{") => return j,
            (TokenKind::Newline, _) if depth == 0 => return j,
            _ => {}
        }
    }
    sig.len()
}

/// The type of an expression written as tokens: a path (`root.field[i].field`), a
/// `find(x in path: …)` (optional element) or a parenthesised one; `Any` otherwise.
pub fn expr_type(src: &str, toks: &[Token], vars: &HashMap<String, Type>) -> Type {
    let toks: Vec<Token> = toks
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Newline | TokenKind::Comment))
        .copied()
        .collect();
    path_type(src, &toks, vars).unwrap_or(Type::Any)
}

/// The type of the path that ends the token list (`… dest.cpu` → `Cpu`), if the tokens
/// end with one.
pub fn trailing_path_type(src: &str, toks: &[Token], vars: &HashMap<String, Type>) -> Option<Type> {
    let start = path_start(src, toks)?;
    path_type(src, toks.get(start..)?, vars)
}

/// Index of the first token of the path that ends `toks`.
fn path_start(src: &str, toks: &[Token]) -> Option<usize> {
    let mut i = toks.len();
    loop {
        let t = toks.get(i.checked_sub(1)?)?;
        match (t.kind, t.text(src)) {
            (TokenKind::Word, _) => i -= 1,
            (TokenKind::Punct, "]" | ")") => {
                let open = if t.text(src) == "]" { "[" } else { "(" };
                i = matching_open(src, toks, i - 1, open)?;
                if open == "(" {
                    // A call: the function name belongs to the path.
                    let f = toks.get(i.checked_sub(1)?)?;
                    if f.kind != TokenKind::Word {
                        return None;
                    }
                    i -= 1;
                    return Some(i);
                }
                continue;
            }
            _ => return None,
        }
        match i.checked_sub(1).and_then(|j| toks.get(j)) {
            Some(d) if d.kind == TokenKind::Punct && d.text(src) == "." => i -= 1,
            _ => return Some(i),
        }
    }
}

fn matching_open(src: &str, toks: &[Token], close: usize, open: &str) -> Option<usize> {
    let closer = if open == "[" { "]" } else { ")" };
    let mut depth = 0usize;
    for j in (0..=close).rev() {
        let t = toks.get(j)?;
        if t.kind != TokenKind::Punct {
            continue;
        }
        let x = t.text(src);
        if x == closer {
            depth += 1;
        } else if x == open {
            depth -= 1;
            if depth == 0 {
                return Some(j);
            }
        }
    }
    None
}

/// The type of a whole path.
fn path_type(src: &str, toks: &[Token], vars: &HashMap<String, Type>) -> Option<Type> {
    let first = toks.first()?;
    if first.kind != TokenKind::Word {
        return None;
    }
    let name = first.text(src);
    let mut i = 1;
    let mut ty = if toks.get(1).is_some_and(|t| t.text(src) == "(") {
        let close = matching_close(src, toks, 1)?;
        i = close + 1;
        call_type(src, name, toks.get(2..close).unwrap_or(&[]), vars)
    } else if let Some(t) = vars.get(name) {
        t.clone()
    } else {
        Type::Model(models::root(name)?)
    };
    while let Some(t) = toks.get(i) {
        match t.text(src) {
            "." => {
                let f = toks.get(i + 1)?;
                ty = field_type(&ty, f.text(src));
                i += 2;
            }
            "[" => {
                let close = matching_close(src, toks, i)?;
                ty = index_type(&ty);
                i = close + 1;
            }
            _ => return None,
        }
    }
    Some(ty)
}

fn matching_close(src: &str, toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        if t.kind != TokenKind::Punct {
            continue;
        }
        match t.text(src) {
            "(" | "[" => depth += 1,
            ")" | "]" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn call_type(src: &str, func: &str, args: &[Token], vars: &HashMap<String, Type>) -> Type {
    match func {
        "find" => {
            let colon = args
                .iter()
                .position(|t| t.text(src) == ":")
                .unwrap_or(args.len());
            let iter = args.get(2..colon).unwrap_or(&[]);
            element(&expr_type(src, iter, vars)).optional()
        }
        "keys" => Type::List(Box::new(Type::String)),
        "len" | "count" => Type::Int,
        "all" | "any" | "pvc_name_matches" | "ssh_reachable" => Type::Bool,
        "lower" | "upper" | "k8s_name" | "pvc_name" => Type::String,
        _ => Type::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_lang::fmt::lexer::lex;
    use mtvt_lang::models::ModelId;

    fn ty_at_end(src: &str) -> Option<Type> {
        let toks = lex(src);
        let vars = locals(src, &toks);
        let sig: Vec<Token> = toks
            .into_iter()
            .filter(|t| !matches!(t.kind, TokenKind::Newline | TokenKind::Comment))
            .collect();
        trailing_path_type(src, &sig, &vars)
    }

    #[test]
    fn paths_locals_and_calls() {
        assert_eq!(
            ty_at_end("assert dest.cpu"),
            Some(Type::Model(ModelId::Cpu))
        );
        assert_eq!(ty_at_end("assert dest.cpu.cores"), Some(Type::Int));
        assert_eq!(
            ty_at_end("for nic in source.nics {\n assert nic"),
            Some(Type::Model(ModelId::SourceNic))
        );
        assert_eq!(
            ty_at_end("let m = find(n in dest.nics: n.mac == x)\n assert m"),
            Some(Type::Model(ModelId::DestNic).optional())
        );
        assert_eq!(
            ty_at_end("assert all(d in dest.disks: d"),
            Some(Type::Model(ModelId::DestDisk))
        );
        assert_eq!(
            ty_at_end("assert find(n in dest.nics: n.mac == x).network"),
            Some(Type::String)
        );
        assert_eq!(
            ty_at_end("assert dest.disks[0]"),
            Some(Type::Model(ModelId::DestDisk))
        );
        assert_eq!(ty_at_end("assert nothing.x"), None);
        assert_eq!(ty_at_end("assert (a"), None);
    }
}
