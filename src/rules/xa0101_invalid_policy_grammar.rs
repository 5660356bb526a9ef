//! `XA0101 invalid-policy-grammar`: an element the IAM policy grammar does not allow, as
//! the checked policy model reports it (unknown or duplicate elements, wrong types, bad
//! `Effect`, `Version`, condition values…), and malformed KMS grants.

use crate::diagnostic::Severity;
use crate::json::Json;
use crate::rules::doc::{GrantDoc, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0101 invalid-policy-grammar`.
pub struct InvalidPolicyGrammar;

static META: RuleMeta = RuleMeta {
    code: "XA0101",
    name: "invalid-policy-grammar",
    severity: Severity::Error,
    summary: "a policy element or KMS grant field the grammar does not allow",
    docs: r##"## What it does
Flags every place where a policy document breaks the IAM policy grammar: unknown elements
(`Condtion`), a key given twice in one object, a value of the wrong JSON type, an `Effect`
other than `Allow`/`Deny`, a `Version` other than `2012-10-17`/`2008-10-17`, both `Action`
and `NotAction`, a missing `Effect` or `Action`, a condition value its operator cannot read
(`NumericLessThan` with `"abc"`), an action that is not `service:Name`, and a principal value
that names no principal. For KMS grants: a missing `GranteePrincipal`, and `Operations` that
are missing or are not grant operations.

Unknown condition operators (`XA0102`), principals that hold a template placeholder
(`XA0107`) and principal presence (`XA0108`, `XA0109`) have codes of their own.

## Why is this bad?
For every kind, the storing service rejects such a policy (IAM for identity, managed,
boundary and trust policies; S3, ECR, KMS, SageMaker for their resource policies;
Organizations for SCPs and RCPs: `MalformedPolicyDocument`/`MalformedPolicy`), and KMS a
grant with such operations (`ValidationException`); or, worse, a misspelt element that some
service ignores silently widens an `Allow`.

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::b/*", "Condtion": {"Bool": {"aws:SecureTransport": "true"}}}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
  "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
```

## References
- [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
- [KMS CreateGrant](https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html)
"##,
};

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
    fn meta(&self) -> &'static RuleMeta {
        &META
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
                                f.help(format!("did you mean `{s}`?"));
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
