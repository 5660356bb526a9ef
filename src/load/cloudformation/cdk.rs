//! CDK cloud assemblies (`cdk.out`): which stack a template is, from the `manifest.json`
//! beside it (its account and region from the artifact's `environment`, its name), and for a
//! nested stack's template (`*.nested.template.json`) the parent stack that deploys it, whose
//! environment it shares and whose `AWS::CloudFormation::Stack` resource passes its
//! parameters. Asset folders (`asset.*`) hold code, not policies, and are passed over.

use std::path::{Path, PathBuf};

use super::intrinsic::Stack;
use super::value::V;
use crate::json::{Json, Pointer};

/// How many nested stacks deep a template may be.
const MAX_NESTING: usize = 5;

/// What the cloud assembly says of the stack a template makes.
#[derive(Debug, Clone, Default)]
pub struct CdkStack {
    /// From `aws://ACCOUNT/REGION` (`unknown-account` leaves it unknown).
    pub account: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// The stack name.
    pub stack_name: Option<String>,
    /// For a nested stack, the parameters its parent passes.
    pub parameters: Vec<(String, V)>,
}

fn read_json(path: &Path) -> Option<Json<'static>> {
    let text = crate::load::fs::read_text(path).ok()?;
    Json::parse(&text).ok().map(Json::into_owned)
}

/// Whether `path` is inside an asset folder of a cloud assembly.
pub fn in_asset_folder(path: &Path) -> bool {
    path.ancestors().skip(1).any(|a| {
        a.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("asset."))
            && a.parent()
                .is_some_and(|p| p.join("manifest.json").is_file())
    })
}

fn environment(art: &Json<'_>) -> (Option<String>, Option<String>) {
    let env = art.get("environment").and_then(Json::as_str).unwrap_or("");
    let rest = env.strip_prefix("aws://").unwrap_or("");
    let (a, r) = rest.split_once('/').unwrap_or(("", ""));
    let account = crate::arn::is_account_id(a).then(|| a.to_owned());
    let region = (!r.is_empty() && r != "unknown-region").then(|| r.to_owned());
    (account, region)
}

/// The stack artifacts of a manifest: (artifact id, artifact, template file name).
fn stacks(manifest: &Json<'static>) -> Vec<(String, Json<'static>, String)> {
    let Some(arts) = manifest.get("artifacts").and_then(Json::as_object) else {
        return Vec::new();
    };
    arts.iter()
        .filter(|(_, a)| a.get("type").and_then(Json::as_str) == Some("aws:cloudformation:stack"))
        .filter_map(|(id, a)| {
            let t = a
                .get("properties")?
                .get("templateFile")?
                .as_str()?
                .to_owned();
            Some((id.to_string(), a.clone(), t))
        })
        .collect()
}

/// The stack the template at `path` makes, when a cloud assembly's manifest lists it (or
/// its parent).
pub fn stack_of(path: &Path) -> Option<CdkStack> {
    stack_at(path, 0)
}

fn stack_at(path: &Path, depth: usize) -> Option<CdkStack> {
    let dir = path.parent()?;
    let name = path.file_name()?.to_str()?;
    let manifest = read_json(&dir.join("manifest.json"))?;
    let list = stacks(&manifest);
    if let Some((id, art, _)) = list.iter().find(|(_, _, t)| t == name) {
        let (account, region) = environment(art);
        let stack_name = art
            .get("properties")
            .and_then(|p| p.get("stackName"))
            .and_then(Json::as_str)
            .map(str::to_owned)
            .or_else(|| Some(id.clone()));
        return Some(CdkStack {
            account,
            region,
            stack_name,
            parameters: Vec::new(),
        });
    }
    if !name.ends_with(".nested.template.json") || depth >= MAX_NESTING {
        return None;
    }
    // The parent: a template of the assembly that deploys this one.
    let mut candidates: Vec<PathBuf> = list.iter().map(|(_, _, t)| dir.join(t)).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut nested: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".nested.template.json") && n != name)
            })
            .collect();
        nested.sort();
        candidates.extend(nested);
    }
    for parent in candidates {
        let Some(tpl) = read_json(&parent) else {
            continue;
        };
        let Some(resources) = tpl.get("Resources").and_then(Json::as_object) else {
            continue;
        };
        let found = resources.iter().find(|(_, r)| {
            r.get("Type").and_then(Json::as_str) == Some("AWS::CloudFormation::Stack")
                && r.get("Metadata")
                    .and_then(|m| m.get("aws:asset:path"))
                    .and_then(Json::as_str)
                    == Some(name)
        });
        let Some((logical, res)) = found else {
            continue;
        };
        let env = stack_at(&parent, depth + 1).unwrap_or_default();
        let mut st = Stack::new(&tpl, env.account.clone(), env.region.clone(), None);
        super::params::resolve(&mut st, &[], false);
        for (k, v) in &env.parameters {
            st.params.insert(k.clone(), v.clone());
        }
        let at = Pointer::root()
            .key("Resources")
            .key(logical)
            .key("Properties")
            .key("Parameters");
        let parameters = match res.get("Properties").and_then(|p| p.get("Parameters")) {
            Some(p) => match st.eval(p, &at) {
                V::Map(m) => m
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            V::Unknown(u) => V::unknown(
                                format!(
                                    "passed by the parent stack `{}`: {}",
                                    parent.display(),
                                    u.why
                                ),
                                &Pointer::root().key("Parameters").key(&k),
                            ),
                            v => v,
                        };
                        (k, v)
                    })
                    .collect(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        return Some(CdkStack {
            account: env.account,
            region: env.region,
            stack_name: None,
            parameters,
        });
    }
    None
}
