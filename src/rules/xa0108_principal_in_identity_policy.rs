//! `XA0108 principal-in-identity-policy`: `Principal` or `NotPrincipal` in a policy kind
//! that takes none (identity, managed, SCP).

use crate::diagnostic::codes;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0108 principal-in-identity-policy`.
pub struct PrincipalInIdentityPolicy;

impl Rule for PrincipalInIdentityPolicy {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::PRINCIPAL_IN_IDENTITY_POLICY
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc
            .errors
            .iter()
            .filter(|e| e.code() == codes::PRINCIPAL_IN_IDENTITY_POLICY.code)
        {
            out.report(e.pointer.clone(), e.kind.to_string())
                .help("an identity policy or SCP applies to the principals it is attached to: remove the element, or lint the file as a resource policy with `--kind`");
        }
    }
}
