//! Parse + check must never panic, whatever the input: every scenario, stdlib and fixture
//! file is mutated at many positions (bytes deleted, duplicated, swapped, replaced,
//! inserted, truncated) and checked; plus hand-written pathological inputs.

use super::support::{Lcg, mutate, repository_inputs};
use mtvt_lang::{CheckOptions, Stdlib, check_text};

#[test]
fn mutated_inputs_never_panic() {
    let files = repository_inputs();
    // An empty stdlib directory keeps each run fast; the stdlib files are mutated as roots.
    let empty = std::env::temp_dir().join(format!("mtvt-empty-stdlib-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let opts = CheckOptions {
        stdlib: Stdlib::new(Some(empty.clone())),
        ..CheckOptions::default()
    };
    let mut rng = Lcg(0x6d74_7674);
    let mut runs = 0;
    for f in &files {
        let src = std::fs::read(f).unwrap();
        let dir = f.parent();
        for _ in 0..16 {
            let mut m = mutate(&src, &mut rng);
            if rng.below(3) == 0 {
                m = mutate(&m, &mut rng);
            }
            let text = String::from_utf8_lossy(&m);
            let _ = check_text("mutated.mtvt", &text, dir, &opts);
            runs += 1;
        }
    }
    std::fs::remove_dir_all(&empty).ok();
    assert!(runs > 1500, "{runs} runs");
}

#[test]
fn pathological_inputs_never_panic() {
    let opts = CheckOptions::default();
    let deep_lists = format!(
        "session {{ a {}{} }}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let deep_blocks = format!("scenario s {{ {} }}", "plan { ".repeat(3_000));
    let long_chain = format!(
        "check c {{ assert {} }}",
        vec!["dest.cpu.cores == 1"; 5_000].join(" and ")
    );
    let many_nots = format!("check c {{ assert {} true }}", "not ".repeat(20_000));
    let huge_int = String::from("session { snapshots_interval 99999999999999999999999999 }");
    let huge_quantity = String::from(
        "scenario s { vm \"x\" { add_disk { size 99999999999999999999999999999999999999999Ei } } }",
    );
    let nul = String::from("scenario \0 { }");
    let unicode = String::from(
        "scenario é { vm \"ü\" { clone_name \"名前\" } expect { migration succeeds } }",
    );
    let matrix = String::from(
        "scenario m { matrix { a [1,2,3,4,5,6,7,8,9,10] b [1,2,3,4,5,6,7,8,9,10] c [1,2,3,4,5,6,7,8,9,10] d [1,2] } vm \"x\" expect { migration succeeds } }",
    );
    for text in [
        deep_lists,
        deep_blocks,
        long_chain,
        many_nots,
        huge_int,
        huge_quantity,
        nul,
        unicode,
        matrix,
        String::new(),
    ] {
        let r = check_text("p.mtvt", &text, None, &opts);
        let _ = r.diagnostics.len();
    }
}
