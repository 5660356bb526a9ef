//! Resource policies of types the inventory does not model yet (SNS topics, SQS queues,
//! Lambda permissions, Secrets Manager secrets, S3 access points and the other types IAM
//! Access Analyzer reads): each is resolved and validated like any policy (AWS's rejections
//! are reported at their place in the template), and named in a warning that who it lets in
//! is not analysed, so that nothing it opens passes in silence. Every other resource type
//! carries no policy xacct reads.

use super::resources::{Reader, Res};
use super::value::V;
use crate::inventory::Known;
use crate::policy::DocKind;

/// A type with a resource policy: (type, the property holding the policy, the property
/// naming what it is for).
const TABLE: [(&str, &str, &str); 16] = [
    ("AWS::S3::AccessPoint", "Policy", "Name"),
    ("AWS::S3Express::BucketPolicy", "PolicyDocument", "Bucket"),
    (
        "AWS::S3Tables::TableBucketPolicy",
        "ResourcePolicy",
        "TableBucketARN",
    ),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", "Topics"),
    ("AWS::SNS::TopicInlinePolicy", "PolicyDocument", "TopicArn"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", "Queues"),
    ("AWS::SQS::QueueInlinePolicy", "PolicyDocument", "Queue"),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
        "SecretId",
    ),
    ("AWS::EFS::FileSystem", "FileSystemPolicy", "FileSystemTags"),
    ("AWS::DynamoDB::Table", "ResourcePolicy", "TableName"),
    (
        "AWS::Kinesis::ResourcePolicy",
        "ResourcePolicy",
        "ResourceArn",
    ),
    (
        "AWS::OpenSearchService::Domain",
        "AccessPolicies",
        "DomainName",
    ),
    (
        "AWS::Backup::BackupVault",
        "AccessPolicy",
        "BackupVaultName",
    ),
    (
        "AWS::CodeArtifact::Domain",
        "PermissionsPolicyDocument",
        "DomainName",
    ),
    ("AWS::ApiGateway::RestApi", "Policy", "Name"),
    ("AWS::Glacier::Vault", "AccessPolicy", "VaultName"),
];

/// Permission resources: (type, what they open).
const PERMISSIONS: [(&str, &str); 2] = [
    ("AWS::Lambda::Permission", "FunctionName"),
    ("AWS::Lambda::LayerVersionPermission", "LayerVersionArn"),
];

fn what_for(r: &Reader<'_, '_, '_>, res: &Res<'_, '_>, key: &str) -> String {
    match r.prop(res, key) {
        Some(V::List(l)) => l
            .iter()
            .map(|v| v.scalar_text().unwrap_or_else(|| "?".into()))
            .collect::<Vec<_>>()
            .join(", "),
        Some(v) if v.scalar_text().is_some() => v.scalar_text().unwrap_or_default(),
        _ => "?".into(),
    }
}

/// Reads a resource of a type [`super::resources`] does not read.
pub(super) fn read(r: &mut Reader<'_, '_, '_>, res: &Res<'_, '_>) {
    if let Some((ty, policy_key, target_key)) = TABLE.iter().find(|(t, _, _)| *t == res.ty) {
        let Some(v) = r.prop(res, policy_key) else {
            return;
        };
        let target = what_for(r, res, target_key);
        let name = format!("{} ({ty})", res.logical);
        let policy = r.policy_value(Some(v), res.ptr(policy_key), DocKind::Resource, &name);
        let state = match &policy {
            Known::Unknown(_, why) => format!("its policy is unknown ({why}), and "),
            _ => String::new(),
        };
        r.warn(
            res.ptr(policy_key),
            format!("the resource policy of `{}` ({ty}, for `{target}`): {state}who it lets in is not analysed yet", res.logical),
        );
        return;
    }
    if let Some((ty, target_key)) = PERMISSIONS.iter().find(|(t, _)| *t == res.ty) {
        let target = what_for(r, res, target_key);
        let principal = match r.prop(res, "Principal") {
            Some(V::Unknown(u)) => format!("unknown ({})", u.why),
            Some(v) => v.scalar_text().unwrap_or_else(|| "?".into()),
            None => "?".into(),
        };
        r.warn(
            res.at.clone(),
            format!(
                "`{}` ({ty}) lets `{principal}` use `{target}`: who it lets in is not analysed yet",
                res.logical
            ),
        );
    }
}
