//! Which lint rules run and at which severity, from `--select`/`--ignore` and severity
//! overrides `SELECTOR=LEVEL` ([`crate::diagnostic::select`] reads the selectors).
//!
//! Resolution (first the config file, then the command line, later entries winning):
//! the enabled set is every rule (or, when some `select` is given, the rules it names) minus
//! every rule an `ignore` names.

use std::collections::HashMap;

use super::{RuleMeta, RULES};
use crate::diagnostic::select;
pub use crate::diagnostic::select::Selector;
use crate::diagnostic::Severity;

/// The code families lint emits.
pub const LINT: &[&str] = &["XA"];

/// Parses lint's selector lists.
pub fn parse_list(items: &[String]) -> Result<Vec<Selector>, String> {
    select::parse_list(items, LINT)
}

/// Parses a lint severity override `SELECTOR=LEVEL`.
pub fn parse_override(text: &str) -> Result<(Selector, Severity), String> {
    select::parse_override(text, LINT)
}

/// The resolved rule set: which rules are on and their severities.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    enabled: Vec<bool>,
    /// Per rule, the user's override (none: each finding keeps its own severity).
    severity: Vec<Option<Severity>>,
    by_code: HashMap<&'static str, usize>,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection::new(&[], &[], &[])
    }
}

impl RuleSelection {
    /// Every rule named by `select` (all when empty) but none named by `ignore`, with the
    /// severity overrides applied in order.
    pub fn new(
        select: &[Selector],
        ignore: &[Selector],
        overrides: &[(Selector, Severity)],
    ) -> RuleSelection {
        let enabled = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                (select.is_empty() || select.iter().any(|s| s.matches(m)))
                    && !ignore.iter().any(|s| s.matches(m))
            })
            .collect();
        let severity = RULES
            .iter()
            .map(|r| {
                let m = r.meta();
                overrides
                    .iter()
                    .rev()
                    .find(|(s, _)| s.matches(m))
                    .map(|(_, level)| *level)
            })
            .collect();
        let by_code = RULES
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta().code, i))
            .collect();
        RuleSelection {
            enabled,
            severity,
            by_code,
        }
    }

    /// Whether the rule with this code runs.
    pub fn is_enabled(&self, code: &str) -> bool {
        self.by_code
            .get(code)
            .and_then(|i| self.enabled.get(*i))
            .copied()
            .unwrap_or(false)
    }

    /// The rule's severity after overrides.
    pub fn severity(&self, meta: &RuleMeta) -> Severity {
        self.severity_or(meta, meta.severity)
    }

    /// The severity of a finding of `meta` whose own severity is `default` (a rule that errs
    /// for some kinds of document and warns for others): the user's override, if any.
    pub fn severity_or(&self, meta: &RuleMeta, default: Severity) -> Severity {
        self.by_code
            .get(meta.code)
            .and_then(|i| self.severity.get(*i))
            .copied()
            .flatten()
            .unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(items: &[&str]) -> Vec<Selector> {
        parse_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn selects_by_code_prefix_and_name() {
        let s = RuleSelection::new(&sel(&["XA01"]), &sel(&["XA0105"]), &[]);
        assert!(s.is_enabled("XA0101"));
        assert!(!s.is_enabled("XA0105"));
        assert!(!s.is_enabled("XA0212"));
        let s = RuleSelection::new(&sel(&["duplicate-sid"]), &[], &[]);
        assert!(s.is_enabled("XA0212"));
        assert!(!s.is_enabled("XA0101"));
        let s = RuleSelection::new(&sel(&["all"]), &sel(&["XA03"]), &[]);
        assert!(s.is_enabled("XA0213") && !s.is_enabled("XA0301"));
    }

    #[test]
    fn overrides_apply_in_order() {
        let o = vec![
            parse_override("XA02=info").unwrap(),
            parse_override("XA0212=error").unwrap(),
        ];
        let s = RuleSelection::new(&[], &[], &o);
        let meta = |code: &str| RULES.iter().find(|r| r.meta().code == code).unwrap().meta();
        assert_eq!(s.severity(meta("XA0212")), Severity::Error);
        assert_eq!(s.severity(meta("XA0213")), Severity::Info);
        assert_eq!(s.severity(meta("XA0101")), Severity::Error);
    }
}
