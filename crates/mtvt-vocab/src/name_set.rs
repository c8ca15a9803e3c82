//! Closed sets of names: the [`closed_set!`] macro that declares an enum together with
//! its exact spellings, and [`UnknownName`], the one error of every such enum.
//!
//! Exists so each enum of this crate parses, prints and (de)serializes the same way from
//! a single table of `Variant = "spelling"` lines. Must not accept any spelling that is
//! not in the table (no case folding, no aliases, no default on failure).

use std::fmt;

/// A name that is not in a closed set; says which set and lists every valid name.
///
/// ```
/// let e = "Thin".parse::<mtvt_vocab::Provisioning>().unwrap_err();
/// assert_eq!(e.to_string(), "`Thin` is not a disk provisioning (use one of: thin, thick-lazy, thick-eager)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {what} (use one of: {})", expected.join(", "))]
pub struct UnknownName {
    /// What the set is called (`provider type`, `power state` …).
    pub what: &'static str,
    /// The text that did not match.
    pub value: String,
    /// Every valid spelling, in declaration order.
    pub expected: &'static [&'static str],
}

/// Serde visitor of a closed set: accepts a string and parses it with `FromStr`.
pub(crate) struct NameVisitor<T>(pub(crate) std::marker::PhantomData<T>);

impl<T> serde::de::Visitor<'_> for NameVisitor<T>
where
    T: std::str::FromStr<Err = UnknownName>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a name of a closed set")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// Declares a `Copy` enum whose variants are spelled exactly as listed, with `ALL`,
/// `NAMES`, `as_str`, `Display`, `FromStr` (error [`UnknownName`]), `Serialize` and
/// `Deserialize` (as the spelling), `Ord` in declaration order and `Default` = the first
/// variant (the zero value of records that are filled in later; never a parse fallback).
macro_rules! closed_set {
    (
        $(#[$doc:meta])*
        pub enum $ty:ident as $what:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty {
            $( $(#[$vdoc])* $variant, )+
        }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// Every spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The exact spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $( $ty::$variant => $text, )+ }
            }
        }

        impl Default for $ty {
            fn default() -> Self {
                $crate::name_set::first!($($ty::$variant),+)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text => Ok($ty::$variant), )+
                    _ => Err($crate::UnknownName {
                        what: $what,
                        value: s.to_string(),
                        expected: Self::NAMES,
                    }),
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::name_set::NameVisitor(std::marker::PhantomData))
            }
        }
    };
}

/// The first of a list of expressions.
macro_rules! first {
    ($first:expr $(, $rest:expr)*) => {
        $first
    };
}

pub(crate) use {closed_set, first};

#[cfg(test)]
mod tests {
    use super::*;

    closed_set! {
        /// A test set.
        pub enum Colour as "colour" { Red = "red", DarkBlue = "dark-blue" }
    }

    #[test]
    fn every_spelling_round_trips() {
        for (c, name) in Colour::ALL.iter().zip(Colour::NAMES) {
            assert_eq!(c.as_str(), *name);
            assert_eq!(name.parse::<Colour>(), Ok(*c));
            assert_eq!(c.to_string(), *name);
            let json = serde_json::to_value(c).unwrap();
            assert_eq!(json, *name);
            assert_eq!(serde_json::from_value::<Colour>(json).unwrap(), *c);
        }
        assert_eq!(Colour::default(), Colour::Red);
        assert!(Colour::Red < Colour::DarkBlue, "declaration order");
    }

    #[test]
    fn unknown_names_list_the_set() {
        let e = "Red".parse::<Colour>().unwrap_err();
        assert_eq!(
            e,
            UnknownName {
                what: "colour",
                value: "Red".into(),
                expected: &["red", "dark-blue"],
            }
        );
        assert_eq!(
            e.to_string(),
            "`Red` is not a colour (use one of: red, dark-blue)"
        );
        let serde = serde_json::from_str::<Colour>("\"blue\"").unwrap_err();
        assert!(
            serde.to_string().contains("`blue` is not a colour"),
            "{serde}"
        );
        assert!(serde_json::from_str::<Colour>("3").is_err());
    }
}
