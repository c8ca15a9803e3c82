//! The modules the emulated runner executes: `debug`, `fail`, `assert` and `set_fact`; any
//! other module succeeds as "skipped (emulated)". Each returns the `ok` line or the failure
//! body Ansible prints.

use minijinja::Environment;
use serde_json::{Map, Value, json};

use super::{eval, exprs, pretty, render};

/// Runs `module` (possibly fully qualified, `ansible.builtin.debug`) with `args`.
pub(super) fn run_module(
    env: &Environment<'_>,
    module: &str,
    args: &Value,
    vars: &mut Map<String, Value>,
) -> Result<String, Value> {
    let short = module.rsplit('.').next().unwrap_or(module);
    match short {
        "debug" => Ok(debug(env, args, vars)),
        "fail" => {
            let msg = args
                .get("msg")
                .and_then(Value::as_str)
                .map(|m| render(env, m, vars))
                .unwrap_or_else(|| "Failed as requested from task".into());
            Err(json!({"changed": false, "msg": msg}))
        }
        "assert" => assert(env, args, vars),
        "set_fact" => {
            if let Some(m) = args.as_object() {
                for (k, v) in m {
                    let v = match v {
                        Value::String(s) => json!(render(env, s, vars)),
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
    }
}

/// `debug`: a variable (`var`) or a rendered message (`msg`).
fn debug(env: &Environment<'_>, args: &Value, vars: &Map<String, Value>) -> String {
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
                Value::String(s) => json!(render(env, s, vars)),
                other => other.clone(),
            })
            .unwrap_or(json!("Hello world!"));
        json!({"msg": msg})
    };
    format!("ok: [localhost] => {}\n", pretty(&body))
}

/// `assert`: every expression of `that` must be true.
fn assert(env: &Environment<'_>, args: &Value, vars: &Map<String, Value>) -> Result<String, Value> {
    let list = exprs(
        args.get("that")
            .or(Some(args))
            .filter(|a| !a.is_object())
            .or(args.get("that")),
    );
    for e in list {
        match eval(env, &e, vars) {
            Ok(true) => {}
            Ok(false) => {
                let msg = args
                    .get("fail_msg")
                    .or(args.get("msg"))
                    .and_then(Value::as_str)
                    .unwrap_or("Assertion failed");
                return Err(
                    json!({"assertion": e, "changed": false, "evaluated_to": false, "msg": render(env, msg, vars)}),
                );
            }
            Err(err) => return Err(json!({"msg": err})),
        }
    }
    Ok(format!(
        "ok: [localhost] => {}\n",
        pretty(
            &json!({"changed": false, "msg": args.get("success_msg").and_then(Value::as_str).unwrap_or("All assertions passed")})
        )
    ))
}
