//! Which rules run and at which severity: `--select`/`--ignore` by code, code prefix, rule
//! name or `ALL`, and severity overrides `SELECTOR=LEVEL`.
//!
//! Resolution (first the config file, then the command line, later entries winning):
//! the enabled set is every rule (or, when some `select` is given, the rules it names) minus
//! every rule an `ignore` names. A selector that names no rule is a usage error (exit 2), so
//! a typo never silently turns a rule off.

use std::collections::HashMap;

use super::{RuleMeta, RULES};
use crate::diagnostic::Severity;

/// A rule selector: `ALL`, a code (`XA0105`), a code prefix (`XA01`, `XA`) or a rule name
/// (`duplicate-sid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Parses a selector; `Err` with a message when it names no rule.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let s = Selector(text.trim().to_owned());
        if s.0.is_empty() {
            return Err("empty rule selector".into());
        }
        if RULES.iter().any(|r| s.matches(r.meta())) {
            Ok(s)
        } else {
            Err(format!(
                "unknown rule selector `{text}` (expected a code such as `XA0105`, a prefix such as `XA01`, a rule name or `ALL`; `xacct rules` lists them)"
            ))
        }
    }

    /// Whether the selector names `rule`.
    pub fn matches(&self, rule: &RuleMeta) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("ALL")
            || rule
                .code
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
            || rule.name == s
    }

    /// The selector as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses a comma-separated list of selectors.
pub fn parse_list(items: &[String]) -> Result<Vec<Selector>, String> {
    items
        .iter()
        .flat_map(|i| i.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(Selector::parse)
        .collect()
}

/// Parses `SELECTOR=LEVEL`.
pub fn parse_override(text: &str) -> Result<(Selector, Severity), String> {
    let (sel, level) = text
        .split_once('=')
        .ok_or_else(|| format!("expected `SELECTOR=LEVEL`, found `{text}`"))?;
    let level = Severity::parse(level.trim()).ok_or_else(|| {
        format!(
            "unknown severity `{}` (expected `error`, `warning` or `info`)",
            level.trim()
        )
    })?;
    Ok((Selector::parse(sel)?, level))
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

    #[test]
    fn unknown_selectors_are_errors() {
        assert!(Selector::parse("XA9").is_err());
        assert!(Selector::parse("no-such-rule").is_err());
        assert!(parse_override("XA0101=fatal").is_err());
        assert!(parse_override("XA0101").is_err());
    }
}
