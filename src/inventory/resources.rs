//! Resources with a resource-based policy, as one model: a [`Resource`] is a type from the
//! table [`TYPES`], an ARN, an account, a region, a name and a policy. Every type that IAM
//! Access Analyzer analyzes for external access and that has no model of its own (buckets,
//! role trust, KMS keys and grants, ECR repositories and model package groups have theirs)
//! is a row of [`TYPES`]: a new type is a new row, and the readers, the external-access
//! report, `who-can`, the graph and `diff` see it without a line of their own.
//!
//! A resource shared by an attribute rather than a policy (EBS snapshots'
//! `createVolumePermission`, RDS snapshots' `restore`) gets a policy made from the attribute
//! ([`attribute_policy`]): one `Allow` statement per account (or `*` for `all`), placed at
//! the attribute's entry, so that everything downstream reads it as the statement that opens
//! the resource.
//!
//! **Entry point for a reader** (AWS CLI exports, Terraform plans, CloudFormation
//! templates): make a [`Resource`] with [`Resource::new`] (type by [`by_id`], or by ARN with
//! [`type_of_arn`]), set its policy (`load::aws_cli::policy_at` reads a document
//! found in a file; [`attribute_policy`] makes one from shared accounts), and push
//! `Item::Resource(Box::new(resource))` into the file's
//! `FileOutput`. Merging keys it by account and ARN:
//! a later file's known policy replaces an earlier one, and a plan's replaces an export's.

use std::sync::Arc;

use super::{Known, Provenance};
use crate::arn::Arn;
use crate::json::Pointer;
use crate::policy::{DocKind, Origin, Policy, StatementPlace};

/// What an attribute share lets the named accounts do.
#[derive(Debug)]
pub struct SharedBy {
    /// The attribute (`createVolumePermission`).
    pub attribute: &'static str,
    /// The actions it opens.
    pub actions: &'static [&'static str],
}

/// One type of resource with a resource-based policy.
#[derive(Debug)]
pub struct ResourceType {
    /// Kebab-case id (`sns-topic`): the findings' resource type and the export folder
    /// (`<account>/<region>/<id>/<name>.json`).
    pub id: &'static str,
    /// In messages: `SNS topic`.
    pub label: &'static str,
    /// The ARN's service (`sns`).
    pub service: &'static str,
    /// What the ARN's resource part starts with before the name (`function:`).
    pub prefix: &'static str,
    /// Text the resource part holds for this type only, where two types share a prefix
    /// (`/stream/` of a DynamoDB stream).
    pub marker: Option<&'static str>,
    /// Whether the ARN names the account (an EBS snapshot's does not).
    pub account_in_arn: bool,
    /// What a folder level of an export path stands for in the name (`:` for a layer's
    /// `<layer>/<version>.json`).
    pub path_separator: char,
    /// Shared by an attribute instead of a policy.
    pub shared_by: Option<SharedBy>,
    /// The AWS CLI command whose output the export layout reads.
    pub cli: &'static str,
    /// The Terraform resource types read for it.
    pub terraform: &'static [&'static str],
    /// What xacct evaluates of it.
    pub evaluates: &'static str,
}

impl ResourceType {
    /// The ARN of the resource `name` in `account` and `region`.
    pub fn arn(&self, account: &str, region: &str, name: &str) -> String {
        let account = if self.account_in_arn { account } else { "" };
        format!(
            "arn:aws:{}:{region}:{account}:{}{name}",
            self.service, self.prefix
        )
    }

    /// The name an ARN of this type gives (its resource part after the prefix).
    pub fn name_of<'a>(&self, arn: &'a str) -> Option<&'a str> {
        Arn::parse(arn)?.resource.strip_prefix(self.prefix)
    }

    /// The name an export path gives (`names` joined by folder level).
    pub fn name_from_path(&self, joined: &str) -> String {
        joined.replace('/', &self.path_separator.to_string())
    }

    /// The document kind of its policy (what decides its validity).
    pub fn doc_kind(&self) -> DocKind {
        DocKind::Resource
    }
}

const fn t(
    id: &'static str,
    label: &'static str,
    service: &'static str,
    prefix: &'static str,
) -> ResourceType {
    ResourceType {
        id,
        label,
        service,
        prefix,
        marker: None,
        account_in_arn: true,
        path_separator: '/',
        shared_by: None,
        cli: "",
        terraform: &[],
        evaluates: "the resource policy",
    }
}

/// Every type of the generic model.
pub static TYPES: &[ResourceType] = &[
    ResourceType {
        cli: "aws s3api get-bucket-policy --bucket NAME--x-s3",
        terraform: &["aws_s3_directory_bucket", "aws_s3_bucket_policy"],
        evaluates: "the bucket policy of a directory bucket (a name ending in `--x-s3`)",
        ..t("s3-directory-bucket", "S3 directory bucket", "s3express", "bucket/")
    },
    ResourceType {
        cli: "aws s3control get-access-point-policy --account-id ACCOUNT --name NAME",
        terraform: &["aws_s3_access_point", "aws_s3control_access_point_policy"],
        evaluates: "the access point policy (the bucket's policy still applies to requests through it)",
        ..t("s3-access-point", "S3 access point", "s3", "accesspoint/")
    },
    ResourceType {
        cli: "aws s3tables get-table-bucket-policy --table-bucket-arn ARN",
        terraform: &["aws_s3tables_table_bucket", "aws_s3tables_table_bucket_policy"],
        ..t("s3-table-bucket", "S3 table bucket", "s3tables", "bucket/")
    },
    ResourceType {
        marker: Some("/table/"),
        cli: "aws s3tables get-table-policy --table-bucket-arn ARN --namespace NS --name NAME",
        terraform: &["aws_s3tables_table_policy"],
        evaluates: "the table policy (named `<bucket>/table/<namespace>/<name>`)",
        ..t("s3-table", "S3 table", "s3tables", "bucket/")
    },
    ResourceType {
        cli: "aws lambda get-policy --function-name NAME",
        terraform: &["aws_lambda_function", "aws_lambda_permission"],
        evaluates: "the function policy (each `aws_lambda_permission` is one statement, with its `source_arn`, `source_account`, `principal_org_id` and `function_url_auth_type` as conditions)",
        ..t("lambda-function", "Lambda function", "lambda", "function:")
    },
    ResourceType {
        path_separator: ':',
        cli: "aws lambda get-layer-version-policy --layer-name NAME --version-number N",
        terraform: &["aws_lambda_layer_version", "aws_lambda_layer_version_permission"],
        evaluates: "the layer version policy (each permission is one statement; `organization_id` a condition)",
        ..t("lambda-layer", "Lambda layer version", "lambda", "layer:")
    },
    ResourceType {
        cli: "aws sqs get-queue-attributes --queue-url URL --attribute-names Policy QueueArn",
        terraform: &["aws_sqs_queue", "aws_sqs_queue_policy"],
        ..t("sqs-queue", "SQS queue", "sqs", "")
    },
    ResourceType {
        cli: "aws sns get-topic-attributes --topic-arn ARN",
        terraform: &["aws_sns_topic", "aws_sns_topic_policy"],
        ..t("sns-topic", "SNS topic", "sns", "")
    },
    ResourceType {
        cli: "aws secretsmanager get-resource-policy --secret-id NAME",
        terraform: &["aws_secretsmanager_secret", "aws_secretsmanager_secret_policy"],
        ..t("secretsmanager-secret", "Secrets Manager secret", "secretsmanager", "secret:")
    },
    ResourceType {
        cli: "aws efs describe-file-system-policy --file-system-id ID",
        terraform: &["aws_efs_file_system", "aws_efs_file_system_policy"],
        ..t("efs-file-system", "EFS file system", "elasticfilesystem", "file-system/")
    },
    ResourceType {
        cli: "aws dynamodb get-resource-policy --resource-arn TABLE-ARN",
        terraform: &["aws_dynamodb_table", "aws_dynamodb_resource_policy"],
        ..t("dynamodb-table", "DynamoDB table", "dynamodb", "table/")
    },
    ResourceType {
        marker: Some("/stream/"),
        cli: "aws dynamodb get-resource-policy --resource-arn STREAM-ARN",
        terraform: &["aws_dynamodb_resource_policy"],
        ..t("dynamodb-stream", "DynamoDB stream", "dynamodb", "table/")
    },
    ResourceType {
        cli: "aws kinesis get-resource-policy --resource-arn STREAM-ARN",
        terraform: &["aws_kinesis_stream", "aws_kinesis_resource_policy"],
        ..t("kinesis-stream", "Kinesis stream", "kinesis", "stream/")
    },
    ResourceType {
        marker: Some("/consumer/"),
        cli: "aws kinesis get-resource-policy --resource-arn CONSUMER-ARN",
        terraform: &["aws_kinesis_stream_consumer", "aws_kinesis_resource_policy"],
        ..t("kinesis-consumer", "Kinesis stream consumer", "kinesis", "stream/")
    },
    ResourceType {
        cli: "aws opensearch describe-domain-config --domain-name NAME",
        terraform: &[
            "aws_opensearch_domain",
            "aws_opensearch_domain_policy",
            "aws_elasticsearch_domain",
            "aws_elasticsearch_domain_policy",
        ],
        evaluates: "the domain access policy",
        ..t("opensearch-domain", "OpenSearch domain", "es", "domain/")
    },
    ResourceType {
        cli: "aws backup get-backup-vault-access-policy --backup-vault-name NAME",
        terraform: &["aws_backup_vault", "aws_backup_vault_policy"],
        evaluates: "the vault access policy",
        ..t("backup-vault", "Backup vault", "backup", "backup-vault:")
    },
    ResourceType {
        cli: "aws codeartifact get-domain-permissions-policy --domain NAME",
        terraform: &["aws_codeartifact_domain", "aws_codeartifact_domain_permissions_policy"],
        evaluates: "the domain permissions policy",
        ..t("codeartifact-domain", "CodeArtifact domain", "codeartifact", "domain/")
    },
    ResourceType {
        cli: "aws apigateway get-rest-api --rest-api-id ID",
        terraform: &["aws_api_gateway_rest_api", "aws_api_gateway_rest_api_policy"],
        evaluates: "the REST API's resource policy, on `execute-api` ARNs (`arn:aws:execute-api:REGION:ACCOUNT:ID/…`)",
        ..t("api-gateway-rest-api", "API Gateway REST API", "execute-api", "")
    },
    ResourceType {
        cli: "aws glacier get-vault-access-policy --account-id - --vault-name NAME",
        terraform: &["aws_glacier_vault"],
        evaluates: "the vault access policy",
        ..t("glacier-vault", "Glacier vault", "glacier", "vaults/")
    },
    ResourceType {
        account_in_arn: false,
        shared_by: Some(SharedBy {
            attribute: "createVolumePermission",
            actions: &["ec2:CreateVolume", "ec2:CopySnapshot"],
        }),
        cli: "aws ec2 describe-snapshot-attribute --snapshot-id ID --attribute createVolumePermission",
        terraform: &["aws_ebs_snapshot", "aws_snapshot_create_volume_permission"],
        evaluates: "the accounts (or `all`) the snapshot is shared with, as `ec2:CreateVolume` and `ec2:CopySnapshot` for them",
        ..t("ebs-snapshot", "EBS snapshot", "ec2", "snapshot/")
    },
    ResourceType {
        shared_by: Some(SharedBy {
            attribute: "restore",
            actions: &["rds:RestoreDBInstanceFromDBSnapshot", "rds:CopyDBSnapshot"],
        }),
        cli: "aws rds describe-db-snapshot-attributes --db-snapshot-identifier ID",
        terraform: &["aws_db_snapshot"],
        evaluates: "the accounts (or `all`) of the `restore` attribute (`shared_accounts`), as restore and copy for them",
        ..t("rds-snapshot", "RDS snapshot", "rds", "snapshot:")
    },
    ResourceType {
        shared_by: Some(SharedBy {
            attribute: "restore",
            actions: &["rds:RestoreDBClusterFromSnapshot", "rds:CopyDBClusterSnapshot"],
        }),
        cli: "aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier ID",
        terraform: &["aws_db_cluster_snapshot"],
        evaluates: "the accounts (or `all`) of the `restore` attribute (`shared_accounts`), as restore and copy for them",
        ..t("rds-cluster-snapshot", "RDS cluster snapshot", "rds", "cluster-snapshot:")
    },
];

/// The type with this id.
pub fn by_id(id: &str) -> Option<&'static ResourceType> {
    TYPES.iter().find(|t| t.id == id)
}

/// The type of the resource an ARN names (or a part of one names: a request ARN), if it is
/// one of [`TYPES`].
pub fn type_of_arn(arn: &str) -> Option<&'static ResourceType> {
    let a = Arn::parse(arn)?;
    let candidates = TYPES
        .iter()
        .filter(|t| t.service == a.service && a.resource.starts_with(t.prefix));
    let mut plain = None;
    for t in candidates {
        match t.marker {
            Some(m) if a.resource.contains(m) => return Some(t),
            Some(_) => {}
            None => plain = plain.or(Some(t)),
        }
    }
    plain
}

/// A resource with a resource-based policy.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Its type.
    pub ty: &'static ResourceType,
    /// Its ARN.
    pub arn: String,
    /// The account that owns it ([`super::UNKNOWN_ACCOUNT`] for a plan that does not say).
    pub account: String,
    /// Its region (empty when not known).
    pub region: String,
    /// Its name, as messages show it.
    pub name: String,
    /// Its policy (for a type shared by an attribute, the policy made of the attribute).
    pub policy: Known<Policy>,
    /// Where it is known from.
    pub at: Provenance,
}

impl Resource {
    /// A resource of type `ty` named `name`, whose policy is not said (yet).
    pub fn new(
        ty: &'static ResourceType,
        account: &str,
        region: &str,
        name: &str,
        at: Provenance,
    ) -> Resource {
        Resource {
            ty,
            arn: ty.arn(account, region, name),
            account: account.to_owned(),
            region: region.to_owned(),
            name: name.to_owned(),
            policy: Known::NotExported,
            at,
        }
    }

    /// The resource an ARN names (its account and region from the ARN, `account` when the
    /// ARN has none).
    pub fn from_arn(arn: &str, account: &str, at: Provenance) -> Option<Resource> {
        let ty = type_of_arn(arn)?;
        let a = Arn::parse(arn)?;
        let name = ty.name_of(arn)?;
        let owner = if a.account.is_empty() {
            account
        } else {
            a.account
        };
        Some(Resource {
            arn: arn.to_owned(),
            ..Resource::new(ty, owner, a.region, name, at)
        })
    }

    /// In messages: ``SNS topic `events` ``.
    pub fn label(&self) -> String {
        format!("{} `{}`", self.ty.label, self.name)
    }

    /// Whether a request on `arn` is a request on this resource (or on a part of it: an
    /// object through an access point, a function's alias, a stage of an API). An ARN whose
    /// account is unknown to the inventory ([`super::UNKNOWN_ACCOUNT`], or none) matches on
    /// the rest.
    pub fn covers(&self, arn: &str) -> bool {
        let (Some(mine), Some(asked)) = (Arn::parse(&self.arn), Arn::parse(arn)) else {
            return false;
        };
        let account_ok = mine.account == asked.account
            || mine.account.is_empty()
            || mine.account == super::UNKNOWN_ACCOUNT;
        let part = asked.resource.strip_prefix(mine.resource);
        account_ok
            && mine.service == asked.service
            && (mine.region == asked.region || mine.region.is_empty())
            && part.is_some_and(|p| p.is_empty() || p.starts_with('/') || p.starts_with(':'))
    }
}

/// The policy made of an attribute share: one `Allow` statement of the type's actions per
/// grantee (an account id, or `all`: everyone), each placed at its entry in `file`. `None`
/// when the type is not shared by an attribute.
pub fn attribute_policy(
    ty: &'static ResourceType,
    arn: &str,
    grantees: &[(String, Pointer)],
    file: &Arc<str>,
    at: &Pointer,
) -> Option<Known<Policy>> {
    let shared = ty.shared_by.as_ref()?;
    let statements = grantees
        .iter()
        .map(|(g, place)| {
            let principal = if g.eq_ignore_ascii_case("all") {
                serde_json::json!("*")
            } else {
                serde_json::json!({ "AWS": format!("arn:aws:iam::{g}:root") })
            };
            let s = serde_json::json!({
                "Sid": format!("{}-{}", shared.attribute, g),
                "Effect": "Allow",
                "Principal": principal,
                "Action": shared.actions,
                "Resource": arn,
            });
            (s, place.clone())
        })
        .collect();
    let name = format!("{} of {arn}", shared.attribute);
    Some(made_policy(&name, statements, file, at))
}

/// A Lambda permission (`AddPermission`, `AddLayerVersionPermission`) as a template or a
/// plan states it: the one statement AWS adds for it to the function's or the layer
/// version's policy. `None` is a field not given.
#[derive(Debug, Default)]
pub struct LambdaPermission<'a> {
    /// The statement id (the permission's id, or its logical id or address).
    pub sid: &'a str,
    /// An account id, an ARN, a service principal, or `*` (also when not given).
    pub principal: Option<&'a str>,
    /// The action it allows.
    pub action: Option<&'a str>,
    /// The ARN the statement names (a qualifier included).
    pub resource: String,
    /// `AWS:SourceArn` (`ArnLike`).
    pub source_arn: Option<&'a str>,
    /// `AWS:SourceAccount`; this and the rest are `StringEquals` conditions.
    pub source_account: Option<&'a str>,
    /// `aws:PrincipalOrgID`, as a function's permission names it.
    pub principal_org_id: Option<&'a str>,
    /// `aws:PrincipalOrgID`, as a layer's permission names it.
    pub organization_id: Option<&'a str>,
    /// `lambda:FunctionUrlAuthType`.
    pub function_url_auth_type: Option<&'a str>,
    /// `lambda:EventSourceToken`.
    pub event_source_token: Option<&'a str>,
}

impl LambdaPermission<'_> {
    /// The statement on a resource of type `ty` (`lambda-function` or `lambda-layer`, whose
    /// action when none is named is `lambda:GetLayerVersion`).
    pub fn statement(&self, ty: &ResourceType) -> serde_json::Value {
        use serde_json::json;
        let default_action = if ty.id == "lambda-layer" {
            "lambda:GetLayerVersion"
        } else {
            "lambda:InvokeFunction"
        };
        let principal = match self.principal.unwrap_or("*") {
            "*" => json!("*"),
            p if crate::arn::is_account_id(p) => json!({ "AWS": format!("arn:aws:iam::{p}:root") }),
            p if p.starts_with("arn:") => json!({ "AWS": p }),
            p => json!({ "Service": p }),
        };
        let mut conditions = serde_json::Map::new();
        let given = [
            ("ArnLike", "AWS:SourceArn", self.source_arn),
            ("StringEquals", "AWS:SourceAccount", self.source_account),
            ("StringEquals", "aws:PrincipalOrgID", self.principal_org_id),
            ("StringEquals", "aws:PrincipalOrgID", self.organization_id),
            (
                "StringEquals",
                "lambda:FunctionUrlAuthType",
                self.function_url_auth_type,
            ),
            (
                "StringEquals",
                "lambda:EventSourceToken",
                self.event_source_token,
            ),
        ];
        for (op, key, value) in given {
            let Some(v) = value else { continue };
            let entry = conditions.entry(op.to_owned()).or_insert_with(|| json!({}));
            if let Some(m) = entry.as_object_mut() {
                m.insert(key.to_owned(), json!(v));
            }
        }
        let mut statement = json!({
            "Sid": self.sid,
            "Effect": "Allow",
            "Principal": principal,
            "Action": self.action.unwrap_or(default_action),
            "Resource": self.resource,
        });
        if !conditions.is_empty() {
            statement["Condition"] = serde_json::Value::Object(conditions);
        }
        statement
    }
}

/// The policies a file makes of what stands for their statements (Lambda permissions,
/// accounts a snapshot is shared with by attribute), by ARN, until the whole file is read.
#[derive(Debug, Default)]
pub struct MadePolicies(std::collections::BTreeMap<String, Made>);

#[derive(Debug)]
struct Made {
    resource: Resource,
    statements: Vec<(serde_json::Value, Pointer)>,
    /// The first part known only at deploy or after apply: the policy is unknown.
    unknown: Option<(Pointer, String)>,
}

impl MadePolicies {
    fn entry(&mut self, resource: Resource) -> &mut Made {
        self.0.entry(resource.arn.clone()).or_insert_with(|| Made {
            resource,
            statements: Vec::new(),
            unknown: None,
        })
    }

    /// A statement of `resource`'s policy (for a type shared by an attribute, the
    /// grantee's account as a JSON string), found at `at`.
    pub fn add(&mut self, resource: Resource, statement: serde_json::Value, at: Pointer) {
        self.entry(resource).statements.push((statement, at));
    }

    /// A part of `resource`'s policy is unknown (`why`), at `at`: so is the policy.
    pub fn unknown(&mut self, resource: Resource, at: Pointer, why: String) {
        self.entry(resource).unknown.get_or_insert((at, why));
    }

    /// The resources with their policies made, read from `file`.
    pub fn finish(self, file: &Arc<str>) -> Vec<Resource> {
        let mut out = Vec::with_capacity(self.0.len());
        for (_, m) in self.0 {
            let Made {
                mut resource,
                statements,
                unknown,
            } = m;
            let at = resource.at.pointer.clone();
            resource.policy = match unknown {
                Some((at, why)) => Known::Unknown(Provenance::at(file, at), why),
                None if resource.ty.shared_by.is_some() => {
                    let grantees: Vec<(String, Pointer)> = statements
                        .into_iter()
                        .filter_map(|(v, p)| Some((v.as_str()?.to_owned(), p)))
                        .collect();
                    attribute_policy(resource.ty, &resource.arn, &grantees, file, &at)
                        .unwrap_or(Known::NotExported)
                }
                None => {
                    let name = format!("the policy of {}", resource.label());
                    made_policy(&name, statements, file, &at)
                }
            };
            out.push(resource);
        }
        out
    }
}

/// A policy made of statements that stand for other things (attribute shares, Lambda
/// permissions): each statement is placed where the thing it stands for is in `file`, so
/// that messages point there. No statements: there is no policy.
pub fn made_policy(
    name: &str,
    statements: Vec<(serde_json::Value, Pointer)>,
    file: &Arc<str>,
    at: &Pointer,
) -> Known<Policy> {
    let prov = Provenance::at(file, at.clone());
    if statements.is_empty() {
        return Known::Absent(prov);
    }
    let (docs, places): (Vec<_>, Vec<_>) = statements.into_iter().unzip();
    let text = serde_json::json!({"Version": "2012-10-17", "Statement": docs}).to_string();
    let origin = Origin {
        file: Some(file.clone()),
        name: Some(Arc::from(name)),
        pointer: at.clone(),
        embedded: false,
    };
    match Policy::parse_text(&text, DocKind::Resource, origin) {
        Ok(mut p) => {
            for (s, place) in p.statements.iter_mut().zip(places) {
                s.place = StatementPlace::at(place);
            }
            Known::Present(p, prov)
        }
        Err(e) => Known::Unknown(prov, format!("{name} cannot be read: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_found_by_their_arns() {
        let cases = [
            (
                "arn:aws:sns:us-east-1:111111111111:events",
                "sns-topic",
                "events",
            ),
            (
                "arn:aws:lambda:us-east-1:111111111111:function:f",
                "lambda-function",
                "f",
            ),
            (
                "arn:aws:lambda:us-east-1:111111111111:layer:l:3",
                "lambda-layer",
                "l:3",
            ),
            (
                "arn:aws:dynamodb:us-east-1:111111111111:table/t",
                "dynamodb-table",
                "t",
            ),
            (
                "arn:aws:dynamodb:us-east-1:111111111111:table/t/stream/2024-01-01T00:00:00.000",
                "dynamodb-stream",
                "t/stream/2024-01-01T00:00:00.000",
            ),
            (
                "arn:aws:kinesis:us-east-1:111111111111:stream/s",
                "kinesis-stream",
                "s",
            ),
            (
                "arn:aws:kinesis:us-east-1:111111111111:stream/s/consumer/c:1",
                "kinesis-consumer",
                "s/consumer/c:1",
            ),
            (
                "arn:aws:ec2:us-east-1::snapshot/snap-1",
                "ebs-snapshot",
                "snap-1",
            ),
            (
                "arn:aws:rds:us-east-1:111111111111:cluster-snapshot:c",
                "rds-cluster-snapshot",
                "c",
            ),
            (
                "arn:aws:s3:us-east-1:111111111111:accesspoint/ap",
                "s3-access-point",
                "ap",
            ),
        ];
        for (arn, id, name) in cases {
            let t = type_of_arn(arn).unwrap_or_else(|| panic!("{arn}"));
            assert_eq!(t.id, id, "{arn}");
            assert_eq!(t.name_of(arn), Some(name), "{arn}");
        }
        assert!(type_of_arn("arn:aws:s3:::bucket").is_none());
        let ids: std::collections::BTreeSet<&str> = TYPES.iter().map(|t| t.id).collect();
        assert_eq!(ids.len(), TYPES.len());
    }

    #[test]
    fn the_docs_table_names_every_type() {
        let docs = include_str!("../../docs/inventory.md");
        for t in TYPES {
            let row = docs
                .lines()
                .find(|l| l.contains(&format!("`<region>/{}/", t.id)))
                .unwrap_or_else(|| panic!("docs/inventory.md has no row for {}", t.id));
            assert!(row.contains(&format!("`{}`", t.cli)), "{}: {row}", t.id);
            for tf in t.terraform {
                assert!(row.contains(&format!("`{tf}`")), "{}: {tf}", t.id);
            }
        }
    }

    #[test]
    fn a_resource_covers_its_parts() {
        let r = Resource::new(
            by_id("api-gateway-rest-api").unwrap(),
            super::super::UNKNOWN_ACCOUNT,
            "us-east-1",
            "a1b2c3",
            Provenance::default(),
        );
        assert!(r.covers("arn:aws:execute-api:us-east-1:111111111111:a1b2c3/prod/GET/x"));
        assert!(!r.covers("arn:aws:execute-api:us-east-1:111111111111:a1b2c34/prod"));
        let f = Resource::new(
            by_id("lambda-function").unwrap(),
            "111111111111",
            "us-east-1",
            "f",
            Provenance::default(),
        );
        assert!(f.covers("arn:aws:lambda:us-east-1:111111111111:function:f:live"));
        assert!(!f.covers("arn:aws:lambda:us-east-1:222222222222:function:f"));
    }

    #[test]
    fn an_attribute_share_is_a_statement_per_account_at_its_entry() {
        let ty = by_id("ebs-snapshot").unwrap();
        let file: Arc<str> = Arc::from("x.json");
        let at = Pointer::root().key("CreateVolumePermissions");
        let grantees = vec![
            ("222222222222".to_owned(), at.index(0)),
            ("all".to_owned(), at.index(1)),
        ];
        let arn = ty.arn("111111111111", "us-east-1", "snap-1");
        let Some(Known::Present(p, _)) = attribute_policy(ty, &arn, &grantees, &file, &at) else {
            panic!()
        };
        assert_eq!(p.statements.len(), 2);
        assert_eq!(
            p.statements[1].pointer().as_str(),
            "/CreateVolumePermissions/1"
        );
        assert!(p.statements[1].principal.as_ref().unwrap().everyone);
        assert_eq!(
            p.origin.location(&p.statements[0].pointer()).to_string(),
            "x.json: /CreateVolumePermissions/0"
        );
    }
}
