//! Runs an Ansible playbook the way the hook-runner image would, without Ansible: plays and
//! tasks in order, `when` conditions, `debug`, `fail`, `assert` (`that` evaluated with
//! minijinja's expression engine, which speaks Jinja2 like Ansible), `set_fact`; any other
//! module succeeds with a "skipped (emulated)" line. Produces the exit status and an
//! ansible-like log (PLAY / TASK / PLAY RECAP). Pure: no I/O.

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
    let parsed: Result<Value, _> = serde_saphyr::from_str(playbook);
    let plays = match parsed {
        Ok(Value::Array(p)) if !p.is_empty() => p,
        Ok(_) => {
            return Run { exit_code: 4, log: "ERROR! A playbook must be a list of plays, got a non-list or an empty list instead\n".into() };
        }
        Err(e) => {
            return Run {
                exit_code: 4,
                log: format!(
                    "ERROR! We were unable to read either as JSON nor YAML, these are the errors we got from each:\n{e}\n"
                ),
            };
        }
    };
    let env = Environment::new();
    let mut log = String::new();
    let mut stats: BTreeMap<&str, i64> = [
        ("ok", 0),
        ("changed", 0),
        ("unreachable", 0),
        ("failed", 0),
        ("skipped", 0),
        ("rescued", 0),
        ("ignored", 0),
    ]
    .into_iter()
    .collect();
    let mut failed = false;
    'plays: for play in &plays {
        let title = play
            .get("name")
            .and_then(Value::as_str)
            .or_else(|| play.get("hosts").and_then(Value::as_str))
            .unwrap_or("localhost");
        log.push_str(&banner("PLAY", title));
        log.push('\n');
        let mut vars: Map<String, Value> = play
            .get("vars")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        vars.insert("inventory_hostname".into(), json!("localhost"));
        if play.get("gather_facts").and_then(Value::as_bool) != Some(false) {
            log.push_str(&banner("TASK", "Gathering Facts"));
            log.push_str("ok: [localhost]\n\n");
            *stats.entry("ok").or_default() += 1;
        }
        for task in play
            .get("tasks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(t) = task.as_object() else { continue };
            let module = t
                .keys()
                .find(|k| !KEYWORDS.contains(&k.as_str()))
                .cloned()
                .unwrap_or_else(|| "meta".into());
            let name = t
                .get("name")
                .and_then(Value::as_str)
                .map(|n| render(&env, n, &vars))
                .unwrap_or_else(|| module.clone());
            log.push_str(&banner("TASK", &name));
            let mut skip = false;
            for w in exprs(t.get("when")) {
                match eval(&env, &w, &vars) {
                    Ok(true) => {}
                    Ok(false) => skip = true,
                    Err(e) => {
                        log.push_str(&format!(
                            "fatal: [localhost]: FAILED! => {{\"msg\": {}}}\n\n",
                            json!(e)
                        ));
                        *stats.entry("failed").or_default() += 1;
                        failed = true;
                        break 'plays;
                    }
                }
            }
            if skip {
                log.push_str("skipping: [localhost]\n\n");
                *stats.entry("skipped").or_default() += 1;
                continue;
            }
            let args = t.get(&module).cloned().unwrap_or(Value::Null);
            let short = module.rsplit('.').next().unwrap_or(&module).to_string();
            let ignore = t.get("ignore_errors").and_then(Value::as_bool) == Some(true);
            let outcome: Result<String, Value> = match short.as_str() {
                "debug" => {
                    let body = if let Some(var) = args.get("var").and_then(Value::as_str) {
                        let shown = vars
                            .get(var)
                            .cloned()
                            .unwrap_or(json!("VARIABLE IS NOT DEFINED!"));
                        json!({var: shown})
                    } else {
                        let msg = args
                            .get("msg")
                            .map(|m| match m {
                                Value::String(s) => json!(render(&env, s, &vars)),
                                other => other.clone(),
                            })
                            .unwrap_or(json!("Hello world!"));
                        json!({"msg": msg})
                    };
                    Ok(format!("ok: [localhost] => {}\n", pretty(&body)))
                }
                "fail" => {
                    let msg = args
                        .get("msg")
                        .and_then(Value::as_str)
                        .map(|m| render(&env, m, &vars))
                        .unwrap_or_else(|| "Failed as requested from task".into());
                    Err(json!({"changed": false, "msg": msg}))
                }
                "assert" => {
                    let list = exprs(
                        args.get("that")
                            .or(Some(&args))
                            .filter(|a| !a.is_object())
                            .or(args.get("that")),
                    );
                    let mut res = Ok(format!(
                        "ok: [localhost] => {}\n",
                        pretty(
                            &json!({"changed": false, "msg": args.get("success_msg").and_then(Value::as_str).unwrap_or("All assertions passed")})
                        )
                    ));
                    for e in list {
                        match eval(&env, &e, &vars) {
                            Ok(true) => {}
                            Ok(false) => {
                                let msg = args
                                    .get("fail_msg")
                                    .or(args.get("msg"))
                                    .and_then(Value::as_str)
                                    .unwrap_or("Assertion failed");
                                res = Err(
                                    json!({"assertion": e, "changed": false, "evaluated_to": false, "msg": render(&env, msg, &vars)}),
                                );
                                break;
                            }
                            Err(err) => {
                                res = Err(json!({"msg": err}));
                                break;
                            }
                        }
                    }
                    res
                }
                "set_fact" => {
                    if let Some(m) = args.as_object() {
                        for (k, v) in m {
                            let v = match v {
                                Value::String(s) => json!(render(&env, s, &vars)),
                                o => o.clone(),
                            };
                            vars.insert(k.clone(), v);
                        }
                    }
                    Ok("ok: [localhost]\n".into())
                }
                _ => Ok(format!(
                    "ok: [localhost] => {}\n",
                    pretty(&json!({"msg": format!("{module} skipped (emulated)")}))
                )),
            };
            if let Some(reg) = t.get("register").and_then(Value::as_str) {
                vars.insert(
                    reg.into(),
                    json!({"failed": outcome.is_err(), "changed": false}),
                );
            }
            match outcome {
                Ok(line) => {
                    log.push_str(&line);
                    log.push('\n');
                    *stats.entry("ok").or_default() += 1;
                }
                Err(body) => {
                    log.push_str(&format!(
                        "fatal: [localhost]: FAILED! => {}\n",
                        serde_json::to_string(&body).unwrap_or_default()
                    ));
                    if ignore {
                        log.push_str("...ignoring\n\n");
                        *stats.entry("ignored").or_default() += 1;
                        *stats.entry("ok").or_default() += 1;
                    } else {
                        log.push('\n');
                        *stats.entry("failed").or_default() += 1;
                        failed = true;
                        break 'plays;
                    }
                }
            }
        }
    }
    log.push_str(&banner("PLAY RECAP", "").replace("[] ", ""));
    let s = |k: &str| stats.get(k).copied().unwrap_or(0);
    log.push_str(&format!(
        "localhost                  : ok={:<4} changed={:<4} unreachable={:<4} failed={:<4} skipped={:<4} rescued={:<4} ignored={:<4}\n",
        s("ok"), s("changed"), s("unreachable"), s("failed"), s("skipped"), s("rescued"), s("ignored")
    ));
    Run {
        exit_code: if failed { 2 } else { 0 },
        log,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "- name: Successful-hook\n  hosts: localhost\n  tasks:\n  - name: Success task\n    debug:\n      msg: \"Hook executed successfully\"\n";
    const FAIL: &str = "- name: Failing-post-migration\n  hosts: localhost\n  tasks:\n  - name: Task that will fail\n    fail:\n      msg: \"This hook is designed to fail for testing purposes\"\n";

    #[test]
    fn debug_succeeds_and_logs() {
        let r = run(OK);
        assert_eq!(r.exit_code, 0, "{}", r.log);
        assert!(r.log.contains("PLAY [Successful-hook]"));
        assert!(r.log.contains("\"msg\": \"Hook executed successfully\""));
        assert!(r.log.contains("failed=0"));
    }

    #[test]
    fn fail_fails() {
        let r = run(FAIL);
        assert_eq!(r.exit_code, 2);
        assert!(r.log.contains("fatal: [localhost]: FAILED!"));
        assert!(r.log.contains("This hook is designed to fail"));
        assert!(r.log.contains("failed=1"));
    }

    #[test]
    fn assert_when_set_fact_and_unknown_modules() {
        let pb = "- hosts: localhost\n  gather_facts: false\n  vars:\n    x: 3\n  tasks:\n  - set_fact:\n      y: 4\n  - ansible.builtin.command: echo hi\n  - name: skipped\n    debug: {msg: no}\n    when: x > 5\n  - ansible.builtin.assert:\n      that:\n        - x + y == 7\n        - y > x\n";
        let r = run(pb);
        assert_eq!(r.exit_code, 0, "{}", r.log);
        assert!(r.log.contains("skipped (emulated)"));
        assert!(r.log.contains("skipping: [localhost]"));
        let bad =
            "- hosts: localhost\n  tasks:\n  - assert:\n      that: 1 == 2\n      fail_msg: nope\n";
        let r = run(bad);
        assert_eq!(r.exit_code, 2);
        assert!(r.log.contains("\"evaluated_to\":false"), "{}", r.log);
        assert!(r.log.contains("nope"));
        assert_eq!(run("not: [a, list").exit_code, 4);
        assert_eq!(run("{}").exit_code, 4);
    }
}
