//! The evaluator as the checker and a run use it: requirements in order, cluster facts
//! unknown to the checker, the oVirt warm gate, one reason per profile.

use super::*;
use crate::{CheckOptions, check_text};

fn scenarios(text: &str) -> Vec<ScenarioIr> {
    let r = check_text("t.mtvt", text, None, &CheckOptions::default());
    assert_eq!(r.errors(), 0, "{:?}", r.diagnostics);
    r.program.scenarios
}

fn profile(name: &str, kind: ProviderKind, copyoffload: bool) -> ProviderFacts {
    ProviderFacts {
        profile: name.into(),
        provider_type: kind,
        copyoffload: Some(CopyOffloadFacts {
            missing_fields: if copyoffload {
                Vec::new()
            } else {
                vec!["storage_vendor_product".into()]
            },
            ..CopyOffloadFacts::default()
        }),
    }
}

fn cluster(version: &str) -> ClusterFacts {
    let v: Vec<u64> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    ClusterFacts {
        mtv_version: Ok((v, version.into())),
        remote_cluster: String::new(),
        cluster_url: "https://api:6443".into(),
    }
}

const WARM: &str = "scenario w {\n  requires provider vsphere, ovirt\n  vm \"mtv-tests-rhel8\" { source_power on }\n  plan { warm true }\n  expect { migration succeeds }\n}\n\nscenario c {\n  vm \"mtv-tests-rhel8\"\n  expect { migration succeeds }\n}\n";

#[test]
fn warm_ovirt_is_skipped_behind_the_gate_with_the_reason_and_location() {
    let s = scenarios(WARM);
    let (warm, cold) = (&s[0], &s[1]);
    let ovirt = profile("ovirt", ProviderKind::Ovirt, false);
    let c = cluster("2.10.0");
    fn with<'a>(p: &'a ProviderFacts, c: &'a ClusterFacts, gate: bool) -> Facts<'a> {
        Facts {
            profile: p,
            cluster: Some(c),
            ovirt_warm: Some(gate),
        }
    }
    match decide(warm, &with(&ovirt, &c, false)) {
        Decision::Skip(r) => {
            assert!(r.contains("--allow-ovirt-warm"), "{r}");
            assert!(r.contains("t.mtvt:4:"), "{r}");
        }
        Decision::Run => panic!("warm oVirt ran without --allow-ovirt-warm"),
    }
    assert_eq!(decide(warm, &with(&ovirt, &c, true)), Decision::Run);
    let vsphere = profile("v", ProviderKind::Vsphere, false);
    assert_eq!(decide(warm, &with(&vsphere, &c, false)), Decision::Run);
    assert_eq!(decide(cold, &with(&ovirt, &c, false)), Decision::Run);
    let osp = profile("o", ProviderKind::Openstack, false);
    match decide(warm, &with(&osp, &c, false)) {
        Decision::Skip(r) => assert!(
            r.starts_with("requires provider vsphere, ovirt (the profile is openstack)"),
            "{r}"
        ),
        Decision::Run => panic!("warm ran on OpenStack"),
    }
    // the checker knows neither the gate nor the cluster: nothing unknown skips
    let unknown = Facts {
        profile: &ovirt,
        cluster: None,
        ovirt_warm: None,
    };
    assert_eq!(decide(warm, &unknown), Decision::Run);
}

#[test]
fn the_first_failing_requirement_in_order_gives_the_reason() {
    let s = scenarios(
        "scenario r {\n  requires mtv >= 2.9\n  requires copyoffload\n  requires remote_cluster\n  vm \"v\"\n  expect { migration succeeds }\n}\n",
    );
    let s = &s[0];
    let plain = profile("plain", ProviderKind::Vsphere, false);
    let xcopy = profile("xcopy", ProviderKind::Vsphere, true);
    let old = cluster("2.8");
    fn f<'a>(p: &'a ProviderFacts, c: Option<&'a ClusterFacts>) -> Facts<'a> {
        Facts {
            profile: p,
            cluster: c,
            ovirt_warm: Some(false),
        }
    }
    let reason = |d| match d {
        Decision::Skip(r) => r,
        Decision::Run => String::from("run"),
    };
    assert!(
        reason(decide(s, &f(&xcopy, Some(&old))))
            .starts_with("requires mtv >= 2.9 (installed: 2.8) [t.mtvt:2:")
    );
    let new = cluster("2.10");
    assert!(
        reason(decide(s, &f(&plain, Some(&new))))
            .starts_with("requires copyoffload: the provider profile has no copyoffload section")
    );
    assert!(
        reason(decide(s, &f(&xcopy, Some(&new))))
            .starts_with("requires remote_cluster: session.remote_ocp_cluster is empty")
    );
    let other = ClusterFacts {
        remote_cluster: "other-api".into(),
        ..new.clone()
    };
    assert!(reason(decide(s, &f(&xcopy, Some(&other)))).contains("is not other-api"));
    let remote = ClusterFacts {
        remote_cluster: "api".into(),
        ..new.clone()
    };
    assert_eq!(decide(s, &f(&xcopy, Some(&remote))), Decision::Run);
    // unknown MTV version: skipped with why; unknown cluster (the checker): not skipped
    let unknown = ClusterFacts {
        mtv_version: Err("no ClusterServiceVersion".into()),
        ..remote.clone()
    };
    assert!(
        reason(decide(s, &f(&xcopy, Some(&unknown)))).contains("unknown: no ClusterServiceVersion")
    );
    assert_eq!(decide(s, &f(&xcopy, None)), Decision::Run);
}

#[test]
fn the_first_profile_that_fits_else_one_reason_per_profile() {
    let s = scenarios(
        "scenario x {\n  requires provider vsphere\n  requires copyoffload\n  vm \"v\"\n  expect { migration succeeds }\n}\n",
    );
    let s = &s[0];
    let profiles = vec![
        profile("vsphere", ProviderKind::Vsphere, false),
        profile("vsphere-copy-offload", ProviderKind::Vsphere, true),
    ];
    assert_eq!(
        choose(s, &profiles, None, None),
        ProfileChoice::Profile { index: 1 }
    );
    assert_eq!(choose(s, &[], None, None), ProfileChoice::Unspecified);
    let ova = vec![
        profile("ova", ProviderKind::Ova, false),
        profile("vsphere", ProviderKind::Vsphere, false),
    ];
    match choose(s, &ova, None, None) {
        ProfileChoice::Skipped { reason } => {
            assert!(
                reason.starts_with("profile ova: requires provider vsphere (the profile is ova)"),
                "{reason}"
            );
            assert!(
                reason.contains("; profile vsphere: requires copyoffload"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // a single profile: the reason without the profile's name
    match choose(s, &ova[..1], None, None) {
        ProfileChoice::Skipped { reason } => {
            assert!(reason.starts_with("requires provider vsphere"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}
