//! Provider manifests: the source provider (type, URL, Secret, VDDK image, copy-offload
//! annotation, clone method and `sdkEndpoint: esxi`), the local destination (the host cluster: empty URL and
//! Secret) and a remote OpenShift destination (URL + token Secret).

use mtvt_profiles::{EsxiCloneMethod, Profile, SdkEndpoint};
use serde_json::{Map, Value, json};

use super::{Manifest, Owner, object, reference, set, set_in};
use crate::cluster::kinds;

/// The source Provider.
pub fn source_provider(
    name: &str,
    namespace: &str,
    owner: &Owner,
    profile: &Profile,
    url: &str,
    secret_name: &str,
) -> Manifest {
    let mut o = object(kinds::PROVIDER, name, Some(namespace), owner);
    let mut settings = Map::new();
    if let Some(image) = profile.vddk_init_image.as_ref().filter(|i| !i.is_empty()) {
        settings.insert("vddkInitImage".into(), json!(image));
    }
    if profile.endpoint_type == SdkEndpoint::Esxi {
        settings.insert("sdkEndpoint".into(), json!(SdkEndpoint::Esxi.as_str()));
    }
    if let Some(co) = &profile.copyoffload {
        if profile.copyoffload_missing_fields().is_empty() {
            set_in(
                &mut o.body,
                "metadata",
                "annotations",
                json!({
                    mtvt_forklift::copy_offload::EMPTY_VDDK_ANNOTATION.0: mtvt_forklift::copy_offload::EMPTY_VDDK_ANNOTATION.1
                }),
            );
        }
        if co.esxi_clone_method == EsxiCloneMethod::Ssh {
            settings.insert("esxiCloneMethod".into(), json!("ssh"));
        }
    }
    let mut spec = json!({
        "type": profile.provider_type.as_str(),
        "url": url,
        "secret": reference(secret_name, namespace),
    });
    if !settings.is_empty() {
        set(&mut spec, "settings", Value::Object(settings));
    }
    set(&mut o.body, "spec", spec);
    o
}

/// The local (host cluster) destination Provider.
pub fn local_destination(name: &str, namespace: &str, owner: &Owner) -> Manifest {
    let mut o = object(kinds::PROVIDER, name, Some(namespace), owner);
    set(
        &mut o.body,
        "spec",
        json!({"type": "openshift", "url": "", "secret": {}}),
    );
    o
}

/// A remote OpenShift destination Provider.
pub fn remote_destination(
    name: &str,
    namespace: &str,
    owner: &Owner,
    url: &str,
    secret_name: &str,
) -> Manifest {
    let mut o = object(kinds::PROVIDER, name, Some(namespace), owner);
    set(
        &mut o.body,
        "spec",
        json!({
            "type": "openshift",
            "url": url,
            "secret": reference(secret_name, namespace),
        }),
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_offload_profiles_get_the_annotation() {
        let text = r#"{"p": {"type": "vsphere", "fqdn": "vc", "api_url": "https://vc/sdk", "username": "u", "password": "p",
            "vddk_init_image": "quay.io/vddk:8",
            "copyoffload": {"storage_vendor_product": "ontap", "datastore_id": "datastore-1", "storage_hostname": "h",
            "storage_username": "u", "storage_password": "s", "ontap_svm": "svm", "esxi_clone_method": "ssh",
            "esxi_host": "esx", "esxi_user": "root", "esxi_password": "x"}}}"#;
        let f = mtvt_profiles::ProvidersFile::parse("p.json", text).unwrap();
        let p = f.profile("p", &|_| None).unwrap();
        let owner = Owner {
            session: "s".into(),
            scenario: None,
        };
        let o = source_provider("src", "ns", &owner, &p, "https://vc/sdk", "sec");
        assert_eq!(
            o.body["metadata"]["annotations"]["forklift.konveyor.io/empty-vddk-init-image"],
            "yes"
        );
        assert_eq!(
            o.body["spec"]["settings"]["vddkInitImage"],
            "quay.io/vddk:8"
        );
        assert_eq!(o.body["spec"]["settings"]["esxiCloneMethod"], "ssh");
        assert_eq!(
            o.body["spec"]["secret"],
            json!({"name": "sec", "namespace": "ns"})
        );
        let l = local_destination("host", "ns", &owner);
        assert_eq!(
            l.body["spec"],
            json!({"type": "openshift", "url": "", "secret": {}})
        );
    }

    #[test]
    fn esxi_profiles_set_the_sdk_endpoint() {
        let text = r#"{"e": {"type": "vsphere", "fqdn": "esx", "api_url": "https://esx/sdk", "username": "root", "password": "p",
            "endpoint_type": "esxi", "clone_provider": "v"},
            "v": {"type": "vsphere", "fqdn": "vc", "api_url": "https://vc/sdk", "username": "u", "password": "p"}}"#;
        let f = mtvt_profiles::ProvidersFile::parse("p.json", text).unwrap();
        let owner = Owner {
            session: "s".into(),
            scenario: None,
        };
        let e = f.profile("e", &|_| None).unwrap();
        let o = source_provider("src", "ns", &owner, &e, "https://esx/sdk", "sec");
        assert_eq!(o.body["spec"]["settings"], json!({"sdkEndpoint": "esxi"}));
        let v = f.profile("v", &|_| None).unwrap();
        let o = source_provider("src", "ns", &owner, &v, "https://vc/sdk", "sec");
        assert!(o.body["spec"].get("settings").is_none());
    }
}
