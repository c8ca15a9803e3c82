//! `mtvt run --shard I/N`: which part of a selection one of N runners takes, so that N
//! runners (the pods of an Indexed Job) together run the selection exactly once.
//!
//! The split depends only on the scenarios' identities (their names, unique in a catalog):
//! the selected names are sorted and dealt round-robin, the k-th name to shard `k mod N`.
//! It does not depend on the order files are discovered in, on paths, on timing or on the
//! machine, so every runner given the same catalog and flags computes the same split. This
//! module only decides membership; running and reporting are elsewhere.

use std::fmt;
use std::str::FromStr;

use mtvt_lang::ir::ScenarioIr;

/// One shard of N: `index` in `0..count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This runner's part, from 0 (Kubernetes' `JOB_COMPLETION_INDEX`).
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write I/N with 0 <= I < N, e.g. 0/3");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The names of `selected` this shard takes (see the module doc).
    pub fn names<'a>(&self, selected: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let mut names: Vec<&str> = selected.into_iter().collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % self.count == self.index)
            .map(|(_, n)| n)
            .collect()
    }

    /// Keeps the scenarios of this shard, in their original order.
    pub fn retain(&self, scenarios: &mut Vec<ScenarioIr>) {
        let mine: std::collections::HashSet<String> = self
            .names(scenarios.iter().map(|s| s.name.as_str()))
            .into_iter()
            .map(str::to_string)
            .collect();
        scenarios.retain(|s| mine.contains(&s.name));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            "1/3".parse::<Shard>().unwrap(),
            Shard { index: 1, count: 3 }
        );
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2", "1/3/4"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("I/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn every_name_in_exactly_one_shard_whatever_the_order() {
        let names = ["e", "b", "a", "d", "c", "f", "g"];
        let mut reversed = names;
        reversed.reverse();
        let mut seen = Vec::new();
        for index in 0..3 {
            let shard = Shard { index, count: 3 };
            let part = shard.names(names);
            assert_eq!(part, shard.names(reversed), "order must not matter");
            seen.extend(part);
        }
        seen.sort_unstable();
        assert_eq!(seen, ["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(Shard { index: 0, count: 3 }.names(names), ["a", "d", "g"]);
    }

    #[test]
    fn more_shards_than_scenarios_leaves_some_empty() {
        assert!(Shard { index: 4, count: 5 }.names(["a", "b"]).is_empty());
    }
}
