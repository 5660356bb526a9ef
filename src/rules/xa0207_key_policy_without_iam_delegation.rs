//! `XA0207 key-policy-without-iam-delegation`: a KMS key policy without the statement that
//! lets the account's IAM policies grant access to the key.

use crate::arn::is_account_id;
use crate::diagnostic::codes;
use crate::policy::{aws_principal, AwsPrincipal};
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0207 key-policy-without-iam-delegation`.
pub struct KeyPolicyWithoutIamDelegation;

impl Rule for KeyPolicyWithoutIamDelegation {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::KEY_POLICY_WITHOUT_IAM_DELEGATION
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind != DocKind::Key || doc.statements().is_empty() {
            return;
        }
        let owner = doc.facts.account.as_deref();
        let enables = doc.statements().iter().any(|s| {
            let root = s.principal.as_ref().is_some_and(|p| {
                !p.negated
                    && p.values.iter().any(|(t, v)| {
                        *t == "AWS"
                            && match aws_principal(v.text) {
                                Some(AwsPrincipal::Account(a)) => owner.is_none_or(|o| o == a),
                                _ => false,
                            }
                    })
            });
            let all_kms = s.action.as_ref().is_some_and(|a| {
                !a.negated
                    && a.values
                        .iter()
                        .any(|v| v.text == "*" || v.text.eq_ignore_ascii_case("kms:*"))
            });
            let any_resource = s
                .resource
                .as_ref()
                .is_some_and(|r| !r.negated && r.values.iter().any(|v| v.text == "*"));
            s.is_allow() && root && all_kms && any_resource && s.conditions.is_empty()
        });
        if !enables {
            let account = owner.filter(|a| is_account_id(a)).unwrap_or("ACCOUNT");
            out.report(
                doc.root.key("Statement"),
                "the key policy has no statement that enables IAM policies for the key's account",
            )
            .help(format!(
                "add `{{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::{account}:root\"}}, \"Action\": \"kms:*\", \"Resource\": \"*\"}}`, or make sure a named principal can still manage the key"
            ));
        }
    }
}
