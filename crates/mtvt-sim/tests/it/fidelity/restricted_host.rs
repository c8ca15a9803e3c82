//! Restricted host providers (fidelity-review rows 2 and 12): a host Provider (`type:
//! openshift`, empty URL) outside the controller namespace is `IsRestrictedHost`
//! (pkg/apis/forklift/v1beta1/provider.go:189-198). Its inventory lists VMs of its own
//! namespace and NADs of its namespace and `default` only
//! (pkg/controller/provider/web/ocp/base.go:182-193, 294-323); the NetworkMap destination
//! check and the plan's `VMAlreadyExists`/`MacConflicts` go through that inventory
//! (pkg/controller/map/network/validation.go:144-200; pkg/controller/plan/validation.go
//! :1205-1226, 1286-1311).

use serde_json::{Value, json};

use super::{condition, host_provider, nad, names};
use crate::harness::*;

/// A halted KubeVirt VM `name` in `ns`, with one interface of MAC `mac`.
async fn kubevirt_vm(env: &Env, ns: &str, name: &str, mac: &str) {
    env.create(
        VM,
        ns,
        json!({"metadata": {"name": name}, "spec": {"runStrategy": "Halted", "template": {"spec": {
            "domain": {"devices": {"interfaces": [{"name": "net-0", "macAddress": mac, "masquerade": {}}]}},
            "networks": [{"name": "net-0", "pod": {}}]}}}}),
    )
    .await;
}

fn uid(p: &Value) -> String {
    p["metadata"]["uid"].as_str().unwrap().to_string()
}

/// A restricted host lists VMs of its namespace only (whatever namespace is asked), NADs of
/// its namespace and `default` (another asked namespace lists nothing) and only its own
/// namespace; the `host` provider in the MTV namespace lists everything
/// (pkg/controller/provider/web/ocp/base.go:182-193, 235-262, 294-323).
#[tokio::test]
async fn restricted_host_inventory_lists_its_namespace_and_default_nads_only() {
    let env = Env::start().await;
    for ns in ["team", "other"] {
        namespace(&env, ns).await;
    }
    nad(&env, "team", "a").await;
    nad(&env, "default", "d").await;
    nad(&env, "other", "o").await;
    kubevirt_vm(&env, "team", "mine", "02:00:00:00:00:01").await;
    kubevirt_vm(&env, "other", "theirs", "02:00:00:00:00:02").await;
    let local = host_provider(&env, "team", "local").await;
    let base = format!("providers/openshift/{}", uid(&local));
    let nads = |q: &str| format!("{base}/networkattachmentdefinitions{q}");
    assert_eq!(
        names(&inventory(&env, &nads("")).await),
        ["default/d", "team/a"]
    );
    assert_eq!(
        names(&inventory(&env, &nads("?namespace=default")).await),
        ["default/d"]
    );
    assert!(
        names(&inventory(&env, &nads("?namespace=other")).await).is_empty(),
        "a namespace outside the provider's and default lists nothing"
    );
    assert_eq!(
        names(&inventory(&env, &format!("{base}/vms")).await),
        ["team/mine"]
    );
    assert_eq!(
        names(&inventory(&env, &format!("{base}/vms?namespace=other")).await),
        ["team/mine"],
        "the provider's namespace wins over the asked one"
    );
    assert_eq!(
        names(&inventory(&env, &format!("{base}/namespaces")).await),
        ["/team"]
    );
    let host = env.get(PROVIDER, MTV, "host").await;
    let all = names(
        &inventory(
            &env,
            &format!(
                "providers/openshift/{}/networkattachmentdefinitions",
                uid(&host)
            ),
        )
        .await,
    );
    assert!(
        ["default/d", "other/o", "team/a"]
            .iter()
            .all(|n| all.contains(&n.to_string()))
    );
    env.emu.shutdown().await;
}

/// A NetworkMap whose multus destination is a NAD the restricted destination does not list is
/// Critical `DestinationNetworkNotValid` (NotFound, "Destination network (NAD) not found.",
/// items `ns/name`), and a Plan using it gets `NetworkMapNotReady`; a NAD of the provider's
/// namespace is found
/// (pkg/controller/map/network/validation.go:144-200; pkg/controller/plan/validation.go
/// :586-592).
#[tokio::test]
async fn nad_outside_a_restricted_destination_is_not_found_and_blocks_the_plan() {
    let env = Env::start().await;
    namespace(&env, "tgt").await;
    namespace(&env, "team").await;
    host_provider(&env, "team", "local").await;
    let to = Destination {
        provider: json!({"name": "local", "namespace": "team"}),
        nad_namespace: "tgt".into(),
        map_ready: false,
    };
    let s = standard_plan_to(
        &env,
        "team",
        "vsphere",
        &["mtv-rhel8-warm-2disks2nics"],
        json!({"targetNamespace": "tgt"}),
        &to,
    )
    .await;
    let net = env
        .wait(NETMAP, "team", "net", 10, |m| {
            condition(m, "DestinationNetworkNotValid").is_some()
        })
        .await;
    let c = condition(&net, "DestinationNetworkNotValid").unwrap();
    assert_eq!(
        (&c["status"], &c["category"], &c["reason"], &c["message"]),
        (
            &json!("True"),
            &json!("Critical"),
            &json!("NotFound"),
            &json!("Destination network (NAD) not found.")
        )
    );
    assert_eq!(c["items"], json!(["tgt/nad-1"]));
    assert!(!has(&net, "Ready"));
    let plan = env
        .wait(PLAN, "team", &s.plan, 10, |p| has(p, "NetworkMapNotReady"))
        .await;
    assert!(!has(&plan, "Ready"));
    // A NAD in the provider's own namespace is listed: the map and the plan get Ready (the
    // plan's NAD-namespace rule allows the target namespace or `default` only, so target
    // `team` now).
    nad(&env, "team", "nad-1").await;
    let mut map = net["spec"]["map"].clone();
    map[1]["destination"]["namespace"] = json!("team");
    env.patch(NETMAP, "team", "net", json!({"spec": {"map": map}}))
        .await;
    env.patch(
        PLAN,
        "team",
        &s.plan,
        json!({"spec": {"targetNamespace": "team"}}),
    )
    .await;
    ready(&env, NETMAP, "team", "net").await;
    ready(&env, PLAN, "team", &s.plan).await;
    env.emu.shutdown().await;
}

/// `VMAlreadyExists` and `MacConflicts` only see the VMs the destination inventory lists: a
/// VM of the target name with the source VM's MAC in the target namespace blocks a plan to
/// the unrestricted `host`, not one to a restricted host of another namespace. The
/// `MacConflicts` text names the VM, the MACs and the destination VM
/// (pkg/controller/plan/validation.go:1205-1226, 1286-1311; adapter/base/mac_conflicts.go).
#[tokio::test]
async fn target_checks_see_only_what_the_destination_inventory_lists() {
    let env = Env::start().await;
    namespace(&env, "tgt").await;
    let vm = "mtv-tests-rhel8";
    // A plan to `host` first, to read the source MAC and compare.
    let s = standard_plan(
        &env,
        "team",
        "vsphere",
        &[vm],
        json!({"targetNamespace": "tgt"}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    let src = env.get(PROVIDER, "team", "src").await;
    let id = &s.vm_ids[0];
    let detail = inventory(&env, &format!("providers/vsphere/{}/vms/{id}", uid(&src))).await;
    let mac = detail["nics"][0]["mac"].as_str().unwrap().to_string();
    kubevirt_vm(&env, "tgt", vm, &mac).await;
    let blocked = env
        .wait(PLAN, "team", &s.plan, 10, |p| {
            has(p, "VMAlreadyExists") && has(p, "MacConflicts")
        })
        .await;
    let reference = format!(" id:{id} name:'{vm}' ");
    assert_eq!(
        condition(&blocked, "MacConflicts").unwrap()["message"],
        format!(
            "VM {reference} has MAC address conflicts: MACs {mac} conflict with destination VM tgt/{vm}"
        )
    );
    assert_eq!(
        condition(&blocked, "MacConflicts").unwrap()["items"],
        json!([reference])
    );
    // The same plan through a restricted host in `team`: neither check sees `tgt`.
    host_provider(&env, "team", "local").await;
    let pair = json!({"source": {"name": "src", "namespace": "team"}, "destination": {"name": "local", "namespace": "team"}});
    for kind in [NETMAP, STORAGEMAP] {
        let name = if kind.kind == "NetworkMap" {
            "net"
        } else {
            "st"
        };
        env.patch(kind, "team", name, json!({"spec": {"provider": pair}}))
            .await;
    }
    env.patch(PLAN, "team", &s.plan, json!({"spec": {"provider": pair}}))
        .await;
    let plan = env
        .wait(PLAN, "team", &s.plan, 10, |p| {
            text_of(p, "/spec/provider/destination/name") == "local" && has(p, "Ready")
        })
        .await;
    assert!(!has(&plan, "VMAlreadyExists") && !has(&plan, "MacConflicts"));
    env.emu.shutdown().await;
}

fn text_of<'a>(v: &'a Value, ptr: &str) -> &'a str {
    v.pointer(ptr).and_then(Value::as_str).unwrap_or_default()
}
