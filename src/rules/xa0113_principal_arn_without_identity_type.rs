//! `XA0113 principal-arn-without-identity-type`: a `Principal` IAM or STS ARN whose resource
//! part names no principal (`arn:aws:iam::111122223333:JohnDoe`, a group, an instance
//! profile): the services that check principals reject it.

use crate::arn::{is_account_id, Arn};
use crate::diagnostic::codes;
use crate::diagnostic::Severity;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0113 principal-arn-without-identity-type`.
pub struct PrincipalArnWithoutIdentityType;

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
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::PRINCIPAL_ARN_WITHOUT_IDENTITY_TYPE
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
        for s in doc.statements() {
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
                out.report(&v.pointer, format!("`{}` {why}", v.text))
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
