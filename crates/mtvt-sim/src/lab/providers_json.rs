//! Renders the `.providers.json` document (the pytest suite's provider config format) that
//! tells the runner how to reach this lab's source APIs and which credentials to use.
//!
//! Pure: it takes the base URL at which each provider's API is served and returns JSON. It
//! is the only place besides the source APIs where lab passwords are read.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::Lab;
use super::model::{Provider, ProviderKind};

/// Host[:port] of a base URL (`http://127.0.0.1:4000/x` → `127.0.0.1:4000`).
fn fqdn(base: &str) -> String {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.split('/').next().unwrap_or_default().to_string()
}

/// The `endpoints` key of a vSphere lab provider's standalone ESXi SDK endpoint.
pub fn esxi_endpoint_key(name: &str) -> String {
    format!("{name}@esxi")
}

/// The `.providers.json` document for `lab`.
///
/// `endpoints` maps a lab provider name to the base URL its source API is served at
/// (e.g. `"vsphere" → "http://127.0.0.1:41001"`). Keys of the result are the lab provider
/// names; a vSphere provider with `copy_offload` also yields `<name>-copy-offload`.
/// `api_url` is `<base>/sdk` (vSphere), `<base>/ovirt-engine/api` (oVirt), `<base>/v3`
/// (OpenStack), the NFS share (OVA) and empty (OpenShift, which uses the cluster itself).
/// A vSphere provider with an `esxi_endpoint` (its base URL under
/// [`esxi_endpoint_key`]) also yields `<name>-esxi`: the suite's ESXi profile
/// (`endpoint_type: esxi`, `clone_provider: <name>`, `api_url` the host's SDK).
/// `esxi` maps a lab provider name to `host:port` of the SSH server of its first ESXi host:
/// the copy-offload profile's `esxi_host` (with `esxi_user` root and `esxi_password`).
pub fn render_providers_json(
    lab: &Lab,
    endpoints: &BTreeMap<String, String>,
    esxi: &BTreeMap<String, String>,
) -> Value {
    let mut out = Map::new();
    for p in &lab.providers {
        let base = endpoints
            .get(&p.name)
            .map(|b| b.trim_end_matches('/').to_string());
        let entry = entry(lab, p, base.as_deref());
        if let (Some(co), Value::Object(mut e)) = (&p.copy_offload, entry.clone()) {
            let mut c = Map::new();
            c.insert("storage_vendor_product".into(), json!(co.vendor));
            c.insert("datastore_id".into(), json!(co.datastore_id));
            if let Some(s) = &co.secondary_datastore_id {
                c.insert("secondary_datastore_id".into(), json!(s));
            }
            if let Some(s) = &co.non_xcopy_datastore_id {
                c.insert("non_xcopy_datastore_id".into(), json!(s));
            }
            c.insert("storage_hostname".into(), json!(co.storage_hostname));
            c.insert("storage_username".into(), json!(co.storage_username));
            c.insert(
                "storage_password".into(),
                json!(co.storage_password.expose()),
            );
            if let Some(r) = &co.rdm_lun_uuid {
                c.insert("rdm_lun_uuid".into(), json!(r));
            }
            if let Some(m) = &co.esxi_clone_method {
                c.insert("esxi_clone_method".into(), json!(m));
            }
            if let Some(h) = esxi.get(&p.name) {
                c.insert("esxi_host".into(), json!(h));
                c.insert("esxi_user".into(), json!("root"));
                c.insert("esxi_password".into(), json!(co.esxi_password.expose()));
            }
            for (k, v) in &co.extra {
                c.insert(k.clone(), json!(v));
            }
            e.insert("copyoffload".into(), Value::Object(c));
            out.insert(p.name.clone(), entry);
            out.insert(format!("{}-copy-offload", p.name), Value::Object(e));
        } else {
            out.insert(p.name.clone(), entry);
        }
        if let (Some(_), Some(b)) = (&p.esxi_endpoint, endpoints.get(&esxi_endpoint_key(&p.name)))
            && let Value::Object(mut e) = self::entry(lab, p, Some(b.trim_end_matches('/')))
        {
            e.insert("endpoint_type".into(), json!("esxi"));
            e.insert("clone_provider".into(), json!(p.name));
            out.insert(format!("{}-esxi", p.name), Value::Object(e));
        }
    }
    Value::Object(out)
}

fn entry(lab: &Lab, p: &Provider, base: Option<&str>) -> Value {
    let g = &lab.guest_credentials;
    let (fqdn, api_url) = match (p.kind, base) {
        (ProviderKind::Vsphere, Some(b)) => (fqdn(b), format!("{b}/sdk")),
        (ProviderKind::Ovirt, Some(b)) => (fqdn(b), format!("{b}/ovirt-engine/api")),
        (ProviderKind::Openstack, Some(b)) => (fqdn(b), format!("{b}/v3")),
        (ProviderKind::Ova, _) => (String::new(), p.nfs_share.clone().unwrap_or_default()),
        // the Provider URL of a Hyper-V provider is the host's address (WinRM)
        (ProviderKind::Hyperv, _) => {
            let h = p.hosts.first().map(|h| h.name.clone()).unwrap_or_default();
            (h.clone(), h)
        }
        _ => (String::new(), String::new()),
    };
    let mut e = Map::new();
    e.insert("type".into(), json!(p.kind.as_str()));
    e.insert("version".into(), json!(p.version));
    e.insert("fqdn".into(), json!(fqdn));
    e.insert("api_url".into(), json!(api_url));
    e.insert("username".into(), json!(p.credentials.username));
    e.insert("password".into(), json!(p.credentials.password.expose()));
    e.insert("guest_vm_linux_user".into(), json!(g.linux_user));
    e.insert(
        "guest_vm_linux_password".into(),
        json!(g.linux_password.expose()),
    );
    e.insert("guest_vm_win_user".into(), json!(g.windows_user));
    e.insert(
        "guest_vm_win_password".into(),
        json!(g.windows_password.expose()),
    );
    match p.kind {
        ProviderKind::Vsphere => {
            e.insert("vddk_init_image".into(), json!(p.vddk_init_image));
        }
        ProviderKind::Openstack => {
            let c = &p.credentials;
            e.insert("project_name".into(), json!(c.project_name));
            e.insert("user_domain_name".into(), json!(c.user_domain_name));
            e.insert("region_name".into(), json!(c.region_name));
            e.insert("user_domain_id".into(), json!(c.user_domain_id));
            e.insert("project_domain_id".into(), json!(c.project_domain_id));
        }
        ProviderKind::Hyperv => {
            e.insert("smb_url".into(), json!(p.nfs_share));
        }
        _ => {}
    }
    Value::Object(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_lab_profiles() {
        let lab = Lab::default_lab().unwrap();
        let mut eps = BTreeMap::new();
        eps.insert("vsphere".to_string(), "http://127.0.0.1:4001/".to_string());
        eps.insert("ovirt".to_string(), "http://127.0.0.1:4002".to_string());
        eps.insert("openstack".to_string(), "http://127.0.0.1:4003".to_string());
        eps.insert(
            esxi_endpoint_key("vsphere"),
            "http://127.0.0.1:4004".to_string(),
        );
        let doc = render_providers_json(&lab, &eps, &BTreeMap::new());
        for key in [
            "vsphere",
            "vsphere-copy-offload",
            "ovirt",
            "openstack",
            "openshift",
            "ova",
        ] {
            assert!(doc.get(key).is_some(), "missing profile {key}");
        }
        assert_eq!(doc["vsphere"]["api_url"], "http://127.0.0.1:4001/sdk");
        assert_eq!(doc["vsphere"]["fqdn"], "127.0.0.1:4001");
        assert_eq!(
            doc["ovirt"]["api_url"],
            "http://127.0.0.1:4002/ovirt-engine/api"
        );
        assert_eq!(doc["openstack"]["api_url"], "http://127.0.0.1:4003/v3");
        assert!(doc["vsphere"].get("copyoffload").is_none());
        let co = &doc["vsphere-copy-offload"]["copyoffload"];
        let vs = lab.provider("vsphere").unwrap();
        let off = vs.copy_offload.as_ref().unwrap();
        assert_eq!(co["datastore_id"], off.datastore_id.as_str());
        assert_eq!(co["storage_vendor_product"], "ontap");
        assert!(co["secondary_datastore_id"].is_string());
        assert!(co["non_xcopy_datastore_id"].is_string());
        assert!(co["rdm_lun_uuid"].as_str().unwrap().starts_with("naa."));
        assert_eq!(doc["vsphere"]["password"], vs.credentials.password.expose());
        assert!(
            doc["openstack"]["project_name"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert_eq!(doc["openshift"]["api_url"], "");
        let esxi = &doc["vsphere-esxi"];
        assert_eq!(esxi["api_url"], "http://127.0.0.1:4004/sdk");
        assert_eq!(esxi["endpoint_type"], "esxi");
        assert_eq!(esxi["clone_provider"], "vsphere");
        assert_eq!(esxi["type"], "vsphere");
        assert!(doc["ova"]["api_url"].as_str().unwrap().contains(':'));
        assert_eq!(doc["hyperv"]["type"], "hyperv");
        assert_eq!(doc["hyperv"]["api_url"], "hyperv-01.mtv.lab");
        assert_eq!(doc["hyperv"]["smb_url"], "//hyperv-01.mtv.lab/VMShare");
    }
}
