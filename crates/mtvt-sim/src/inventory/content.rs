//! Detail levels and filters shared by every provider type's collections.
//!
//! A builder produces each object once at full detail; the level a request asks for is a
//! key subset of it, exactly like Forklift's nested `Resource` / `VM1` / `VM` structs.

use serde_json::{Map, Value};

/// `detail=all` (Forklift's `MaxDetail`).
pub const MAX_DETAIL: i64 = 10;

/// One inventory object.
#[derive(Clone, Debug)]
pub struct Item {
    /// Id (`vm-1001`, UUID, object UID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Inventory path (`/dc/vm/folder/name`, `Default/name`), empty if none.
    pub path: String,
    /// Full-detail JSON.
    pub full: Value,
    /// Keys kept at detail 0, 1, ...; a detail past the last level returns `full`.
    pub levels: &'static [&'static [&'static str]],
}

impl Item {
    /// The object at `detail`.
    pub fn at(&self, detail: i64) -> Value {
        let level = usize::try_from(detail).unwrap_or(0);
        match (self.levels.get(level), &self.full) {
            (Some(keys), Value::Object(m)) => {
                let kept: Map<String, Value> = m
                    .iter()
                    .filter(|(k, _)| keys.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Value::Object(kept)
            }
            _ => self.full.clone(),
        }
    }
}

/// Forklift's path matching: the segments of `relative` are a suffix of `absolute`'s.
pub fn path_match(absolute: &str, relative: &str) -> bool {
    let a: Vec<&str> = absolute.trim_start_matches('/').split('/').collect();
    let r: Vec<&str> = relative.trim_start_matches('/').split('/').collect();
    r.len() <= a.len() && a.iter().rev().zip(r.iter().rev()).all(|(x, y)| x == y)
}

/// Applies the `name` query: last segment equals the object name; a multi-segment value must
/// also be a suffix of the object's path.
pub fn filter_name(items: Vec<Item>, name: Option<&str>) -> Vec<Item> {
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return items;
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    items
        .into_iter()
        .filter(|i| i.name == last)
        .filter(|i| !name.contains('/') || path_match(&i.path, name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_suffix_matching() {
        assert!(path_match("/DC1/vm/mtv/rhel9", "mtv/rhel9"));
        assert!(path_match("/DC1/vm/mtv/rhel9", "/DC1/vm/mtv/rhel9"));
        assert!(!path_match("/DC1/vm/mtv/rhel9", "other/rhel9"));
        assert!(!path_match("a", "x/a"));
    }
}
