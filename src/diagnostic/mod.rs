//! Findings as data, for every command: a [`Diagnostic`] has a code from the one registry
//! ([`codes`]), a [`Severity`], a message, a primary [`Location`] (file, JSON pointer, a
//! pointer into a policy carried as text, and line and column once known), related locations
//! and help. Lint findings, registration outcomes, audit findings and problems with the
//! inputs are all diagnostics.
//!
//! A diagnostic is never an error: "could not run" is a [`crate::error::Error`]. Diagnostics
//! are sorted with [`sort`] before any renderer sees them, so every output format is
//! deterministic.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::json::Pointer;

pub mod codes;
pub mod select;

pub use codes::{RuleMeta, Status, DOC_SECTIONS};
pub use select::Selector;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing breaks.
    Info,
    /// Probably not what was meant, or risky.
    Warning,
    /// AWS rejects the policy, or it cannot do what it is written to do.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Reads `error`, `warning` or `info` (case-insensitive).
    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding is: a file, a JSON pointer into it and, once resolved, a line and column.
///
/// A policy that an export carries as a JSON *string* (`{"Policy": "{\"Version\": …}"}`) has
/// two pointers: [`Location::pointer`] names the string in the file and
/// [`Location::embedded`] the element inside the policy text. Written together they read
/// `/Policy#/Statement/0/Resource`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file as the user named it (or as found under a directory they named).
    pub file: Arc<str>,
    /// JSON pointer into the file.
    pub pointer: Pointer,
    /// JSON pointer into the policy text carried by the string at [`Location::pointer`].
    #[serde(
        rename = "embedded_pointer",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub embedded: Option<Pointer>,
    /// 1-based line, when the pointer could be found in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column in characters, when the pointer could be found in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Location {
    /// A location in `file` at `pointer`, line and column not yet known.
    pub fn new(file: Arc<str>, pointer: Pointer) -> Location {
        Location {
            file,
            pointer,
            embedded: None,
            line: None,
            column: None,
        }
    }

    /// `file:line:column`, as far as known.
    pub fn short(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
            (Some(l), None) => format!("{}:{l}", self.file),
            _ => self.file.to_string(),
        }
    }

    /// A whole file.
    pub fn file(file: &Arc<str>) -> Location {
        Location::new(file.clone(), Pointer::root())
    }

    /// A place in a file.
    pub fn at(file: &Arc<str>, pointer: Pointer) -> Location {
        Location::new(file.clone(), pointer)
    }

    /// The same place without its line and column (what identifies it, for comparisons).
    pub fn place(&self) -> Location {
        Location {
            line: None,
            column: None,
            ..self.clone()
        }
    }

    /// The pointer as users read it: `/Statement/0` or, for an embedded policy text,
    /// `/Policy#/Statement/0`.
    pub fn pointer_text(&self) -> String {
        match &self.embedded {
            Some(inner) => format!("{}#{}", self.pointer, inner),
            None => self.pointer.to_string(),
        }
    }
}

/// `file:line:column` when the line is known; otherwise `file: /pointer` (or the file alone
/// for a whole file).
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        } else if !self.pointer.as_str().is_empty() || self.embedded.is_some() {
            write!(f, ": {}", self.pointer_text())?;
        }
        Ok(())
    }
}

/// A secondary place that explains a finding ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there.
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule code, e.g. `XA0105`.
    pub code: &'static str,
    /// The rule's kebab-case name.
    pub name: &'static str,
    /// Severity after user overrides.
    pub severity: Severity,
    /// What is wrong: lowercase, user input in backticks, no final period.
    pub message: String,
    /// Where.
    #[serde(rename = "location")]
    pub primary: Location,
    /// Other places that explain the finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The fix as a text change, when it is one (SARIF `fixes`; not in the JSON report).
    #[serde(skip)]
    pub replacement: Option<Replacement>,
}

/// Which string at a member's place a [`Replacement`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The member's name (an unknown condition operator, say).
    Key,
    /// The value: the member's, or the array element's.
    Value,
}

/// A fix that is a text change: the string at the finding's primary location becomes
/// `text`. The span is known only once the file's text has been read, and only for a string
/// in the file's own JSON text (not inside policy text carried as a string, not YAML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// The key or the value.
    pub part: Part,
    /// The new string (unquoted).
    pub text: String,
    /// The old string's place, quotes included, once known.
    pub span: Option<Span>,
}

/// A stretch of a file's text: 1-based lines and columns (in characters), the end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Line and column of the first character.
    pub start: (usize, usize),
    /// Line and column of the character after the last.
    pub end: (usize, usize),
}

impl Diagnostic {
    /// A diagnostic of `meta` at its default severity.
    pub fn new(meta: &'static RuleMeta, primary: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            primary,
            related: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    /// A diagnostic of `meta` in `file` at `pointer` (the whole file when `None`).
    pub fn in_file(
        meta: &'static RuleMeta,
        file: &str,
        pointer: Option<Pointer>,
        message: impl Into<String>,
    ) -> Self {
        let at = Location::new(Arc::from(file), pointer.unwrap_or_else(Pointer::root));
        Diagnostic::new(meta, at, message)
    }

    fn cmp_key(&self, other: &Diagnostic) -> Ordering {
        let a = &self.primary;
        let b = &other.primary;
        a.file
            .cmp(&b.file)
            .then(a.line.cmp(&b.line))
            .then(a.column.cmp(&b.column))
            .then(a.pointer.cmp(&b.pointer))
            .then(a.embedded.cmp(&b.embedded))
            .then(self.code.cmp(other.code))
            .then(self.message.cmp(&other.message))
    }
}

/// One line, as problems with the inputs are written to standard error:
/// `warning: file: /pointer: message [CODE]`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} [{}]",
            self.severity, self.primary, self.message, self.code
        )
    }
}

/// The registry entry of a code or name (case-insensitive code), of any command.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    codes::ALL
        .iter()
        .copied()
        .find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name)
}

/// Sorts by file, line, column, pointer, code and message: the order every renderer prints.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(Diagnostic::cmp_key);
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Counts {
    /// Counts `diagnostics`.
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    /// Findings at or above `threshold`.
    pub fn at_or_above(&self, threshold: Severity) -> usize {
        match threshold {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.errors + self.warnings + self.infos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(file: &str, line: usize, code: &'static str) -> Diagnostic {
        Diagnostic {
            code,
            name: "x",
            severity: Severity::Warning,
            message: String::new(),
            primary: Location {
                line: Some(line),
                column: Some(1),
                ..Location::new(Arc::from(file), Pointer::root())
            },
            related: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    #[test]
    fn sorts_by_file_then_line_then_code() {
        let mut d = vec![
            diag("b", 1, "XA0101"),
            diag("a", 9, "XA0101"),
            diag("a", 2, "XA0202"),
            diag("a", 2, "XA0102"),
        ];
        sort(&mut d);
        let got: Vec<_> = d
            .iter()
            .map(|d| (&*d.primary.file, d.primary.line, d.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", Some(2), "XA0102"),
                ("a", Some(2), "XA0202"),
                ("a", Some(9), "XA0101"),
                ("b", Some(1), "XA0101"),
            ]
        );
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert_eq!(Severity::parse("WARNING"), Some(Severity::Warning));
        assert_eq!(Severity::parse("fatal"), None);
        let c = Counts {
            errors: 1,
            warnings: 2,
            infos: 3,
        };
        assert_eq!(c.at_or_above(Severity::Warning), 3);
    }

    #[test]
    fn embedded_pointers_read_as_fragments() {
        let mut l = Location::new(Arc::from("f.json"), Pointer::root().key("Policy"));
        l.embedded = Some(Pointer::root().key("Statement").index(0));
        assert_eq!(l.pointer_text(), "/Policy#/Statement/0");
        l.line = Some(1);
        l.column = Some(12);
        assert_eq!(l.to_string(), "f.json:1:12");
    }
}
