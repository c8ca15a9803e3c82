//! Zed extension for `.mtvt` files. The grammar and the queries are declared in
//! extension.toml and languages/mtvt/ (copies of editors/tree-sitter-mtvt/queries, kept
//! identical by that crate's tests); this code only tells Zed how to start the language
//! server: `mtvt lsp` over stdio, with the binary from the `lsp.mtvt.binary` settings or
//! from PATH. It must not download or build anything.

use zed_extension_api::{self as zed, LanguageServerId, Result, settings::LspSettings};

/// Arguments that make `mtvt` speak LSP over stdio.
const SERVER_ARGS: &[&str] = &["lsp"];

/// Shown by Zed (in the language server log and status) when there is no binary.
const MISSING: &str = "mtvt: the language server is off: no \"mtvt\" binary on PATH. Install it \
     (`cargo install --path .` in the mtvt repository) or set \"lsp.mtvt.binary.path\" in Zed's \
     settings. Highlighting still works.";

/// The command to run: a configured path and arguments win; else `mtvt` found on PATH.
fn server_command(
    configured_path: Option<String>,
    configured_args: Option<Vec<String>>,
    on_path: impl FnOnce() -> Option<String>,
) -> Result<(String, Vec<String>)> {
    let command = match configured_path {
        Some(path) if !path.trim().is_empty() => path,
        _ => on_path().ok_or_else(|| MISSING.to_string())?,
    };
    let args =
        configured_args.unwrap_or_else(|| SERVER_ARGS.iter().map(|a| (*a).to_string()).collect());
    Ok((command, args))
}

struct MtvtExtension;

impl zed::Extension for MtvtExtension {
    fn new() -> Self {
        MtvtExtension
    }

    fn language_server_command(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let (path, args) = match binary {
            Some(b) => (b.path, b.arguments),
            None => (None, None),
        };
        let (command, args) = server_command(path, args, || worktree.which("mtvt"))?;
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(MtvtExtension);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_lookup_runs_mtvt_lsp() {
        let r = server_command(None, None, || Some("/usr/local/bin/mtvt".into()));
        assert_eq!(r, Ok(("/usr/local/bin/mtvt".into(), vec!["lsp".into()])));
    }

    #[test]
    fn settings_win_over_path() {
        let r = server_command(
            Some("/opt/mtvt".into()),
            Some(vec!["lsp".into(), "--verbose".into()]),
            || panic!("PATH must not be searched when a path is configured"),
        );
        assert_eq!(
            r,
            Ok(("/opt/mtvt".into(), vec!["lsp".into(), "--verbose".into()]))
        );
        // a blank path means "not set"
        let r = server_command(Some("  ".into()), None, || Some("/bin/mtvt".into()));
        assert_eq!(r, Ok(("/bin/mtvt".into(), vec!["lsp".into()])));
    }

    #[test]
    fn missing_binary_says_what_to_do() {
        let err = server_command(None, None, || None).unwrap_err();
        assert!(err.contains("no \"mtvt\" binary on PATH"), "{err}");
        assert!(err.contains("lsp.mtvt.binary.path"), "{err}");
    }
}
