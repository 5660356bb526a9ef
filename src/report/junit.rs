//! `--format junit`: a JUnit XML report (what GitLab, Jenkins and Azure DevOps render as test
//! results) for `lint`, `check`, `audit` and `diff`. One `<testsuite>` a run; each command
//! says what its test cases are ([`Case`]): a finding, a workflow step, an access change. A
//! case fails when it is what makes the command exit 1, and is skipped when it could not be
//! decided but does not fail the run.

use std::io::{self, Write};

use super::ci::{report_path, Item};
use super::diagram::xml_escape as xml;
use crate::diagnostic::Severity;

/// One test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Groups cases (a file, an account, a scenario).
    pub classname: String,
    /// The case.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Details: where, what, how to fix.
    pub text: String,
}

/// How a test case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It passed (the details go to `system-out`).
    Passed,
    /// It failed: the code (`type`) and the one-line message.
    Failed {
        /// The code or kind of failure.
        kind: String,
        /// One line.
        message: String,
    },
    /// It was not decided, and that does not fail the run.
    Skipped {
        /// Why.
        message: String,
    },
}

/// A finding as a case of its file: failed at or above `fail_on`, else passed.
pub fn finding_case(item: &Item, fail_on: Severity) -> Case {
    let d = &item.diagnostic;
    let mut text = format!(
        "{} {}: {}",
        d.primary.short(),
        d.primary.pointer_text(),
        d.message
    );
    for r in &d.related {
        text.push_str(&format!("\n{}: {}", r.message, r.location));
    }
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    text.push_str(&format!("\nid: {}", item.id));
    Case {
        classname: match &item.account {
            Some(a) => format!("{a}.{}", report_path(&d.primary.file).as_str()),
            None => report_path(&d.primary.file).as_str().to_owned(),
        },
        name: format!("{} {} at {}", d.code, d.name, d.primary.pointer_text()),
        outcome: if d.severity >= fail_on {
            Outcome::Failed {
                kind: d.code.to_owned(),
                message: format!("{}: {}", d.severity, d.message),
            }
        } else {
            Outcome::Passed
        },
        text,
    }
}

/// An attribute value: also its line breaks as character references (kept by parsers).
fn attr(text: &str) -> String {
    xml(text)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

/// Writes the report: one suite named `suite` holding `cases`.
pub fn write_junit(out: &mut dyn Write, suite: &str, cases: &[Case]) -> io::Result<()> {
    let failures = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed { .. }))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Skipped { .. }))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="xacct" tests="{}" failures="{failures}" errors="0" skipped="{skipped}">"#,
        cases.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}">"#,
        attr(suite),
        cases.len()
    )?;
    for c in cases {
        write!(
            out,
            r#"    <testcase classname="{}" name="{}""#,
            attr(&c.classname),
            attr(&c.name)
        )?;
        match &c.outcome {
            Outcome::Passed if c.text.is_empty() => writeln!(out, "/>")?,
            Outcome::Passed => writeln!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>",
                xml(&c.text)
            )?,
            Outcome::Failed { kind, message } => writeln!(
                out,
                ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                attr(kind),
                attr(message),
                xml(&c.text)
            )?,
            Outcome::Skipped { message } => writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n    </testcase>",
                attr(message),
                xml(&c.text)
            )?,
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_xml_cannot_carry() {
        assert_eq!(xml("bell\u{7}\ttab"), "bell\ttab");
        assert_eq!(attr("two\nlines"), "two&#10;lines");
    }

    #[test]
    fn counts_failures_and_skips() {
        let case = |outcome| Case {
            classname: "c".into(),
            name: "n".into(),
            outcome,
            text: "t".into(),
        };
        let mut out = Vec::new();
        write_junit(
            &mut out,
            "xacct lint",
            &[
                case(Outcome::Passed),
                case(Outcome::Failed {
                    kind: "XA0100".into(),
                    message: "m".into(),
                }),
                case(Outcome::Skipped {
                    message: "s".into(),
                }),
            ],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                r#"<testsuite name="xacct lint" tests="3" failures="1" errors="0" skipped="1">"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"<failure type="XA0100" message="m">t</failure>"#));
    }
}
