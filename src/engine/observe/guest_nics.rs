//! What the guest prints about itself, turned into the `guest` model's records: NICs from
//! Linux `ip -j addr` + `ip -j route` or Windows `ipconfig /all`, the OS name from
//! `/etc/os-release` or `ver`. Pure functions; the commands run in `guest_ask`.

use mtvt_lang::models::{GuestIp, GuestNic};
use serde_json::Value;

/// The Linux NICs of `ip -j addr` (loopback left out) with the default gateways of
/// `ip -j route`; `None` when the text is not `ip`'s JSON.
pub fn linux_nics(addr_json: &str, route_json: &str) -> Option<Vec<GuestNic>> {
    let links: Vec<Value> = serde_json::from_str(addr_json.trim()).ok()?;
    let routes: Vec<Value> = serde_json::from_str(route_json.trim()).unwrap_or_default();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let nics = links
        .iter()
        .filter(|l| text(l, "link_type") != "loopback" && text(l, "ifname") != "lo")
        .map(|l| {
            let name = text(l, "ifname");
            let addrs: Vec<&Value> = (l.get("addr_info").and_then(Value::as_array))
                .into_iter()
                .flatten()
                .filter(|a| text(a, "family") == "inet")
                .collect();
            let ips = addrs
                .iter()
                .map(|a| {
                    let prefix = a.get("prefixlen").and_then(Value::as_i64).unwrap_or(32);
                    ip(text(a, "local"), prefix)
                })
                .collect::<Vec<_>>();
            let dynamic = addrs
                .iter()
                .any(|a| a.get("dynamic").and_then(Value::as_bool) == Some(true));
            let gateway = routes
                .iter()
                .find(|r| text(r, "dst") == "default" && text(r, "dev") == name)
                .map(|r| text(r, "gateway"))
                .filter(|g| !g.is_empty());
            GuestNic {
                mac: text(l, "address").to_ascii_lowercase(),
                dhcp: dynamic || ips.is_empty(),
                ips,
                gateway,
                name,
            }
        })
        .collect();
    Some(nics)
}

/// The adapters of Windows `ipconfig /all` (each `… adapter NAME:` section with its
/// physical address, DHCP, IPv4 addresses with subnet masks, default gateway).
pub fn windows_nics(ipconfig: &str) -> Vec<GuestNic> {
    let mut nics: Vec<GuestNic> = Vec::new();
    for line in ipconfig.lines() {
        let line = line.trim_end();
        if !line.starts_with(' ') && line.contains(" adapter ") && line.ends_with(':') {
            let name = line
                .split_once(" adapter ")
                .map_or("", |(_, n)| n)
                .trim_end_matches(':');
            nics.push(GuestNic {
                name: name.to_string(),
                ..GuestNic::default()
            });
            continue;
        }
        let (Some(nic), Some((key, value))) = (nics.last_mut(), line.split_once(" : ")) else {
            continue;
        };
        let key = key.trim().trim_end_matches(['.', ' ']);
        let value = value.trim();
        match key {
            "Physical Address" => nic.mac = value.replace('-', ":").to_ascii_lowercase(),
            "DHCP Enabled" => nic.dhcp = value.eq_ignore_ascii_case("yes"),
            "IPv4 Address" | "IP Address" => {
                let address = value.split('(').next().unwrap_or("").trim();
                nic.ips.push(ip(address.to_string(), 32));
            }
            "Subnet Mask" => {
                if let Some(last) = nic.ips.last_mut() {
                    last.prefix = prefix_of(value);
                    last.mask = value.to_string();
                }
            }
            "Default Gateway" if !value.is_empty() => nic.gateway = Some(value.to_string()),
            _ => {}
        }
    }
    nics
}

/// `PRETTY_NAME` (else `NAME`) of `/etc/os-release`.
pub fn os_release_name(text: &str) -> String {
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .map(|v| v.trim().trim_matches('"').to_string())
    };
    field("PRETTY_NAME")
        .or_else(|| field("NAME"))
        .unwrap_or_default()
}

fn ip(address: String, prefix: i64) -> GuestIp {
    GuestIp {
        mask: mask_of(prefix),
        address,
        prefix,
    }
}

/// `255.255.255.0` for 24.
pub fn mask_of(prefix: i64) -> String {
    let p = u32::try_from(prefix.clamp(0, 32)).unwrap_or(32);
    let bits = u32::MAX.checked_shl(32 - p).unwrap_or(0);
    std::net::Ipv4Addr::from(bits).to_string()
}

/// 24 for `255.255.255.0` (the number of leading ones).
fn prefix_of(mask: &str) -> i64 {
    mask.parse::<std::net::Ipv4Addr>()
        .map_or(32, |m| i64::from(u32::from(m).leading_ones()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn linux_nics_from_ip_json() {
        let addr = r#"[{"ifname":"lo","link_type":"loopback","address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
            {"ifname":"eth0","link_type":"ether","address":"02:00:00:00:00:0A","addr_info":[{"family":"inet","local":"192.168.10.5","prefixlen":24,"dynamic":false},{"family":"inet6","local":"fe80::1","prefixlen":64}]},
            {"ifname":"eth1","link_type":"ether","address":"02:00:00:00:00:0b","addr_info":[{"family":"inet","local":"10.0.0.9","prefixlen":16,"dynamic":true}]}]"#;
        let route = r#"[{"dst":"default","gateway":"192.168.10.1","dev":"eth0"},{"dst":"192.168.10.0/24","dev":"eth0"}]"#;
        let nics = linux_nics(addr, route).unwrap();
        assert_eq!(nics.len(), 2);
        assert_eq!(nics[0].mac, "02:00:00:00:00:0a");
        assert!(!nics[0].dhcp);
        assert_eq!(nics[0].ips[0].address, "192.168.10.5");
        assert_eq!(nics[0].ips[0].mask, "255.255.255.0");
        assert_eq!(nics[0].gateway.as_deref(), Some("192.168.10.1"));
        assert!(nics[1].dhcp && nics[1].gateway.is_none());
        assert!(linux_nics("bash: ip: command not found", "").is_none());
    }

    #[test]
    fn windows_nics_from_ipconfig() {
        let text = "\r\nWindows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : win\r\n\r\nEthernet adapter Ethernet:\r\n\r\n   Physical Address. . . . . . . . . : 00-50-56-A1-B2-C3\r\n   DHCP Enabled. . . . . . . . . . . : No\r\n   IPv4 Address. . . . . . . . . . . : 10.6.46.31(Preferred) \r\n   Subnet Mask . . . . . . . . . . . : 255.255.240.0\r\n   Default Gateway . . . . . . . . . : 10.6.46.1\r\n\r\nEthernet adapter Ethernet 2:\r\n\r\n   Physical Address. . . . . . . . . : 00-50-56-A1-B2-C4\r\n   DHCP Enabled. . . . . . . . . . . : Yes\r\n   Default Gateway . . . . . . . . . : \r\n";
        let nics = windows_nics(text);
        assert_eq!(nics.len(), 2);
        assert_eq!(nics[0].name, "Ethernet");
        assert_eq!(nics[0].mac, "00:50:56:a1:b2:c3");
        assert!(!nics[0].dhcp);
        assert_eq!(
            (nics[0].ips[0].address.as_str(), nics[0].ips[0].prefix),
            ("10.6.46.31", 20)
        );
        assert_eq!(nics[0].gateway.as_deref(), Some("10.6.46.1"));
        assert!(nics[1].dhcp && nics[1].ips.is_empty() && nics[1].gateway.is_none());
    }

    #[test]
    fn os_names() {
        assert_eq!(
            os_release_name("NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\n"),
            "Red Hat Enterprise Linux"
        );
        assert_eq!(mask_of(0), "0.0.0.0");
        assert_eq!(mask_of(32), "255.255.255.255");
        assert_eq!(prefix_of("255.255.255.0"), 24);
    }
}
