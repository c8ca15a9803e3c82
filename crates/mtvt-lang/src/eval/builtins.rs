//! Implementations of the builtin functions declared in `schema::builtins`. PVC names are
//! rendered with mtvt-gotemplate (the same Go-template renderer and Forklift rules the
//! emulator uses), VM names with mtvt-k8s-names.

use std::collections::BTreeMap;

use mtvt_gotemplate::forklift::{PvcName, PvcNameData, render_pvc_name};

use super::Bindings;
use super::exec::Interrupt;
use super::value::{Val, from_json};
use crate::models::ModelId;

/// Calls builtin `name` with evaluated arguments.
pub fn call(name: &str, args: Vec<Val>, b: &Bindings) -> Result<Val, Interrupt> {
    let mut it = args.into_iter();
    let mut next = || it.next().unwrap_or(Val::None);
    match name {
        "len" => Ok(Val::Int(match next() {
            Val::None => 0,
            Val::List(l) => i64::try_from(l.len()).unwrap_or(i64::MAX),
            Val::Map(m) => i64::try_from(m.len()).unwrap_or(i64::MAX),
            Val::Str(s) => i64::try_from(s.chars().count()).unwrap_or(i64::MAX),
            Val::Object(serde_json::Value::Object(o)) => i64::try_from(o.len()).unwrap_or(i64::MAX),
            v => {
                return Err(Interrupt::error(format!(
                    "len of {}",
                    super::value::show(&v)
                )));
            }
        })),
        "keys" => Ok(Val::List(
            map_of(next())?.into_keys().map(Val::Str).collect(),
        )),
        "values" => Ok(Val::List(map_of(next())?.into_values().collect())),
        "lower" => Ok(Val::Str(string_of(next())?.to_lowercase())),
        "upper" => Ok(Val::Str(string_of(next())?.to_uppercase())),
        "k8s_name" => k8s_name(&string_of(next())?),
        "pvc_name" => pvc_name(next(), b),
        "pvc_name_matches" => {
            let actual = string_of(next())?;
            let expected = string_of(next())?;
            let generate = matches!(next(), Val::Bool(true));
            Ok(Val::Bool(if generate {
                mtvt_vocab::names::matches_generate_name(&expected, &actual)
            } else {
                actual == expected
            }))
        }
        "ssh_reachable" => {
            let dest = record_of(next())?;
            let probe = dest.get("ssh").cloned().unwrap_or(serde_json::Value::Null);
            let attempted = probe
                .get("attempted")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let detail = probe
                .get("detail")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string();
            if !attempted {
                let reason = if detail.is_empty() {
                    String::from("no SSH probe was run")
                } else {
                    detail
                };
                return Err(Interrupt::NotRun(reason));
            }
            Ok(Val::Bool(
                probe
                    .get("reachable")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false),
            ))
        }
        "version_at_least" => {
            let version = match next() {
                Val::None => {
                    return Err(Interrupt::NotRun(String::from(
                        "the destination cluster's OpenShift version is unknown",
                    )));
                }
                v => string_of(v)?,
            };
            let minimum = string_of(next())?;
            match (release(&version), release(&minimum)) {
                (Some(v), Some(m)) => Ok(Val::Bool(v >= m)),
                _ => Err(Interrupt::error(format!(
                    "`{version}` or `{minimum}` is not a dotted release number"
                ))),
            }
        }
        other => Err(Interrupt::error(format!("unknown builtin `{other}`"))),
    }
}

/// The numbers of a dotted release (`4.20.0-rc.1` → `[4, 20, 0]`), padded to three.
fn release(text: &str) -> Option<Vec<u64>> {
    let core = text.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or("");
    let mut nums = core
        .split('.')
        .map(|p| p.parse::<u64>().ok())
        .collect::<Option<Vec<u64>>>()?;
    while nums.len() < 3 {
        nums.push(0);
    }
    Some(nums)
}

fn map_of(v: Val) -> Result<BTreeMap<String, Val>, Interrupt> {
    match v {
        Val::None => Ok(BTreeMap::new()),
        Val::Map(m) => Ok(m),
        Val::Object(serde_json::Value::Object(o)) => Ok(o
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    from_json(&v, &crate::schema::types::Type::Any).unwrap_or(Val::None),
                )
            })
            .collect()),
        v => Err(Interrupt::error(format!(
            "expected a map, found {}",
            super::value::show(&v)
        ))),
    }
}

fn string_of(v: Val) -> Result<String, Interrupt> {
    match v {
        Val::Str(s) | Val::Enum(s) => Ok(s),
        v => Err(Interrupt::error(format!(
            "expected a string, found {}",
            super::value::show(&v)
        ))),
    }
}

/// Expected/actual of a failed `ssh_reachable(dest)`: a login to the VM, and what the
/// probe met instead (its `detail`).
pub(super) fn ssh_explain(dest: &Val) -> (String, String) {
    let (Val::Record(_, j) | Val::Object(j)) = dest else {
        return (String::from("true"), String::from("false"));
    };
    let text = |p: &str| {
        j.pointer(p)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    };
    let expected = format!(
        "an SSH login to VM {}/{}",
        text("/namespace"),
        text("/name")
    );
    let detail = text("/ssh/detail");
    let actual = if detail.is_empty() {
        String::from("no login")
    } else {
        detail.to_string()
    };
    (expected, actual)
}

fn record_of(v: Val) -> Result<serde_json::Value, Interrupt> {
    match v {
        Val::Record(_, j) | Val::Object(j) => Ok(j),
        v => Err(Interrupt::error(format!(
            "expected a record, found {}",
            super::value::show(&v)
        ))),
    }
}

fn k8s_name(source: &str) -> Result<Val, Interrupt> {
    if mtvt_vocab::names::is_dns1123_subdomain(source) {
        return Ok(Val::Str(source.to_string()));
    }
    if !mtvt_vocab::has_ascii_alphanumeric(source) {
        return Err(Interrupt::NotRun(format!(
            "`{source}` has no letters or digits: Forklift gives such VMs a random name"
        )));
    }
    Ok(Val::Str(mtvt_vocab::forklift_vm_name_with_suffix(
        source, "0000",
    )))
}

fn field<'a>(j: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    j.get(name).unwrap_or(&serde_json::Value::Null)
}

fn text(j: &serde_json::Value, name: &str) -> String {
    field(j, name).as_str().unwrap_or("").to_string()
}

/// The file name of a disk backing (`[ds1] vm/vm_1.vmdk` → `vm_1.vmdk`), as Forklift's
/// `.FileName`.
fn file_name(backing: &str) -> String {
    let path = backing.split_once(']').map_or(backing, |(_, p)| p).trim();
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// The expected PVC name (or generateName prefix) of a destination disk.
fn pvc_name(disk: Val, b: &Bindings) -> Result<Val, Interrupt> {
    let disk = match disk {
        Val::Record(ModelId::DestDisk, j) => j,
        v => {
            return Err(Interrupt::error(format!(
                "pvc_name needs a DestDisk, found {}",
                super::value::show(&v)
            )));
        }
    };
    let provider = text(&b.plan, "source_provider_type");
    let provider = if provider.is_empty() {
        String::from("vsphere")
    } else {
        provider
    };
    let template = field(&b.plan, "pvc_name_template")
        .as_str()
        .map(str::to_string);
    let generate = field(&b.plan, "pvc_name_template_use_generate_name").as_bool();
    // The disk's position among the destination disks is its source disk's position in
    // the source inventory (ordered by controller and unit): `.DiskIndex` and `.FileName`
    // come from the source, never from the PVC's own annotations.
    let position = field(&b.dest, "disks")
        .as_array()
        .and_then(|ds| ds.iter().position(|d| d.get("pvc") == disk.get("pvc")))
        .unwrap_or(0);
    let Some(src) = field(&b.source, "disks")
        .as_array()
        .and_then(|ds| ds.get(position))
    else {
        return Err(Interrupt::error(format!(
            "destination disk {} (position {position}) has no source disk at that position",
            text(&disk, "pvc")
        )));
    };
    let data = PvcNameData {
        vm_name: text(&b.source, "name"),
        target_vm_name: text(&b.dest, "name"),
        plan_name: text(&b.plan, "name"),
        disk_index: i64::try_from(position).unwrap_or(i64::MAX),
        shared: field(src, "shared").as_bool().unwrap_or(false),
        file_name: file_name(&text(src, "file")),
        vm_id: text(&b.source, "id"),
        ..PvcNameData::default()
    };
    match render_pvc_name(template.as_deref(), &provider, &data, generate) {
        // the generateName prefix is cut at 58 characters; a rendered name over 63 is an
        // error, as Forklift refuses it (not a DNS-1123 label)
        Ok(PvcName::Name(n) | PvcName::GenerateName(n)) => Ok(Val::Str(n)),
        Err(e) => Err(Interrupt::error(format!(
            "pvc_name_template does not render: {e}"
        ))),
    }
}

/// Names of the implemented builtins (kept in sync with `schema::builtins` by a test).
#[cfg(test)]
const IMPLEMENTED: &[&str] = &[
    "len",
    "keys",
    "values",
    "lower",
    "upper",
    "k8s_name",
    "pvc_name",
    "pvc_name_matches",
    "ssh_reachable",
    "version_at_least",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::builtins::BUILTINS;

    #[test]
    fn file_names_are_the_last_path_segment_of_the_backing() {
        assert_eq!(file_name("[datastore1] vm-a/vm-a_1.vmdk"), "vm-a_1.vmdk");
        assert_eq!(file_name("[ds] flat.vmdk"), "flat.vmdk");
        assert_eq!(file_name("disk-id-7"), "disk-id-7");
    }

    #[test]
    fn every_declared_builtin_is_implemented() {
        let declared: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        assert_eq!(declared, IMPLEMENTED);
        let b = Bindings::default();
        for name in IMPLEMENTED {
            let r = call(name, vec![Val::None, Val::None, Val::None], &b);
            assert!(
                !matches!(&r, Err(Interrupt::Error(e)) if e.starts_with("unknown builtin")),
                "{name} is not implemented"
            );
        }
    }

    #[test]
    fn names_follow_forklift() {
        assert_eq!(k8s_name("rhel8-vm").unwrap(), Val::Str("rhel8-vm".into()));
        assert_eq!(
            k8s_name("XCopy_Test_VM_CAPS").unwrap(),
            Val::Str("xcopy-test-vm-caps".into())
        );
        assert!(matches!(k8s_name("###"), Err(Interrupt::NotRun(_))));
    }
}
