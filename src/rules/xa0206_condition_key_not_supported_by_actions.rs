//! `XA0206 condition-key-not-supported-by-actions`: a service condition key that no action
//! of the statement supports.

use crate::diagnostic::codes;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::shared::supports_condition_key;
use crate::rules::{Findings, Rule};

/// `XA0206 condition-key-not-supported-by-actions`.
pub struct ConditionKeyNotSupportedByActions;

impl Rule for ConditionKeyNotSupportedByActions {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::CONDITION_KEY_NOT_SUPPORTED_BY_ACTIONS
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements() {
            let Some(a) = &s.action else { continue };
            if a.negated || s.conditions.is_empty() {
                continue;
            }
            let mut actions = Vec::new();
            let mut known = true;
            for e in s.expansions() {
                match e {
                    Expansion::Actions(list) if !list.is_empty() => actions.extend(list.iter()),
                    _ => known = false,
                }
            }
            if !known || actions.is_empty() {
                continue;
            }
            for c in &s.conditions {
                let Some((prefix, rest)) = c.key.split_once(':') else {
                    continue;
                };
                if prefix.eq_ignore_ascii_case("aws") {
                    let r = rest.to_ascii_lowercase();
                    if !(r.starts_with("requesttag/")
                        || r.starts_with("resourcetag/")
                        || r == "tagkeys")
                    {
                        continue;
                    }
                } else if doc.catalog.service(prefix).is_none()
                    || doc.catalog.global_condition_key(c.key).is_some()
                {
                    // Not a service's own key: an identity provider's, or a
                    // cross-service key such as `ec2:SourceInstanceArn` that any
                    // request made with such credentials carries.
                    continue;
                }
                if actions
                    .iter()
                    .any(|(_, act)| supports_condition_key(act, c.key))
                {
                    continue;
                }
                let names: Vec<String> = a
                    .values
                    .iter()
                    .take(3)
                    .map(|v| format!("`{}`", v.text))
                    .collect();
                out.report(
                    &c.pointer,
                    format!(
                        "no action of the statement supports the condition key `{}`",
                        c.key
                    ),
                )
                .help(format!(
                    "{}{} never carry `{}`: move the condition to a statement whose actions support it, or remove it",
                    names.join(", "),
                    if a.values.len() > 3 { ", …" } else { "" },
                    c.key
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {

    /// The keys `XA0206` flags in an identity policy with one statement.
    fn flagged(actions: &[&str], resource: &str, condition: serde_json::Value) -> Vec<String> {
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": resource,
             "Condition": condition}]});
        crate::rules::tests::findings_of("XA0206", &policy, None)
            .iter()
            .map(|d| {
                d.primary
                    .pointer
                    .as_str()
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn resource_type_keys_on_star() {
        let none: Vec<String> = Vec::new();
        // The smallest case: the key is listed on the repository type only.
        assert_eq!(
            flagged(
                &["codecommit:DeleteRepository"],
                "*",
                serde_json::json!({"StringEquals": {"aws:ResourceTag/Team": "a"}})
            ),
            none
        );
        assert_eq!(
            flagged(
                &["kms:Decrypt"],
                "*",
                serde_json::json!({"ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/a*"},
                    "StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT"}})
            ),
            none
        );
        assert_eq!(
            flagged(
                &["iam:PassRole"],
                "*",
                serde_json::json!({"StringEquals": {"iam:ResourceTag/team": "a"}})
            ),
            none
        );
        assert_eq!(
            flagged(
                &["s3:GetObject"],
                "*",
                serde_json::json!({"StringEquals": {"s3:AccessPointNetworkOrigin": "VPC"}})
            ),
            none
        );
        assert_eq!(
            flagged(
                &["rds:DeleteDBInstance"],
                "*",
                serde_json::json!({"StringEquals": {"rds:db-tag/env": "dev"}})
            ),
            none
        );
        assert_eq!(
            flagged(
                &["secretsmanager:GetSecretValue"],
                "*",
                serde_json::json!({"StringEquals": {"secretsmanager:ResourceTag/team": "a"}})
            ),
            none
        );
    }

    #[test]
    fn cross_service_and_overlay_keys() {
        let none: Vec<String> = Vec::new();
        // Cross-service keys come with the credentials, whatever the action.
        assert_eq!(
            flagged(
                &["s3:GetObject"],
                "*",
                serde_json::json!({"StringEquals": {"ec2:SourceInstanceARN": "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
                    "glue:RoleAssumedBy": "glue.amazonaws.com"}})
            ),
            none
        );
        assert_eq!(
            flagged(
                &["states:InvokeHTTPEndpoint"],
                "*",
                serde_json::json!({"StringEquals": {"states:HTTPMethod": "GET"},
                    "StringLike": {"states:HTTPEndpoint": "https://api.example.com/*"}})
            ),
            none
        );
    }

    #[test]
    fn still_flags_unsupported_keys() {
        assert_eq!(
            flagged(
                &["s3:GetObject"],
                "arn:aws:s3:::b/*",
                serde_json::json!({"StringLike": {"s3:prefix": "home/*"}})
            ),
            vec!["s3:prefix".to_string()]
        );
        assert_eq!(
            flagged(
                &["ecr:GetAuthorizationToken"],
                "*",
                serde_json::json!({"StringEquals": {"aws:ResourceTag/Team": "a", "kms:KeySpec": "x"}})
            ),
            vec![
                "aws:ResourceTag~1Team".to_string(),
                "kms:KeySpec".to_string()
            ]
        );
    }
}
