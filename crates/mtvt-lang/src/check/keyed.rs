//! What the checker keeps per key of one block (a typed value, a span): the few keys of a
//! block in written order, searched linearly. A block has a handful of keys (a plan at
//! most a few dozen), and a vector is cheaper to build, search and free than a `BTreeMap`
//! (which allocated a node per block and compared strings on every step). Keys are the
//! schema's names. This module only stores; it must not know what the keys mean.

/// Values by key name, in insertion order; inserting a key again replaces its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<V> {
    items: Vec<(&'static str, V)>,
}

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed { items: Vec::new() }
    }
}

impl<V> Keyed<V> {
    /// Room for `n` keys.
    pub fn with_capacity(n: usize) -> Self {
        Keyed {
            items: Vec::with_capacity(n),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.items.iter().position(|(k, _)| *k == key)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.items.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.items
            .iter_mut()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// The schema's name of `key` and its value.
    pub fn get_key_value(&self, key: &str) -> Option<(&'static str, &V)> {
        self.items
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(k, v)| (*k, v))
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets the value of `key` (replacing the one it had).
    pub fn insert(&mut self, key: &'static str, value: V) {
        match self.position(key) {
            Some(i) => {
                if let Some(slot) = self.items.get_mut(i) {
                    slot.1 = value;
                }
            }
            None => self.items.push((key, value)),
        }
    }

    /// Takes the value of `key` out.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).map(|i| self.items.remove(i).1)
    }

    /// Sets every value of `other` (its values win).
    pub fn extend(&mut self, other: Keyed<V>) {
        if self.items.is_empty() {
            self.items = other.items;
            return;
        }
        for (k, v) in other.items {
            self.insert(k, v);
        }
    }

    /// Every key and value, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &V)> {
        self.items.iter().map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::Keyed;

    #[test]
    fn a_key_set_again_keeps_its_place_and_takes_the_new_value() {
        let mut a = Keyed::default();
        a.insert("warm", 1);
        a.insert("timeout", 2);
        a.insert("warm", 3);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            [("warm", &3), ("timeout", &2)]
        );
        let mut b = Keyed::default();
        b.insert("timeout", 4);
        b.insert("copy_offload", 5);
        a.extend(b);
        assert_eq!(a.get("timeout"), Some(&4));
        assert_eq!(a.get_key_value("copy_offload"), Some(("copy_offload", &5)));
        assert!(a.contains_key("warm") && !a.contains_key("storage_class"));
        if let Some(v) = a.get_mut("warm") {
            *v = 6;
        }
        assert_eq!(a.get("warm"), Some(&6));
    }
}
