use super::disk::disk_address;
use super::nic::{parse_ip, valid_mac};
use crate::lab::model::*;

#[test]
fn ip_parsing() {
    assert_eq!(parse_ip("10.0.0.5/16").unwrap().prefix, 16);
    assert_eq!(parse_ip("10.0.0.5").unwrap().prefix, 24);
    assert!(parse_ip("10.0.0.5/33").is_none());
    assert!(parse_ip("10.0.0/24").is_none());
    assert_eq!(parse_ip("fd00::5").unwrap().version(), 6);
}

#[test]
fn mac_validation() {
    assert!(valid_mac("00:50:56:A1:b2:c3"));
    assert!(!valid_mac("00:50:56:a1:b2"));
    assert!(!valid_mac("00:50:56:a1:b2:zz"));
}

#[test]
fn scsi_skips_unit_seven() {
    assert_eq!(disk_address(DiskBus::Scsi, 6), (1000, 6));
    assert_eq!(disk_address(DiskBus::Scsi, 7), (1000, 8));
    assert_eq!(disk_address(DiskBus::Ide, 3), (201, 1));
}
