//! Selecting codes, as `--select`, `--ignore`, severity overrides and configuration files
//! write them: `ALL`, a code (`XA0105`), a code prefix (`XA01`, `XE`) or a name
//! (`duplicate-sid`). A selector that names no code a command emits is refused, so a typo
//! never silently turns a rule off.

use super::{codes, RuleMeta, Severity};

/// One selector, checked against the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    /// Parses a selector that must name some code of `families` (`["XA"]` for lint);
    /// `Err` with a message when it names none.
    pub fn parse(text: &str, families: &[&str]) -> Result<Selector, String> {
        let s = Selector(text.trim().to_owned());
        if s.0.is_empty() {
            return Err("empty rule selector".into());
        }
        let named = codes::ALL
            .iter()
            .any(|m| families.contains(&m.family()) && s.matches(m));
        if named {
            return Ok(s);
        }
        let example = families.first().copied().unwrap_or("XA");
        Err(format!(
            "unknown rule selector `{text}` (expected a code such as `{example}0001`, a prefix such as `{example}`, a rule name or `ALL`; `xacct rules` lists them)"
        ))
    }

    /// Whether the selector names `rule`.
    pub fn matches(&self, rule: &RuleMeta) -> bool {
        self.names(rule.code, rule.name)
    }

    /// Whether the selector names the code `code` called `name`.
    pub fn names(&self, code: &str, name: &str) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("ALL")
            || code
                .get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
            || name == s
    }

    /// The selector as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Parses comma-separated lists of selectors.
pub fn parse_list(items: &[String], families: &[&str]) -> Result<Vec<Selector>, String> {
    items
        .iter()
        .flat_map(|i| i.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(|s| Selector::parse(s, families))
        .collect()
}

/// Parses `SELECTOR=LEVEL`.
pub fn parse_override(text: &str, families: &[&str]) -> Result<(Selector, Severity), String> {
    let (sel, level) = text
        .split_once('=')
        .ok_or_else(|| format!("expected `SELECTOR=LEVEL`, found `{text}`"))?;
    let level = Severity::parse(level.trim()).ok_or_else(|| {
        format!(
            "unknown severity `{}` (expected `error`, `warning` or `info`)",
            level.trim()
        )
    })?;
    Ok((Selector::parse(sel, families)?, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_name_codes_of_the_given_families_only() {
        assert!(Selector::parse("XA01", &["XA"]).is_ok());
        assert!(Selector::parse("duplicate-sid", &["XA"]).is_ok());
        assert!(Selector::parse("XE0001", &["XA"]).is_err());
        assert!(Selector::parse("XE0001", &["XA", "XE"]).is_ok());
        assert!(Selector::parse("XA9", &["XA"]).is_err());
        assert!(Selector::parse("no-such-rule", &["XA"]).is_err());
        assert!(Selector::parse(" ", &["XA"]).is_err());
        assert!(parse_override("XA0101=fatal", &["XA"]).is_err());
        assert!(parse_override("XA0101", &["XA"]).is_err());
        let all = Selector::parse("all", &["XA"]).unwrap();
        assert!(codes::ALL.iter().all(|m| all.matches(m)));
    }
}
