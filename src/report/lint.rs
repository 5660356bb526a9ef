//! `xacct lint`: the findings as a table with a summary line, JSON, or SARIF.

use std::io::Write;

use serde::Serialize;

use super::sarif::{write_sarif, Notification};
use super::{diagnostics_table, schema, Format};
use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::{Counts, Severity};
use crate::lint::LintReport;
use crate::policy::DocKind;

/// The formats `xacct lint` writes.
pub const FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Sarif];

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
        Format::Table | Format::Jsonl | Format::Dot | Format::Mermaid => {
            out.write_all(diagnostics_table(&report.diagnostics).as_bytes())?;
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
            writeln!(out, "{line}")?;
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
                &report.diagnostics,
                &rules,
                &notes,
                !report.could_not_run(),
            )?;
        }
    }
    Ok(())
}
