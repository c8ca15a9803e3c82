//! `mtvt fmt`: rewrites `.mtvt` files in the canonical layout (mtvt-lang's `fmt`; the
//! style is in docs/language.md, "Formatting"), or with `--check` lists the files that
//! would change (and their diff with `--diff`). Files with a syntax error are reported
//! and left untouched. Exit codes: 0 done / nothing to change, 1 `--check` found files
//! to reformat, 2 I/O, usage or syntax errors.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mtvt_lang::diag::render;
use mtvt_lang::fmt::{FormatError, format_text};
use mtvt_lang::source::{Origin, SourceFile, SourceMap};

/// Arguments of `mtvt fmt`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 formatted (or, with --check, nothing to change), \
1 --check found files that would change, 2 I/O, usage or syntax errors (such files are left untouched).\n\
The canonical style is described in docs/language.md (\"Formatting\")."
)]
pub struct FmtArgs {
    /// Files or directories to format; directories are searched recursively for *.mtvt
    /// (hidden entries skipped).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: print the files that are not formatted and exit with 1 if any.
    #[arg(long)]
    pub check: bool,
    /// With --check (or --stdin --check): also print a unified diff of the changes.
    #[arg(short = 'd', long)]
    pub diff: bool,
    /// Read one file from standard input and write the formatted text to standard
    /// output (no PATH allowed).
    #[arg(long)]
    pub stdin: bool,
}

/// What happened to one input.
enum Outcome {
    Unchanged,
    Changed,
    Failed,
}

/// Runs `mtvt fmt`.
pub fn run(args: FmtArgs) -> ExitCode {
    if args.stdin {
        let explicit = args.paths.len() != 1 || args.paths.first() != Some(&PathBuf::from("."));
        if explicit {
            eprintln!("error: --stdin formats standard input; do not also give PATHs");
            return ExitCode::from(2);
        }
        return stdin(&args);
    }
    let mut files = Vec::new();
    for p in &args.paths {
        if let Err(e) = collect(p, &mut files) {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    let (mut changed, mut failed) = (0usize, 0usize);
    for f in &files {
        match file(f, &args) {
            Outcome::Unchanged => {}
            Outcome::Changed => changed += 1,
            Outcome::Failed => failed += 1,
        }
    }
    let n = files.len();
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    eprintln!(
        "{verb} {changed} of {n} file{}{}",
        if n == 1 { "" } else { "s" },
        if failed > 0 {
            format!(" ({failed} left untouched because of errors)")
        } else {
            String::new()
        }
    );
    if failed > 0 {
        ExitCode::from(2)
    } else if args.check && changed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn stdin(args: &FmtArgs) -> ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {e}");
        return ExitCode::from(2);
    }
    match format_text(&text) {
        Ok(formatted) => {
            if args.check {
                if formatted == text {
                    return ExitCode::SUCCESS;
                }
                println!("<stdin>");
                if args.diff {
                    print!("{}", diff("<stdin>", &text, &formatted));
                }
                return ExitCode::from(1);
            }
            let mut out = std::io::stdout().lock();
            if out
                .write_all(formatted.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(Path::new("<stdin>"), &text, &e);
            ExitCode::from(2)
        }
    }
}

fn file(path: &Path, args: &FmtArgs) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return Outcome::Failed;
        }
    };
    let formatted = match format_text(&text) {
        Ok(f) => f,
        Err(e) => {
            report(path, &text, &e);
            return Outcome::Failed;
        }
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if args.check {
        println!("{}", path.display());
        if args.diff {
            print!("{}", diff(&path.display().to_string(), &text, &formatted));
        }
        return Outcome::Changed;
    }
    match std::fs::write(path, formatted) {
        Ok(()) => Outcome::Changed,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            Outcome::Failed
        }
    }
}

/// A unified diff between the file and its formatted text.
fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

/// Prints why a file was left untouched: its syntax error as `mtvt check` shows it, or
/// the formatter's refusal.
fn report(path: &Path, text: &str, e: &FormatError) {
    match e {
        FormatError::Syntax(d) => {
            let mut sources = SourceMap::new();
            sources.add(SourceFile::new(
                path.display().to_string(),
                text,
                Origin::Disk(path.to_path_buf()),
            ));
            let stderr = std::io::stderr();
            let color =
                stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let handler = if color {
                render::color_handler(100)
            } else {
                render::plain_handler()
            };
            let _ = write!(
                stderr.lock(),
                "{}",
                render::render_with(&handler, d, &sources)
            );
            eprintln!("{}: not formatted (syntax error)", path.display());
        }
        FormatError::Unverified(_) => eprintln!("error: {}: {e}", path.display()),
    }
}

/// Adds `path` (a file) or the `*.mtvt` files under it (a directory), sorted.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let rd = std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "mtvt") {
            out.push(p);
        }
    }
    Ok(())
}
