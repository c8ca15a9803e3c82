//! Optimistic concurrency under contention: many writers retrying on 409 lose no update.

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, PostParams};

use crate::harness::{Sim, api_err};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_increments_with_retry_on_conflict_lose_nothing() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let c = ConfigMap {
        metadata: ObjectMeta {
            name: Some("counter".into()),
            ..Default::default()
        },
        data: Some([("n".to_string(), "0".to_string())].into()),
        ..Default::default()
    };
    cms.create(&PostParams::default(), &c).await.unwrap();
    let (tasks, per_task) = (16, 10);
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let cms = cms.clone();
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0u32;
            for _ in 0..per_task {
                loop {
                    let mut cur = cms.get("counter").await.unwrap();
                    let n: u64 = cur.data.as_ref().unwrap()["n"].parse().unwrap();
                    cur.data
                        .as_mut()
                        .unwrap()
                        .insert("n".into(), (n + 1).to_string());
                    match cms.replace("counter", &PostParams::default(), &cur).await {
                        Ok(_) => break,
                        Err(e) => {
                            assert!(api_err(e).is_conflict());
                            conflicts += 1;
                        }
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for h in handles {
        conflicts += h.await.unwrap();
    }
    let end = cms.get("counter").await.unwrap();
    assert_eq!(end.data.unwrap()["n"], (tasks * per_task).to_string());
    eprintln!(
        "{} increments, {conflicts} conflicts retried",
        tasks * per_task
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_merge_patches_all_apply() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    cms.create(
        &PostParams::default(),
        &ConfigMap {
            metadata: ObjectMeta {
                name: Some("m".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut handles = Vec::new();
    for i in 0..40 {
        let cms = cms.clone();
        handles.push(tokio::spawn(async move {
            let p = serde_json::json!({"data": {format!("k{i}"): "v"}});
            cms.patch("m", &Default::default(), &kube::api::Patch::Merge(p))
                .await
                .unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(cms.get("m").await.unwrap().data.unwrap().len(), 40);
}
