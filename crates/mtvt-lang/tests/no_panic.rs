#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Parse + check must never panic, whatever the input: every scenario, stdlib and fixture
//! file is mutated at many positions (bytes deleted, duplicated, swapped, replaced,
//! truncated) and checked; plus hand-written pathological inputs.

use std::path::{Path, PathBuf};

use mtvt_lang::{CheckOptions, Stdlib, check_text};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn mtvt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            mtvt_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "mtvt") {
            out.push(p);
        }
    }
}

/// A small deterministic generator (no dependency, reproducible failures).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NOISE: &[u8] = b"{}[]()\"'#;:,.=<>$\n \\_-aZ09";

fn mutate(src: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut b = src.to_vec();
    if b.is_empty() {
        return b;
    }
    let i = rng.below(b.len());
    match rng.below(5) {
        0 => {
            b.remove(i);
        }
        1 => {
            let c = b[i];
            b.insert(i, c);
        }
        2 if i + 1 < b.len() => b.swap(i, i + 1),
        3 => b[i] = NOISE[rng.below(NOISE.len())],
        _ => b.truncate(i),
    }
    b
}

#[test]
fn mutated_inputs_never_panic() {
    let mut files = Vec::new();
    mtvt_files(&repo().join("scenarios"), &mut files);
    mtvt_files(&repo().join("stdlib"), &mut files);
    mtvt_files(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    files.sort();
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
