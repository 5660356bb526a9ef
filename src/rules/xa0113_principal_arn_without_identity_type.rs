//! `XA0113 principal-arn-without-identity-type`: a `Principal` IAM or STS ARN whose resource
//! part names no principal (`arn:aws:iam::111122223333:JohnDoe`, a group, an instance
//! profile): the services that check principals reject it.

use crate::arn::{is_account_id, Arn};
use crate::diagnostic::Severity;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0113 principal-arn-without-identity-type`.
pub struct PrincipalArnWithoutIdentityType;

static META: RuleMeta = RuleMeta {
    code: "XA0113",
    name: "principal-arn-without-identity-type",
    severity: Severity::Error,
    summary: "a principal ARN that names no account, user, role or session",
    docs: r##"## What it does
Flags a `Principal`/`NotPrincipal` `AWS` value that is an IAM or STS ARN of an account whose
resource part is not one a principal can have:

| service | resource part |
|---|---|
| `iam` | `root`, `user/[PATH/]NAME`, `role/[PATH/]NAME` |
| `sts` | `assumed-role/ROLE/SESSION`, `federated-user/NAME` |

So `arn:aws:iam::111122223333:JohnDoe` (no `user/`), `arn:aws:iam::111122223333:group/admins`
(a group is not a principal) and `arn:aws:iam::111122223333:saml-provider/idp` (an identity
provider belongs under `Federated`) are flagged. CloudFront's origin access identities
(`arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID`) are valid.

Error in trust policies (IAM), bucket policies (S3) and key policies (KMS), whose services
check every principal when the policy is written; warning in other resource policies.

## Why is this bad?
IAM and S3 reject the document with `MalformedPolicyDocument`/`MalformedPolicy: Invalid
principal in policy`, KMS with `MalformedPolicyDocumentException`; the policy is never
applied. Where a service does not check, the value matches no caller: the statement grants
(or denies) nothing to the identity it was written for.

## Example
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:JohnDoe"},
 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/JohnDoe"},
 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
```

## References
- [IAM JSON policy elements: Principal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html) (the forms a principal can take; "You cannot identify a user group as a principal")
- [Why do I get the error "Invalid principal in policy" when I try to update my Amazon S3 bucket policy?](https://repost.aws/knowledge-center/s3-invalid-principal-in-policy-error)
- [AWS KMS PutKeyPolicy: MalformedPolicyDocumentException](https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html)
"##,
};

/// The kinds whose storing service checks every principal when the policy is written.
fn checks_principals(kind: DocKind) -> bool {
    matches!(kind, DocKind::Trust | DocKind::Bucket | DocKind::Key)
}

/// Why an IAM or STS ARN is no principal; `None` when it is one (or not such an ARN).
fn defect(value: &str) -> Option<String> {
    let arn = Arn::parse(value)?;
    if !is_account_id(arn.account) {
        return None;
    }
    let r = arn.resource;
    let named = |prefix: &str| r.strip_prefix(prefix).is_some_and(|n| !n.is_empty());
    match arn.service {
        "iam" if r == "root" || named("user/") || named("role/") => None,
        "sts" if named("assumed-role/") || named("federated-user/") => None,
        "iam" | "sts" => Some(match r.split_once('/') {
            Some(("group", _)) => "names an IAM group, which cannot be a principal".to_owned(),
            Some((t @ ("saml-provider" | "oidc-provider"), _)) => {
                format!("names an identity provider (`{t}`), which belongs under `Federated`, not `AWS`")
            }
            Some((t, _)) => format!("names a `{t}`, which is not a principal"),
            None => format!(
                "has no principal type: its resource part `{r}` is not `root`, `user/NAME` or `role/NAME`"
            ),
        }),
        _ => None,
    }
}

impl Rule for PrincipalArnWithoutIdentityType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn rejects(&self, kind: DocKind) -> bool {
        checks_principals(kind)
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind.forbids_principal() {
            return;
        }
        let severity = if checks_principals(doc.kind) {
            Severity::Error
        } else {
            Severity::Warning
        };
        for s in &doc.statements {
            let Some(p) = &s.principal else { continue };
            for (t, v) in &p.values {
                if *t != "AWS" {
                    continue;
                }
                let Some(why) = defect(v.text) else { continue };
                let help = match Arn::parse(v.text) {
                    Some(a) if a.service == "iam" && !a.resource.contains('/') => format!(
                        "name the user or role: `arn:{}:iam::{}:user/{}` or `arn:{}:iam::{}:role/{}`, or the account: `arn:{}:iam::{}:root`",
                        a.partition, a.account, a.resource, a.partition, a.account, a.resource, a.partition, a.account
                    ),
                    _ => "name the account (`root`), a user, a role or a session".to_owned(),
                };
                out.report(v.pointer.clone(), format!("`{}` {why}", v.text))
                    .severity(severity)
                    .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::defect;

    #[test]
    fn principal_forms() {
        for ok in [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/JohnDoe",
            "arn:aws:iam::111122223333:role/path/to/r",
            "arn:aws:sts::111122223333:assumed-role/r/s",
            "arn:aws:sts::111122223333:federated-user/f",
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL",
            "arn:aws:s3:::bucket",
            "111122223333",
        ] {
            assert_eq!(defect(ok), None, "{ok}");
        }
        for bad in [
            "arn:aws:iam::111122223333:JohnDoe",
            "arn:aws:iam::111122223333:group/admins",
            "arn:aws:iam::111122223333:saml-provider/idp",
            "arn:aws:iam::111122223333:user/",
            "arn:aws:sts::111122223333:role/r",
        ] {
            assert!(defect(bad).is_some(), "{bad}");
        }
    }
}
