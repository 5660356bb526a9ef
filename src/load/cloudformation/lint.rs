//! What `lint` reads in a template: the template with each policy document replaced by its
//! resolved form at the same place ([`lint_view`]), so that findings point into the template,
//! and where those documents are ([`lint_documents`]). A document that holds a value only the
//! deploy can tell is left as written and not linted (the inventory reports it unknown).

use std::borrow::Cow;
use std::path::Path;

use crate::json::{Json, Pointer};
use crate::policy::DocKind;

/// The policy properties of each type: (type, property, kind). `Policies` lists are read
/// element by element.
const POLICIES: [(&str, &str, DocKind); 11] = [
    ("AWS::IAM::Role", "AssumeRolePolicyDocument", DocKind::Trust),
    ("AWS::IAM::Policy", "PolicyDocument", DocKind::Identity),
    (
        "AWS::IAM::ManagedPolicy",
        "PolicyDocument",
        DocKind::Managed,
    ),
    ("AWS::S3::BucketPolicy", "PolicyDocument", DocKind::Bucket),
    ("AWS::KMS::Key", "KeyPolicy", DocKind::Key),
    (
        "AWS::ECR::Repository",
        "RepositoryPolicyText",
        DocKind::Repository,
    ),
    ("AWS::ECR::RegistryPolicy", "PolicyText", DocKind::Registry),
    (
        "AWS::SageMaker::ModelPackageGroup",
        "ModelPackageGroupPolicy",
        DocKind::ModelPackageGroup,
    ),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", DocKind::Resource),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", DocKind::Resource),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
        DocKind::Resource,
    ),
];

/// Types whose `Policies` hold inline identity policies.
const INLINE: [&str; 3] = ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"];

/// One policy document of a template.
#[derive(Debug, Clone)]
pub struct LintDoc {
    /// Where it is in the template.
    pub pointer: Pointer,
    /// Its kind.
    pub kind: DocKind,
    /// The resource's logical id.
    pub name: String,
}

/// Every place of a policy document in a template (resolved or not).
fn places(root: &Json<'_>) -> Vec<LintDoc> {
    let mut out = Vec::new();
    let Some(resources) = root.get("Resources").and_then(Json::as_object) else {
        return out;
    };
    for (logical, res) in resources {
        let ty = res.get("Type").and_then(Json::as_str).unwrap_or("");
        let props_at = Pointer::root()
            .key("Resources")
            .key(logical)
            .key("Properties");
        let Some(props) = res.get("Properties") else {
            continue;
        };
        for (t, key, kind) in &POLICIES {
            if *t == ty && props.get(key).is_some() {
                out.push(LintDoc {
                    pointer: props_at.key(key),
                    kind: *kind,
                    name: logical.to_string(),
                });
            }
        }
        // The resource policies of the generic model ([`super::shared`]).
        for (t, path) in super::shared::policy_paths() {
            if t != ty {
                continue;
            }
            let mut at = props_at.clone();
            let mut cur = Some(props);
            for key in path {
                cur = cur.and_then(|c| c.get(key));
                at = at.key(key);
            }
            if cur.is_some() && !out.iter().any(|d| d.pointer == at) {
                out.push(LintDoc {
                    pointer: at,
                    kind: DocKind::Resource,
                    name: logical.to_string(),
                });
            }
        }
        if INLINE.contains(&ty) {
            if let Some(Json::Array(list)) = props.get("Policies") {
                for (i, p) in list.iter().enumerate() {
                    if p.get("PolicyDocument").is_some() {
                        out.push(LintDoc {
                            pointer: props_at.key("Policies").index(i).key("PolicyDocument"),
                            kind: DocKind::Identity,
                            name: logical.to_string(),
                        });
                    }
                }
            }
        }
    }
    out
}

fn get_mut<'j>(root: &'j mut Json<'static>, p: &Pointer) -> Option<&'j mut Json<'static>> {
    let mut cur = root;
    for t in p.tokens() {
        cur = match cur {
            Json::Object(m) => m
                .make_mut()
                .iter_mut()
                .find(|(k, _)| *k == t)
                .map(|(_, v)| v)?,
            Json::Array(a) => a.make_mut().get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Whether a value still holds an intrinsic function.
fn has_function(j: &Json<'_>) -> bool {
    match j {
        Json::Object(m) => m
            .iter()
            .any(|(k, v)| k == "Ref" || k.starts_with("Fn::") || has_function(v)),
        Json::Array(a) => a.iter().any(has_function),
        _ => false,
    }
}

/// The template at `path` with every policy document that resolves replaced by its resolved
/// form; `None` when `root` is not a template.
pub fn lint_view(
    root: &Json<'_>,
    path: &Path,
    templates: &super::TemplateOptions,
) -> Option<Json<'static>> {
    if !crate::load::classify::is_template(root) {
        return None;
    }
    let place = crate::load::layout::place(path);
    let stack = super::stack_for(root, path, &place, templates);
    let mut view = root.clone().into_owned();
    for doc in places(root) {
        let Some(original) = root.at(&doc.pointer) else {
            continue;
        };
        if let Ok(json) = stack.eval(original, &doc.pointer).to_json() {
            if let Some(slot) = get_mut(&mut view, &doc.pointer) {
                *slot = json;
            }
        }
    }
    Some(view)
}

/// The policy documents of a template view ([`lint_view`]) that could be resolved: each as
/// an object, or a string of policy text.
pub fn lint_documents<'j, 'a>(view: &'j Json<'a>) -> Vec<(LintDoc, &'j Json<'a>)> {
    places(view)
        .into_iter()
        .filter_map(|d| {
            let j = view.at(&d.pointer)?;
            let usable = matches!(j, Json::Object(_) | Json::String(_)) && !has_function(j);
            usable.then_some((d, j))
        })
        .collect()
}

/// A policy document carried as text in the view, decoded.
pub fn text_of<'j>(j: &'j Json<'_>) -> Option<Cow<'j, str>> {
    match j {
        Json::String(s) => Some(crate::load::classify::decode_document(s)),
        _ => None,
    }
}
