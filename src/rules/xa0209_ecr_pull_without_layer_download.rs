//! `XA0209 ecr-pull-without-layer-download`: `ecr:BatchGetImage` granted without
//! `ecr:GetDownloadUrlForLayer`, so images cannot be pulled.

use crate::diagnostic::codes;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0209 ecr-pull-without-layer-download`.
pub struct EcrPullWithoutLayerDownload;

impl Rule for EcrPullWithoutLayerDownload {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::ECR_PULL_WITHOUT_LAYER_DOWNLOAD
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.allows_action("ecr:GetDownloadUrlForLayer") {
            return;
        }
        for s in doc.statements().iter().filter(|s| s.is_allow()) {
            let Some(a) = &s.action else { continue };
            if a.negated {
                continue;
            }
            let hit = a.values.iter().zip(s.expansions()).find(|(_, e)| match e {
                Expansion::Actions(list) => list
                    .iter()
                    .any(|(svc, act)| svc.prefix == "ecr" && act.name == "BatchGetImage"),
                _ => false,
            });
            if let Some((v, _)) = hit {
                out.report(
                    &v.pointer,
                    format!("`{}` grants image manifests, but no statement grants `ecr:GetDownloadUrlForLayer`: images cannot be pulled", v.text),
                )
                .help("add `ecr:GetDownloadUrlForLayer` (and `ecr:BatchCheckLayerAvailability`) to the statement");
            }
        }
    }
}
