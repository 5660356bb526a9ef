//! `xacct audit PATH...` and `xacct audit merge REPORT...`: flags resolved into
//! [`AuditOptions`], the library run streaming into the chosen format, and the exit code.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use clap::{Args, Subcommand};

use super::ExitStatus;
use crate::arn::is_account_id;
use crate::audit::outcome::{merge, Baseline, Collector, Totals};
use crate::audit::{
    run as run_audit, AuditConfig, AuditOptions, Ignore, NoProgress, Progress, Shard,
};
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::load::LoadOptions;
use crate::report::audit::{Writer, FORMATS};
use crate::report::{formats, Format};

/// The exit codes of `audit`.
pub const AUDIT_EXIT_CODES: &str = "\
Exit codes:
  0  no reported finding at or above --fail-on (default: error)
  1  findings at or above --fail-on (with --baseline: new ones only)
  2  could not run: an input could not be read or is not JSON, a bad audit file or flag

Sharding (a CI matrix or a batch array job):
  xacct audit exports/ --shard 1/4 --format json > shard-1.json   # ... up to 4/4
  xacct audit merge shard-*.json --format json > audit.json       # = the run without --shard
  --shard auto: AWS Batch array (AWS_BATCH_JOB_ARRAY_INDEX/_SIZE) or Kubernetes Indexed Job
  (JOB_COMPLETION_INDEX, with --shard auto/N or XACCT_SHARD_COUNT)";

/// Arguments of `xacct audit`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AuditArgs {
    /// `merge`: join shard reports.
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// The run.
    #[command(flatten)]
    pub run: AuditRunArgs,
}

/// Subcommands of `audit`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Join the JSON reports of every shard of a run (`--shard I/N`) into the report the
    /// run without shards writes.
    Merge(MergeArgs),
}

/// How the report is written.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format: a summary table, one JSON report, JSON Lines (one finding per line),
    /// SARIF 2.1.0, JUnit XML, GitHub annotations, or one HTML page to hand over.
    #[arg(long, default_value = "table", value_parser = formats(FORMATS))]
    pub format: Format,
    /// A previous JSON report (a full run or a merge): report and fail only on findings that
    /// are not in it, and list those that went away as fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
}

impl OutputArgs {
    /// The `--baseline` report, read.
    fn baseline(&self) -> Result<Option<Baseline>, Error> {
        self.baseline.as_deref().map(Baseline::load).transpose()
    }
}

/// Arguments of an audit run.
#[derive(Debug, Args)]
pub struct AuditRunArgs {
    /// The exports: files, folders or glob patterns in the layout of `docs/inventory.md`
    /// (account folders, `org/` folders, Terraform plans).
    #[arg(required_unless_present = "inventory", value_name = "PATH")]
    pub paths: Vec<String>,
    /// The exports, as `--inventory PATH...` (the spelling of `simulate` and `who-can`).
    #[arg(long = "inventory", value_name = "PATH", num_args = 1.., hide = true)]
    pub inventory: Vec<String>,
    /// An audit file (`docs/audit.md`): trusted accounts that silence intended external
    /// access, and registrations to check with their request (repeatable).
    #[arg(long = "audit-file", value_name = "FILE")]
    pub audit_file: Vec<String>,
    /// Exit 1 when a reported finding has at least this severity.
    #[arg(long = "fail-on", value_enum, value_name = "LEVEL", default_value_t = Severity::Error)]
    pub fail_on: Severity,
    /// Audit only this slice of the accounts (`I/N`, 1-based); merge the slices with `xacct
    /// audit merge`. `auto` (or `auto/N`) takes the slice from an AWS Batch array job or a
    /// Kubernetes Indexed Job (docs/audit.md).
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Keep what each account's audit concluded, and what it depended on, in this folder,
    /// and reuse it while those inputs are unchanged: the output is the same, and only the
    /// accounts an edit affects are audited again (docs/audit.md).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<std::path::PathBuf>,
    /// Leave out these codes: codes (`XE0003`), prefixes (`XA02`) or rule names;
    /// comma-separated or repeated.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Do not run the lint rules.
    #[arg(long = "no-lint")]
    pub no_lint: bool,
    /// Report IAM Identity Center's permission-set roles (`AWSReservedSSO_*`) as reachable
    /// from the account's Identity Center SAML provider; silenced by default, as intended.
    #[arg(long = "include-identity-center")]
    pub identity_center: bool,
    /// The account of Terraform plan resources whose ARNs do not say it.
    #[arg(long = "terraform-account", value_name = "ACCOUNT")]
    pub terraform_account: Option<String>,
    /// CloudFormation templates: their accounts, regions and parameters.
    #[command(flatten)]
    pub templates: super::TemplateArgs,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `xacct audit merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The JSON reports of every shard of one run.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<String>,
    /// Exit 1 when a reported finding has at least this severity [default: the shards'].
    #[arg(long = "fail-on", value_enum, value_name = "LEVEL")]
    pub fail_on: Option<Severity>,
    /// Output.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A progress bar on stderr.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
        self.0.reset();
    }

    fn advance(&self) {
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn bar() -> Bar {
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} auditing accounts {bar:40} {pos}/{len} ({per_sec}, {eta} left)",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    Bar(indicatif::ProgressBar::new(0).with_style(style))
}

/// Runs `audit` or `audit merge`.
pub fn run(
    args: &AuditArgs,
    global: &super::GlobalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    match &args.command {
        Some(AuditCommand::Merge(m)) => run_merge(m, out),
        None => run_one(&args.run, global, out, err),
    }
}

fn status(code: u8) -> ExitStatus {
    match code {
        0 => ExitStatus::Success,
        1 => ExitStatus::Failure,
        _ => ExitStatus::Error,
    }
}

fn run_one(
    args: &AuditRunArgs,
    global: &super::GlobalArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let shard = args
        .shard
        .as_deref()
        .map(|s| Shard::resolve(s, &|name| std::env::var(name).ok()))
        .transpose()
        .map_err(|e| {
            Error::Usage(if e.starts_with("--shard") {
                e
            } else {
                format!("--shard: {e}")
            })
        })?;
    if shard.is_some() && args.output.baseline.is_some() {
        return Err(Error::Usage(
            "--baseline compares a whole run: merge the shards first (`xacct audit merge --baseline FILE shard-*.json`)".into(),
        ));
    }
    if let Some(a) = &args.terraform_account {
        if !is_account_id(a) {
            return Err(Error::Usage(format!(
                "--terraform-account: `{a}` is not a 12-digit account id"
            )));
        }
    }
    let ignore = Ignore::parse(&args.ignore).map_err(|e| Error::Usage(format!("--ignore: {e}")))?;
    let config = AuditConfig::load(&args.audit_file).map_err(|errors| {
        Error::Usage(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let baseline = args.output.baseline()?;
    let opts = AuditOptions {
        paths: args.paths.iter().chain(&args.inventory).cloned().collect(),
        config,
        load: LoadOptions {
            terraform_account: args.terraform_account.clone(),
            templates: args.templates.options()?,
            ..LoadOptions::default()
        },
        shard,
        jobs: global.jobs(),
        ignore,
        no_lint: args.no_lint,
        identity_center: args.identity_center,
        cache: args.cache.clone(),
    };
    let started = Instant::now();
    let show_bar = !global.quiet && std::io::stderr().is_terminal();
    let bar = show_bar.then(bar);
    let progress: &dyn Progress = match &bar {
        Some(b) => b,
        None => &NoProgress,
    };
    let mut writer = Writer::new(args.output.format, out, args.fail_on);
    let mut collector =
        Collector::start(&mut writer, args.fail_on, shard, baseline).map_err(Error::Output)?;
    let totals = run_audit(&opts, progress, &mut |f| collector.push(f))?;
    let elapsed = started.elapsed().as_secs_f64();
    report_problems(&totals.problems, err);
    for w in &totals.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    let (accounts, files, bytes) = (totals.accounts, totals.files, totals.bytes);
    let code = collector
        .finish(Totals::from_run(
            &totals,
            &opts.config.trusted,
            &opts.ignore,
        ))
        .map_err(Error::Output)?;
    if !global.quiet {
        let mb = bytes as f64 / 1e6;
        let _ = writeln!(
            err,
            "audited {accounts} accounts ({files} files, {mb:.1} MB) in {elapsed:.1} s ({:.0} MB/s)",
            if elapsed > 0.0 { mb / elapsed } else { 0.0 }
        );
        if let Some((reused, audited)) = totals.cached {
            let _ = writeln!(err, "cache: {reused} accounts reused, {audited} audited");
        }
    }
    Ok(status(code))
}

fn report_problems(problems: &[crate::diagnostic::Diagnostic], err: &mut dyn Write) {
    const SHOWN: usize = 20;
    for p in problems.iter().take(SHOWN) {
        let _ = writeln!(err, "{p}");
    }
    if problems.len() > SHOWN {
        let _ = writeln!(
            err,
            "… and {} more problems (the report lists them all)",
            problems.len() - SHOWN
        );
    }
}

fn run_merge(args: &MergeArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let merged = merge(&args.reports)?;
    let baseline = args.output.baseline()?;
    let fail_on = args.fail_on.unwrap_or(merged.fail_on);
    let mut writer = Writer::new(args.output.format, out, fail_on);
    let mut collector =
        Collector::start(&mut writer, fail_on, None, baseline).map_err(Error::Output)?;
    for f in merged.findings {
        collector.push(f).map_err(Error::Output)?;
    }
    let code = collector.finish(merged.totals).map_err(Error::Output)?;
    Ok(status(code))
}
