//! Label and field selectors, parsed from the query-string syntax kube-apiserver accepts
//! (`app=web,tier!=db,env in (a,b),!legacy` and `metadata.name=x,status.phase!=Running`) and
//! matched against objects.
//!
//! Parsing errors are plain messages; the caller turns them into 400 BadRequest. Which field
//! labels a kind supports is the kinds table's business, not this module's.

mod field;
mod label;

pub use field::{FieldSelector, field_value};
pub use label::LabelSelector;

#[cfg(test)]
mod tests;
