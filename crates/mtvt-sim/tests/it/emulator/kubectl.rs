//! The done-when flow with nothing but kubectl: Secret, Provider, maps, Plan and Migration
//! for `mtv-tests-rhel8` end with the Plan `Succeeded`, a VirtualMachine, PVCs and a running
//! VMI; the same with a failing PostHook ends `Failed` at `PostHook` with the VM kept.
//! Not run without kubectl (unless `MTVT_REQUIRE_KUBECTL=1`).

use base64::Engine;

use crate::harness::kubectl::{Kubectl, kubectl};
use crate::harness::*;

fn manifests(p: &serde_json::Value, ns: &str, post_hook: Option<&str>) -> String {
    let hooks = match post_hook {
        Some(_) => {
            format!("\n    hooks: [{{hook: {{name: post, namespace: {ns}}}, step: PostHook}}]")
        }
        None => String::new(),
    };
    let hook_obj = match post_hook {
        Some(pb) => format!(
            "---\napiVersion: forklift.konveyor.io/v1beta1\nkind: Hook\nmetadata: {{name: post, namespace: {ns}}}\nspec: {{image: quay.io/konveyor/hook-runner, playbook: {}}}\n",
            base64::engine::general_purpose::STANDARD.encode(pb)
        ),
        None => String::new(),
    };
    format!(
        r#"apiVersion: v1
kind: Namespace
metadata: {{name: {ns}}}
---
apiVersion: v1
kind: Secret
metadata: {{name: vsphere-secret, namespace: {ns}}}
stringData: {{user: "{user}", password: "{pw}", url: "{url}", insecureSkipVerify: "true"}}
---
apiVersion: forklift.konveyor.io/v1beta1
kind: Provider
metadata: {{name: vsphere, namespace: {ns}}}
spec: {{type: vsphere, url: "{url}", secret: {{name: vsphere-secret, namespace: {ns}}}}}
---
apiVersion: forklift.konveyor.io/v1beta1
kind: NetworkMap
metadata: {{name: net, namespace: {ns}}}
spec:
  provider: {{source: {{name: vsphere, namespace: {ns}}}, destination: {{name: host, namespace: openshift-mtv}}}}
  map: [{{source: {{name: VM Network}}, destination: {{type: pod}}}}]
---
apiVersion: forklift.konveyor.io/v1beta1
kind: StorageMap
metadata: {{name: st, namespace: {ns}}}
spec:
  provider: {{source: {{name: vsphere, namespace: {ns}}}, destination: {{name: host, namespace: openshift-mtv}}}}
  map: [{{source: {{name: mtv-ontap-xcopy-01}}, destination: {{storageClass: ocs-storagecluster-ceph-rbd}}}}]
{hook_obj}---
apiVersion: forklift.konveyor.io/v1beta1
kind: Plan
metadata: {{name: plan-1, namespace: {ns}}}
spec:
  provider: {{source: {{name: vsphere, namespace: {ns}}}, destination: {{name: host, namespace: openshift-mtv}}}}
  map: {{network: {{name: net, namespace: {ns}}}, storage: {{name: st, namespace: {ns}}}}}
  targetNamespace: {ns}
  targetPowerState: "on"
  vms:
  - name: mtv-tests-rhel8{hooks}
"#,
        user = p["username"].as_str().unwrap(),
        pw = p["password"].as_str().unwrap(),
        url = p["api_url"].as_str().unwrap(),
    )
}

const MIGRATION_YAML: &str = "apiVersion: forklift.konveyor.io/v1beta1\nkind: Migration\nmetadata: {name: m1, namespace: NS}\nspec: {plan: {name: plan-1, namespace: NS}}\n";

#[tokio::test]
async fn kubectl_only_migration_succeeds_and_post_hook_failure_keeps_the_vm() {
    let Some(bin) = kubectl() else { return };
    let env = Env::start().await;
    let kc = Kubectl::new(bin, |path| env.emu.write_kubeconfig(path));
    let p = env.profile("vsphere");
    let handle = tokio::task::spawn_blocking(move || {
        kc.ok(&["apply", "-f", "-"], Some(&manifests(&p, "ok", None)));
        kc.ok(
            &[
                "wait",
                "--for=condition=Ready",
                "plan/plan-1",
                "-n",
                "ok",
                "--timeout=30s",
            ],
            None,
        );
        kc.ok(
            &["apply", "-f", "-"],
            Some(&MIGRATION_YAML.replace("NS", "ok")),
        );
        kc.ok(
            &[
                "wait",
                "--for=condition=Succeeded",
                "plan/plan-1",
                "-n",
                "ok",
                "--timeout=30s",
            ],
            None,
        );
        kc.ok(
            &[
                "wait",
                "--for=jsonpath={.status.printableStatus}=Running",
                "vm/mtv-tests-rhel8",
                "-n",
                "ok",
                "--timeout=30s",
            ],
            None,
        );
        kc.ok(
            &[
                "wait",
                "--for=jsonpath={.status.phase}=Running",
                "vmi/mtv-tests-rhel8",
                "-n",
                "ok",
                "--timeout=30s",
            ],
            None,
        );
        let pvcs = kc.ok(&["get", "pvc", "-n", "ok", "-o", "name"], None);
        assert!(
            pvcs.contains("persistentvolumeclaim/plan-1-mtv-tests-rhel8-disk-0-"),
            "{pvcs}"
        );
        // The same with a failing PostHook. The migrated VM keeps the source MACs, so it
        // goes first (or the new plan reports MacConflicts, as Forklift does).
        kc.ok(
            &["delete", "vm", "mtv-tests-rhel8", "-n", "ok", "--wait=true"],
            None,
        );
        let fail = "- hosts: localhost\n  tasks:\n  - name: Task that will fail\n    fail:\n      msg: \"This hook is designed to fail\"\n";
        kc.ok(
            &["apply", "-f", "-"],
            Some(&manifests(&p, "hk", Some(fail))),
        );
        kc.ok(
            &[
                "wait",
                "--for=condition=Ready",
                "plan/plan-1",
                "-n",
                "hk",
                "--timeout=30s",
            ],
            None,
        );
        kc.ok(
            &["apply", "-f", "-"],
            Some(&MIGRATION_YAML.replace("NS", "hk")),
        );
        kc.ok(
            &[
                "wait",
                "--for=condition=Failed",
                "plan/plan-1",
                "-n",
                "hk",
                "--timeout=30s",
            ],
            None,
        );
        // The Plan's own record of the failure (the Migration mirrors it only while the Plan
        // is Ready, and the kept target VM's MACs make the failed plan MacConflicts right
        // after: validation.go:1005-1010 re-validates every VM that did not succeed, and
        // vsphere/validator.go:261-285 does not exclude the plan's own target VM).
        let step = kc.ok(
            &[
                "get",
                "plan",
                "-n",
                "hk",
                "-o",
                "jsonpath={.items[0].status.migration.vms[0].error.phase}",
            ],
            None,
        );
        assert_eq!(step.trim(), "PostHook");
        kc.ok(&["get", "vm", "mtv-tests-rhel8", "-n", "hk"], None);
        kc
    });
    drop(handle.await.unwrap());
    env.emu.shutdown().await;
}
