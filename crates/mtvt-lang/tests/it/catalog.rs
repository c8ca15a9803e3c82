//! The whole scenario catalog and the stdlib must check without a single diagnostic.

use mtvt_lang::{CheckOptions, Stdlib, check_paths};

use super::support::{rendered, repo};

#[test]
fn catalog_and_stdlib_check_clean() {
    let opts = CheckOptions {
        stdlib: Stdlib::new(Some(repo().join("stdlib"))),
        ..CheckOptions::default()
    };
    let result = check_paths(&[repo().join("scenarios"), repo().join("stdlib")], &opts).unwrap();
    assert!(
        result.diagnostics.is_empty(),
        "{}",
        rendered(&result).concat()
    );
    let names: Vec<&str> = result
        .program
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names.len(), 37, "{names:?}");
    for expected in [
        "sanity_cold_mtv_migration",
        "sanity_warm_mtv_migration",
        "mtv_migration_warm_2disks2nics",
        "cold_migration_comprehensive",
        "warm_migration_comprehensive",
        "post_hook_retain_failed_vm",
        "cold_remote_ocp",
        "warm_remote_ocp",
        "copyoffload_thin_migration",
        "copyoffload_thick_lazy_migration",
        "copyoffload_multi_disk_migration",
        "copyoffload_multi_disk_different_path_migration",
        "copyoffload_multi_datastore_migration",
        "copyoffload_mixed_datastore_migration",
        "copyoffload_fallback_large_migration",
        "copyoffload_rdm_virtual_disk_migration",
        "copyoffload_thin_snapshots_migration",
        "copyoffload_2tb_vm_snapshots_migration",
        "copyoffload_independent_persistent_disk_migration",
        "copyoffload_independent_nonpersistent_disk_migration",
        "copyoffload_large_vm_migration",
        "copyoffload_10_mixed_disks_migration",
        "copyoffload_nonconforming_name_migration",
        "copyoffload_warm_migration",
        "copyoffload_scale_migration",
        "simultaneous_copyoffload_migrations",
        "concurrent_xcopy_vddk_migration",
        "cold_migration_xfs",
        "warm_migration_xfs",
        "ova_cold_migration",
        "copyoffload_thick_eager_migration",
        "copyoffload_thick_lazy_snapshots_migration",
        "copyoffload_thick_eager_snapshots_migration",
        "copyoffload_warm_rdm_virtual_disk_migration",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn embedded_stdlib_equals_the_stdlib_directory() {
    for (module, text) in mtvt_lang::resolve::stdlib::EMBEDDED {
        let name = module.strip_prefix("std/").unwrap();
        let on_disk =
            std::fs::read_to_string(repo().join("stdlib").join(format!("{name}.mtvt"))).unwrap();
        assert_eq!(*text, on_disk, "{module}");
    }
}

/// Parsing the files on several threads changes nothing: same IR, same diagnostics (a
/// folder with a broken file and one with a warning-worthy value included).
#[test]
fn parsing_threads_do_not_change_the_result() {
    let opts = CheckOptions {
        stdlib: Stdlib::new(Some(repo().join("stdlib"))),
        ..CheckOptions::default()
    };
    let dir = std::env::temp_dir().join(format!("mtvt-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a_broken.mtvt"),
        "scenario broken {\n  vm \"x\" {\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b_unit.mtvt"),
        "scenario unit {\n  vm \"x\" { guest_agent true }\n  plan { timeout 5parsecs }\n  expect { migration succeeds }\n}\n",
    )
    .unwrap();
    let paths = [repo().join("scenarios"), repo().join("stdlib"), dir.clone()];
    let one = mtvt_lang::check_paths_on(&paths, &opts, 1).unwrap();
    assert!(one.errors() >= 2, "{}", rendered(&one).concat());
    for threads in [2, 8] {
        let many = mtvt_lang::check_paths_on(&paths, &opts, threads).unwrap();
        assert_eq!(many.program, one.program);
        assert_eq!(rendered(&many), rendered(&one));
        assert_eq!(many.root_files, one.root_files);
    }
    std::fs::remove_dir_all(&dir).ok();
}
