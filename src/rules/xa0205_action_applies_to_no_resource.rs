//! `XA0205 action-applies-to-no-resource`: outside bucket policies, an action that applies
//! to none of the statement's resources.

use crate::diagnostic::codes;
use crate::rules::doc::{DocKind, PolicyDoc};
use crate::rules::shared::{
    action_applicabilities, missing_object_arns, resource_types_text, Applicability,
};
use crate::rules::{Findings, Rule};

/// `XA0205 action-applies-to-no-resource`.
pub struct ActionAppliesToNoResource;

impl Rule for ActionAppliesToNoResource {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::ACTION_APPLIES_TO_NO_RESOURCE
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.kind == DocKind::Bucket {
            return;
        }
        for s in doc.statements() {
            let Some(values) = action_applicabilities(doc, s) else {
                continue;
            };
            for (v, e, app) in values {
                if *app != Some(Applicability::NoResource) {
                    continue;
                }
                let whose = if s.resource.is_none() {
                    "the repository this policy is attached to"
                } else {
                    "the statement's resources"
                };
                let objects = missing_object_arns(e, s);
                let help = if objects.is_empty() {
                    format!(
                        "`{}` applies to {}; add such a resource or remove the action",
                        v.text,
                        resource_types_text(e)
                    )
                } else {
                    format!(
                        "`{}` applies to objects, not to the bucket: add `{}` to `Resource`",
                        v.text,
                        objects.join("`, `")
                    )
                };
                out.report(
                    &v.pointer,
                    format!("`{}` applies to none of {whose}", v.text),
                )
                .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::catalog;
    use crate::lint::{lint_text, LintOptions};

    /// The `XA0205` findings (JSON pointers) of an identity policy with one statement.
    fn flagged(actions: &[&str], resources: &[&str]) -> Vec<String> {
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": resources}]});
        crate::rules::tests::findings_of("XA0205", &policy, None)
            .iter()
            .map(|d| d.primary.pointer.as_str().to_owned())
            .collect()
    }

    #[test]
    fn names_followed_by_a_colon() {
        let none: Vec<String> = Vec::new();
        // CloudWatch Logs documents `log-group:NAME:*`; AWS's policies use streams too.
        assert_eq!(
            flagged(
                &["logs:DescribeLogStreams", "logs:CreateLogGroup"],
                &["arn:aws:logs:*:*:log-group:/aws/eks/*:*"]
            ),
            none
        );
        assert_eq!(
            flagged(
                &["logs:DescribeLogStreams"],
                &["arn:aws:logs:*:*:log-group:/aws/rds/*:log-stream:*"]
            ),
            none
        );
        // Qualified Lambda functions.
        assert_eq!(
            flagged(
                &["lambda:GetFunction", "lambda:InvokeFunction"],
                &[
                    "arn:aws:lambda:us-east-1:111111111111:function:f:prod",
                    "arn:aws:lambda:us-east-1:111111111111:function:g:*"
                ]
            ),
            none
        );
        // AWS Backup's snapshot names.
        assert_eq!(
            flagged(
                &["rds:DeleteDBSnapshot", "rds:CopyDBSnapshot"],
                &["arn:aws:rds:*:*:snapshot:awsbackup:*"]
            ),
            none
        );
        // CloudFormation transforms (from the overlay).
        assert_eq!(
            flagged(
                &["cloudformation:CreateChangeSet"],
                &["arn:aws:cloudformation:*:aws:transform/Serverless-2016-10-31"]
            ),
            none
        );
    }

    #[test]
    fn object_actions_on_a_bucket_name_the_object_arn() {
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::c"]}]});
        let out = lint_text(
            "policy.json",
            &policy.to_string(),
            &LintOptions::default(),
            catalog().expect("catalog"),
        );
        let helps: Vec<&str> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == "XA0205")
            .filter_map(|d| d.help.as_deref())
            .collect();
        assert_eq!(helps.len(), 2, "{helps:?}");
        for h in helps {
            assert!(
                h.contains("applies to objects, not to the bucket: add `arn:aws:s3:::b/*`, `arn:aws:s3:::c/*`"),
                "{h}"
            );
        }
    }

    #[test]
    fn still_flags_other_types() {
        assert_eq!(
            flagged(
                &["logs:DescribeLogStreams", "kms:Decrypt"],
                &["arn:aws:logs:*:*:log-group:/aws/eks/*:*"]
            ),
            vec!["/Statement/0/Action/1".to_string()]
        );
        assert_eq!(
            flagged(
                &["lambda:GetEventSourceMapping"],
                &["arn:aws:lambda:us-east-1:111111111111:function:f:prod"]
            ),
            vec!["/Statement/0/Action/0".to_string()]
        );
        assert_eq!(
            flagged(
                &["rds:DeleteDBClusterSnapshot"],
                &["arn:aws:rds:us-east-1:111111111111:snapshot:awsbackup:job-1"]
            ),
            vec!["/Statement/0/Action/0".to_string()]
        );
    }
}
