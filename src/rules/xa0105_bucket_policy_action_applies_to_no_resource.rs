//! `XA0105 bucket-policy-action-applies-to-no-resource`: in an S3 bucket policy, an action
//! that applies to none of the statement's resources (S3 rejects the policy).

use crate::diagnostic::Severity;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::shared::{
    applicabilities, missing_object_arns, resource_types_text, Applicability,
};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0105 bucket-policy-action-applies-to-no-resource`.
pub struct BucketPolicyActionAppliesToNoResource;

static META: RuleMeta = RuleMeta {
    code: "XA0105",
    name: "bucket-policy-action-applies-to-no-resource",
    severity: Severity::Error,
    summary: "a bucket policy action that applies to none of the statement's resources",
    docs: r##"## What it does
In an S3 bucket policy, flags an `Action` value none of whose actions applies to any of the
statement's `Resource` ARNs, according to the resource types AWS documents for each action:
`s3:GetBucketAcl` applies to a bucket (`arn:aws:s3:::BUCKET`), not to objects
(`arn:aws:s3:::BUCKET/*`), and `s3:GetObject`, `s3:PutObject` or `s3:DeleteObject` apply to
objects, not to the bucket `arn:aws:s3:::BUCKET` (the help then names the object ARN to
add). Actions that take no resource (`s3:ListAllMyBuckets`) are flagged too. Other policy
kinds get the warning `XA0205`.

## Why is this bad?
`PutBucketPolicy` rejects the whole policy with `MalformedPolicy: Action does not apply to
any resource(s) in statement`; the policy is never applied.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
 "Action": ["s3:GetObject", "s3:GetBucketAcl"], "Resource": "arn:aws:s3:::my-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
 "Action": ["s3:GetObject", "s3:GetBucketAcl"],
 "Resource": ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket"]}
```

## References
- [Actions, resources, and condition keys for Amazon S3](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)
- [Bucket policy examples](https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html)
"##,
};

impl Rule for BucketPolicyActionAppliesToNoResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn rejects(&self, kind: DocKind) -> bool {
        kind.validates_actions()
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind != DocKind::Bucket {
            return;
        }
        for s in &doc.statements {
            let (Some(a), Some(apps)) = (&s.action, applicabilities(doc, s)) else {
                continue;
            };
            if a.negated {
                continue;
            }
            for ((v, e), app) in a.values.iter().zip(&s.expansions).zip(apps) {
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
                    v.pointer.clone(),
                    format!("`{}` applies to none of the statement's resources", v.text),
                )
                .help(help);
            }
        }
    }
}
