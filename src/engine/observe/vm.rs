//! The `vm` model: the scenario's declaration of the VM, defaults applied.

use mtvt_lang::ir::{DatastoreRef, VmIr};
use mtvt_lang::models::{AddedDisk, Vm};

/// The model of `vm`.
pub fn vm_model(vm: &VmIr, session: &str) -> Vm {
    Vm {
        name: vm.source_name.clone(),
        clone: vm.clone,
        clone_name: vm
            .clone_name
            .as_ref()
            .and_then(|c| c.resolve(session, |k| std::env::var(k).ok()).ok()),
        preserve_name_format: vm.preserve_name_format,
        source_power: vm.source_power,
        guest_agent: vm.guest_agent,
        guest_agent_timeout: vm.guest_agent_timeout,
        disk_type: vm.disk_type,
        snapshots: i64::from(vm.snapshots),
        added_disks: vm
            .added_disks
            .iter()
            .map(|d| AddedDisk {
                size: d.size,
                mode: d.mode,
                provisioning: d.provisioning,
                datastore: d.datastore.as_ref().map(|x| match x {
                    DatastoreRef::Symbol(s) => s.as_str().to_string(),
                    DatastoreRef::Id(id) => id.clone(),
                }),
                path: d.path.clone(),
                rdm: d.rdm,
            })
            .collect(),
        luks: vm.luks_passphrase.is_some(),
    }
}
