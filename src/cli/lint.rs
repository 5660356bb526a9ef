//! `xacct lint`, `xacct rules` and `xacct rule CODE`: flags and the configuration file are
//! resolved into [`LintOptions`], the library lints, and the report is rendered as a table,
//! JSON or SARIF. Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 could not run.

use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::ExitStatus;
use crate::diagnostic::codes::{self, RuleMeta, Status};
use crate::diagnostic::{Counts, Severity};
use crate::error::Error;
use crate::lint::config::Config;
use crate::lint::selector::{parse_list, parse_override, RuleSelection};
use crate::lint::{lint, LintOptions, LintReport};
use crate::policy::DocKind;
use crate::report::sarif::{write_sarif, Notification};
use crate::report::{diagnostics_table, Format, SCHEMA_VERSION};

/// The exit-code table of `xacct lint`.
pub const LINT_EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above `--fail-on` (default: error)
  1  findings at or above `--fail-on`
  2  could not run: an input could not be read or is not JSON (XA0100), a bad flag,
     an unknown rule code, an invalid configuration file

Kinds (from --kind, the AWS CLI export, the inventory layout, or the content):
  identity managed trust bucket repository registry key grants model-package-group scp rcp
  resource";

/// Arguments of `xacct lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files, directories (every `*.json` below them), glob patterns, or `-` for standard
    /// input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Lint every policy document as this kind (exports such as `iam.json` and KMS grant
    /// lists keep their own).
    #[arg(long, value_enum)]
    pub kind: Option<DocKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Exit 1 when a finding has at least this severity [default: error, or the config's
    /// `fail-on`].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<Severity>,
    /// Run only these rules: codes (`XA0105`), prefixes (`XA01`), names or `ALL`;
    /// comma-separated or repeated. Replaces the config's `select`.
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not run these rules (added to the config's `ignore`).
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Change a rule's severity: `XA0213=info`, `XA02=error` (repeatable; later wins).
    #[arg(long = "severity", value_name = "SELECTOR=LEVEL")]
    pub severity: Vec<String>,
    /// A TOML configuration file (`[lint]` select, ignore, fail-on, severity, suppress).
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Worker threads (1 runs sequentially) [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Arguments of `xacct rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format (`table` or `json`).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Arguments of `xacct rule`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's code (`XA0105`) or name.
    #[arg(value_name = "CODE")]
    pub code: String,
    /// Output format (`table` prints Markdown; `json`).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Resolves flags and the configuration file into options and the `--fail-on` threshold.
pub fn resolve(args: &LintArgs) -> Result<(LintOptions, Severity), Error> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let flag = |name: &str, e: String| Error::Usage(format!("`--{name}`: {e}"));
    let select = if args.select.is_empty() {
        config.select.clone().unwrap_or_default()
    } else {
        parse_list(&args.select).map_err(|e| flag("select", e))?
    };
    let mut ignore = config.ignore.clone();
    ignore.extend(parse_list(&args.ignore).map_err(|e| flag("ignore", e))?);
    let mut overrides = config.severity.clone();
    for s in &args.severity {
        overrides.push(parse_override(s).map_err(|e| flag("severity", e))?);
    }
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Error);
    Ok((
        LintOptions {
            kind: args.kind,
            selection: RuleSelection::new(&select, &ignore, &overrides),
            config,
            threads: args.threads.map(usize::from),
        },
        fail_on,
    ))
}

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

fn exit_status(report: &LintReport, counts: &Counts, fail_on: Severity) -> ExitStatus {
    if report.could_not_run() {
        ExitStatus::Error
    } else if counts.at_or_above(fail_on) > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn summary(report: &LintReport, counts: Counts, fail_on: Severity, status: ExitStatus) -> Summary {
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
        exit_code: match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        },
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes a lint report in `format`.
pub fn render(
    format: Format,
    report: &LintReport,
    fail_on: Severity,
    out: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let counts = Counts::of(&report.diagnostics);
    let status = exit_status(report, &counts, fail_on);
    let s = summary(report, counts, fail_on, status);
    match format {
        Format::Table => {
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
                schema_version: SCHEMA_VERSION,
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
    Ok(status)
}

/// Runs `xacct lint`.
pub fn run(args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, Error> {
    let (opts, fail_on) = resolve(args)?;
    let report = lint(&args.paths, &opts)?;
    for e in &report.input_errors {
        let _ = writeln!(err, "error: {}: {}", e.file, e.message);
    }
    for f in report.files.iter().filter(|f| f.invalid_json) {
        let _ = writeln!(err, "error: {}: not JSON; the file was not linted", f.file);
    }
    render(args.format, &report, fail_on, out).map_err(Error::Output)
}

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    summary: &'a str,
    status: Status,
    since: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    docs: Option<&'a str>,
}

fn rule_json(m: &RuleMeta, docs: bool) -> RuleJson<'_> {
    RuleJson {
        code: m.code,
        name: m.name,
        severity: m.severity,
        summary: m.summary,
        status: m.status,
        since: m.since,
        docs: docs.then_some(m.docs),
    }
}

/// Runs `xacct rules`: the registry, one rule a line.
pub fn run_rules(args: &RulesArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Table => {
                let width = codes::ALL.iter().map(|m| m.name.len()).max().unwrap_or(0);
                for m in codes::ALL {
                    writeln!(
                        out,
                        "{}  {:<width$}  {:<7}  {}",
                        m.code,
                        m.name,
                        m.severity.as_str(),
                        m.summary
                    )?;
                }
                Ok(())
            }
            Format::Json => {
                let list: Vec<RuleJson<'_>> =
                    codes::ALL.iter().map(|m| rule_json(m, false)).collect();
                serde_json::to_writer_pretty(&mut *out, &list).map_err(std::io::Error::from)?;
                out.write_all(b"\n")
            }
            Format::Sarif => Ok(()),
        }
    };
    if args.format == Format::Sarif {
        return Err(Error::Usage(
            "`xacct rules` writes `table` or `json`".into(),
        ));
    }
    write(out).map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}

/// Runs `xacct rule CODE`: one rule's documentation.
pub fn run_rule(args: &RuleArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let m = crate::diagnostic::find(&args.code).ok_or_else(|| {
        Error::Usage(format!(
            "unknown rule `{}` (`xacct rules` lists the codes)",
            args.code
        ))
    })?;
    match args.format {
        Format::Table => {
            // The documentation starts with its `# CODE name` heading.
            let (heading, body) = m.docs.split_once("\n\n").unwrap_or(("", m.docs));
            write!(
                out,
                "{heading}\n\n{} (default severity: {}; since {})\n\n{body}",
                m.summary,
                m.severity.as_str(),
                m.since
            )
        }
        Format::Json => serde_json::to_writer_pretty(&mut *out, &rule_json(m, true))
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
        Format::Sarif => {
            return Err(Error::Usage("`xacct rule` writes `table` or `json`".into()));
        }
    }
    .map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}
