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

/// Each `[TEMPLATE@]VALUE` of `flag`, checked by `valid` (which says what a value must be).
fn values(
    list: &[String],
    flag: &str,
    valid: impl Fn(&str) -> bool,
    what: &str,
) -> Result<Vec<Scoped<String>>, Error> {
    list.iter()
        .map(|text| {
            let (template, value) = scoped(text);
            if valid(value) {
                Ok(Scoped {
                    template,
                    value: value.to_owned(),
                })
            } else {
                Err(Error::Usage(format!(
                    "--{flag}: `{value}` is not {what} (give `VALUE` or `TEMPLATE@VALUE`)"
                )))
            }
        })
        .collect()
}

fn is_region(value: &str) -> bool {
    value.len() >= 9
        && value.split('-').count() >= 3
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl TemplateArgs {
    /// The options, with every parameter file read.
    pub fn options(&self) -> Result<TemplateOptions, Error> {
        let mut o = TemplateOptions {
            accounts: values(
                &self.account,
                "account",
                is_account_id,
                "a 12-digit account id",
            )?,
            regions: values(
                &self.region,
                "region",
                is_region,
                "a region such as `us-east-2`",
            )?,
            parameters: Vec::new(),
        };
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
