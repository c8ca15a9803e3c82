//! Assembles [`SourceVmFacts`] for an OpenStack server: flavor (vCPUs, RAM; embedded or
//! fetched), `addresses` (NICs by MAC with network names and IPs), attached Cinder volumes
//! (size, volume type, bootable) and snapshot images. Nova reports no sockets/cores split,
//! firmware or guest agent: those stay `None`/`Unknown`.

use mtvt_vocab::PowerState;
use serde_json::Value;

use super::{KIND, OpenstackClient, Service, clone};
use crate::error::SourceError;
use crate::model::{DiskFacts, GuestToolsState, NicFacts, SourceVmFacts, VmRef};

/// `(mac, network name, ips)` per NIC, in the order of the `addresses` object.
pub(crate) fn addresses(server: &Value) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    for (network, list) in server
        .get("addresses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for a in list.as_array().into_iter().flatten() {
            let mac = a
                .get("OS-EXT-IPS-MAC:mac_addr")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_lowercase();
            let ip = a.get("addr").and_then(Value::as_str).map(str::to_string);
            match out.iter_mut().find(|(m, n, _)| *m == mac && n == network) {
                Some((_, _, ips)) => ips.extend(ip),
                None => out.push((mac, network.clone(), ip.into_iter().collect())),
            }
        }
    }
    out
}

pub(crate) async fn collect(c: &OpenstackClient, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
    let server = c.server(&vm.id).await?;
    let flavor = match server.pointer("/flavor/vcpus") {
        Some(_) => server.get("flavor").cloned().unwrap_or_default(),
        None => {
            let id = server
                .pointer("/flavor/id")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let f = c.get(Service::Compute, &format!("flavors/{id}")).await?;
            f.get("flavor").cloned().unwrap_or(f)
        }
    };
    let mut disks = Vec::new();
    // The guest OS is the boot volume's image `os_distro`, as Forklift reads it (IsWindows,
    // pkg/controller/provider/web/openstack/workload.go:86-92).
    let mut guest_os = None;
    for v in server
        .get("os-extended-volumes:volumes_attached")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(id) = v.get("id").and_then(Value::as_str) else {
            continue;
        };
        let body = c.get(Service::Volume, &format!("volumes/{id}")).await?;
        let vol = body.get("volume").cloned().unwrap_or(body);
        if guest_os.is_none() {
            guest_os = vol
                .pointer("/volume_image_metadata/os_distro")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        disks.push(DiskFacts {
            key: id.to_string(),
            file: vol.get("name").and_then(Value::as_str).map(str::to_string),
            datastore_id: None,
            datastore_name: vol
                .get("volume_type")
                .and_then(Value::as_str)
                .map(str::to_string),
            capacity_bytes: vol.get("size").and_then(Value::as_u64).map(|g| g << 30),
            provisioning: None,
            mode: None,
            shared: vol
                .get("multiattach")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..DiskFacts::default()
        });
    }
    let snapshots = clone::snapshot_images(c, vm).await?;
    let vcpus = flavor.get("vcpus").and_then(Value::as_u64).unwrap_or(0);
    Ok(SourceVmFacts {
        provider: KIND,
        name: server
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&vm.name)
            .to_string(),
        id: vm.id.clone(),
        uuid: Some(vm.id.clone()),
        serial: None,
        power_state: if server.get("status").and_then(Value::as_str) == Some("ACTIVE") {
            PowerState::On
        } else {
            PowerState::Off
        },
        template: false,
        cpu_sockets: None,
        cpu_cores_per_socket: None,
        cpu_count: u32::try_from(vcpus).unwrap_or(u32::MAX),
        memory_mib: flavor.get("ram").and_then(Value::as_u64).unwrap_or(0),
        firmware: None,
        guest_os,
        guest_tools: GuestToolsState::Unknown,
        cbt_enabled: None,
        nics: addresses(&server)
            .into_iter()
            .map(|(mac, network, ips)| NicFacts {
                mac,
                network: Some(network),
                ips,
                static_ip: None,
                prefix: None,
                gateway: None,
            })
            .collect(),
        disks,
        snapshots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn addresses_group_by_mac() {
        let s = json!({"addresses": {"private": [
            {"OS-EXT-IPS-MAC:mac_addr": "FA:16:3E:11:22:33", "addr": "192.168.0.12", "OS-EXT-IPS:type": "fixed"},
            {"OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:11:22:33", "addr": "10.0.0.5", "OS-EXT-IPS:type": "floating"}],
            "second": [{"OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01", "addr": "172.16.0.2"}]}});
        let a = addresses(&s);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].0, "fa:16:3e:11:22:33");
        assert_eq!(a[0].2, vec!["192.168.0.12", "10.0.0.5"]);
        assert_eq!(a[1].1, "second");
    }
}
