//! What a JSON file is, by its content alone: the one classifier every reader uses (the
//! inventory, lint, audit, diff and the policy files of `simulate`). A file's place in the
//! export layout ([`super::layout`]) can say more (which bucket a `{"Policy": …}` is for);
//! what the content says comes first.
//!
//! Also here: how a file's bytes become text ([`decode_text`]: UTF-8 with or without a byte
//! order mark, UTF-16 with one), where the one policy document of an export sits
//! ([`document`]), and how a document carried as a string is decoded ([`decode_document`]).

use std::borrow::Cow;

use crate::json::{Json, Pointer};

/// What a JSON document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A policy document itself (it has `Statement`, or looks like one: see [`classify`]).
    Document,
    /// `aws iam get-account-authorization-details` (one page).
    AuthorizationDetails,
    /// `{"Policy": "<doc>"}`: `s3api get-bucket-policy`, or `kms get-key-policy` (which also
    /// prints `PolicyName`).
    PolicyWrapper,
    /// `ecr get-repository-policy`.
    RepositoryPolicy,
    /// `ecr get-registry-policy`.
    RegistryPolicy,
    /// `sagemaker get-model-package-group-policy` (`ResourcePolicy`).
    GroupPolicy,
    /// `organizations describe-policy`.
    OrgDescribePolicy,
    /// `iam get-role-policy`, `get-user-policy`, `get-group-policy` (`PolicyDocument`).
    InlinePolicy,
    /// `iam get-policy-version` (`PolicyVersion.Document`).
    PolicyVersion,
    /// `iam get-role` (`Role.AssumeRolePolicyDocument`).
    GetRole,
    /// `iam list-access-keys` (`AccessKeyMetadata`).
    AccessKeys,
    /// `kms list-grants`.
    ListGrants,
    /// One `kms create-grant` request (`GranteePrincipal`).
    GrantRequest,
    /// `kms describe-key`.
    DescribeKey,
    /// `s3api get-bucket-ownership-controls`.
    Ownership,
    /// `s3api get-public-access-block`, `s3control get-public-access-block`.
    PublicAccessBlock,
    /// `s3api get-bucket-encryption`.
    Encryption,
    /// `s3api get-bucket-location`.
    Location,
    /// `s3api get-bucket-acl`.
    Acl,
    /// `{"Error": {"Code": …}}`: the marker of an export that failed or found nothing.
    ErrorMarker,
    /// `sagemaker describe-model-package-group`.
    ModelPackageGroup,
    /// `organizations list-roots`.
    OrgRoots,
    /// `organizations list-organizational-units-for-parent`.
    OrgOus,
    /// `organizations list-accounts-for-parent`.
    OrgAccounts,
    /// `organizations list-targets-for-policy`.
    OrgTargets,
    /// `organizations describe-organization`.
    OrgOrganization,
    /// `organizations list-policies`.
    OrgListPolicies,
    /// `sqs get-queue-attributes`, `sns get-topic-attributes` (`Attributes.Policy`).
    Attributes,
    /// `secretsmanager get-resource-policy` (`ResourcePolicy`, with the secret's `ARN`).
    SecretPolicy,
    /// `s3tables get-table-bucket-policy`, `get-table-policy` (`resourcePolicy`).
    TablesPolicy,
    /// `codeartifact get-domain-permissions-policy` (`policy.document`).
    DomainPermissionsPolicy,
    /// `glacier get-vault-access-policy` (`policy.Policy`).
    VaultAccessPolicy,
    /// `apigateway get-rest-api` (`policy`).
    RestApi,
    /// `opensearch describe-domain-config` (`DomainConfig.AccessPolicies.Options`).
    DomainConfig,
    /// `opensearch describe-domain` (`DomainStatus.AccessPolicies`).
    DomainStatus,
    /// `ec2 describe-snapshot-attribute --attribute createVolumePermission`.
    SnapshotAttribute,
    /// `rds describe-db-snapshot-attributes`, `describe-db-cluster-snapshot-attributes`.
    DbSnapshotAttributes,
    /// `terraform show -json` of a plan.
    TerraformPlan,
    /// `terraform show -json` of a state (no plan file given): what exists, not what a plan
    /// will change. Refused, with how to make a plan.
    TerraformState,
    /// `ram get-resource-shares`.
    RamResourceShares,
    /// `ram list-resources`.
    RamResources,
    /// `ram list-principals`.
    RamPrincipals,
    /// `ram list-permission-associations` (or `list-resource-share-permissions`).
    RamPermissions,
    /// `ram get-permission`.
    RamPermission,
    /// `ram get-resource-share-associations`.
    RamAssociations,
    /// The input of `sagemaker create-model-package` (a `check` request, not an export).
    ModelPackageRequest,
    /// A SageMaker pipeline definition, as a pipeline SDK writes it (a `check` request).
    PipelineDefinition,
    /// `sagemaker describe-pipeline-definition-for-execution` (a `check` request).
    PipelineExecutionDefinition,
    /// `sagemaker describe-pipeline` (a `check` request).
    Pipeline,
    /// `sagemaker describe-training-job` (a `check` request).
    TrainingJob,
    /// `sagemaker describe-user-profile` (a `check` request).
    UserProfile,
    /// `sagemaker describe-domain` (a `check` request).
    Domain,
    /// A CloudFormation template (JSON, or YAML read into JSON).
    CloudFormationTemplate,
    /// A file `cdk synth` writes beside its templates (`manifest.json`, `tree.json`, assets).
    CloudAssembly,
    /// None of the above.
    Unrecognized,
}

impl FileKind {
    /// The command whose output this is, for messages.
    pub fn command(self) -> &'static str {
        match self {
            FileKind::Document => "a policy document",
            FileKind::AuthorizationDetails => "aws iam get-account-authorization-details",
            FileKind::PolicyWrapper => "aws s3api get-bucket-policy / aws kms get-key-policy",
            FileKind::RepositoryPolicy => "aws ecr get-repository-policy",
            FileKind::RegistryPolicy => "aws ecr get-registry-policy",
            FileKind::GroupPolicy => "aws sagemaker get-model-package-group-policy",
            FileKind::OrgDescribePolicy => "aws organizations describe-policy",
            FileKind::InlinePolicy => "aws iam get-role-policy",
            FileKind::PolicyVersion => "aws iam get-policy-version",
            FileKind::GetRole => "aws iam get-role",
            FileKind::AccessKeys => "aws iam list-access-keys",
            FileKind::ListGrants => "aws kms list-grants",
            FileKind::GrantRequest => "a kms create-grant request",
            FileKind::DescribeKey => "aws kms describe-key",
            FileKind::Ownership => "aws s3api get-bucket-ownership-controls",
            FileKind::PublicAccessBlock => "aws s3api get-public-access-block",
            FileKind::Encryption => "aws s3api get-bucket-encryption",
            FileKind::Location => "aws s3api get-bucket-location",
            FileKind::Acl => "aws s3api get-bucket-acl",
            FileKind::ErrorMarker => "an error marker",
            FileKind::ModelPackageGroup => "aws sagemaker describe-model-package-group",
            FileKind::OrgRoots => "aws organizations list-roots",
            FileKind::OrgOus => "aws organizations list-organizational-units-for-parent",
            FileKind::OrgAccounts => "aws organizations list-accounts-for-parent",
            FileKind::OrgTargets => "aws organizations list-targets-for-policy",
            FileKind::OrgOrganization => "aws organizations describe-organization",
            FileKind::OrgListPolicies => "aws organizations list-policies",
            FileKind::Attributes => "aws sqs get-queue-attributes / aws sns get-topic-attributes",
            FileKind::SecretPolicy => "aws secretsmanager get-resource-policy",
            FileKind::TablesPolicy => "aws s3tables get-table-bucket-policy / get-table-policy",
            FileKind::DomainPermissionsPolicy => "aws codeartifact get-domain-permissions-policy",
            FileKind::VaultAccessPolicy => "aws glacier get-vault-access-policy",
            FileKind::RestApi => "aws apigateway get-rest-api",
            FileKind::DomainConfig => "aws opensearch describe-domain-config",
            FileKind::DomainStatus => "aws opensearch describe-domain",
            FileKind::SnapshotAttribute => "aws ec2 describe-snapshot-attribute",
            FileKind::DbSnapshotAttributes => "aws rds describe-db-snapshot-attributes",
            FileKind::TerraformPlan => "terraform show -json",
            FileKind::TerraformState => "terraform show -json (of a state)",
            FileKind::RamResourceShares => "aws ram get-resource-shares",
            FileKind::RamResources => "aws ram list-resources",
            FileKind::RamPrincipals => "aws ram list-principals",
            FileKind::RamPermissions => "aws ram list-permission-associations",
            FileKind::RamPermission => "aws ram get-permission",
            FileKind::RamAssociations => "aws ram get-resource-share-associations",
            FileKind::ModelPackageRequest => "a sagemaker create-model-package input",
            FileKind::PipelineDefinition => "a SageMaker pipeline definition",
            FileKind::PipelineExecutionDefinition => {
                "aws sagemaker describe-pipeline-definition-for-execution"
            }
            FileKind::Pipeline => "aws sagemaker describe-pipeline",
            FileKind::TrainingJob => "aws sagemaker describe-training-job",
            FileKind::UserProfile => "aws sagemaker describe-user-profile",
            FileKind::Domain => "aws sagemaker describe-domain",
            FileKind::CloudFormationTemplate => "a CloudFormation template",
            FileKind::CloudAssembly => "cdk synth",
            FileKind::Unrecognized => "an unrecognized document",
        }
    }

    /// Where the one policy document of this kind of export sits; `None` for kinds that
    /// carry none, or many.
    pub fn document_path(self) -> Option<&'static [&'static str]> {
        Some(match self {
            FileKind::Document => &[],
            FileKind::PolicyWrapper => &["Policy"],
            FileKind::RepositoryPolicy | FileKind::RegistryPolicy => &["policyText"],
            FileKind::GroupPolicy => &["ResourcePolicy"],
            FileKind::OrgDescribePolicy => &["Policy", "Content"],
            FileKind::InlinePolicy => &["PolicyDocument"],
            FileKind::PolicyVersion => &["PolicyVersion", "Document"],
            FileKind::GetRole => &["Role", "AssumeRolePolicyDocument"],
            FileKind::Attributes => &["Attributes", "Policy"],
            FileKind::SecretPolicy => &["ResourcePolicy"],
            FileKind::TablesPolicy => &["resourcePolicy"],
            FileKind::DomainPermissionsPolicy => &["policy", "document"],
            FileKind::VaultAccessPolicy => &["policy", "Policy"],
            FileKind::RestApi => &["policy"],
            FileKind::DomainConfig => &["DomainConfig", "AccessPolicies", "Options"],
            FileKind::DomainStatus => &["DomainStatus", "AccessPolicies"],
            _ => return None,
        })
    }

    /// An `aws ram` output.
    pub fn is_ram(self) -> bool {
        matches!(
            self,
            FileKind::RamResourceShares
                | FileKind::RamResources
                | FileKind::RamPrincipals
                | FileKind::RamPermissions
                | FileKind::RamPermission
                | FileKind::RamAssociations
        )
    }

    /// What `xacct check` reads as its request (`--request`), not an export.
    pub fn is_workflow_input(self) -> bool {
        matches!(
            self,
            FileKind::ModelPackageRequest
                | FileKind::PipelineDefinition
                | FileKind::PipelineExecutionDefinition
                | FileKind::Pipeline
                | FileKind::TrainingJob
                | FileKind::UserProfile
                | FileKind::Domain
        )
    }

    /// An `organizations` output (it belongs in an `org/` folder).
    pub fn is_organization(self) -> bool {
        matches!(
            self,
            FileKind::OrgRoots
                | FileKind::OrgOus
                | FileKind::OrgAccounts
                | FileKind::OrgTargets
                | FileKind::OrgOrganization
                | FileKind::OrgDescribePolicy
                | FileKind::OrgListPolicies
        )
    }
}

fn has(json: &Json<'_>, key: &str) -> bool {
    json.get(key).is_some()
}

/// Whether an object's keys look like a policy document's (`Version`, or a key starting with
/// `stat` in any case, as a misspelt `Statment` does): such a file is read as a policy, so
/// that its errors are reported rather than the file skipped.
pub fn looks_like_policy(json: &Json<'_>) -> bool {
    json.as_object().is_some_and(|m| {
        m.iter().any(|(k, _)| {
            let k = k.to_ascii_lowercase();
            k == "version" || k.starts_with("stat")
        })
    })
}

/// The exports of the generic model's resources ([`crate::inventory::resources`]) that no
/// other kind's keys already name.
fn resource_policy_export(json: &Json<'_>) -> Option<FileKind> {
    let secret = json
        .get("ARN")
        .and_then(Json::as_str)
        .is_some_and(|a| a.contains(":secretsmanager:"));
    Some(if has(json, "Attributes") {
        FileKind::Attributes
    } else if secret {
        // A secret without a policy: `get-resource-policy` prints its `ARN` and `Name` only.
        FileKind::SecretPolicy
    } else if has(json, "resourcePolicy") {
        FileKind::TablesPolicy
    } else if json.get("policy").is_some_and(|p| has(p, "document")) {
        FileKind::DomainPermissionsPolicy
    } else if json.get("policy").is_some_and(|p| has(p, "Policy")) {
        FileKind::VaultAccessPolicy
    } else if has(json, "rootResourceId") || has(json, "apiKeySource") {
        FileKind::RestApi
    } else if has(json, "DomainConfig") {
        FileKind::DomainConfig
    } else if has(json, "DomainStatus") {
        FileKind::DomainStatus
    } else if has(json, "CreateVolumePermissions") {
        FileKind::SnapshotAttribute
    } else if has(json, "DBSnapshotAttributesResult")
        || has(json, "DBClusterSnapshotAttributesResult")
    {
        FileKind::DbSnapshotAttributes
    } else {
        return None;
    })
}

/// Keys only a `terraform show -json` of a plan has (every format version, 0.1 to 1.x).
const PLAN_KEYS: [&str; 6] = [
    "resource_changes",
    "planned_values",
    "prior_state",
    "configuration",
    "output_changes",
    "resource_drift",
];

/// Recognizes a document by its content.
pub fn classify(json: &Json<'_>) -> FileKind {
    if json.as_object().is_none() {
        return FileKind::Unrecognized;
    }
    if has(json, "Statement") {
        return FileKind::Document;
    }
    if has(json, "format_version") {
        if PLAN_KEYS.iter().any(|k| has(json, k)) {
            return FileKind::TerraformPlan;
        }
        if has(json, "values") || has(json, "terraform_version") {
            return FileKind::TerraformState;
        }
    }
    if is_template(json) {
        return FileKind::CloudFormationTemplate;
    }
    if is_cloud_assembly(json) {
        return FileKind::CloudAssembly;
    }
    if has(json, "UserDetailList") || has(json, "RoleDetailList") || has(json, "GroupDetailList") {
        return FileKind::AuthorizationDetails;
    }
    if let Some(Json::Array(ps)) = json.get("Policies") {
        let gaad = ps.iter().any(|p| has(p, "PolicyVersionList"))
            || (ps.is_empty() && has(json, "IsTruncated"));
        return if gaad {
            FileKind::AuthorizationDetails
        } else {
            FileKind::OrgListPolicies
        };
    }
    if has(json, "KeyMetadata") {
        return FileKind::DescribeKey;
    }
    if has(json, "policyText") {
        return if has(json, "repositoryName") {
            FileKind::RepositoryPolicy
        } else {
            FileKind::RegistryPolicy
        };
    }
    if let Some(p) = json.get("Policy") {
        return match p {
            Json::Object(_) if has(p, "Content") || has(p, "PolicySummary") => {
                FileKind::OrgDescribePolicy
            }
            _ => FileKind::PolicyWrapper,
        };
    }
    if has(json, "ResourcePolicy") {
        return if has(json, "ARN") || has(json, "Name") {
            FileKind::SecretPolicy
        } else {
            FileKind::GroupPolicy
        };
    }
    if let Some(kind) = resource_policy_export(json) {
        return kind;
    }
    if has(json, "PolicyDocument") {
        return FileKind::InlinePolicy;
    }
    if json
        .get("PolicyVersion")
        .is_some_and(|v| has(v, "Document"))
    {
        return FileKind::PolicyVersion;
    }
    if json
        .get("Role")
        .is_some_and(|r| has(r, "AssumeRolePolicyDocument"))
    {
        return FileKind::GetRole;
    }
    if has(json, "AccessKeyMetadata") {
        return FileKind::AccessKeys;
    }
    if has(json, "Owner") && has(json, "Grants") {
        return FileKind::Acl;
    }
    if has(json, "Grants") {
        return FileKind::ListGrants;
    }
    if has(json, "GranteePrincipal") {
        return FileKind::GrantRequest;
    }
    if has(json, "OwnershipControls") {
        return FileKind::Ownership;
    }
    if has(json, "PublicAccessBlockConfiguration") {
        return FileKind::PublicAccessBlock;
    }
    if has(json, "ServerSideEncryptionConfiguration") {
        return FileKind::Encryption;
    }
    if has(json, "LocationConstraint") {
        return FileKind::Location;
    }
    if json.get("Error").is_some_and(|e| has(e, "Code")) {
        return FileKind::ErrorMarker;
    }
    if has(json, "ModelPackageGroupArn") {
        return FileKind::ModelPackageGroup;
    }
    if let Some(kind) = classify_sagemaker_input(json).or_else(|| classify_ram(json)) {
        return kind;
    }
    if has(json, "Roots") {
        return FileKind::OrgRoots;
    }
    if has(json, "OrganizationalUnits") {
        return FileKind::OrgOus;
    }
    if has(json, "Accounts") {
        return FileKind::OrgAccounts;
    }
    if has(json, "Targets") {
        return FileKind::OrgTargets;
    }
    if has(json, "Organization") {
        return FileKind::OrgOrganization;
    }
    if looks_like_policy(json) {
        return FileKind::Document;
    }
    FileKind::Unrecognized
}

/// The inputs of `check` that describe SageMaker resources.
fn classify_sagemaker_input(json: &Json<'_>) -> Option<FileKind> {
    let kind = if has(json, "TrainingJobArn") {
        FileKind::TrainingJob
    } else if has(json, "UserProfileArn") {
        FileKind::UserProfile
    } else if has(json, "DomainArn") {
        FileKind::Domain
    } else if has(json, "PipelineDefinition") {
        if has(json, "PipelineArn") {
            FileKind::Pipeline
        } else {
            FileKind::PipelineExecutionDefinition
        }
    } else if matches!(json.get("Steps"), Some(Json::Array(_))) {
        FileKind::PipelineDefinition
    } else if has(json, "ModelPackageGroupName") && has(json, "InferenceSpecification") {
        FileKind::ModelPackageRequest
    } else {
        return None;
    };
    Some(kind)
}

/// The `aws ram` outputs.
fn classify_ram(json: &Json<'_>) -> Option<FileKind> {
    let is_array = |key: &str| matches!(json.get(key), Some(Json::Array(_)));
    let kind = if is_array("resourceShares") {
        FileKind::RamResourceShares
    } else if is_array("resourceShareAssociations") {
        FileKind::RamAssociations
    } else if is_array("principals") {
        FileKind::RamPrincipals
    } else if is_array("resources") {
        FileKind::RamResources
    } else if is_array("permissions") {
        FileKind::RamPermissions
    } else if json.get("permission").is_some_and(|p| has(p, "permission")) {
        FileKind::RamPermission
    } else {
        return None;
    };
    Some(kind)
}

/// The policy document inside an export of `kind` and its pointer: the JSON value (an object,
/// or a string holding the policy text). `None` when the kind carries no single document or
/// the value is missing.
pub fn document<'j, 'a>(json: &'j Json<'a>, kind: FileKind) -> Option<(Pointer, &'j Json<'a>)> {
    let path = kind.document_path()?;
    let mut at = Pointer::root();
    let mut cur = json;
    for key in path {
        cur = cur.get(key)?;
        at = at.key(key);
    }
    Some((at, cur))
}

/// The text of a file: UTF-8, with or without a byte order mark, or UTF-16 (little or big
/// endian) with one, as `terraform show -json > plan.json` writes it in Windows PowerShell.
/// `Err` says why it is no text (for `not UTF-8 text: …`).
pub fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest).map(Cow::Borrowed);
    }
    let (rest, little) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => return utf8(bytes).map(Cow::Borrowed),
    };
    if rest.len() % 2 != 0 {
        return Err("UTF-16 text with an odd number of bytes".to_owned());
    }
    let units = rest.chunks_exact(2).map(|c| match c {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map(Cow::Owned)
        .map_err(|e| format!("invalid UTF-16: {e}"))
}

/// `bytes` as UTF-8 text. Checked with vector instructions; text that fails is checked again
/// by the standard library, whose error says where (`invalid utf-8 sequence of 1 bytes from
/// index 5`).
fn utf8(bytes: &[u8]) -> Result<&str, String> {
    simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| e.to_string())
}

/// A policy document string as the IAM API returns it may be URL-encoded; the CLI decodes it.
/// API Gateway's `get-rest-api` prints its policy with its quotes escaped once more
/// (`{\"Version\":…}`): that is undone too.
pub fn decode_document(s: &str) -> Cow<'_, str> {
    let t = s.trim_start();
    if t.starts_with("{\\\"") {
        if let Ok(d) = serde_json::from_str::<String>(&format!("\"{t}\"")) {
            return Cow::Owned(d);
        }
    }
    if t.starts_with('{') {
        return Cow::Borrowed(s);
    }
    match percent_encoding::percent_decode_str(s).decode_utf8() {
        Ok(d) if d.trim_start().starts_with('{') => Cow::Owned(d.into_owned()),
        _ => Cow::Borrowed(s),
    }
}

/// Whether a document is a CloudFormation template: it says `AWSTemplateFormatVersion`, or
/// its `Resources` are all typed the way a template's are.
pub fn is_template(json: &Json<'_>) -> bool {
    if json.as_object().is_none() {
        return false;
    }
    if json.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match json.get("Resources").and_then(Json::as_object) {
        Some(rs) if !rs.is_empty() => rs.iter().all(|(_, r)| {
            r.get("Type")
                .and_then(Json::as_str)
                .is_some_and(|t| t.contains("::"))
        }),
        _ => false,
    }
}

/// Whether a document is one of the files `cdk synth` writes beside its templates (its
/// `manifest.json`, `tree.json` or an `*.assets.json`).
pub fn is_cloud_assembly(json: &Json<'_>) -> bool {
    json.get("version").is_some_and(|v| v.as_str().is_some())
        && (json.get("artifacts").is_some()
            || json.get("tree").is_some()
            || json.get("files").is_some()
            || json.get("dockerImages").is_some())
        && json.get("Statement").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> FileKind {
        classify(&Json::parse(text).unwrap())
    }

    #[test]
    fn every_export_is_recognized_by_its_content() {
        let cases = [
            (r#"{"Statement": []}"#, FileKind::Document),
            (
                r#"{"Version": "2012-10-17", "Statment": []}"#,
                FileKind::Document,
            ),
            (r#"{"RoleDetailList": []}"#, FileKind::AuthorizationDetails),
            (
                r#"{"Policies": [], "IsTruncated": false}"#,
                FileKind::AuthorizationDetails,
            ),
            (
                r#"{"Policies": [{"Id": "p-1"}]}"#,
                FileKind::OrgListPolicies,
            ),
            (r#"{"Policy": "{}"}"#, FileKind::PolicyWrapper),
            (
                r#"{"Policy": "{}", "PolicyName": "default"}"#,
                FileKind::PolicyWrapper,
            ),
            (
                r#"{"Policy": {"PolicySummary": {}, "Content": "{}"}}"#,
                FileKind::OrgDescribePolicy,
            ),
            (
                r#"{"registryId": "1", "repositoryName": "r", "policyText": "{}"}"#,
                FileKind::RepositoryPolicy,
            ),
            (
                r#"{"registryId": "1", "policyText": "{}"}"#,
                FileKind::RegistryPolicy,
            ),
            (r#"{"ResourcePolicy": "{}"}"#, FileKind::GroupPolicy),
            (
                r#"{"RoleName": "r", "PolicyName": "p", "PolicyDocument": {}}"#,
                FileKind::InlinePolicy,
            ),
            (
                r#"{"PolicyVersion": {"Document": {}}}"#,
                FileKind::PolicyVersion,
            ),
            (
                r#"{"Role": {"AssumeRolePolicyDocument": {}}}"#,
                FileKind::GetRole,
            ),
            (r#"{"Grants": []}"#, FileKind::ListGrants),
            (r#"{"AccessKeyMetadata": []}"#, FileKind::AccessKeys),
            (r#"{"Owner": {}, "Grants": []}"#, FileKind::Acl),
            (
                r#"{"KeyId": "k", "GranteePrincipal": "arn:aws:iam::1:root"}"#,
                FileKind::GrantRequest,
            ),
            (r#"{"KeyMetadata": {}}"#, FileKind::DescribeKey),
            (r#"{"OwnershipControls": {}}"#, FileKind::Ownership),
            (
                r#"{"PublicAccessBlockConfiguration": {}}"#,
                FileKind::PublicAccessBlock,
            ),
            (
                r#"{"ServerSideEncryptionConfiguration": {}}"#,
                FileKind::Encryption,
            ),
            (r#"{"LocationConstraint": null}"#, FileKind::Location),
            (
                r#"{"Error": {"Code": "NoSuchBucketPolicy"}}"#,
                FileKind::ErrorMarker,
            ),
            (
                r#"{"ModelPackageGroupArn": "x"}"#,
                FileKind::ModelPackageGroup,
            ),
            (r#"{"Roots": []}"#, FileKind::OrgRoots),
            (r#"{"OrganizationalUnits": []}"#, FileKind::OrgOus),
            (r#"{"Accounts": []}"#, FileKind::OrgAccounts),
            (r#"{"Targets": []}"#, FileKind::OrgTargets),
            (r#"{"Organization": {}}"#, FileKind::OrgOrganization),
            (
                r#"{"format_version": "1.2", "resource_changes": []}"#,
                FileKind::TerraformPlan,
            ),
            (
                r#"{"format_version": "0.1", "terraform_version": "0.12.31", "planned_values": {}}"#,
                FileKind::TerraformPlan,
            ),
            (
                r#"{"format_version": "1.0", "terraform_version": "1.9.0", "values": {}}"#,
                FileKind::TerraformState,
            ),
            (
                r#"{"Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:1:q"}}"#,
                FileKind::Attributes,
            ),
            (
                r#"{"ARN": "a", "Name": "s", "ResourcePolicy": "{}"}"#,
                FileKind::SecretPolicy,
            ),
            (r#"{"resourcePolicy": "{}"}"#, FileKind::TablesPolicy),
            (
                r#"{"policy": {"resourceArn": "a", "document": "{}"}}"#,
                FileKind::DomainPermissionsPolicy,
            ),
            (
                r#"{"policy": {"Policy": "{}"}}"#,
                FileKind::VaultAccessPolicy,
            ),
            (
                r#"{"id": "a1", "name": "api", "rootResourceId": "r"}"#,
                FileKind::RestApi,
            ),
            (
                r#"{"DomainConfig": {"AccessPolicies": {"Options": ""}}}"#,
                FileKind::DomainConfig,
            ),
            (
                r#"{"CreateVolumePermissions": [], "SnapshotId": "snap-1"}"#,
                FileKind::SnapshotAttribute,
            ),
            (
                r#"{"DBSnapshotAttributesResult": {}}"#,
                FileKind::DbSnapshotAttributes,
            ),
            (r#"{"resourceShares": []}"#, FileKind::RamResourceShares),
            (r#"{"resources": []}"#, FileKind::RamResources),
            (r#"{"principals": []}"#, FileKind::RamPrincipals),
            (r#"{"permissions": []}"#, FileKind::RamPermissions),
            (
                r#"{"permission": {"permission": "{}"}}"#,
                FileKind::RamPermission,
            ),
            (
                r#"{"resourceShareAssociations": []}"#,
                FileKind::RamAssociations,
            ),
            (r#"{"TrainingJobArn": "x"}"#, FileKind::TrainingJob),
            (r#"{"UserProfileArn": "x"}"#, FileKind::UserProfile),
            (r#"{"DomainArn": "x"}"#, FileKind::Domain),
            (
                r#"{"PipelineArn": "x", "PipelineDefinition": "{}"}"#,
                FileKind::Pipeline,
            ),
            (
                r#"{"PipelineDefinition": "{}"}"#,
                FileKind::PipelineExecutionDefinition,
            ),
            (
                r#"{"Version": "2020-12-01", "Steps": []}"#,
                FileKind::PipelineDefinition,
            ),
            (
                r#"{"ModelPackageGroupName": "g", "InferenceSpecification": {}}"#,
                FileKind::ModelPackageRequest,
            ),
            (r#"{"todo": 1}"#, FileKind::Unrecognized),
            (r#"[1]"#, FileKind::Unrecognized),
        ];
        for (text, want) in cases {
            assert_eq!(kind(text), want, "{text}");
        }
    }

    #[test]
    fn documents_are_found_where_each_export_carries_them() {
        let json = Json::parse(r#"{"Policy": {"PolicySummary": {}, "Content": "{}"}}"#).unwrap();
        let (at, doc) = document(&json, FileKind::OrgDescribePolicy).unwrap();
        assert_eq!(at.as_str(), "/Policy/Content");
        assert_eq!(doc.as_str(), Some("{}"));
        assert!(document(&json, FileKind::ListGrants).is_none());
        let enc = "%7B%22Statement%22%3A%5B%5D%7D";
        assert_eq!(decode_document(enc), r#"{"Statement":[]}"#);
        assert_eq!(decode_document("{}"), "{}");
        assert_eq!(
            decode_document(r#"{\"Resource\":\"arn:aws:execute-api:us-east-1:1:a\/*\"}"#),
            r#"{"Resource":"arn:aws:execute-api:us-east-1:1:a/*"}"#
        );
    }

    #[test]
    fn text_in_every_encoding_terraform_writes() {
        let text = r#"{"a":"é"}"#;
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for bytes in [text.as_bytes(), &bom, &le, &be] {
            assert_eq!(decode_text(bytes).unwrap(), text);
        }
        assert!(decode_text(&[0xFF, 0xFE, 0x41]).is_err());
        assert!(decode_text(&[0xC3]).is_err());
    }

    /// UTF-8 text of any length with one byte changed (or none), so that both valid and
    /// invalid text, long enough for the vector loops, are tried.
    fn text_with_a_changed_byte() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        (
            "[a-z\"{}:,é€😀\n ]{0,200}",
            any::<usize>(),
            any::<u8>(),
            any::<bool>(),
        )
            .prop_map(|(text, at, byte, change)| {
                let mut bytes = text.into_bytes();
                if change && !bytes.is_empty() {
                    let i = at % bytes.len();
                    bytes[i] = byte;
                }
                bytes
            })
    }

    proptest::proptest! {
        /// The vector check accepts what the standard library accepts, and refuses the
        /// rest with the standard library's message (which says where the text goes wrong).
        #[test]
        fn utf8_agrees_with_the_standard_library(bytes in text_with_a_changed_byte()) {
            let want = std::str::from_utf8(&bytes).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(utf8(&bytes), want);
        }
    }
}
