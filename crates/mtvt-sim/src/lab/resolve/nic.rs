//! A VM's NICs: their network, MAC (checked, or generated per provider), IPs, name and
//! model, with the platform's defaults.

use super::issue;
use crate::lab::error::LabIssue;
use crate::lab::file::NicFile;
use crate::lab::ids::{mac_for, uuid_for};
use crate::lab::model::*;

/// Parses `10.0.0.5/24` (prefix defaults to 24 for IPv4, 64 for IPv6).
pub(super) fn parse_ip(s: &str) -> Option<IpConfig> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(if ip.is_ipv4() { 24 } else { 64 });
    (prefix <= max).then(|| IpConfig {
        address: ip.to_string(),
        prefix,
    })
}

/// True for `aa:bb:cc:dd:ee:ff` (hex, lower or upper case).
pub(super) fn valid_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

pub(super) fn resolve_nic(
    n: NicFile,
    index: usize,
    vm_id: &str,
    path: &str,
    p: &mut Provider,
    issues: &mut Vec<LabIssue>,
) -> Nic {
    let kind = p.kind;
    let network = match p.network(&n.network) {
        Some(net) => net.id.clone(),
        None => {
            issue(
                issues,
                format!("{path}.network"),
                format!(
                    "network {:?} is not defined in provider {:?}",
                    n.network, p.name
                ),
                "use the name of a network listed under this provider's `networks`",
            );
            String::new()
        }
    };
    let mac = match n.mac {
        Some(m) if valid_mac(&m) => m.to_lowercase(),
        Some(m) => {
            issue(
                issues,
                format!("{path}.mac"),
                format!("{m:?} is not a MAC address"),
                "write it as six hex pairs, e.g. 00:50:56:a1:b2:c3",
            );
            m
        }
        None => {
            p.counters.mac += 1;
            mac_for(kind, &p.name, p.counters.mac)
        }
    };
    let mut ips = Vec::new();
    for (k, s) in n.ips.iter().enumerate() {
        match parse_ip(s) {
            Some(ip) => ips.push(ip),
            None => issue(
                issues,
                format!("{path}.ips[{k}]"),
                format!("{s:?} is not an IP address"),
                "write it as 10.6.46.21/24",
            ),
        }
    }
    let key = 4000 + i32::try_from(index).unwrap_or(0);
    Nic {
        id: match kind {
            ProviderKind::Vsphere => format!("{key}"),
            _ => uuid_for(&[&p.name, "nic", vm_id, &index.to_string()]),
        },
        key,
        name: n.name.unwrap_or_else(|| match kind {
            ProviderKind::Vsphere | ProviderKind::Ova => format!("Network adapter {}", index + 1),
            ProviderKind::Ovirt => format!("nic{}", index + 1),
            ProviderKind::Openstack => format!("port-{index}"),
            ProviderKind::Hyperv => "Network Adapter".into(),
            ProviderKind::Openshift => {
                if index == 0 {
                    "default".into()
                } else {
                    format!("nic-{index}")
                }
            }
        }),
        network,
        mac,
        ips,
        static_ip: n.static_ip,
        model: n.model.unwrap_or_else(|| match kind {
            ProviderKind::Vsphere | ProviderKind::Ova => "vmxnet3".into(),
            _ => "virtio".into(),
        }),
    }
}
