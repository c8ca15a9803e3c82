//! The Hyper-V checks of a Provider beyond its Secret keys (pkg/controller/provider/
//! validation.go): the Secret's `smbUrl` must look like `//server/share`, `\\server\share`
//! or `smb://server/share` (392-405, 1324-1334); the cluster must have the SMB CSI driver
//! `smb.csi.k8s.io` to mount the share (1336-1365); `managementType` is empty,
//! `standalone` or `cluster` (1367-1392). Each failure is a Critical condition.

use serde_json::Value;

use super::super::Ctx;
use super::super::conditions::{CRITICAL, Cnd, Conditions};
use super::secret_value;

/// Whether `s` is an SMB share path Forklift accepts.
pub(super) fn smb_path(s: &str) -> bool {
    let n = s.replace('\\', "/");
    let rest = n.strip_prefix("smb:").unwrap_or(&n);
    let Some(rest) = rest.strip_prefix("//") else {
        return false;
    };
    let mut parts = rest.splitn(2, '/');
    let server = parts.next().unwrap_or_default();
    let share = parts.next().unwrap_or_default();
    !server.is_empty()
        && !server.contains(char::is_whitespace)
        && share
            .chars()
            .next()
            .is_some_and(|c| c != '/' && !c.is_whitespace())
}

/// Sets the Hyper-V validation conditions of `provider`.
pub(super) fn validate(ctx: &Ctx, provider: &Value, secret: Option<&Value>, cnd: &mut Conditions) {
    if let Some(url) = secret.and_then(|s| secret_value(s, "smbUrl"))
        && !url.is_empty()
        && !smb_path(&url)
    {
        cnd.set(Cnd::new(
            "SecretNotValid",
            CRITICAL,
            "DataErr",
            "The smbUrl in secret is malformed. Expected format: //server/share, \\\\server\\share, or smb://server/share",
        ));
    }
    if !ctx.lab.lab().cluster.smb_csi_driver {
        cnd.set(Cnd::new(
            "SMBCSIDriverNotReady",
            CRITICAL,
            "NotFound",
            "SMB CSI driver (smb.csi.k8s.io) is not available. Ensure the CIFS/SMB CSI Driver Operator is installed and that the ClusterCSIDriver CR for smb.csi.k8s.io exists.",
        ));
    }
    let mt = provider
        .pointer("/spec/settings/managementType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !matches!(mt, "" | "standalone" | "cluster") {
        cnd.set(Cnd::new(
            "SettingsNotValid",
            CRITICAL,
            "InvalidManagementType",
            &format!("Invalid managementType '{mt}'. Allowed values: 'standalone', 'cluster', or empty (defaults to standalone)."),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smb_paths_as_forklift_accepts_them() {
        // validation.go:1324-1334
        for ok in ["//h/s", "\\\\h\\s", "smb://h/s/sub", "//10.0.0.1/VMShare"] {
            assert!(smb_path(ok), "{ok}");
        }
        for bad in ["h/s", "//h", "//h/", "smb:/h/s", "", "// h/s"] {
            assert!(!smb_path(bad), "{bad}");
        }
    }
}
