//! `xacct completions SHELL` and `xacct man [SUBCOMMAND]`: the shell completion scripts
//! (clap_complete) and the manual pages (clap_mangen), both made from the one clap
//! definition of the command line, so they never drift from it.

use std::io::Write;

use clap::{Args, CommandFactory};

use super::{Cli, ExitStatus};
use crate::error::Error;

/// Arguments of `xacct completions`.
#[derive(Debug, Args)]
#[command(after_help = "\
Install, for example:
  xacct completions bash > ~/.local/share/bash-completion/completions/xacct
  xacct completions zsh  > \"${fpath[1]}/_xacct\"
  xacct completions fish > ~/.config/fish/completions/xacct.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `xacct man`.
#[derive(Debug, Args)]
#[command(after_help = "\
Install, for example:
  xacct man > /usr/local/share/man/man1/xacct.1
  xacct man check > /usr/local/share/man/man1/xacct-check.1")]
pub struct ManArgs {
    /// A subcommand (`check`, `who-can`...): its own page, `xacct-SUBCOMMAND(1)`.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// Writes the completion script of `args.shell`.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "xacct", out);
    Ok(ExitStatus::Success)
}

/// Writes the manual page of xacct or of one subcommand.
pub fn man(args: &ManArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => {
            let known: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
            let sub = cmd.find_subcommand(name).cloned().ok_or_else(|| {
                Error::Usage(format!(
                    "man: no subcommand `{name}` (known: {})",
                    known.join(", ")
                ))
            })?;
            // `build` named it `xacct-NAME` for the page's title.
            sub
        }
    };
    clap_mangen::Man::new(page)
        .render(out)
        .map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}
