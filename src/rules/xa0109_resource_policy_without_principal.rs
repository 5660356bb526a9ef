//! `XA0109 resource-policy-without-principal`: a statement without `Principal` in a
//! resource, trust or resource control policy.

use crate::diagnostic::codes;
use crate::policy::with_article;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0109 resource-policy-without-principal`.
pub struct ResourcePolicyWithoutPrincipal;

impl Rule for ResourcePolicyWithoutPrincipal {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::RESOURCE_POLICY_WITHOUT_PRINCIPAL
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc
            .errors
            .iter()
            .filter(|e| e.code() == codes::RESOURCE_POLICY_WITHOUT_PRINCIPAL.code)
        {
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
