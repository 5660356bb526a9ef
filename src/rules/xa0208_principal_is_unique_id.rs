//! `XA0208 principal-is-unique-id`: a principal written as an IAM unique id (`AROA…`,
//! `AIDA…`), which is what AWS shows after the named user or role was deleted.

use crate::diagnostic::Severity;
use crate::policy::is_unique_id;
use crate::rules::doc::{GrantDoc, PolicyDoc, Value};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0208 principal-is-unique-id`.
pub struct PrincipalIsUniqueId;

static META: RuleMeta = RuleMeta {
    code: "XA0208",
    name: "principal-is-unique-id",
    severity: Severity::Warning,
    summary: "a principal that is a unique id of a deleted user or role",
    docs: r##"## What it does
Flags a `Principal`/`NotPrincipal` value, or a KMS grant's grantee or retiring principal,
that is an IAM unique id (`AROA…` for a role, `AIDA…` for a user, …) instead of an ARN.

## Why is this bad?
AWS stores principals as unique ids and shows the ARN while the entity exists. When the
user or role is deleted, the policy shows the id, and it no longer matches anyone, not even
a new role with the same name. The grant is dead, and whoever reads the policy cannot tell
whom it was for.

## Example
```json
"Principal": {"AWS": "AROA3XFRBF535PLBIFPI4"}
```

## Use instead
```json
"Principal": {"AWS": "arn:aws:iam::111111111111:role/model-registry"}
```

## References
- [IAM JSON policy elements: Principal (IAM roles)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles)
- [IAM identifiers: unique IDs](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
"##,
};

fn check(v: &Value<'_>, out: &mut Findings) {
    if is_unique_id(v.text) {
        out.report(
            v.pointer.clone(),
            format!(
                "principal `{}` is a unique id: the user or role it named was deleted",
                v.text
            ),
        )
        .help("replace it with the ARN of the principal that should have access, or remove it");
    }
}

impl Rule for PrincipalIsUniqueId {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
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
