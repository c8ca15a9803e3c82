//! `mtvt lsp` in a real editor: headless Neovim, configured with the Lua block that
//! docs/editors.md shows users (extracted from the page, not a copy), opens a catalog file
//! with a misspelt key; its own LSP client must get the server's diagnostic, a hover and a
//! completion, and re-published diagnostics after a line is typed
//! (`fixtures/nvim/lsp_session.lua` drives the editor and writes what arrived).
//!
//! Without `nvim` on PATH the test is skipped with the reason on stderr, unless
//! `MTVT_REQUIRE_NVIM=1` (CI sets it) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::repo;

/// The comment that precedes the tested block in docs/editors.md.
const MARKER: &str = "tests/it/nvim_lsp.rs";
/// The catalog file the editor opens (relative to `scenarios/`): it imports a sibling
/// directory's file, so the server reads a `use` from disk.
const OPENED: &str = "warm/warm_migration_comprehensive.mtvt";

fn nvim() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("nvim"))
        .find(|p| p.is_file())
}

/// The first ```lua block after the marker comment of docs/editors.md.
fn documented_config() -> String {
    let page = std::fs::read_to_string(repo().join("docs/editors.md")).unwrap();
    let at = page
        .find(MARKER)
        .expect("docs/editors.md names this test before the Neovim block it runs");
    let rest = &page[at..];
    let start = rest
        .find("```lua\n")
        .expect("a ```lua block after the marker")
        + 7;
    let len = rest[start..].find("\n```").expect("the end of the block");
    rest[start..start + len + 1].to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// (line, character) of the first `needle` in `text`, plus `offset` characters.
fn position(text: &str, needle: &str, offset: usize) -> Value {
    let (line, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} in the catalog file"));
    json!({ "line": line, "character": l.find(needle).unwrap() + offset })
}

/// Runs Neovim until it quits (the script always ends with `qa!`), at most two minutes.
fn run_nvim(mut cmd: Command) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            let out = child.wait_with_output().unwrap();
            panic!(
                "nvim did not quit within 120 s; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn neovim_gets_diagnostics_hover_and_completion_from_mtvt_lsp() {
    let Some(nvim) = nvim() else {
        let why = "no nvim on PATH (apt-get install neovim)";
        if std::env::var("MTVT_REQUIRE_NVIM").as_deref() == Ok("1") {
            panic!("MTVT_REQUIRE_NVIM=1 but {why}");
        }
        eprintln!("skipped neovim_gets_diagnostics_hover_and_completion_from_mtvt_lsp: {why}");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    copy_dir(&repo().join("scenarios"), &project.join("scenarios"));
    std::fs::create_dir(project.join(".git")).unwrap();
    let file = project.join("scenarios").join(OPENED);
    let text =
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen("guest_agent true", "guest_agnt true", 1);
    std::fs::write(&file, &text).unwrap();
    let config = tmp.path().join("mtvt.lua");
    std::fs::write(&config, documented_config()).unwrap();

    let out = tmp.path().join("out.json");
    let typed_line = position(&text, "target_namespace", 0)["line"].clone();
    let spec = json!({
        "out": out,
        "timeout_ms": 30_000,
        "hover": position(&text, "warm true", 1),
        "typed": { "line": typed_line, "text": "    target_" },
    });
    // The documented config starts `mtvt` from PATH: the binary under test comes first.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_mtvt")).parent().unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut cmd = Command::new(&nvim);
    cmd.current_dir(&project)
        .args(["--headless", "--noplugin", "-i", "NONE", "-u"])
        .arg(&config)
        .arg("-c")
        .arg(format!(
            "luafile {}",
            repo()
                .join("tests/it/fixtures/nvim/lsp_session.lua")
                .display()
        ))
        .arg(&file)
        .env("PATH", path)
        .env("MTVT_NVIM_SPEC", spec.to_string())
        .env("NO_COLOR", "1")
        .env_remove("MTVT_STDLIB");
    for xdg in [
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_CACHE_HOME",
    ] {
        cmd.env(xdg, tmp.path().join(xdg.to_lowercase()));
    }
    let o = run_nvim(cmd);
    let got: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!(
            "nvim wrote no result ({e}); exit {:?}, stderr:\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        )
    }))
    .unwrap();
    assert_eq!(got.get("error"), None, "{got:#}");
    assert_eq!(got["filetype"], "mtvt", "{got:#}");
    assert_eq!(
        got["clients"],
        json!([{ "name": "mtvt", "root_dir": project }]),
        "one mtvt client rooted at the directory holding .git: {got:#}"
    );

    // The misspelt key, where it is, with its code, as `mtvt check` reports it.
    assert_eq!(got["diagnostics_arrived"], true, "{got:#}");
    let misspelt = position(&text, "guest_agnt", 0);
    let diags = got["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["code"] == "E0201"
            && d["line"] == misspelt["line"]
            && d["col"] == misspelt["character"]
            && d["message"].as_str().unwrap().contains("guest_agnt")),
        "E0201 on guest_agnt at {misspelt}: {got:#}"
    );

    let hover = &got["hover"][0];
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.contains("**`warm`** in a `plan` block") && value.contains("Warm migration"),
        "hover on the key `warm`: {got:#}"
    );

    let labels: Vec<&str> = got["completion"][0]["result"]
        .as_array()
        .or_else(|| got["completion"][0]["result"]["items"].as_array())
        .unwrap_or_else(|| panic!("completion items: {got:#}"))
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"target_power_state") && labels.contains(&"warm"),
        "plan keys offered in the plan block: {labels:?}"
    );
    // The typed line reached the server (Neovim's incremental change), which re-checked it.
    assert_eq!(got["diagnostics_after_typing_arrived"], true, "{got:#}");
    assert!(
        got["diagnostics_after_typing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["line"] == typed_line
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("unknown key `target_`")),
        "{got:#}"
    );
}
