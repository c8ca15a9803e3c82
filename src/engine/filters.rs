//! Which scenarios a run or a render takes: the `--tag` / `--skip-tag` / `--name GLOB`
//! filters. A filtered-out scenario is not reported at all; a scenario the run's facts
//! exclude (its `requires`) is *skipped with the reason* instead — that decision is
//! `mtvt_lang::facts`.
//!
//! Pure.

use globset::{Glob, GlobSet, GlobSetBuilder};
use mtvt_lang::ir::ScenarioIr;

/// The `--tag` / `--skip-tag` / `--name` filters.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Keep scenarios with at least one of these tags (empty = all).
    pub tags: Vec<String>,
    /// Drop scenarios with any of these tags.
    pub skip_tags: Vec<String>,
}

/// Compiled name globs.
pub fn name_globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("--name '{p}': {e}"))?);
    }
    b.build().map(Some).map_err(|e| e.to_string())
}

/// Whether the filters keep `s` (filtered-out scenarios are not reported at all).
pub fn keep(s: &ScenarioIr, filters: &Filters, globs: Option<&GlobSet>) -> bool {
    if !filters.tags.is_empty() && !s.tags.iter().any(|t| filters.tags.contains(t)) {
        return false;
    }
    if s.tags.iter().any(|t| filters.skip_tags.contains(t)) {
        return false;
    }
    if let Some(g) = globs
        && !g.is_match(&s.name)
        && !g.is_match(&s.base_name)
    {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenarios(text: &str) -> Vec<ScenarioIr> {
        let r = mtvt_lang::check_text("t.mtvt", text, None, &mtvt_lang::CheckOptions::default());
        assert_eq!(r.errors(), 0, "{:?}", r.diagnostics);
        r.program.scenarios
    }

    #[test]
    fn tags_skip_tags_and_name_globs() {
        let s = scenarios(
            "scenario sanity_cold {\n  tags tier0\n  vm \"v\"\n  expect { migration succeeds }\n}\n\nscenario copyoffload_thin {\n  tags copyoffload\n  vm \"v\"\n  expect { migration succeeds }\n}\n",
        );
        let kept = |f: &Filters, names: &[&str]| -> Vec<String> {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let g = name_globs(&names).unwrap();
            s.iter()
                .filter(|x| keep(x, f, g.as_ref()))
                .map(|x| x.name.clone())
                .collect()
        };
        let all = Filters::default();
        assert_eq!(kept(&all, &[]).len(), 2);
        let tier0 = Filters {
            tags: vec!["tier0".into()],
            skip_tags: vec![],
        };
        assert_eq!(kept(&tier0, &[]), vec!["sanity_cold"]);
        let not_co = Filters {
            tags: vec![],
            skip_tags: vec!["copyoffload".into()],
        };
        assert_eq!(kept(&not_co, &[]), vec!["sanity_cold"]);
        assert_eq!(kept(&all, &["copyoffload_*"]), vec!["copyoffload_thin"]);
        assert!(
            name_globs(&["[".to_string()])
                .unwrap_err()
                .contains("--name '['")
        );
    }
}
