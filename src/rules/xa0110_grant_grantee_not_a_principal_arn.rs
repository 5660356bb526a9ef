//! `XA0110 grant-grantee-not-a-principal-arn`: a KMS grant whose grantee (or retiring
//! principal) is not a principal ARN, such as a bare account id.

use crate::arn::is_account_id;
use crate::diagnostic::codes;
use crate::policy::{aws_principal, is_unique_id, AwsPrincipal};
use crate::rules::doc::GrantDoc;
use crate::rules::shared::has_placeholder;
use crate::rules::{Findings, Rule};

/// `XA0110 grant-grantee-not-a-principal-arn`.
pub struct GrantGranteeNotAPrincipalArn;

impl Rule for GrantGranteeNotAPrincipalArn {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::GRANT_GRANTEE_NOT_A_PRINCIPAL_ARN
    }

    fn check_grant(&self, grant: &GrantDoc<'_>, out: &mut Findings) {
        for key in ["GranteePrincipal", "RetiringPrincipal"] {
            let Some(v) = grant.string(key) else { continue };
            let t = v.text;
            if has_placeholder(t, false) || is_unique_id(t) || t.ends_with(".amazonaws.com") {
                continue;
            }
            if is_account_id(t) {
                out.report(
                    &v.pointer,
                    format!("`{key}` `{t}` is an account id, not a principal ARN"),
                )
                .help(format!(
                    "write `arn:aws:iam::{t}:root` to delegate to the account, or the ARN of the role that uses the key"
                ));
                continue;
            }
            match aws_principal(t) {
                Some(
                    AwsPrincipal::Account(_)
                    | AwsPrincipal::User { .. }
                    | AwsPrincipal::Role { .. }
                    | AwsPrincipal::AssumedRole { .. }
                    | AwsPrincipal::FederatedUser { .. },
                ) => {}
                _ => {
                    out.report(&v.pointer, format!("`{key}` `{t}` is not a principal ARN"))
                        .help("a grantee is the ARN of an account (`arn:aws:iam::111111111111:root`), user, role, assumed-role session or federated user");
                }
            }
        }
    }
}
