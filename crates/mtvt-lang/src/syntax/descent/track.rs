//! Where a failed parse got furthest, and what it expected there — tracked exactly as pest
//! tracks it, so the first syntax error reads as the reference parser's would.
//!
//! pest records, for every non-silent rule that fails outside an atomic rule, the position
//! where the rule *started*; the error is at the furthest such position and lists the rules
//! that failed there. A rule whose nested rules left exactly one attempt at its own start
//! is not listed (the nested one is more precise); one whose nested rules left several is
//! listed instead of them. [`Descent::rule`] wraps each rule of the grammar, and
//! [`Descent::miss`] stands for a rule that failed at its first byte. In fast mode neither
//! does anything but restore the position.

use super::{Descent, TokenKind};
use crate::syntax::errors::{self, Expected};

/// pest's `attempt_pos` and `pos_attempts`.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    /// The furthest position where a tracked rule failed.
    pub pos: usize,
    /// The rules that failed there.
    pub attempts: Vec<Expected>,
}

impl Tracker {
    /// Attempts recorded at `pos` so far.
    fn at(&self, pos: usize) -> usize {
        if self.pos == pos {
            self.attempts.len()
        } else {
            0
        }
    }

    /// pest's `track`: `rule` started at `pos`, where `before` attempts had been recorded
    /// when it started, and failed.
    fn track(&mut self, rule: Expected, pos: usize, before: usize) {
        let now = self.at(pos);
        if now > before && now - before == 1 {
            return;
        }
        if pos == self.pos {
            self.attempts.truncate(before);
        }
        if pos > self.pos {
            self.attempts.clear();
            self.pos = pos;
        }
        if pos == self.pos {
            self.attempts.push(rule);
        }
    }
}

impl Descent<'_> {
    /// Parses the grammar rule `rule` with `f`: on failure goes back to where it started
    /// and, when tracking, records the failure as pest does.
    #[inline(always)]
    pub(super) fn rule<T>(
        &mut self,
        rule: Expected,
        f: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let m = self.mark();
        if !self.mode.track {
            let r = f(self);
            if r.is_none() {
                self.reset(m);
            }
            return r;
        }
        let start = self.pos;
        let before = self.tr.at(start);
        let r = f(self);
        if r.is_none() {
            self.reset(m);
            self.tr.track(rule, start, before);
        }
        r
    }

    /// The rule `rule` failed at the position without trying anything nested.
    #[inline(always)]
    pub(super) fn miss(&mut self, rule: Expected) {
        if self.mode.track {
            let p = self.pos;
            let before = self.tr.at(p);
            self.tr.track(rule, p, before);
        }
    }

    /// The keyword rule `rule` (`kw_*`, `op_and` …): `word` not followed by an identifier
    /// character, as a token.
    pub(super) fn kw(&mut self, rule: Expected, word: &str) -> Option<()> {
        let start = self.pos;
        if self.keyword(word) {
            self.token(TokenKind::Word, start);
            Some(())
        } else {
            self.miss(rule);
            None
        }
    }

    /// The syntax error at the furthest failure tracked so far.
    pub(super) fn tracked_error(&self) -> crate::diag::DiagnosticKind {
        errors::syntax_error(self.file, self.text, self.tr.pos, &self.tr.attempts)
    }
}
