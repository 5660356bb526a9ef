//! `xacct check`: runs a cross-account workflow scenario (by default the built-in model
//! registration) over loaded exports and says, step by step, what is allowed, what is denied
//! and why, with the fix.

use std::io::Write;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::ExitStatus;
use crate::error::Error;
use crate::load::LoadOptions;
use crate::report::{check, formats, Format};
use crate::scenario::Scenario;
use crate::workflow::{CheckInput, RegistrationRequest, Verdict};

/// The exit codes of `check`.
pub const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0  the workflow is possible
  1  it is not possible, or (with --fail-on unverified, the default) not verified
  2  could not run: unreadable request, scenario or export, bad flag";

/// What makes the check fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only a denial (or an implausible request).
    Deny,
    /// A denial, or a step that cannot be verified.
    Unverified,
}

/// Arguments of `xacct check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The `create-model-package` input: the dictionary passed to `create_model_package`,
    /// as `aws sagemaker create-model-package --cli-input-json` reads it.
    #[arg(long, value_name = "FILE")]
    pub request: String,
    /// The principal that calls `CreateModelPackage` (a role ARN in the training account).
    #[arg(long, value_name = "ARN")]
    pub caller: String,
    /// The principal that will use the package in the registry account (a role ARN). Without
    /// it, the registry account as a whole.
    #[arg(long, value_name = "ARN")]
    pub consumer: Option<String>,
    /// The KMS key the training job wrote the artifact with, when the bucket's default
    /// encryption does not say it.
    #[arg(long = "artifact-key", value_name = "ARN")]
    pub artifact_key: Option<String>,
    /// A folder of scenario files (`*.json`, schema in `data/README.md`) added to the
    /// built-in one.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Option<String>,
    /// Which scenario to run (by id); the built-in model registration by default.
    #[arg(long)]
    pub scenario: Option<String>,
    /// Account for Terraform resources whose ARNs the plan does not know yet.
    #[arg(long = "terraform-account", value_name = "ACCOUNT")]
    pub terraform_account: Option<String>,
    /// CloudFormation templates: their accounts, regions and parameters.
    #[command(flatten)]
    pub templates: super::TemplateArgs,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = formats(check::FORMATS))]
    pub format: Format,
    /// What fails the check (exit 1).
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Unverified)]
    pub fail_on: FailOn,
    /// The exports: files, folders or glob patterns (see docs/inventory.md).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
}

fn scenarios(args: &CheckArgs) -> Result<Vec<Scenario>, Error> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    match Scenario::builtin() {
        Ok(s) => out.push(s),
        Err(e) => errors.extend(e),
    }
    if let Some(dir) = &args.rules {
        let pattern = format!("{}/**/*.json", dir.trim_end_matches('/'));
        let paths = glob::glob(&pattern).map_err(|e| Error::Usage(format!("--rules: {e}")))?;
        let mut files: Vec<_> = paths.filter_map(Result::ok).collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::Usage(format!(
                "--rules: no scenario files (*.json) in `{dir}`"
            )));
        }
        for path in files {
            let name = path.to_string_lossy().into_owned();
            let text = crate::load::fs::read_text(&path).map_err(|why| Error::File {
                path: name.clone(),
                why,
            })?;
            match Scenario::parse(&text, Arc::from(name.as_str())) {
                Ok(s) => out.push(s),
                Err(e) => errors.extend(e),
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Usage(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        ))
    }
}

/// Runs `check`.
pub fn run(
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let all = scenarios(args)?;
    let wanted = args
        .scenario
        .as_deref()
        .unwrap_or("sagemaker-cross-account-model-registration");
    let scenario = all.iter().find(|s| s.id == wanted).ok_or_else(|| {
        Error::Usage(format!(
            "--scenario: no scenario `{wanted}` (known: {})",
            all.iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let text = crate::load::fs::read_text_at(&args.request)?;
    let request = RegistrationRequest::parse(&text, Arc::from(args.request.as_str()))
        .map_err(|p| Error::Usage(p.to_string()))?;
    let inventory = crate::load::inventory(
        &args.paths,
        &LoadOptions {
            terraform_account: args.terraform_account.clone(),
            templates: args.templates.options()?,
            ..LoadOptions::default()
        },
    );
    // The request file may sit in the inventory folder; it is not an export.
    let request_path = std::path::Path::new(&args.request);
    for p in &inventory.problems {
        let is_request = std::path::Path::new(&*p.primary.file) == request_path
            || std::fs::canonicalize(&*p.primary.file).ok()
                == std::fs::canonicalize(request_path).ok();
        if !(is_request && p.severity == crate::diagnostic::Severity::Warning) {
            let _ = writeln!(err, "{p}");
        }
    }
    let input = CheckInput {
        caller: args.caller.clone(),
        consumer: args.consumer.clone(),
        artifact_key: args.artifact_key.clone(),
    };
    let mut report =
        crate::workflow::check(&inventory, scenario, &request, &input).map_err(Error::Usage)?;
    crate::load::fs::fill_lines(report.locations_mut());
    check::render(
        &report,
        args.format,
        args.fail_on == FailOn::Unverified,
        out,
    )
    .map_err(Error::Output)?;
    if inventory.has_errors() {
        return Ok(ExitStatus::Error);
    }
    Ok(match (report.verdict, args.fail_on) {
        (Verdict::Possible, _) => ExitStatus::Success,
        (Verdict::NotVerified, FailOn::Deny) => ExitStatus::Success,
        _ => ExitStatus::Failure,
    })
}
