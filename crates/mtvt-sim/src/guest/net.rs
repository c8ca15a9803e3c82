//! How the guest shows its NICs: `ip -j addr` and `ip -j route` (Linux, JSON), `nmcli -t` (NetworkManager's
//! terse `key:value` lines) and `ipconfig /all` (Windows). Pure functions of the model.

use serde_json::{Value, json};

use super::model::{GuestModel, GuestNic, NicConfig};

/// `255.255.255.0` for prefix 24 (IPv4; an out-of-range prefix is clamped to 32).
pub fn mask_of(prefix: u8) -> String {
    let bits: u32 = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    };
    let o = bits.to_be_bytes();
    format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
}

/// `(address, prefix)` of `addr/prefix` (prefix 32 when absent or invalid).
pub fn split_cidr(cidr: &str) -> (&str, u8) {
    match cidr.split_once('/') {
        Some((a, p)) => (a, p.parse().unwrap_or(32)),
        None => (cidr, 32),
    }
}

fn gateway(nic: &GuestNic) -> &str {
    match &nic.config {
        NicConfig::Static { gateway, .. } => gateway,
        NicConfig::Dhcp => "",
    }
}

fn dns(nic: &GuestNic) -> Vec<String> {
    match &nic.config {
        NicConfig::Static { dns, .. } => dns.clone(),
        NicConfig::Dhcp => Vec::new(),
    }
}

/// `ip -j addr`: loopback, then one entry per NIC with its IPv4 addresses.
pub fn ip_json(m: &GuestModel) -> String {
    let mut links = vec![json!({"ifindex": 1, "ifname": "lo", "operstate": "UNKNOWN",
        "link_type": "loopback", "address": "00:00:00:00:00:00",
        "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host"}]})];
    for (i, nic) in m.nics.iter().enumerate() {
        let addr_info: Vec<Value> = nic
            .addresses
            .iter()
            .map(|c| {
                let (a, p) = split_cidr(c);
                let dynamic = matches!(nic.config, NicConfig::Dhcp);
                json!({"family": "inet", "local": a, "prefixlen": p, "scope": "global",
                    "dynamic": dynamic, "label": nic.device})
            })
            .collect();
        links.push(
            json!({"ifindex": i + 2, "ifname": nic.device, "operstate": "UP",
            "link_type": "ether", "address": nic.mac, "addr_info": addr_info}),
        );
    }
    Value::Array(links).to_string()
}

/// `ip -j route`: a default route through every NIC with a gateway (metric by NIC order),
/// then the prefix route of each address.
pub fn route_json(m: &GuestModel) -> String {
    let mut routes = Vec::new();
    for (i, nic) in m.nics.iter().enumerate() {
        let gw = gateway(nic);
        if !gw.is_empty() && !nic.addresses.is_empty() {
            routes.push(json!({"dst": "default", "gateway": gw, "dev": nic.device,
                "protocol": "static", "metric": 100 + i, "flags": []}));
        }
    }
    for nic in &m.nics {
        for c in &nic.addresses {
            let (a, p) = split_cidr(c);
            routes.push(
                json!({"dst": network_of(a, p), "dev": nic.device, "protocol": "kernel",
                "scope": "link", "prefsrc": a, "flags": []}),
            );
        }
    }
    Value::Array(routes).to_string()
}

/// `192.168.10.0/24` for `192.168.10.5`, 24.
fn network_of(address: &str, prefix: u8) -> String {
    let ip: std::net::Ipv4Addr = address.parse().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
    let bits = u32::from(ip)
        & if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(prefix.min(32)))
        };
    format!("{}/{prefix}", std::net::Ipv4Addr::from(bits))
}

/// `nmcli -t connection show`: `NAME:UUID:TYPE:DEVICE` per NIC (the connection is named
/// after the device, as cloud images and virt-v2v leave it).
pub fn nmcli_list(m: &GuestModel) -> String {
    m.nics
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "{d}:5fb06bd0-0bb0-7ffb-45f1-d6edd65f3e{i:02x}:802-3-ethernet:{d}\n",
                d = n.device
            )
        })
        .collect()
}

/// `nmcli -t connection show ID`: the connection's IPv4 settings and state, `None` when no
/// connection has that name.
pub fn nmcli_show(m: &GuestModel, id: &str) -> Option<String> {
    let nic = m.nics.iter().find(|n| n.device == id)?;
    let (method, addrs) = match &nic.config {
        NicConfig::Static { addresses, .. } => ("manual", addresses.join(",")),
        NicConfig::Dhcp => ("auto", String::new()),
    };
    let mut out = format!(
        "connection.id:{d}\nconnection.interface-name:{d}\n802-3-ethernet.mac-address:{mac}\nipv4.method:{method}\nipv4.addresses:{addrs}\nipv4.gateway:{gw}\nipv4.dns:{dns}\n",
        d = nic.device,
        mac = nic.mac.to_uppercase(),
        gw = gateway(nic),
        dns = dns(nic).join(","),
    );
    for (i, a) in nic.addresses.iter().enumerate() {
        out.push_str(&format!("IP4.ADDRESS[{}]:{a}\n", i + 1));
    }
    if !nic.addresses.is_empty() && !gateway(nic).is_empty() {
        out.push_str(&format!("IP4.GATEWAY:{}\n", gateway(nic)));
    }
    Some(out)
}

/// `ipconfig /all` as Windows Server prints it (the parts the suite parses: per adapter its
/// physical address, DHCP enabled, IPv4 address, subnet mask, default gateway, DNS servers).
pub fn ipconfig_all(m: &GuestModel) -> String {
    let mut out = format!(
        "\r\nWindows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : {}\r\n   Primary Dns Suffix  . . . . . . . : \r\n   Node Type . . . . . . . . . . . . : Hybrid\r\n   IP Routing Enabled. . . . . . . . : No\r\n",
        m.hostname
    );
    for nic in &m.nics {
        let dhcp = matches!(nic.config, NicConfig::Dhcp);
        out.push_str(&format!(
            "\r\nEthernet adapter {}:\r\n\r\n   Connection-specific DNS Suffix  . : \r\n   Description . . . . . . . . . . . : Red Hat VirtIO Ethernet Adapter\r\n   Physical Address. . . . . . . . . : {}\r\n   DHCP Enabled. . . . . . . . . . . : {}\r\n   Autoconfiguration Enabled . . . . : Yes\r\n",
            nic.device,
            nic.mac.to_uppercase().replace(':', "-"),
            if dhcp { "Yes" } else { "No" },
        ));
        for c in &nic.addresses {
            let (a, p) = split_cidr(c);
            out.push_str(&format!(
                "   IPv4 Address. . . . . . . . . . . : {a}(Preferred) \r\n   Subnet Mask . . . . . . . . . . . : {}\r\n",
                mask_of(p)
            ));
        }
        out.push_str(&format!(
            "   Default Gateway . . . . . . . . . : {}\r\n",
            gateway(nic)
        ));
        let servers = dns(nic);
        out.push_str(&format!(
            "   DNS Servers . . . . . . . . . . . : {}\r\n",
            servers.first().map(String::as_str).unwrap_or("")
        ));
        for s in servers.iter().skip(1) {
            out.push_str(&format!("                                       {s}\r\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_of(24), "255.255.255.0");
        assert_eq!(mask_of(20), "255.255.240.0");
        assert_eq!(mask_of(0), "0.0.0.0");
        assert_eq!(mask_of(40), "255.255.255.255");
        assert_eq!(split_cidr("10.0.0.5/16"), ("10.0.0.5", 16));
        assert_eq!(network_of("192.168.10.5", 24), "192.168.10.0/24");
    }
}
