//! `xacct who-can`: the flags, the inventory, [`crate::whocan`], and the renderer.

use std::io::Write;

use clap::Args;

use super::inventory::{with_load_errors, InventoryArgs};
use super::simulate::parse_context;
use super::ExitStatus;
use crate::error::Error;
use crate::report::Format;

/// Arguments of `xacct who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    #[command(flatten)]
    /// The exports.
    pub inventory: InventoryArgs,
    /// CloudFormation templates: their accounts, regions and parameters.
    #[command(flatten)]
    pub templates: super::TemplateArgs,
    /// The action, `service:Name`.
    #[arg(long)]
    pub action: String,
    /// The resource ARN.
    #[arg(long)]
    pub resource: String,
    /// A context key, `KEY=VALUE`, set for every candidate (repeat a key for a
    /// multi-valued key).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Also list the principals that are denied, with the reason.
    #[arg(long)]
    pub all: bool,
    /// Output format (`table` or `json`).
    #[arg(long, default_value = "table", value_parser = crate::report::formats(crate::report::who_can::FORMATS))]
    pub format: Format,
}

/// Runs `who-can`.
pub fn run(
    args: &WhoCanArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    if args
        .action
        .split_once(':')
        .is_none_or(|(s, n)| s.is_empty() || n.is_empty())
    {
        return Err(Error::Usage(format!(
            "--action: `{}` is not `service:Name`",
            args.action
        )));
    }
    crate::eval::Request::check_resource(&args.resource)
        .map_err(|e| Error::Usage(format!("--resource: {e}")))?;
    let context = parse_context(&args.context)?;
    let inv = args.inventory.load_with(args.templates.options()?, err)?;
    let answer = crate::whocan::who_can(&inv, &args.action, &args.resource, &context, args.all)
        .map_err(Error::Internal)?;
    crate::report::who_can::render(&answer, &inv.problems, args.format, out)
        .map_err(Error::Output)?;
    let status = with_load_errors(&inv, ExitStatus::Success);
    // The process ends right after the command: freeing the inventory (hundreds of
    // thousands of policies, a gigabyte for a large organization) one allocation at a time
    // was a tenth of the run, single-threaded, for memory the exit returns anyway.
    std::mem::forget(inv);
    std::mem::forget(answer);
    Ok(status)
}
