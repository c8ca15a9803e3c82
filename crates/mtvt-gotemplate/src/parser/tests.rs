//! Parser tests: accepted templates, Go's parse errors, spans.

use super::*;

fn first_error(src: &str) -> TemplateError {
    parse_source(src)
        .errors
        .into_iter()
        .next()
        .expect("an error")
}

#[test]
fn parses_the_supported_subset() {
    for src in [
        "pvc",
        "{{.VmName}}-disk-{{.DiskIndex}}",
        "{{trunc 15 .PlanName}}-{{trunc 15 .TargetVmName}}-disk-{{.DiskIndex}}",
        "{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}",
        "{{if eq .DiskIndex .RootDiskIndex}}root{{else if .Shared}}shared{{else}}data{{end}}",
        "{{- $n := lower .VmName -}}{{ $n }}-{{ $ := . }}{{ $.PlanName }}",
        "{{ printf \"%s-%03d\" (lower .VmName) .DiskIndex }}",
        "{{/* comment */}}{{ (.VmName) }}",
        "{{ 'a' }}{{ 1.5 }}{{ 0x1F }}{{ `raw` }}{{ print nil }}",
        // Go accepts a trailing pipe symbol.
        "{{ .VmName | }}",
    ] {
        let out = parse_source(src);
        assert!(out.errors.is_empty(), "{src}: {:?}", out.errors);
        assert!(out.tree.is_some());
    }
}

#[test]
fn go_error_messages() {
    let cases = [
        ("{{}}", "missing value for command"),
        ("{{end}}", "unexpected {{end}}"),
        ("{{else}}", "unexpected {{else}}"),
        ("{{if .A}}x", "unexpected EOF"),
        (
            "{{if .A}}1{{else}}2{{else}}3{{end}}",
            "expected end; found {{else}}",
        ),
        ("{{if}}{{end}}", "missing value for if"),
        ("{{$x}}", "undefined variable \"$x\""),
        ("{{if $x := 1}}{{end}}{{$x}}", "undefined variable \"$x\""),
        ("{{printf 3, 4}}", "unexpected \",\" in operand"),
        ("{{12|.}}", "non executable command in pipeline stage 2"),
        (
            "{{.|printf|\"e\"}}",
            "non executable command in pipeline stage 3",
        ),
        (
            "{{printf \"%d\" ( ) }}",
            "missing value for parenthesized pipeline",
        ),
        (
            "{{\"hello\".guys}}",
            "unexpected . after term \"\\\"hello\\\"\"",
        ),
        ("{{1.E}}", "illegal number syntax: \"1.E\""),
        ("{{break}}", "{{break}} outside {{range}}"),
        (
            "{{ 99999999999999999999 }}",
            "integer overflow: \"99999999999999999999\"",
        ),
        ("{{ \"\\q\" }}", "invalid syntax"),
    ];
    for (src, want) in cases {
        let err = first_error(src);
        assert_eq!(
            err.go_message
                .as_deref()
                .map(|m| m.split(": ").skip(2).collect::<Vec<_>>().join(": ")),
            Some(want.to_string()),
            "{src}"
        );
        assert_eq!(err.kind, TemplateErrorKind::Syntax, "{src}");
    }
}

#[test]
fn unknown_functions_are_all_collected() {
    let src = "{{ trimsuffix \"a\" .X }}-{{ nope }}";
    let out = parse_source(src);
    assert!(out.tree.is_some());
    assert_eq!(out.errors.len(), 2);
    let first = &out.errors[0];
    assert_eq!(&src[first.span.clone()], "trimsuffix");
    assert_eq!(
        first.message,
        "function \"trimsuffix\" not defined (did you mean \"trimSuffix\"?)"
    );
    assert_eq!(
        first.go_message.as_deref(),
        Some("template: template:1: function \"trimsuffix\" not defined")
    );
    assert!(
        out.errors[1]
            .message
            .contains("these Sprig functions: lower, upper")
    );
}

#[test]
fn unsupported_constructs() {
    for (src, kw) in [
        ("{{range .X}}{{end}}", "range"),
        ("{{with .X}}{{end}}", "with"),
        ("{{define \"x\"}}{{end}}", "define"),
        ("{{template \"x\"}}", "template"),
        ("{{block \"x\" .}}{{end}}", "block"),
        ("{{if .A}}{{else with .B}}{{end}}", "with"),
    ] {
        let err = first_error(src);
        assert_eq!(&src[err.span.clone()], kw, "{src}");
        assert!(
            err.message
                .starts_with(&format!("{{{{{kw}}}}} is not supported")),
            "{}",
            err.message
        );
        assert_eq!(err.go_message, None);
    }
    assert_eq!(first_error("{{ 1i }}").go_message, None);
}

#[test]
fn nesting_limit() {
    let deep = format!("{{{{{}1{}}}}}", "(".repeat(150), ")".repeat(150));
    let err = first_error(&deep);
    assert!(err.message.contains("limit of 100"), "{}", err.message);
    let ifs = "{{if 1}}".repeat(120) + &"{{end}}".repeat(120);
    assert!(first_error(&ifs).message.contains("limit"));
}

#[test]
fn spans() {
    let src = "ab {{ .VmName | lower }} cd";
    let tree = parse_source(src).tree.unwrap();
    let Node::Action { span, pipe } = &tree.root[1] else {
        panic!()
    };
    assert_eq!(&src[span.clone()], "{{ .VmName | lower }}");
    assert_eq!(&src[pipe.span.clone()], ".VmName | lower ");
    assert_eq!(pipe.to_string(), ".VmName | lower");
    let err = first_error("x\n{{ .A | 3 }}");
    assert_eq!(
        err.go_message.as_deref(),
        Some("template: template:2: non executable command in pipeline stage 2")
    );
}
