//! `xacct diff`: the access two inventories grant, compared (two export trees, or a
//! Terraform plan's before and after): which principals gain or lose which access,
//! cross-account first. The offline counterpart of a "no new access" check.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::ExitStatus;
use crate::audit::diff::{diff, load, plan_before, read_inputs, Change, DiffReport};
use crate::error::Error;
use crate::inventory::Inventory;
use crate::load::LoadOptions;
use crate::report::{simple_table, Format, SCHEMA_VERSION};

/// The exit codes of `diff`.
pub const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  no new cross-account or external access
  1  the after side grants cross-account or external access the before side does not
  2  could not run: an input could not be read, a bad flag

Examples:
  xacct diff exports-2024-05/ exports-2024-06/
  xacct diff plan.json                          # the plan's before and after
  xacct diff --plan plan.json --inventory exports/";

/// Arguments of `xacct diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// BEFORE AFTER: two inventories (a file, folder or glob pattern each); or one Terraform
    /// plan (`terraform show -json`), compared before and after it applies.
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
    /// Exports both sides of a plan share (the accounts the plan does not change).
    #[arg(long = "inventory", value_name = "PATH", num_args = 1..)]
    pub inventory: Vec<String>,
    /// The account of Terraform plan resources whose ARNs do not say it.
    #[arg(long = "terraform-account", value_name = "ACCOUNT")]
    pub terraform_account: Option<String>,
    /// Also list access within one account (listed last).
    #[arg(long)]
    pub all: bool,
    /// Output format (`table` or `json`).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn is_plan(path: &str) -> Option<serde_json::Value> {
    let text = crate::load::fs::read_text(std::path::Path::new(path)).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    (v.get("format_version").is_some() && v.get("resource_changes").is_some()).then_some(v)
}

/// The two sides, loaded.
fn sides(
    args: &DiffArgs,
    opts: &LoadOptions,
) -> Result<(Inventory, Vec<String>, Inventory, Vec<String>), Error> {
    let plan = match (&args.plan, args.paths.as_slice()) {
        (Some(p), []) => Some(p.clone()),
        (None, [one]) if args.before.is_empty() && args.after.is_empty() => match is_plan(one) {
            Some(_) => Some(one.clone()),
            None => {
                return Err(Error::Usage(format!(
                    "`{one}` is not a Terraform plan in JSON: give BEFORE and AFTER, or one plan"
                )))
            }
        },
        (Some(_), _) => {
            return Err(Error::Usage(
                "--plan takes the plan alone; shared exports go in --inventory".into(),
            ))
        }
        (None, _) => None,
    };
    if let Some(plan) = plan {
        let text = crate::load::fs::read_text_at(&plan)?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::Usage(format!("`{plan}` is not JSON: {e}")))?;
        let before_text = serde_json::to_string_pretty(&plan_before(&value))
            .map_err(|e| Error::Usage(e.to_string()))?;
        let (shared, problems) = read_inputs(&args.inventory, &[PathBuf::from(&plan)]);
        let mut before_files = shared.clone();
        before_files.push((format!("{plan} (before)"), before_text.into_bytes()));
        let mut after_files = shared;
        after_files.push((plan.clone(), text.into_bytes()));
        let mut inputs = args.inventory.clone();
        inputs.push(plan.clone());
        let before = load(&before_files, problems.clone(), opts);
        let after = load(&after_files, problems, opts);
        let mut before_inputs = args.inventory.clone();
        before_inputs.push(format!("{plan} (before)"));
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
    let (bf, bp) = read_inputs(&b, &[]);
    let (af, ap) = read_inputs(&a, &[]);
    Ok((load(&bf, bp, opts), b, load(&af, ap, opts), a))
}

fn rows(changes: &[&Change]) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|c| {
            vec![
                c.scope.label().to_owned(),
                c.principal.clone(),
                format!(
                    "{}{}",
                    c.actions.join("\n"),
                    match (c.conditional, c.undecided) {
                        (_, true) => "\n(not verified: defective policy)",
                        (true, false) => "\n(conditional)",
                        (false, false) => "",
                    }
                ),
                c.resource.clone(),
                format!("{}\n{}", c.kind.label(), c.via.join("\n")),
            ]
        })
        .collect()
}

fn table(report: &DiffReport, all: bool) -> String {
    fn shown(list: &[Change], all: bool) -> Vec<&Change> {
        list.iter()
            .filter(|c| all || c.scope.is_cross_account())
            .collect()
    }
    let header = ["scope", "principal", "actions", "resource", "through"];
    let mut out = String::new();
    for (title, list) in [
        ("access gained", &report.gained),
        ("access lost", &report.lost),
    ] {
        let cross = list.iter().filter(|c| c.scope.is_cross_account()).count();
        let items = shown(list, all);
        out.push_str(&format!(
            "{title}: {} ({cross} cross-account)\n",
            list.len()
        ));
        if !items.is_empty() {
            out.push_str(&simple_table(&header, &rows(&items)));
        }
        let hidden = list.len() - items.len();
        if hidden > 0 {
            out.push_str(&format!(
                "  ({hidden} within one account not shown; --all lists them)\n"
            ));
        }
        out.push('\n');
    }
    for (name, side) in [("before", &report.before), ("after", &report.after)] {
        for p in &side.problems {
            out.push_str(&format!("{name}: {p}\n"));
        }
    }
    let n = report.new_cross_account();
    if n == 0 {
        out.push_str("no new cross-account or external access\n");
    } else {
        out.push_str(&format!("NEW cross-account or external access: {n}\n"));
    }
    out
}

/// Runs `diff`.
pub fn run(args: &DiffArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, Error> {
    if args.format == Format::Sarif {
        return Err(Error::Usage(
            "--format: `diff` writes `table` or `json`".into(),
        ));
    }
    let opts = LoadOptions {
        terraform_account: args.terraform_account.clone(),
    };
    let (before, bi, after, ai) = sides(args, &opts)?;
    for p in before.problems.iter().chain(&after.problems) {
        let _ = writeln!(err, "{p}");
    }
    let report = diff(&before, bi, &after, ai);
    let could_not_run = before.has_errors() || after.has_errors();
    let status = if could_not_run {
        ExitStatus::Error
    } else if report.new_cross_account() > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    let written = match args.format {
        Format::Json => {
            let doc = json!({
                "schema_version": SCHEMA_VERSION,
                "before": report.before,
                "after": report.after,
                "gained": report.gained,
                "lost": report.lost,
                "summary": {
                    "gained": report.gained.len(),
                    "lost": report.lost.len(),
                    "new_cross_account": report.new_cross_account(),
                    "exit_code": match status { ExitStatus::Success => 0, ExitStatus::Failure => 1, ExitStatus::Error => 2 },
                },
            });
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
        }
        Format::Table | Format::Sarif => out.write_all(table(&report, args.all).as_bytes()),
    };
    written.map_err(Error::Output)?;
    Ok(status)
}
