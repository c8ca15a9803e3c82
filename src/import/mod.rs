//! `mtvt import`: the pytest suite's `tests/tests_config/config.py` → `.mtvt` files. The
//! file is parsed, never executed (`python`); each `tests_params` entry becomes one
//! scenario (`scenario`), the module-level settings that are `session` keys become a
//! `session.mtvt`, and everything that has no mapping is listed as [`Unmapped`] with its
//! line. The texts are formatted canonically (`mtvt fmt`); writing them and checking them is
//! the CLI's (`cli::import`).

pub mod keys;
pub mod python;
pub mod scenario;
pub mod text;

use python::{Module, Py, Value};

/// A key or value the importer could not map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// Where in the config: `test_x.virtual_machines[0].foo`, or a module-level name.
    pub key: String,
    /// Line in the config file.
    pub line: usize,
    /// Why.
    pub why: String,
}

/// A generated file: its name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// `NAME.mtvt`.
    pub name: String,
    /// The formatted text.
    pub text: String,
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Import {
    /// The files, `session.mtvt` first when there is one.
    pub files: Vec<File>,
    /// What could not be mapped, in file order.
    pub unmapped: Vec<Unmapped>,
}

/// Why an import produced nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not valid Python.
    #[error("{file}:{source}")]
    Syntax {
        /// The config file.
        file: String,
        /// Where.
        source: python::SyntaxError,
    },
    /// No `tests_params = {…}` at module level.
    #[error(
        "{file}: no module-level `tests_params = {{…}}` dict (the suite's tests/tests_config/config.py format)"
    )]
    NoTestsParams {
        /// The config file.
        file: String,
    },
}

/// The module-level settings of the suite that are `session` keys, by how they are written.
fn session_line(name: &str, v: &Value) -> Option<Result<String, &'static str>> {
    let flag = |s: &str| match s.to_ascii_lowercase().as_str() {
        "true" => Ok("true"),
        "false" => Ok("false"),
        _ => Err("not \"true\" or \"false\""),
    };
    let r = match (name, &v.py) {
        (
            "mtv_namespace" | "target_namespace_prefix" | "storage_class" | "remote_ocp_cluster",
            Py::Str(s),
        ) => Ok(format!("{name} {}", text::string(s))),
        ("plan_wait_timeout", Py::Int(s)) if *s > 0 => Ok(format!("{name} {s}s")),
        ("snapshots_interval" | "mins_before_cutover", Py::Int(n)) => Ok(format!("{name} {n}")),
        ("insecure_verify_skip" | "source_provider_insecure_skip_verify", Py::Str(s)) => {
            flag(s).map(|b| format!("{name} {b}"))
        }
        ("insecure_verify_skip" | "source_provider_insecure_skip_verify", Py::Bool(b)) => {
            Ok(format!("{name} {b}"))
        }
        (
            "mtv_namespace"
            | "target_namespace_prefix"
            | "storage_class"
            | "remote_ocp_cluster"
            | "plan_wait_timeout"
            | "snapshots_interval"
            | "mins_before_cutover"
            | "insecure_verify_skip"
            | "source_provider_insecure_skip_verify",
            _,
        ) => Err("a value of another type than the session key's"),
        ("source_provider", _) => Err("a flag of `mtvt run`: --provider NAME"),
        ("cluster_host" | "cluster_username" | "cluster_password", _) => Err(
            "flags of `mtvt run`: --cluster-url, --username, --password (or CLUSTER_* variables)",
        ),
        _ => return None,
    };
    Some(r)
}

fn session(module: &Module, unmapped: &mut Vec<Unmapped>) -> Option<String> {
    let mut lines = Vec::new();
    for a in &module.assignments {
        if a.name == "tests_params" {
            continue;
        }
        match session_line(&a.name, &a.value) {
            Some(Ok(l)) => lines.push(l),
            Some(Err(why)) => unmapped.push(Unmapped {
                key: a.name.clone(),
                line: a.value.line,
                why: why.into(),
            }),
            None => unmapped.push(Unmapped {
                key: a.name.clone(),
                line: a.value.line,
                why: "not a setting mtvt has".into(),
            }),
        }
    }
    (!lines.is_empty()).then(|| {
        format!(
            "# The suite-wide settings, imported by `mtvt import`.\nsession {{\n{}\n}}\n",
            lines.join("\n")
        )
    })
}

fn formatted(text: String) -> String {
    mtvt_lang::fmt::format_text(&text).unwrap_or(text)
}

/// Imports the config text `src` of file `file` (its name goes into the headers).
pub fn import(file: &str, src: &str) -> Result<Import, ImportError> {
    let module = python::parse(src).map_err(|source| ImportError::Syntax {
        file: file.to_string(),
        source,
    })?;
    let Some(params) = (module.assignments.iter())
        .rev()
        .find(|a| a.name == "tests_params" && a.value.entries().is_some())
    else {
        return Err(ImportError::NoTestsParams {
            file: file.to_string(),
        });
    };
    let mut out = Import::default();
    for (line, kind) in &module.other {
        if kind != "global_statement"
            && kind != "import_statement"
            && kind != "import_from_statement"
        {
            out.unmapped.push(Unmapped {
                key: kind.clone(),
                line: *line,
                why: "Python code, not a literal: not read".into(),
            });
        }
    }
    if let Some(text) = session(&module, &mut out.unmapped) {
        out.files.push(File {
            name: "session.mtvt".into(),
            text: formatted(text),
        });
    }
    for (k, v) in params.value.entries().unwrap_or_default() {
        let Some(key) = k.as_str() else {
            out.unmapped.push(Unmapped {
                key: "tests_params".into(),
                line: k.line,
                why: "a key that is not a string".into(),
            });
            continue;
        };
        if v.entries().is_none() {
            out.unmapped.push(Unmapped {
                key: key.into(),
                line: v.line,
                why: "not a dict".into(),
            });
            continue;
        }
        let origin = format!("{file}:{}", k.line);
        let s = scenario::scenario(key, v, &origin, &mut out.unmapped);
        out.files.push(File {
            name: format!("{}.mtvt", s.name),
            text: formatted(s.text),
        });
    }
    out.unmapped.sort_by_key(|u| u.line);
    Ok(out)
}
