//! `xacct lint`: the findings as a table with a summary line, JSON, or SARIF.

use super::Format::{Github, Json, Junit, Sarif, Table};
use std::io::Write;

use serde::Serialize;

use super::junit::{finding_case, Case, Outcome};
use super::sarif::{write_sarif, Notification};
use super::{diagnostics_table, schema, Format};
use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::{Counts, Severity};
use crate::lint::LintReport;
use crate::policy::DocKind;

/// The formats `xacct lint` writes.
pub const FORMATS: &[Format] = &[Table, Json, Sarif, Junit, Github];

#[derive(Serialize)]
struct Summary {
    files: usize,
    documents: usize,
    grants: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    fail_on: Severity,
    exit_code: u8,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    summary: Summary,
    #[serde(flatten)]
    report: &'a LintReport,
}

fn summary(report: &LintReport, counts: Counts, fail_on: Severity) -> Summary {
    Summary {
        files: report.files.len(),
        documents: report
            .files
            .iter()
            .flat_map(|f| &f.documents)
            .filter(|d| d.kind != DocKind::Grants)
            .count(),
        grants: report.files.iter().map(|f| f.grants).sum(),
        skipped: report.files.iter().filter(|f| f.skipped.is_some()).count(),
        errors: counts.errors,
        warnings: counts.warnings,
        infos: counts.infos,
        suppressed: report.suppressed,
        fail_on,
        exit_code: report.exit_code(fail_on),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 findings (1 error, 2 warnings, 0 infos) in 2 files (2 policies)`, and what was
/// skipped and suppressed.
fn summary_line(counts: Counts, s: &Summary) -> String {
    let total = counts.errors + counts.warnings + counts.infos;
    let mut line = if total == 0 {
        "no findings".to_owned()
    } else {
        format!(
            "{} ({}, {}, {})",
            plural(total, "finding", "findings"),
            plural(counts.errors, "error", "errors"),
            plural(counts.warnings, "warning", "warnings"),
            plural(counts.infos, "info", "infos")
        )
    };
    line.push_str(&format!(
        " in {} ({}",
        plural(s.files, "file", "files"),
        plural(s.documents, "policy", "policies")
    ));
    if s.grants > 0 {
        line.push_str(&format!(", {}", plural(s.grants, "grant", "grants")));
    }
    line.push(')');
    if s.skipped > 0 {
        line.push_str(&format!("; {} skipped", s.skipped));
    }
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    line
}

/// Writes a lint report in `format`; `fail_on` is the threshold the summary states.
pub fn render(
    format: Format,
    report: &LintReport,
    fail_on: Severity,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let counts = Counts::of(&report.diagnostics);
    let s = summary(report, counts, fail_on);
    match format {
        Format::Table | Format::Jsonl | Format::Dot | Format::Mermaid | Format::Html => {
            out.write_all(diagnostics_table(&report.diagnostics).as_bytes())?;
            writeln!(out, "{}", summary_line(counts, &s))?;
        }
        Format::Github => {
            let items = super::ci::items(&report.diagnostics);
            super::github::write_annotations(out, &items, &summary_line(counts, &s))?;
        }
        Format::Junit => {
            let mut cases: Vec<Case> = super::ci::items(&report.diagnostics)
                .iter()
                .map(|i| finding_case(i, fail_on))
                .collect();
            // A file with no finding is a case that passed (or was skipped).
            let with_findings: std::collections::HashSet<&str> = report
                .diagnostics
                .iter()
                .map(|d| &*d.primary.file)
                .collect();
            cases.extend(
                report
                    .files
                    .iter()
                    .filter(|f| !with_findings.contains(&*f.file))
                    .map(|f| Case {
                        classname: super::ci::report_path(&f.file).as_str().to_owned(),
                        name: "lint".into(),
                        outcome: match &f.skipped {
                            Some(why) => Outcome::Skipped {
                                message: why.clone(),
                            },
                            None => Outcome::Passed,
                        },
                        text: String::new(),
                    }),
            );
            super::junit::write_junit(out, "xacct lint", &cases)?;
        }
        Format::Json => {
            let doc = JsonReport {
                schema_version: schema::LINT,
                tool: Tool {
                    name: "xacct",
                    version: env!("CARGO_PKG_VERSION"),
                },
                summary: s,
                report,
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Format::Sarif => {
            let rules: Vec<&RuleMeta> = codes::ALL
                .iter()
                .copied()
                .filter(|m| m.family() == "XA")
                .collect();
            let mut notes: Vec<Notification> = report
                .input_errors
                .iter()
                .map(|e| Notification {
                    file: e.file.clone(),
                    message: e.message.clone(),
                })
                .collect();
            notes.extend(
                report
                    .files
                    .iter()
                    .filter(|f| f.invalid_json)
                    .map(|f| Notification {
                        file: f.file.to_string(),
                        message: "not JSON: the file was not linted".into(),
                    }),
            );
            write_sarif(
                out,
                &super::ci::items(&report.diagnostics),
                &rules,
                &notes,
                !report.could_not_run(),
            )?;
        }
    }
    Ok(())
}
