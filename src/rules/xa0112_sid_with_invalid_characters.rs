//! `XA0112 sid-with-invalid-characters`: a `Sid` with characters other than ASCII letters
//! and digits in a policy IAM stores (IAM rejects it), or in a session policy, SCP or RCP.

use crate::diagnostic::Severity;
use crate::policy::with_article;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0112 sid-with-invalid-characters`.
pub struct SidWithInvalidCharacters;

static META: RuleMeta = RuleMeta {
    code: "XA0112",
    name: "sid-with-invalid-characters",
    severity: Severity::Error,
    summary: "a `Sid` with characters other than ASCII letters and digits",
    docs: r##"## What it does
Flags a `Sid` that holds anything but ASCII letters (`A-Z`, `a-z`) and digits (`0-9`):
spaces, hyphens, underscores, dots, accented letters. An empty `Sid` (`""`, as the IAM
console used to write) is accepted.

Which kinds of document, and how:

| kind | storing service | finding |
|---|---|---|
| identity (inline), managed, AWS managed, permissions boundary, trust | IAM | error: IAM rejects the document |
| session policy, SCP, RCP | STS, Organizations | warning: the IAM grammar applies; the services do not document what they accept |
| key policy | KMS | none: KMS documents that a key policy's `Sid` may contain spaces |
| bucket, repository and other resource policies | S3, ECR, … | none: these services document no such restriction |

## Why is this bad?
IAM rejects the whole document with `MalformedPolicyDocument: Statement IDs (SID) must be
alpha-numeric`: `CreatePolicy`, `PutRolePolicy` or `UpdateAssumeRolePolicy` fails and the
policy is never applied. A `Sid` copied from a key or bucket policy (`"Enable IAM User
Permissions"`) into an identity policy is the usual cause.

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Sid": "Read objects", "Effect": "Allow",
 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Sid": "ReadObjects", "Effect": "Allow",
 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]}
```

## References
- [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html) ("supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9)")
- [AWS KMS: Creating a key policy](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html) (a key policy's `Sid` can contain spaces; an IAM policy's cannot)
"##,
};

/// The severity for a document of `kind`, `None` when its service accepts any `Sid`.
fn severity(kind: DocKind) -> Option<Severity> {
    match kind {
        DocKind::Identity
        | DocKind::Managed
        | DocKind::AwsManaged
        | DocKind::Boundary
        | DocKind::Trust => Some(Severity::Error),
        DocKind::Session | DocKind::Scp | DocKind::Rcp => Some(Severity::Warning),
        DocKind::Bucket
        | DocKind::Repository
        | DocKind::Registry
        | DocKind::Key
        | DocKind::Grants
        | DocKind::ModelPackageGroup
        | DocKind::VpcEndpoint
        | DocKind::Resource => None,
    }
}

impl Rule for SidWithInvalidCharacters {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn rejects(&self, kind: DocKind) -> bool {
        severity(kind) == Some(Severity::Error)
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let Some(severity) = severity(doc.kind) else {
            return;
        };
        for s in &doc.statements {
            let Some(sid) = &s.sid else { continue };
            if sid.text.bytes().all(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            let fixed: String = sid
                .text
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let help = if fixed.is_empty() {
                "use ASCII letters and digits only, or remove the `Sid`".to_owned()
            } else {
                format!("use ASCII letters and digits only: `{fixed}`")
            };
            let why = if severity == Severity::Error {
                format!("IAM rejects {} that has one", with_article(doc.kind))
            } else {
                "the IAM policy grammar allows only those".to_owned()
            };
            out.report(
                sid.pointer.clone(),
                format!(
                    "`Sid` `{}` has characters other than ASCII letters and digits: {why}",
                    sid.text
                ),
            )
            .severity(severity)
            .help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::catalog;
    use crate::diagnostic::Severity;
    use crate::lint::{lint_text, LintOptions};
    use crate::policy::DocKind;

    /// The severities of the `XA0112` findings for a one-statement document of `kind`.
    fn flagged(kind: DocKind, sid: &str) -> Vec<Severity> {
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"}]});
        let opts = LintOptions {
            kind: Some(kind),
            ..LintOptions::default()
        };
        let out = lint_text(
            "policy.json",
            &policy.to_string(),
            &opts,
            catalog().expect("catalog"),
        );
        out.diagnostics
            .iter()
            .filter(|d| d.code == "XA0112")
            .map(|d| d.severity)
            .collect()
    }

    #[test]
    fn severity_follows_the_storing_service() {
        let sid = "Enable IAM User Permissions";
        assert_eq!(flagged(DocKind::Trust, sid), vec![Severity::Error]);
        assert_eq!(flagged(DocKind::Rcp, sid), vec![Severity::Warning]);
        // KMS documents spaces in key policy statement ids; S3 accepts them.
        assert_eq!(flagged(DocKind::Key, sid), vec![]);
        assert_eq!(flagged(DocKind::Bucket, sid), vec![]);
        assert_eq!(flagged(DocKind::Trust, "EnableIAMUserPermissions1"), vec![]);
        assert_eq!(flagged(DocKind::Trust, ""), vec![]);
        assert_eq!(flagged(DocKind::Trust, "caf\u{e9}"), vec![Severity::Error]);
    }
}
