//! Every resource of the generic model ([`crate::inventory::resources`]) a plan can create
//! or change, from one table ([`TF`]): each Terraform type says which resource type it is
//! for, which attribute names the resource (a name, an ARN, a queue URL) and which resource
//! types that attribute refers to, and where its policy is. A resource the plan creates
//! whose name is known only after apply is named by its address until then.
//!
//! Lambda permissions (`aws_lambda_permission`, `aws_lambda_layer_version_permission`) are
//! statements of the function's (layer version's) policy, one each; snapshot shares
//! (`aws_snapshot_create_volume_permission`, `shared_accounts`) are the accounts of the
//! snapshot's attribute: both are made into a policy once the whole plan is read.

use serde_json::json;

use super::*;
use crate::inventory::resources::{attribute_policy, by_id, LambdaPermission, Resource};

/// What a Terraform resource type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The resource itself (`aws_sns_topic`): `target` is its name; its policy attribute,
    /// when configured, is its policy.
    Own,
    /// A policy of a resource (`aws_sns_topic_policy`): `target` names the resource.
    Policy,
    /// One statement of a resource's policy (`aws_lambda_permission`).
    Statement,
    /// One account of a resource's sharing attribute (`aws_snapshot_create_volume_permission`).
    Share,
}

/// One Terraform resource type of the generic model.
struct TfType {
    tf: &'static str,
    /// The resource type's id ([`crate::inventory::resources::TYPES`]).
    ty: &'static str,
    role: Role,
    /// The attribute that names the resource.
    target: &'static str,
    /// The resource types `target` refers to (each names the resource by its [`TfType`]
    /// row of role `Own`).
    parents: &'static [&'static str],
    /// The policy attribute (`Own` and `Policy`), or the sharing attribute (`Own` of a type
    /// shared by an attribute).
    policy: &'static str,
}

/// A row of [`TF`]: `tf => ty, Role, target, [parents], policy;`.
macro_rules! tf_types {
    ($($tf:literal => $ty:literal, $role:ident, $target:literal, [$($parent:literal),*], $policy:literal;)*) => {
        [$(TfType { tf: $tf, ty: $ty, role: Role::$role, target: $target, parents: &[$($parent),*], policy: $policy }),*]
    };
}

/// Every Terraform resource type read for the generic model.
static TF: &[TfType] = &tf_types![
    "aws_s3_directory_bucket" => "s3-directory-bucket", Own, "bucket", [], "";
    "aws_s3_access_point" => "s3-access-point", Own, "name", [], "policy";
    "aws_s3control_access_point_policy" => "s3-access-point", Policy, "access_point_arn", ["aws_s3_access_point"], "policy";
    "aws_s3tables_table_bucket" => "s3-table-bucket", Own, "name", [], "";
    "aws_s3tables_table_bucket_policy" => "s3-table-bucket", Policy, "table_bucket_arn", ["aws_s3tables_table_bucket"], "resource_policy";
    "aws_s3tables_table_policy" => "s3-table", Policy, "table_bucket_arn", ["aws_s3tables_table_bucket"], "resource_policy";
    "aws_lambda_function" => "lambda-function", Own, "function_name", [], "";
    "aws_lambda_permission" => "lambda-function", Statement, "function_name", ["aws_lambda_function"], "";
    "aws_lambda_layer_version" => "lambda-layer", Own, "layer_name", [], "";
    "aws_lambda_layer_version_permission" => "lambda-layer", Statement, "layer_name", ["aws_lambda_layer_version"], "";
    "aws_sqs_queue" => "sqs-queue", Own, "name", [], "policy";
    "aws_sqs_queue_policy" => "sqs-queue", Policy, "queue_url", ["aws_sqs_queue"], "policy";
    "aws_sns_topic" => "sns-topic", Own, "name", [], "policy";
    "aws_sns_topic_policy" => "sns-topic", Policy, "arn", ["aws_sns_topic"], "policy";
    "aws_secretsmanager_secret" => "secretsmanager-secret", Own, "name", [], "policy";
    "aws_secretsmanager_secret_policy" => "secretsmanager-secret", Policy, "secret_arn", ["aws_secretsmanager_secret"], "policy";
    "aws_efs_file_system" => "efs-file-system", Own, "id", [], "";
    "aws_efs_file_system_policy" => "efs-file-system", Policy, "file_system_id", ["aws_efs_file_system"], "policy";
    "aws_dynamodb_table" => "dynamodb-table", Own, "name", [], "";
    "aws_dynamodb_resource_policy" => "dynamodb-table", Policy, "resource_arn", ["aws_dynamodb_table"], "policy";
    "aws_kinesis_stream" => "kinesis-stream", Own, "name", [], "";
    "aws_kinesis_stream_consumer" => "kinesis-consumer", Own, "name", [], "";
    "aws_kinesis_resource_policy" => "kinesis-stream", Policy, "resource_arn", ["aws_kinesis_stream", "aws_kinesis_stream_consumer"], "policy";
    "aws_opensearch_domain" => "opensearch-domain", Own, "domain_name", [], "access_policies";
    "aws_opensearch_domain_policy" => "opensearch-domain", Policy, "domain_name", ["aws_opensearch_domain"], "access_policies";
    "aws_elasticsearch_domain" => "opensearch-domain", Own, "domain_name", [], "access_policies";
    "aws_elasticsearch_domain_policy" => "opensearch-domain", Policy, "domain_name", ["aws_elasticsearch_domain"], "access_policies";
    "aws_backup_vault" => "backup-vault", Own, "name", [], "";
    "aws_backup_vault_policy" => "backup-vault", Policy, "backup_vault_name", ["aws_backup_vault"], "policy";
    "aws_codeartifact_domain" => "codeartifact-domain", Own, "domain", [], "";
    "aws_codeartifact_domain_permissions_policy" => "codeartifact-domain", Policy, "domain", ["aws_codeartifact_domain"], "policy_document";
    "aws_api_gateway_rest_api" => "api-gateway-rest-api", Own, "id", [], "policy";
    "aws_api_gateway_rest_api_policy" => "api-gateway-rest-api", Policy, "rest_api_id", ["aws_api_gateway_rest_api"], "policy";
    "aws_glacier_vault" => "glacier-vault", Own, "name", [], "access_policy";
    "aws_ebs_snapshot" => "ebs-snapshot", Own, "id", [], "";
    "aws_snapshot_create_volume_permission" => "ebs-snapshot", Share, "snapshot_id", ["aws_ebs_snapshot"], "account_id";
    "aws_db_snapshot" => "rds-snapshot", Own, "db_snapshot_identifier", [], "shared_accounts";
    "aws_db_cluster_snapshot" => "rds-cluster-snapshot", Own, "db_cluster_snapshot_identifier", [], "shared_accounts";
];

fn tf_type(tf: &str) -> Option<&'static TfType> {
    TF.iter().find(|t| t.tf == tf)
}

/// Whether a Terraform type is read by [`Plan::shared`].
pub(super) fn is_shared(tf: &str) -> bool {
    tf_type(tf).is_some()
}

/// Whether a Terraform type is a resource others refer to (read first).
pub(super) fn is_parent(tf: &str) -> bool {
    tf_type(tf).is_some_and(|t| t.role == Role::Own)
}

/// The policy attribute of a Terraform type of the generic model, when it has one that
/// holds a policy document (not a sharing attribute).
pub(super) fn policy_attribute(tf: &str) -> Option<&'static str> {
    let t = tf_type(tf)?;
    let document = matches!(t.role, Role::Own | Role::Policy)
        && !t.policy.is_empty()
        && by_id(t.ty).is_some_and(|ty| ty.shared_by.is_none());
    document.then_some(t.policy)
}

/// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` → (region, account, name).
fn queue_url(url: &str) -> Option<(&str, &str, &str)> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let region = host.strip_prefix("sqs.")?.split('.').next()?;
    let (account, name) = path.trim_end_matches('/').split_once('/')?;
    is_account_id(account).then_some((region, account, name))
}

impl Plan<'_, '_> {
    /// The resource a plan's resource `r` of type `t` is about.
    fn shared_target(&mut self, r: usize, t: &TfType) -> Option<Resource> {
        let ty = by_id(t.ty)?;
        let at = self.prov(self.res[r].at.clone());
        if t.role == Role::Own {
            if let Some(arn) = self.res[r].s("arn") {
                if let Some(res) = Resource::from_arn(arn, &self.account_of(r, None), at.clone()) {
                    return Some(res);
                }
            }
            let mut name = self.own_name(r, t.target);
            if t.ty == "kinesis-consumer" {
                // A consumer is named within its stream.
                let stream = self
                    .name_via(r, "stream_arn", "aws_kinesis_stream", "name")
                    .map(|s| s.rsplit("stream/").next().unwrap_or(&s).to_owned())
                    .unwrap_or_else(|| "*".to_owned());
                name = format!("{stream}/consumer/{name}");
            }
            let account = self.account_of(r, Some("arn"));
            let region = self.region_of(r, Some("arn"));
            return Some(Resource::new(ty, &account, &region, &name, at));
        }
        let res = &self.res[r];
        let value = res.s(t.target).map(str::to_owned);
        let owner = res.s("domain_owner").map(str::to_owned);
        let resource = match value {
            Some(v) => {
                if let Some((region, account, name)) = queue_url(&v) {
                    Resource::new(ty, account, region, name, at)
                } else if Arn::parse(&v).is_some() {
                    let account = self.account_of(r, None);
                    Resource::from_arn(&v, &account, at)?
                } else {
                    // A name or id; a layer's version is its own attribute.
                    let name = match res.s("version_number") {
                        Some(n) => format!("{v}:{n}"),
                        None => v,
                    };
                    let account = owner.unwrap_or_else(|| self.account_of(r, None));
                    let region = self.region_of(r, None);
                    Resource::new(ty, &account, &region, &name, at)
                }
            }
            None => {
                let addr = res.addr;
                let parent = t
                    .parents
                    .iter()
                    .find_map(|p| self.referenced(addr, t.target, p).map(|x| x.addr));
                let Some(&i) = parent.and_then(|p| self.by_addr.get(p)) else {
                    self.target_unknown(r, t.target, "which resource");
                    return None;
                };
                let parent_type = tf_type(self.res[i].ty)?;
                let mut found = self.shared_target(i, parent_type)?;
                // A DynamoDB table's stream, through `stream_arn`.
                let via_stream = self
                    .config(addr)
                    .and_then(|c| c.get(t.target))
                    .is_some_and(|refs| refs.iter().any(|x| x.ends_with(".stream_arn")));
                if via_stream {
                    if let Some(stream) = by_id("dynamodb-stream") {
                        let name = format!("{}/stream/known-after-apply", found.name);
                        found =
                            Resource::new(stream, &found.account, &found.region, &name, found.at);
                    }
                }
                found.at = self.prov(self.res[r].at.clone());
                found
            }
        };
        // A table of a table bucket: the bucket's ARN, the namespace and the name.
        if t.ty == "s3-table" {
            let res = &self.res[r];
            let (ns, name) = (
                res.s("namespace").unwrap_or("*"),
                res.s("name").unwrap_or("*"),
            );
            let table = by_id("s3-table")?;
            let name = format!("{}/table/{ns}/{name}", resource.name);
            return Some(Resource::new(
                table,
                &resource.account,
                &resource.region,
                &name,
                resource.at,
            ));
        }
        Some(resource)
    }

    /// A resource of the generic model.
    pub(super) fn shared(&mut self, r: usize) {
        let Some(t) = tf_type(self.res[r].ty) else {
            return;
        };
        let Some(mut resource) = self.shared_target(r, t) else {
            return;
        };
        match t.role {
            Role::Own | Role::Policy => {
                let (creates, configured) = {
                    let res = &self.res[r];
                    let configured = !t.policy.is_empty()
                        && (t.role == Role::Policy
                            || self
                                .config(res.addr)
                                .is_some_and(|c| c.contains_key(t.policy))
                            || res.s(t.policy).is_some());
                    (res.creates, configured)
                };
                resource.policy = if configured && resource.ty.shared_by.is_some() {
                    self.shared_accounts(r, t.policy, &resource)
                } else if configured {
                    let name = resource.label();
                    let policy = self.policy(r, t.policy, resource.ty.doc_kind(), &name);
                    match policy {
                        // An empty policy attribute is no policy.
                        Known::Present(p, at) if p.statements.is_empty() => Known::Absent(at),
                        other => other,
                    }
                } else if creates {
                    // A new resource has no policy until one is set.
                    Known::Absent(resource.at.clone())
                } else {
                    Known::NotExported
                };
                self.out.items.push(Item::Resource(Box::new(resource)));
            }
            Role::Statement => self.permission(r, resource),
            Role::Share => self.share(r, t, resource),
        }
    }

    /// `shared_accounts` of an RDS snapshot: the accounts of its `restore` attribute.
    fn shared_accounts(
        &mut self,
        r: usize,
        attr: &str,
        resource: &Resource,
    ) -> Known<crate::policy::Policy> {
        let res = &self.res[r];
        let at = res.ptr(attr);
        if res.is_unknown(attr) {
            let why = self.why(res.addr, attr);
            self.not_evaluated(
                at.clone(),
                format!("the accounts {} is shared with", resource.label()),
                why.clone(),
                false,
            );
            return Known::Unknown(self.prov(at), why);
        }
        let grantees: Vec<(String, Pointer)> = match res.after.get(attr) {
            Some(Json::Array(list)) => list
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some((v.as_str()?.to_owned(), at.index(i))))
                .collect(),
            _ => Vec::new(),
        };
        attribute_policy(resource.ty, &resource.arn, &grantees, &self.file, &at)
            .unwrap_or(Known::NotExported)
    }

    /// The policy being made for `resource`.
    /// One `aws_lambda_permission` or `aws_lambda_layer_version_permission`: a statement.
    fn permission(&mut self, r: usize, resource: Resource) {
        let res = &self.res[r];
        let at = res.at.clone();
        let needed = ["principal", "action"];
        let unknown = needed
            .iter()
            .chain(&[
                "source_arn",
                "source_account",
                "principal_org_id",
                "organization_id",
            ])
            .find(|k| res.is_unknown(k));
        if let Some(k) = unknown {
            let why = self.why(res.addr, k);
            let what = format!("the permission `{}` of {}", res.addr, resource.label());
            self.not_evaluated(res.ptr(k), what, why.clone(), false);
            self.made.unknown(resource, at, why);
            return;
        }
        let statement = LambdaPermission {
            sid: res.s("statement_id").unwrap_or(res.addr),
            principal: res.s("principal"),
            action: res.s("action"),
            resource: match res.s("qualifier") {
                Some(q) => format!("{}:{q}", resource.arn),
                None => resource.arn.clone(),
            },
            source_arn: res.s("source_arn"),
            source_account: res.s("source_account"),
            principal_org_id: res.s("principal_org_id"),
            organization_id: res.s("organization_id"),
            function_url_auth_type: res.s("function_url_auth_type"),
            event_source_token: res.s("event_source_token"),
        }
        .statement(resource.ty);
        self.made.add(resource, statement, at);
    }

    /// One `aws_snapshot_create_volume_permission`: an account the snapshot is shared with.
    fn share(&mut self, r: usize, t: &TfType, resource: Resource) {
        let res = &self.res[r];
        let at = res.ptr(t.policy);
        if res.is_unknown(t.policy) {
            let why = self.why(res.addr, t.policy);
            let what = format!("an account {} is shared with", resource.label());
            self.not_evaluated(at.clone(), what, why.clone(), false);
            self.made.unknown(resource, at, why);
            return;
        }
        let Some(account) = res.s(t.policy).map(str::to_owned) else {
            return;
        };
        // Written as the attribute share it is, once all of them are read.
        self.made.add(resource, json!(account), at);
    }

    /// The policies made of the plan's statements and shares.
    pub(super) fn finish_made(&mut self) {
        let made = std::mem::take(&mut self.made);
        for resource in made.finish(&self.file) {
            self.out.items.push(Item::Resource(Box::new(resource)));
        }
    }

    /// A bucket policy of a directory bucket (`…--x-s3`).
    pub(super) fn directory_bucket_policy(&mut self, r: usize, bucket: &str) {
        let Some(ty) = by_id("s3-directory-bucket") else {
            return;
        };
        let account = self.account_of(r, None);
        let region = self.region_of(r, None);
        let at = self.prov(self.res[r].at.clone());
        let mut resource = Resource::new(ty, &account, &region, bucket, at);
        let name = resource.label();
        resource.policy = self.policy(r, "policy", DocKind::Bucket, &name);
        self.out.items.push(Item::Resource(Box::new(resource)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::resources::{type_of_arn, TYPES};

    #[test]
    fn the_table_and_the_types_name_the_same_terraform_types() {
        for t in TF {
            let ty = by_id(t.ty).unwrap_or_else(|| panic!("{}", t.ty));
            assert!(ty.terraform.contains(&t.tf), "{} lists no {}", ty.id, t.tf);
            for p in t.parents {
                assert!(is_parent(p), "{p}");
            }
        }
        for ty in TYPES {
            for tf in ty.terraform {
                // `aws_s3_bucket_policy` of a directory bucket is read with the buckets'.
                assert!(
                    *tf == "aws_s3_bucket_policy"
                        || TF.iter().any(|t| t.tf == *tf
                            && (t.ty == ty.id || type_of_arn(&ty.arn("1", "r", "x")).is_some())),
                    "{tf}"
                );
            }
        }
        assert_eq!(
            queue_url("https://sqs.eu-west-1.amazonaws.com/111111111111/q"),
            Some(("eu-west-1", "111111111111", "q"))
        );
    }
}
