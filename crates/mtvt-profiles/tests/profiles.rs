//! Integration tests of provider profiles: the shipped example file, every error code
//! rendered as a diagnostic (insta snapshots, deterministic handler), copy-offload
//! completeness per vendor and clone method, environment overrides, and secrecy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use mtvt_profiles::{
    EsxiCloneMethod, ProfileError, ProvidersFile, SdkEndpoint, StorageVendor, load,
};

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../providers.example.json")
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn render(err: &ProfileError) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut out, err)
        .unwrap();
    out
}

fn code(err: &ProfileError) -> String {
    err.code().map(|c| c.to_string()).unwrap_or_default()
}

fn file(src: &str) -> ProvidersFile {
    ProvidersFile::parse(".providers.json", src).unwrap()
}

const VSPHERE_BASE: &str = r#""type": "vsphere", "fqdn": "vc.example.com", "api_url": "https://vc.example.com/sdk", "username": "u", "password": "p-secret-1""#;

fn vsphere_with(copyoffload: &str) -> ProvidersFile {
    file(&format!(
        "{{\n  \"lab\": {{{VSPHERE_BASE},\n    \"copyoffload\": {copyoffload}\n  }}\n}}\n"
    ))
}

#[test]
fn example_file_loads_clean_for_every_entry() {
    let f = load(&example_path()).unwrap();
    assert_eq!(
        f.profile_names(),
        vec![
            "vsphere",
            "vsphere-copy-offload",
            "vsphere-esxi",
            "ovirt",
            "openstack",
            "openshift",
            "ova",
            "hyperv"
        ]
    );
    for (name, result) in f.all_profiles(&no_env) {
        let p = result.unwrap_or_else(|e| panic!("{name}: {}", render(&e)));
        assert_eq!(p.name, name);
    }
    let vs = f.profile("vsphere", &no_env).unwrap();
    assert_eq!(vs.provider_type, mtvt_vocab::ProviderKind::Vsphere);
    assert_eq!(
        vs.vddk_init_image.as_deref(),
        Some("quay.io/example/vddk:8.0.3")
    );
    assert!(vs.copyoffload.is_none());
    assert_eq!(
        vs.copyoffload_missing_fields(),
        vec![
            "storage_vendor_product",
            "datastore_id",
            "storage_hostname",
            "storage_username",
            "storage_password"
        ]
    );
    let co = f.profile("vsphere-copy-offload", &no_env).unwrap();
    assert!(co.copyoffload_missing_fields().is_empty());
    let c = co.copyoffload.as_ref().unwrap();
    assert_eq!(c.storage_vendor_product, StorageVendor::Ontap);
    assert_eq!(c.datastore_id, "datastore-12345");
    assert_eq!(c.secondary_datastore_id.as_deref(), Some("datastore-67890"));
    assert_eq!(c.non_xcopy_datastore_id.as_deref(), Some("datastore-99999"));
    assert_eq!(
        c.rdm_lun_uuid.as_deref(),
        Some("naa.600a098038314648593f517773636465")
    );
    assert_eq!(c.esxi_clone_method, EsxiCloneMethod::Ssh);
    assert_eq!(c.default_vm_name.as_deref(), Some("rhel9-template"));
    assert_eq!(vs.endpoint_type, SdkEndpoint::Vcenter);
    assert_eq!(vs.clone_provider, None);
    let esxi = f.profile("vsphere-esxi", &no_env).unwrap();
    assert_eq!(esxi.endpoint_type, SdkEndpoint::Esxi);
    assert_eq!(esxi.clone_provider.as_deref(), Some("vsphere"));
    assert_eq!(esxi.source_api_profile().name, "vsphere");
    assert_eq!(vs.source_api_profile().name, "vsphere");
    let hv = f.profile("hyperv", &no_env).unwrap();
    assert_eq!(hv.provider_type, mtvt_vocab::ProviderKind::Hyperv);
    assert_eq!(
        hv.smb_url.as_deref(),
        Some("//hyperv-01.example.com/VMShare")
    );
    let os = f.profile("openstack", &no_env).unwrap();
    assert_eq!(os.project_domain_id.as_deref(), Some("default"));
    assert_eq!(os.region_name.as_deref(), Some("regionOne"));
    let ocp = f.profile("openshift", &no_env).unwrap();
    assert!(ocp.api_url.is_empty() && ocp.password.is_empty());
    assert_eq!(
        f.profile("ova", &no_env).unwrap().api_url,
        "nfs.example.com:/exports/ova"
    );
}

#[test]
fn debug_of_profiles_never_shows_secrets() {
    let f = load(&example_path()).unwrap();
    let source = std::fs::read_to_string(example_path()).unwrap();
    let secrets: Vec<&str> = source
        .split('"')
        .filter(|s| s.starts_with("CHANGE-ME"))
        .collect();
    assert!(
        secrets.len() >= 5,
        "the example has fake passwords to look for"
    );
    for name in f.profile_names() {
        let p = f.profile(name, &no_env).unwrap();
        let shown = format!("{p:?} {p:#?}");
        for s in &secrets {
            assert!(!shown.contains(s), "{name} leaks {s}");
        }
        assert!(shown.contains("<redacted>"));
    }
}

#[test]
fn storage_secret_keys_per_vendor() {
    let f = load(&example_path()).unwrap();
    let c = f
        .profile("vsphere-copy-offload", &no_env)
        .unwrap()
        .copyoffload
        .unwrap();
    let keys: Vec<&str> = c.storage_secret_keys().iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        vec![
            "STORAGE_HOSTNAME",
            "STORAGE_USERNAME",
            "STORAGE_PASSWORD",
            "ONTAP_SVM"
        ]
    );
    assert_eq!(c.storage_secret_keys()[2].1, "CHANGE-ME-storage-password");

    let env: HashMap<&str, &str> = [("COPYOFFLOAD_STORAGE_VENDOR_PRODUCT", "vantara")].into();
    let lookup = |k: &str| env.get(k).map(|v| v.to_string());
    let c = f
        .profile("vsphere-copy-offload", &lookup)
        .unwrap()
        .copyoffload
        .unwrap();
    assert_eq!(c.storage_vendor_product, StorageVendor::Vantara);
    let secret = c.storage_secret_keys();
    let keys: Vec<&str> = secret.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        vec![
            "STORAGE_HOSTNAME",
            "STORAGE_USERNAME",
            "STORAGE_PASSWORD",
            "STORAGE_ID",
            "STORAGE_PORT",
            "HOSTGROUP_ID_LIST"
        ]
    );
    assert_eq!(secret[4].1, "443");
}

#[test]
fn copyoffload_missing_fields_per_vendor_and_clone_method() {
    let cases: [(&str, &[&str]); 5] = [
        (
            r#"{"storage_vendor_product": "vantara", "datastore_id": "d", "storage_hostname": "h", "storage_username": "u", "storage_password": "p"}"#,
            &[
                "vantara_storage_id",
                "vantara_storage_port",
                "vantara_hostgroup_id_list",
            ],
        ),
        (
            r#"{"storage_vendor_product": "pureFlashArray", "datastore_id": "d", "storage_hostname": "h", "storage_username": "u", "storage_password": "p"}"#,
            &["pure_cluster_prefix"],
        ),
        (
            r#"{"storage_vendor_product": "powerstore", "datastore_id": "d", "storage_hostname": "h", "storage_username": "u", "storage_password": "p", "esxi_clone_method": "ssh", "esxi_host": "e"}"#,
            &["esxi_user", "esxi_password"],
        ),
        (
            r#"{"storage_vendor_product": "flashsystem", "datastore_id": "", "storage_hostname": "h"}"#,
            &["datastore_id", "storage_username", "storage_password"],
        ),
        (
            r#"{"storage_vendor_product": "infinibox", "datastore_id": "d", "storage_hostname": "h", "storage_username": "u", "storage_password": "p"}"#,
            &[],
        ),
    ];
    for (block, want) in cases {
        let p = vsphere_with(block).profile("lab", &no_env).unwrap();
        assert_eq!(p.copyoffload_missing_fields(), want.to_vec(), "{block}");
        assert_eq!(p.copyoffload.is_some(), want.is_empty(), "{block}");
    }
    // Copy-offload is vSphere-only: other types list the base fields.
    let f = load(&example_path()).unwrap();
    assert_eq!(
        f.profile("ovirt", &no_env)
            .unwrap()
            .copyoffload_missing_fields()
            .len(),
        5
    );
}

#[test]
fn environment_overrides_win_over_the_file() {
    let block = r#"{"storage_vendor_product": "ontap", "datastore_id": "d", "storage_username": "u", "storage_password": "from-file", "ontap_svm": "svm1"}"#;
    let f = vsphere_with(block);
    // Missing storage_hostname in the file...
    let p = f.profile("lab", &no_env).unwrap();
    assert_eq!(p.copyoffload_missing_fields(), vec!["storage_hostname"]);
    // ...supplied by the environment; the password is overridden; an empty variable
    // does not override (the pytest suite uses `os.getenv(...) or config.get(...)`).
    let env: HashMap<&str, &str> = [
        ("COPYOFFLOAD_STORAGE_HOSTNAME", "array.example.com"),
        ("COPYOFFLOAD_STORAGE_PASSWORD", "from-env"),
        ("COPYOFFLOAD_ONTAP_SVM", ""),
    ]
    .into();
    let lookup = |k: &str| env.get(k).map(|v| v.to_string());
    let c = f.profile("lab", &lookup).unwrap().copyoffload.unwrap();
    assert_eq!(c.storage_hostname, "array.example.com");
    assert_eq!(c.storage_password.expose(), "from-env");
    assert_eq!(
        c.vendor_values.get("ontap_svm").map(String::as_str),
        Some("svm1")
    );
    assert_eq!(
        mtvt_profiles::env_var_name("vantara_hostgroup_id_list"),
        "COPYOFFLOAD_VANTARA_HOSTGROUP_ID_LIST"
    );
    // Every copyoffload field can be overridden.
    let all: HashMap<String, String> = mtvt_profiles::COPYOFFLOAD_FIELDS
        .iter()
        .map(|f| {
            (
                mtvt_profiles::env_var_name(f),
                if *f == "storage_vendor_product" {
                    "powermax".into()
                } else if *f == "esxi_clone_method" {
                    "vib".into()
                } else {
                    format!("env-{f}")
                },
            )
        })
        .collect();
    let lookup = |k: &str| all.get(k).cloned();
    let c = file(&format!("{{\"lab\": {{{VSPHERE_BASE}}}}}"))
        .profile("lab", &lookup)
        .unwrap()
        .copyoffload
        .unwrap();
    assert_eq!(c.storage_vendor_product, StorageVendor::Powermax);
    assert_eq!(c.datastore_id, "env-datastore_id");
    assert_eq!(c.rdm_lun_uuid.as_deref(), Some("env-rdm_lun_uuid"));
    assert_eq!(
        c.esxi_password.as_ref().map(|s| s.expose()),
        Some("env-esxi_password")
    );
}

fn error_of(src: &str, profile: &str) -> ProfileError {
    match ProvidersFile::parse(".providers.json", src) {
        Err(e) => e,
        Ok(f) => f.profile(profile, &no_env).expect_err("an error"),
    }
}

#[test]
fn p0001_unreadable_file() {
    let err = load(Path::new("no-such-dir/.providers.json")).unwrap_err();
    assert_eq!(code(&err), "mtvt::P0001");
    insta::assert_snapshot!("p0001_unreadable", render(&err));
}

#[test]
fn p0002_invalid_json() {
    // the three forms the reliability review found printing the password (F6)
    let src =
        "{\n  \"vsphere\": {\n    \"type\": \"vsphere\",\n    'password': 'sq-secret-1',\n  }\n}\n";
    let err = error_of(src, "vsphere");
    assert_eq!(code(&err), "mtvt::P0002");
    insta::assert_snapshot!("p0002_single_quotes", render(&err));
    let src = "{\n  \"vsphere\": {\n    password: \"uq-secret-2\", # the lab one\n  }\n}\n";
    insta::assert_snapshot!("p0002_unquoted_key", render(&error_of(src, "vsphere")));
    let src = "{\"vsphere\": {\"type\": \"vsphere\", \"password\" = \"eq-secret-3\"}}";
    insta::assert_snapshot!("p0002_equals", render(&error_of(src, "vsphere")));
    // positions after comments (a block comment over lines included) are the file's
    let src = "{\n  /* two\n     lines */ \"vsphere\": {\n    \"password\": \"mc-secret-4\"  # old: hunter2\n    \"username\": \"u\"\n  }\n}\n";
    let shown = render(&error_of(src, "vsphere"));
    assert!(
        shown.contains("(line 5, column 5): expected `,` or `}`"),
        "{shown}"
    );
    assert!(
        !shown.contains("mc-secret-4") && !shown.contains("hunter2"),
        "{shown}"
    );
    insta::assert_snapshot!("p0002_missing_comma_after_comments", shown);
}

/// Every one-byte edit of a file (deleting, inserting or replacing a byte with one of the
/// characters people get wrong) is loaded; no resulting diagnostic shows a secret. Each
/// secret holds its marker twice, so one edit leaves one intact.
#[test]
fn no_one_byte_edit_makes_a_diagnostic_show_a_secret() {
    let src = "# lab QZXJ-c1-QZXJ\n{\n  \"vc\": {\n    \"type\": \"vsphere\", \"fqdn\": \"f\", \"api_url\": \"https://f/sdk\",\n    \"username\": \"u\", \"password\": \"QZXJ-p-QZXJ\", // QZXJ-c2-QZXJ\n    \"guest_vm_win_password\": \"QZXJ-g-QZXJ\",\n    \"copyoffload\": {\"storage_vendor_product\": \"ontap\", \"storage_password\": \"QZXJ-s-QZXJ\",\n      /* QZXJ-c3-QZXJ */ \"esxi_password\": \"QZXJ-e-QZXJ\", \"extra\": \"QZXJ-x-QZXJ\"},\n  },\n}\n";
    let edits: &[u8] = b"'\"=,:{}[]#/*\n\\ x1";
    let mut variants = Vec::new();
    for i in 0..=src.len() {
        if !src.is_char_boundary(i) {
            continue;
        }
        let (a, b) = src.split_at(i);
        if let Some(rest) = b.get(1..) {
            variants.push(format!("{a}{rest}"));
        }
        for &c in edits {
            let c = c as char;
            variants.push(format!("{a}{c}{b}"));
            if let Some(rest) = b.get(1..) {
                variants.push(format!("{a}{c}{rest}"));
            }
        }
    }
    let mut errors = 0;
    for v in &variants {
        let results: Vec<ProfileError> = match ProvidersFile::parse(".providers.json", v.clone()) {
            Err(e) => vec![e],
            Ok(f) => f
                .all_profiles(&no_env)
                .into_iter()
                .filter_map(|(_, r)| r.err())
                .collect(),
        };
        for e in results {
            errors += 1;
            let shown = format!("{}{e}{e:?}", render(&e));
            assert!(!shown.contains("QZXJ"), "{v}\n{shown}");
        }
    }
    assert!(
        variants.len() > 5000 && errors > 3000,
        "{} {errors}",
        variants.len()
    );
}

fn commented_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/commented.providers.json")
}

#[test]
fn comments_and_trailing_commas_are_accepted() {
    let f = load(&commented_path()).unwrap();
    assert_eq!(
        f.profile_names(),
        vec!["vsphere", "vsphere-copy-offload", "ovirt", "ova"]
    );
    for (name, result) in f.all_profiles(&no_env) {
        result.unwrap_or_else(|e| panic!("{name}: {}", render(&e)));
    }
    let vs = f.profile("vsphere", &no_env).unwrap();
    // `#` and `//` inside strings are text, not comments
    assert_eq!(vs.password.expose(), "vc#pw//not-a-comment");
    assert_eq!(vs.vddk_init_image.as_deref(), Some("quay.io/lab/vddk:8"));
    let co = f.profile("vsphere-copy-offload", &no_env).unwrap();
    assert!(co.copyoffload_missing_fields().is_empty());
    let c = co.copyoffload.unwrap();
    assert_eq!(c.storage_vendor_product, StorageVendor::Vantara);
    assert_eq!(c.esxi_clone_method, EsxiCloneMethod::Ssh);
    assert_eq!(
        c.esxi_password.as_ref().map(|s| s.expose()),
        Some("esxi-pw")
    );
    assert_eq!(
        f.profile("ova", &no_env).unwrap().api_url,
        "nfs.lab.example:/exports/ova"
    );
}

#[test]
fn errors_in_a_commented_file_point_at_the_written_line() {
    let text = std::fs::read_to_string(commented_path()).unwrap();
    let line_of = |needle: &str| 1 + text.lines().position(|l| l.contains(needle)).unwrap();
    let header = |e: &ProfileError| {
        let shown = render(e);
        let start = shown.find("[.providers.json:").unwrap() + "[.providers.json:".len();
        let line: usize = shown[start..].split(':').next().unwrap().parse().unwrap();
        (line, shown)
    };
    // wrong type, missing field (did you mean), bad value: each on its own line
    let cases = [
        (
            "\"vddk_init_image\": \"quay.io/lab/vddk:8\"",
            "\"vddk_init_image\": 8",
            "mtvt::P0007",
            "\"vddk_init_image\"",
        ),
        (
            "\"username\": \"admin@internal\"",
            "\"usernme\": \"admin@internal\"",
            "mtvt::P0004",
            "\"ovirt\": {",
        ),
        (
            "\"type\": \"ova\"",
            "\"type\": \"ovaa\"",
            "mtvt::P0005",
            "\"type\": \"ovaa\"",
        ),
    ];
    for (from, to, want_code, at) in cases {
        let edited = text.replacen(from, to, 1);
        let f = ProvidersFile::parse(".providers.json", edited.clone()).unwrap();
        let err = f
            .all_profiles(&no_env)
            .into_iter()
            .find_map(|(_, r)| r.err())
            .unwrap();
        assert_eq!(code(&err), want_code);
        let (line, shown) = header(&err);
        let want = 1 + edited.lines().position(|l| l.contains(at)).unwrap();
        assert_eq!(line, want, "{shown}");
        assert!(
            !shown.contains("pragma") && !shown.contains("engine-pw"),
            "{shown}"
        );
    }
    let err = f_missing_typo(&text);
    assert!(
        render(&err).contains("the entry has `usernme`"),
        "{}",
        render(&err)
    );
    // a syntax error below comments and a block comment
    let edited = text.replacen(
        "\"version\": \"1\", # any label",
        "\"version\": \"1\" # any label",
        1,
    );
    let (line, shown) = header(&ProvidersFile::parse(".providers.json", edited).unwrap_err());
    assert_eq!(
        line,
        line_of("\"version\": \"1\", # any label") + 1,
        "{shown}"
    );
    insta::assert_snapshot!("p0002_in_commented_file", shown);
}

fn f_missing_typo(text: &str) -> ProfileError {
    let edited = text.replacen(
        "\"username\": \"admin@internal\"",
        "\"usernme\": \"admin@internal\"",
        1,
    );
    ProvidersFile::parse(".providers.json", edited)
        .unwrap()
        .profile("ovirt", &no_env)
        .unwrap_err()
}

#[test]
fn p0003_unknown_profile() {
    let text = std::fs::read_to_string(example_path()).unwrap();
    let f = ProvidersFile::parse("providers.example.json", text).unwrap();
    let err = f.profile("vsphre", &no_env).unwrap_err();
    assert_eq!(code(&err), "mtvt::P0003");
    insta::assert_snapshot!("p0003_did_you_mean", render(&err));
    let err = f.profile("hyperv-lab", &no_env).unwrap_err();
    insta::assert_snapshot!("p0003_list", render(&err));
}

#[test]
fn p0004_missing_fields() {
    let src = "{\n  \"vc\": {\n    \"type\": \"vsphere\",\n    \"fqdn\": \"vc.example.com\",\n    \"api_url\": \"https://vc.example.com/sdk\",\n    \"username\": \"u\",\n    \"pasword\": \"typo-secret\"\n  }\n}\n";
    let err = error_of(src, "vc");
    assert_eq!(code(&err), "mtvt::P0004");
    let shown = render(&err);
    assert!(!shown.contains("typo-secret"));
    insta::assert_snapshot!("p0004_missing_with_typo", shown);

    let src = "{\n  \"rhv\": {\"type\": \"ovirt\", \"fqdn\": \"\", \"api_url\": \"https://e/ovirt-engine/api\", \"username\": \"u\", \"password\": \"p\"}\n}\n";
    let err = error_of(src, "rhv");
    insta::assert_snapshot!("p0004_empty", render(&err));

    let src = "{\"osp\": {\"type\": \"openstack\", \"fqdn\": \"f\", \"api_url\": \"https://f:5000/v3\", \"username\": \"u\", \"password\": \"p\", \"project_name\": \"p\", \"user_domain_name\": \"Default\", \"region_name\": \"r\", \"user_domain_id\": \"default\"}}";
    let err = error_of(src, "osp");
    assert!(
        render(&err).contains("profile `osp` has no `project_domain_id`"),
        "{}",
        render(&err)
    );
    let err = error_of("{\"x\": {\"fqdn\": \"f\"}}", "x");
    insta::assert_snapshot!("p0004_no_type", render(&err));
    // OVA needs only api_url; OpenShift needs nothing.
    assert_eq!(
        code(&error_of("{\"o\": {\"type\": \"ova\"}}", "o")),
        "mtvt::P0004"
    );
    assert!(
        file("{\"o\": {\"type\": \"openshift\"}}")
            .profile("o", &no_env)
            .is_ok()
    );
}

#[test]
fn p0005_bad_values() {
    let err = error_of("{\n  \"vc\": {\"type\": \"vmware\"}\n}", "vc");
    assert_eq!(code(&err), "mtvt::P0005");
    insta::assert_snapshot!("p0005_type", render(&err));

    let err = vsphere_with("{\"storage_vendor_product\": \"pureflasharray\"}")
        .profile("lab", &no_env)
        .unwrap_err();
    assert_eq!(code(&err), "mtvt::P0005");
    insta::assert_snapshot!("p0005_vendor_did_you_mean", render(&err));

    let err =
        vsphere_with("{\"storage_vendor_product\": \"ontap\", \"esxi_clone_method\": \"scp\"}")
            .profile("lab", &no_env)
            .unwrap_err();
    insta::assert_snapshot!("p0005_clone_method", render(&err));

    let env = |k: &str| (k == "COPYOFFLOAD_STORAGE_VENDOR_PRODUCT").then(|| "netapp".to_string());
    let err = vsphere_with("{}").profile("lab", &env).unwrap_err();
    insta::assert_snapshot!("p0005_vendor_from_env", render(&err));

    let err = error_of(
        "{\"rhv\": {\"type\": \"ovirt\", \"fqdn\": \"e\", \"api_url\": \"https://e/api\", \"username\": \"u\", \"password\": \"p\"}}",
        "rhv",
    );
    insta::assert_snapshot!("p0005_ovirt_url", render(&err));
}

#[test]
fn p0006_empty() {
    let err = error_of("  \n", "x");
    assert_eq!(code(&err), "mtvt::P0006");
    insta::assert_snapshot!("p0006_empty", render(&err));
    assert_eq!(code(&error_of("{}", "x")), "mtvt::P0006");
}

#[test]
fn p0007_wrong_types() {
    let err = error_of("[{\"type\": \"vsphere\"}]", "x");
    assert_eq!(code(&err), "mtvt::P0007");
    insta::assert_snapshot!("p0007_top_level", render(&err));
    let err = error_of("{\"vc\": \"vsphere\"}", "vc");
    insta::assert_snapshot!("p0007_entry", render(&err));
    let err = error_of(
        "{\"vc\": {\"type\": \"vsphere\", \"fqdn\": \"f\", \"api_url\": \"https://f/sdk\", \"username\": \"u\", \"password\": 12345}}",
        "vc",
    );
    assert_eq!(code(&err), "mtvt::P0007");
    let shown = render(&err);
    insta::assert_snapshot!("p0007_field", shown);
    // A numeric version is accepted (it only labels resources).
    let f = file(&format!(
        "{{\"lab\": {{{VSPHERE_BASE}, \"version\": 8.0}}}}"
    ));
    assert_eq!(f.profile("lab", &no_env).unwrap().version, "8.0");
}

#[test]
fn diagnostics_never_show_secret_values() {
    let broken = "{\n  \"vc\": {\n    \"password\": \"hunter2-secret\",  # pragma: allowlist secret\n  }\n}\n";
    let errors = [
        error_of(broken, "vc"),
        vsphere_with(
            "{\"storage_vendor_product\": \"x\", \"storage_password\": \"st0rage-secret\"}",
        )
        .profile("lab", &no_env)
        .unwrap_err(),
        error_of(
            "{\"vc\": {\"type\": \"vsphere\", \"pasword\": \"typo-secret\"}}",
            "vc",
        ),
    ];
    for err in &errors {
        let shown = render(err);
        for secret in [
            "hunter2-secret",
            "st0rage-secret",
            "typo-secret",
            "p-secret-1",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains('*') || !shown.contains("password\": \""),
            "{shown}"
        );
    }
}

#[test]
fn every_code_is_documented() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/providers.md"),
    )
    .unwrap();
    for n in 1..=7 {
        let code = format!("mtvt::P{n:04}");
        assert!(
            doc.contains(&code),
            "docs/providers.md does not document {code}"
        );
    }
}

#[test]
fn endpoint_type_is_vcenter_or_esxi_and_vsphere_only() {
    let f = file(&format!(
        "{{\n  \"e\": {{{VSPHERE_BASE}, \"endpoint_type\": \"ESXi\"}}\n}}\n"
    ));
    let err = f.profile("e", &no_env).unwrap_err();
    assert_eq!(code(&err), "mtvt::P0005");
    assert!(
        render(&err).contains("`ESXi` is not a vSphere SDK endpoint"),
        "{}",
        render(&err)
    );
    let ovirt = file(
        r#"{"o": {"type": "ovirt", "fqdn": "e", "api_url": "https://e/ovirt-engine/api", "username": "u", "password": "p", "endpoint_type": "esxi"}}"#,
    );
    let err = ovirt.profile("o", &no_env).unwrap_err();
    assert!(
        render(&err).contains("vSphere profiles only"),
        "{}",
        render(&err)
    );
}

#[test]
fn clone_provider_must_be_a_vcenter_profile_of_the_same_type() {
    let f = file(&format!(
        "{{\n  \"e\": {{{VSPHERE_BASE}, \"endpoint_type\": \"esxi\", \"clone_provider\": \"o\"}},\n  \"o\": {{\"type\": \"ova\", \"api_url\": \"nfs:/x\"}}\n}}\n"
    ));
    let err = f.profile("e", &no_env).unwrap_err();
    assert_eq!(code(&err), "mtvt::P0005");
    assert!(
        render(&err).contains("`o` cannot prepare"),
        "{}",
        render(&err)
    );
    let f = file(&format!(
        "{{\n  \"e\": {{{VSPHERE_BASE}, \"clone_provider\": \"nope\"}}\n}}\n"
    ));
    assert_eq!(code(&f.profile("e", &no_env).unwrap_err()), "mtvt::P0003");
}
