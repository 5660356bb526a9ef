//! `XA0211 wildcard-only-action-on-specific-resource`: an action that takes no resource
//! (only `"Resource": "*"` grants it) granted on specific ARNs.

use crate::diagnostic::codes;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::shared::{applicabilities, Applicability};
use crate::rules::{Findings, Rule};

/// `XA0211 wildcard-only-action-on-specific-resource`.
pub struct WildcardOnlyActionOnSpecificResource;

impl Rule for WildcardOnlyActionOnSpecificResource {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::WILDCARD_ONLY_ACTION_ON_SPECIFIC_RESOURCE
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind == DocKind::Bucket {
            return;
        }
        for s in doc.statements().iter().filter(|s| s.is_allow()) {
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
                out.report(&v.pointer, message).help(help);
            }
        }
    }
}
