//! Integration tests of the public API: Forklift's naming examples, validation with
//! exact spans, every whitelisted Sprig function through real templates, and a
//! deterministic no-panic property test over random and mutated templates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mtvt_gotemplate::forklift::{
    self, NetworkNameData, PvcName, PvcNameData, TemplateKind, VolumeNameData, pvc_name_matches,
    render_pvc_name, validate,
};
use mtvt_gotemplate::{Data, TemplateErrorKind, Value, parse, parse_all};

fn vsphere_disk(plan: &str, vm: &str, disk: i64, file: &str) -> PvcNameData {
    PvcNameData {
        vm_name: vm.into(),
        target_vm_name: mtvt_vocab::resolve_target_vm_name(None, None, vm, "vm-42"),
        plan_name: plan.into(),
        disk_index: disk,
        vm_id: "vm-42".into(),
        file_name: file.into(),
        ..Default::default()
    }
}

#[test]
fn forklift_reference_default_example() {
    // forklift-reference.md §3.7: plan-1, rhel9-vm, disk 0.
    let data = vsphere_disk("plan-1", "rhel9-vm", 0, "rhel9-vm.vmdk");
    let name = render_pvc_name(None, "vsphere", &data, None).unwrap();
    assert_eq!(
        name,
        PvcName::GenerateName("plan-1-rhel9-vm-disk-0-".into())
    );
    assert!(pvc_name_matches(&name, "plan-1-rhel9-vm-disk-0-x7k2p"));
    assert!(!pvc_name_matches(&name, "plan-1-rhel9-vm-disk-0"));
    assert!(!pvc_name_matches(&name, "plan-1-rhel9-vm-disk-1-x7k2p"));
}

#[test]
fn default_template_truncates_long_plan_and_vm_names() {
    let data = vsphere_disk(
        "migration-plan-for-databases",
        "Postgres_Primary_01",
        2,
        "x.vmdk",
    );
    let name = render_pvc_name(None, "vsphere", &data, None).unwrap();
    // trunc 15 of each, TargetVmName is the sanitised name.
    assert_eq!(
        name,
        PvcName::GenerateName("migration-plan--postgres-primar-disk-2-".into())
    );
}

#[test]
fn user_templates_from_the_briefs() {
    let data = vsphere_disk("plan-a", "web-01", 1, "web_01_disk_1.vmdk");
    let cases = [
        (
            "{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}",
            "web-01-disk-1-1-",
        ),
        ("{{.VmName}}-disk-{{.DiskIndex}}", "web-01-disk-1-"),
        ("pvc", "pvc-"),
        (
            "{{if eq .DiskIndex .RootDiskIndex}}root{{else}}data{{end}}-{{.DiskIndex}}",
            "data-1-",
        ),
        (
            "{{ printf \"%s-%s-%d\" .PlanName .VmName .DiskIndex | trunc 63 }}",
            "plan-a-web-01-1-",
        ),
        (
            "{{ trimSuffix \".vmdk\" .FileName | replace \"_\" \"-\" }}",
            "web-01-disk-1-",
        ),
        ("  {{ .VmName }}  \n", "web-01-"),
    ];
    for (template, want) in cases {
        let got = render_pvc_name(Some(template), "vsphere", &data, None)
            .unwrap_or_else(|e| panic!("{template}: {e:?}"));
        assert_eq!(got, PvcName::GenerateName(want.into()), "{template}");
        assert!(
            validate(TemplateKind::PvcName, Some("vsphere"), template).is_empty(),
            "{template}"
        );
    }
    // Without generateName the name is exact.
    let exact = render_pvc_name(
        Some("{{.VmName}}-disk-{{.DiskIndex}}"),
        "vsphere",
        &data,
        Some(false),
    )
    .unwrap();
    assert_eq!(exact, PvcName::Name("web-01-disk-1".into()));
    assert!(pvc_name_matches(&exact, "web-01-disk-1"));
}

#[test]
fn openshift_defaults_to_the_source_pvc_name_without_generate_name() {
    let data = PvcNameData {
        vm_name: "fedora".into(),
        target_vm_name: "fedora".into(),
        plan_name: "p".into(),
        source_pvc_name: "fedora-rootdisk".into(),
        source_pvc_namespace: "vms".into(),
        ..Default::default()
    };
    assert_eq!(
        render_pvc_name(None, "openshift", &data, None).unwrap(),
        PvcName::Name("fedora-rootdisk".into())
    );
    assert_eq!(
        render_pvc_name(None, "openshift", &data, Some(true)).unwrap(),
        PvcName::GenerateName("fedora-rootdisk-".into())
    );
    assert_eq!(
        forklift::default_pvc_template("openshift"),
        "{{.SourcePVCName}}"
    );
}

#[test]
fn generate_name_prefix_is_cut_to_58_bytes() {
    let vm = "a".repeat(61);
    let data = vsphere_disk("p", &vm, 0, "x.vmdk");
    let got = render_pvc_name(Some("{{.VmName}}"), "vsphere", &data, None).unwrap();
    assert_eq!(got, PvcName::GenerateName("a".repeat(58)));
    let long = format!("{}bcdfg", "a".repeat(58));
    assert!(pvc_name_matches(&got, &long));
}

#[test]
fn render_failures_report_forklift_messages() {
    let data = vsphere_disk("plan-1", "RHEL9_VM", 0, "RHEL9_VM.vmdk");
    let err = render_pvc_name(Some("{{.VmName}}"), "vsphere", &data, None).unwrap_err();
    assert_eq!(err.kind, TemplateErrorKind::Render);
    assert_eq!(
        err.go_message.as_deref(),
        Some("Template output is invalid k8s label [RHEL9_VM]")
    );
    assert!(
        err.message.contains("a lowercase RFC 1123 label"),
        "{}",
        err.message
    );
    let err =
        render_pvc_name(Some("{{ if false }}x{{ end }}  "), "vsphere", &data, None).unwrap_err();
    assert_eq!(err.message, "Template output is empty");
    let err = render_pvc_name(Some("{{ .VmNam }}"), "vsphere", &data, None).unwrap_err();
    assert_eq!(err.kind, TemplateErrorKind::UnknownVariable);
    assert_eq!(
        err.go_message.as_deref(),
        Some(
            "template: template:1:3: executing \"template\" at <.VmNam>: can't evaluate field VmNam in type *v1beta1.PVCNameTemplateData"
        )
    );
}

#[test]
fn validation_errors_carry_exact_spans() {
    let src = "{{ .VmNam }}-{{ .FileName | trimsuffix \".vmdk\" }}";
    // The unknown function is a parse error: reported first, alone (Go stops there).
    let errs = validate(TemplateKind::PvcName, Some("vsphere"), src);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].kind, TemplateErrorKind::UnknownFunction);
    assert_eq!(&src[errs[0].span.clone()], "trimsuffix");
    assert!(errs[0].message.contains("did you mean \"trimSuffix\""));

    let src = "{{ .VmNam }}-{{ .FileName | trimSuffix \".vmdk\" }}";
    let errs = validate(TemplateKind::PvcName, Some("vsphere"), src);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].kind, TemplateErrorKind::UnknownVariable);
    assert_eq!(&src[errs[0].span.clone()], ".VmNam");
    assert!(errs[0].message.contains("did you mean .VmName?"));

    // Unknown fields are found in branches the sample data does not execute.
    let src = "{{ if .Shared }}{{ .Sharde }}{{ else }}x{{ end }}";
    let errs = validate(TemplateKind::PvcName, Some("vsphere"), src);
    assert_eq!(&src[errs[0].span.clone()], ".Sharde");

    // Syntax errors point at the offending token.
    let src = "{{ .VmName }}{{ end }}";
    let errs = validate(TemplateKind::PvcName, None, src);
    assert_eq!(errs[0].kind, TemplateErrorKind::Syntax);
    assert_eq!(&src[errs[0].span.clone()], "{{ end }}");
    assert_eq!(
        errs[0].go_message.as_deref(),
        Some("template: template:1: unexpected {{end}}")
    );

    // Every unknown function, not just the first.
    let errs = parse_all("{{ foo .VmName }}-{{ bar }}").unwrap_err();
    assert_eq!(errs.len(), 2);
}

#[test]
fn provider_specific_fields() {
    let src = "{{ .VmName }}-{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}";
    assert!(validate(TemplateKind::PvcName, Some("vsphere"), src).is_empty());
    // Second disks are "rhel9-vm_1.vmdk": without the replace, disk 1 fails.
    let errs = validate(
        TemplateKind::PvcName,
        Some("vsphere"),
        "{{ .FileName | trimSuffix \".vmdk\" }}",
    );
    assert_eq!(
        errs[0].go_message.as_deref(),
        Some("Template output is invalid k8s label [rhel9-vm_1]")
    );
    // The file name keeps its ".vmdk": a dot is not allowed in a label.
    let errs = validate(TemplateKind::PvcName, Some("vsphere"), "{{ .FileName }}");
    assert_eq!(
        errs[0].go_message.as_deref(),
        Some("Template output is invalid k8s label [rhel9-vm.vmdk]")
    );
    let src = "{{ .VmName }}-{{ .FileName }}";
    let errs = validate(TemplateKind::PvcName, Some("ovirt"), src);
    assert_eq!(errs.len(), 1);
    assert_eq!(&src[errs[0].span.clone()], ".FileName");
    assert_eq!(
        errs[0].go_message, None,
        "the controller accepts it; mtvt flags it"
    );
    assert!(
        validate(
            TemplateKind::PvcName,
            Some("ovirt"),
            "{{.VmName}}-{{.DiskId}}"
        )
        .is_empty()
    );
    assert!(
        validate(
            TemplateKind::PvcName,
            Some("openshift"),
            "{{.SourcePVCNamespace}}-{{.SourcePVCName}}"
        )
        .is_empty()
    );
    // EC2 validates before snapshots exist: SnapshotID alone renders empty.
    let errs = validate(TemplateKind::PvcName, Some("ec2"), "{{.SnapshotID}}");
    assert_eq!(errs[0].message, "Template output is empty");
    assert!(validate(TemplateKind::PvcName, Some("ec2"), "{{.VolumeID}}").is_empty());
    assert!(forklift::allowed_variables(TemplateKind::PvcName, "hyperv").contains(&"DiskId"));
    assert_eq!(forklift::known_variables(TemplateKind::PvcName).len(), 14);
}

#[test]
fn validation_renders_every_disk() {
    let src = "{{ if eq .DiskIndex 1 }}Bad{{ else }}disk{{ .DiskIndex }}{{ end }}";
    let errs = validate(TemplateKind::PvcName, Some("vsphere"), src);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].go_message.as_deref(),
        Some("Template output is invalid k8s label [Bad]")
    );
    let real = vec![vsphere_disk("p", "vm", 0, "vm.vmdk")];
    assert!(forklift::validate_pvc_name_template(Some("vsphere"), src, &real).is_empty());
}

#[test]
fn volume_and_network_templates() {
    assert!(
        validate(
            TemplateKind::VolumeName,
            None,
            "{{.PVCName}}-v{{.VolumeIndex}}"
        )
        .is_empty()
    );
    assert!(validate(TemplateKind::NetworkName, None, "net-{{.NetworkIndex}}").is_empty());
    // Forklift validates with NetworkType "Multus", which is not a DNS label.
    let errs = validate(TemplateKind::NetworkName, None, "{{.NetworkType}}");
    assert_eq!(
        errs[0].go_message.as_deref(),
        Some("Template output is not a valid k8s label [Multus]")
    );
    // No trimming for volume/network templates.
    let errs = validate(TemplateKind::VolumeName, None, " {{.PVCName}}");
    assert_eq!(
        errs[0].go_message.as_deref(),
        Some("Template output is not a valid k8s label [ test-pvc]")
    );
    let errs = validate(TemplateKind::VolumeName, None, "{{.VmName}}");
    assert_eq!(errs[0].kind, TemplateErrorKind::UnknownVariable);
    let vol = forklift::render_volume_name(
        "{{.PVCName}}-{{.VolumeIndex}}",
        &VolumeNameData {
            pvc_name: "pvc-abc".into(),
            volume_index: 2,
        },
    )
    .unwrap();
    assert_eq!(vol, "pvc-abc-2");
    let net = forklift::render_network_name(
        "{{ .NetworkType }}-{{ .NetworkIndex }}",
        &NetworkNameData {
            network_type: "multus".into(),
            network_index: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(net, "multus-1");
}

fn render(src: &str, data: &Data) -> String {
    parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
        .render(data)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

#[test]
fn every_whitelisted_sprig_function() {
    let mut d = Data::new();
    d.insert("Name".into(), Value::Str("My VM_01.example".into()));
    d.insert("N".into(), Value::Int(7));
    let cases = [
        ("{{ lower .Name }}", "my vm_01.example"),
        ("{{ upper .Name }}", "MY VM_01.EXAMPLE"),
        ("{{ contains \"VM\" .Name }}", "true"),
        ("{{ .Name | replace \" \" \"-\" }}", "My-VM_01.example"),
        ("{{ trim \"  x \" }}", "x"),
        ("{{ trimAll \"-\" \"--x--\" }}", "x"),
        ("{{ trimSuffix \".example\" .Name }}", "My VM_01"),
        ("{{ trimPrefix \"My \" .Name }}", "VM_01.example"),
        ("{{ title \"hello world\" }}", "Hello World"),
        ("{{ untitle .Name }}", "my vM_01.example"),
        ("{{ repeat 3 \"ab\" }}", "ababab"),
        ("{{ substr 3 5 .Name }}", "VM"),
        ("{{ nospace .Name }}", "MyVM_01.example"),
        ("{{ trunc 5 .Name }}|{{ trunc -7 .Name }}", "My VM|example"),
        ("{{ initials .Name }}", "MV"),
        (
            "{{ hasPrefix \"My\" .Name }}/{{ hasSuffix \"x\" .Name }}",
            "true/false",
        ),
        (
            "{{ mustRegexReplaceAll \"[^a-z0-9-]+\" (lower .Name) \"-\" }}",
            "my-vm-01-example",
        ),
        ("{{ add 1 2 .N }}", "10"),
        ("{{ add1 .N }}", "8"),
        ("{{ sub .N 10 }}", "-3"),
        ("{{ div .N 2 }}", "3"),
        ("{{ mod .N 4 }}", "3"),
        ("{{ mul .N 2 3 }}", "42"),
        ("{{ max 1 .N 3 }}", "7"),
        ("{{ min 4 .N \"2\" }}", "2"),
        ("{{ floor 3.75 }}", "3"),
        ("{{ ceil 3.25 }}", "4"),
        ("{{ round 3.75159 2 }}", "3.75"),
    ];
    for (src, want) in cases {
        assert_eq!(render(src, &d), want, "{src}");
    }
    assert_eq!(mtvt_gotemplate::sprig_function_names().count(), 29);
}

#[test]
fn go_builtins() {
    let mut d = Data::new();
    d.insert("S".into(), Value::Str("abc".into()));
    d.insert("I".into(), Value::Int(3));
    let cases = [
        (
            "{{ eq .I 3 }}{{ ne .I 3 }}{{ lt .I 4 }}{{ le .I 3 }}{{ gt .I 3 }}{{ ge .I 3 }}",
            "truefalsetruetruefalsetrue",
        ),
        (
            "{{ and .I .S }}|{{ or 0 \"\" .S }}|{{ not .S }}",
            "abc|abc|false",
        ),
        ("{{ len .S }}", "3"),
        (
            "{{ printf \"%05d-%s-%q-%v\" .I .S .S .I }}",
            "00003-abc-\"abc\"-3",
        ),
        ("{{ print .S .I .I \"x\" }}", "abc3 3x"),
        ("{{ println .S }}", "abc\n"),
        (
            "{{ html \"<b>\" }}{{ js \"'\" }}{{ urlquery \"a b\" }}",
            "&lt;b&gt;\\'a+b",
        ),
        ("{{ index .S 1 }}{{ slice .S 1 }}", "98bc"),
    ];
    for (src, want) in cases {
        assert_eq!(render(src, &d), want, "{src}");
    }
}

/// xorshift64*: a small deterministic generator (no external dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ATOMS: &[&str] = &[
    ".VmName",
    ".TargetVmName",
    ".PlanName",
    ".DiskIndex",
    ".RootDiskIndex",
    ".Shared",
    ".FileName",
    ".VmId",
    ".DiskId",
    ".Nope",
    ".VmName.X",
    "$",
    "$.PlanName",
    ".",
    "nil",
    "true",
    "false",
    "0",
    "-1",
    "3",
    "1.5",
    "1e3",
    "0x1F",
    "'a'",
    "'\\n'",
    "\"\"",
    "\"x_y\"",
    "\"%03d\"",
    "\"%v-%s\"",
    "`raw`",
    "\"\\xff\"",
    "99999999999999999999",
    "1i",
    "\"é\"",
];
const FUNCS: &[&str] = &[
    "lower",
    "upper",
    "trunc",
    "substr",
    "replace",
    "trimSuffix",
    "trimPrefix",
    "trim",
    "trimAll",
    "title",
    "untitle",
    "repeat",
    "nospace",
    "initials",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "mustRegexReplaceAll",
    "add",
    "add1",
    "sub",
    "div",
    "mod",
    "mul",
    "max",
    "min",
    "floor",
    "ceil",
    "round",
    "printf",
    "print",
    "println",
    "len",
    "index",
    "slice",
    "eq",
    "ne",
    "lt",
    "and",
    "or",
    "not",
    "html",
    "js",
    "urlquery",
    "call",
    "trimsuffix",
    "default",
];
const NOISE: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    "(",
    ")",
    "|",
    " ",
    "\n",
    "$x",
    ":=",
    "=",
    ",",
    "{{if",
    "{{else}}",
    "{{end}}",
    "{{range .X}}",
    "/*",
    "*/",
    "\"",
    "`",
    "'",
    ".",
    "-",
    "é",
    "\u{0}",
];

fn gen_command(rng: &mut Rng, depth: usize) -> String {
    let mut parts = Vec::new();
    if rng.below(3) > 0 {
        parts.push(rng.pick(FUNCS).to_string());
    }
    for _ in 0..rng.below(4) {
        if depth < 3 && rng.below(5) == 0 {
            parts.push(format!("({})", gen_pipeline(rng, depth + 1)));
        } else {
            parts.push(rng.pick(ATOMS).to_string());
        }
    }
    if parts.is_empty() {
        parts.push(rng.pick(ATOMS).to_string());
    }
    parts.join(" ")
}

fn gen_pipeline(rng: &mut Rng, depth: usize) -> String {
    let mut cmds = vec![gen_command(rng, depth)];
    for _ in 0..rng.below(3) {
        cmds.push(gen_command(rng, depth));
    }
    cmds.join(" | ")
}

fn gen_template(rng: &mut Rng) -> String {
    let mut out = String::new();
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 => out.push_str(rng.pick(&["pvc", "-disk-", " ", "x\n", "é"])),
            1 => out.push_str(&format!(
                "{{{{if {}}}}}a{{{{else}}}}{{{{{}}}}}{{{{end}}}}",
                gen_pipeline(rng, 0),
                gen_pipeline(rng, 0)
            )),
            2 => out.push_str(&format!(
                "{{{{ $x := {} }}}}{{{{ $x }}}}",
                gen_pipeline(rng, 0)
            )),
            _ => {
                let (l, r) = (rng.pick(&["{{", "{{- "]), rng.pick(&["}}", " -}}"]));
                out.push_str(&format!("{l}{}{r}", gen_pipeline(rng, 0)));
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = if chars.is_empty() {
            0
        } else {
            rng.below(chars.len() + 1)
        };
        match rng.below(3) {
            0 if !chars.is_empty() && at < chars.len() => {
                chars.remove(at);
            }
            1 => {
                for (i, c) in rng.pick(NOISE).chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
            _ => {
                let c = char::from_u32(rng.below(0x80) as u32).unwrap_or('x');
                chars.insert(at, c);
            }
        }
    }
    chars.into_iter().collect()
}

fn assert_span_ok(src: &str, err: &mtvt_gotemplate::TemplateError) {
    let s = &err.span;
    assert!(
        s.start <= s.end && s.end <= src.len(),
        "span {s:?} out of {src:?}: {err:?}"
    );
    assert!(
        src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
        "span {s:?} splits a char in {src:?}"
    );
    assert!(!err.message.is_empty());
}

#[test]
fn no_panic_on_random_and_mutated_templates() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let providers = [
        None,
        Some("vsphere"),
        Some("ovirt"),
        Some("openshift"),
        Some("ec2"),
    ];
    let mut parsed_ok = 0usize;
    let mut rendered_ok = 0usize;
    for i in 0..4000 {
        let base = gen_template(&mut rng);
        let src = if i % 2 == 0 {
            base
        } else {
            mutate(&mut rng, &base)
        };
        match parse_all(&src) {
            Ok(t) => {
                parsed_ok += 1;
                for (_, span) in t.variables().iter().chain(t.functions().iter()) {
                    assert!(span.end <= src.len());
                }
            }
            Err(errs) => {
                assert!(!errs.is_empty());
                for e in &errs {
                    assert_span_ok(&src, e);
                }
            }
        }
        let provider = providers[i % providers.len()];
        for kind in [
            TemplateKind::PvcName,
            TemplateKind::VolumeName,
            TemplateKind::NetworkName,
        ] {
            for e in validate(kind, provider, &src) {
                assert_span_ok(&src, &e);
            }
        }
        let data = PvcNameData::sample(provider, (i % 3) as i64);
        match render_pvc_name(Some(&src), provider.unwrap_or("vsphere"), &data, None) {
            Ok(_) => rendered_ok += 1,
            Err(e) => assert_span_ok(&src, &e),
        }
    }
    // The generator must exercise both paths, or this test proves nothing.
    assert!(parsed_ok > 400, "only {parsed_ok} templates parsed");
    assert!(rendered_ok > 20, "only {rendered_ok} templates rendered");
}
