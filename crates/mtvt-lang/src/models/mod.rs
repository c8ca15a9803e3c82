//! The typed models assertions are written against: `source` (the source VM before
//! migration), `dest` (the migrated KubeVirt VM with its VMI and PVCs), `plan` (the plan's
//! resolved features), `vm` (the scenario's VM declaration) and `migration` (the outcome).
//!
//! Each model is a serde struct declared once with [`model!`]: the runner fills it at run
//! time, the evaluator reads it (as JSON), and the checker and the docs read the field
//! table ([`fields`]) generated from the same declaration. This module holds data shapes
//! only; it must not evaluate anything.

mod cluster;
mod dest;
mod guest;
mod migration;
mod plan;
mod source;
mod vm;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::schema::types::Type;

pub use cluster::{Cluster, ClusterDataVolume, ClusterPvc, Condition};
pub use dest::{DestDisk, DestNic, DestVm, SshProbe};
pub use guest::{Guest, GuestFile, GuestIp, GuestNic, GuestOs, GuestRun};
pub use migration::{Migration, Step};
pub use plan::Plan;
pub use source::{Cpu, Snapshot, SourceDisk, SourceNic, SourceVm};
pub use vm::{AddedDisk, Vm};

/// One field of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Field name as written after `.`.
    pub name: &'static str,
    /// Its language type.
    pub ty: Type,
    /// What it means (from the `///` comment).
    pub doc: String,
}

/// A model struct with a field table.
pub trait Model {
    /// Which model this is.
    const ID: ModelId;
    /// Its fields in declaration order.
    fn fields() -> Vec<FieldDef>;
}

/// A field's name as written in checks (`r#type` is `type`).
pub(crate) const fn field_name(rust: &'static str) -> &'static str {
    match rust.as_bytes() {
        [b'r', b'#', ..] => match rust.split_at_checked(2) {
            Some((_, name)) => name,
            None => rust,
        },
        _ => rust,
    }
}

/// Joins the lines of a doc comment.
pub(crate) fn doc_text(lines: &[&str]) -> String {
    lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
}

/// Declares a model struct, its [`Model`] impl (field table) and its [`HasType`] impl.
///
/// [`HasType`]: crate::schema::types::HasType
macro_rules! model {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident as $id:ident {
            $( $(#[doc = $fdoc:literal])* $field:ident : $fty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub $field: $fty, )*
        }

        impl crate::schema::types::HasType for $name {
            fn ty() -> crate::schema::types::Type {
                crate::schema::types::Type::Model(crate::models::ModelId::$id)
            }
        }

        impl crate::models::Model for $name {
            const ID: crate::models::ModelId = crate::models::ModelId::$id;
            fn fields() -> Vec<crate::models::FieldDef> {
                vec![$(
                    crate::models::FieldDef {
                        name: crate::models::field_name(stringify!($field)),
                        ty: <$fty as crate::schema::types::HasType>::ty(),
                        doc: crate::models::doc_text(&[$($fdoc),*]),
                    },
                )*]
            }
        }
    };
}
pub(crate) use model;

/// Identifies a model record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ModelId {
    /// `source`
    SourceVm,
    /// `source.cpu`, `dest.cpu`
    Cpu,
    /// `source.nics[]`
    SourceNic,
    /// `source.disks[]`
    SourceDisk,
    /// `source.snapshots[]`
    Snapshot,
    /// `dest`
    DestVm,
    /// `dest.nics[]`
    DestNic,
    /// `dest.disks[]`
    DestDisk,
    /// `dest.ssh`
    SshProbe,
    /// `plan`
    Plan,
    /// `vm`
    Vm,
    /// `vm.added_disks[]`
    AddedDisk,
    /// `migration`
    Migration,
    /// `migration.steps[]`
    Step,
    /// `guest`
    Guest,
    /// `guest.os`
    GuestOs,
    /// `guest.nics[]`
    GuestNic,
    /// `guest.nics[].ips[]`
    GuestIp,
    /// `guest.run(…)`
    GuestRun,
    /// `guest.file(…)`
    GuestFile,
    /// `cluster`
    Cluster,
    /// `cluster.pvcs[]`
    ClusterPvc,
    /// `cluster.data_volumes[]`
    ClusterDataVolume,
    /// `cluster.plan_conditions[]`
    Condition,
}

impl ModelId {
    /// Every model record type, in documentation order.
    pub const ALL: &'static [ModelId] = &[
        ModelId::SourceVm,
        ModelId::Cpu,
        ModelId::SourceNic,
        ModelId::SourceDisk,
        ModelId::Snapshot,
        ModelId::DestVm,
        ModelId::DestNic,
        ModelId::DestDisk,
        ModelId::SshProbe,
        ModelId::Plan,
        ModelId::Vm,
        ModelId::AddedDisk,
        ModelId::Migration,
        ModelId::Step,
        ModelId::Guest,
        ModelId::GuestOs,
        ModelId::GuestNic,
        ModelId::GuestIp,
        ModelId::GuestRun,
        ModelId::GuestFile,
        ModelId::Cluster,
        ModelId::ClusterPvc,
        ModelId::ClusterDataVolume,
        ModelId::Condition,
    ];

    /// The type name shown in messages and docs.
    pub fn type_name(self) -> &'static str {
        match self {
            ModelId::SourceVm => "SourceVm",
            ModelId::Cpu => "Cpu",
            ModelId::SourceNic => "SourceNic",
            ModelId::SourceDisk => "SourceDisk",
            ModelId::Snapshot => "Snapshot",
            ModelId::DestVm => "DestVm",
            ModelId::DestNic => "DestNic",
            ModelId::DestDisk => "DestDisk",
            ModelId::SshProbe => "SshProbe",
            ModelId::Plan => "Plan",
            ModelId::Vm => "Vm",
            ModelId::AddedDisk => "AddedDisk",
            ModelId::Migration => "Migration",
            ModelId::Step => "Step",
            ModelId::Guest => "Guest",
            ModelId::GuestOs => "GuestOs",
            ModelId::GuestNic => "GuestNic",
            ModelId::GuestIp => "GuestIp",
            ModelId::GuestRun => "GuestRun",
            ModelId::GuestFile => "GuestFile",
            ModelId::Cluster => "Cluster",
            ModelId::ClusterPvc => "ClusterPvc",
            ModelId::ClusterDataVolume => "ClusterDataVolume",
            ModelId::Condition => "Condition",
        }
    }
}

/// The roots available in check bodies, with their record types.
pub const ROOTS: &[(&str, ModelId, &str)] = &[
    (
        "source",
        ModelId::SourceVm,
        "the source VM, read before migration",
    ),
    (
        "dest",
        ModelId::DestVm,
        "the migrated VM on the destination cluster",
    ),
    ("plan", ModelId::Plan, "the plan's resolved features"),
    ("vm", ModelId::Vm, "the scenario's declaration of this VM"),
    (
        "migration",
        ModelId::Migration,
        "how the migration of this VM went",
    ),
    (
        "guest",
        ModelId::Guest,
        "the migrated VM's guest OS, read inside it over SSH (`run`, `file`)",
    ),
    (
        "cluster",
        ModelId::Cluster,
        "the destination cluster's objects around the plan, read when the check runs",
    ),
];

static FIELDS: LazyLock<BTreeMap<ModelId, Vec<FieldDef>>> = LazyLock::new(|| {
    let mut m = BTreeMap::new();
    m.insert(ModelId::SourceVm, SourceVm::fields());
    m.insert(ModelId::Cpu, Cpu::fields());
    m.insert(ModelId::SourceNic, SourceNic::fields());
    m.insert(ModelId::SourceDisk, SourceDisk::fields());
    m.insert(ModelId::Snapshot, Snapshot::fields());
    m.insert(ModelId::DestVm, DestVm::fields());
    m.insert(ModelId::DestNic, DestNic::fields());
    m.insert(ModelId::DestDisk, DestDisk::fields());
    m.insert(ModelId::SshProbe, SshProbe::fields());
    m.insert(ModelId::Plan, Plan::fields());
    m.insert(ModelId::Vm, Vm::fields());
    m.insert(ModelId::AddedDisk, AddedDisk::fields());
    m.insert(ModelId::Migration, Migration::fields());
    m.insert(ModelId::Step, Step::fields());
    m.insert(ModelId::Guest, Guest::fields());
    m.insert(ModelId::GuestOs, GuestOs::fields());
    m.insert(ModelId::GuestNic, GuestNic::fields());
    m.insert(ModelId::GuestIp, GuestIp::fields());
    m.insert(ModelId::GuestRun, GuestRun::fields());
    m.insert(ModelId::GuestFile, GuestFile::fields());
    m.insert(ModelId::Cluster, Cluster::fields());
    m.insert(ModelId::ClusterPvc, ClusterPvc::fields());
    m.insert(ModelId::ClusterDataVolume, ClusterDataVolume::fields());
    m.insert(ModelId::Condition, Condition::fields());
    m
});

/// The fields of a model record type.
pub fn fields(id: ModelId) -> &'static [FieldDef] {
    FIELDS.get(&id).map_or(&[], Vec::as_slice)
}

/// One field by name.
pub fn field(id: ModelId, name: &str) -> Option<&'static FieldDef> {
    fields(id).iter().find(|f| f.name == name)
}

/// The record type of a root name (`dest` → `DestVm`).
pub fn root(name: &str) -> Option<ModelId> {
    ROOTS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_documented_fields() {
        for id in ModelId::ALL {
            let fs = fields(*id);
            assert!(!fs.is_empty(), "{id:?} has no fields");
            for f in fs {
                assert!(
                    !f.doc.is_empty(),
                    "{}.{} has no doc",
                    id.type_name(),
                    f.name
                );
            }
        }
        assert_eq!(
            field(ModelId::Cpu, "cores").map(|f| &f.ty),
            Some(&Type::Int)
        );
    }

    #[test]
    fn models_round_trip_through_json() {
        let mut d = DestVm::default();
        d.cpu.cores = 2;
        d.disks.push(DestDisk {
            size: mtvt_vocab::Quantity::gib(30),
            ..DestDisk::default()
        });
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["disks"][0]["size"], "30Gi");
        let back: DestVm = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
        // Missing fields take their defaults, so the runner can fill models gradually.
        let partial: SourceVm = serde_json::from_str(r#"{"name": "x"}"#).unwrap();
        assert_eq!(partial.name, "x");
    }
}
