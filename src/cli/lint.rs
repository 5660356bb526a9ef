//! `xacct lint`, `xacct rules` and `xacct rule CODE`: flags and the configuration file are
//! resolved into [`LintOptions`], the library lints, and the report is rendered as a table,
//! JSON or SARIF. Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 could not run.

use std::io::Write;

use clap::Args;

use super::ExitStatus;
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::lint::config::Config;
use crate::lint::selector::{parse_list, parse_override, RuleSelection};
use crate::lint::{lint, LintOptions};
use crate::policy::DocKind;
use crate::report::{self, formats, Format};

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
    #[arg(required_unless_present = "inventory", value_name = "PATH")]
    pub paths: Vec<String>,
    /// The files, as `--inventory PATH...` (the spelling of `simulate` and `who-can`).
    #[arg(long = "inventory", value_name = "PATH", num_args = 1.., hide = true)]
    pub inventory: Vec<String>,
    /// Lint every policy document as this kind (exports such as `iam.json` and KMS grant
    /// lists keep their own).
    #[arg(long, value_enum)]
    pub kind: Option<DocKind>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(report::lint::FORMATS))]
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
    /// CloudFormation templates: their accounts, regions and parameters.
    #[command(flatten)]
    pub templates: super::TemplateArgs,
}

/// Arguments of `xacct rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format (`table` or `json`).
    #[arg(long, default_value = "table", value_parser = formats(report::rules::FORMATS))]
    pub format: Format,
}

/// Arguments of `xacct rule`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// The rule's code (`XA0105`) or name.
    #[arg(value_name = "CODE")]
    pub code: String,
    /// Output format (`table` prints Markdown; `json`).
    #[arg(long, default_value = "table", value_parser = formats(report::rules::FORMATS))]
    pub format: Format,
}

/// Resolves flags and the configuration file into options and the `--fail-on` threshold.
pub fn resolve(args: &LintArgs, jobs: Option<usize>) -> Result<(LintOptions, Severity), Error> {
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
            jobs,
            templates: args.templates.options()?,
        },
        fail_on,
    ))
}

/// Runs `xacct lint`.
pub fn run(
    args: &LintArgs,
    global: &super::GlobalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let (opts, fail_on) = resolve(args, global.jobs())?;
    let paths: Vec<String> = args.paths.iter().chain(&args.inventory).cloned().collect();
    let report = lint(&paths, &opts)?;
    for e in &report.input_errors {
        let _ = writeln!(err, "error: {}: {}", e.file, e.message);
    }
    for f in report.files.iter().filter(|f| f.invalid_json) {
        let _ = writeln!(err, "error: {}: not JSON; the file was not linted", f.file);
    }
    report::lint::render(args.format, &report, fail_on, out).map_err(Error::Output)?;
    Ok(ExitStatus::from_code(report.exit_code(fail_on)))
}

/// Runs `xacct rules`: the registry, one code a line.
pub fn run_rules(args: &RulesArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    report::rules::list(args.format, out).map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}

/// Runs `xacct rule CODE`: one code's documentation.
pub fn run_rule(args: &RuleArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let m = crate::diagnostic::find(&args.code).ok_or_else(|| {
        Error::Usage(format!(
            "unknown rule `{}` (`xacct rules` lists the codes)",
            args.code
        ))
    })?;
    report::rules::one(m, args.format, out).map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}
