//! `xacct check`: runs the cross-account model registry workflow (train, register, approve,
//! deploy) or one named scenario over loaded exports, for the requests teams already have
//! (a `create-model-package` input, a pipeline definition, a training job, a Studio
//! profile), and says, step by step, what is allowed, what is denied and why, with the fix.

use std::io::Write;
use std::sync::Arc;

use clap::{Args, ValueEnum};

use super::ExitStatus;
use crate::error::Error;
use crate::lint::LintCache;
use crate::load::LoadOptions;
use crate::report::{check, formats, Format};
use crate::workflow::inputs::{self, group_from_arn};
use crate::workflow::{Roles, Verdict};

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
    /// What to check, once or more: a `create-model-package` input (the dictionary passed to
    /// `create_model_package`), a SageMaker pipeline definition (SDK JSON,
    /// `describe-pipeline-definition-for-execution` or `describe-pipeline`, which names the
    /// caller), `describe-training-job` (with --group), or a Studio `describe-user-profile`
    /// / `describe-domain` (the caller). See docs/check.md.
    #[arg(long, value_name = "FILE", required = true)]
    pub request: Vec<String>,
    /// The principal that calls `CreateModelPackage` (a role ARN in the training account);
    /// without it, the caller the inputs name (a pipeline's or Studio's execution role).
    /// With --scenario, the scenario's caller.
    #[arg(long, value_name = "ARN")]
    pub caller: Option<String>,
    /// The principal that will use the package in the registry account (a role ARN). Without
    /// it, the registry account as a whole.
    #[arg(long, value_name = "ARN")]
    pub consumer: Option<String>,
    /// The KMS key the training job wrote the artifact with, when neither the inputs nor the
    /// bucket's default encryption say it.
    #[arg(long = "artifact-key", value_name = "ARN")]
    pub artifact_key: Option<String>,
    /// Who approves or rejects versions from another account: adds the approval scenario to
    /// the chain.
    #[arg(long, value_name = "ARN")]
    pub approver: Option<String>,
    /// Who deploys versions into another account: adds the deployment scenario to the chain.
    #[arg(long, value_name = "ARN")]
    pub deployer: Option<String>,
    /// The deployed model's execution role (the deployer by default).
    #[arg(long = "deploy-role", value_name = "ARN")]
    pub deploy_role: Option<String>,
    /// The model package group a training job's output is registered into (an ARN).
    #[arg(long, value_name = "ARN")]
    pub group: Option<String>,
    /// A folder of scenario files (`*.json`, schema in docs/scenarios.md) added to the
    /// built-in ones.
    #[arg(long = "scenarios", alias = "rules", value_name = "DIR")]
    pub scenarios: Option<String>,
    /// Run this scenario only (by id, see `xacct scenarios`); without it, the workflow's
    /// stages: train (when the inputs name a training run), register, approve (with
    /// --approver), deploy (with --deployer).
    #[arg(long)]
    pub scenario: Option<String>,
    /// An account that is in no AWS Organizations organization, when no
    /// `<account>/organization.json` export says so: no SCP or RCP applies to it (the report
    /// says what it assumed). Once or more.
    #[arg(long = "no-organization", value_name = "ACCOUNT")]
    pub no_organization: Vec<String>,
    /// Write the corrected exports (the policies the fixes change, in the inventory's own
    /// layout and formats) into this folder: the inventory with it laid over passes the check
    /// when the report says the changes make the workflow possible.
    #[arg(long = "fix-dir", value_name = "DIR")]
    pub fix_dir: Option<String>,
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
    #[arg(required_unless_present = "inventory", value_name = "PATH")]
    pub paths: Vec<String>,
    /// The exports, as `--inventory PATH...` (the spelling of `simulate` and `who-can`).
    #[arg(long = "inventory", value_name = "PATH", num_args = 1.., hide = true)]
    pub inventory: Vec<String>,
}

/// Whether `p` names the same file as `q`.
fn same_file(p: &str, q: &str) -> bool {
    let (p, q) = (std::path::Path::new(p), std::path::Path::new(q));
    p == q || std::fs::canonicalize(p).ok() == std::fs::canonicalize(q).ok()
}

/// Runs `check`.
pub fn run(
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let all_scenarios = super::scenarios::load(args.scenarios.as_deref())?;
    let all = &all_scenarios;
    let only = match &args.scenario {
        Some(wanted) => Some(all.iter().find(|s| &s.id == wanted).ok_or_else(|| {
            Error::Usage(format!(
                "--scenario: no scenario `{wanted}` (known: {})",
                all.iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
        None => None,
    };
    let group = match &args.group {
        Some(g) => Some(group_from_arn(g).map_err(|e| Error::Usage(format!("--group: {e}")))?),
        None => None,
    };
    let mut files = Vec::new();
    for f in &args.request {
        files.push((Arc::from(f.as_str()), crate::load::fs::read_text_at(f)?));
    }
    let plan = inputs::plan(&files, group.as_ref()).map_err(Error::Usage)?;
    if plan.registrations.is_empty() && plan.trainings.is_empty() {
        return Err(Error::Usage(
            "--request: the inputs hold no registration and no training run (a Studio profile or domain only names the caller)".into(),
        ));
    }
    let studio_caller = plan.studio_roles.len() == 1;
    if let Some(r) = plan
        .registrations
        .iter()
        .find(|r| args.caller.is_none() && r.caller.is_none() && !studio_caller)
    {
        return Err(Error::Usage(format!(
            "--caller: {} names no caller: name the principal that calls CreateModelPackage (or give the Studio user profile or domain it registers from)",
            r.label
        )));
    }
    for a in &args.no_organization {
        if !crate::arn::is_account_id(a) {
            return Err(Error::Usage(format!(
                "--no-organization: `{a}` is not an account id (12 digits)"
            )));
        }
    }
    let opts = LoadOptions {
        terraform_account: args.terraform_account.clone(),
        templates: args.templates.options()?,
        ..LoadOptions::default()
    };
    let paths: Vec<String> = args.paths.iter().chain(&args.inventory).cloned().collect();
    let mut inventory = crate::load::inventory(&paths, &opts);
    for a in &args.no_organization {
        inventory.assume_no_organization(a);
    }
    // The inputs may sit in the inventory folder; they are not exports.
    for p in &inventory.problems {
        let is_input = args.request.iter().any(|r| same_file(&p.primary.file, r));
        if !(is_input && p.severity == crate::diagnostic::Severity::Warning) {
            let _ = writeln!(err, "{p}");
        }
    }
    let roles = Roles {
        caller: args.caller.clone(),
        consumer: args.consumer.clone(),
        artifact_key: args.artifact_key.clone(),
        approver: args.approver.clone(),
        deployer: args.deployer.clone(),
        deploy_role: args.deploy_role.clone(),
    };
    let mut lint = LintCache::default();
    let mut chain = crate::workflow::chain(&inventory, all, &plan, &roles, only, &mut lint)
        .map_err(Error::Usage)?;
    // The fixes as whole policies, applied in memory to the same exports and checked again.
    let all: Vec<&crate::workflow::CheckReport> = chain.reports.iter().collect();
    let changes = crate::workflow::fix_plan::changes(&all);
    let not_fixable = crate::workflow::fix_plan::not_fixable(&all);
    if !changes.is_empty() {
        let mut fixed = crate::workflow::fix_plan::overlay(&args.paths, &opts, &changes);
        for a in &args.no_organization {
            fixed.assume_no_organization(a);
        }
        let again = crate::workflow::chain(
            &fixed,
            &all_scenarios,
            &plan,
            &roles,
            only,
            &mut LintCache::default(),
        )
        .map_err(Error::Usage)?;
        chain.with_changes = Some(again.verdict);
    }
    if let Some(dir) = &args.fix_dir {
        for f in
            crate::workflow::fix_plan::write(dir, &args.paths, &changes).map_err(Error::Usage)?
        {
            let _ = writeln!(err, "wrote {f}");
        }
    }
    chain.changes = changes;
    chain.not_fixable = not_fixable;
    for r in &mut chain.reports {
        crate::load::fs::fill_lines(r.locations_mut());
    }
    let verdict = chain.verdict;
    let fail_on_unverified = args.fail_on == FailOn::Unverified;
    // One create-model-package input, one scenario: the report as it always was.
    let single = matches!(chain.reports.as_slice(), [one] if one.label.as_deref() == args.request.first().map(String::as_str));
    let (changes, with_changes, not_fixable) = (
        chain.changes.clone(),
        chain.with_changes,
        chain.not_fixable.clone(),
    );
    if single {
        let mut one = chain.reports.remove(0);
        one.label = None;
        one.changes = std::mem::take(&mut chain.changes);
        one.with_changes = chain.with_changes;
        one.not_fixable = chain.not_fixable.clone();
        check::render(&one, args.format, fail_on_unverified, out)
    } else {
        check::render_chain(&chain, args.format, fail_on_unverified, out)
    }
    .map_err(Error::Output)?;
    if args.format == Format::Table {
        out.write_all(check::changes_text(&changes, with_changes, &not_fixable).as_bytes())
            .map_err(Error::Output)?;
    }
    if inventory.has_errors() {
        return Ok(ExitStatus::Error);
    }
    Ok(match (verdict, args.fail_on) {
        (Verdict::Possible, _) => ExitStatus::Success,
        (Verdict::NotVerified, FailOn::Deny) => ExitStatus::Success,
        _ => ExitStatus::Failure,
    })
}
