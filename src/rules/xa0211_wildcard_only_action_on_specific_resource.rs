//! `XA0211 wildcard-only-action-on-specific-resource`: an action that takes no resource
//! (only `"Resource": "*"` grants it) granted on specific ARNs.

use crate::diagnostic::Severity;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::shared::{applicabilities, Applicability};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0211 wildcard-only-action-on-specific-resource`.
pub struct WildcardOnlyActionOnSpecificResource;

static META: RuleMeta = RuleMeta {
    code: "XA0211",
    name: "wildcard-only-action-on-specific-resource",
    severity: Severity::Warning,
    summary: "a wildcard-only action granted on a specific ARN, which never matches",
    docs: r##"## What it does
Flags an `Allow` of an action that has no resource type, such as `ecr:GetAuthorizationToken`,
`sts:GetCallerIdentity` or `s3:ListAllMyBuckets`, when the statement names only specific
resources (or, in an ECR repository policy, the repository). Bucket policies get `XA0105`.

## Why is this bad?
AWS authorizes such actions against `*` only, so a statement that names ARNs never matches
them: the principal gets `AccessDenied`. `ecr:GetAuthorizationToken` in a repository policy
is the usual case: it must be granted by the caller's identity policy with `"Resource": "*"`.

## Example
```json
{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
 "Resource": "arn:aws:ecr:us-east-1:111111111111:repository/app"}
```

## Use instead
```json
[{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
 {"Effect": "Allow", "Action": "ecr:BatchGetImage",
  "Resource": "arn:aws:ecr:us-east-1:111111111111:repository/app"}]
```

## References
- [Private registry authentication in Amazon ECR](https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html)
- [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
"##,
};

impl Rule for WildcardOnlyActionOnSpecificResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind == DocKind::Bucket {
            return;
        }
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            let (Some(a), Some(apps)) = (&s.action, applicabilities(doc, s)) else {
                continue;
            };
            if a.negated {
                continue;
            }
            for (v, app) in a.values.iter().zip(apps) {
                if *app != Some(Applicability::WildcardOnly) {
                    continue;
                }
                let (message, help) = if s.resource.is_none() {
                    (
                        format!(
                            "`{}` takes no resource, so this repository policy cannot grant it",
                            v.text
                        ),
                        format!(
                            "grant `{}` in the caller's identity policy with `\"Resource\": \"*\"`",
                            v.text
                        ),
                    )
                } else {
                    (
                        format!("`{}` takes no resource: a statement that names specific ARNs never grants it", v.text),
                        format!("grant `{}` in a statement with `\"Resource\": \"*\"`", v.text),
                    )
                };
                out.report(v.pointer.clone(), message).help(help);
            }
        }
    }
}
