//! The one "did you mean" helper, used for keys, enum values, model fields, functions,
//! check/hook/fragment names and `use` paths. Rule (after nickel's `suggest.rs`): a
//! case-insensitive exact match wins; otherwise the best normalized Damerau-Levenshtein
//! similarity at or above [`MIN_SIMILARITY`]. When nothing is close, the caller lists the
//! valid set instead ([`help`] does both).

/// Candidates less similar than this are not suggested.
pub const MIN_SIMILARITY: f64 = 0.6;

/// The closest candidate to `input`, if any is close enough.
pub fn suggest<'a, I, S>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str> + 'a,
{
    let lower = input.to_lowercase();
    let mut best: Option<(f64, String)> = None;
    for c in candidates {
        let c = c.as_ref();
        if c.to_lowercase() == lower {
            return Some(c.to_string());
        }
        let score = strsim::normalized_damerau_levenshtein(&lower, &c.to_lowercase());
        let better = best.as_ref().is_none_or(|(s, _)| score > *s);
        if score >= MIN_SIMILARITY && better {
            best = Some((score, c.to_string()));
        }
    }
    best.map(|(_, c)| c)
}

/// A help line: "did you mean `x`?" when something is close, otherwise the valid set
/// ("expected one of `a`, `b`, `c`"), abbreviated after 12 entries. `None` when there is
/// nothing to offer.
pub fn help<I, S>(input: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let all: Vec<String> = candidates
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect();
    if let Some(h) = by_meaning(input, &all) {
        return Some(h);
    }
    if let Some(s) = suggest(input, &all) {
        return Some(format!("did you mean `{s}`?"));
    }
    list_help(&all)
}

/// Suggestions by meaning before spelling: a word that several values extend at a word
/// boundary names them all (`thick` → `thick-lazy` or `thick-eager`, never the
/// nearer-spelled `thin`), and Python's literals say what they mean here.
fn by_meaning(input: &str, all: &[String]) -> Option<String> {
    if all.iter().any(|c| c == input) {
        return None;
    }
    if let Some(h) = python_literal(input) {
        return Some(h);
    }
    let lower = input.to_lowercase();
    let extended: Vec<String> = all
        .iter()
        .filter(|c| {
            c.to_lowercase()
                .strip_prefix(&lower)
                .is_some_and(|rest| rest.starts_with(['-', '_']))
        })
        .map(|c| format!("`{c}`"))
        .collect();
    match extended.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [init @ .., last] => Some(format!("did you mean {} or {last}?", init.join(", "))),
    }
}

/// The help for a Python literal written as a bare word (`None`, `True`, `False`).
pub fn python_literal(word: &str) -> Option<String> {
    match word {
        "None" | "null" | "nil" | "Null" | "NULL" => Some(String::from(
            "`None` is Python's: omit the key to leave it unset, or quote it (\"None\") if you mean the text",
        )),
        "True" | "TRUE" => Some(String::from("booleans are lowercase: `true`")),
        "False" | "FALSE" => Some(String::from("booleans are lowercase: `false`")),
        _ => None,
    }
}

/// "expected one of `a`, `b`" for a non-empty set.
pub fn list_help(all: &[String]) -> Option<String> {
    if all.is_empty() {
        return None;
    }
    const MAX: usize = 12;
    let shown: Vec<String> = all.iter().take(MAX).map(|s| format!("`{s}`")).collect();
    let more = if all.len() > MAX {
        format!(", … ({} in all)", all.len())
    } else {
        String::new()
    };
    Some(format!("expected one of {}{more}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(
            suggest("corse", ["sockets", "cores"]).as_deref(),
            Some("cores")
        );
        assert_eq!(suggest("WARM", ["warm", "cold"]).as_deref(), Some("warm"));
        assert_eq!(
            suggest("thick_lazy", ["thin", "thick-lazy"]).as_deref(),
            Some("thick-lazy")
        );
    }

    #[test]
    fn far_names_list_the_valid_set() {
        assert_eq!(suggest("zzz", ["on", "off"]), None);
        assert_eq!(
            help("zzz", ["on", "off"]).as_deref(),
            Some("expected one of `on`, `off`")
        );
        assert_eq!(
            help("of", ["on", "off"]).as_deref(),
            Some("did you mean `off`?")
        );
        assert_eq!(help("x", Vec::<String>::new()), None);
    }

    #[test]
    fn meaning_comes_before_spelling() {
        assert_eq!(
            help("thick", ["thin", "thick-lazy", "thick-eager"]).as_deref(),
            Some("did you mean `thick-lazy` or `thick-eager`?")
        );
        assert_eq!(
            help(
                "independent",
                [
                    "persistent",
                    "independent_persistent",
                    "independent_nonpersistent"
                ]
            )
            .as_deref(),
            Some("did you mean `independent_persistent` or `independent_nonpersistent`?")
        );
        assert!(
            help("None", ["on", "off", "auto"])
                .unwrap()
                .contains("omit the key")
        );
    }
}
