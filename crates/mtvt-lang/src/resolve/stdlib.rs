//! The standard library modules (`use std/checks`, `use std/hooks`): embedded in the
//! binary so `mtvt` works from any directory; `MTVT_STDLIB=<dir>` (or the checker option)
//! reads `<dir>/<name>.mtvt` instead, for developing the stdlib itself.

use std::path::{Path, PathBuf};

/// Embedded stdlib modules: (module path, source text).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("std/checks", include_str!("../../../../stdlib/checks.mtvt")),
    ("std/hooks", include_str!("../../../../stdlib/hooks.mtvt")),
];

/// Where stdlib modules come from.
#[derive(Debug, Clone, Default)]
pub struct Stdlib {
    dir: Option<PathBuf>,
}

impl Stdlib {
    /// The embedded stdlib, or `dir` when given.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Stdlib { dir }
    }

    /// The embedded stdlib unless `MTVT_STDLIB` names a directory.
    pub fn from_env() -> Self {
        Stdlib {
            dir: std::env::var_os("MTVT_STDLIB").map(PathBuf::from),
        }
    }

    /// The override directory, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Loads `std/<name>`: `(display name, text)`, or an error message.
    pub fn load(&self, module: &str) -> Result<(String, String), String> {
        let Some(name) = module.strip_prefix("std/") else {
            return Err(String::from(
                "module paths start with `std/`; use a quoted path for files",
            ));
        };
        match &self.dir {
            Some(dir) => {
                let path = dir.join(format!("{name}.mtvt"));
                std::fs::read_to_string(&path)
                    .map(|t| (path.display().to_string(), t))
                    .map_err(|e| format!("{}: {e}", path.display()))
            }
            None => EMBEDDED
                .iter()
                .find(|(m, _)| *m == module)
                .map(|(m, t)| (format!("{m}.mtvt"), (*t).to_string()))
                .ok_or_else(|| String::from("no such stdlib module")),
        }
    }

    /// Module paths available (for "did you mean").
    pub fn available(&self) -> Vec<String> {
        match &self.dir {
            Some(dir) => {
                let mut names: Vec<String> = std::fs::read_dir(dir)
                    .map(|rd| {
                        rd.filter_map(Result::ok)
                            .filter_map(|e| {
                                let p = e.path();
                                let stem = p.file_stem()?.to_string_lossy().to_string();
                                (p.extension()? == "mtvt").then(|| format!("std/{stem}"))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names
            }
            None => EMBEDDED.iter().map(|(m, _)| (*m).to_string()).collect(),
        }
    }
}
