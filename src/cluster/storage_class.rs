//! The cluster's default StorageClass (annotation
//! `storageclass.kubernetes.io/is-default-class: "true"`), used by `mtvt run` when neither
//! `--storage-class` nor the session's `storage_class` names one.

use kube::api::{Api, DynamicObject, ListParams};

const DEFAULT_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

/// The default class's name, if exactly one is marked default.
pub async fn default_storage_class(client: &kube::Client) -> Option<String> {
    let ar = kube::api::ApiResource::from_gvk_with_plural(
        &kube::api::GroupVersionKind::gvk("storage.k8s.io", "v1", "StorageClass"),
        "storageclasses",
    );
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
    let list = api.list(&ListParams::default()).await.ok()?;
    let defaults: Vec<String> = list
        .items
        .into_iter()
        .filter(|o| {
            o.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_ANNOTATION))
                .is_some_and(|v| v == "true")
        })
        .filter_map(|o| o.metadata.name)
        .collect();
    match defaults.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}
