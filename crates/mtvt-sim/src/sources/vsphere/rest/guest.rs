//! Guest information, which needs VMware Tools running: identity, network interfaces, tools
//! state.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::super::VsphereApi;
use super::super::errors::VapiError;
use crate::lab::{OsFamily, ToolsInstall, Vm};

use super::*;

pub(super) fn tools_running_or_503(vm: &Vm) -> ApiResult<()> {
    if vm.tools_running() {
        Ok(())
    } else {
        Err(VapiError::new(
            "SERVICE_UNAVAILABLE",
            "com.vmware.api.vcenter.vm.guest.tools_not_running",
            "VMware Tools is not running in the virtual machine.",
        ))
    }
}

pub(crate) async fn guest_identity(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    tools_running_or_503(&vm)?;
    let ip = vm.guest_ips().first().map(|(_, ip)| ip.address.clone());
    let mut v = json!({
        "name": guest_os_enum(&vm),
        "family": if vm.guest_os.family == OsFamily::Windows { "WINDOWS" } else { "LINUX" },
        "full_name": {"args": [], "default_message": vm.guest_os.full_name, "id": format!("vmsg.guestos.{}.label", vm.guest_os.vsphere_id)},
        "host_name": vm.guest_os.hostname,
    });
    if let (Some(ip), Some(m)) = (ip, v.as_object_mut()) {
        m.insert("ip_address".into(), json!(ip));
    }
    Ok(Json(v))
}

pub(crate) async fn guest_interfaces(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    tools_running_or_503(&vm)?;
    Ok(Json(
        vm.nics
            .iter()
            .map(|n| {
                let ips: Vec<Value> = n
                    .ips
                    .iter()
                    .map(|ip| json!({"ip_address": ip.address, "prefix_length": ip.prefix, "origin": if n.static_ip { "MANUAL" } else { "DHCP" }, "state": "PREFERRED"}))
                    .collect();
                json!({"mac_address": n.mac, "nic": n.key.to_string(), "ip": {"ip_addresses": ips}})
            })
            .collect(),
    ))
}

/// The guest's IPv4 routing table as VMware Tools reports it: a default route through
/// every NIC with a static address (gateway `.1` of its first address's network, as the
/// emulated guest configures it), `interface_index` being the NIC's position in
/// `guest/networking/interfaces`.
pub(crate) async fn guest_routes(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    tools_running_or_503(&vm)?;
    Ok(Json(
        vm.nics
            .iter()
            .enumerate()
            .filter(|(_, n)| n.static_ip)
            .filter_map(|(i, n)| {
                let first = n.ips.first()?;
                let gateway =
                    crate::guest::model::gateway_of(&format!("{}/{}", first.address, first.prefix));
                Some(json!({"network": "0.0.0.0", "prefix_length": 0,
                    "gateway_address": gateway, "interface_index": i}))
            })
            .collect(),
    ))
}

pub(crate) async fn tools(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    let version_status = match vm.tools {
        ToolsInstall::Installed => "CURRENT",
        ToolsInstall::Outdated => "SUPPORTED_OLD",
        ToolsInstall::NotInstalled => "NOT_INSTALLED",
    };
    let mut v = json!({"run_state": if vm.tools_running() { "RUNNING" } else { "NOT_RUNNING" },
                       "version_status": version_status, "upgrade_policy": "MANUAL", "auto_update_supported": false,
                       "install_attempt_count": 0});
    if vm.tools != ToolsInstall::NotInstalled
        && let Some(m) = v.as_object_mut()
    {
        m.insert("version".into(), json!("12352"));
        m.insert("version_number".into(), json!(12352));
        m.insert("install_type".into(), json!("OPEN_VM_TOOLS"));
    }
    Ok(Json(v))
}
