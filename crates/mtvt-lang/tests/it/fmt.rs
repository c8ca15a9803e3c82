//! `mtvt fmt` over real inputs: every file of scenarios/, stdlib/ and the golden
//! diagnostic fixtures. Formatting is idempotent (`fmt(fmt(x)) == fmt(x)`), keeps every
//! comment, and preserves meaning — the checked IR (modulo spans) and the diagnostics
//! (codes and messages) are the same before and after. Files with a syntax error are
//! refused, never mangled. Mutated inputs never make the formatter panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::support::{
    Lcg, fixtures_dir, mtvt_files, mutate, repo, repository_inputs as all_inputs, tempdir,
};
use mtvt_lang::fmt::{FormatError, format_text};
use mtvt_lang::ir::canonical_json;
use mtvt_lang::span::FileId;
use mtvt_lang::syntax::parse_document;
use mtvt_lang::{CheckOptions, Stdlib, check_paths};

fn comments(src: &str) -> Vec<String> {
    parse_document(FileId(0), src)
        .comments
        .iter()
        .map(|c| src[c.start..c.end].trim_end().to_string())
        .collect()
}

/// A copy of `root` (a directory tree of `.mtvt` files, plus sibling data files) with
/// every `.mtvt` file formatted; files that do not parse are copied unchanged.
fn formatted_copy(root: &Path, into: &Path) {
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path();
        let target = into.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            formatted_copy(&p, &target);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            let out = match (
                p.extension().is_some_and(|x| x == "mtvt"),
                String::from_utf8(bytes.clone()),
            ) {
                (true, Ok(text)) => match format_text(&text) {
                    Ok(f) => f.into_bytes(),
                    Err(FormatError::Syntax(_)) => bytes,
                    Err(e) => panic!("{}: {e}", p.display()),
                },
                _ => bytes,
            };
            std::fs::write(&target, out).unwrap();
        }
    }
}

#[test]
fn every_input_formats_idempotently_and_keeps_its_comments() {
    let mut formatted = 0;
    let mut refused = Vec::new();
    for f in all_inputs() {
        let src = std::fs::read_to_string(&f).unwrap();
        match format_text(&src) {
            Ok(once) => {
                let twice = format_text(&once).unwrap_or_else(|e| {
                    panic!("{}: formatted text fails: {e}\n{once}", f.display())
                });
                assert_eq!(twice, once, "{}: not idempotent", f.display());
                assert_eq!(comments(&once), comments(&src), "{}: comments", f.display());
                assert!(
                    once.ends_with('\n') && !once.ends_with("\n\n"),
                    "{}",
                    f.display()
                );
                for (i, line) in once.lines().enumerate() {
                    assert!(
                        !line.ends_with(' '),
                        "{}:{}: trailing space",
                        f.display(),
                        i + 1
                    );
                }
                formatted += 1;
            }
            Err(FormatError::Syntax(d)) => refused.push((f, d.code())),
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
    assert!(formatted > 100, "{formatted} files formatted");
    // Only inputs with a syntax error are refused: the E0100 fixture.
    let names: Vec<String> = refused
        .iter()
        .map(|(f, code)| format!("{} {code}", f.file_name().unwrap().to_string_lossy()))
        .collect();
    assert_eq!(names, ["E0100.mtvt mtvt::E0100"]);
}

fn check_dir(paths: &[PathBuf], stdlib: &Path) -> mtvt_lang::CheckResult {
    let opts = CheckOptions {
        stdlib: Stdlib::new(Some(stdlib.to_path_buf())),
        ..CheckOptions::default()
    };
    check_paths(paths, &opts).unwrap()
}

#[test]
fn the_catalog_means_the_same_after_formatting() {
    let tmp = tempdir("catalog");
    for d in ["scenarios", "stdlib"] {
        std::fs::create_dir_all(tmp.join(d)).unwrap();
        formatted_copy(&repo().join(d), &tmp.join(d));
    }
    let before = check_dir(&[repo().join("scenarios")], &repo().join("stdlib"));
    let after = check_dir(&[tmp.join("scenarios")], &tmp.join("stdlib"));
    assert!(before.diagnostics.is_empty() && after.diagnostics.is_empty());
    assert_eq!(before.program.scenarios.len(), 37);
    assert_eq!(
        canonical_json(&before.program),
        canonical_json(&after.program)
    );

    // Every stdlib check, not only those the catalog uses.
    let std_checks = std::fs::read_to_string(repo().join("stdlib/checks.mtvt")).unwrap();
    let names: Vec<&str> = std_checks
        .lines()
        .filter_map(|l| l.strip_prefix("check "))
        .filter_map(|l| l.split([' ', '=']).next())
        .collect();
    assert!(names.len() > 15, "{names:?}");
    let probe = format!(
        "use std/checks\nuse std/hooks\nscenario all {{\n  vm \"x\" {{ source_power on }}\n  hook post = hooks.succeed\n  expect {{\n    migration succeeds\n    check {}\n  }}\n}}\n",
        names.join(", ")
    );
    let probe_file = |dir: &Path| {
        let p = dir.join("probe.mtvt");
        std::fs::write(&p, &probe).unwrap();
        p
    };
    let pb = tempdir("probe-before");
    let before = check_dir(&[probe_file(&pb)], &repo().join("stdlib"));
    let after = check_dir(&[probe_file(&pb)], &tmp.join("stdlib"));
    // The probe's plan has none of the features: checks certain to skip warn (W0006).
    assert!(
        before.diagnostics.iter().all(|d| d.code() == "mtvt::W0006"),
        "{:?}",
        before.diagnostics
    );
    assert_eq!(
        canonical_json(&before.program),
        canonical_json(&after.program)
    );
    std::fs::remove_dir_all(&tmp).ok();
    std::fs::remove_dir_all(&pb).ok();
}

/// Code and message of every diagnostic, per file name (`dir` removed from messages).
fn diagnostics_by_file(
    r: &mtvt_lang::CheckResult,
    dir: &str,
) -> BTreeMap<String, Vec<(String, String)>> {
    let mut m: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for d in &r.diagnostics {
        let file = r
            .sources
            .get(d.span().file)
            .map(|f| {
                Path::new(&f.name)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string()
            })
            .unwrap_or_default();
        m.entry(file)
            .or_default()
            .push((d.code().to_string(), d.message().replace(dir, "<dir>")));
    }
    m
}

#[test]
fn the_fixtures_mean_the_same_after_formatting() {
    let tmp = tempdir("fixtures");
    formatted_copy(&fixtures_dir(), &tmp);
    let mut files = Vec::new();
    mtvt_files(&fixtures_dir(), &mut files);
    files.sort();
    for f in files {
        if f.parent() != Some(fixtures_dir().as_path()) {
            continue; // helper files of multi-file fixtures are checked through their root
        }
        let name = f.file_name().unwrap();
        let before = check_dir(std::slice::from_ref(&f), &repo().join("stdlib"));
        let after = check_dir(&[tmp.join(name)], &repo().join("stdlib"));
        assert_eq!(
            diagnostics_by_file(&before, "tests/fixtures"),
            diagnostics_by_file(&after, &tmp.display().to_string()),
            "{}",
            f.display()
        );
        assert_eq!(
            canonical_json(&before.program),
            canonical_json(&after.program),
            "{}",
            f.display()
        );
    }
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn mutated_inputs_never_panic_and_stay_stable() {
    let mut rng = Lcg(0x666d_7421);
    let (mut ok, mut refused) = (0, 0);
    for f in all_inputs() {
        let src = std::fs::read(&f).unwrap();
        for _ in 0..12 {
            let mut m = mutate(&src, &mut rng);
            if rng.below(3) == 0 {
                m = mutate(&m, &mut rng);
            }
            let text = String::from_utf8_lossy(&m);
            match format_text(&text) {
                Ok(once) => {
                    // Whatever parses formats to a fixed point and keeps its comments.
                    assert_eq!(
                        format_text(&once).as_ref(),
                        Ok(&once),
                        "{}:\n{text}",
                        f.display()
                    );
                    assert_eq!(comments(&once), comments(&text), "{}:\n{text}", f.display());
                    ok += 1;
                }
                Err(FormatError::Syntax(_)) => refused += 1,
                Err(e) => panic!("{}: {e}\n---\n{text}", f.display()),
            }
        }
    }
    assert!(
        ok > 300 && refused > 300,
        "{ok} formatted, {refused} refused"
    );
}
