//! Methods of model records (`guest.run("cmd")`, `guest.file(path)`): their signatures,
//! docs and typing. The evaluator answers them through `eval::guest`; the checker, the
//! docs and the language server read this table. Data only.

use super::types::Type;
use crate::models::ModelId;

/// One method of a model record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodDef {
    /// The record type it belongs to.
    pub on: ModelId,
    /// Name as called after `.`.
    pub name: &'static str,
    /// Signature as shown in docs.
    pub signature: &'static str,
    /// What it does and returns.
    pub doc: &'static str,
    /// The record type it returns.
    pub returns: ModelId,
}

/// All methods, in documentation order.
pub const METHODS: &[MethodDef] = &[
    MethodDef {
        on: ModelId::Guest,
        name: "run",
        signature: "guest.run(command: string) -> GuestRun",
        doc: "Runs `command` in the migrated guest over the VM's SSH session (Linux `sh`, Windows `cmd`) and returns its `stdout`, `stderr` and `exit` status (127 for an unknown command). *Not run* when no login is possible (VM powered off, no guest login in the provider profile, SSH never answered within 300 s).",
        returns: ModelId::GuestRun,
    },
    MethodDef {
        on: ModelId::Guest,
        name: "file",
        signature: "guest.file(path: string) -> GuestFile",
        doc: "Reads the file at `path` in the migrated guest: `exists`, and `content` (none when missing).",
        returns: ModelId::GuestFile,
    },
];

/// The methods of a record type.
pub fn methods_of(on: ModelId) -> impl Iterator<Item = &'static MethodDef> {
    METHODS.iter().filter(move |m| m.on == on)
}

/// One method by receiver type and name.
pub fn method(on: ModelId, name: &str) -> Option<&'static MethodDef> {
    methods_of(on).find(|m| m.name == name)
}

/// Why a method call does not type-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MethodError {
    /// The receiver type has no such method.
    Unknown,
    /// Wrong number of arguments (expected text).
    Arity(&'static str),
    /// Argument `index` (0-based) has the wrong type (expected text).
    Arg(usize, &'static str),
}

/// The result type of `receiver.name(args)`.
pub fn type_method(on: ModelId, name: &str, args: &[Type]) -> Result<Type, MethodError> {
    let m = method(on, name).ok_or(MethodError::Unknown)?;
    // Both methods take one string.
    if args.len() != 1 {
        return Err(MethodError::Arity("1 argument"));
    }
    match args.first().map(Type::unwrap_optional) {
        Some(Type::String | Type::Any) => Ok(Type::Model(m.returns)),
        _ => Err(MethodError::Arg(0, "a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_methods_type_check() {
        assert_eq!(
            type_method(ModelId::Guest, "run", &[Type::String]),
            Ok(Type::Model(ModelId::GuestRun))
        );
        assert_eq!(
            type_method(ModelId::Guest, "file", &[Type::Int]),
            Err(MethodError::Arg(0, "a string"))
        );
        assert_eq!(
            type_method(ModelId::Guest, "exec", &[Type::String]),
            Err(MethodError::Unknown)
        );
        assert_eq!(
            type_method(ModelId::DestVm, "run", &[Type::String]),
            Err(MethodError::Unknown)
        );
    }
}
