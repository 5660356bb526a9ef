//! `XA0207 key-policy-without-iam-delegation`: a KMS key policy without the statement that
//! lets the account's IAM policies grant access to the key.

use crate::arn::is_account_id;
use crate::diagnostic::Severity;
use crate::policy::{aws_principal, AwsPrincipal};
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0207 key-policy-without-iam-delegation`.
pub struct KeyPolicyWithoutIamDelegation;

static META: RuleMeta = RuleMeta {
    code: "XA0207",
    name: "key-policy-without-iam-delegation",
    severity: Severity::Warning,
    summary: "a key policy without the statement that enables IAM policies",
    docs: r##"## What it does
In a KMS key policy, looks for the statement of the default key policy: `Allow`, principal
the key's account root (`arn:aws:iam::ACCOUNT:root` or the account id; when the account is
not known from the file's place or export, any account root), `Action` `kms:*` (or `*`),
`Resource` `*`, no condition. Flags the policy when there is none.

## Why is this bad?
Without it, IAM policies in the key's account cannot grant access to the key: only the
principals the key policy names can use or manage it. If none of them can call
`PutKeyPolicy`, the key becomes unmanageable (AWS Support must restore access).

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": ["kms:Decrypt"], "Resource": "*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [
 {"Sid": "EnableIAMPolicies", "Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*", "Resource": "*"},
 {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
  "Action": ["kms:Decrypt"], "Resource": "*"}]}
```

## References
- [Default key policy](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
- [Key policies in AWS KMS](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)
"##,
};

impl Rule for KeyPolicyWithoutIamDelegation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind != DocKind::Key || doc.statements.is_empty() {
            return;
        }
        let owner = doc.facts.account.as_deref();
        let enables = doc.statements.iter().any(|s| {
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
