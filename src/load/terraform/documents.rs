//! The policy documents a plan carries, where they are: each resource change's policy
//! attributes (`change.after`), with the kind of document each one is. `xacct lint` reads
//! them, and points into the plan: the attribute, then the pointer inside the document.

use super::shared;
use super::str_at;
use crate::json::{Json, Pointer};
use crate::policy::DocKind;

/// One policy document of a plan.
#[derive(Debug)]
pub struct PlanDocument<'j, 'a> {
    /// The attribute that carries it (`/resource_changes/3/change/after/policy`).
    pub pointer: Pointer,
    /// The attribute's value: the policy text (what `jsonencode` and policy documents give)
    /// or, rarely, an object.
    pub value: &'j Json<'a>,
    /// What kind of document it is.
    pub kind: DocKind,
    /// The resource's address.
    pub address: &'j str,
}

/// The policy attributes of the types [`super`] reads (the generic model's come from its
/// table), with their kinds.
fn attributes(ty: &str, after: &Json<'_>) -> Vec<(&'static str, DocKind)> {
    let one = |a: &'static str, k: DocKind| vec![(a, k)];
    match ty {
        "aws_s3_bucket_policy" => one("policy", DocKind::Bucket),
        "aws_iam_role" => one("assume_role_policy", DocKind::Trust),
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            one("policy", DocKind::Identity)
        }
        "aws_iam_policy" => one("policy", DocKind::Managed),
        "aws_kms_key" | "aws_kms_key_policy" => one("policy", DocKind::Key),
        "aws_ecr_repository_policy" => one("policy", DocKind::Repository),
        "aws_ecr_registry_policy" => one("policy", DocKind::Registry),
        "aws_sagemaker_model_package_group_policy" => {
            one("resource_policy", DocKind::ModelPackageGroup)
        }
        "aws_organizations_policy" => match str_at(after, "type") {
            Some("RESOURCE_CONTROL_POLICY") => one("content", DocKind::Rcp),
            Some("SERVICE_CONTROL_POLICY") | None => one("content", DocKind::Scp),
            Some(_) => Vec::new(),
        },
        other => shared::policy_attribute(other)
            .map(|a| vec![(a, DocKind::Resource)])
            .unwrap_or_default(),
    }
}

/// Every policy document of a plan's `after` values that is known (not `null`, not empty,
/// not known only after apply).
pub fn plan_documents<'j, 'a>(json: &'j Json<'a>) -> Vec<PlanDocument<'j, 'a>> {
    let mut out = Vec::new();
    let Some(Json::Array(changes)) = json.get("resource_changes") else {
        return out;
    };
    let at = Pointer::root().key("resource_changes");
    for (i, rc) in changes.iter().enumerate() {
        let (Some(address), Some(ty), Some(after)) = (
            str_at(rc, "address"),
            str_at(rc, "type"),
            rc.get("change").and_then(|c| c.get("after")),
        ) else {
            continue;
        };
        if str_at(rc, "mode") != Some("managed") {
            continue;
        }
        let after_at = at.index(i).key("change").key("after");
        let mut push = |pointer: Pointer, value: &'j Json<'a>, kind: DocKind| {
            let usable = match value {
                Json::String(s) => !s.trim().is_empty(),
                Json::Object(_) => true,
                _ => false,
            };
            if usable {
                out.push(PlanDocument {
                    pointer,
                    value,
                    kind,
                    address,
                });
            }
        };
        for (attr, kind) in attributes(ty, after) {
            if let Some(v) = after.get(attr) {
                push(after_at.key(attr), v, kind);
            }
        }
        // A role's inline policies.
        if ty == "aws_iam_role" {
            if let Some(Json::Array(list)) = after.get("inline_policy") {
                for (j, p) in list.iter().enumerate() {
                    if let Some(v) = p.get("policy") {
                        let ptr = after_at.key("inline_policy").index(j).key("policy");
                        push(ptr, v, DocKind::Identity);
                    }
                }
            }
        }
    }
    out
}
