//! The CA of the cluster's default ingress (OpenShift publishes it in the ConfigMap
//! `openshift-config-managed/default-ingress-cert`, key `ca-bundle.crt`), read over the
//! verified API connection so that Routes such as the Forklift inventory's can be verified
//! without turning verification off. Absent (not OpenShift, no access): `None`.

use k8s_openapi::api::core::v1::ConfigMap;

/// Namespace and name of the ConfigMap.
const WHERE: (&str, &str) = ("openshift-config-managed", "default-ingress-cert");

/// The PEM bundle of the ingress CA, when the cluster publishes one this identity may read.
pub async fn ingress_ca(client: &kube::Client) -> Option<Vec<u8>> {
    let api: kube::Api<ConfigMap> = kube::Api::namespaced(client.clone(), WHERE.0);
    let cm = api.get_opt(WHERE.1).await.ok().flatten()?;
    let pem = cm.data?.remove("ca-bundle.crt")?;
    pem.contains("-----BEGIN CERTIFICATE-----")
        .then(|| pem.into_bytes())
}
