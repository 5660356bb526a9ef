//! `xacct diff`: the access two inventories grant, compared (two export trees, or a
//! Terraform plan's before and after): which principals gain or lose which access,
//! cross-account first. The offline counterpart of a "no new access" check.

use std::io::Write;

use clap::Args;

use super::ExitStatus;
use crate::diff::{diff, load, read_inputs};
use crate::error::Error;
use crate::inventory::Inventory;
use crate::load::classify::{classify, FileKind};
use crate::load::{LoadOptions, PlanSide};
use crate::report::Format;

/// The exit codes of `diff`.
pub const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  no new cross-account or external access
  1  the after side grants cross-account or external access the before side does not,
     or holds a policy that could not be evaluated (known only after apply…)
  2  could not run: an input could not be read, a bad flag

Examples:
  xacct diff exports-2024-05/ exports-2024-06/
  xacct diff plan.json                          # the plan's before and after
  xacct diff --plan plan.json exports/          # with the exports it does not change";

/// Arguments of `xacct diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// BEFORE AFTER: two inventories (a file, folder or glob pattern each); or one Terraform
    /// plan (`terraform show -json`), compared before and after it applies; with --plan, the
    /// exports both sides of the plan share (the accounts it does not change).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// The before side, when it takes several paths (with --after).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub before: Vec<String>,
    /// The after side, when it takes several paths (with --before).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub after: Vec<String>,
    /// A Terraform plan: its `before` values against its `after` values.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<String>,
    /// Exports both sides of a plan share, as `--inventory PATH...` (the older spelling of
    /// `--plan FILE PATH...`).
    #[arg(long = "inventory", value_name = "PATH", num_args = 1.., hide = true)]
    pub inventory: Vec<String>,
    /// The account of Terraform plan resources whose ARNs do not say it.
    #[arg(long = "terraform-account", value_name = "ACCOUNT")]
    pub terraform_account: Option<String>,
    /// CloudFormation templates: their accounts, regions and parameters.
    #[command(flatten)]
    pub templates: super::TemplateArgs,
    /// Also list access within one account (listed last).
    #[arg(long)]
    pub all: bool,
    /// Output format: a table, JSON, or the access gained across accounts as SARIF, JUnit
    /// or GitHub annotations.
    #[arg(long, default_value = "table", value_parser = crate::report::formats(crate::report::diff::FORMATS))]
    pub format: Format,
}

fn is_plan(path: &str) -> bool {
    let Ok(bytes) = crate::load::fs::read(std::path::Path::new(path)) else {
        return false;
    };
    let Ok(text) = crate::load::classify::decode_text(&bytes) else {
        return false;
    };
    // A state is taken as the plan it was meant to be, and refused with how to make one.
    crate::json::Json::parse(&text).is_ok_and(|j| {
        matches!(
            classify(&j),
            FileKind::TerraformPlan | FileKind::TerraformState
        )
    })
}

/// The two sides, loaded, with what each side read.
fn sides(
    args: &DiffArgs,
    opts: &LoadOptions,
) -> Result<(Inventory, Vec<String>, Inventory, Vec<String>), Error> {
    let mut shared = args.inventory.clone();
    let plan = match (&args.plan, args.paths.as_slice()) {
        (Some(p), paths) if args.before.is_empty() && args.after.is_empty() => {
            shared.extend(paths.iter().cloned());
            Some(p.clone())
        }
        (None, [one]) if args.before.is_empty() && args.after.is_empty() => {
            if !is_plan(one) {
                return Err(Error::Usage(format!(
                    "`{one}` is not a Terraform plan in JSON: give BEFORE and AFTER, or one plan"
                )));
            }
            Some(one.clone())
        }
        (Some(_), _) => {
            return Err(Error::Usage(
                "--plan compares the plan's two sides: it takes no --before or --after".into(),
            ))
        }
        (None, _) => None,
    };
    if let Some(plan) = plan {
        // Both sides read the plan and the shared exports; the before side reads the plan's
        // `before` values.
        let mut inputs = shared.clone();
        inputs.push(plan.clone());
        let (files, problems) = read_inputs(&inputs);
        let before_opts = LoadOptions {
            plan_side: PlanSide::Before,
            ..opts.clone()
        };
        let before = load(&files, problems.clone(), &before_opts);
        let after = load(&files, problems, opts);
        let mut before_inputs = shared;
        before_inputs.push(format!("{plan} (its `before` values)"));
        return Ok((before, before_inputs, after, inputs));
    }
    let (b, a) = match (
        args.paths.as_slice(),
        args.before.is_empty(),
        args.after.is_empty(),
    ) {
        ([b, a], true, true) => (vec![b.clone()], vec![a.clone()]),
        ([], false, false) => (args.before.clone(), args.after.clone()),
        _ => return Err(Error::Usage(
            "give BEFORE and AFTER (or --before PATH... --after PATH...), or one Terraform plan"
                .into(),
        )),
    };
    let (bf, bp) = read_inputs(&b);
    let (af, ap) = read_inputs(&a);
    Ok((load(&bf, bp, opts), b, load(&af, ap, opts), a))
}

/// Runs `diff`.
pub fn run(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, Error> {
    let opts = LoadOptions {
        terraform_account: args.terraform_account.clone(),
        templates: args.templates.options()?,
        ..LoadOptions::default()
    };
    let (before, bi, after, ai) = sides(args, &opts)?;
    for (name, side) in [("before", &before), ("after", &after)] {
        for p in &side.problems {
            let _ = writeln!(err, "{name}: {p}");
        }
    }
    let report = diff(&before, bi, &after, ai);
    let code = if before.has_errors() || after.has_errors() {
        2
    } else if report.fails() {
        1
    } else {
        0
    };
    // The formats for CI place each finding at its statement's line.
    let mut found = match args.format {
        Format::Sarif | Format::Junit | Format::Github => crate::report::diff::findings(&report),
        _ => Vec::new(),
    };
    crate::load::fs::fill_lines(
        found
            .iter_mut()
            .flat_map(|d| {
                std::iter::once(&mut d.primary).chain(d.related.iter_mut().map(|r| &mut r.location))
            })
            .collect(),
    );
    crate::report::diff::render(&report, &found, args.all, code, args.format, out)
        .map_err(Error::Output)?;
    Ok(ExitStatus::from_code(code))
}
