//! The size limits of the developers' guide (issue 10), so they do not regress: no
//! production function over 150 lines and at most 10 production files over 400 lines.
//! "Production" is every `.rs` file of the workspace outside `tests/` and `benches/`
//! directories and `*tests.rs` files, up to its first `#[cfg(test)]` line. Functions are
//! measured from their `fn` line to the brace that closes them (strings, char literals and
//! `//` comments blanked first).

use std::path::{Path, PathBuf};

const MAX_FN_LINES: usize = 150;
const FILE_LINES: usize = 400;
const MAX_FILES_OVER: usize = 10;

fn production_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            if !matches!(
                name.as_str(),
                "tests" | "benches" | "target" | "node_modules" | ".git"
            ) {
                production_files(&p, out);
            }
        } else if name.ends_with(".rs") && !name.ends_with("tests.rs") {
            out.push(p);
        }
    }
}

/// The production lines of a file: those before its first `#[cfg(test)]`.
fn production_lines(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .collect()
}

/// `line` with string and char literals emptied and `//` comments cut, so only code braces
/// remain.
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
        } else if c == '\'' && chars.get(i + 1) == Some(&'\\') {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            out.push_str("''");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 2;
            out.push_str("''");
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            break;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// (length in lines, 1-based line, name) of every function of `lines`.
fn functions(lines: &[&str]) -> Vec<(usize, usize, String)> {
    let fn_line =
        regex::Regex::new(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)")
            .unwrap();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(m) = fn_line.captures(lines[i]) else {
            i += 1;
            continue;
        };
        let (mut depth, mut started, mut j) = (0i64, false, i);
        while j < lines.len() {
            let code = code_of(lines[j]);
            for ch in code.chars() {
                match ch {
                    '{' => {
                        depth += 1;
                        started = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (started && depth <= 0) || (!started && code.trim_end().ends_with(';')) {
                break;
            }
            j += 1;
        }
        out.push((j - i + 1, i + 1, m[6].to_string()));
        i = if started { j + 1 } else { i + 1 };
    }
    out
}

#[test]
fn production_code_keeps_the_size_limits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "crates", "editors"] {
        production_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 100, "found only {} source files", files.len());
    let (mut long_fns, mut big_files) = (Vec::new(), Vec::new());
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines = production_lines(&text);
        let rel = f.strip_prefix(root).unwrap().display().to_string();
        if lines.len() > FILE_LINES {
            big_files.push(format!("{} {rel}", lines.len()));
        }
        for (n, at, name) in functions(&lines) {
            if n > MAX_FN_LINES {
                long_fns.push(format!("{n} {rel}:{at} {name}"));
            }
        }
    }
    assert!(
        long_fns.is_empty(),
        "production functions over {MAX_FN_LINES} lines (split them by responsibility):\n{}",
        long_fns.join("\n")
    );
    assert!(
        big_files.len() <= MAX_FILES_OVER,
        "{} production files over {FILE_LINES} lines (at most {MAX_FILES_OVER}; split by \
         responsibility, move tables to data modules):\n{}",
        big_files.len(),
        big_files.join("\n")
    );
}

#[test]
fn the_function_measure_counts_to_the_closing_brace() {
    let src = "fn a() {\n    let s = \"}\";\n    let c = '{';\n    // }\n}\nfn b();\n";
    let lines: Vec<&str> = src.lines().collect();
    let fns = functions(&lines);
    assert_eq!(
        fns,
        vec![(5, 1, String::from("a")), (1, 6, String::from("b"))]
    );
    assert_eq!(production_lines("a\n#[cfg(test)]\nb\n"), vec!["a"]);
}
