//! The checked IR: what `mtvt check` hands to `mtvt run`. Every scenario is fully
//! resolved — matrix expanded, fragments merged, `use` resolved, defaults applied,
//! checks resolved to their typed bodies (stdlib included), hook playbooks decoded to
//! text — and every node keeps its source span ([`SpanIr`]) so a runtime failure can
//! point at the scenario line that asked for it.
//!
//! Reading guide for the runner:
//! * [`ProgramIr`] = the suite-wide [`SessionIr`] + every [`ScenarioIr`].
//! * A scenario has one or more [`PlanIr`]s, run **concurrently**; each plan has its VMs
//!   ([`VmIr`], one per clone, `count` already expanded) and hooks ([`HookIr`]).
//! * [`ExpectIr`] says which outcome to expect and which checks to evaluate on every
//!   migrated VM of every plan (`eval::run_checks`).
//! * Strings that may contain `${session}` / `${env.NAME}` are [`InterpString`]s, resolved
//!   by the runner with [`InterpString::resolve`]; `${param.…}` is already substituted.
//! * Go templates (`pvc_name_template`) are raw `String`s, never interpolated.
//!
//! IR types derive `Serialize + Debug + Clone + PartialEq`; [`canonical_json`] gives a
//! span-free JSON form to compare two programs "modulo spans" (used by `mtvt fmt`'s
//! meaning-preservation test). This module holds data only; it builds nothing.

mod check;
mod expect;
mod lifecycle;
mod scenario;
mod values;

pub use check::{
    CheckIr, CheckRefIr, Comprehension, ExprIr, ExprIrKind, LitIr, Root, StmtIr, body_any,
    body_calls, body_reads, body_uses_guest,
};
pub use expect::{ExpectIr, HookExpectation, HookIr, Outcome, OutcomeIr, PlaybookSource};
pub use lifecycle::{ThenExpectIr, ThenStep, ThenStepIr};
pub use scenario::{
    AddedDiskIr, PlanIr, ProgramIr, Requirement, RequirementIr, ScenarioIr, SessionIr, VersionOp,
    VmIr,
};
pub use values::{DatastoreRef, InterpPart, InterpString, SpanIr};

/// Serializes IR to JSON with every `span` / `key_spans` member removed, so two programs
/// that differ only in layout compare equal.
pub fn canonical_json<T: serde::Serialize>(ir: &T) -> serde_json::Value {
    let mut v = serde_json::to_value(ir).unwrap_or(serde_json::Value::Null);
    strip_spans(&mut v);
    v
}

fn strip_spans(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("span");
            m.remove("key_spans");
            m.remove("requested_at");
            for (_, x) in m.iter_mut() {
                strip_spans(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_spans),
        _ => {}
    }
}
