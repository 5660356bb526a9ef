//! `XA0110 grant-grantee-not-a-principal-arn`: a KMS grant whose grantee (or retiring
//! principal) is not a principal ARN, such as a bare account id.

use crate::arn::is_account_id;
use crate::diagnostic::Severity;
use crate::policy::{aws_principal, is_unique_id, AwsPrincipal};
use crate::rules::doc::GrantDoc;
use crate::rules::shared::has_placeholder;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0110 grant-grantee-not-a-principal-arn`.
pub struct GrantGranteeNotAPrincipalArn;

static META: RuleMeta = RuleMeta {
    code: "XA0110",
    name: "grant-grantee-not-a-principal-arn",
    severity: Severity::Error,
    summary: "a KMS grant whose grantee is not a principal ARN",
    docs: r##"## What it does
Flags a KMS grant (`aws kms list-grants` output, or a `CreateGrant` request) whose
`GranteePrincipal` or `RetiringPrincipal` is not the ARN of an account root, user, role,
assumed-role session or federated user: most often a bare 12-digit account id. Service
principals, which `list-grants` shows for grants made by AWS services, are accepted; unique
ids are `XA0208`, placeholders `XA0107`.

## Why is this bad?
The KMS API documents the grantee as a principal ARN; a bare account id matches the
parameter's pattern but is not an ARN, so the grant does not reliably name the account it
was meant for (whether KMS accepts it is not documented). An IAM group cannot be a grantee.

## Example
```python
kms.create_grant(KeyId=key_arn, GranteePrincipal="111111111111", Operations=["Decrypt"])
```

## Use instead
```python
kms.create_grant(KeyId=key_arn, GranteePrincipal="arn:aws:iam::111111111111:root",
                 Operations=["Decrypt"])
```

## References
- [KMS CreateGrant: GranteePrincipal](https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html)
- [Grants in AWS KMS](https://docs.aws.amazon.com/kms/latest/developerguide/grants.html)
"##,
};

impl Rule for GrantGranteeNotAPrincipalArn {
    fn meta(&self) -> &'static RuleMeta {
        &META
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
                    v.pointer.clone(),
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
                    out.report(v.pointer.clone(), format!("`{key}` `{t}` is not a principal ARN"))
                        .help("a grantee is the ARN of an account (`arn:aws:iam::111111111111:root`), user, role, assumed-role session or federated user");
                }
            }
        }
    }
}
