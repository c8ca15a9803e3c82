//! Lexer tests: items, trim markers, keywords and Go's lexer errors.

use super::*;

fn kinds(src: &str) -> Vec<(Kind, String)> {
    lex(src).into_iter().map(|t| (t.kind, t.text)).collect()
}

#[test]
fn simple_action() {
    use Kind::*;
    let got = kinds("a{{ .VmName | trunc 15 }}b");
    let want: Vec<(Kind, std::string::String)> = vec![
        (Text, "a".into()),
        (LeftDelim, "{{".into()),
        (Space, " ".into()),
        (Field, ".VmName".into()),
        (Space, " ".into()),
        (Pipe, "|".into()),
        (Space, " ".into()),
        (Identifier, "trunc".into()),
        (Space, " ".into()),
        (Number, "15".into()),
        (Space, " ".into()),
        (RightDelim, "}}".into()),
        (Text, "b".into()),
        (Eof, std::string::String::new()),
    ];
    assert_eq!(got, want);
}

#[test]
fn trim_markers() {
    let toks = lex("x \n\t{{- 3 -}}\n  y");
    let texts: Vec<&str> = toks
        .iter()
        .filter(|t| t.kind == Kind::Text)
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(texts, vec!["x", "y"]);
    // "{{-3}}" is the number -3, not a trim marker.
    assert!(
        lex("{{-3}}")
            .iter()
            .any(|t| t.kind == Kind::Number && t.text == "-3")
    );
    let comment = lex("a {{- /* c */ -}} b");
    let texts: Vec<&str> = comment
        .iter()
        .filter(|t| t.kind == Kind::Text)
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(texts, vec!["a", "b"]);
}

#[test]
fn fields_chain_and_keywords() {
    use Kind::*;
    let got: Vec<Kind> = lex("{{if .A.B}}{{else}}{{end}}{{$x := .}}")
        .iter()
        .map(|t| t.kind)
        .collect();
    assert_eq!(
        got,
        vec![
            LeftDelim, If, Space, Field, Field, RightDelim, LeftDelim, Else, RightDelim, LeftDelim,
            End, RightDelim, LeftDelim, Variable, Space, Declare, Space, Dot, RightDelim, Eof
        ]
    );
}

#[test]
fn errors() {
    let last = |s: &str| lex(s).last().cloned().unwrap();
    assert_eq!(last("{{ .A").text, "unclosed action");
    assert_eq!(last("{{ \"abc }}").text, "unterminated quoted string");
    assert_eq!(last("{{ (.A }}").text, "unclosed left paren");
    assert_eq!(last("{{ .A) }}").text, "unexpected right paren");
    assert_eq!(last("{{ 3x }}").text, "bad number syntax: \"3x\"");
    assert_eq!(last("{{ .A# }}").text, "bad character U+0023 '#'");
    assert_eq!(last("{{ a: }}").text, "expected :=");
    assert_eq!(last("{{/* x }}").text, "unclosed comment");
    assert_eq!(
        last("{{/* x */ .A}}").text,
        "comment ends before closing delimiter"
    );
    assert_eq!(
        last("{{ \u{7} }}").text,
        "unrecognized character in action: U+0007"
    );
    let err = last("ab{{ .A# }}");
    assert_eq!(err.kind, Kind::Error);
    assert_eq!(err.span, 5..8);
}

#[test]
fn describe_items() {
    let toks = lex("{{ else \"abcdefghijkl\" }}");
    assert_eq!(toks.get(2).unwrap().describe(), "<else>");
    assert_eq!(toks.get(4).unwrap().describe(), "\"\\\"abcdefghi\"...");
    assert_eq!(toks.last().unwrap().describe(), "EOF");
}
