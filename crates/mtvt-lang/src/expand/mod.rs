//! Expansion: `matrix` dimensions into scenario variants, and substitution of
//! `param.NAME` / `${param.NAME}` in a scenario's AST before it is checked. Fragment
//! merging happens on checked layers (`check::merge`). Nothing here checks keys.

pub mod matrix;
