//! `XA0209 ecr-pull-without-layer-download`: `ecr:BatchGetImage` granted without
//! `ecr:GetDownloadUrlForLayer`, so images cannot be pulled.

use crate::diagnostic::Severity;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0209 ecr-pull-without-layer-download`.
pub struct EcrPullWithoutLayerDownload;

static META: RuleMeta = RuleMeta {
    code: "XA0209",
    name: "ecr-pull-without-layer-download",
    severity: Severity::Warning,
    summary: "an ECR pull grant without `ecr:GetDownloadUrlForLayer`",
    docs: r##"## What it does
Flags an `Allow` of `ecr:BatchGetImage` (the image manifest) in a policy that allows
`ecr:GetDownloadUrlForLayer` (the image layers) nowhere.

## Why is this bad?
Pulling an image needs both. With the manifest alone, `docker pull` and SageMaker fail when
they fetch the first layer, and the failure shows up at deployment, far from the policy.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
 "Action": ["ecr:BatchGetImage", "ecr:Describe*"]}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]}
```

## References
- [Amazon ECR repository policy examples](https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html)
- [Pulling an image](https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html)
"##,
};

impl Rule for EcrPullWithoutLayerDownload {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.allows_action("ecr:GetDownloadUrlForLayer") {
            return;
        }
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            let Some(a) = &s.action else { continue };
            if a.negated {
                continue;
            }
            let hit = a.values.iter().zip(&s.expansions).find(|(_, e)| match e {
                Expansion::Actions(list) => list
                    .iter()
                    .any(|(svc, act)| svc.prefix == "ecr" && act.name == "BatchGetImage"),
                _ => false,
            });
            if let Some((v, _)) = hit {
                out.report(
                    v.pointer.clone(),
                    format!("`{}` grants image manifests, but no statement grants `ecr:GetDownloadUrlForLayer`: images cannot be pulled", v.text),
                )
                .help("add `ecr:GetDownloadUrlForLayer` (and `ecr:BatchCheckLayerAvailability`) to the statement");
            }
        }
    }
}
