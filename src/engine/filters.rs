//! Which scenarios a run or a render takes: `--tag` / `--skip-tag`, `--name GLOB`, and
//! pytest-style expressions `--tags EXPR` (`-m`, over tags) and `-k EXPR` (over names, file
//! names and tags; see `selection`). A filtered-out scenario is not reported at all; a
//! scenario the run's facts exclude (its `requires`) is *skipped with the reason* instead —
//! that decision is `mtvt_lang::facts`.
//!
//! Pure.

use globset::{Glob, GlobSet, GlobSetBuilder};
use mtvt_lang::ir::ScenarioIr;

use super::selection::{Expr, keyword_match};

/// What the user asked to select, as given.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep scenarios with at least one of these tags (empty = all).
    pub tags: Vec<String>,
    /// Drop scenarios with any of these tags.
    pub skip_tags: Vec<String>,
    /// Keep scenarios whose name matches one of these globs (empty = all).
    pub names: Vec<String>,
    /// `--tags EXPR` / `-m EXPR`: a marker expression over tags.
    pub marker_expr: Option<String>,
    /// `-k EXPR`: a keyword expression over names, file names and tags.
    pub keyword_expr: Option<String>,
}

/// The filters compiled: globs and parsed expressions.
#[derive(Debug, Clone)]
pub struct Selector {
    filters: Filters,
    globs: Option<GlobSet>,
    markers: Option<Expr>,
    keywords: Option<Expr>,
}

impl Filters {
    /// Compiles the globs and expressions; the error names the flag and the position.
    pub fn compile(&self) -> Result<Selector, String> {
        let expr = |flag: &str, text: &Option<String>| -> Result<Option<Expr>, String> {
            text.as_deref()
                .map(|t| Expr::parse(t).map_err(|e| format!("{flag} '{t}': {e}")))
                .transpose()
        };
        Ok(Selector {
            globs: name_globs(&self.names)?,
            markers: expr("--tags", &self.marker_expr)?,
            keywords: expr("-k", &self.keyword_expr)?,
            filters: self.clone(),
        })
    }
}

/// Compiled name globs.
fn name_globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("--name '{p}': {e}"))?);
    }
    b.build().map(Some).map_err(|e| e.to_string())
}

impl Selector {
    /// Whether the filters keep `s` (filtered-out scenarios are not reported at all).
    pub fn keep(&self, s: &ScenarioIr) -> bool {
        let f = &self.filters;
        if !f.tags.is_empty() && !s.tags.iter().any(|t| f.tags.contains(t)) {
            return false;
        }
        if s.tags.iter().any(|t| f.skip_tags.contains(t)) {
            return false;
        }
        if let Some(g) = &self.globs
            && !g.is_match(&s.name)
            && !g.is_match(&s.base_name)
        {
            return false;
        }
        if let Some(m) = &self.markers
            && !m.eval(&|t| s.tags.iter().any(|x| x == t))
        {
            return false;
        }
        if let Some(k) = &self.keywords {
            let file = std::path::Path::new(&*s.span.file)
                .file_stem()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            let mut hay: Vec<&str> = vec![&s.name, &s.base_name, file];
            hay.extend(s.tags.iter().map(String::as_str));
            if !k.eval(&|ident| keyword_match(ident, &hay)) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn scenarios(text: &str) -> Vec<ScenarioIr> {
        let r = mtvt_lang::check_text("t.mtvt", text, None, &mtvt_lang::CheckOptions::default());
        assert_eq!(r.errors(), 0, "{:?}", r.diagnostics);
        r.program.scenarios
    }

    const TEXT: &str = "scenario sanity_cold {\n  tags tier0\n  vm \"v\"\n  expect { migration succeeds }\n}\n\nscenario sanity_warm {\n  tags tier0, warm\n  vm \"v\"\n  plan { warm true }\n  expect { migration succeeds }\n}\n\nscenario copyoffload_thin {\n  tags copyoffload\n  vm \"v\"\n  expect { migration succeeds }\n}\n";

    fn kept(f: &Filters) -> Vec<String> {
        let sel = f.compile().unwrap();
        scenarios(TEXT)
            .iter()
            .filter(|x| sel.keep(x))
            .map(|x| x.name.clone())
            .collect()
    }

    #[test]
    fn tags_skip_tags_and_name_globs() {
        assert_eq!(kept(&Filters::default()).len(), 3);
        let tier0 = Filters {
            tags: vec!["tier0".into()],
            ..Filters::default()
        };
        assert_eq!(kept(&tier0), vec!["sanity_cold", "sanity_warm"]);
        let not_co = Filters {
            skip_tags: vec!["copyoffload".into()],
            ..Filters::default()
        };
        assert_eq!(kept(&not_co), vec!["sanity_cold", "sanity_warm"]);
        let named = Filters {
            names: vec!["copyoffload_*".into()],
            ..Filters::default()
        };
        assert_eq!(kept(&named), vec!["copyoffload_thin"]);
        let bad = Filters {
            names: vec!["[".into()],
            ..Filters::default()
        };
        assert!(bad.compile().unwrap_err().contains("--name '['"));
    }

    #[test]
    fn marker_and_keyword_expressions() {
        let m = |e: &str| Filters {
            marker_expr: Some(e.into()),
            ..Filters::default()
        };
        assert_eq!(kept(&m("tier0 and not warm")), vec!["sanity_cold"]);
        assert_eq!(
            kept(&m("copyoffload or warm")),
            vec!["sanity_warm", "copyoffload_thin"]
        );
        let k = |e: &str| Filters {
            keyword_expr: Some(e.into()),
            ..Filters::default()
        };
        assert_eq!(kept(&k("SANITY and not warm")), vec!["sanity_cold"]);
        // a tag counts as a keyword, as pytest's markers do for -k
        assert_eq!(kept(&k("copyoffload")), vec!["copyoffload_thin"]);
        let bad = m("tier0 and").compile().unwrap_err();
        assert!(bad.starts_with("--tags 'tier0 and': at column 10"), "{bad}");
    }
}
