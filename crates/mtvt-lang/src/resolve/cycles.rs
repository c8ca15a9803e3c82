//! Import cycles: a depth-first walk over the modules' imports, reporting each cycle at
//! the `use` that closes it.

use super::Program;
use crate::diag::{DiagnosticKind, Sink};

pub(super) fn report_cycles(program: &Program, sink: &mut Sink) {
    // 0 = unvisited, 1 = on stack, 2 = done.
    let mut state = vec![0u8; program.modules.len()];
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..program.modules.len() {
        visit(program, start, &mut state, &mut stack, sink);
    }
}

fn visit(program: &Program, m: usize, state: &mut [u8], stack: &mut Vec<usize>, sink: &mut Sink) {
    if state.get(m).copied() != Some(0) {
        return;
    }
    if let Some(s) = state.get_mut(m) {
        *s = 1;
    }
    stack.push(m);
    if let Some(module) = program.modules.get(m) {
        for imp in &module.imports {
            match state.get(imp.target).copied() {
                Some(1) => {
                    let pos = stack.iter().position(|x| *x == imp.target).unwrap_or(0);
                    let mut names: Vec<String> = stack
                        .get(pos..)
                        .unwrap_or(&[])
                        .iter()
                        .map(|i| module_name(program, *i))
                        .collect();
                    names.push(module_name(program, imp.target));
                    sink.push(DiagnosticKind::ImportCycle {
                        span: imp.span,
                        cycle: names.join(" → "),
                    });
                }
                Some(0) => visit(program, imp.target, state, stack, sink),
                _ => {}
            }
        }
    }
    stack.pop();
    if let Some(s) = state.get_mut(m) {
        *s = 2;
    }
}

fn module_name(program: &Program, m: usize) -> String {
    program
        .modules
        .get(m)
        .and_then(|md| program.sources.get(md.file))
        .map(|f| f.name.clone())
        .unwrap_or_default()
}
