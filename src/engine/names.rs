//! Names of everything a run creates, derived from the session id and the scenario: the
//! session namespace and providers, one namespace per scenario, plan/map/hook/migration
//! names, NADs. Every name is a valid DNS-1123 label (≤ 63); long names are cut and end
//! with a short hash of the full text so two long scenario names never collide.
//!
//! Pure: randomness only enters through [`session_id`]'s generator.

use mtvt_source::naming::{dns_safe, random_suffix};
use rand::Rng;

/// The label every created object carries: `mtvt.io/session=<id>`.
pub const SESSION_LABEL: &str = "mtvt.io/session";
/// The label naming the scenario that created an object.
pub const SCENARIO_LABEL: &str = "mtvt.io/scenario";

/// The placeholder session of `mtvt render`.
pub const PLACEHOLDER_SESSION: &str = "auto-xxxx";

/// A new session id: `<prefix>-<4 random>` (`auto-ab12`), DNS-safe.
pub fn session_id(prefix: &str, rng: &mut impl Rng) -> String {
    let p = dns_safe(prefix, 40);
    format!("{p}-{}", random_suffix(rng, 4))
}

/// FNV-1a of `s` as 4 base-36 characters.
fn short_hash(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..4)
        .map(|_| {
            let i = (h % 36) as usize;
            h /= 36;
            char::from(ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

/// `s` made DNS-safe and at most `max` characters; when it had to be cut, the end is
/// replaced by `-<hash>` of the full text.
pub fn bounded(s: &str, max: usize) -> String {
    let safe = dns_safe(s, usize::MAX);
    if safe.len() <= max {
        return safe;
    }
    let keep = dns_safe(&safe, max.saturating_sub(5));
    format!("{keep}-{}", short_hash(s))
}

/// A label value form of a scenario name (`[`, `=`, `,` of matrix variants become `-`).
pub fn label_value(s: &str) -> String {
    bounded(s, 63)
}

/// Names of the session-wide objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionNames {
    /// The session id.
    pub session: String,
    /// Namespace holding the providers and their Secrets.
    pub namespace: String,
    /// Local (host) destination Provider.
    pub local_destination: String,
    /// Remote destination Provider.
    pub remote_destination: String,
    /// Its token Secret.
    pub remote_secret: String,
}

/// Names of one source provider's objects (one per provider profile of a run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceNames {
    /// Source provider Secret.
    pub secret: String,
    /// Source Provider.
    pub provider: String,
}

impl SourceNames {
    /// The names for profile `profile` in `session`.
    pub fn new(session: &str, profile: &str) -> Self {
        SourceNames {
            secret: bounded(&format!("{session}-{profile}-credentials"), 63),
            provider: bounded(&format!("{session}-{profile}"), 63),
        }
    }
}

impl SessionNames {
    /// The names for `session`.
    pub fn new(session: &str) -> Self {
        SessionNames {
            session: session.to_string(),
            namespace: bounded(session, 63),
            local_destination: bounded(&format!("{session}-local-ocp"), 63),
            remote_destination: bounded(&format!("{session}-remote-ocp"), 63),
            remote_secret: bounded(&format!("{session}-remote-ocp-token"), 63),
        }
    }
}

/// Names of one plan's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNames {
    /// Plan CR.
    pub plan: String,
    /// StorageMap.
    pub storage_map: String,
    /// NetworkMap.
    pub network_map: String,
    /// Migration.
    pub migration: String,
    /// Pre-migration Hook.
    pub pre_hook: String,
    /// Post-migration Hook.
    pub post_hook: String,
    /// Copy-offload storage Secret.
    pub offload_secret: String,
    /// NetworkAttachmentDefinition base name (`<base>-1`, `<base>-2`, …).
    pub nad_base: String,
}

impl PlanNames {
    /// Names for the plan `plan_name` (None = the scenario's default plan) of scenario
    /// `scenario` in session `session`.
    pub fn new(session: &str, scenario: &str, plan_name: Option<&str>) -> Self {
        let full = match plan_name {
            Some(p) => format!("{scenario}-{p}"),
            None => scenario.to_string(),
        };
        let plan = bounded(&full, 40);
        PlanNames {
            storage_map: format!("{plan}-storage"),
            network_map: format!("{plan}-network"),
            migration: format!("{plan}-migration"),
            pre_hook: format!("{plan}-prehook"),
            post_hook: format!("{plan}-posthook"),
            offload_secret: format!("{plan}-xcopy"),
            nad_base: bounded(&format!("{session}-{plan}"), 56),
            plan,
        }
    }
}

/// The Linux bridge of an extra NIC's NAD `nad`: `mt-<hash>`, within the kernel's
/// 15-character interface-name limit and distinct per NAD.
pub fn bridge_name(nad: &str) -> String {
    format!("mt-{}", short_hash(nad))
}

/// The namespace of one scenario: `<session>-<scenario>`.
pub fn scenario_namespace(session: &str, scenario: &str) -> String {
    bounded(&format!("{session}-{scenario}"), 63)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn is_label(s: &str) -> bool {
        mtvt_vocab::names::dns1123_label(s).is_ok()
    }

    #[test]
    fn names_are_labels_and_bounded() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let s = session_id("auto", &mut rng);
        assert!(
            s.starts_with("auto-") && s.len() == 9 && is_label(&s),
            "{s}"
        );
        let long = "copyoffload_independent_nonpersistent_disk_migration[disk_type=thick-lazy,x=1]";
        let ns = scenario_namespace(&s, long);
        assert!(ns.len() <= 63 && is_label(&ns), "{ns}");
        let other = scenario_namespace(&s, &format!("{long}2"));
        assert_ne!(ns, other, "cut names keep a hash of the full text");
        let p = PlanNames::new(&s, long, Some("xcopy"));
        for n in [
            &p.plan,
            &p.storage_map,
            &p.network_map,
            &p.migration,
            &p.pre_hook,
            &p.post_hook,
            &p.offload_secret,
        ] {
            assert!(is_label(n) && n.len() <= 63, "{n}");
        }
        assert!(is_label(&format!("{}-12", p.nad_base)));
        let sn = SourceNames::new(&s, "vsphere");
        assert_eq!(sn.provider, format!("{s}-vsphere"));
        assert_eq!(
            SessionNames::new(&s).local_destination,
            format!("{s}-local-ocp")
        );
        assert!(is_label(&label_value("a[b=c,d=e]")));
        assert_eq!(
            PlanNames::new("auto-xxxx", "sanity_cold_mtv_migration", None).plan,
            "sanity-cold-mtv-migration"
        );
    }
}
