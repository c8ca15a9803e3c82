//! The diagnostic for a reference that resolves to nothing, with the most useful help:
//! "did you mean" among the visible names, "add `use std/…`" when the stdlib defines it,
//! "a scenario cannot be extended", else the list of what exists. What it suggests is
//! marked used, so a typo does not also produce an unused-definition warning.

use std::collections::HashSet;

use super::Program;
use super::names::{DefKind, Names, set};
use crate::diag::{DiagnosticKind, suggest};
use crate::syntax::ast;

impl Names {
    pub(super) fn unknown(
        &self,
        program: &Program,
        from: usize,
        path: &ast::Path,
        kind: DefKind,
    ) -> DiagnosticKind {
        let written = path.dotted();
        let last = path.segments.last().map(|s| s.node.as_str()).unwrap_or("");
        let visible: Vec<String> = self
            .visible(program, from, kind)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        // After a failed lookup, nothing it could have meant is reported as unused.
        if let Some(m) = program.modules.get(from) {
            for i in 0..m.imports.len() {
                set(&self.used_imports, from, i);
            }
        }
        let suggestion = suggest::suggest(&written, &visible);
        if let Some(s) = &suggestion {
            self.mark_suggestion(program, from, s, kind);
        }
        let mut help = suggestion.map(|s| format!("did you mean `{s}`?"));
        if help.is_none() {
            let imported: HashSet<String> = program
                .modules
                .get(from)
                .map(|m| m.imports.iter().map(|i| i.alias.clone()).collect())
                .unwrap_or_default();
            if let Some((module, _, _)) = self.stdlib_index.iter().find(|(module, k, n)| {
                *k == kind
                    && n == last
                    && !imported.contains(module.rsplit('/').next().unwrap_or(""))
            }) {
                help = Some(format!(
                    "`{last}` is defined in {module}: add `use {module}`"
                ));
            }
        }
        if help.is_none()
            && kind == DefKind::Fragment
            && self
                .names_in(from, DefKind::Scenario)
                .iter()
                .any(|n| n == last)
        {
            help = Some(format!(
                "`{last}` is a scenario; only fragments can be extended"
            ));
        }
        if help.is_none() {
            let mut plain: Vec<String> = visible.into_iter().filter(|v| !v.contains('.')).collect();
            plain.sort();
            plain.dedup();
            help = suggest::list_help(&plain);
        }
        match kind {
            DefKind::Check => DiagnosticKind::UnknownCheck {
                span: path.span,
                name: written,
                help,
            },
            DefKind::Hook => DiagnosticKind::UnknownHook {
                span: path.span,
                name: written,
                help,
            },
            DefKind::Fragment | DefKind::Scenario => DiagnosticKind::UnknownFragment {
                span: path.span,
                name: written,
                help,
            },
        }
    }

    fn mark_suggestion(&self, program: &Program, from: usize, s: &str, kind: DefKind) {
        let found = match s.split_once('.') {
            None => self.local(from, kind, s).or_else(|| {
                program
                    .modules
                    .get(from)?
                    .imports
                    .iter()
                    .find_map(|imp| self.local(imp.target, kind, s))
            }),
            Some((alias, name)) => program.modules.get(from).and_then(|m| {
                m.imports
                    .iter()
                    .find(|imp| imp.alias == alias)
                    .and_then(|imp| self.local(imp.target, kind, name))
            }),
        };
        if let Some(d) = found {
            self.mark_used(d);
        }
    }
}
