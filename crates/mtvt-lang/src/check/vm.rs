//! `vm "NAME" { … }` entries and their `add_disk { … }` blocks: the VM's keys, `count`,
//! and the provider-profile data (symbolic datastores, RDM LUNs) it uses.

use std::collections::BTreeMap;

use mtvt_vocab::Duration;

use super::Env;
use super::blocks::validate_block;
use super::layer::{ProfileRef, VmLayer};
use super::values::{TypedValue, ValueCtx};
use crate::diag::{DiagnosticKind, KeyRelation};
use crate::ir::{AddedDiskIr, DatastoreRef, VmIr};
use crate::schema::enums::{DiskMode, PowerState, Provisioning, RdmType};
use crate::schema::keys::BlockKind;
use crate::span::Span;
use crate::syntax::ast::{Arg, Block, Entry, EntryBody, Value, ValueKind};

/// The source VM name of a `vm "NAME"` entry and its span; `None` (after a diagnostic)
/// when the entry has no name, several, or one that is not a string.
fn vm_name(entry: &Entry, ctx: &mut ValueCtx<'_>) -> Option<(String, Span)> {
    Some(match entry.args.as_slice() {
        [g] => match g.args.as_slice() {
            [
                Arg::Value(Value {
                    kind: ValueKind::Str(parts),
                    span,
                }),
            ] => match super::values::interp_string("vm", parts, false, ctx) {
                Some(s) => (s.to_string(), *span),
                None => return None,
            },
            [
                Arg::Value(Value {
                    kind: ValueKind::Raw(s),
                    span,
                }),
            ] => (s.to_string(), *span),
            [Arg::Value(v)] => {
                ctx.sink.push(DiagnosticKind::WrongType {
                    span: v.span,
                    key: String::from("vm"),
                    expected: String::from("the source VM name in quotes"),
                    found: v.kind.describe().to_string(),
                    help: Some(format!(
                        "write `vm \"{}\"`",
                        super::super::expand::matrix::render(v)
                    )),
                });
                return None;
            }
            _ => {
                ctx.sink.push(DiagnosticKind::WrongArgCount {
                    span: g.span,
                    key: String::from("vm"),
                    problem: String::from("takes one VM name"),
                    help: Some(String::from("write one `vm \"NAME\"` entry per VM")),
                });
                return None;
            }
        },
        [] => {
            ctx.sink.push(DiagnosticKind::WrongArgCount {
                span: entry.key.span,
                key: String::from("vm"),
                problem: String::from("needs the source VM name"),
                help: Some(String::from("write `vm \"mtv-tests-rhel8\"`")),
            });
            return None;
        }
        _ => {
            ctx.sink.push(DiagnosticKind::WrongArgCount {
                span: entry.args_span(),
                key: String::from("vm"),
                problem: String::from("takes one VM name"),
                help: Some(String::from("write one `vm \"NAME\"` entry per VM")),
            });
            return None;
        }
    })
}

/// Lowers a `vm "NAME" { … }` entry.
pub(super) fn lower_vm(env: &Env<'_>, entry: &Entry, ctx: &mut ValueCtx<'_>) -> Option<VmLayer> {
    let (name, name_span) = vm_name(entry, ctx)?;
    let empty = Block {
        entries: Vec::new(),
        span: entry.span,
    };
    let block = match &entry.body {
        Some(EntryBody::Block(b)) => b,
        Some(EntryBody::Object(o)) => {
            ctx.sink.push(DiagnosticKind::MissingBlock {
                span: o.span,
                key: String::from("vm"),
                help: Some(String::from(
                    "block entries are written `key value` (no colon)",
                )),
            });
            &empty
        }
        None => &empty,
    };
    let typed = validate_block(BlockKind::Vm, block, ctx);
    let get = |k: &str| typed.get(k).map(|v| &v.node);
    let mut profile_refs = Vec::new();
    let target_datastore = match get("target_datastore") {
        Some(TypedValue::Datastore(d)) => {
            if let (DatastoreRef::Symbol(s), Some(v)) = (d, typed.get("target_datastore")) {
                profile_refs.push(ProfileRef::Datastore(*s, v.span));
            }
            Some(d.clone())
        }
        _ => None,
    };
    let mut added_disks = Vec::new();
    for e in typed.special("add_disk") {
        if let Some(EntryBody::Block(b)) = &e.body
            && let Some(d) = lower_add_disk(env, e, b, ctx, &mut profile_refs)
        {
            added_disks.push(d);
        }
    }
    let count = match get("count") {
        Some(TypedValue::Int(n)) => u32::try_from(*n).unwrap_or(u32::MAX),
        _ => 1,
    };
    let clone = !matches!(get("clone"), Some(TypedValue::Bool(false)));
    if count > 1 && !clone {
        let span = typed.get("count").map_or(entry.span, |v| v.span);
        ctx.sink.push(DiagnosticKind::CountWithoutClone {
            span,
            count: i64::from(count),
        });
    }
    let ir = VmIr {
        source_name: name,
        name_for: match get("name_for") {
            Some(TypedValue::ProviderNames(m)) => m.clone(),
            _ => BTreeMap::new(),
        },
        replica: 0,
        clone,
        clone_name: match get("clone_name") {
            Some(TypedValue::Str(s)) => Some(s.clone()),
            _ => None,
        },
        preserve_name_format: matches!(get("preserve_name_format"), Some(TypedValue::Bool(true))),
        source_power: match get("source_power") {
            Some(TypedValue::Enum(p)) => p.parse::<PowerState>().ok(),
            _ => None,
        },
        guest_agent: matches!(get("guest_agent"), Some(TypedValue::Bool(true))),
        guest_agent_timeout: Duration(0),
        disk_type: match get("disk_type") {
            Some(TypedValue::Enum(p)) => p.parse::<Provisioning>().ok(),
            _ => None,
        },
        target_datastore,
        snapshots: match get("snapshots") {
            Some(TypedValue::Int(n)) => u32::try_from(*n).unwrap_or(u32::MAX),
            _ => 0,
        },
        added_disks,
        luks_passphrase: match get("luks_passphrase") {
            Some(TypedValue::Str(s)) => Some(s.clone()),
            _ => None,
        },
        forklift: match get("forklift") {
            Some(TypedValue::Object(o)) => Some(o.json.clone()),
            _ => None,
        },
        span: env.spans.ir(entry.span),
        key_spans: typed
            .key_spans
            .iter()
            .map(|(k, s)| (k, env.spans.ir(*s)))
            .collect(),
    };
    let agent_timeout = match get("guest_agent_timeout") {
        Some(TypedValue::Duration(d)) => Some(*d),
        _ => None,
    };
    Some(VmLayer {
        ir,
        count,
        agent_timeout,
        name_span,
        profile_refs,
    })
}

pub(super) fn lower_add_disk(
    env: &Env<'_>,
    entry: &Entry,
    block: &Block,
    ctx: &mut ValueCtx<'_>,
    refs: &mut Vec<ProfileRef>,
) -> Option<AddedDiskIr> {
    let typed = validate_block(BlockKind::AddDisk, block, ctx);
    let get = |k: &str| typed.get(k).map(|v| &v.node);
    let rdm = match get("rdm") {
        Some(TypedValue::Enum(r)) => RdmType::parse(r),
        _ => None,
    };
    let size = match get("size") {
        Some(TypedValue::Quantity(q)) => Some(*q),
        _ => None,
    };
    if let Some(rdm_span) = typed.key_spans.get("rdm") {
        refs.push(ProfileRef::Rdm(*rdm_span));
        for other in ["size", "provisioning"] {
            if let Some(s) = typed.key_spans.get(other) {
                ctx.sink.push(DiagnosticKind::ConflictingKeys {
                    span: *s,
                    key: other,
                    relation: KeyRelation::ConflictsWith,
                    other: "rdm",
                    other_span: Some(*rdm_span),
                    help: "an RDM disk maps the whole LUN: remove `size` and `provisioning`",
                });
            }
        }
    } else if !typed.key_spans.contains_key("size") && !typed.values.contains_key("size") {
        ctx.sink.push(DiagnosticKind::MissingKey {
            span: entry.key.span,
            key: String::from("size"),
            context: String::from("`add_disk`"),
            help: Some(String::from(
                "give the disk a size, e.g. `size 30Gi` (or make it `rdm virtual`)",
            )),
        });
    }
    let datastore = match get("datastore") {
        Some(TypedValue::Datastore(d)) => {
            if let (DatastoreRef::Symbol(s), Some(v)) = (d, typed.get("datastore")) {
                refs.push(ProfileRef::Datastore(*s, v.span));
            }
            Some(d.clone())
        }
        _ => None,
    };
    Some(AddedDiskIr {
        size,
        mode: match get("mode") {
            Some(TypedValue::Enum(m)) => m.parse().unwrap_or(DiskMode::Persistent),
            _ => DiskMode::Persistent,
        },
        provisioning: match get("provisioning") {
            Some(TypedValue::Enum(p)) => p.parse().unwrap_or(Provisioning::Thin),
            _ => Provisioning::Thin,
        },
        datastore,
        path: match get("path") {
            Some(TypedValue::Raw(p)) => Some(p.clone()),
            _ => None,
        },
        rdm,
        span: env.spans.ir(entry.span),
    })
}
