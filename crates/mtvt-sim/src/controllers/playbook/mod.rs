//! Runs an Ansible playbook the way the hook-runner image would, without Ansible: plays and
//! tasks in order, `when` conditions, `debug`, `fail`, `assert` (`that` evaluated with
//! minijinja's expression engine, which speaks Jinja2 like Ansible), `set_fact`; any other
//! module succeeds with a "skipped (emulated)" line. Produces the exit status and an
//! ansible-like log (PLAY / TASK / PLAY RECAP). Pure: no I/O.

mod modules;

use std::collections::BTreeMap;

use minijinja::Environment;
use serde_json::{Map, Value, json};

/// The outcome of a playbook run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Exit code: 0 ok, 2 a task failed, 4 the playbook could not be parsed.
    pub exit_code: i32,
    /// The log, as `ansible-runner` prints it.
    pub log: String,
}

const KEYWORDS: &[&str] = &[
    "name",
    "when",
    "register",
    "vars",
    "ignore_errors",
    "tags",
    "become",
    "become_user",
    "delegate_to",
    "loop",
    "with_items",
    "changed_when",
    "failed_when",
    "no_log",
    "environment",
    "args",
    "retries",
    "delay",
    "until",
];

fn banner(kind: &str, title: &str) -> String {
    let head = format!("{kind} [{title}] ");
    let stars = 80usize.saturating_sub(head.len()).max(3);
    format!("{head}{}\n", "*".repeat(stars))
}

fn to_mj(v: &Map<String, Value>) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(v))
}

fn render(env: &Environment<'_>, text: &str, vars: &Map<String, Value>) -> String {
    env.render_str(text, to_mj(vars))
        .unwrap_or_else(|_| text.to_string())
}

fn eval(env: &Environment<'_>, expr: &str, vars: &Map<String, Value>) -> Result<bool, String> {
    let e = env
        .compile_expression(expr.trim())
        .map_err(|e| format!("template error while templating string: {e}"))?;
    e.eval(to_mj(vars))
        .map(|v| v.is_true())
        .map_err(|e| format!("error while evaluating conditional ({expr}): {e}"))
}

fn exprs(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect(),
        Some(Value::Bool(b)) => vec![b.to_string()],
        _ => Vec::new(),
    }
}

fn pretty(v: &Value) -> String {
    let s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.replace("\n  ", "\n    ")
}

/// Runs `playbook` (YAML text).
pub fn run(playbook: &str) -> Run {
    let plays = match parse(playbook) {
        Ok(p) => p,
        Err(run) => return run,
    };
    let mut runner = Runner::new();
    let mut failed = false;
    for play in &plays {
        if !runner.play(play) {
            failed = true;
            break;
        }
    }
    runner.recap(failed)
}

/// The plays of a playbook, or the run that reports why there are none.
fn parse(playbook: &str) -> Result<Vec<Value>, Run> {
    let parsed: Result<Value, _> = serde_saphyr::from_str(playbook);
    match parsed {
        Ok(Value::Array(p)) if !p.is_empty() => Ok(p),
        Ok(_) => Err(Run { exit_code: 4, log: "ERROR! A playbook must be a list of plays, got a non-list or an empty list instead\n".into() }),
        Err(e) => Err(Run {
            exit_code: 4,
            log: format!(
                "ERROR! We were unable to read either as JSON nor YAML, these are the errors we got from each:\n{e}\n"
            ),
        }),
    }
}

/// A run in progress: the expression engine, the log so far and the recap counters.
struct Runner {
    env: Environment<'static>,
    log: String,
    stats: BTreeMap<&'static str, i64>,
}

impl Runner {
    fn new() -> Self {
        Runner {
            env: Environment::new(),
            log: String::new(),
            stats: [
                ("ok", 0),
                ("changed", 0),
                ("unreachable", 0),
                ("failed", 0),
                ("skipped", 0),
                ("rescued", 0),
                ("ignored", 0),
            ]
            .into_iter()
            .collect(),
        }
    }

    fn count(&mut self, what: &'static str) {
        *self.stats.entry(what).or_default() += 1;
    }

    /// Runs one play; `false` when a task failed (the run stops there).
    fn play(&mut self, play: &Value) -> bool {
        let title = play
            .get("name")
            .and_then(Value::as_str)
            .or_else(|| play.get("hosts").and_then(Value::as_str))
            .unwrap_or("localhost");
        self.log.push_str(&banner("PLAY", title));
        self.log.push('\n');
        let mut vars: Map<String, Value> = play
            .get("vars")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        vars.insert("inventory_hostname".into(), json!("localhost"));
        if play.get("gather_facts").and_then(Value::as_bool) != Some(false) {
            self.log.push_str(&banner("TASK", "Gathering Facts"));
            self.log.push_str("ok: [localhost]\n\n");
            self.count("ok");
        }
        for task in play
            .get("tasks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(t) = task.as_object() else { continue };
            if !self.task(t, &mut vars) {
                return false;
            }
        }
        true
    }

    /// Runs one task (unless its `when` is false); `false` when it failed and is not ignored.
    fn task(&mut self, t: &Map<String, Value>, vars: &mut Map<String, Value>) -> bool {
        let module = t
            .keys()
            .find(|k| !KEYWORDS.contains(&k.as_str()))
            .cloned()
            .unwrap_or_else(|| "meta".into());
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .map(|n| render(&self.env, n, vars))
            .unwrap_or_else(|| module.clone());
        self.log.push_str(&banner("TASK", &name));
        let mut skip = false;
        for w in exprs(t.get("when")) {
            match eval(&self.env, &w, vars) {
                Ok(true) => {}
                Ok(false) => skip = true,
                Err(e) => {
                    self.log.push_str(&format!(
                        "fatal: [localhost]: FAILED! => {{\"msg\": {}}}\n\n",
                        json!(e)
                    ));
                    self.count("failed");
                    return false;
                }
            }
        }
        if skip {
            self.log.push_str("skipping: [localhost]\n\n");
            self.count("skipped");
            return true;
        }
        let args = t.get(&module).cloned().unwrap_or(Value::Null);
        let ignore = t.get("ignore_errors").and_then(Value::as_bool) == Some(true);
        let outcome = modules::run_module(&self.env, &module, &args, vars);
        if let Some(reg) = t.get("register").and_then(Value::as_str) {
            vars.insert(
                reg.into(),
                json!({"failed": outcome.is_err(), "changed": false}),
            );
        }
        self.record(outcome, ignore)
    }

    /// Logs a task's outcome; `false` when it failed and is not ignored.
    fn record(&mut self, outcome: Result<String, Value>, ignore: bool) -> bool {
        match outcome {
            Ok(line) => {
                self.log.push_str(&line);
                self.log.push('\n');
                self.count("ok");
                true
            }
            Err(body) => {
                self.log.push_str(&format!(
                    "fatal: [localhost]: FAILED! => {}\n",
                    serde_json::to_string(&body).unwrap_or_default()
                ));
                if ignore {
                    self.log.push_str("...ignoring\n\n");
                    self.count("ignored");
                    self.count("ok");
                    true
                } else {
                    self.log.push('\n');
                    self.count("failed");
                    false
                }
            }
        }
    }

    /// The `PLAY RECAP` and the exit code.
    fn recap(mut self, failed: bool) -> Run {
        self.log
            .push_str(&banner("PLAY RECAP", "").replace("[] ", ""));
        let s = |k: &str| self.stats.get(k).copied().unwrap_or(0);
        let line = format!(
            "localhost                  : ok={:<4} changed={:<4} unreachable={:<4} failed={:<4} skipped={:<4} rescued={:<4} ignored={:<4}\n",
            s("ok"),
            s("changed"),
            s("unreachable"),
            s("failed"),
            s("skipped"),
            s("rescued"),
            s("ignored")
        );
        self.log.push_str(&line);
        Run {
            exit_code: if failed { 2 } else { 0 },
            log: self.log,
        }
    }
}

#[cfg(test)]
mod tests;
