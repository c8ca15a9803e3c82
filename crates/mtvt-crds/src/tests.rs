#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use serde_json::{Value, json};

use super::derive::strip_descriptions;
use super::*;

fn upstream_dir() -> PathBuf {
    std::env::var_os("MTVT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas")
        })
        .join("forklift")
}

fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forklift")
}

/// Each committed file is exactly the derivation of its upstream CRD, and every upstream CRD
/// has one. `MTVT_UPDATE_CRDS=1` rewrites the committed files from upstream.
#[test]
fn derived_from_upstream() {
    let dir = upstream_dir();
    if !dir.is_dir() {
        assert!(
            std::env::var("MTVT_REQUIRE_SCHEMAS").as_deref() != Ok("1"),
            "MTVT_REQUIRE_SCHEMAS=1 but {} is missing",
            dir.display()
        );
        eprintln!("not run: {} is absent", dir.display());
        return;
    }
    let update = std::env::var("MTVT_UPDATE_CRDS").as_deref() == Ok("1");
    let mut upstream_files: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let crd: Value = serde_saphyr::from_str(&text).unwrap();
        let derived = serde_json::to_string_pretty(&strip_descriptions(&crd)).unwrap() + "\n";
        let file = path.file_stem().unwrap().to_str().unwrap().to_string() + ".json";
        let target = committed_dir().join(&file);
        if update {
            std::fs::write(&target, &derived).unwrap();
        } else {
            let committed = std::fs::read_to_string(&target)
                .unwrap_or_else(|_| panic!("{file} is not committed: run with MTVT_UPDATE_CRDS=1"));
            assert!(
                committed == derived,
                "{file} differs from the derivation of upstream: run with MTVT_UPDATE_CRDS=1"
            );
        }
        upstream_files.push(file);
    }
    upstream_files.sort();
    let built_in: Vec<&str> = FORKLIFT.iter().map(|c| c.file).collect();
    assert_eq!(
        built_in, upstream_files,
        "FORKLIFT lists other files than upstream has"
    );
}

#[test]
fn every_built_in_crd_parses_and_has_no_description() {
    let crds = forklift().unwrap();
    assert_eq!(crds.len(), 14);
    for (crd, c) in crds.iter().zip(FORKLIFT) {
        assert_eq!(crd["kind"], "CustomResourceDefinition", "{}", c.file);
        assert!(
            !c.json.contains("\"description\": \""),
            "{} keeps prose",
            c.file
        );
    }
}

#[test]
fn the_precopy_interval_is_an_integer() {
    let schema = schema_of("ForkliftController").unwrap();
    let field = &schema["properties"]["spec"]["properties"]["controller_precopy_interval"];
    assert_eq!(field["type"], "integer");
    assert!(schema_of("Plan").unwrap()["properties"]["spec"]["properties"]["vms"].is_object());
    assert!(schema_of("NoSuchKind").is_none());
}

#[test]
fn a_property_named_description_is_kept() {
    let crd = json!({
        "metadata": {"name": "x", "annotations": {"controller-gen.kubebuilder.io/version": "v1"}},
        "spec": {"versions": [{
            "additionalPrinterColumns": [{"name": "A", "description": "prose"}],
            "schema": {"openAPIV3Schema": {
                "description": "prose",
                "properties": {
                    "description": {"type": "string", "description": "prose"},
                    "list": {"items": {"description": "prose", "type": "integer"}},
                    "any": {"anyOf": [{"description": "prose"}], "additionalProperties": {"description": "p"}}
                }
            }}
        }]}
    });
    let out = strip_descriptions(&crd);
    assert_eq!(
        out,
        json!({
            "metadata": {"name": "x"},
            "spec": {"versions": [{
                "additionalPrinterColumns": [{"name": "A"}],
                "schema": {"openAPIV3Schema": {
                    "properties": {
                        "description": {"type": "string"},
                        "list": {"items": {"type": "integer"}},
                        "any": {"anyOf": [{}], "additionalProperties": {}}
                    }
                }}
            }]}
        })
    );
}
