//! Credentials never show in Debug output or errors.

use crate::support;

#[tokio::test]
async fn passwords_and_tokens_stay_out_of_debug_and_errors() {
    let s = support::start().await;
    let secrets: Vec<String> = ["vsphere", "ovirt", "openstack"]
        .iter()
        .map(|p| s.endpoint(p).password.expose().to_string())
        .collect();
    for profile in ["vsphere", "ovirt", "openstack"] {
        let connected = s.adapter(profile).await;
        let debug = format!("{connected:?} {:?}", s.endpoint(profile));
        for secret in &secrets {
            assert!(!debug.contains(secret.as_str()), "{profile}: {debug}");
        }
        let mut wrong = s.adapter_with_password(profile, "wrong-pw-123");
        let e = wrong.connect().await.unwrap_err();
        let text = format!("{e} {e:?}");
        assert!(!text.contains("wrong-pw-123"), "{text}");
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{text}");
        }
    }
}
