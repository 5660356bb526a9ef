//! The `--account`, `--region` and `--parameters` argument group: what is known of the
//! stacks CloudFormation templates (and CDK cloud assemblies) make. Each flag takes a value
//! for every template, or `TEMPLATE@VALUE` for one template file or the templates below one
//! folder (docs/cloudformation.md).

use std::sync::Arc;

use clap::Args;

use crate::arn::is_account_id;
use crate::error::Error;
use crate::load::cloudformation::{ParameterFile, Scoped, TemplateOptions};

/// What is known of the stacks the templates make.
#[derive(Debug, Clone, Default, Args)]
pub struct TemplateArgs {
    /// The account CloudFormation templates deploy to: `ACCOUNT` for every template, or
    /// `TEMPLATE@ACCOUNT` for one template file or the templates below a folder (repeat for
    /// several). A CDK manifest's environment and an account folder also say it.
    #[arg(long = "account", value_name = "[TEMPLATE@]ACCOUNT")]
    pub account: Vec<String>,
    /// The region templates deploy to (`AWS::Region`; the partition follows from it), as
    /// `--account`.
    #[arg(long = "region", value_name = "[TEMPLATE@]REGION")]
    pub region: Vec<String>,
    /// Parameter values for templates: a file of `[{"ParameterKey": …, "ParameterValue": …}]`
    /// or `{"Key": "Value"}`, for every template or as `TEMPLATE@FILE`.
    #[arg(long = "parameters", value_name = "[TEMPLATE@]FILE")]
    pub parameters: Vec<String>,
}

/// `TEMPLATE@VALUE` or `VALUE`.
fn scoped(text: &str) -> (Option<String>, &str) {
    match text.rsplit_once('@') {
        Some((t, v)) if !t.is_empty() => (Some(t.to_owned()), v),
        _ => (None, text),
    }
}

impl TemplateArgs {
    /// The options, with every parameter file read.
    pub fn options(&self) -> Result<TemplateOptions, Error> {
        let mut o = TemplateOptions::default();
        for a in &self.account {
            let (template, value) = scoped(a);
            if !is_account_id(value) {
                return Err(Error::Usage(format!(
                    "--account: `{value}` is not a 12-digit account id (give `ACCOUNT` or `TEMPLATE@ACCOUNT`)"
                )));
            }
            o.accounts.push(Scoped {
                template,
                value: value.to_owned(),
            });
        }
        for r in &self.region {
            let (template, value) = scoped(r);
            let ok = value.len() >= 9
                && value.split('-').count() >= 3
                && value
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(Error::Usage(format!(
                    "--region: `{value}` is not a region such as `us-east-2` (give `REGION` or `TEMPLATE@REGION`)"
                )));
            }
            o.regions.push(Scoped {
                template,
                value: value.to_owned(),
            });
        }
        for p in &self.parameters {
            let (template, file) = scoped(p);
            let text = crate::load::fs::read_text_at(file)?;
            let parsed = ParameterFile::parse(file, &text)
                .map_err(|e| Error::Usage(format!("--parameters: {e}")))?;
            o.parameters.push(Scoped {
                template,
                value: Arc::new(parsed),
            });
        }
        Ok(o)
    }
}
