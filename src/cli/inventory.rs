//! The `--inventory PATH...` argument group that `simulate`, `who-can` and `graph` share,
//! and `simulate --inventory`: one request evaluated against loaded exports.

use std::io::Write;

use clap::Args;
use serde_json::json;

use super::simulate::{request_flags, FlagPolicies, SimulateArgs};
use super::ExitStatus;
use crate::arn::is_account_id;
use crate::error::Error;
use crate::eval::{authorize, Decision};
use crate::inventory::{Inventory, Unknown};
use crate::load::LoadOptions;
use crate::report::{decision_json, decision_table, Format};

/// Exported files to load as one inventory.
#[derive(Debug, Clone, Default, Args)]
pub struct InventoryArgs {
    /// Exported files, folders or glob patterns (quote them) to load as one inventory: AWS
    /// CLI outputs in the documented layout (`docs/inventory.md`) and Terraform plans
    /// (`terraform show -json`). Folders are searched for `*.json`.
    #[arg(long = "inventory", value_name = "PATH", num_args = 1..)]
    pub inventory: Vec<String>,
    /// The account of Terraform plan resources whose ARNs do not say it.
    #[arg(long = "terraform-account", value_name = "ACCOUNT")]
    pub terraform_account: Option<String>,
}

impl InventoryArgs {
    /// Loads the inventory and prints every problem to `err`. Problems never stop the
    /// load; [`Inventory::has_errors`] says whether the command must end with exit 2.
    pub fn load(&self, err: &mut dyn Write) -> Result<Inventory, Error> {
        if self.inventory.is_empty() {
            return Err(Error::Usage(
                "`--inventory PATH...` is required: the exported files to load".into(),
            ));
        }
        if let Some(a) = &self.terraform_account {
            if !is_account_id(a) {
                return Err(Error::Usage(format!(
                    "--terraform-account: `{a}` is not a 12-digit account id"
                )));
            }
        }
        let inv = crate::load::inventory(
            &self.inventory,
            &LoadOptions {
                terraform_account: self.terraform_account.clone(),
            },
        );
        for p in &inv.problems {
            let _ = writeln!(err, "{p}");
        }
        Ok(inv)
    }
}

/// The final status: 2 when an input could not be read, else `status`.
pub(super) fn with_load_errors(inv: &Inventory, status: ExitStatus) -> ExitStatus {
    if inv.has_errors() {
        ExitStatus::Error
    } else {
        status
    }
}

pub(super) fn unknown_json(u: &Unknown) -> serde_json::Value {
    serde_json::to_value(u).unwrap_or(serde_json::Value::Null)
}

/// `simulate --inventory`: the request's policies come from the inventory; the policy
/// flags add to them (`--identity-policy`, `--session-policy`, `--vpc-endpoint-policy`) or
/// replace what it has (`--resource-policy`, `--boundary`, `--scp`, `--rcp`,
/// `--resource-account`).
pub(super) fn simulate(
    args: &SimulateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let (principal, action, resource, context) = request_flags(args)?;

    // The flags' files first: a bad one is a usage error before anything is loaded.
    let FlagPolicies {
        identity,
        boundary,
        session,
        resource_policy,
        scps,
        rcps,
        vpce,
    } = FlagPolicies::load(args, err)?;

    let inv = args.inventory.load(err)?;
    let mut assembled = inv.request_context(&principal, action, resource);
    if let Some(acct) = &args.resource_account {
        assembled.resource_account = Some(acct.clone());
    }
    assembled.identity.extend(identity.iter());
    if let Some(b) = &boundary {
        assembled.boundary = vec![b];
    }
    if let Some(r) = &resource_policy {
        assembled.resource_policy = Some(r);
    }
    if !args.scp.is_empty() {
        assembled.scps = scps.iter().map(|l| l.iter().collect()).collect();
    }
    if !args.rcp.is_empty() {
        assembled.rcps = rcps.iter().map(|l| l.iter().collect()).collect();
    }
    let request = assembled.request(action, context);
    let mut set = assembled.policy_set();
    set.session = session.as_ref();
    set.vpc_endpoint = vpce.iter().collect();
    let response = authorize(&request, &set);
    let relevant = assembled.relevant_unknowns(response.decision);
    match args.format {
        Format::Json => {
            let mut doc = decision_json(&request, &response);
            if let Some(o) = doc.as_object_mut() {
                o.insert(
                    "inventory".into(),
                    json!({
                        "verified": relevant.is_empty(),
                        "unknowns": assembled.unknowns.iter().map(|u| {
                            let mut v = unknown_json(u);
                            if let Some(m) = v.as_object_mut() {
                                m.insert("could_change_decision".into(), u.could_change(response.decision).into());
                            }
                            v
                        }).collect::<Vec<_>>(),
                        "notes": assembled.notes,
                        "problems": inv.problems,
                    }),
                );
            }
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
        }
        Format::Table | Format::Sarif => {
            let mut text = decision_table(&request, &response);
            if !relevant.is_empty() {
                text.push_str("\nnot verified: the inventory does not know\n");
                for u in &relevant {
                    text.push_str(&format!("  - {u}\n"));
                }
            }
            let others: Vec<&Unknown> = assembled
                .unknowns
                .iter()
                .filter(|u| !u.could_change(response.decision))
                .collect();
            if !others.is_empty() {
                text.push_str("\nalso unknown (cannot change this decision):\n");
                for u in others {
                    text.push_str(&format!("  - {u}\n"));
                }
            }
            for n in &assembled.notes {
                text.push_str(&format!("note: {n}\n"));
            }
            out.write_all(text.as_bytes())
        }
    }
    .map_err(Error::Output)?;
    let status = if response.decision == Decision::Allow && relevant.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    };
    Ok(with_load_errors(&inv, status))
}
