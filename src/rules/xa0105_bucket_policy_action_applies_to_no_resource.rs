//! `XA0105 bucket-policy-action-applies-to-no-resource`: in an S3 bucket policy, an action
//! that applies to none of the statement's resources (S3 rejects the policy).

use crate::diagnostic::codes;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::shared::{
    action_applicabilities, missing_object_arns, resource_types_text, Applicability,
};
use crate::rules::{Findings, Rule};

/// `XA0105 bucket-policy-action-applies-to-no-resource`.
pub struct BucketPolicyActionAppliesToNoResource;

impl Rule for BucketPolicyActionAppliesToNoResource {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::BUCKET_POLICY_ACTION_APPLIES_TO_NO_RESOURCE
    }

    fn rejects(&self, kind: DocKind) -> bool {
        kind.validates_actions()
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind != DocKind::Bucket {
            return;
        }
        for s in doc.statements() {
            let Some(values) = action_applicabilities(doc, s) else {
                continue;
            };
            for (v, e, app) in values {
                let objects = missing_object_arns(e, s);
                let help = match app {
                    Some(Applicability::NoResource) if !objects.is_empty() => format!(
                        "`{}` applies to objects, not to the bucket: add `{}` to `Resource`, or move the action to a statement that names objects",
                        v.text,
                        objects.join("`, `")
                    ),
                    Some(Applicability::NoResource) => format!(
                        "`{}` applies to {}; add such a resource or move the action to a statement that has one",
                        v.text,
                        resource_types_text(e)
                    ),
                    Some(Applicability::WildcardOnly) => format!(
                        "`{}` applies to no resource and cannot be granted in a bucket policy",
                        v.text
                    ),
                    _ => continue,
                };
                out.report(
                    &v.pointer,
                    format!("`{}` applies to none of the statement's resources", v.text),
                )
                .help(help);
            }
        }
    }
}
