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
    assert_eq!(quantity_bytes("30Gi"), Ok(30 << 30));
    assert_eq!(quantity_bytes("512Mi"), Ok(512 << 20));
    assert_eq!(quantity_bytes("1024"), Ok(1024));
    assert_eq!(quantity_bytes("2G"), Ok(2_000_000_000));
    // Bad input is an error naming what is wrong, never 0 bytes.
    for bad in ["", "lots", "30Gb", "-1Gi", "1.3Ki", "100Ei"] {
        let e = quantity_bytes(bad).unwrap_err();
        assert!(!e.to_string().is_empty(), "{bad}");
    }
}

#[test]
fn hosts() {
    assert_eq!(host_of("https://127.0.0.1:4000/sdk"), "127.0.0.1:4000");
    assert_eq!(host_of("127.0.0.1:4000"), "127.0.0.1:4000");
}
