//! The function table: Go's `text/template` builtins plus exactly the Sprig functions
//! Forklift whitelists (`kubev2v/forklift: pkg/templateutil/templateutil.go`), with
//! the Go parameter types the evaluator checks arguments against.
//!
//! Exists so the parser ("function not defined"), the static checks and the
//! evaluator agree on one list. Must not add functions Forklift does not register:
//! a template mtvt accepts must be one the controller accepts.

mod builtins;
mod compare;
mod gostrings;
mod regex_go;
mod sprig_math;
mod sprig_strings;

use crate::value::GoValue;

/// A Go parameter type as far as argument checking is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    /// `string`
    Str,
    /// `int`
    Int,
    /// `float64`
    Float,
    /// `interface{}` or `reflect.Value`: anything goes.
    Any,
}

impl Param {
    /// The Go type name used in "wrong type for value; expected X" messages.
    pub(crate) fn go_name(self) -> &'static str {
        match self {
            Param::Str => "string",
            Param::Int => "int",
            Param::Float => "float64",
            Param::Any => "interface {}",
        }
    }
}

/// Why a function call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallError {
    /// The error (or recovered panic) text Go reports after "error calling NAME: ".
    Go(String),
    /// Something mtvt does not reproduce exactly; rejected instead of guessed.
    Unsupported(String),
}

pub(crate) type CallResult = Result<GoValue, CallError>;

/// Where a function comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Builtin,
    Sprig,
}

/// One callable function.
pub(crate) struct Func {
    pub(crate) name: &'static str,
    pub(crate) fixed: &'static [Param],
    pub(crate) variadic: Option<Param>,
    pub(crate) origin: Origin,
    pub(crate) imp: fn(&[GoValue]) -> CallResult,
}

use Param::{Any, Float, Int, Str};

const fn func(
    name: &'static str,
    fixed: &'static [Param],
    variadic: Option<Param>,
    origin: Origin,
    imp: fn(&[GoValue]) -> CallResult,
) -> Func {
    Func {
        name,
        fixed,
        variadic,
        origin,
        imp,
    }
}

const B: Origin = Origin::Builtin;
const S: Origin = Origin::Sprig;

static FUNCS: &[Func] = &[
    // Go text/template builtins.
    func("and", &[Any], Some(Any), B, builtins::and),
    func("call", &[Any], Some(Any), B, builtins::call),
    func("html", &[], Some(Any), B, builtins::html),
    func("index", &[Any], Some(Any), B, builtins::index),
    func("slice", &[Any], Some(Any), B, builtins::slice),
    func("js", &[], Some(Any), B, builtins::js),
    func("len", &[Any], None, B, builtins::len),
    func("not", &[Any], None, B, builtins::not),
    func("or", &[Any], Some(Any), B, builtins::or),
    func("print", &[], Some(Any), B, builtins::print),
    func("printf", &[Str], Some(Any), B, builtins::printf),
    func("println", &[], Some(Any), B, builtins::println),
    func("urlquery", &[], Some(Any), B, builtins::urlquery),
    func("eq", &[Any], Some(Any), B, compare::eq),
    func("ge", &[Any, Any], None, B, compare::ge),
    func("gt", &[Any, Any], None, B, compare::gt),
    func("le", &[Any, Any], None, B, compare::le),
    func("lt", &[Any, Any], None, B, compare::lt),
    func("ne", &[Any, Any], None, B, compare::ne),
    // Sprig string functions whitelisted by Forklift.
    func("lower", &[Str], None, S, sprig_strings::lower),
    func("upper", &[Str], None, S, sprig_strings::upper),
    func("contains", &[Str, Str], None, S, sprig_strings::contains),
    func("replace", &[Str, Str, Str], None, S, sprig_strings::replace),
    func("trim", &[Str], None, S, sprig_strings::trim),
    func("trimAll", &[Str, Str], None, S, sprig_strings::trim_all),
    func(
        "trimSuffix",
        &[Str, Str],
        None,
        S,
        sprig_strings::trim_suffix,
    ),
    func(
        "trimPrefix",
        &[Str, Str],
        None,
        S,
        sprig_strings::trim_prefix,
    ),
    func("title", &[Str], None, S, sprig_strings::title),
    func("untitle", &[Str], None, S, sprig_strings::untitle),
    func("repeat", &[Int, Str], None, S, sprig_strings::repeat),
    func("substr", &[Int, Int, Str], None, S, sprig_strings::substr),
    func("nospace", &[Str], None, S, sprig_strings::nospace),
    func("trunc", &[Int, Str], None, S, sprig_strings::trunc),
    func("initials", &[Str], None, S, sprig_strings::initials),
    func("hasPrefix", &[Str, Str], None, S, sprig_strings::has_prefix),
    func("hasSuffix", &[Str, Str], None, S, sprig_strings::has_suffix),
    func(
        "mustRegexReplaceAll",
        &[Str, Str, Str],
        None,
        S,
        sprig_strings::must_regex_replace_all,
    ),
    // Sprig math functions whitelisted by Forklift.
    func("add", &[], Some(Any), S, sprig_math::add),
    func("add1", &[Any], None, S, sprig_math::add1),
    func("sub", &[Any, Any], None, S, sprig_math::sub),
    func("div", &[Any, Any], None, S, sprig_math::div),
    func("mod", &[Any, Any], None, S, sprig_math::modulo),
    func("mul", &[Any], Some(Any), S, sprig_math::mul),
    func("max", &[Any], Some(Any), S, sprig_math::max),
    func("min", &[Any], Some(Any), S, sprig_math::min),
    func("floor", &[Any], None, S, sprig_math::floor),
    func("ceil", &[Any], None, S, sprig_math::ceil),
    func("round", &[Any, Int], Some(Float), S, sprig_math::round),
];

/// The function of that name, if Forklift's engine has it.
pub(crate) fn lookup(name: &str) -> Option<&'static Func> {
    FUNCS.iter().find(|f| f.name == name)
}

/// Names of every function a Forklift name template may call, Go builtins first.
pub fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCS.iter().map(|f| f.name)
}

/// Names of the whitelisted Sprig functions only.
pub fn sprig_function_names() -> impl Iterator<Item = &'static str> {
    FUNCS
        .iter()
        .filter(|f| f.origin == Origin::Sprig)
        .map(|f| f.name)
}

/// The byte contents of a value already checked to be a `string`.
pub(crate) fn str_arg(args: &[GoValue], i: usize) -> &[u8] {
    match args.get(i) {
        Some(GoValue::Str(s)) => s,
        _ => &[],
    }
}

/// An `int` argument already checked by the evaluator.
pub(crate) fn int_arg(args: &[GoValue], i: usize) -> i64 {
    match args.get(i) {
        Some(GoValue::Int(v)) => *v,
        _ => 0,
    }
}

pub(crate) use regex_go::translate as translate_regex;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelist_is_exactly_forklifts() {
        let sprig: Vec<&str> = sprig_function_names().collect();
        assert_eq!(
            sprig,
            vec![
                "lower",
                "upper",
                "contains",
                "replace",
                "trim",
                "trimAll",
                "trimSuffix",
                "trimPrefix",
                "title",
                "untitle",
                "repeat",
                "substr",
                "nospace",
                "trunc",
                "initials",
                "hasPrefix",
                "hasSuffix",
                "mustRegexReplaceAll",
                "add",
                "add1",
                "sub",
                "div",
                "mod",
                "mul",
                "max",
                "min",
                "floor",
                "ceil",
                "round"
            ]
        );
        assert!(lookup("trimsuffix").is_none());
        assert!(lookup("default").is_none(), "not whitelisted by Forklift");
        assert!(lookup("printf").is_some());
    }
}
