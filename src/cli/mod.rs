//! The command line: clap definitions, and one function per subcommand that returns an
//! [`ExitStatus`]. Arguments are resolved into library calls here; nothing below knows
//! about flags. The options every subcommand takes (`--output`, `--quiet`, `--color`,
//! `--jobs`) are resolved once, in [`run`].

mod audit;
mod check;
mod diff;
mod exit;
mod global;
mod graph;
mod inventory;
mod lint;
mod scenarios;
mod simulate;
mod template;
mod tools;
mod who_can;

use std::io::Write;

use clap::{Parser, Subcommand};

pub use audit::{AuditArgs, AuditCommand, AuditRunArgs, MergeArgs, OutputArgs, AUDIT_EXIT_CODES};
pub use check::{CheckArgs, CHECK_EXIT_CODES};
pub use diff::{DiffArgs, DIFF_EXIT_CODES};
pub use exit::{ExitStatus, EXIT_CODES};
pub use global::{ColorArg, GlobalArgs};
pub use graph::GraphArgs;
pub use inventory::InventoryArgs;
pub use lint::{LintArgs, RuleArgs, RulesArgs, LINT_EXIT_CODES};
pub use scenarios::ScenariosArgs;
pub use simulate::{run_case_lines as simulate_case_lines, SimulateArgs};
pub use template::TemplateArgs;
pub use tools::{CompletionsArgs, ManArgs};
pub use who_can::WhoCanArgs;

use crate::error::Error;

/// xacct: offline AWS cross-account policy simulator and auditor.
#[derive(Debug, Parser)]
#[command(name = "xacct", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The options of every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Can the model registry workflow run across accounts (train, register, approve,
    /// deploy)? Every step, allowed or denied or not verified, with the statement to add.
    #[command(after_help = CHECK_EXIT_CODES)]
    Check(CheckArgs),
    /// Decide one request (from flags) or many (from a JSON Lines case file), with a trace.
    #[command(after_help = EXIT_CODES)]
    Simulate(SimulateArgs),
    /// List every principal that may call an action on a resource, from loaded exports;
    /// mark those outside the resource's account and organization.
    #[command(name = "who-can", after_help = EXIT_CODES)]
    WhoCan(WhoCanArgs),
    /// Draw the loaded accounts, principals and resources as a graph (DOT, Mermaid, JSON).
    #[command(after_help = EXIT_CODES)]
    Graph(GraphArgs),
    /// Lint policy files: stable rule codes, AWS's action data, table/JSON/SARIF output.
    #[command(after_help = LINT_EXIT_CODES)]
    Lint(LintArgs),
    /// List the workflow scenarios `check` runs, with their steps and AWS sources.
    Scenarios(ScenariosArgs),
    /// List the lint rules.
    Rules(RulesArgs),
    /// Print one lint rule's documentation.
    Rule(RuleArgs),
    /// Audit a whole organization: lint every file, report external access and every
    /// cross-account registration path, streaming account by account (`audit merge` joins
    /// shards).
    #[command(after_help = AUDIT_EXIT_CODES)]
    Audit(AuditArgs),
    /// Which principals gain or lose which access between two inventories (or a Terraform
    /// plan's before and after), cross-account first.
    #[command(after_help = DIFF_EXIT_CODES)]
    Diff(DiffArgs),
    /// Print a shell's completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), of xacct or of one subcommand.
    Man(ManArgs),
}

/// Runs a parsed command line, writing results to `out` (or the `--output` file) and
/// problems to `err` (only errors with `--quiet`).
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitStatus {
    let mut quiet = global::QuietErr::new(err, cli.global.quiet);
    let err: &mut dyn Write = &mut quiet;
    let result = cli.global.open(out).and_then(|(mut target, to_stdout)| {
        crate::report::term::set(crate::report::term::detect(
            cli.global.color.into(),
            to_stdout,
        ));
        cli.global.start_threads()?;
        let status = dispatch(&cli, target.writer(), err)?;
        target.finish()?;
        Ok(status)
    });
    match result {
        Ok(status) => status,
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Success,
        Err(e) => {
            report_error(&e, err);
            ExitStatus::Error
        }
    }
}

fn dispatch(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, Error> {
    let g = &cli.global;
    match &cli.command {
        Command::Check(args) => check::run(args, out, err),
        Command::Simulate(args) => simulate::run(args, out, err),
        Command::Lint(args) => lint::run(args, g, out, err),
        Command::Scenarios(args) => scenarios::run(args, out),
        Command::Rules(args) => lint::run_rules(args, out),
        Command::Rule(args) => lint::run_rule(args, out),
        Command::WhoCan(args) => who_can::run(args, out, err),
        Command::Graph(args) => graph::run(args, out, err),
        Command::Audit(args) => audit::run(args, g, out, err),
        Command::Diff(args) => diff::run(args, out, err),
        Command::Completions(args) => tools::completions(args, out),
        Command::Man(args) => tools::man(args, out),
    }
}

/// Prints an error and its causes, one line each.
pub fn report_error(e: &Error, err: &mut dyn Write) {
    let _ = writeln!(err, "error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = writeln!(err, "  caused by: {s}");
        source = s.source();
    }
}
