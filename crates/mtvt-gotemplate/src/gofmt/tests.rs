//! Unit tests of the Go `fmt` port, with expected outputs taken from Go.

use super::quote::quote_bytes;
use super::*;
use crate::value::Record;

fn s(v: &str) -> GoValue {
    GoValue::str(v)
}

fn f(format: &str, args: &[GoValue]) -> String {
    String::from_utf8(sprintf(format.as_bytes(), args).unwrap()).unwrap()
}

#[test]
fn integers() {
    assert_eq!(f("%03d", &[GoValue::Int(7)]), "007");
    assert_eq!(f("%03d", &[GoValue::Int(-7)]), "-07");
    assert_eq!(
        f("%5d|%-5d|", &[GoValue::Int(42), GoValue::Int(42)]),
        "   42|42   |"
    );
    assert_eq!(
        f(
            "%x %X %o %b %#x %#o",
            &[
                GoValue::Int(255),
                GoValue::Int(255),
                GoValue::Int(8),
                GoValue::Int(5),
                GoValue::Int(255),
                GoValue::Int(8)
            ]
        ),
        "ff FF 10 101 0xff 010"
    );
    assert_eq!(f("%+d % d", &[GoValue::Int(3), GoValue::Int(3)]), "+3  3");
    assert_eq!(f("%.3d|%.0d", &[GoValue::Int(5), GoValue::Int(0)]), "005|");
    assert_eq!(
        f(
            "%c%q%U",
            &[GoValue::Int(65), GoValue::Int(97), GoValue::Int(0x1F600)]
        ),
        "A'a'U+1F600"
    );
    assert_eq!(f("%d", &[GoValue::Int64(i64::MIN)]), "-9223372036854775808");
    assert_eq!(f("%v", &[GoValue::Uint8(200)]), "200");
}

#[test]
fn strings() {
    assert_eq!(f("%s-%v", &[s("a"), s("b")]), "a-b");
    assert_eq!(f("%q", &[s("a\"b\n")]), "\"a\\\"b\\n\"");
    assert_eq!(
        f("%5s|%-5s|%.2s", &[s("ab"), s("ab"), s("abc")]),
        "   ab|ab   |ab"
    );
    assert_eq!(f("%05s", &[s("ab")]), "000ab");
    assert_eq!(f("%x % X", &[s("hi"), s("hi")]), "6869 68 69");
    assert_eq!(f("%#q", &[s("a b")]), "`a b`");
}

#[test]
fn floats() {
    assert_eq!(
        f(
            "%v %v %v %v",
            &[
                GoValue::Float(3.0),
                GoValue::Float(3.75),
                GoValue::Float(1e6),
                GoValue::Float(123456.0)
            ]
        ),
        "3 3.75 1e+06 123456"
    );
    assert_eq!(
        f("%v %v", &[GoValue::Float(0.0001), GoValue::Float(0.00001)]),
        "0.0001 1e-05"
    );
    assert_eq!(
        f(
            "%f %.2f %e %.3g %g",
            &[
                GoValue::Float(3.14259),
                GoValue::Float(2.675),
                GoValue::Float(1234.5),
                GoValue::Float(9.999),
                GoValue::Float(100000.0)
            ]
        ),
        "3.142590 2.67 1.234500e+03 10 100000"
    );
    assert_eq!(
        f(
            "%08.3f|%+.1f",
            &[GoValue::Float(-3.14259), GoValue::Float(2.0)]
        ),
        "-003.143|+2.0"
    );
    assert_eq!(
        f(
            "%v %v",
            &[GoValue::Float(f64::INFINITY), GoValue::Float(f64::NAN)]
        ),
        "+Inf NaN"
    );
    assert_eq!(
        f("%v %b", &[GoValue::Float(-0.0), GoValue::Float(1.0)]),
        "-0 4503599627370496p-52"
    );
    assert_eq!(f("%v", &[GoValue::Float(1234567.0)]), "1.234567e+06");
    assert!(sprintf(b"%x", &[GoValue::Float(1.0)]).is_err());
}

#[test]
fn errors_and_extras() {
    assert_eq!(f("%d", &[s("hi")]), "%!d(string=hi)");
    assert_eq!(f("hi%d", &[]), "hi%!d(MISSING)");
    assert_eq!(f("hi", &[s("guys")]), "hi%!(EXTRA string=guys)");
    assert_eq!(f("%*s", &[GoValue::Float(4.5), s("hi")]), "%!(BADWIDTH)hi");
    assert_eq!(f("%.*s", &[GoValue::Float(4.5), s("hi")]), "%!(BADPREC)hi");
    assert_eq!(f("%!", &[]), "%!!(MISSING)");
    assert_eq!(f("%", &[]), "%!(NOVERB)");
    assert_eq!(f("%d %%", &[GoValue::Int(1)]), "1 %");
    assert_eq!(
        f("%[2]d %[1]d", &[GoValue::Int(11), GoValue::Int(22)]),
        "22 11"
    );
    assert_eq!(f("%[3]d", &[GoValue::Int(1)]), "%!d(BADINDEX)");
    assert_eq!(f("%d", &[GoValue::Nil]), "%!d(<nil>)");
    assert_eq!(
        f("%v %t", &[GoValue::Nil, GoValue::Bool(true)]),
        "<nil> true"
    );
    assert_eq!(f("%z", &[GoValue::Int(1)]), "%!z(int=1)");
}

#[test]
fn sprint_spacing() {
    let out = sprint(&[
        s("a"),
        GoValue::Int(1),
        GoValue::Int(2),
        s("b"),
        GoValue::Bool(true),
    ])
    .unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "a1 2btrue");
    let out = sprintln(&[s("a"), GoValue::Int(1)]).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "a 1\n");
}

#[test]
fn structs() {
    let record = std::rc::Rc::new(Record {
        type_name: "v1beta1.X".into(),
        pointer: true,
        fields: vec![("A".into(), s("a")), ("B".into(), GoValue::Int(1))],
    });
    let v = GoValue::Struct(record);
    assert_eq!(f("%v", std::slice::from_ref(&v)), "&{a 1}");
    assert_eq!(f("%+v", std::slice::from_ref(&v)), "&{A:a B:1}");
    assert_eq!(f("%d", std::slice::from_ref(&v)), "&{%!d(string=a) 1}");
    assert_eq!(
        String::from_utf8(print_action_value(&v).unwrap()).unwrap(),
        "{a 1}"
    );
    assert_eq!(f("%T", std::slice::from_ref(&v)), "*v1beta1.X");
}

#[test]
fn quoting() {
    assert_eq!(quote_bytes(&[b'a', 0xff], false), "\"a\\xff\"");
    assert_eq!(quote_bytes("é\u{7}".as_bytes(), true), "\"\\u00e9\\a\"");
    assert_eq!(unicode_name('#'), "U+0023 '#'");
    assert_eq!(unicode_name('\u{7}'), "U+0007");
}
