//! AWS CLI outputs, read as the CLI prints them (docs/semantics.md §9.1).
//!
//! Each file is recognized by its content first (`UserDetailList` is an IAM export,
//! `KeyMetadata` a `describe-key`…); where the content does not say which resource it is
//! about (`{"Policy": "..."}`), its place in the layout ([`super::layout`]) does. A policy
//! document may be a JSON object, a JSON string or a URL-encoded JSON string. Policies are
//! read leniently: a statement with errors is kept so that evaluation fails closed on it, and
//! every error is reported with file and pointer.
//!
//! `{"Error": {"Code": "NoSuchBucketPolicy", …}}` is the marker `scripts/export-account.sh`
//! writes when the CLI answers that a thing does not exist: it makes "there is none" known.
//! Any other error code (`AccessDenied`…) leaves the fact unknown, with the reason.

use std::sync::Arc;

use super::layout::{BucketFile, KeyFile, OrgSlot, Place, Slot};
use super::problem;
use super::{
    AclGrant, BucketAcl, BucketFact, Encryption, FileOutput, Group, Iam, Item, KeyFact,
    KeyMetadata, Known, ManagedPolicy, Pending, Provenance, Role, User,
};
use crate::arn::{is_account_id, Arn};
use crate::diagnostic::codes;
use crate::diagnostic::Diagnostic;
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::json::{Json, Pointer};
use crate::load::policy_file::decode_document;
use crate::policy::{DocKind, Grant, Origin, Policy};
use crate::rules::doc::DocFacts;
use crate::rules::read_policy;

/// One page of `aws iam get-account-authorization-details`.
#[derive(Debug, Default)]
pub struct IamPage {
    /// `UserDetailList`.
    pub users: Vec<User>,
    /// `GroupDetailList`.
    pub groups: Vec<Group>,
    /// `RoleDetailList`.
    pub roles: Vec<Role>,
    /// `Policies`.
    pub policies: Vec<ManagedPolicy>,
    /// `IsTruncated`.
    pub truncated: bool,
    /// The page.
    pub at: Option<Provenance>,
}

/// Adds a page to an account's IAM export. Pages merge; the export is complete once a
/// page that is not truncated was loaded.
pub(crate) fn merge_iam_page(iam: &mut Iam, page: IamPage) {
    for u in page.users {
        iam.users.insert(u.name.clone(), u);
    }
    for g in page.groups {
        iam.groups.insert(g.name.clone(), g);
    }
    for r in page.roles {
        iam.roles.insert(r.name.clone(), r);
    }
    for p in page.policies {
        iam.policies.insert(p.arn.clone(), p);
    }
    if let Some(at) = page.at {
        iam.pages.push(at);
        if page.truncated {
            iam.truncated_pages += 1;
        } else {
            iam.last_pages += 1;
        }
    }
}

/// What a JSON document is, by its content alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    Gaad,
    DescribeKey,
    ListGrants,
    RepositoryPolicy,
    RegistryPolicy,
    /// `{"Policy": "<doc>"}` (bucket or key policy).
    PolicyWrapper,
    /// `{"ResourcePolicy": "<doc>"}`.
    ResourcePolicy,
    /// A policy document itself.
    Document,
    Ownership,
    PublicAccessBlock,
    Encryption,
    Location,
    Acl,
    ErrorMarker,
    ModelPackageGroup,
    OrgRoots,
    OrgOus,
    OrgAccounts,
    OrgTargets,
    OrgOrganization,
    OrgDescribePolicy,
    OrgListPolicies,
    Unrecognized,
}

impl Content {
    /// The command whose output this is, for messages.
    pub(crate) fn command(self) -> &'static str {
        match self {
            Content::Gaad => "aws iam get-account-authorization-details",
            Content::DescribeKey => "aws kms describe-key",
            Content::ListGrants => "aws kms list-grants",
            Content::RepositoryPolicy => "aws ecr get-repository-policy",
            Content::RegistryPolicy => "aws ecr get-registry-policy",
            Content::PolicyWrapper => "aws s3api get-bucket-policy / aws kms get-key-policy",
            Content::ResourcePolicy => "aws sagemaker get-model-package-group-policy",
            Content::Document => "a policy document",
            Content::Ownership => "aws s3api get-bucket-ownership-controls",
            Content::PublicAccessBlock => "aws s3api get-public-access-block",
            Content::Encryption => "aws s3api get-bucket-encryption",
            Content::Location => "aws s3api get-bucket-location",
            Content::Acl => "aws s3api get-bucket-acl",
            Content::ErrorMarker => "an error marker",
            Content::ModelPackageGroup => "aws sagemaker describe-model-package-group",
            Content::OrgRoots => "aws organizations list-roots",
            Content::OrgOus => "aws organizations list-organizational-units-for-parent",
            Content::OrgAccounts => "aws organizations list-accounts-for-parent",
            Content::OrgTargets => "aws organizations list-targets-for-policy",
            Content::OrgOrganization => "aws organizations describe-organization",
            Content::OrgDescribePolicy => "aws organizations describe-policy",
            Content::OrgListPolicies => "aws organizations list-policies",
            Content::Unrecognized => "an unrecognized document",
        }
    }
}

fn has(json: &Json<'_>, key: &str) -> bool {
    json.get(key).is_some()
}

pub(crate) fn str_at<'j>(json: &'j Json<'_>, key: &str) -> Option<&'j str> {
    json.get(key).and_then(Json::as_str)
}

fn bool_at(json: &Json<'_>, key: &str) -> Option<bool> {
    match json.get(key) {
        Some(Json::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn array_at<'j, 'a>(json: &'j Json<'a>, key: &str) -> &'j [Json<'a>] {
    match json.get(key) {
        Some(Json::Array(a)) => a,
        _ => &[],
    }
}

/// Recognizes a document by its content.
pub(crate) fn classify(json: &Json<'_>) -> Content {
    if json.as_object().is_none() {
        return Content::Unrecognized;
    }
    if has(json, "Statement") {
        return Content::Document;
    }
    if has(json, "UserDetailList") || has(json, "RoleDetailList") || has(json, "GroupDetailList") {
        return Content::Gaad;
    }
    if let Some(Json::Array(ps)) = json.get("Policies") {
        let gaad = ps.iter().any(|p| has(p, "PolicyVersionList"))
            || (ps.is_empty() && has(json, "IsTruncated"));
        return if gaad {
            Content::Gaad
        } else {
            Content::OrgListPolicies
        };
    }
    if has(json, "KeyMetadata") {
        return Content::DescribeKey;
    }
    if has(json, "policyText") {
        return if has(json, "repositoryName") {
            Content::RepositoryPolicy
        } else {
            Content::RegistryPolicy
        };
    }
    if let Some(p) = json.get("Policy") {
        return match p {
            Json::Object(_) if has(p, "Content") || has(p, "PolicySummary") => {
                Content::OrgDescribePolicy
            }
            _ => Content::PolicyWrapper,
        };
    }
    if has(json, "ResourcePolicy") {
        return Content::ResourcePolicy;
    }
    if has(json, "Owner") && has(json, "Grants") {
        return Content::Acl;
    }
    if has(json, "Grants") {
        return Content::ListGrants;
    }
    if has(json, "OwnershipControls") {
        return Content::Ownership;
    }
    if has(json, "PublicAccessBlockConfiguration") {
        return Content::PublicAccessBlock;
    }
    if has(json, "ServerSideEncryptionConfiguration") {
        return Content::Encryption;
    }
    if has(json, "LocationConstraint") {
        return Content::Location;
    }
    if json.get("Error").is_some_and(|e| has(e, "Code")) {
        return Content::ErrorMarker;
    }
    if has(json, "ModelPackageGroupArn") {
        return Content::ModelPackageGroup;
    }
    if has(json, "Roots") {
        return Content::OrgRoots;
    }
    if has(json, "OrganizationalUnits") {
        return Content::OrgOus;
    }
    if has(json, "Accounts") {
        return Content::OrgAccounts;
    }
    if has(json, "Targets") {
        return Content::OrgTargets;
    }
    if has(json, "Organization") {
        return Content::OrgOrganization;
    }
    Content::Unrecognized
}

/// Reads a policy document found at `at` in `file`: an object, a JSON string or a
/// URL-encoded JSON string, validated as a document of `kind` ([`crate::rules::read_policy`]).
/// A document that AWS would reject is kept with its defects (decisions that depend on it are
/// not verified) and named in a warning; one that is not JSON at all, or has no usable shape,
/// is [`Known::Unknown`] and an error.
pub(crate) fn policy_at(
    json: &Json<'_>,
    at: &Pointer,
    file: &Arc<str>,
    kind: DocKind,
    name: Option<Arc<str>>,
    problems: &mut Vec<Diagnostic>,
) -> Known<Policy> {
    let prov = Provenance::at(file, at.clone());
    let facts = DocFacts {
        name: name.as_deref().map(str::to_owned),
        ..DocFacts::default()
    };
    let (policy, _) = match json {
        Json::Object(_) => read_policy(
            json,
            kind,
            Origin {
                file: Some(file.clone()),
                name,
                pointer: at.clone(),
                embedded: false,
            },
            None,
            &facts,
        ),
        Json::String(s) => {
            let decoded = decode_document(s);
            // Pointers inside a policy carried as a string are relative to that string.
            match Json::parse(&decoded) {
                Ok(doc) => read_policy(
                    &doc,
                    kind,
                    Origin::embedded(file.clone(), at.clone(), name),
                    Some(&decoded),
                    &facts,
                ),
                Err(e) => {
                    problems.push(problem(
                        &codes::MALFORMED_EXPORT,
                        file,
                        Some(at.clone()),
                        format!("the policy text is not JSON: {e}"),
                    ));
                    return Known::Unknown(prov, "the policy could not be read".to_owned());
                }
            }
        }
        Json::Null => return Known::Absent(prov),
        other => {
            problems.push(problem(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.clone()),
                format!(
                    "expected a policy document (an object or a string), found {}",
                    other.type_name()
                ),
            ));
            return Known::Unknown(prov, "the policy could not be read".to_owned());
        }
    };
    match policy {
        Some(p) => {
            if let Some(first) = p.defects.first() {
                let more = match p.defects.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                };
                problems.push(Diagnostic::new(
                    &codes::DEFECTIVE_POLICY,
                    p.origin.location(&first.pointer),
                    format!(
                        "AWS rejects this {}: {} ({}){more}; decisions that depend on it are not verified",
                        kind.label(),
                        first.message,
                        first.code
                    ),
                ));
            }
            Known::Present(p, prov)
        }
        None => {
            problems.push(problem(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.clone()),
                format!(
                    "not a policy document (a {} needs an object with `Statement`)",
                    kind.label()
                ),
            ));
            Known::Unknown(prov, "the policy could not be read".to_owned())
        }
    }
}

/// An AWS managed policy (`arn:PARTITION:iam::aws:policy/…`) or a customer managed one.
pub(crate) fn managed_kind(arn: &str) -> DocKind {
    if arn.split(':').nth(4) == Some("aws") {
        DocKind::AwsManaged
    } else {
        DocKind::Managed
    }
}

/// The fact an error marker states about the thing it stands for.
fn error_marker<T>(json: &Json<'_>, file: &Arc<str>) -> Known<T> {
    let prov = Provenance::file(file);
    let err = json.get("Error");
    let code = err.and_then(|e| str_at(e, "Code")).unwrap_or("");
    let message = err.and_then(|e| str_at(e, "Message")).unwrap_or("");
    const NONE: [&str; 9] = [
        "NoSuchBucketPolicy",
        "OwnershipControlsNotFoundError",
        "NoSuchPublicAccessBlockConfiguration",
        "ServerSideEncryptionConfigurationNotFoundError",
        "RepositoryPolicyNotFoundException",
        "RegistryPolicyNotFoundException",
        "ResourceNotFound",
        "ResourceNotFoundException",
        "NoSuchBucket",
    ];
    let sagemaker_none = code == "ValidationException"
        && message
            .to_ascii_lowercase()
            .contains("cannot find resource policy");
    if NONE.contains(&code) || sagemaker_none {
        Known::Absent(prov)
    } else {
        Known::Unknown(prov, format!("the export failed: {code}: {message}"))
    }
}

/// Reads one AWS CLI export (or a raw policy document, or an `org/` file).
pub(crate) fn read_export(json: &Json<'_>, file: &Arc<str>, place: &Place) -> FileOutput {
    let content = classify(json);
    let mut out = FileOutput::default();
    match place {
        Place::Org { dir, slot } => {
            super::org::read_org_file(json, content, file, dir, slot, &mut out);
            return out;
        }
        Place::Account { account, slot } => {
            read_account_file(json, content, file, account, slot, &mut out)
        }
        Place::Elsewhere => read_self_describing(json, content, file, None, &mut out),
    }
    out
}

fn unrecognized(out: &mut FileOutput, file: &Arc<str>, content: Content, hint: &str) {
    out.problems.push(if content == Content::Unrecognized {
        problem(
            &codes::UNRECOGNIZED_FILE,
            file,
            None,
            "unrecognized file: not an export xacct reads",
        )
    } else {
        problem(
            &codes::EXPORT_NOT_USED,
            file,
            None,
            format!("the output of `{}` {hint}", content.command()),
        )
    });
}

fn read_account_file(
    json: &Json<'_>,
    content: Content,
    file: &Arc<str>,
    account: &str,
    slot: &Slot,
    out: &mut FileOutput,
) {
    let policy_like = matches!(
        content,
        Content::PolicyWrapper
            | Content::ResourcePolicy
            | Content::Document
            | Content::RepositoryPolicy
            | Content::RegistryPolicy
            | Content::ErrorMarker
    );
    match slot {
        Slot::Bucket { bucket, what } => {
            let account = account.to_owned();
            let bucket = bucket.clone();
            let fact = match (content, what) {
                (Content::ErrorMarker, what) => Some(match what {
                    BucketFile::Policy => BucketFact::Policy(error_marker(json, file)),
                    BucketFile::Location => BucketFact::Region(error_marker(json, file)),
                    BucketFile::Encryption => BucketFact::Encryption(error_marker(json, file)),
                    BucketFile::Ownership => BucketFact::Ownership(error_marker(json, file)),
                    BucketFile::PublicAccessBlock => {
                        BucketFact::PublicAccessBlock(error_marker(json, file))
                    }
                    BucketFile::Acl => BucketFact::Acl(error_marker(json, file)),
                }),
                (Content::PolicyWrapper | Content::Document, BucketFile::Policy) => {
                    let (doc, at) = document_of(json, content);
                    Some(BucketFact::Policy(policy_at(
                        doc,
                        &at,
                        file,
                        DocKind::Bucket,
                        Some(Arc::from(bucket.as_str())),
                        &mut out.problems,
                    )))
                }
                (Content::Ownership, _) => Some(BucketFact::Ownership(ownership(json, file, out))),
                (Content::PublicAccessBlock, _) => Some(BucketFact::PublicAccessBlock(
                    public_access_block(json, file, out),
                )),
                (Content::Encryption, _) => Some(BucketFact::Encryption(encryption(json, file))),
                (Content::Location, _) => Some(BucketFact::Region(location(json, file))),
                (Content::Acl, _) => Some(BucketFact::Acl(acl(json, file))),
                _ => None,
            };
            match fact {
                Some(fact) => out.items.push(Item::Bucket {
                    account,
                    bucket,
                    fact,
                }),
                None => unrecognized(
                    out,
                    file,
                    content,
                    &format!("does not belong at `s3/{bucket}.…json`"),
                ),
            }
        }
        Slot::AccountPublicAccessBlock => {
            let value = match content {
                Content::PublicAccessBlock => public_access_block(json, file, out),
                Content::ErrorMarker => error_marker(json, file),
                _ => {
                    unrecognized(
                        out,
                        file,
                        content,
                        "does not belong at `s3control/public-access-block.json`",
                    );
                    return;
                }
            };
            out.items.push(Item::AccountPublicAccessBlock {
                account: account.to_owned(),
                value,
            });
        }
        Slot::Repository { region, name } if policy_like => {
            let (policy, name) = match content {
                Content::ErrorMarker => (error_marker(json, file), name.clone()),
                _ => {
                    let (doc, at) = document_of(json, content);
                    let real = str_at(json, "repositoryName").unwrap_or(name).to_owned();
                    if let Some(reg) = str_at(json, "registryId") {
                        if reg != account {
                            out.problems.push(problem(&codes::EXPORT_IN_WRONG_ACCOUNT,
                                file,
                                Some(Pointer::root().key("registryId")),
                                format!("the repository belongs to account {reg}, but the file is in the folder of account {account}"),
                            ));
                            return;
                        }
                    }
                    (
                        policy_at(
                            doc,
                            &at,
                            file,
                            DocKind::Repository,
                            Some(Arc::from(real.as_str())),
                            &mut out.problems,
                        ),
                        real,
                    )
                }
            };
            out.items.push(Item::Repository {
                account: account.to_owned(),
                region: region.clone(),
                name,
                policy,
                at: Provenance::file(file),
            });
        }
        Slot::RegistryPolicy { region } if policy_like => {
            let policy = match content {
                Content::ErrorMarker => error_marker(json, file),
                _ => {
                    let (doc, at) = document_of(json, content);
                    policy_at(
                        doc,
                        &at,
                        file,
                        DocKind::Registry,
                        Some(Arc::from("registry policy")),
                        &mut out.problems,
                    )
                }
            };
            out.items.push(Item::RegistryPolicy {
                account: account.to_owned(),
                region: region.clone(),
                policy,
            });
        }
        Slot::Key {
            region,
            key_id,
            what,
        } => {
            let fact = match (content, what) {
                (Content::ErrorMarker, KeyFile::Policy) => {
                    Some(KeyFact::Policy(error_marker(json, file)))
                }
                (Content::ErrorMarker, KeyFile::Grants) => {
                    Some(KeyFact::Grants(error_marker(json, file)))
                }
                (Content::ErrorMarker, KeyFile::Key) => {
                    Some(KeyFact::Metadata(error_marker(json, file)))
                }
                (Content::PolicyWrapper | Content::Document, KeyFile::Policy) => {
                    let (doc, at) = document_of(json, content);
                    Some(KeyFact::Policy(policy_at(
                        doc,
                        &at,
                        file,
                        DocKind::Key,
                        Some(Arc::from(key_id.as_str())),
                        &mut out.problems,
                    )))
                }
                (Content::ListGrants, _) => {
                    let (grants, pending) = grants(json, file, out);
                    if let Some(p) = pending {
                        out.items.push(Item::Key {
                            account: account.to_owned(),
                            region: region.clone(),
                            key_id: key_id.clone(),
                            fact: KeyFact::Pending(p),
                        });
                    }
                    Some(KeyFact::Grants(grants))
                }
                (Content::DescribeKey, _) => {
                    let (meta, owner) = key_metadata(json, file);
                    if let Some(owner) = owner.filter(|o| o != account) {
                        out.problems.push(problem(&codes::EXPORT_IN_WRONG_ACCOUNT,
                            file,
                            Some(Pointer::root().key("KeyMetadata").key("AWSAccountId")),
                            format!("the key belongs to account {owner}, but the file is in the folder of account {account}"),
                        ));
                        return;
                    }
                    Some(KeyFact::Metadata(meta))
                }
                _ => None,
            };
            match fact {
                Some(fact) => out.items.push(Item::Key {
                    account: account.to_owned(),
                    region: region.clone(),
                    key_id: key_id.clone(),
                    fact,
                }),
                None => unrecognized(
                    out,
                    file,
                    content,
                    &format!("does not belong at `{region}/kms/{key_id}.…json`"),
                ),
            }
        }
        Slot::ModelPackageGroup { region, name }
            if policy_like || content == Content::ModelPackageGroup =>
        {
            if content == Content::ModelPackageGroup {
                read_self_describing(json, content, file, Some(account), out);
                return;
            }
            let policy = match content {
                Content::ErrorMarker => error_marker(json, file),
                _ => {
                    let (doc, at) = document_of(json, content);
                    policy_at(
                        doc,
                        &at,
                        file,
                        DocKind::ModelPackageGroup,
                        Some(Arc::from(name.as_str())),
                        &mut out.problems,
                    )
                }
            };
            out.items.push(Item::ModelPackageGroup {
                account: account.to_owned(),
                region: region.clone(),
                name: name.clone(),
                policy: Some(policy),
                at: Provenance::file(file),
            });
        }
        _ => read_self_describing(json, content, file, Some(account), out),
    }
}

/// The policy document inside an export, and its pointer.
fn document_of<'j, 'a>(json: &'j Json<'a>, content: Content) -> (&'j Json<'a>, Pointer) {
    let key = match content {
        Content::PolicyWrapper => "Policy",
        Content::ResourcePolicy => "ResourcePolicy",
        Content::RepositoryPolicy | Content::RegistryPolicy => "policyText",
        _ => return (json, Pointer::root()),
    };
    match json.get(key) {
        Some(doc) => (doc, Pointer::root().key(key)),
        None => (json, Pointer::root()),
    }
}

/// Files whose content says which account and resource they are about.
fn read_self_describing(
    json: &Json<'_>,
    content: Content,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    let misplaced = |out: &mut FileOutput, owner: &str, at: Pointer| {
        out.problems.push(problem(
            &codes::EXPORT_IN_WRONG_ACCOUNT,
            file,
            Some(at),
            format!(
                "it belongs to account {owner}, but the file is in the folder of account {}",
                folder.unwrap_or("-")
            ),
        ));
    };
    match content {
        Content::Gaad => read_gaad(json, file, folder, out),
        Content::DescribeKey => {
            let (meta, owner) = key_metadata(json, file);
            let arn = meta.value().and_then(|m| m.arn.clone());
            let parsed = arn.as_deref().and_then(Arn::parse);
            let (Some(owner), Some(a)) = (owner, parsed) else {
                unrecognized(out, file, content, "names no key ARN and account");
                return;
            };
            if folder.is_some_and(|f| f != owner) {
                misplaced(out, &owner, Pointer::root().key("KeyMetadata"));
                return;
            }
            let Some(key_id) = a.resource.strip_prefix("key/") else {
                unrecognized(out, file, content, "names no key");
                return;
            };
            out.items.push(Item::Key {
                account: owner.clone(),
                region: a.region.to_owned(),
                key_id: key_id.to_owned(),
                fact: KeyFact::Metadata(meta),
            });
        }
        Content::ListGrants => {
            let first_key = array_at(json, "Grants")
                .iter()
                .find_map(|g| str_at(g, "KeyId"))
                .map(str::to_owned);
            let Some((account, region, key_id)) = first_key.as_deref().and_then(key_parts) else {
                unrecognized(
                    out,
                    file,
                    content,
                    "does not say which key it is for: put it at `<account>/<region>/kms/<key-id>.grants.json`",
                );
                return;
            };
            if folder.is_some_and(|f| f != account) {
                misplaced(out, &account, Pointer::root().key("Grants"));
                return;
            }
            let (grants, pending) = grants(json, file, out);
            if let Some(p) = pending {
                out.items.push(Item::Key {
                    account: account.clone(),
                    region: region.clone(),
                    key_id: key_id.clone(),
                    fact: KeyFact::Pending(p),
                });
            }
            out.items.push(Item::Key {
                account,
                region,
                key_id,
                fact: KeyFact::Grants(grants),
            });
        }
        Content::ModelPackageGroup => {
            let arn = str_at(json, "ModelPackageGroupArn").and_then(Arn::parse);
            let Some(a) = arn.filter(|a| a.resource.starts_with("model-package-group/")) else {
                unrecognized(out, file, content, "has no model package group ARN");
                return;
            };
            if folder.is_some_and(|f| f != a.account) {
                misplaced(out, a.account, Pointer::root().key("ModelPackageGroupArn"));
                return;
            }
            let name = a
                .resource
                .strip_prefix("model-package-group/")
                .unwrap_or_default();
            out.items.push(Item::ModelPackageGroup {
                account: a.account.to_owned(),
                region: a.region.to_owned(),
                name: name.to_owned(),
                policy: None,
                at: Provenance::file(file),
            });
        }
        Content::RepositoryPolicy => unrecognized(
            out,
            file,
            content,
            "does not say its region: put it at `<account>/<region>/ecr/<repository>.json`",
        ),
        Content::OrgRoots
        | Content::OrgOus
        | Content::OrgAccounts
        | Content::OrgTargets
        | Content::OrgOrganization
        | Content::OrgDescribePolicy
        | Content::OrgListPolicies => unrecognized(
            out,
            file,
            content,
            "is an organization file: put it in an `org/` folder (see docs/inventory.md)",
        ),
        Content::Unrecognized => unrecognized(out, file, content, ""),
        _ => unrecognized(
            out,
            file,
            content,
            "does not say which resource it is about: put it where the layout says (see docs/inventory.md)",
        ),
    }
}

/// `arn:aws:kms:REGION:ACCOUNT:key/ID` → (account, region, id).
pub(crate) fn key_parts(arn: &str) -> Option<(String, String, String)> {
    let a = Arn::parse(arn)?;
    let id = a.resource.strip_prefix("key/")?;
    is_account_id(a.account).then(|| (a.account.to_owned(), a.region.to_owned(), id.to_owned()))
}

fn ownership(json: &Json<'_>, file: &Arc<str>, out: &mut FileOutput) -> Known<ObjectOwnership> {
    let prov = Provenance::file(file);
    let rules = json
        .get("OwnershipControls")
        .map(|o| array_at(o, "Rules"))
        .unwrap_or_default();
    let value = rules.first().and_then(|r| str_at(r, "ObjectOwnership"));
    match value {
        Some("BucketOwnerEnforced") => Known::Present(ObjectOwnership::BucketOwnerEnforced, prov),
        Some("BucketOwnerPreferred") => Known::Present(ObjectOwnership::BucketOwnerPreferred, prov),
        Some("ObjectWriter") => Known::Present(ObjectOwnership::ObjectWriter, prov),
        other => {
            out.problems.push(problem(&codes::MALFORMED_EXPORT,
                file,
                Some(
                    Pointer::root()
                        .key("OwnershipControls")
                        .key("Rules")
                        .index(0)
                        .key("ObjectOwnership"),
                ),
                format!(
                    "expected `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`, found `{}`",
                    other.unwrap_or("nothing")
                ),
            ));
            Known::Unknown(prov, "the ownership controls could not be read".to_owned())
        }
    }
}

fn public_access_block(
    json: &Json<'_>,
    file: &Arc<str>,
    out: &mut FileOutput,
) -> Known<PublicAccessBlock> {
    let prov = Provenance::file(file);
    let Some(c) = json.get("PublicAccessBlockConfiguration") else {
        return Known::Unknown(prov, "no configuration".to_owned());
    };
    let at = Pointer::root().key("PublicAccessBlockConfiguration");
    let mut flag = |k: &str| match c.get(k) {
        Some(Json::Bool(b)) => *b,
        None => false,
        Some(other) => {
            out.problems.push(problem(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.key(k)),
                format!("expected a boolean, found {}", other.type_name()),
            ));
            false
        }
    };
    Known::Present(
        PublicAccessBlock {
            block_public_acls: flag("BlockPublicAcls"),
            ignore_public_acls: flag("IgnorePublicAcls"),
            block_public_policy: flag("BlockPublicPolicy"),
            restrict_public_buckets: flag("RestrictPublicBuckets"),
        },
        prov,
    )
}

fn encryption(json: &Json<'_>, file: &Arc<str>) -> Known<Encryption> {
    let prov = Provenance::file(file);
    let rule = json
        .get("ServerSideEncryptionConfiguration")
        .map(|c| array_at(c, "Rules"))
        .unwrap_or_default()
        .first();
    let Some(rule) = rule else {
        return Known::Absent(prov);
    };
    let default = rule.get("ApplyServerSideEncryptionByDefault");
    Known::Present(
        Encryption {
            algorithm: default
                .and_then(|d| str_at(d, "SSEAlgorithm"))
                .unwrap_or("AES256")
                .to_owned(),
            kms_key: default
                .and_then(|d| str_at(d, "KMSMasterKeyID"))
                .map(str::to_owned),
            bucket_key: bool_at(rule, "BucketKeyEnabled").unwrap_or(false),
        },
        prov,
    )
}

fn location(json: &Json<'_>, file: &Arc<str>) -> Known<String> {
    let prov = Provenance::file(file);
    let region = match json.get("LocationConstraint") {
        Some(Json::String(s)) if s == "EU" => "eu-west-1".to_owned(),
        Some(Json::String(s)) if !s.is_empty() => s.to_string(),
        // `null` (or empty) means us-east-1.
        _ => "us-east-1".to_owned(),
    };
    Known::Present(region, prov)
}

fn acl(json: &Json<'_>, file: &Arc<str>) -> Known<BucketAcl> {
    let grants = array_at(json, "Grants")
        .iter()
        .map(|g| {
            let grantee = g.get("Grantee");
            let s = |k: &str| grantee.and_then(|e| str_at(e, k));
            AclGrant {
                grantee_type: s("Type").unwrap_or_default().to_owned(),
                grantee: s("ID")
                    .or_else(|| s("URI"))
                    .or_else(|| s("EmailAddress"))
                    .unwrap_or_default()
                    .to_owned(),
                permission: str_at(g, "Permission").unwrap_or_default().to_owned(),
            }
        })
        .collect();
    Known::Present(
        BucketAcl {
            owner: json
                .get("Owner")
                .and_then(|o| str_at(o, "ID"))
                .map(str::to_owned),
            grants,
        },
        Provenance::file(file),
    )
}

fn key_metadata(json: &Json<'_>, file: &Arc<str>) -> (Known<KeyMetadata>, Option<String>) {
    let Some(m) = json.get("KeyMetadata") else {
        return (Known::NotExported, None);
    };
    let s = |k: &str| str_at(m, k).map(str::to_owned);
    (
        Known::Present(
            KeyMetadata {
                arn: s("Arn"),
                key_manager: s("KeyManager"),
                key_state: s("KeyState"),
                enabled: bool_at(m, "Enabled"),
                key_spec: s("KeySpec").or_else(|| s("CustomerMasterKeySpec")),
                multi_region: bool_at(m, "MultiRegion"),
                description: s("Description"),
            },
            Provenance::at(file, Pointer::root().key("KeyMetadata")),
        ),
        s("AWSAccountId"),
    )
}

fn grants(
    json: &Json<'_>,
    file: &Arc<str>,
    out: &mut FileOutput,
) -> (Known<Vec<Grant>>, Option<Pending>) {
    let at = Pointer::root().key("Grants");
    let mut list = Vec::new();
    for (i, g) in array_at(json, "Grants").iter().enumerate() {
        let origin = Origin {
            file: Some(file.clone()),
            name: None,
            pointer: at.index(i),
            embedded: false,
        };
        match Grant::from_json(g, origin) {
            Ok(g) => list.push(g),
            Err(errs) => {
                for e in errs.0 {
                    out.problems.push(problem(
                        &codes::MALFORMED_EXPORT,
                        file,
                        Some(e.pointer.clone()),
                        e.kind.to_string(),
                    ));
                }
            }
        }
    }
    let pending = (bool_at(json, "Truncated") == Some(true)).then(|| Pending {
        what: "grants after this page of `list-grants`".to_owned(),
        why: "the export is truncated (`Truncated` is true)".to_owned(),
        at: Provenance::at(file, Pointer::root().key("Truncated")),
    });
    (Known::Present(list, Provenance::at(file, at)), pending)
}

fn tags(json: &Json<'_>) -> Vec<(String, String)> {
    array_at(json, "Tags")
        .iter()
        .filter_map(|t| Some((str_at(t, "Key")?.to_owned(), str_at(t, "Value")?.to_owned())))
        .collect()
}

fn attached(json: &Json<'_>) -> Vec<String> {
    match json.get("AttachedManagedPolicies") {
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(|p| str_at(p, "PolicyArn").map(str::to_owned))
            .collect(),
        // The CLI's own example shows an object for groups; the model says a list.
        Some(o @ Json::Object(_)) => str_at(o, "PolicyArn")
            .map(|a| vec![a.to_owned()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn inline(
    json: &Json<'_>,
    list: &str,
    owner: &str,
    at: &Pointer,
    file: &Arc<str>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Policy> {
    let mut out = Vec::new();
    for (i, p) in array_at(json, list).iter().enumerate() {
        let name = str_at(p, "PolicyName").unwrap_or("inline");
        let Some(doc) = p.get("PolicyDocument") else {
            problems.push(problem(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.key(list).index(i)),
                "missing `PolicyDocument`",
            ));
            continue;
        };
        let ptr = at.key(list).index(i).key("PolicyDocument");
        let label: Arc<str> = Arc::from(format!("{owner}/{name}"));
        if let Known::Present(p, _) =
            policy_at(doc, &ptr, file, DocKind::Identity, Some(label), problems)
        {
            out.push(p);
        }
    }
    out
}

fn boundary(json: &Json<'_>) -> Option<String> {
    json.get("PermissionsBoundary")
        .and_then(|b| str_at(b, "PermissionsBoundaryArn"))
        .map(str::to_owned)
}

/// Reads one page of `get-account-authorization-details`. The account is the folder's, or
/// (outside the layout) the one the entities' ARNs name.
fn read_gaad(json: &Json<'_>, file: &Arc<str>, folder: Option<&str>, out: &mut FileOutput) {
    let arn_account = |e: &Json<'_>| {
        str_at(e, "Arn")
            .and_then(Arn::parse)
            .map(|a| a.account)
            .filter(|a| is_account_id(a))
            .map(str::to_owned)
    };
    let account = match folder {
        Some(f) => f.to_owned(),
        None => {
            let found = [
                "UserDetailList",
                "RoleDetailList",
                "GroupDetailList",
                "Policies",
            ]
            .iter()
            .flat_map(|k| array_at(json, k).iter())
            .find_map(arn_account);
            match found {
                Some(a) => a,
                None => {
                    unrecognized(
                        out,
                        file,
                        Content::Gaad,
                        "names no account: put it at `<account>/iam.json`",
                    );
                    return;
                }
            }
        }
    };
    let mut page = IamPage {
        truncated: bool_at(json, "IsTruncated") == Some(true),
        at: Some(Provenance::file(file)),
        ..IamPage::default()
    };
    let root = Pointer::root();
    // The well-formed entries of one detail list: each with its name and pointer; an entry
    // without a name, or of another account, is reported and left out.
    let entries = |list: &str, name_key: &str, problems: &mut Vec<Diagnostic>| {
        let list_at = root.key(list);
        let mut out = Vec::new();
        for (i, e) in array_at(json, list).iter().enumerate() {
            let at = list_at.index(i);
            let Some(name) = str_at(e, name_key) else {
                problems.push(problem(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(at),
                    format!("missing `{name_key}`"),
                ));
                continue;
            };
            // AWS managed policies (account `aws`) are listed in every account's export.
            match arn_account(e) {
                Some(a) if a != account && a != "aws" => problems.push(problem(
                    &codes::EXPORT_IN_WRONG_ACCOUNT,
                    file,
                    Some(at.key("Arn")),
                    format!("belongs to account {a}, but the file is for account {account}"),
                )),
                _ => out.push((name, e, at)),
            }
        }
        out
    };
    for (name, u, at) in entries("UserDetailList", "UserName", &mut out.problems) {
        let arn = str_at(u, "Arn")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("arn:aws:iam::{account}:user/{name}"));
        page.users.push(User {
            name: name.to_owned(),
            arn,
            id: str_at(u, "UserId").map(str::to_owned),
            inline: inline(u, "UserPolicyList", name, &at, file, &mut out.problems),
            attached: attached(u),
            groups: array_at(u, "GroupList")
                .iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect(),
            boundary: boundary(u),
            tags: tags(u),
            at: Provenance::at(file, at),
        });
    }
    for (name, g, at) in entries("GroupDetailList", "GroupName", &mut out.problems) {
        page.groups.push(Group {
            name: name.to_owned(),
            arn: str_at(g, "Arn")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("arn:aws:iam::{account}:group/{name}")),
            inline: inline(g, "GroupPolicyList", name, &at, file, &mut out.problems),
            attached: attached(g),
            at: Provenance::at(file, at),
        });
    }
    for (name, r, at) in entries("RoleDetailList", "RoleName", &mut out.problems) {
        let trust = match r.get("AssumeRolePolicyDocument") {
            Some(doc) => policy_at(
                doc,
                &at.key("AssumeRolePolicyDocument"),
                file,
                DocKind::Trust,
                Some(Arc::from(format!("{name} trust policy"))),
                &mut out.problems,
            ),
            None => Known::NotExported,
        };
        page.roles.push(Role {
            name: name.to_owned(),
            arn: str_at(r, "Arn")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("arn:aws:iam::{account}:role/{name}")),
            id: str_at(r, "RoleId").map(str::to_owned),
            trust,
            inline: inline(r, "RolePolicyList", name, &at, file, &mut out.problems),
            attached: attached(r),
            boundary: boundary(r),
            tags: tags(r),
            pending: Vec::new(),
            at: Provenance::at(file, at),
        });
    }
    for (arn, p, at) in entries("Policies", "Arn", &mut out.problems) {
        let default_version = str_at(p, "DefaultVersionId").map(str::to_owned);
        let versions = array_at(p, "PolicyVersionList");
        let chosen = versions.iter().enumerate().find(|(_, v)| {
            bool_at(v, "IsDefaultVersion") == Some(true)
                || (default_version.is_some()
                    && str_at(v, "VersionId") == default_version.as_deref())
        });
        let document = match chosen {
            Some((vi, v)) => match v.get("Document") {
                Some(doc) => policy_at(
                    doc,
                    &at.key("PolicyVersionList").index(vi).key("Document"),
                    file,
                    managed_kind(arn),
                    Some(Arc::from(arn)),
                    &mut out.problems,
                ),
                None => Known::Unknown(
                    Provenance::at(file, at.clone()),
                    "the default version has no `Document`".to_owned(),
                ),
            },
            None => {
                out.problems.push(problem(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(at.key("PolicyVersionList")),
                    format!(
                        "no default version (`DefaultVersionId` {}) in `PolicyVersionList`",
                        default_version.as_deref().unwrap_or("absent")
                    ),
                ));
                Known::Unknown(
                    Provenance::at(file, at.clone()),
                    "its default version is not in the export".to_owned(),
                )
            }
        };
        page.policies.push(ManagedPolicy {
            arn: arn.to_owned(),
            name: str_at(p, "PolicyName").unwrap_or_default().to_owned(),
            default_version,
            document,
            at: Provenance::at(file, at),
        });
    }
    out.items.push(Item::IamPage {
        account,
        page: Box::new(page),
    });
}

/// Reads org-folder files that are outside an `org/` folder's known slots; used by
/// [`super::org`].
pub(crate) fn org_slot_mismatch(
    out: &mut FileOutput,
    file: &Arc<str>,
    content: Content,
    slot: &OrgSlot,
) {
    let hint = match slot {
        OrgSlot::OusOf(_) => {
            "does not belong in `ous/` (expected list-organizational-units-for-parent)"
        }
        OrgSlot::AccountsOf(_) => {
            "does not belong in `accounts/` (expected list-accounts-for-parent)"
        }
        OrgSlot::Policy(_) => "does not belong in `policies/` (expected describe-policy)",
        OrgSlot::TargetsOf(_) => "does not belong in `targets/` (expected list-targets-for-policy)",
        OrgSlot::Other => "does not belong in an `org/` folder",
    };
    unrecognized(out, file, content, hint);
}
