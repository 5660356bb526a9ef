//! `XA0210 ecr-describe-wildcard-for-pull`: `ecr:Describe*` in a pull grant, where it adds
//! nothing that pulling needs.

use crate::diagnostic::codes;
use crate::rules::doc::{DocKind, Expansion, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0210 ecr-describe-wildcard-for-pull`.
pub struct EcrDescribeWildcardForPull;

impl Rule for EcrDescribeWildcardForPull {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::ECR_DESCRIBE_WILDCARD_FOR_PULL
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let pull_meant = doc.kind == DocKind::Repository || doc.allows_action("ecr:BatchGetImage");
        if !pull_meant || doc.allows_action("ecr:GetDownloadUrlForLayer") {
            return;
        }
        for s in doc.statements().iter().filter(|s| s.is_allow()) {
            let Some(a) = &s.action else { continue };
            if a.negated {
                continue;
            }
            for (v, e) in a.values.iter().zip(s.expansions()) {
                let Expansion::Actions(list) = e else {
                    continue;
                };
                let describe_only = crate::pattern::has_wildcard(v.text)
                    && !list.is_empty()
                    && list
                        .iter()
                        .all(|(svc, act)| svc.prefix == "ecr" && act.name.starts_with("Describe"));
                if describe_only {
                    out.report(
                        &v.pointer,
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
