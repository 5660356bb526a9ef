//! The lint configuration file (TOML), validated into checked types.
//!
//! ```toml
//! [lint]
//! select = ["XA01", "XA02"]      # codes, prefixes, names or "ALL"; default: every rule
//! ignore = ["XA0301"]
//! fail-on = "warning"            # error (default) | warning | info
//!
//! [lint.severity]                # overrides, by code, prefix or name
//! XA0213 = "info"
//!
//! [[lint.suppress]]              # one finding (or all findings of a code in a file)
//! code = "XA0202"                # a code, prefix or name
//! file = "inventory/*/s3/website.policy.json"   # a glob, matched against the printed path
//! pointer = "/Statement/0"       # optional: this element and everything under it
//! reason = "public website bucket"
//! ```
//!
//! A `file` glob is matched against the path as xacct prints it and, when the config file
//! is in another folder, against the path relative to that folder. Unknown keys, unknown
//! rule codes and bad globs are errors (exit 2). A suppression that matches no finding is
//! reported as `XA0900 unmatched-suppression`.

use std::sync::Arc;

use serde::Deserialize;

use super::selector::{Selector, LINT};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::source::{line_col, LineCol};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    lint: RawLint,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLint {
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    fail_on: Option<String>,
    #[serde(default)]
    severity: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    suppress: Vec<toml::Spanned<RawSuppression>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    code: String,
    file: String,
    pointer: Option<String>,
    reason: Option<String>,
}

/// One suppression.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Which rules.
    pub code: Selector,
    /// Which files (as written, and compiled).
    pub file: String,
    pattern: glob::Pattern,
    /// Which element (and everything below it), when given.
    pub pointer: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Position in `[[lint.suppress]]`.
    pub index: usize,
    /// Where it is written.
    pub at: Option<LineCol>,
}

impl Suppression {
    /// Whether this suppression covers `d`; `base` is the config file's folder.
    pub fn matches(&self, d: &Diagnostic, base: &str) -> bool {
        let Some(rule) = super::RULES.iter().find(|r| r.meta().code == d.code) else {
            return false;
        };
        if !self.code.matches(rule.meta()) {
            return false;
        }
        let opts = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let file: &str = &d.primary.file;
        let relative = (!base.is_empty())
            .then(|| file.strip_prefix(base).and_then(|f| f.strip_prefix('/')))
            .flatten();
        let file_ok = self.pattern.matches_with(file, opts)
            || relative.is_some_and(|r| self.pattern.matches_with(r, opts));
        if !file_ok {
            return false;
        }
        match self.pointer.as_deref() {
            None | Some("") | Some("/") => true,
            Some(p) => {
                let text = d.primary.pointer_text();
                text == p
                    || text
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('#'))
            }
        }
    }
}

/// A validated configuration file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file.
    pub path: Option<Arc<str>>,
    /// `select`, when given.
    pub select: Option<Vec<Selector>>,
    /// `ignore`.
    pub ignore: Vec<Selector>,
    /// `[lint.severity]`.
    pub severity: Vec<(Selector, Severity)>,
    /// `fail-on`.
    pub fail_on: Option<Severity>,
    /// `[[lint.suppress]]`.
    pub suppress: Vec<Suppression>,
}

impl Config {
    /// The folder suppressions' `file` globs are relative to (empty for the current one).
    pub fn base(&self) -> String {
        self.path
            .as_deref()
            .and_then(|p| std::path::Path::new(p).parent())
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }

    /// Reads and validates the file at `path`.
    pub fn load(path: &str) -> Result<Config, Error> {
        let text = crate::load::fs::read_text_at(path)?;
        Config::parse(&text, path)
    }

    /// Validates configuration text; errors name the file, line and column.
    pub fn parse(text: &str, path: &str) -> Result<Config, Error> {
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| Error::Usage(format!("{path}: invalid configuration: {e}")))?;
        let bad = |what: String| Error::Usage(format!("{path}: {what}"));
        let list = |items: &[String], key: &str| -> Result<Vec<Selector>, Error> {
            items
                .iter()
                .map(|s| Selector::parse(s, LINT).map_err(|e| bad(format!("`lint.{key}`: {e}"))))
                .collect()
        };
        let lint = raw.lint;
        let mut config = Config {
            path: Some(Arc::from(path)),
            select: lint
                .select
                .as_deref()
                .map(|s| list(s, "select"))
                .transpose()?,
            ignore: list(&lint.ignore, "ignore")?,
            ..Config::default()
        };
        config.fail_on = lint
            .fail_on
            .as_deref()
            .map(|f| {
                Severity::parse(f).ok_or_else(|| {
                    bad(format!(
                        "`lint.fail-on`: unknown severity `{f}` (expected `error`, `warning` or `info`)"
                    ))
                })
            })
            .transpose()?;
        for (sel, level) in &lint.severity {
            let s = Selector::parse(sel, LINT).map_err(|e| bad(format!("`lint.severity`: {e}")))?;
            let l = Severity::parse(level).ok_or_else(|| {
                bad(format!(
                    "`lint.severity.{sel}`: unknown severity `{level}` (expected `error`, `warning` or `info`)"
                ))
            })?;
            config.severity.push((s, l));
        }
        for (index, s) in lint.suppress.into_iter().enumerate() {
            let at = Some(line_col(text, s.span().start));
            let where_ = |msg: String| match at {
                Some(lc) => bad(format!("{}:{}: {msg}", lc.line, lc.column)),
                None => bad(msg),
            };
            let raw = s.into_inner();
            let code = Selector::parse(&raw.code, LINT)
                .map_err(|e| where_(format!("`lint.suppress[{index}].code`: {e}")))?;
            let pattern = glob::Pattern::new(&raw.file).map_err(|e| {
                where_(format!(
                    "`lint.suppress[{index}].file`: invalid glob `{}`: {e}",
                    raw.file
                ))
            })?;
            if let Some(p) = &raw.pointer {
                if !(p.is_empty() || p.starts_with('/')) {
                    return Err(where_(format!(
                        "`lint.suppress[{index}].pointer`: `{p}` is not a JSON pointer (it must start with `/`)"
                    )));
                }
            }
            config.suppress.push(Suppression {
                code,
                file: raw.file,
                pattern,
                pointer: raw.pointer,
                reason: raw.reason,
                index,
                at,
            });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;
    use crate::json::Pointer;

    const TEXT: &str = r#"
[lint]
ignore = ["XA03"]
fail-on = "warning"

[lint.severity]
XA0213 = "info"

[[lint.suppress]]
code = "XA0202"
file = "inv/*/s3/*.policy.json"
pointer = "/Statement/0"
"#;

    fn diag(file: &str, pointer: &str) -> Diagnostic {
        Diagnostic {
            code: "XA0202",
            name: "n",
            severity: Severity::Warning,
            message: String::new(),
            primary: Location::new(Arc::from(file), Pointer::parse(pointer).unwrap()),
            related: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    #[test]
    fn parses_and_matches() {
        let c = Config::parse(TEXT, "xacct.toml").unwrap();
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(c.ignore.len(), 1);
        let s = &c.suppress[0];
        assert_eq!(s.at.map(|a| a.line), Some(9));
        assert!(s.matches(
            &diag(
                "inv/111111111111/s3/b.policy.json",
                "/Statement/0/Principal"
            ),
            ""
        ));
        assert!(!s.matches(
            &diag("inv/111111111111/s3/b.policy.json", "/Statement/1"),
            ""
        ));
        assert!(!s.matches(
            &diag("inv/111111111111/s3/b.policy.json", "/Statement/01"),
            ""
        ));
        assert!(!s.matches(&diag("inv/1/2/s3/b.policy.json", "/Statement/0"), ""));
    }

    #[test]
    fn rejects_unknown_keys_codes_and_levels() {
        for bad in [
            "[lint]\nselekt = []",
            "[lint]\nignore = [\"XA9999\"]",
            "[lint]\nfail-on = \"fatal\"",
            "[[lint.suppress]]\ncode = \"XA0101\"\nfile = \"[\"",
            "[[lint.suppress]]\ncode = \"XA0101\"\nfile = \"x\"\npointer = \"Statement\"",
        ] {
            let e = Config::parse(bad, "c.toml").unwrap_err().to_string();
            assert!(e.starts_with("c.toml"), "{e}");
        }
    }
}
