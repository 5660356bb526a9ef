//! `XA0208 principal-is-unique-id`: a principal written as an IAM unique id (`AROA…`,
//! `AIDA…`), which is what AWS shows after the named user or role was deleted.

use crate::diagnostic::codes;
use crate::policy::is_unique_id;
use crate::rules::doc::{GrantDoc, PolicyDoc, Value};
use crate::rules::{Findings, Rule};

/// `XA0208 principal-is-unique-id`.
pub struct PrincipalIsUniqueId;

fn check(v: &Value<'_>, out: &mut Findings) {
    if is_unique_id(v.text) {
        out.report(
            &v.pointer,
            format!(
                "principal `{}` is a unique id: the user or role it named was deleted",
                v.text
            ),
        )
        .help("replace it with the ARN of the principal that should have access, or remove it");
    }
}

impl Rule for PrincipalIsUniqueId {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::PRINCIPAL_IS_UNIQUE_ID
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements() {
            if let Some(p) = &s.principal {
                for (t, v) in &p.values {
                    if *t == "AWS" {
                        check(v, out);
                    }
                }
            }
        }
    }

    fn check_grant(&self, grant: &GrantDoc<'_>, out: &mut Findings) {
        for key in ["GranteePrincipal", "RetiringPrincipal"] {
            if let Some(v) = grant.string(key) {
                check(&v, out);
            }
        }
    }
}
