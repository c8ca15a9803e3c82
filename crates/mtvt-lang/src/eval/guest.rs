//! The `guest` model during evaluation: what a check asks of the guest ([`GuestRequest`])
//! and what the runner answered ([`GuestAnswers`]). Evaluation does no I/O: a request
//! without an answer makes the expression *not run* and is recorded as pending, the runner
//! answers the pending requests (one guest session per VM) and evaluates the check again,
//! until nothing is pending. Checks are deterministic, so a re-run takes the same path up
//! to the new answers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::exec::{Exec, Interrupt};
use super::value::{Val, from_json, show};
use crate::ir::{ExprIr, ExprIrKind, Root};
use crate::models::ModelId;
use crate::schema::types::Type;

/// One thing a check reads from the guest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "arg", rename_all = "snake_case")]
pub enum GuestRequest {
    /// `guest.os`
    Os,
    /// `guest.nics`
    Nics,
    /// `guest.run(command)`
    Run(String),
    /// `guest.file(path)`
    File(String),
}

impl GuestRequest {
    /// The request for field `field` of `guest`, if it is one.
    pub fn field(field: &str) -> Option<GuestRequest> {
        match field {
            "os" => Some(GuestRequest::Os),
            "nics" => Some(GuestRequest::Nics),
            _ => None,
        }
    }

    /// The request for method `method` with its (string) argument.
    pub fn method(method: &str, arg: String) -> Option<GuestRequest> {
        match method {
            "run" => Some(GuestRequest::Run(arg)),
            "file" => Some(GuestRequest::File(arg)),
            _ => None,
        }
    }

    /// How the request reads in messages (`guest.run("hostname")`).
    pub fn describe(&self) -> String {
        match self {
            GuestRequest::Os => String::from("guest.os"),
            GuestRequest::Nics => String::from("guest.nics"),
            GuestRequest::Run(c) => format!("guest.run({c:?})"),
            GuestRequest::File(p) => format!("guest.file({p:?})"),
        }
    }
}

/// The runner's answer to one request: the model JSON (`GuestOs`, `list<GuestNic>`,
/// `GuestRun`, `GuestFile`), or why the guest could not be asked (VM powered off, no
/// login, SSH never answered) — which makes the expression *not run*.
pub type GuestAnswer = Result<serde_json::Value, String>;

/// The answers known for one VM, and the VM's name for messages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuestAnswers {
    /// `namespace/name` of the VM the answers come from.
    pub vm: String,
    answers: BTreeMap<GuestRequest, GuestAnswer>,
}

impl GuestAnswers {
    /// No answers yet for VM `vm` (`namespace/name`).
    pub fn for_vm(vm: impl Into<String>) -> Self {
        GuestAnswers {
            vm: vm.into(),
            answers: BTreeMap::new(),
        }
    }

    /// Records an answer.
    pub fn insert(&mut self, request: GuestRequest, answer: GuestAnswer) {
        self.answers.insert(request, answer);
    }

    /// Forgets the answer to `request`, so that it is asked again (a re-read).
    pub fn remove(&mut self, request: &GuestRequest) {
        self.answers.remove(request);
    }

    /// The answer to `request`, if known.
    pub fn get(&self, request: &GuestRequest) -> Option<&GuestAnswer> {
        self.answers.get(request)
    }

    /// How many requests have answers.
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// True when nothing was answered.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// How evaluation reads the `guest` model: requests, answers, and the context a failure
/// names.
impl Exec<'_> {
    /// Where a failed condition's guest data came from: the first guest read in it, on
    /// which VM, and for a command its exit status and first line of stderr.
    pub(super) fn guest_context(&mut self, cond: &ExprIr) -> Option<String> {
        let request = self.first_guest_read(cond)?;
        let vm = self.bindings.guest.vm.clone();
        let what = request.describe();
        let detail = match self.bindings.guest.get(&request) {
            Some(Ok(j)) => match &request {
                GuestRequest::Run(_) => {
                    let exit = j
                        .get("exit")
                        .and_then(serde_json::Value::as_i64)
                        .unwrap_or(0);
                    let err = j
                        .get("stderr")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("");
                    match err.lines().find(|l| !l.trim().is_empty()) {
                        Some(line) => format!(": exit {exit}, stderr {:?}", line.trim()),
                        None => format!(": exit {exit}"),
                    }
                }
                GuestRequest::File(_) => {
                    if j.get("exists").and_then(serde_json::Value::as_bool) == Some(true) {
                        String::new()
                    } else {
                        String::from(": no such file")
                    }
                }
                GuestRequest::Os | GuestRequest::Nics => String::new(),
            },
            _ => String::new(),
        };
        Some(format!("{what} on VM {vm}{detail}"))
    }

    pub(super) fn first_guest_read(&mut self, e: &ExprIr) -> Option<GuestRequest> {
        match &e.kind {
            ExprIrKind::Method { of, method, args } => self.request(of, method, args).ok(),
            ExprIrKind::Field { of, field }
                if matches!(of.kind, ExprIrKind::Root { root: Root::Guest }) =>
            {
                GuestRequest::field(field)
            }
            ExprIrKind::Field { of, .. } | ExprIrKind::Not { of } => self.first_guest_read(of),
            ExprIrKind::Index { of, index } => self
                .first_guest_read(of)
                .or_else(|| self.first_guest_read(index)),
            ExprIrKind::Binary { lhs, rhs, .. } => self
                .first_guest_read(lhs)
                .or_else(|| self.first_guest_read(rhs)),
            ExprIrKind::Call { args, .. } | ExprIrKind::List { items: args } => {
                args.iter().find_map(|a| self.first_guest_read(a))
            }
            ExprIrKind::Comprehension { iter, pred, .. } => self
                .first_guest_read(iter)
                .or_else(|| self.first_guest_read(pred)),
            ExprIrKind::Var { name } => self.guest_vars.get(name).cloned(),
            ExprIrKind::Lit { .. } | ExprIrKind::Root { .. } => None,
        }
    }

    /// The guest request of `of.method(args)`.
    pub(super) fn request(
        &mut self,
        of: &ExprIr,
        method: &str,
        args: &[ExprIr],
    ) -> Result<GuestRequest, Interrupt> {
        match self.expr(of)? {
            Val::Record(ModelId::Guest, _) => {}
            v => {
                return Err(Interrupt::error(format!(
                    "{} has no method `{method}`",
                    show(&v)
                )));
            }
        }
        let arg = match args.first().map(|a| self.expr(a)).transpose()? {
            Some(Val::Str(s)) => s,
            Some(v) => {
                return Err(Interrupt::error(format!(
                    "guest.{method} needs a string, found {}",
                    show(&v)
                )));
            }
            None => String::new(),
        };
        GuestRequest::method(method, arg)
            .ok_or_else(|| Interrupt::error(format!("guest has no method `{method}`")))
    }

    /// The answer to a guest request as a value of `ty`; *not run* (and pending) when the
    /// runner has not answered it yet.
    pub(super) fn guest(&mut self, request: GuestRequest, ty: &Type) -> Result<Val, Interrupt> {
        match self.bindings.guest.get(&request) {
            Some(Ok(json)) => from_json(json, ty)
                .map_err(|m| Interrupt::error(format!("{}: {m}", request.describe()))),
            Some(Err(reason)) => Err(Interrupt::NotRun(reason.clone())),
            None => {
                let text = format!("{} was not answered", request.describe());
                if !self.pending.contains(&request) {
                    self.pending.push(request);
                }
                Err(Interrupt::NotRun(text))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_name_what_they_read() {
        assert_eq!(GuestRequest::field("os"), Some(GuestRequest::Os));
        assert_eq!(GuestRequest::field("disks"), None);
        let r = GuestRequest::method("run", "xfs_info /".into()).unwrap_or(GuestRequest::Os);
        assert_eq!(r.describe(), "guest.run(\"xfs_info /\")");
        let mut a = GuestAnswers::for_vm("ns/vm");
        assert!(a.is_empty());
        a.insert(r.clone(), Err("powered off".into()));
        assert_eq!(a.get(&r), Some(&Err("powered off".into())));
    }
}
