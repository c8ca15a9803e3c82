//! A copy of [`Env`] for one thread of the scenario pass. Every IR node the pass builds
//! clones an `Arc` out of the environment (a span's file name, a requested check, a hook
//! playbook); threads cloning the same `Arc` bounce its reference count between cores.
//! The copy holds its own allocations of those values (equal contents, so the IR is the
//! same), and its own memo sets (they only remember facts that do not depend on the
//! order of scenarios). It must not copy anything the sequential steps write.

use std::collections::HashMap;
use std::sync::Arc;

use super::Env;
use super::hooks::HookDef;
use super::spans::Spans;
use crate::ir::CheckIr;

impl<'a> Env<'a> {
    /// The environment for one more thread of the scenario pass.
    pub(super) fn for_thread(&self) -> Env<'a> {
        let fresh_str = |s: &Arc<str>| Arc::<str>::from(&**s);
        let fresh_hook = |d: &HookDef| HookDef {
            playbook_text: fresh_str(&d.playbook_text),
            ..d.clone()
        };
        // Composite checks share leaves: keep one copy per leaf.
        let mut leaves: HashMap<*const CheckIr, Arc<CheckIr>> = HashMap::new();
        let mut fresh_check = |c: &Arc<CheckIr>| {
            Arc::clone(
                leaves
                    .entry(Arc::as_ptr(c))
                    .or_insert_with(|| Arc::new((**c).clone())),
            )
        };
        Env {
            program: self.program,
            names: self.names,
            spans: Spans::new(&self.program.sources),
            hook_defs: self
                .hook_defs
                .iter()
                .map(|(k, d)| (*k, d.as_ref().map(fresh_hook)))
                .collect(),
            predefined: self
                .predefined
                .iter()
                .map(|(k, s)| (*k, fresh_str(s)))
                .collect(),
            checks: self
                .checks
                .iter()
                .map(|(k, cs)| (*k, cs.iter().map(&mut fresh_check).collect()))
                .collect(),
            session: self.session.clone(),
            opts: self.opts,
            valid_templates: Default::default(),
            valid_affinities: Default::default(),
            broken_chains: Default::default(),
            cycles: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Sink;
    use crate::resolve::{Loader, Names};
    use crate::{CheckOptions, Stdlib};

    #[test]
    fn a_thread_env_has_equal_values_in_its_own_allocations() {
        let opts = CheckOptions {
            stdlib: Stdlib::new(None),
            ..CheckOptions::default()
        };
        let mut sink = Sink::new();
        let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
        loader.add_text(
            "a.mtvt",
            "use std/checks\nuse std/hooks\nscenario a {\n  vm \"x\"\n  hook post = hooks.fail\n  expect { migration fails at PostHook; check standard }\n}\n",
            None,
        );
        loader.preload_std("std/hooks");
        let program = loader.finish();
        let names = Names::build(&program, &opts.stdlib, &mut sink);
        let env = super::super::build_env(&program, &names, &opts, &mut sink);
        let copy = env.for_thread();
        assert!(!env.checks.is_empty() && !env.hook_defs.is_empty());
        assert_eq!(copy.checks, env.checks);
        for (k, cs) in &env.checks {
            for (a, b) in cs.iter().zip(&copy.checks[k]) {
                assert!(!std::sync::Arc::ptr_eq(a, b));
            }
        }
        assert_eq!(copy.hook_defs, env.hook_defs);
        assert_eq!(copy.predefined, env.predefined);
        let span = crate::span::Span::new(crate::span::FileId(0), 0, 3);
        let (x, y) = (env.spans.ir(span), copy.spans.ir(span));
        assert_eq!(x, y);
        assert!(!std::sync::Arc::ptr_eq(&x.file, &y.file));
        assert_eq!(copy.session, env.session);
    }
}
