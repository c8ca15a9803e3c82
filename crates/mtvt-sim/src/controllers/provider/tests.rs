use super::connection::fingerprint;
use super::*;

#[test]
fn nfs_paths() {
    assert!(nfs_path("nfs.mtv.lab:/exports/ova"));
    assert!(!nfs_path("/exports/ova"));
    assert!(!nfs_path("nfs:"));
}

#[test]
fn fingerprint_shape() {
    let f = fingerprint("https://x/sdk");
    assert_eq!(f.split(':').count(), 16);
}
