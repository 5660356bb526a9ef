//! CloudFormation templates (JSON or YAML, short-form tags included) and CDK cloud
//! assemblies (`cdk.out`), read for the policies they will deploy (docs/cloudformation.md).
//!
//! A template is read as the stack it makes: its intrinsic functions are resolved where the
//! template and what is known of the stack allow (`intrinsic`: parameters from
//! `--parameters` or their defaults, pseudo parameters from `--account`/`--region`, the
//! account folder the template sits in or the CDK manifest, `Conditions`, `Mappings`, `Ref`
//! and `Fn::GetAtt` to its own resources). A value only the deploy can tell stays unknown with
//! its reason, as a Terraform value known only after apply does: a policy that holds one is
//! [`Known::Unknown`], so every decision that depends on it is not verified. The resources
//! become the same items an export or a plan gives (`resources`), merged last: a template
//! says what will be.
//!
//! YAML is read by [`yaml`], which keeps the line and column of every node, so findings in a
//! YAML template point at their line as in JSON.

mod cdk;
mod intrinsic;
pub mod lint;
mod names;
pub mod params;
mod reader;
mod resources;
mod shared;
mod storage;
mod value;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::FileOutput;
use crate::inventory::Known;
use crate::json::{Json, Pointer};
use crate::load::classify::{is_cloud_assembly, is_template};
use crate::load::layout::Place;
use crate::load::LoadOptions;
use crate::source::yaml;

pub use params::ParameterFile;

/// A setting for every template, or for the templates of one file or folder
/// (`FILE@VALUE` on the command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scoped<T> {
    /// The template file or folder it is for; `None`: every template.
    pub template: Option<String>,
    /// The value.
    pub value: T,
}

impl<T> Scoped<T> {
    /// Whether this setting applies to the template at `file`.
    fn covers(&self, file: &Path) -> bool {
        let Some(t) = &self.template else {
            return true;
        };
        let t = Path::new(t);
        if file == t || file.starts_with(t) {
            return true;
        }
        match (std::fs::canonicalize(t), std::fs::canonicalize(file)) {
            (Ok(t), Ok(f)) => f.starts_with(t),
            _ => false,
        }
    }
}

/// What is known of the stacks the templates make: `--account`, `--region` and
/// `--parameters`, each for every template or per template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOptions {
    /// Accounts (12 digits).
    pub accounts: Vec<Scoped<String>>,
    /// Regions.
    pub regions: Vec<Scoped<String>>,
    /// Parameter files.
    pub parameters: Vec<Scoped<Arc<ParameterFile>>>,
}

/// The value for `file`: the one named for it (the last given), else the one for every
/// template.
fn pick<'o, T>(list: &'o [Scoped<T>], file: &Path) -> Option<&'o T> {
    list.iter()
        .rev()
        .find(|s| s.template.is_some() && s.covers(file))
        .or_else(|| list.iter().rev().find(|s| s.template.is_none()))
        .map(|s| &s.value)
}

/// What a file that is not JSON is, read as YAML.
pub(crate) enum NotJson {
    /// A template: its tree.
    Template(Json<'static>),
    /// It says it is a template (`AWSTemplateFormatVersion`, `Resources:`) and is not one:
    /// why (one line, with the place).
    Broken(String),
    /// A YAML mapping that is no template: a file xacct does not read.
    OtherYaml,
}

/// A file that is not JSON, read as YAML; `None` when it is not YAML either (or JSON gone
/// wrong: the caller reports the JSON error).
pub(crate) fn parse_yaml_template(text: &str) -> Option<NotJson> {
    if !yaml::is_yaml_text(text) {
        return None;
    }
    let looks = text.contains("AWSTemplateFormatVersion") || text.contains("Resources:");
    match yaml::parse(text) {
        Ok(p) if is_template(&p.json) => Some(NotJson::Template(p.json)),
        Ok(p) if looks && p.json.as_object().is_some() => Some(NotJson::Broken(
            "not a CloudFormation template: it has no `Resources` with a `Type` each".into(),
        )),
        Ok(p) if p.json.as_object().is_some() => Some(NotJson::OtherYaml),
        Ok(_) => None,
        Err(e) if looks => Some(NotJson::Broken(format!("invalid YAML template: {e}"))),
        Err(_) => None,
    }
}

/// Reads a file of a template or a cloud assembly; `None` for any other document.
pub(crate) fn read(
    name: &str,
    path: &Path,
    json: &Json<'_>,
    place: &Place,
    opts: &LoadOptions,
) -> Option<FileOutput> {
    if cdk::in_asset_folder(path) || is_cloud_assembly(json) {
        // The manifest is read with each template; assets hold no policy.
        return Some(FileOutput::default());
    }
    if !is_template(json) {
        return None;
    }
    let file: Arc<str> = Arc::from(name);
    let mut out = FileOutput {
        is_plan: true,
        ..FileOutput::default()
    };
    let shape = match json.get("Resources") {
        Some(Json::Object(_)) => None,
        Some(_) => Some("`Resources` must be an object of resources"),
        None => Some("it has no `Resources`"),
    };
    if let Some(why) = shape {
        out.problems.push(Diagnostic::in_file(
            &codes::MALFORMED_EXPORT,
            name,
            Some(Pointer::root().key("Resources")),
            format!("not a CloudFormation template: {why}"),
        ));
        return Some(out);
    }
    let mut stack = stack_for(json, path, place, &opts.templates);
    if stack.account.is_none() {
        // The stack's account is a value, not a reason to drop its resources: read under
        // the unknown account, every account their policies name is outside it, and what
        // is open to everyone is open whichever account it is.
        stack.account = Some(crate::inventory::UNKNOWN_ACCOUNT.to_owned());
        out.problems.push(Diagnostic {
            help: Some("give `--account ACCOUNT` (or `--account TEMPLATE@ACCOUNT`), or put the template in the account's folder".into()),
            ..Diagnostic::in_file(
                &codes::PLAN_ACCOUNT_UNKNOWN,
                name,
                None,
                format!("the template does not say which account it deploys to: its resources are read under account `{}`, and every account their policies name counts as outside it", crate::inventory::UNKNOWN_ACCOUNT),
            )
        });
    }
    resources::read_stack(&stack, &file, &mut out);
    for (at, message) in stack.take_problems() {
        out.problems.push(Diagnostic::in_file(
            &codes::MALFORMED_EXPORT,
            name,
            Some(at),
            message,
        ));
    }
    Some(out)
}

/// The stack a template makes, with everything known of it: the account (`--account` named
/// for the template, the CDK manifest, the account folder, `--account` for every template),
/// the region, and the parameters.
pub(crate) fn stack_for<'t, 'a>(
    json: &'t Json<'a>,
    path: &Path,
    place: &Place,
    t: &TemplateOptions,
) -> intrinsic::Stack<'t, 'a> {
    let from_cdk = cdk::stack_of(path);
    let folder = match place {
        Place::Account { account, .. } => Some(account.clone()),
        _ => None,
    };
    let named = |list: &[Scoped<String>]| {
        list.iter()
            .rev()
            .find(|s| s.template.is_some() && s.covers(path))
            .map(|s| s.value.clone())
    };
    let account = named(&t.accounts)
        .or_else(|| from_cdk.as_ref().and_then(|c| c.account.clone()))
        .or(folder)
        .or_else(|| pick(&t.accounts, path).cloned());
    let region = named(&t.regions)
        .or_else(|| from_cdk.as_ref().and_then(|c| c.region.clone()))
        .or_else(|| pick(&t.regions, path).cloned());
    let stack_name = from_cdk.as_ref().and_then(|c| c.stack_name.clone());
    let mut stack = intrinsic::Stack::new(json, account, region, stack_name);
    let mut files: Vec<&ParameterFile> = t
        .parameters
        .iter()
        .filter(|s| s.template.is_none())
        .map(|s| s.value.as_ref())
        .collect();
    let own: Vec<&ParameterFile> = t
        .parameters
        .iter()
        .filter(|s| s.template.is_some() && s.covers(path))
        .map(|s| s.value.as_ref())
        .collect();
    let strict = !own.is_empty() && files.is_empty();
    files.extend(own);
    params::resolve(&mut stack, &files, strict);
    if let Some(c) = &from_cdk {
        // A nested stack's parameters are what its parent passes.
        for (k, v) in &c.parameters {
            stack.params.insert(k.clone(), v.clone());
        }
    }
    stack
}

/// Why a value is unknown, as a [`Known::Unknown`] at `file`.
fn unknown<T>(file: &Arc<str>, u: &value::Unknown) -> Known<T> {
    Known::Unknown(
        crate::inventory::Provenance::at(file, u.at.clone()),
        format!("{} (known at deploy)", u.why),
    )
}
