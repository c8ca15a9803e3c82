//! The target VM's interfaces and networks: one per mapped NIC (ignored ones skipped), named
//! `net-N`, by the plan's network name template (vSphere), or as on the source VM (OpenShift);
//! masquerade on the pod network, bridge on a Multus NAD.

use mtvt_gotemplate::forklift::{NetworkNameData, render_network_name};
use serde_json::{Value, json};

use super::super::super::catalog::{SourceView, SourceVm};
use super::super::super::json_edit::{put, text};
use super::super::validation::network_entry;
use crate::lab::ProviderKind;

pub(super) fn nics(
    plan: &Value,
    view: &SourceView<'_>,
    network_map: &Value,
    vm: &SourceVm,
    kind: ProviderKind,
) -> (Vec<Value>, Vec<Value>) {
    let tpl = text(plan, "/spec/networkNameTemplate");
    let mut interfaces = Vec::new();
    let mut networks = Vec::new();
    let src_ifaces = vm
        .object
        .as_ref()
        .and_then(|o| o.pointer("/spec/template/spec/domain/devices/interfaces"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut n = 0;
    for nic in &vm.nics {
        let Some(e) = network_entry(network_map, view, &nic.network) else {
            continue;
        };
        let dtype = text(e, "/destination/type");
        if dtype == "ignored" || dtype.is_empty() {
            continue;
        }
        let name = if kind == ProviderKind::Vsphere && !tpl.is_empty() {
            render_network_name(
                tpl,
                &NetworkNameData {
                    network_name: text(e, "/destination/name").into(),
                    network_namespace: text(e, "/destination/namespace").into(),
                    network_type: dtype.into(),
                    network_index: n,
                },
            )
            .unwrap_or(format!("net-{n}"))
        } else if kind == ProviderKind::Openshift {
            src_ifaces
                .iter()
                .find(|i| text(i, "/macAddress") == nic.mac)
                .map(|i| text(i, "/name").to_string())
                .unwrap_or(format!("net-{n}"))
        } else {
            format!("net-{n}")
        };
        n += 1;
        let mut iface = json!({"name": name, "model": "virtio", "macAddress": nic.mac});
        if dtype == "pod" {
            put(&mut iface, "/masquerade", json!({}));
            networks.push(json!({"name": name, "pod": {}}));
        } else {
            put(&mut iface, "/bridge", json!({}));
            let nad = format!(
                "{}/{}",
                text(e, "/destination/namespace"),
                text(e, "/destination/name")
            );
            networks.push(json!({"name": name, "multus": {"networkName": nad}}));
        }
        interfaces.push(iface);
    }
    (interfaces, networks)
}
