//! `guest`: the migrated VM's operating system as seen from inside, through a login
//! (`mtvt run` opens one SSH session per VM through KubeVirt's port-forward). Its fields
//! (`os`, `nics`) and methods (`run`, `file`) are answered on demand: the evaluator asks
//! for what a check reads and the runner answers (see `eval::guest`). These are the data
//! shapes only; nothing here talks to a guest.

use super::model;

model! {
    /// The migrated VM's guest OS, read inside the guest over SSH. Besides these fields it
    /// has the methods `run(command)` → `GuestRun` and `file(path)` → `GuestFile`.
    Guest as Guest {
        /// The OS the session logged in to.
        os: GuestOs,
        /// Network interfaces as the guest configured them (Linux `ip -j addr` and `ip -j route`, Windows `ipconfig /all`).
        nics: Vec<GuestNic>,
    }
}

model! {
    /// The guest's operating system (`guest.os`).
    GuestOs as GuestOs {
        /// `linux` or `windows` (the family whose login from the provider profile was used).
        family: String,
        /// Pretty name (Linux `PRETTY_NAME`/`NAME` of `/etc/os-release`; Windows the `ver` banner).
        name: String,
        /// Host name (`hostname`).
        hostname: String,
    }
}

model! {
    /// A network interface inside the guest (`guest.nics[]`).
    GuestNic as GuestNic {
        /// Device name (`eth0`, `Ethernet 2`).
        name: String,
        /// MAC address (lower-case, colon-separated).
        mac: String,
        /// True when the addresses come from DHCP (Linux `dynamic`, Windows `DHCP Enabled: Yes`).
        dhcp: bool,
        /// IPv4 addresses held by the interface.
        ips: Vec<GuestIp>,
        /// Default gateway through this interface; none when there is none.
        gateway: Option<String>,
    }
}

model! {
    /// An IPv4 address of a guest interface.
    GuestIp as GuestIp {
        /// Address (`192.168.10.5`).
        address: String,
        /// Prefix length (`24`).
        prefix: i64,
        /// Subnet mask (`255.255.255.0`).
        mask: String,
    }
}

model! {
    /// What `guest.run(command)` returned: the command ran through the login shell (`sh -c`
    /// on Linux, `cmd /c` on Windows).
    GuestRun as GuestRun {
        /// The command as run.
        command: String,
        /// Standard output (UTF-8, lossy).
        stdout: String,
        /// Standard error.
        stderr: String,
        /// Exit status (127: no such command).
        exit: i64,
    }
}

model! {
    /// What `guest.file(path)` read.
    GuestFile as GuestFile {
        /// The path asked for.
        path: String,
        /// Whether the file exists.
        exists: bool,
        /// Its content (UTF-8, lossy); none when it does not exist.
        content: Option<String>,
    }
}
