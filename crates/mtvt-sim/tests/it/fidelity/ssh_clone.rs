//! Copy offload with `esxiCloneMethod: ssh`: the key Secrets Forklift's provider controller
//! makes for every vSphere provider, the provider's `SSHNotReady`/`SSHReady` conditions
//! while the ESXi hosts lack the restricted key line, and the xcopy populator failing the
//! disk transfer on a host without it. The key is installed as an administrator does it:
//! SSH to the host's SSH server with root's password (the profile's `esxi_*` keys).

use std::sync::Arc;

use base64::Engine;
use russh::client::{self, Handle};
use russh::{ChannelMsg, keys};
use serde_json::{Value, json};

use crate::harness::*;

/// The forced command of Forklift's restricted key line for the emulated MTV 2.10 (v2.10.0
/// pkg/lib/util/sshutils.go:23: the Python wrapper; the shell one since 2.11).
const FORCED: &str = r#"sh -c 'DS=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=\\([^;]*\\);.*/\\1/p\"); CMD=$(echo \"$SSH_ORIGINAL_COMMAND\" | sed -n \"s/^DS=[^;]*;CMD=\\(.*\\)/\\1/p\"); if [ -z \"$DS\" ]; then echo \"SSH_OK\"; else SSH_ORIGINAL_COMMAND=\"$CMD\" exec python /vmfs/volumes/$DS/secure-vmkfstools-wrapper.py; fi'"#;

struct AnyHostKey;

impl client::Handler for AnyHostKey {
    type Error = russh::Error;
    async fn check_server_key(
        &mut self,
        _key: &keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Logs in to the ESXi SSH server of the copy-offload profile as its administrator.
async fn esxi_login(env: &Env, password: &str) -> Option<Handle<AnyHostKey>> {
    let co = &env.profile("vsphere-copy-offload")["copyoffload"];
    let addr = co["esxi_host"].as_str().unwrap().to_string();
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut h = client::connect_stream(Arc::new(client::Config::default()), tcp, AnyHostKey)
        .await
        .unwrap();
    let user = co["esxi_user"].as_str().unwrap().to_string();
    let ok = h.authenticate_password(user, password).await.unwrap();
    ok.success().then_some(h)
}

/// Runs `cmd` with `stdin`; stdout and exit status.
async fn run(h: &Handle<AnyHostKey>, cmd: &str, stdin: &[u8]) -> (String, u32) {
    let mut ch = h.channel_open_session().await.unwrap();
    ch.exec(true, cmd).await.unwrap();
    ch.data(stdin).await.unwrap();
    ch.eof().await.unwrap();
    let (mut out, mut code) = (Vec::new(), u32::MAX);
    while let Some(m) = ch.wait().await {
        match m {
            ChannelMsg::Data { data } => out.extend_from_slice(&data),
            ChannelMsg::ExitStatus { exit_status } => code = exit_status,
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), code)
}

/// Appends `line` to root's authorized_keys on the profile's ESXi host.
async fn install(env: &Env, line: &str) {
    let co = &env.profile("vsphere-copy-offload")["copyoffload"];
    let h = esxi_login(env, co["esxi_password"].as_str().unwrap())
        .await
        .expect("root's password is accepted");
    let (current, _) = run(&h, "cat /etc/ssh/keys-root/authorized_keys", b"").await;
    let next = format!("{current}{line}\n");
    let (_, code) = run(
        &h,
        "mkdir -p /etc/ssh/keys-root && cat > /tmp/ak && mv /tmp/ak /etc/ssh/keys-root/authorized_keys && chmod 600 /etc/ssh/keys-root/authorized_keys",
        next.as_bytes(),
    )
    .await;
    assert_eq!(code, 0);
}

fn decoded(secret: &Value, key: &str) -> String {
    let b = base64::engine::general_purpose::STANDARD
        .decode(secret["data"][key].as_str().unwrap())
        .unwrap();
    String::from_utf8(b).unwrap()
}

/// The restricted line for the provider `src` in `ns`.
async fn restricted_line(env: &Env, ns: &str) -> String {
    let public = env.get(SECRET, ns, "offload-ssh-keys-src-public").await;
    let key = decoded(&public, "public-key");
    format!(
        "command=\"{FORCED}\",no-port-forwarding,no-agent-forwarding,no-X11-forwarding {}",
        key.trim()
    )
}

async fn use_ssh(env: &Env, ns: &str) {
    env.patch(
        PROVIDER,
        ns,
        "src",
        json!({"spec": {"settings": {"esxiCloneMethod": "ssh"}}}),
    )
    .await;
}

fn items(p: &Value, kind: &str) -> Vec<String> {
    cond(p, kind)
        .and_then(|c| c["items"].as_array())
        .map(|a| a.iter().map(|i| i.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Forklift makes `offload-ssh-keys-<provider>-private` (`private-key`) and `-public`
/// (`public-key`) for every vSphere Provider, labelled `app.kubernetes.io/component:
/// ssh-keys` and owned by it (pkg/controller/provider/controller.go:259-266, 480-547,
/// 560-591). With `esxiCloneMethod: ssh` each ESXi host is tested with the key: the Warn
/// `SSHNotReady` (`SSHConnectivityFailed`) lists the hosts lacking the restricted line
/// (`id|name|ip`) and prints the line in its suggestion, the Advisory `SSHReady` lists those
/// that answer, and both go once every host answers (validation.go:1185-1313); the provider
/// is retested every 30 s (controller.go:299-302, base/controller.go:27).
#[tokio::test]
async fn ssh_keys_and_ssh_readiness_follow_the_hosts_authorized_keys() {
    let env = Env::start().await;
    namespace(&env, "sshk").await;
    source_provider(&env, "sshk", "vsphere", "src").await;
    ready(&env, PROVIDER, "sshk", "src").await;
    let private = env
        .get(SECRET, "sshk", "offload-ssh-keys-src-private")
        .await;
    assert!(decoded(&private, "private-key").contains("PRIVATE KEY"));
    let public = env.get(SECRET, "sshk", "offload-ssh-keys-src-public").await;
    assert!(decoded(&public, "public-key").starts_with("ssh-"));
    assert_eq!(
        public["metadata"]["labels"]["app.kubernetes.io/component"],
        "ssh-keys"
    );
    assert_eq!(
        public["metadata"]["labels"]["forklift.konveyor.io/provider"],
        "src"
    );
    assert_eq!(public["metadata"]["ownerReferences"][0]["kind"], "Provider");
    // vib (the default): no SSH conditions
    let p = env.get(PROVIDER, "sshk", "src").await;
    assert!(cond(&p, "SSHNotReady").is_none() && cond(&p, "SSHReady").is_none());

    use_ssh(&env, "sshk").await;
    let p = env
        .wait(PROVIDER, "sshk", "src", 20, |p| {
            items(p, "SSHNotReady").len() == 3
        })
        .await;
    let c = cond(&p, "SSHNotReady").unwrap();
    assert_eq!(
        (c["category"].as_str(), c["reason"].as_str()),
        (Some("Warn"), Some("SSHConnectivityFailed"))
    );
    assert!(
        items(&p, "SSHNotReady")
            .iter()
            .any(|i| i.ends_with("|esxi-01.mtv.lab|10.6.46.11"))
    );
    let line = restricted_line(&env, "sshk").await;
    assert!(c["suggestion"].as_str().unwrap().contains(&line));
    assert!(has(&p, "Ready"), "SSHNotReady is a warning, not a blocker");

    // a wrong password is refused; root's password logs in
    assert!(esxi_login(&env, "wrong").await.is_none());
    install(&env, &line).await;
    let p = env
        .wait(PROVIDER, "sshk", "src", 30, |p| {
            items(p, "SSHReady").len() == 1
        })
        .await;
    assert_eq!(items(&p, "SSHNotReady").len(), 2);
    assert_eq!(cond(&p, "SSHReady").unwrap()["category"], "Advisory");
    for id in env.emu.esxi_hosts().ids() {
        env.emu.esxi_hosts().with(&id, |h| {
            h.files.insert(
                "/etc/ssh/keys-root/authorized_keys".into(),
                format!("{line}\n").into_bytes(),
            )
        });
    }
    env.wait(PROVIDER, "sshk", "src", 30, |p| {
        cond(p, "SSHReady").is_none() && cond(p, "SSHNotReady").is_none()
    })
    .await;
}

async fn ssh_offload_plan(env: &Env, ns: &str) -> PlanSetup {
    let s = standard_plan(
        env,
        ns,
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"pvcNameTemplate": "pvc"}),
    )
    .await;
    use_ssh(env, ns).await;
    let co = &env.profile("vsphere-copy-offload")["copyoffload"];
    env.create(SECRET, ns, json!({"metadata": {"name": "storage"}, "stringData": {
        "STORAGE_HOSTNAME": co["storage_hostname"], "STORAGE_USERNAME": co["storage_username"], "STORAGE_PASSWORD": co["storage_password"]}})).await;
    let entry = json!({"source": {"id": "datastore-1041"}, "destination": {"storageClass": "ocs-storagecluster-ceph-rbd", "accessMode": "ReadWriteOnce", "volumeMode": "Block"},
        "offloadPlugin": {"vsphereXcopyConfig": {"secretRef": "storage", "storageVendorProduct": "ontap"}}});
    env.patch(STORAGEMAP, ns, "st", json!({"spec": {"map": [entry]}}))
        .await;
    ready(env, PLAN, ns, &s.plan).await;
    s
}

/// The populator's ssh clone method logs in to the VM's ESXi host with the provider's key
/// before cloning; without the restricted line there it fails with "manual SSH key
/// configuration required for ESXi <version>" (internal/vmware/ssh_client.go:160-199,
/// remote_esxcli.go:307-310), which fails the VM's DiskTransfer.
#[tokio::test]
async fn the_ssh_clone_fails_the_disk_transfer_without_the_key_on_the_host() {
    let env = Env::start().await;
    let s = ssh_offload_plan(&env, "sshf").await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(has(&plan, "Failed"), "{}", plan["status"]);
    let vm = &plan["status"]["migration"]["vms"][0];
    let step = vm["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "DiskTransfer")
        .unwrap();
    let msg = step["error"]["reasons"].to_string();
    assert!(
        msg.contains("manual SSH key configuration required for ESXi 8.0.3"),
        "{}",
        step
    );
}

/// With the line on the VM's host the same plan copies through the populator and succeeds.
#[tokio::test]
async fn the_ssh_clone_succeeds_with_the_key_on_the_host() {
    let env = Env::start().await;
    let s = ssh_offload_plan(&env, "ssho").await;
    let line = restricted_line(&env, "ssho").await;
    install(&env, &line).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(has(&plan, "Succeeded"), "{}", plan["status"]);
}
