//! `XA0210 ecr-describe-wildcard-for-pull`: `ecr:Describe*` in a pull grant, where it adds
//! nothing that pulling needs.

use crate::diagnostic::Severity;
use crate::rules::doc::{DocKind, Expansion, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0210 ecr-describe-wildcard-for-pull`.
pub struct EcrDescribeWildcardForPull;

static META: RuleMeta = RuleMeta {
    code: "XA0210",
    name: "ecr-describe-wildcard-for-pull",
    severity: Severity::Warning,
    summary: "`ecr:Describe*` where pulling images was meant",
    docs: r##"## What it does
Flags an `Allow` of an ECR wildcard that covers only `Describe…` actions (`ecr:Describe*`)
in a policy meant for pulling (one that grants `ecr:BatchGetImage`, or a repository policy)
when the policy grants `ecr:GetDownloadUrlForLayer` nowhere.

## Why is this bad?
`ecr:Describe*` covers `DescribeImages`, `DescribeRepositories`, `DescribeImageScanFindings`
and other metadata reads; none of them downloads a layer. It reads like a pull permission
and is not one.

## Example
```json
"Action": ["ecr:BatchGetImage", "ecr:Describe*"]
```

## Use instead
```json
"Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
```

## References
- [Actions, resources, and condition keys for Amazon ECR](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html)
- [Amazon ECR repository policy examples](https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html)
"##,
};

impl Rule for EcrDescribeWildcardForPull {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let pull_meant = doc.kind == DocKind::Repository || doc.allows_action("ecr:BatchGetImage");
        if !pull_meant || doc.allows_action("ecr:GetDownloadUrlForLayer") {
            return;
        }
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            let Some(a) = &s.action else { continue };
            if a.negated {
                continue;
            }
            for (v, e) in a.values.iter().zip(&s.expansions) {
                let Expansion::Actions(list) = e else {
                    continue;
                };
                let describe_only = v.text.contains(['*', '?'])
                    && !list.is_empty()
                    && list
                        .iter()
                        .all(|(svc, act)| svc.prefix == "ecr" && act.name.starts_with("Describe"));
                if describe_only {
                    out.report(
                        v.pointer.clone(),
                        format!(
                            "`{}` covers {} `Describe` actions, none of which pulls an image",
                            v.text,
                            list.len()
                        ),
                    )
                    .help("to pull, grant `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer` and `ecr:BatchCheckLayerAvailability`");
                }
            }
        }
    }
}
