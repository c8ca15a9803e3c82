//! The Go-template engine (PVC, volume and network name templates) on any text: parse,
//! validate as the Forklift controller does for each provider, render with sample data
//! and name a PVC. Property: every error's span lies inside the template on character
//! boundaries (the checker maps it into the `.mtvt` file for its diagnostic).
//! The first byte picks the provider and template kind; the rest is the template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtvt_gotemplate::forklift::{self, PvcNameData, TemplateKind};
use mtvt_gotemplate::{Data, TemplateError, Value};

const PROVIDERS: [Option<&str>; 7] = [
    None,
    Some("vsphere"),
    Some("ovirt"),
    Some("openstack"),
    Some("openshift"),
    Some("ova"),
    Some("ec2"),
];

fn spans_in(src: &str, errors: &[TemplateError]) {
    for e in errors {
        assert!(
            src.get(e.span.clone()).is_some(),
            "span {:?} outside the template or not on a character boundary: {:?} ({})",
            e.span,
            src,
            e.message
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let provider = PROVIDERS.get(usize::from(pick % 7)).copied().flatten();
    let kind = match (pick >> 3) % 3 {
        0 => TemplateKind::PvcName,
        1 => TemplateKind::VolumeName,
        _ => TemplateKind::NetworkName,
    };
    match mtvt_gotemplate::parse_all(src) {
        Ok(t) => {
            let mut data = Data::new();
            data.insert("VmName".into(), Value::Str("rhel9-vm".into()));
            data.insert("DiskIndex".into(), Value::Int(i64::from(pick) - 128));
            data.insert("Shared".into(), Value::Bool(pick & 1 == 0));
            spans_in(src, &t.check_fields(&data));
            if let Err(e) = t.render(&data) {
                spans_in(src, &[e]);
            }
            let _ = (t.variables(), t.functions());
        }
        Err(errors) => spans_in(src, &errors),
    }
    spans_in(src, &forklift::validate(kind, provider, src));
    let disk = PvcNameData::sample(provider, i64::from(pick % 5));
    if let Err(e) = forklift::render_pvc_name(
        Some(src),
        provider.unwrap_or("vsphere"),
        &disk,
        Some(pick & 0x80 != 0),
    ) {
        spans_in(src, &[e]);
    }
});
