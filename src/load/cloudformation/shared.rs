//! The resources of a template that carry a resource-based policy of a type IAM Access
//! Analyzer analyzes and that the inventory reads as its generic model
//! ([`crate::inventory::resources`]), from one table ([`TABLE`]): a resource whose policy is
//! one of its properties (`AWS::EFS::FileSystem` `FileSystemPolicy`), a policy resource that
//! names what it is for (`AWS::SNS::TopicPolicy` `Topics`), and a permission that is one
//! statement of a function's or a layer version's policy (`AWS::Lambda::Permission`), made
//! into that policy once the whole template is read.
//!
//! What a policy resource is for is resolved like any value: an ARN, a queue URL or a name
//! the template gives; a `Ref` or `Fn::GetAtt` to a resource of the same template whose
//! physical id is set at deploy names it by its handle `<LogicalId>` (so two resources of
//! the template that name the same thing agree). What cannot be named is reported, not used.

use std::collections::BTreeMap;

use super::reader::{handle, Reader, Res};
use super::value::V;
use crate::arn::Arn;
use crate::inventory::merge::Item;
use crate::inventory::resources::{by_id, LambdaPermission, Resource, ResourceType};
use crate::inventory::Known;
use crate::json::Pointer;

/// What a template's resource type is to the generic model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The resource itself: `name` is the property naming it (empty: its id is set at
    /// deploy), `policy` the path of its policy.
    Own,
    /// A policy of resources named by `name` (a string or a list), at `policy`.
    Policy,
    /// One statement of the policy of the resource `name` names.
    Permission,
}

/// One CloudFormation type read into the generic model.
struct CfnType {
    cfn: &'static str,
    /// The resource type's id ([`crate::inventory::resources::TYPES`]).
    ty: &'static str,
    role: Role,
    name: &'static str,
    /// The policy's path below `Properties`.
    policy: &'static [&'static str],
}

/// A row of [`TABLE`]: `cfn => ty, Role, name, [policy path];`.
macro_rules! cfn_types {
    ($($cfn:literal => $ty:literal, $role:ident, $name:literal, [$($step:literal),*];)*) => {
        [$(CfnType { cfn: $cfn, ty: $ty, role: Role::$role, name: $name, policy: &[$($step),*] }),*]
    };
}

/// Every template type read for the generic model, with the properties the CloudFormation
/// template reference gives them.
static TABLE: &[CfnType] = &cfn_types![
    "AWS::S3Express::BucketPolicy" => "s3-directory-bucket", Policy, "Bucket", ["PolicyDocument"];
    "AWS::S3::AccessPoint" => "s3-access-point", Own, "Name", ["Policy"];
    "AWS::S3Tables::TableBucketPolicy" => "s3-table-bucket", Policy, "TableBucketARN", ["ResourcePolicy"];
    "AWS::S3Tables::TablePolicy" => "s3-table", Policy, "TableARN", ["ResourcePolicy"];
    "AWS::Lambda::Permission" => "lambda-function", Permission, "FunctionName", [];
    "AWS::Lambda::LayerVersionPermission" => "lambda-layer", Permission, "LayerVersionArn", [];
    "AWS::SQS::QueuePolicy" => "sqs-queue", Policy, "Queues", ["PolicyDocument"];
    "AWS::SQS::QueueInlinePolicy" => "sqs-queue", Policy, "Queue", ["PolicyDocument"];
    "AWS::SNS::TopicPolicy" => "sns-topic", Policy, "Topics", ["PolicyDocument"];
    "AWS::SNS::TopicInlinePolicy" => "sns-topic", Policy, "TopicArn", ["PolicyDocument"];
    "AWS::SecretsManager::ResourcePolicy" => "secretsmanager-secret", Policy, "SecretId", ["ResourcePolicy"];
    "AWS::EFS::FileSystem" => "efs-file-system", Own, "", ["FileSystemPolicy"];
    "AWS::DynamoDB::Table" => "dynamodb-table", Own, "TableName", ["ResourcePolicy", "PolicyDocument"];
    "AWS::DynamoDB::Table" => "dynamodb-stream", Own, "TableName", ["StreamSpecification", "ResourcePolicy", "PolicyDocument"];
    "AWS::Kinesis::ResourcePolicy" => "kinesis-stream", Policy, "ResourceArn", ["ResourcePolicy"];
    "AWS::OpenSearchService::Domain" => "opensearch-domain", Own, "DomainName", ["AccessPolicies"];
    "AWS::Backup::BackupVault" => "backup-vault", Own, "BackupVaultName", ["AccessPolicy"];
    "AWS::CodeArtifact::Domain" => "codeartifact-domain", Own, "DomainName", ["PermissionsPolicyDocument"];
    "AWS::ApiGateway::RestApi" => "api-gateway-rest-api", Own, "", ["Policy"];
];

/// The policy documents the table reads: (type, path below `Properties`); permissions are
/// statements, not documents, and are left out.
pub(super) fn policy_paths() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    TABLE
        .iter()
        .filter(|t| t.role != Role::Permission)
        .map(|t| (t.cfn, t.policy))
}

/// The resource type of what a template's resource of type `cfn` makes, when it is one of
/// the generic model (what a reference to it names).
fn made_type(cfn: &str) -> Option<&'static ResourceType> {
    let id = match cfn {
        "AWS::S3Express::DirectoryBucket" => "s3-directory-bucket",
        "AWS::S3::AccessPoint" => "s3-access-point",
        "AWS::S3Tables::TableBucket" => "s3-table-bucket",
        "AWS::Lambda::Function" => "lambda-function",
        "AWS::Lambda::LayerVersion" => "lambda-layer",
        "AWS::SQS::Queue" => "sqs-queue",
        "AWS::SNS::Topic" => "sns-topic",
        "AWS::SecretsManager::Secret" => "secretsmanager-secret",
        "AWS::EFS::FileSystem" => "efs-file-system",
        "AWS::DynamoDB::Table" => "dynamodb-table",
        "AWS::Kinesis::Stream" => "kinesis-stream",
        "AWS::Kinesis::StreamConsumer" => "kinesis-consumer",
        "AWS::OpenSearchService::Domain" => "opensearch-domain",
        "AWS::Backup::BackupVault" => "backup-vault",
        "AWS::CodeArtifact::Domain" => "codeartifact-domain",
        "AWS::ApiGateway::RestApi" => "api-gateway-rest-api",
        _ => return None,
    };
    by_id(id)
}

/// `https://sqs.REGION.SUFFIX/ACCOUNT/NAME` → (region, account, name).
fn queue_url(url: &str) -> Option<(&str, &str, &str)> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let region = host.strip_prefix("sqs.")?.split('.').next()?;
    let (account, name) = path.trim_end_matches('/').split_once('/')?;
    Some((region, account, name))
}

impl Reader<'_, '_, '_> {
    /// The name a resource of the template is entered under in the generic model: the
    /// property that names it, or its handle.
    fn model_name(&self, logical: &str) -> String {
        let Some(res) = self.stack.resources.get(logical) else {
            return handle(logical);
        };
        let ty = res.get("Type").and_then(|t| t.as_str()).unwrap_or("");
        let key = TABLE
            .iter()
            .find(|t| t.cfn == ty && t.role == Role::Own)
            .map_or("", |t| t.name);
        let given = (!key.is_empty())
            .then(|| res.get("Properties").and_then(|p| p.get(key)))
            .flatten();
        match given.map(|j| self.stack.eval(j, &Pointer::root())) {
            Some(v) => v.scalar_text().unwrap_or_else(|| handle(logical)),
            None => handle(logical),
        }
    }

    /// The resource of type `ty` a value names (an ARN, a queue URL, a name, or a reference
    /// to a resource of the template), or why it cannot be named.
    fn named_resource(
        &self,
        ty: &'static ResourceType,
        v: &V,
        at: &Pointer,
    ) -> Result<Resource, String> {
        let prov = self.prov(at.clone());
        let text = match v {
            V::Unknown(u) => match &u.target {
                Some(t) => {
                    let target_ty = super::names::type_of(self.stack, t)
                        .and_then(made_type)
                        .unwrap_or(ty);
                    let name = self.model_name(t);
                    return Ok(Resource::new(
                        target_ty,
                        &self.account,
                        &self.region,
                        &name,
                        prov,
                    ));
                }
                None => return Err(u.why.clone()),
            },
            v => v.scalar_text().ok_or("not a string")?,
        };
        if let Some((region, account, name)) = queue_url(&text) {
            return Ok(Resource::new(ty, account, region, name, prov));
        }
        if Arn::parse(&text).is_some() {
            let mut r = Resource::from_arn(&text, &self.account, prov.clone())
                .unwrap_or_else(|| Resource::new(ty, &self.account, &self.region, &text, prov));
            if r.ty.id != ty.id && !(ty.id == "kinesis-stream" && r.ty.id == "kinesis-consumer") {
                r.ty = ty;
            }
            return Ok(r);
        }
        Ok(Resource::new(ty, &self.account, &self.region, &text, prov))
    }

    /// A resource of a type of [`TABLE`]; `false` when `res` is of no such type.
    pub(super) fn shared(&mut self, res: &Res<'_, '_>) -> bool {
        let rows: Vec<&CfnType> = TABLE.iter().filter(|t| t.cfn == res.ty).collect();
        if rows.is_empty() {
            return false;
        }
        for t in rows {
            let Some(ty) = by_id(t.ty) else {
                continue;
            };
            match t.role {
                Role::Own => self.own(res, t, ty),
                Role::Policy => self.policy_of(res, t, ty),
                Role::Permission => self.permission(res, t, ty),
            }
        }
        true
    }

    /// The value at a path of properties.
    fn at_path(&self, res: &Res<'_, '_>, path: &[&str]) -> Option<(V, Pointer)> {
        let (first, rest) = path.split_first()?;
        let mut v = self.prop(res, first)?;
        let mut at = res.ptr(first);
        for key in rest {
            v = match v {
                V::Unknown(_) => return Some((v, at)),
                other => other.get(key)?.clone(),
            };
            at = at.key(key);
        }
        Some((v, at))
    }

    fn push_policy(&mut self, mut resource: Resource, v: Option<(V, Pointer)>, res: &Res<'_, '_>) {
        let name = resource.label();
        resource.policy = match v {
            Some((v, at)) => {
                match self.policy_value(Some(v), at, resource.ty.doc_kind(), &name) {
                    // An empty policy is no policy.
                    Known::Present(p, at) if p.statements.is_empty() => Known::Absent(at),
                    other => other,
                }
            }
            // A resource the template makes has no policy until one is set.
            None => Known::Absent(self.prov(res.at.clone())),
        };
        self.later.push(Item::Resource(Box::new(resource)));
    }

    fn own(&mut self, res: &Res<'_, '_>, t: &CfnType, ty: &'static ResourceType) {
        let policy = self.at_path(res, t.policy);
        if t.ty == "dynamodb-stream" && policy.is_none() {
            return;
        }
        let mut name = self.model_name(res.logical);
        if t.ty == "dynamodb-stream" {
            // A stream's label is set at deploy.
            name = format!("{name}/stream/{}", handle("StreamLabel"));
        }
        let resource = Resource::new(
            ty,
            &self.account,
            &self.region,
            &name,
            self.prov(res.at.clone()),
        );
        self.push_policy(resource, policy, res);
    }

    fn policy_of(&mut self, res: &Res<'_, '_>, t: &CfnType, ty: &'static ResourceType) {
        let targets: Vec<(V, Pointer)> = match self.prop(res, t.name) {
            Some(V::List(l)) => l
                .into_iter()
                .enumerate()
                .map(|(i, v)| (v, res.ptr(t.name).index(i)))
                .collect(),
            Some(v) => vec![(v, res.ptr(t.name))],
            None => Vec::new(),
        };
        if targets.is_empty() {
            self.warn(
                res.ptr(t.name),
                format!(
                    "`{}` ({}) names no resource in `{}`; not used",
                    res.logical, t.cfn, t.name
                ),
            );
        }
        for (v, at) in targets {
            match self.named_resource(ty, &v, &at) {
                Ok(mut resource) => {
                    resource.at = self.prov(res.at.clone());
                    let policy = self.at_path(res, t.policy);
                    self.push_policy(resource, policy, res);
                }
                Err(why) => self.warn(
                    at,
                    format!(
                        "which resource the policy `{}` ({}) is for is unknown ({why}); not used",
                        res.logical, t.cfn
                    ),
                ),
            }
        }
    }

    /// One permission: a statement of the function's (layer version's) policy.
    fn permission(&mut self, res: &Res<'_, '_>, t: &CfnType, ty: &'static ResourceType) {
        let target = self.prop(res, t.name).unwrap_or(V::Null);
        let mut resource = match self.named_resource(ty, &target, &res.ptr(t.name)) {
            Ok(r) => r,
            Err(why) => {
                self.warn(
                    res.ptr(t.name),
                    format!(
                        "which resource the permission `{}` ({}) is for is unknown ({why}); not used",
                        res.logical, t.cfn
                    ),
                );
                return;
            }
        };
        // A function named with a qualifier (`f:alias`): the permission is on that.
        let qualified = resource.arn.clone();
        if ty.id == "lambda-function" {
            let name = resource.name.split(':').next().unwrap_or("").to_owned();
            resource = Resource::new(ty, &resource.account, &resource.region, &name, resource.at);
        }
        resource.at = self.prov(res.at.clone());
        let keys = [
            "Principal",
            "Action",
            "SourceArn",
            "SourceAccount",
            "PrincipalOrgID",
            "OrganizationId",
            "FunctionUrlAuthType",
            "EventSourceToken",
        ];
        let mut text = BTreeMap::new();
        for k in keys {
            match self.prop(res, k) {
                Some(V::Unknown(u)) => {
                    let why = format!("`{k}` is unknown: {} (known at deploy)", u.why);
                    self.permissions.unknown(resource, res.ptr(k), why);
                    return;
                }
                Some(v) => {
                    if let Some(s) = v.scalar_text() {
                        text.insert(k, s);
                    }
                }
                None => {}
            }
        }
        if let Some(why) = self.uncertain.clone() {
            self.permissions.unknown(resource, res.at.clone(), why);
            return;
        }
        let given = |k: &str| text.get(k).map(String::as_str);
        let statement = LambdaPermission {
            sid: res.logical,
            principal: given("Principal"),
            action: given("Action"),
            resource: qualified,
            source_arn: given("SourceArn"),
            source_account: given("SourceAccount"),
            principal_org_id: given("PrincipalOrgID"),
            organization_id: given("OrganizationId"),
            function_url_auth_type: given("FunctionUrlAuthType"),
            event_source_token: given("EventSourceToken"),
        }
        .statement(resource.ty);
        let at = res.at.clone();
        self.permissions.add(resource, statement, at);
    }

    /// The policies made of the template's permissions.
    pub(super) fn finish_permissions(&mut self) {
        let made = std::mem::take(&mut self.permissions);
        for resource in made.finish(&self.file) {
            self.later.push(Item::Resource(Box::new(resource)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_a_type_of_the_model() {
        for t in TABLE {
            assert!(by_id(t.ty).is_some(), "{}: {}", t.cfn, t.ty);
            assert_eq!(t.role == Role::Permission, t.policy.is_empty(), "{}", t.cfn);
        }
    }

    #[test]
    fn queue_urls_name_their_queue() {
        assert_eq!(
            queue_url("https://sqs.us-east-1.amazonaws.com/111111111111/q"),
            Some(("us-east-1", "111111111111", "q"))
        );
        assert_eq!(queue_url("q"), None);
    }
}
