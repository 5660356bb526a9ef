//! `XA0109 resource-policy-without-principal`: a statement without `Principal` in a
//! resource, trust or resource control policy.

use crate::diagnostic::Severity;
use crate::policy::with_article;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0109 resource-policy-without-principal`.
pub struct ResourcePolicyWithoutPrincipal;

static META: RuleMeta = RuleMeta {
    code: "XA0109",
    name: "resource-policy-without-principal",
    severity: Severity::Error,
    summary: "a resource policy statement without a `Principal`",
    docs: r##"## What it does
Flags a statement without `Principal` or `NotPrincipal` in a policy attached to a resource:
bucket, repository, registry, key, model package group, trust policy, RCP, or any document
that other statements show to be a resource policy.

## Why is this bad?
The storing service rejects it: IAM for trust policies, S3 for bucket policies
(`MalformedPolicy: Missing required field Principal`), ECR, KMS and SageMaker for theirs,
Organizations for RCPs; a resource policy must say whom it grants or denies. An identity policy saved as a resource policy shows up this way.

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::my-bucket/*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111111111111:role/reader"}, "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::my-bucket/*"}]}
```

## References
- [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
- [RCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html)
"##,
};

impl Rule for ResourcePolicyWithoutPrincipal {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc.errors.iter().filter(|e| e.code() == META.code) {
            {
                out.report(
                    e.pointer.clone(),
                    format!("statement without `Principal` in {}", with_article(doc.kind)),
                )
                .help("name the principals the statement applies to (`\"Principal\": {\"AWS\": \"arn:aws:iam::111111111111:root\"}`), or lint the file as an identity policy with `--kind identity`");
            }
        }
    }
}
