//! `XA0108 principal-in-identity-policy`: `Principal` or `NotPrincipal` in a policy kind
//! that takes none (identity, managed, SCP).

use crate::diagnostic::Severity;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0108 principal-in-identity-policy`.
pub struct PrincipalInIdentityPolicy;

static META: RuleMeta = RuleMeta {
    code: "XA0108",
    name: "principal-in-identity-policy",
    severity: Severity::Error,
    summary: "a `Principal` in an identity policy or SCP",
    docs: r##"## What it does
Flags `Principal` and `NotPrincipal` in identity policies (inline or managed) and service
control policies. The kind comes from `--kind`, the export (`iam.json`, `PolicyDocument`,
`PolicyVersion`, `describe-policy`), or the file's place in the inventory.

## Why is this bad?
IAM rejects it in identity, managed and boundary policies (`MalformedPolicyDocument: Policy
document should not specify a principal`), STS in session policies, and Organizations in SCPs,
whose syntax has no `Principal` element.
An identity policy applies to the identity it is attached to; naming a principal usually
means a resource or trust policy was pasted in the wrong place.

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject", "Resource": "*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
 "Resource": "arn:aws:s3:::my-bucket/*"}]}
```

## References
- [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html)
- [SCP syntax](https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html)
"##,
};

impl Rule for PrincipalInIdentityPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc.errors.iter().filter(|e| e.code() == META.code) {
            out.report(e.pointer.clone(), e.kind.to_string())
                .help("an identity policy or SCP applies to the principals it is attached to: remove the element, or lint the file as a resource policy with `--kind`");
        }
    }
}
