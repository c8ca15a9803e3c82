//! Which virt-v2v image converts a VM, and what that image cannot convert.
//!
//! Forklift picks the conversion image per plan (kubev2v/forklift
//! `pkg/controller/conversion/context/doc.go:145-156`, `GetVirtV2vImage`): the plan's
//! `spec.virtV2vImage` when set, else `VIRT_V2V_IMAGE_XFS` when `spec.xfsCompatibility` is
//! true, else the controller's `VIRT_V2V_IMAGE`. The default image is built on RHEL 10,
//! whose kernel no longer mounts XFS v4 (`operator/config/manager/manager.yaml:59-60` maps
//! `VIRT_V2V_IMAGE_XFS` to the RHEL 9 build for that reason), so libguestfs inspection finds
//! no root filesystem in a Linux guest whose root is XFS v4 and virt-v2v stops with its
//! inspection error. This module decides both; it creates nothing.

use serde_json::Value;

use super::super::super::catalog::SourceVm;
use super::super::super::forklift_operator::ControllerSettings;
use crate::lab::{BrokenFeature, Faults};

/// What virt-v2v prints when inspection finds no operating system (libguestfs inspection
/// could not mount the root filesystem).
pub(super) const NO_ROOT: &str = "inspection could not detect the source guest (or physical machine).\n\nAssuming that you are running virt-v2v/virt-p2v on a source which is supported (and not, for example, a blank disk), then this should not happen.\n\nNo root device found in this operating system image.";

/// The image of the plan's conversion pods. A broken `xfs_compatibility` feature ignores
/// `spec.xfsCompatibility`.
pub(super) fn image(plan: &Value, settings: &ControllerSettings, faults: &Faults) -> String {
    let own = plan
        .pointer("/spec/virtV2vImage")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    if let Some(i) = own {
        return i.to_string();
    }
    let xfs = plan
        .pointer("/spec/xfsCompatibility")
        .and_then(Value::as_bool)
        == Some(true)
        && !faults.breaks(BrokenFeature::XfsCompatibility);
    if xfs && !settings.virt_v2v_image_xfs.is_empty() {
        settings.virt_v2v_image_xfs.clone()
    } else {
        settings.virt_v2v_image.clone()
    }
}

/// Whether `vm` is a Linux guest whose root filesystem is XFS v4.
pub(super) fn xfs_v4_linux(vm: Option<&SourceVm>) -> bool {
    vm.is_some_and(|v| v.root_xfs_v4 && !v.windows)
}

/// The virt-v2v error converting a guest with `image`, if the image cannot read it: a Linux
/// root on XFS v4 (`xfs_v4_linux`) needs the XFS-compatible image.
pub(super) fn conversion_error(
    xfs_v4_linux: bool,
    image: &str,
    settings: &ControllerSettings,
) -> Option<&'static str> {
    (xfs_v4_linux && image != settings.virt_v2v_image_xfs).then_some(NO_ROOT)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn settings() -> ControllerSettings {
        ControllerSettings::default()
    }

    /// doc.go:145-156: own image first, then the XFS image when asked for, else the default.
    #[test]
    fn the_plan_picks_its_image_like_get_virt_v2v_image() {
        let s = settings();
        let f = Faults::default();
        let xfs = json!({"spec": {"xfsCompatibility": true}});
        assert_eq!(image(&xfs, &s, &f), s.virt_v2v_image_xfs);
        assert_eq!(image(&json!({"spec": {}}), &s, &f), s.virt_v2v_image);
        let own = json!({"spec": {"xfsCompatibility": true, "virtV2vImage": "r/own:1"}});
        assert_eq!(image(&own, &s, &f), "r/own:1");
        let broken = Faults {
            broken: vec![BrokenFeature::XfsCompatibility],
            ..Faults::default()
        };
        assert_eq!(image(&xfs, &s, &broken), s.virt_v2v_image);
    }

    /// manager.yaml:59-60: only the RHEL 9 image reads an XFS v4 root.
    #[test]
    fn only_the_xfs_image_converts_an_xfs_v4_linux_guest() {
        let s = settings();
        assert_eq!(conversion_error(true, &s.virt_v2v_image, &s), Some(NO_ROOT));
        assert_eq!(conversion_error(true, &s.virt_v2v_image_xfs, &s), None);
        assert_eq!(conversion_error(false, &s.virt_v2v_image, &s), None);
        assert!(!xfs_v4_linux(None));
    }
}
