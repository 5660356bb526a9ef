//! `xacct graph`: the inventory's accounts, principals and resources as a graph, in
//! Graphviz DOT, Mermaid or JSON.

use std::io::Write;

use clap::Args;

use super::inventory::{with_load_errors, InventoryArgs};
use super::ExitStatus;
use crate::arn::is_account_id;
use crate::error::Error;
use crate::graph::Graph;
use crate::report::graph::{render, RenderOptions, FORMATS};
use crate::report::{formats, Format};

/// Arguments of `xacct graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    /// The exports.
    pub inventory: InventoryArgs,
    /// Output format.
    #[arg(long, default_value = "dot", value_parser = formats(FORMATS))]
    pub format: Format,
    /// Draw only cross-account edges and the nodes they join.
    #[arg(long)]
    pub cross_account_only: bool,
    /// Draw only edges that touch this account.
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,
}

/// Runs `graph`.
pub fn run(
    args: &GraphArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    if let Some(a) = &args.account {
        if !is_account_id(a) {
            return Err(Error::Usage(format!(
                "--account: `{a}` is not a 12-digit account id"
            )));
        }
    }
    let inv = args.inventory.load(err)?;
    let graph = Graph::build(&inv);
    let opts = RenderOptions {
        cross_account_only: args.cross_account_only,
        account: args.account.clone(),
    };
    render(&graph, args.format, &opts, out).map_err(Error::Output)?;
    Ok(with_load_errors(&inv, ExitStatus::Success))
}
