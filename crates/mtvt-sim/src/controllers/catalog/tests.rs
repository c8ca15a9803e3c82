use super::*;

#[test]
fn ref_display_matches_forklift() {
    let r = SrcRef {
        id: "vm-12".into(),
        name: "rhel9".into(),
        ..Default::default()
    };
    assert_eq!(r.display(), " id:vm-12 name:'rhel9' ");
    let t = SrcRef {
        kind: "VM".into(),
        ..r
    };
    assert_eq!(t.display(), "(VM) id:vm-12 name:'rhel9' ");
}

#[test]
fn quantities() {
    assert_eq!(quantity_bytes("30Gi"), 30 << 30);
    assert_eq!(quantity_bytes("512Mi"), 512 << 20);
    assert_eq!(quantity_bytes("1024"), 1024);
    assert_eq!(quantity_bytes("2G"), 2_000_000_000);
}

#[test]
fn hosts() {
    assert_eq!(host_of("https://127.0.0.1:4000/sdk"), "127.0.0.1:4000");
    assert_eq!(host_of("127.0.0.1:4000"), "127.0.0.1:4000");
}
