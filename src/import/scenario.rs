//! One `tests_params` entry → the text of one `.mtvt` scenario. Each suite key has one
//! mapping here (the plan keys, the `virtual_machines` keys, `add_disks`, the hooks and the
//! expected result); a key or value with no mapping is recorded as [`Unmapped`] with its
//! line, never guessed. The text is formatted canonically afterwards by the caller.

use super::keys::{bool_key, datastore, enum_key, label_map, str_key};
use super::python::{Py, Value};
use super::{Unmapped, text};

/// What one entry becomes.
pub struct Scenario {
    /// The scenario name (the entry key without `test_`).
    pub name: String,
    /// The `.mtvt` text (unformatted).
    pub text: String,
}

/// Collects the pieces of one scenario and what could not be mapped.
struct Out<'a> {
    entry: &'a str,
    tags: Vec<&'static str>,
    requires: Vec<&'static str>,
    plan: Vec<String>,
    vms: Vec<String>,
    hooks: Vec<String>,
    unmapped: &'a mut Vec<Unmapped>,
}

impl Out<'_> {
    fn skip(&mut self, path: &str, v: &Value, why: &str) {
        self.unmapped.push(Unmapped {
            key: format!("{}{path}", self.entry),
            line: v.line,
            why: why.to_string(),
        });
    }
}

/// `test_sanity_cold` → `sanity_cold`; characters an identifier cannot hold become `_`.
pub fn scenario_name(key: &str) -> String {
    let base = key.strip_prefix("test_").unwrap_or(key);
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 's');
    }
    name
}

fn plan_key(o: &mut Out<'_>, key: &str, v: &Value) -> Result<(), &'static str> {
    let p = &mut o.plan;
    match key {
        "warm_migration" => {
            if v.py == Py::Bool(true) {
                o.tags.push("warm");
            }
            bool_key(p, "warm", v)
        }
        "copyoffload" => {
            if v.py == Py::Bool(true) {
                o.tags.push("copyoffload");
                o.requires.extend(["provider vsphere", "copyoffload"]);
            }
            bool_key(p, "copy_offload", v)
        }
        "target_power_state" => enum_key(p, "target_power_state", v, &["on", "off", "auto"]),
        "preserve_static_ips" => bool_key(p, "preserve_static_ips", v),
        key @ ("migrate_shared_disks"
        | "enable_nested_virtualization"
        | "xfs_compatibility"
        | "run_preflight_inspection"
        | "rdm_as_lun") => bool_key(p, key, v),
        "vm_target_namespace" => str_key(p, "target_namespace", v),
        "multus_namespace" => str_key(p, "multus_namespace", v),
        "pvc_name_template" => {
            let s = v
                .as_str()
                .ok_or("not a string (a provider-keyed dict has no .mtvt form)")?;
            let raw = text::raw(s).ok_or("contains a quote or a line break")?;
            p.push(format!("pvc_name_template {raw}"));
            Ok(())
        }
        "pvc_name_template_use_generate_name" => {
            bool_key(p, "pvc_name_template_use_generate_name", v)
        }
        "target_labels" => {
            p.push(format!("target_labels {}", label_map(v)?));
            Ok(())
        }
        "target_node_selector" => {
            p.push(format!("target_node_selector {}", label_map(v)?));
            Ok(())
        }
        "target_affinity" => {
            p.push(format!("target_affinity {}", text::object(v)?));
            Ok(())
        }
        "guest_agent_timeout" => match v.py {
            Py::Int(s) if s > 0 => {
                p.push(format!("guest_agent_timeout {s}s"));
                Ok(())
            }
            _ => Err("not a positive number of seconds"),
        },
        _ => Err("no .mtvt key for it"),
    }
}

fn add_disk(o: &mut Out<'_>, path: &str, d: &Value) -> Option<String> {
    let Some(entries) = d.entries() else {
        o.skip(path, d, "not a dict");
        return None;
    };
    let mut lines = Vec::new();
    for (k, v) in entries {
        let key = k.as_str().unwrap_or("?");
        let r = match key {
            "size_gb" => match v.py {
                Py::Int(n) if n > 0 => {
                    lines.push(format!("size {n}Gi"));
                    Ok(())
                }
                _ => Err("not a positive integer"),
            },
            "disk_mode" => enum_key(
                &mut lines,
                "mode",
                v,
                &[
                    "persistent",
                    "independent_persistent",
                    "independent_nonpersistent",
                ],
            ),
            "provision_type" => enum_key(
                &mut lines,
                "provisioning",
                v,
                &["thin", "thick-lazy", "thick-eager"],
            ),
            "datastore_id" => datastore(v).map(|d| lines.push(format!("datastore {d}"))),
            _ => Err("no .mtvt key for it"),
        };
        if let Err(why) = r {
            o.skip(&format!("{path}.{key}"), v, why);
        }
    }
    Some(format!("add_disk {{ {} }}", lines.join("; ")))
}

fn vm_key(o: &mut Out<'_>, path: &str, key: &str, v: &Value, lines: &mut Vec<String>) {
    let r = match key {
        "source_vm_power" => enum_key(lines, "source_power", v, &["on", "off"]),
        "guest_agent" => bool_key(lines, "guest_agent", v),
        // the suite clones every VM whatever `clone` says; so does mtvt by default
        "clone" => match v.py {
            Py::Bool(_) => Ok(()),
            _ => Err("not True or False"),
        },
        "clone_name" => str_key(lines, "clone_name", v),
        "preserve_name_format" => bool_key(lines, "preserve_name_format", v),
        "disk_type" => enum_key(
            lines,
            "disk_type",
            v,
            &["thin", "thick-lazy", "thick-eager"],
        ),
        "snapshots" => match v.py {
            Py::Int(n) if n >= 0 => {
                lines.push(format!("snapshots {n}"));
                Ok(())
            }
            _ => Err("not a count"),
        },
        "target_datastore_id" => datastore(v).map(|d| lines.push(format!("target_datastore {d}"))),
        "add_disks" => {
            if let Py::List(disks) = &v.py {
                for (i, d) in disks.iter().enumerate() {
                    let disk = add_disk(o, &format!("{path}.add_disks[{i}]"), d);
                    lines.extend(disk);
                }
                Ok(())
            } else {
                Err("not a list")
            }
        }
        _ => Err("no .mtvt key for it"),
    };
    if let Err(why) = r {
        o.skip(&format!("{path}.{key}"), v, why);
    }
}

fn vm(o: &mut Out<'_>, i: usize, v: &Value) {
    let path = format!(".virtual_machines[{i}]");
    let Some(entries) = v.entries() else {
        o.skip(&path, v, "not a dict");
        return;
    };
    let Some(name) = entries
        .iter()
        .find(|(k, _)| k.as_str() == Some("name"))
        .and_then(|(_, n)| n.as_str())
    else {
        o.skip(&path, v, "no \"name\"");
        return;
    };
    let mut lines = Vec::new();
    for (k, val) in entries {
        match k.as_str() {
            Some("name") => {}
            Some(key) => vm_key(o, &path, key, val, &mut lines),
            None => o.skip(&path, k, "a key that is not a string"),
        }
    }
    let name = text::string(name);
    o.vms.push(if lines.is_empty() {
        format!("vm {name}")
    } else {
        format!("vm {name} {{\n{}\n}}", lines.join("\n"))
    });
}

/// `pre_hook` / `post_hook`: the predefined playbook by its expected result, or a base64
/// playbook. Returns whether the hook is expected to fail.
fn hook(o: &mut Out<'_>, step: &str, v: &Value) -> bool {
    let path = format!(".{step}_hook");
    let Some(entries) = v.entries() else {
        o.skip(&path, v, "not a dict");
        return false;
    };
    let get = |k: &str| entries.iter().find(|(key, _)| key.as_str() == Some(k));
    let result = get("expected_result").and_then(|(_, r)| r.as_str());
    let fails = result == Some("fail");
    let body = match (get("playbook_base64"), result) {
        (Some((_, b)), _) => match b.as_str() {
            Some(b64) => {
                let expect = result.map(|r| format!("; expect {r}")).unwrap_or_default();
                format!("playbook_base64 {}{expect}", text::string(b64))
            }
            None => {
                o.skip(&format!("{path}.playbook_base64"), b, "not a string");
                return false;
            }
        },
        (None, Some(r @ ("succeed" | "fail"))) => format!("result {r}"),
        _ => {
            o.skip(
                &path,
                v,
                "neither expected_result succeed/fail nor playbook_base64",
            );
            return false;
        }
    };
    for (k, val) in entries {
        if !matches!(k.as_str(), Some("expected_result" | "playbook_base64")) {
            let key = k.as_str().unwrap_or("?");
            o.skip(&format!("{path}.{key}"), val, "no .mtvt key for it");
        }
    }
    o.hooks.push(format!("hook {step} {{ {body} }}"));
    fails
}

/// The scenario of entry `key` (a dict), with a header naming where it came from.
pub fn scenario(key: &str, v: &Value, origin: &str, unmapped: &mut Vec<Unmapped>) -> Scenario {
    let name = scenario_name(key);
    let mut o = Out {
        entry: key,
        tags: Vec::new(),
        requires: Vec::new(),
        plan: Vec::new(),
        vms: Vec::new(),
        hooks: Vec::new(),
        unmapped,
    };
    let mut expect_fail: Option<bool> = None;
    let mut failing_hook = None;
    for (k, val) in v.entries().unwrap_or_default() {
        let Some(k_str) = k.as_str() else {
            o.skip("", k, "a key that is not a string");
            continue;
        };
        if val.py == Py::None {
            continue;
        }
        match k_str {
            "virtual_machines" => match &val.py {
                Py::List(vms) => vms
                    .iter()
                    .enumerate()
                    .for_each(|(i, vm_v)| vm(&mut o, i, vm_v)),
                _ => o.skip(".virtual_machines", val, "not a list"),
            },
            "pre_hook" | "post_hook" => {
                let step = if k_str == "pre_hook" { "pre" } else { "post" };
                if hook(&mut o, step, val) && failing_hook.is_none() {
                    failing_hook = Some(if step == "pre" { "PreHook" } else { "PostHook" });
                }
            }
            "expected_migration_result" => match val.as_str() {
                Some("fail") => expect_fail = Some(true),
                Some("succeed" | "success") => expect_fail = Some(false),
                _ => o.skip(
                    ".expected_migration_result",
                    val,
                    "not \"succeed\" or \"fail\"",
                ),
            },
            other => {
                if let Err(why) = plan_key(&mut o, other, val) {
                    o.skip(&format!(".{other}"), val, why);
                }
            }
        }
    }
    if !o.hooks.is_empty() {
        o.tags.push("hooks");
    }
    let outcome = match (expect_fail, failing_hook) {
        (Some(true), Some(step)) => format!("migration fails at {step}"),
        (Some(true), None) => "migration fails".to_string(),
        _ => "migration succeeds".to_string(),
    };
    let mut body = Vec::new();
    if !o.tags.is_empty() {
        body.push(format!("tags {}", o.tags.join(", ")));
    }
    body.extend(o.requires.iter().map(|r| format!("requires {r}")));
    body.extend(o.vms);
    if !o.plan.is_empty() {
        body.push(format!("plan {{\n{}\n}}", o.plan.join("\n")));
    }
    body.extend(o.hooks);
    body.push(format!("expect {{\n{outcome}\ncheck standard\n}}"));
    let text = format!(
        "use std/checks\n\n# {key}: imported by `mtvt import` from {origin}\nscenario {name} {{\n{}\n}}\n",
        body.join("\n")
    );
    Scenario { name, text }
}

#[cfg(test)]
#[path = "scenario_tests.rs"]
mod tests;
