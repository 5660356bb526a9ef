//! `XA0101 invalid-policy-grammar`: an element the IAM policy grammar does not allow, as
//! the checked policy model reports it (unknown or duplicate elements, wrong types, bad
//! `Effect`, `Version`, condition values…), and malformed KMS grants.

use crate::diagnostic::{codes, Part};
use crate::json::Json;
use crate::rules::doc::{GrantDoc, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0101 invalid-policy-grammar`.
pub struct InvalidPolicyGrammar;

/// The operations a KMS grant can allow.
pub const GRANT_OPERATIONS: [&str; 17] = [
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "VerifyMac",
    "CreateGrant",
    "DescribeKey",
    "GetPublicKey",
    "RetireGrant",
    "DeriveSharedSecret",
];

impl Rule for InvalidPolicyGrammar {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::INVALID_POLICY_GRAMMAR
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        out.parse_errors(doc);
    }

    fn check_grant(&self, grant: &GrantDoc<'_>, out: &mut Findings) {
        if grant.json.as_object().is_none() {
            out.report(grant.pointer.clone(), "a grant must be a JSON object");
            return;
        }
        if grant.json.get("GranteePrincipal").is_none()
            && grant.json.get("GranteeServicePrincipal").is_none()
        {
            out.report(grant.pointer.clone(), "missing `GranteePrincipal`");
        }
        let at = grant.pointer.key("Operations");
        match grant.json.get("Operations") {
            None => {
                out.report(grant.pointer.clone(), "missing `Operations`");
            }
            Some(Json::Array(items)) if items.is_empty() => {
                out.report(at, "`Operations` is empty: the grant allows nothing");
            }
            Some(Json::Array(items)) => {
                for (i, op) in items.iter().enumerate() {
                    match op.as_str() {
                        Some(o) if GRANT_OPERATIONS.contains(&o) => {}
                        Some(o) => {
                            let f =
                                out.report(at.index(i), format!("`{o}` is not a grant operation"));
                            if let Some(s) =
                                super::shared::closest(o, GRANT_OPERATIONS.iter().copied())
                            {
                                f.help(format!("did you mean `{s}`?"))
                                    .replace(Part::Value, s);
                            }
                        }
                        None => {
                            out.report(
                                at.index(i),
                                format!("expected a string, found {}", op.type_name()),
                            );
                        }
                    }
                }
            }
            Some(other) => {
                out.report(
                    at,
                    format!("expected an array, found {}", other.type_name()),
                );
            }
        }
    }
}
