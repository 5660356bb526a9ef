//! `xacct scenarios`: lists the workflow scenarios `check` runs (the built-in ones and those
//! of `--scenarios DIR`), each with its stage, its steps and their AWS documentation. Also
//! the one loader of scenario files that `check` uses.

use std::io::Write;
use std::sync::Arc;

use clap::Args;

use super::ExitStatus;
use crate::error::Error;
use crate::scenario::Scenario;

/// Arguments of `xacct scenarios`.
#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// A folder of scenario files (`*.json`, schema in docs/scenarios.md) added to the
    /// built-in ones.
    #[arg(long = "scenarios", alias = "rules", value_name = "DIR")]
    pub scenarios: Option<String>,
    /// Show every step with its actions, resource and sources.
    #[arg(long)]
    pub steps: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// How `scenarios` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Text.
    Table,
    /// The checked scenarios as JSON.
    Json,
}

/// The built-in scenarios, then those of `dir` (`*.json` below it, in path order); every
/// problem of every file, or a scenario id used twice, is a usage error.
pub fn load(dir: Option<&str>) -> Result<Vec<Scenario>, Error> {
    let mut errors: Vec<String> = Vec::new();
    let mut out = match Scenario::builtins() {
        Ok(s) => s,
        Err(e) => {
            errors.extend(e.iter().map(ToString::to_string));
            Vec::new()
        }
    };
    if let Some(dir) = dir {
        let pattern = format!("{}/**/*.json", dir.trim_end_matches('/'));
        let paths = glob::glob(&pattern).map_err(|e| Error::Usage(format!("--scenarios: {e}")))?;
        let mut files: Vec<_> = paths.filter_map(Result::ok).collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::Usage(format!(
                "--scenarios: no scenario files (*.json) in `{dir}`"
            )));
        }
        for path in files {
            let name = path.to_string_lossy().into_owned();
            let text = crate::load::fs::read_text(&path).map_err(|why| Error::File {
                path: name.clone(),
                why,
            })?;
            match Scenario::parse(&text, Arc::from(name.as_str())) {
                Ok(s) if out.iter().any(|o| o.id == s.id) => errors.push(format!(
                    "{name}: /id: scenario `{}` is already defined (ids are unique, the built-in ones included)",
                    s.id
                )),
                Ok(s) => out.push(s),
                Err(e) => errors.extend(e.iter().map(ToString::to_string)),
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Usage(errors.join("\n")))
    }
}

/// Runs `scenarios`.
pub fn run(args: &ScenariosArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let all = load(args.scenarios.as_deref())?;
    let text = match args.format {
        ListFormat::Json => {
            let mut v = serde_json::to_string_pretty(&all)
                .map_err(|e| Error::Usage(format!("cannot write the scenarios: {e}")))?;
            v.push('\n');
            v
        }
        ListFormat::Table => crate::report::check::scenarios_text(&all, args.steps),
    };
    out.write_all(text.as_bytes()).map_err(Error::Output)?;
    Ok(ExitStatus::Success)
}
