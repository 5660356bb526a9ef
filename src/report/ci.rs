//! What the formats for CI and hand-over share (SARIF, JUnit, GitHub annotations, HTML): a
//! finding as an [`Item`] (the diagnostic, its stable id, its account), paths as the
//! directory xacct runs in sees them, and the link to a code's documentation page.
//!
//! The stable id is the one the audit report keeps for every finding
//! ([`crate::audit::finding`]): the code and a fingerprint of the file (from its account
//! folder on), the pointer and the message, never of where the exports sit on disk.

use crate::audit::finding::{Finding, Kind};
use crate::diagnostic::{Diagnostic, Severity};

/// One finding, as the CI formats write it.
#[derive(Debug, Clone)]
pub struct Item {
    /// What was found, and where.
    pub diagnostic: Diagnostic,
    /// The stable id (`CODE-` and 16 hex digits).
    pub id: String,
    /// The account it belongs to, when one is known.
    pub account: Option<String>,
}

impl Item {
    /// A diagnostic of lint or check, with the id an audit would give it.
    pub fn of_diagnostic(d: &Diagnostic) -> Item {
        Item {
            id: Finding::from_diagnostic(d, Kind::Lint, None).id,
            diagnostic: d.clone(),
            account: None,
        }
    }

    /// An audit finding; `None` for a code this build does not know (a merged report of a
    /// newer version).
    pub fn of_finding(f: &Finding) -> Option<Item> {
        Some(Item {
            diagnostic: f.to_diagnostic()?,
            id: f.id.clone(),
            account: f.account.clone(),
        })
    }
}

/// Items of `diagnostics`, in their order.
pub fn items(diagnostics: &[Diagnostic]) -> Vec<Item> {
    diagnostics.iter().map(Item::of_diagnostic).collect()
}

/// The page of `code` in the repository, at the release of this build:
/// `REPOSITORY/blob/vVERSION/docs/rules/CODE.md`.
pub fn help_uri(code: &str) -> String {
    format!(
        "{}/blob/v{}/docs/rules/{code}.md",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
        env!("CARGO_PKG_VERSION")
    )
}

/// A path as written into a report for CI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPath {
    /// Relative to the directory xacct runs in (with `/` separators).
    Relative(String),
    /// Absolute, outside that directory (with `/` separators).
    Absolute(String),
}

impl ReportPath {
    /// The path as text.
    pub fn as_str(&self) -> &str {
        match self {
            ReportPath::Relative(p) | ReportPath::Absolute(p) => p,
        }
    }
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || (b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
}

/// `path` relative to `base` (both with `/` separators), when it lies below it.
fn strip_base(path: &str, base: &str) -> Option<String> {
    let base = base.trim_end_matches('/');
    let rest = path.strip_prefix(base)?.strip_prefix('/')?;
    Some(rest.trim_start_matches('/').to_owned())
}

/// `path` as reports for CI write it: relative to `base` (the directory xacct runs in) when
/// it is relative or lies below it, `./` removed; absolute otherwise.
pub fn report_path_from(path: &str, base: Option<&str>) -> ReportPath {
    let p = path.replace('\\', "/");
    if is_absolute(&p) {
        let base = base.map(|b| b.replace('\\', "/"));
        return match base.as_deref().and_then(|b| strip_base(&p, b)) {
            Some(rel) => ReportPath::Relative(rel),
            None => ReportPath::Absolute(p),
        };
    }
    let mut rel = p.as_str();
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest.trim_start_matches('/');
    }
    ReportPath::Relative(rel.to_owned())
}

/// `path` relative to the current directory where it can be (see [`report_path_from`]).
pub fn report_path(path: &str) -> ReportPath {
    let cwd = std::env::current_dir().ok();
    let base = cwd.as_ref().map(|c| c.to_string_lossy().into_owned());
    report_path_from(path, base.as_deref())
}

/// The three levels, most serious first, as `error`, `warning`, `notice` (GitHub's words).
pub fn github_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_working_directory() {
        let rel = |p: &str| ReportPath::Relative(p.into());
        let abs = |p: &str| ReportPath::Absolute(p.into());
        for (path, base, want) in [
            ("./fixtures/a.json", "/w", rel("fixtures/a.json")),
            (
                "/w/repo/fixtures/a.json",
                "/w/repo/",
                rel("fixtures/a.json"),
            ),
            (
                "/w/repository/a.json",
                "/w/repo",
                abs("/w/repository/a.json"),
            ),
            ("C:\\w\\repo\\a.json", "C:\\w\\repo", rel("a.json")),
            ("D:\\x\\a.json", "C:\\w", abs("D:/x/a.json")),
        ] {
            assert_eq!(report_path_from(path, Some(base)), want, "{path}");
        }
    }

    #[test]
    fn ids_are_the_audit_ids() {
        let d = Diagnostic::in_file(
            &crate::diagnostic::codes::INVALID_JSON,
            "/tmp/x/111111111111/s3/b.policy.json",
            None,
            "m",
        );
        let a = Item::of_diagnostic(&d);
        let mut moved = d.clone();
        moved.primary.file = "elsewhere/111111111111/s3/b.policy.json".into();
        assert_eq!(a.id, Item::of_diagnostic(&moved).id);
        assert!(a.id.starts_with("XA0100-"), "{}", a.id);
        assert!(help_uri("XA0100").ends_with("/docs/rules/XA0100.md"));
    }
}
