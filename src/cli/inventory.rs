//! The exports argument group that `simulate`, `who-can` and `graph` share: `PATH...`
//! after the flags, as in every subcommand (`--inventory PATH...`, the older spelling, is
//! still read).

use std::io::Write;

use clap::Args;

use super::ExitStatus;
use crate::arn::is_account_id;
use crate::error::Error;
use crate::inventory::Inventory;
use crate::load::LoadOptions;

/// Exported files to load as one inventory.
#[derive(Debug, Clone, Default, Args)]
pub struct InventoryArgs {
    /// Exported files, folders or glob patterns (quote them) to load as one inventory: AWS
    /// CLI outputs in the documented layout (`docs/inventory.md`) and Terraform plans
    /// (`terraform show -json`). Folders are searched for `*.json`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// The exports, as `--inventory PATH...` (the older spelling of `PATH...`).
    #[arg(long = "inventory", value_name = "PATH", num_args = 1.., hide = true)]
    pub inventory: Vec<String>,
    /// The account of Terraform plan resources whose ARNs do not say it.
    #[arg(long = "terraform-account", value_name = "ACCOUNT")]
    pub terraform_account: Option<String>,
}

impl InventoryArgs {
    /// Every export path given, positional ones first.
    pub fn all(&self) -> Vec<String> {
        self.paths.iter().chain(&self.inventory).cloned().collect()
    }

    /// Whether any export was given.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.inventory.is_empty()
    }

    /// Loads the inventory and prints every problem to `err`. Problems never stop the
    /// load; [`Inventory::has_errors`] says whether the command must end with exit 2.
    pub fn load(&self, err: &mut dyn Write) -> Result<Inventory, Error> {
        self.load_with(crate::load::cloudformation::TemplateOptions::default(), err)
    }

    /// [`InventoryArgs::load`], with what is known of the stacks of CloudFormation templates.
    pub fn load_with(
        &self,
        templates: crate::load::cloudformation::TemplateOptions,
        err: &mut dyn Write,
    ) -> Result<Inventory, Error> {
        let paths = self.all();
        if paths.is_empty() {
            return Err(Error::Usage(
                "the exports are required: give their files or folders (`PATH...`)".into(),
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
            &paths,
            &LoadOptions {
                terraform_account: self.terraform_account.clone(),
                templates,
                ..LoadOptions::default()
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
