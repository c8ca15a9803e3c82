//! A VM's fresh pipeline (`Pipeline()`, pkg/controller/plan/migrator/base/migrator.go
//! :73-255): one step per anchor phase of its itinerary, `Pending` (`Cutover`: no phase until
//! it runs), progress `0/1`, except the disk steps, whose progress is the MB of one task per
//! disk; tasks are named as each provider's builder names them and have no phase until their
//! first progress.

use super::super::catalog::{SourceDisk, SourceVm};
use super::itinerary::{self, Flags};
use super::status::{Progress, Task};
use crate::lab::ProviderKind;

/// The pipeline of a VM about to start.
pub fn fresh(f: &Flags, vm: Option<&SourceVm>) -> Vec<Task> {
    itinerary::steps(f)
        .into_iter()
        .map(|s| {
            let disk = itinerary::is_disk_step(s);
            let mut t = Task {
                name: s.into(),
                description: itinerary::description(s).into(),
                phase: if s == "Cutover" { "" } else { "Pending" }.into(),
                progress: Progress {
                    completed: 0,
                    total: 1,
                },
                ..Default::default()
            };
            if disk {
                t.tasks = vm.map(|v| tasks(f.source, v)).unwrap_or_default();
                t.progress.total = t.tasks.iter().map(|t| t.progress.total).sum();
                t.annotations.insert("unit".into(), "MB".into());
            }
            t
        })
        .collect()
}

/// One task per disk, in MB.
fn tasks(kind: Option<ProviderKind>, vm: &SourceVm) -> Vec<Task> {
    vm.disks
        .iter()
        .map(|d| Task {
            name: task_name(kind, vm, d),
            progress: Progress {
                completed: 0,
                total: (d.capacity >> 20) as i64,
            },
            annotations: [("unit".to_string(), "MB".to_string())].into(),
            ..Default::default()
        })
        .collect()
}

/// The builders' task names: vSphere the backing file (`[ds] vm/vm.vmdk`), oVirt the disk id
/// (adapter/ovirt/builder.go:537-560), OpenStack the image made from the volume
/// (`forklift-migration-vm-<vm>-volume-<volume>`, adapter/openstack/common.go:33-36),
/// OpenShift `<namespace>/<pvc>` (adapter/ocp/builder.go:210-262), OVA `<file>::<disk>`
/// (adapter/ovfbase/builder.go:407-428, 482-484).
fn task_name(kind: Option<ProviderKind>, vm: &SourceVm, d: &SourceDisk) -> String {
    match kind {
        Some(ProviderKind::Ovirt) => d.id.clone(),
        Some(ProviderKind::Openstack) => {
            format!("forklift-migration-vm-{}-volume-{}", vm.id, d.id)
        }
        Some(ProviderKind::Openshift) => d
            .pvc
            .as_ref()
            .map(|(ns, name)| format!("{ns}/{name}"))
            .unwrap_or_else(|| d.id.clone()),
        Some(ProviderKind::Ova) => format!("{}.ova::{}", vm.name, d.file),
        _ if d.file.is_empty() => d.id.clone(),
        _ => d.file.clone(),
    }
}
