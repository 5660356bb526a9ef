//! `XA0112 sid-with-invalid-characters`: a `Sid` with characters other than ASCII letters
//! and digits in a policy IAM stores (IAM rejects it), or in a session policy, SCP or RCP.

use crate::diagnostic::codes;
use crate::diagnostic::Severity;
use crate::json::Json;
use crate::policy::with_article;
use crate::rules::doc::{raw_statements, DocKind, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0112 sid-with-invalid-characters`.
pub struct SidWithInvalidCharacters;

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
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::SID_WITH_INVALID_CHARACTERS
    }

    fn rejects(&self, kind: DocKind) -> bool {
        severity(kind) == Some(Severity::Error)
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let Some(severity) = severity(doc.kind) else {
            return;
        };
        // Most documents have none: read the `Sid`s before building statement views.
        let plain = |sid: &str| sid.bytes().all(|b| b.is_ascii_alphanumeric());
        if raw_statements(doc.json)
            .all(|(_, s)| s.get("Sid").and_then(Json::as_str).is_none_or(plain))
        {
            return;
        }
        for s in doc.statements() {
            let Some(sid) = &s.sid else { continue };
            if plain(sid.text) {
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
                &sid.pointer,
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
    use crate::diagnostic::Severity;
    use crate::policy::DocKind;

    /// The severities of the `XA0112` findings for a one-statement document of `kind`.
    fn flagged(kind: DocKind, sid: &str) -> Vec<Severity> {
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"}]});
        crate::rules::tests::findings_of("XA0112", &policy, Some(kind))
            .iter()
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

    fn sids_flagged(text: &str) -> Vec<String> {
        crate::lint::lint_text(
            "p.json",
            text,
            &crate::lint::LintOptions::default(),
            crate::catalog::catalog().unwrap(),
        )
        .diagnostics
        .iter()
        .filter(|d| d.code == "XA0112")
        .map(|d| d.primary.pointer.to_string())
        .collect()
    }

    #[test]
    fn every_shape_of_statement_is_read() {
        let one = r#"{"Version":"2012-10-17","Statement":{"Sid":"a-b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
        assert_eq!(sids_flagged(one), ["/Statement/Sid"]);
        let many = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ok1","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"not ok","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert_eq!(sids_flagged(many), ["/Statement/1/Sid"]);
        let fine = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ok1","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(sids_flagged(fine).is_empty());
    }
}
