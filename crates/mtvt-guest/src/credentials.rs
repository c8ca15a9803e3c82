//! Guest logins: a user and a password (a [`Secret`]: never printed), chosen by the guest's
//! OS family from the provider profile's `guest_vm_linux_*` / `guest_vm_win_*` keys.

use mtvt_vocab::Secret;

/// The OS family of a guest: which login to use and how files are read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestFamily {
    /// Linux (a POSIX shell: `cat`).
    Linux,
    /// Windows (OpenSSH for Windows, `cmd.exe` and PowerShell).
    Windows,
}

impl GuestFamily {
    /// `linux` or `windows`.
    pub fn as_str(self) -> &'static str {
        match self {
            GuestFamily::Linux => "linux",
            GuestFamily::Windows => "windows",
        }
    }
}

/// A guest login.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The user name (safe to print).
    pub user: String,
    /// The password (redacted when printed).
    pub password: Secret,
}

impl Credentials {
    /// A login.
    pub fn new(user: impl Into<String>, password: Secret) -> Self {
        Credentials {
            user: user.into(),
            password,
        }
    }

    /// The login for `family` from a profile's pairs (`linux` = `guest_vm_linux_user` /
    /// `_password`, `windows` = `guest_vm_win_user` / `_password`); `None` when that pair is
    /// incomplete.
    pub fn for_family(
        family: GuestFamily,
        linux: (Option<&str>, Option<&Secret>),
        windows: (Option<&str>, Option<&Secret>),
    ) -> Option<Credentials> {
        let (user, password) = match family {
            GuestFamily::Linux => linux,
            GuestFamily::Windows => windows,
        };
        match (user, password) {
            (Some(u), Some(p)) if !u.is_empty() && !p.is_empty() => {
                Some(Credentials::new(u, p.clone()))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn chosen_by_family_and_never_printed() {
        let pw = Secret::new("hunter2");
        let win = Secret::new("Win-pw");
        let c = Credentials::for_family(
            GuestFamily::Windows,
            (Some("cloud-user"), Some(&pw)),
            (Some("Administrator"), Some(&win)),
        )
        .unwrap();
        assert_eq!(c.user, "Administrator");
        assert!(!format!("{c:?}").contains("Win-pw"));
        let none = Credentials::for_family(GuestFamily::Linux, (Some("u"), None), (None, None));
        assert!(none.is_none());
    }
}
