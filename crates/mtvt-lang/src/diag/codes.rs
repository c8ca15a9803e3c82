//! Long explanations of every diagnostic code: the single source for `mtvt explain CODE`
//! and for the generated `docs/diagnostics.md`. A test fails when a code of
//! [`super::ALL_CODES`] has no entry here (or an entry has no code).

/// The long form of one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeDoc {
    /// `mtvt::E0201`.
    pub code: &'static str,
    /// A short title.
    pub title: &'static str,
    /// Why it is a mistake (markdown).
    pub explanation: &'static str,
    /// How to fix it (markdown).
    pub fix: &'static str,
}

/// Looks a code up; accepts `mtvt::E0201`, `E0201` or `e0201`.
pub fn lookup(code: &str) -> Option<&'static CodeDoc> {
    let wanted = code
        .trim()
        .trim_start_matches("mtvt::")
        .to_ascii_uppercase();
    CODE_DOCS
        .iter()
        .find(|d| d.code.trim_start_matches("mtvt::") == wanted)
}

macro_rules! docs {
    ($($code:literal, $title:literal, $expl:literal, $fix:literal;)*) => {
        /// All code docs, in code order.
        pub const CODE_DOCS: &[CodeDoc] = &[
            $( CodeDoc { code: $code, title: $title, explanation: $expl, fix: $fix }, )*
        ];
    };
}

docs! {
"mtvt::E0100", "syntax error",
"The file does not follow the `.mtvt` grammar (`grammar/mtvt.pest`). The caret marks the place where the parser could not continue and the label lists what it expected there. The parser then goes on — at the next entry or statement line inside a block, at the next top-level item outside — so every mistake of the file is reported, each once. Blocks, lists, objects and parentheses nested more than 64 levels deep are reported here too (\"nesting deeper than 64 levels\", at the first bracket past the limit). A file with a syntax error is not checked further, but the other files are.",
"Fix the text at the caret. Common causes: a missing closing `}` or `\"`, two entries on one line without `;`, a `key: value` pair outside an object.";

"mtvt::E0101", "invalid literal",
"A number, quantity or duration literal is well-formed but its value cannot be used: it overflows, or a fractional quantity such as `1.3Ki` is not a whole number of bytes.",
"Write a smaller value or use a unit that makes it whole (`1536Mi` instead of `1.5Gi` is not needed, but `1.3Ki` is not a byte count).";

"mtvt::E0102", "interpolation in a raw value",
"Some values are used verbatim: `pvc_name_template` is a Go template evaluated by Forklift, `use` paths and `playbook_file` are file names. `${…}` interpolation is not applied to them, so writing it is a mistake.",
"Write the value as a raw single-quoted string (`'{{.VmName}}-disk-{{.DiskIndex}}'`) without `${…}`.";

"mtvt::E0103", "unknown interpolation",
"Inside `\"…\"` strings, `${…}` may name `session` (the run's unique id), `env.NAME` (an environment variable read at run time) or `param.NAME` (a matrix dimension). Anything else is unknown.",
"Use one of the three forms, or escape the dollar sign as `\\$` to write a literal `${`.";

"mtvt::E0201", "unknown key",
"Every block (`scenario`, `plan`, `vm`, `add_disk`, `hook`, `expect`, `session`) accepts a fixed set of keys, listed in docs/language.md. A key outside that set is a typo or belongs to another block (for example `warm` belongs in `plan { … }`).",
"Use the suggested key, or move the entry to the block the help names.";

"mtvt::E0202", "wrong type",
"Each key has a type (string, int, bool, duration, quantity, enum, list, map, object). The value given has another type, for example `guest_agent \"yes\"` instead of `guest_agent true`, or `size 30` instead of `size 30Gi`.",
"Write a value of the expected type; the label says which.";

"mtvt::E0203", "invalid enum value",
"The key takes one of a fixed set of identifiers (power `on`/`off`, provisioning `thin`/`thick-lazy`/`thick-eager`, hook step `pre`/`post`, pipeline steps, provider types …) and the value is not one of them.",
"Use the suggested value or one of the listed ones.";

"mtvt::E0204", "duplicate key",
"A key that takes a single value appears twice in the same block, so it is unclear which one counts.",
"Remove one entry. (Keys set in a fragment may be overridden by the scenario that extends it; that is not a duplicate.)";

"mtvt::E0205", "missing required key",
"A block lacks a key it cannot do without: every scenario needs an `expect` block with a `migration` outcome; an `add_disk` needs a `size` unless it is an RDM disk.",
"Add the key named in the message.";

"mtvt::E0206", "wrong number of values",
"The key was given too many or too few values, for example `guest_agent true false` or a bare `source_power`.",
"Give exactly what the help shows.";

"mtvt::E0207", "unexpected block",
"A `{ … }` block follows a key that takes a plain value.",
"Remove the block, or move its entries to where they belong.";

"mtvt::E0208", "missing block",
"The key introduces a nested block (`plan`, `expect`, `add_disk`, `matrix`, `session`) but none follows.",
"Add `{ … }` after the key, on the same line.";

"mtvt::E0209", "value out of range",
"The value has the right type but is not allowed: a negative snapshot count, `count 0`, a zero timeout, a precopy interval that is not whole minutes.",
"Use a value inside the range the label gives.";

"mtvt::E0210", "malformed entry",
"The entry has a fixed shape (`migration succeeds`, `migration fails at PostHook`, `requires provider vsphere`, `requires mtv >= 2.8`, `hook pre = hooks.succeed`) and the words given do not match it.",
"Write the entry in the shape shown in the help.";

"mtvt::E0301", "unresolved use",
"A `use` names a stdlib module that does not exist (`std/checks` and `std/hooks` do) or a file that cannot be read. Relative paths are resolved against the directory of the importing file.",
"Fix the module name or the path.";

"mtvt::E0302", "import cycle",
"Files import each other in a cycle, so there is no order in which their definitions can be resolved.",
"Move the shared definitions into a third file that both import.";

"mtvt::E0303", "unknown check",
"An `expect { check … }` line or a composite `check x = a, b` names a check that is not defined in this file or in any module it `use`s. The standard checks come from `use std/checks`.",
"Fix the name, or add the `use` that defines it.";

"mtvt::E0304", "unknown fragment",
"`extends` names a fragment that is not defined in this file or any module it `use`s.",
"Fix the name, or define the fragment with `fragment NAME { … }`.";

"mtvt::E0305", "unknown hook",
"`hook pre = NAME` names a hook definition that does not exist. The predefined playbooks are `hooks.succeed` and `hooks.fail` from `use std/hooks`.",
"Fix the name, or add the `use`.";

"mtvt::E0306", "duplicate definition",
"Two checks, hooks, fragments or scenarios share a name. Scenario names must be unique across every checked file because `mtvt run` selects scenarios by name.",
"Rename one of them.";

"mtvt::E0307", "fragment cycle",
"Fragments extend each other in a cycle.",
"Remove one `extends` from the cycle.";

"mtvt::E0308", "unknown parameter",
"`param.NAME` (or `${param.NAME}`) is used, but the scenario has no `matrix` dimension of that name.",
"Add the dimension to the scenario's `matrix { … }` or fix the name.";

"mtvt::E0309", "ambiguous name",
"A check, hook or fragment name is defined in several imported modules, so an unqualified reference cannot choose.",
"Qualify it with the module name, e.g. `checks.cpu`.";

"mtvt::E0310", "duplicate session block",
"The `session` block holds suite-wide settings; there can only be one among all checked files.",
"Merge the settings into one `session { … }`.";

"mtvt::E0311", "check cycle",
"A composite check includes itself, directly or through other composites.",
"Remove the self-reference.";

"mtvt::E0401", "unknown model field",
"A field path in an assertion does not exist on the model (`source`, `dest`, `plan`, `vm`, `migration`). The fields and their types are listed in docs/language.md.",
"Use the suggested field.";

"mtvt::E0402", "type mismatch",
"An operator is applied to values of types it cannot combine, for example `dest.memory_mib == \"4G\"` (int against string) or `dest.cpu < 2Gi`.",
"Compare values of the same type: `dest.memory_mib == 4096`.";

"mtvt::E0403", "unknown function",
"A call names a function that is not a builtin. The builtins are listed in docs/language.md (`len`, `keys`, `lower`, `upper`, `pvc_name`, `pvc_name_matches`, `ssh_reachable`, `k8s_name`, and the comprehensions `all`, `any`, `find`, `count`).",
"Use the suggested function.";

"mtvt::E0404", "wrong number of arguments",
"A builtin was called with the wrong number of arguments.",
"Pass the number of arguments shown.";

"mtvt::E0405", "unknown name",
"A bare name in an expression is neither a model (`source`, `dest`, `plan`, `vm`, `migration`), a variable bound by `let`/`for`/a comprehension, nor an enum value that fits the context.",
"Fix the spelling, or bind the variable first.";

"mtvt::E0406", "invalid regular expression",
"The right side of `matches` must be a valid regular expression (Rust `regex` syntax).",
"Fix the pattern; the message says what is wrong.";

"mtvt::E0407", "not iterable",
"`for` and the comprehensions (`all`, `any`, `find`, `count`) iterate over lists only.",
"Iterate over a list field, or over `keys(map)` for a map.";

"mtvt::E0408", "unknown enum value",
"An identifier is compared with an enum-typed value but is not one of its values, e.g. `dest.power == onn`.",
"Use one of the listed values.";

"mtvt::E0409", "condition is not a bool",
"`assert`, `when` and comprehension predicates need a boolean expression.",
"Compare the value (`len(dest.disks) > 0`) instead of using it directly.";

"mtvt::E0410", "wrong argument type",
"A builtin was given an argument of the wrong type, e.g. `len(5)`.",
"Pass a value of the type shown.";

"mtvt::E0411", "not indexable",
"Only lists (with an int) and maps (with a string) can be indexed.",
"Index a list or map, with the right key type.";

"mtvt::E0412", "duplicate variable",
"`let` or a loop variable reuses the name of a model (`source`, `dest`, …) or of a variable already bound in the same scope.",
"Pick another name.";

"mtvt::E0413", "unknown method",
"A method was called on a value that has no such method. Only the `guest` model has methods: `guest.run(command)` and `guest.file(path)`; the records they return (`GuestRun`, `GuestFile`) have fields, not methods.",
"Call one of the methods the help lists, or read a field without parentheses (`guest.run(\"hostname\").stdout`).";

"mtvt::E0501", "invalid namespace",
"Namespace names must be DNS-1123 labels: at most 63 lower-case alphanumerics or '-', starting and ending with an alphanumeric. Kubernetes rejects anything else when the namespace is created.",
"Use a valid name, e.g. `mtv-comprehensive-vms`.";

"mtvt::E0502", "invalid label key",
"Label and node-selector keys are `[prefix/]name`: an optional DNS-1123 subdomain prefix (≤ 253) and a name of ≤ 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric.",
"Fix the key; the label says which rule it breaks.";

"mtvt::E0503", "invalid label value",
"Label values are empty or ≤ 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric. `session` always produces a valid value.",
"Fix the value.";

"mtvt::E0504", "invalid affinity",
"`target_affinity` is copied into the migrated VM's `spec.template.spec.affinity`, so it must be a Kubernetes `Affinity` (core/v1). The value does not deserialize into one; the label points at the offending field.",
"Fix the field named in the message (field names are camelCase, e.g. `podAffinity`, `topologyKey`).";

"mtvt::E0505", "invalid resource name",
"A Kubernetes object name (storage class, service account …) breaks the DNS-1123 rules for that kind of object.",
"Use a valid name.";

"mtvt::E0601", "template syntax error",
"`pvc_name_template` is parsed the way Forklift parses it (Go text/template). The template does not parse.",
"Fix the template syntax at the caret; actions are written `{{ … }}`.";

"mtvt::E0602", "unknown template variable",
"The PVC template uses a variable Forklift does not provide. Available: `.VmName`, `.TargetVmName`, `.PlanName`, `.DiskIndex`, `.VmId`, and for vSphere `.RootDiskIndex`, `.Shared`, `.FileName`, `.WinDriveLetter`.",
"Use one of the available variables (they are case-sensitive).";

"mtvt::E0603", "unknown template function",
"Forklift registers only a subset of Sprig functions for name templates (`lower`, `upper`, `replace`, `trimSuffix`, `trunc`, …); other functions make the template fail.",
"Use a function from Forklift's list.";

"mtvt::E0604", "template renders an invalid name",
"Rendered with sample data, the template does not produce a DNS-1123 label, so Forklift would reject the plan (per-VM NotValid condition).",
"Make the output lower-case alphanumerics and '-', at most 63 characters (e.g. pipe through `lower`, `replace \"_\" \"-\"`, `trunc 63`).";

"mtvt::E0701", "hook without playbook",
"A hook needs exactly one playbook source: `result succeed|fail` (the predefined playbooks), `playbook` (inline YAML), `playbook_base64` or `playbook_file`.",
"Add one of them.";

"mtvt::E0702", "conflicting hook playbook sources",
"A hook was given two playbook sources (e.g. `result` and `playbook`), so it is unclear which one runs. The pytest suite rejects this combination too.",
"Keep exactly one.";

"mtvt::E0703", "invalid base64 playbook",
"`playbook_base64` does not decode as standard base64.",
"Re-encode the playbook (`base64 -w0 playbook.yml`) or write it inline with `playbook \"\"\"…\"\"\"`.";

"mtvt::E0704", "playbook is not UTF-8",
"The decoded playbook is not UTF-8 text.",
"Save the playbook as UTF-8.";

"mtvt::E0705", "playbook is not YAML",
"The playbook does not parse as YAML.",
"Fix the YAML at the reported position (indentation is the usual culprit).";

"mtvt::E0706", "playbook is not a list of plays",
"An Ansible playbook is a non-empty YAML list of plays; the playbook is empty, a mapping or a scalar.",
"Write it as a list: `- name: …` / `hosts: localhost` / `tasks: […]`.";

"mtvt::E0707", "unreadable playbook file",
"`playbook_file` names a file that cannot be read. It is resolved relative to the scenario file.",
"Fix the path or create the file.";

"mtvt::E0708", "duplicate hook step",
"Two hooks for the same step in one plan; Forklift runs one hook per step per VM.",
"Keep one.";

"mtvt::E0709", "`expect` with `result`",
"`expect succeed|fail` tells mtvt how a custom playbook is meant to end. Predefined playbooks (`result …`) already say that.",
"Remove `expect`.";

"mtvt::E0801", "expected hook failure without a failing hook",
"The scenario expects the migration to fail at PreHook or PostHook, but the plan has no hook for that step, or only one that is designed to succeed.",
"Add a failing hook for that step (`hook post = hooks.fail`) or expect another outcome.";

"mtvt::E0802", "checks after a PreHook failure",
"When the pre-migration hook fails, Forklift stops before copying disks or creating VMs, so there is nothing for post-migration checks to look at.",
"Remove the `check` line, or expect a PostHook failure (the VMs exist then).";

"mtvt::E0803", "outcome stated twice",
"The `expect` block has more than one outcome line (`migration …` or `plan …`).",
"Keep one.";

"mtvt::E0804", "step not in the pipeline",
"The expected failure step never runs for this plan (for example `Cutover` in a cold migration, or `PreHook` without a pre hook is covered by E0801).",
"Use a step of this plan's pipeline (see docs/language.md for the step list).";

"mtvt::E0805", "success expected with a failing hook",
"The scenario expects success but attaches a hook that is designed to fail, so the migration cannot succeed.",
"Expect `migration fails at <step>`, or use a succeeding hook.";

"mtvt::E0806", "checks without a migration",
"The scenario expects `plan ready` or `plan not ready …`: it stops once the Plan's readiness is known and never starts a Migration, so no VM exists for checks to look at.",
"Remove the `check` line, or expect a migration outcome.";

"mtvt::E0807", "lifecycle steps without a migration",
"A `then` block runs its steps (archive, delete, another Migration, waits, expectations) after the scenario's Migration ended. A scenario whose outcome is `plan ready` or `plan not ready …` starts no Migration, and an `expect` inside `then` judges a Migration, not the Plan's readiness.",
"Expect a migration outcome before `then`, or remove the `then` block; inside `then`, write `migration …` outcomes only.";

"mtvt::E0901", "warm migration not supported",
"Forklift supports warm migration from vSphere (and oVirt behind a feature gate); OpenStack, OpenShift and OVA sources cannot be migrated warm. The provider type is known from `--provider` or `requires provider`.",
"Remove `warm true`, or run the scenario against a vSphere profile (add `requires provider vsphere`). Use `--allow-ovirt-warm` for oVirt.";

"mtvt::E0902", "copy-offload needs vSphere",
"Copy-offload (XCOPY through the storage array) is implemented only for vSphere sources.",
"Remove `copy_offload true`, or restrict the scenario with `requires provider vsphere`.";

"mtvt::E0903", "incomplete copy-offload profile",
"The provider profile lacks copy-offload fields required for its `storage_vendor_product` (always `storage_vendor_product`, `datastore_id`, `storage_hostname`, `storage_username`, `storage_password`, plus vendor fields such as `ontap_svm`).",
"Add the fields to the profile's `copyoffload` section, or set the matching `COPYOFFLOAD_*` environment variables.";

"mtvt::E0904", "datastore not in profile",
"A symbolic datastore (`secondary`, `non_xcopy`) is resolved from the profile's copyoffload section, which does not define it.",
"Add `secondary_datastore_id` / `non_xcopy_datastore_id` to the profile, or give a literal datastore id.";

"mtvt::E0905", "RDM without LUN",
"An RDM disk is created from the profile's `copyoffload.rdm_lun_uuid`, which is not set.",
"Set `rdm_lun_uuid` in the profile.";

"mtvt::E0906", "symbolic datastore without copy-offload",
"`primary`, `secondary` and `non_xcopy` datastores and RDM disks are taken from the copy-offload profile section, which only copy-offload plans use.",
"Set `copy_offload true` on the plan, or give a literal datastore id in quotes.";

"mtvt::E1001", "no VM",
"A plan must migrate at least one VM.",
"Add `vm \"name\"` entries.";

"mtvt::E1002", "duplicate VM",
"The same source VM is listed twice in one plan without cloning; Forklift rejects the plan with DuplicateVM.",
"Use `clone true` (the default) so each entry migrates its own clone, or `count N` on one entry.";

"mtvt::E1003", "scenario-level VM with named plans",
"When a scenario declares named plans, scenario-level `vm` and `hook` entries do not say which plan they belong to.",
"Move them into the right `plan NAME { … }`.";

"mtvt::E1004", "duplicate plan name",
"Two plans in one scenario have the same name.",
"Rename one.";

"mtvt::E1005", "empty matrix dimension",
"A matrix dimension with no values would expand the scenario into nothing.",
"Give at least one value.";

"mtvt::E1006", "several unnamed plans",
"A scenario has one default (unnamed) plan; a second `plan { … }` block is ambiguous.",
"Merge the blocks, or name each plan to run several concurrently.";

"mtvt::E1007", "conflicting keys",
"Two keys that exclude each other are both set, e.g. `rdm` with `size` on an added disk, or `pvc_name_template_use_generate_name` without a template.",
"Remove one of them.";

"mtvt::E1008", "count without clone",
"`count N` migrates N copies of one source VM, each from its own clone; with `clone false` they would be the same VM.",
"Remove `clone false`, or remove `count`.";

"mtvt::E1009", "unnamed plan with named plans",
"A scenario either has one default plan or several named plans.",
"Name the unnamed plan.";

"mtvt::E1101", "unknown Forklift field",
"A `forklift { … }` block is merged into a Forklift object mtvt creates (the Plan's `spec`, a VM entry of `spec.vms`, a Hook's `spec`, each entry of a StorageMap's or NetworkMap's `spec.map`), and is checked against the structural schema of the upstream CRD built into mtvt — the same schema the emulator installs. The field is not in that schema, so the API server would drop it (pruning) and the feature would silently not be used. Field names are Forklift's, in camelCase.",
"Correct the spelling (the help names the closest field), or move the field to the object it belongs to.";

"mtvt::E1102", "Forklift field of the wrong type",
"The value's type is not the one the Forklift CRD's schema declares for the field (a string, an integer, a boolean, an object or a list). Inside `forklift { … }` strings are quoted, and `none` is not a value: leave a field out to leave it unset.",
"Write a value of the declared type.";

"mtvt::E1103", "invalid Forklift value",
"The value has the right type but the CRD's schema rejects it: not one of its enumerated values, below its `minimum` or above its `maximum`, too short or too long, or not matching its `pattern`. The API server would refuse the object.",
"Use one of the listed values, or a value within the bounds.";

"mtvt::E1104", "missing Forklift field",
"A nested object written in a `forklift { … }` block lacks a field the CRD's schema requires (e.g. `destination.storageClass` of a map entry is provided by mtvt, but a `transferNetwork` needs its `name`).",
"Add the field.";

"mtvt::E1105", "Forklift field set by mtvt",
"mtvt sets this field itself: from a first-class key the runner and the checks understand (`warm`, `target_power_state`, `migrate_shared_disks`, …), or from what the run creates (providers, maps, VM ids, hook references). A passthrough value would either be overwritten or make the scenario say one thing while the object says another, so it is an error rather than a warning.",
"Use the first-class key the help names, or remove the field.";

"mtvt::W0001", "unused definition",
"A check, hook or fragment defined outside the stdlib is never referenced.",
"Remove it, or use it.";

"mtvt::W0002", "unused use",
"Nothing from the imported module is referenced in this file.",
"Remove the `use` line.";

"mtvt::W0003", "remote destination without requirement",
"`destination remote` needs `session.remote_ocp_cluster`; without `requires remote_cluster` the scenario fails instead of being skipped when no remote cluster is configured.",
"Add `requires remote_cluster`.";

"mtvt::W0004", "warm-only key on a cold plan",
"`cutover_after` only affects warm migrations.",
"Add `warm true` or remove the key.";

"mtvt::W0005", "unknown tag",
"The tag is close to a well-known tag (tier0, warm, remote, copyoffload, hooks, …) but not equal to it, which usually means a typo that would make `--tag` selection miss the scenario.",
"Use the suggested tag (or ignore the warning for a deliberate new tag).";

"mtvt::W0006", "check certain to skip",
"A check named in `expect` starts with `when COND { skip \"…\" }` guards, and what the scenario states — the plan's features (`preserve_static_ips`, `target_node_selector`, `pvc_name_template`, …) and the source provider types its `requires provider` (or the `--provider` profile) allows — makes one of them hold for every plan and every such provider. The check would be reported as skipped on every run, so the scenario does not test what it names: e.g. `static_ips` on an oVirt scenario (the source's static IPs are known from vSphere only) or `node_placement` with an empty `target_node_selector`. Guards on facts only a run knows (the guest OS, the source's NICs) never warn; checks reached through a composite (`check standard`) or through a fragment's `expect` are not judged, only the `check` lines of the scenario itself.",
"Give the plan the feature the check verifies, narrow `requires provider` to a type the check supports, or remove the check from `expect`.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::ALL_CODES;

    #[test]
    fn every_code_has_docs_and_every_doc_a_code() {
        for (code, _, _) in ALL_CODES {
            assert!(
                lookup(code).is_some(),
                "{code} has no entry in diag/codes.rs"
            );
        }
        for d in CODE_DOCS {
            assert!(
                ALL_CODES.iter().any(|(c, _, _)| *c == d.code),
                "{} is not a code",
                d.code
            );
        }
    }

    #[test]
    fn lookup_accepts_short_forms() {
        assert_eq!(lookup("E0201").map(|d| d.code), Some("mtvt::E0201"));
        assert_eq!(lookup("e0201").map(|d| d.code), Some("mtvt::E0201"));
        assert_eq!(lookup("mtvt::W0001").map(|d| d.code), Some("mtvt::W0001"));
        assert!(lookup("E9999").is_none());
    }
}
