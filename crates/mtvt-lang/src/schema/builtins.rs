//! Builtin functions of check expressions: their signatures, docs and typing rules. The
//! evaluator implements them in `eval::builtins`; a test keeps the two in sync. Builtins
//! exist only where the language itself cannot express a check (PVC-name rendering, SSH,
//! Forklift's VM-name rule, release comparison, collection helpers).

use super::types::Type;
use crate::models::ModelId;

/// One builtin function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinDef {
    /// Name as called.
    pub name: &'static str,
    /// Signature as shown in docs.
    pub signature: &'static str,
    /// What it returns.
    pub doc: &'static str,
}

/// All builtins, in documentation order.
pub const BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "len",
        signature: "len(list | map | string) -> int",
        doc: "Number of elements / characters (`none` counts as 0).",
    },
    BuiltinDef {
        name: "keys",
        signature: "keys(map<T>) -> list<string>",
        doc: "The map's keys, sorted.",
    },
    BuiltinDef {
        name: "values",
        signature: "values(map<T>) -> list<T>",
        doc: "The map's values, in key order.",
    },
    BuiltinDef {
        name: "lower",
        signature: "lower(string) -> string",
        doc: "Lower-cased text.",
    },
    BuiltinDef {
        name: "upper",
        signature: "upper(string) -> string",
        doc: "Upper-cased text.",
    },
    BuiltinDef {
        name: "k8s_name",
        signature: "k8s_name(string) -> string",
        doc: "The name Forklift gives the target VM for a source VM name (unchanged when it is a DNS-1123 subdomain, else lower-cased and sanitized).",
    },
    BuiltinDef {
        name: "pvc_name",
        signature: "pvc_name(DestDisk) -> string",
        doc: "The PVC name (or generateName prefix, cut at 58 characters; an output over 63 characters is an error, as Forklift refuses it) the plan's `pvc_name_template` renders for this disk (mtvt-gotemplate, the same renderer as Forklift's). `.DiskIndex` is the disk's position among `dest.disks`, `.FileName` the backing file name of the source disk at that position in `source.disks` (the source inventory, in controller/unit order), never the PVC's own annotations.",
    },
    BuiltinDef {
        name: "pvc_name_matches",
        signature: "pvc_name_matches(actual: string, expected: string, generate_name: bool) -> bool",
        doc: "Whether an actual PVC name is the expected one: exact, or with `generate_name` the expected prefix (truncated like the API server) plus a 5-character suffix.",
    },
    BuiltinDef {
        name: "ssh_reachable",
        signature: "ssh_reachable(DestVm) -> bool",
        doc: "Whether `mtvt run` logged in to the VM over SSH (KubeVirt port-forward, the source profile's `guest_vm_*` login; see running.md); a failure shows the expected login and what happened; *not run* (with the reason) when no login was possible (VM powered off, no guest login in the profile).",
    },
    BuiltinDef {
        name: "version_at_least",
        signature: "version_at_least(version: optional<string>, minimum: string) -> bool",
        doc: "Whether a dotted release (`4.20.4`, `4.20.0-rc.1`) is at least `minimum` (`4.20`), comparing the numbers and ignoring a pre-release suffix; *not run* when the version is `none`.",
    },
];

/// Comprehension forms `f(x in list: predicate)`.
pub const COMPREHENSIONS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "all",
        signature: "all(x in list: bool) -> bool",
        doc: "Every element satisfies the predicate (true for an empty list).",
    },
    BuiltinDef {
        name: "any",
        signature: "any(x in list: bool) -> bool",
        doc: "Some element satisfies it.",
    },
    BuiltinDef {
        name: "find",
        signature: "find(x in list<T>: bool) -> optional<T>",
        doc: "The first element that satisfies it, or `none`.",
    },
    BuiltinDef {
        name: "count",
        signature: "count(x in list: bool) -> int",
        doc: "How many elements satisfy it.",
    },
];

/// Why a call does not type-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No such builtin.
    Unknown,
    /// Wrong number of arguments (expected text).
    Arity(&'static str),
    /// Argument `index` (0-based) has the wrong type (expected text).
    Arg(usize, &'static str),
}

fn is_list_or_map_or_string(t: &Type) -> bool {
    matches!(
        t.unwrap_optional(),
        Type::List(_) | Type::Map(_) | Type::String | Type::Any
    )
}

fn is(t: &Type, want: &Type) -> bool {
    let t = t.unwrap_optional();
    t == want || *t == Type::Any
}

/// The result type of a call, or why it is wrong.
pub fn type_call(name: &str, args: &[Type]) -> Result<Type, CallError> {
    let n = args.len();
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Type::Any);
    match name {
        "len" => {
            if n != 1 {
                return Err(CallError::Arity("1 argument"));
            }
            if !is_list_or_map_or_string(&arg(0)) {
                return Err(CallError::Arg(0, "a list, map or string"));
            }
            Ok(Type::Int)
        }
        "keys" | "values" => {
            if n != 1 {
                return Err(CallError::Arity("1 argument"));
            }
            match arg(0).unwrap_optional() {
                Type::Map(v) => Ok(Type::List(Box::new(if name == "keys" {
                    Type::String
                } else {
                    (**v).clone()
                }))),
                Type::Any => Ok(Type::List(Box::new(Type::Any))),
                _ => Err(CallError::Arg(0, "a map")),
            }
        }
        "lower" | "upper" | "k8s_name" => {
            if n != 1 {
                return Err(CallError::Arity("1 argument"));
            }
            if !is(&arg(0), &Type::String) {
                return Err(CallError::Arg(0, "a string"));
            }
            Ok(Type::String)
        }
        "pvc_name" => {
            if n != 1 {
                return Err(CallError::Arity("1 argument"));
            }
            if !is(&arg(0), &Type::Model(ModelId::DestDisk)) {
                return Err(CallError::Arg(0, "a DestDisk (an element of dest.disks)"));
            }
            Ok(Type::String)
        }
        "pvc_name_matches" => {
            if n != 3 {
                return Err(CallError::Arity("3 arguments"));
            }
            if !is(&arg(0), &Type::String) {
                return Err(CallError::Arg(0, "a string"));
            }
            if !is(&arg(1), &Type::String) {
                return Err(CallError::Arg(1, "a string"));
            }
            if !is(&arg(2), &Type::Bool) {
                return Err(CallError::Arg(2, "a bool"));
            }
            Ok(Type::Bool)
        }
        "ssh_reachable" => {
            if n != 1 {
                return Err(CallError::Arity("1 argument"));
            }
            if !is(&arg(0), &Type::Model(ModelId::DestVm)) {
                return Err(CallError::Arg(0, "`dest`"));
            }
            Ok(Type::Bool)
        }
        "version_at_least" => {
            if n != 2 {
                return Err(CallError::Arity("2 arguments"));
            }
            if !is(&arg(0), &Type::String) {
                return Err(CallError::Arg(0, "a (possibly none) string"));
            }
            if !is(&arg(1), &Type::String) {
                return Err(CallError::Arg(1, "a string"));
            }
            Ok(Type::Bool)
        }
        _ => Err(CallError::Unknown),
    }
}
