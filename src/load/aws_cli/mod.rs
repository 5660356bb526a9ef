//! AWS CLI outputs, read as the CLI prints them (docs/semantics.md §9.1), one module per
//! service family: [`iam`], [`s3`], [`ecr`], [`kms`], [`sagemaker`], [`ram`] and [`org`], and one
//! reader for every resource of the generic model ([`resources`]).
//!
//! Each file is recognized by its content ([`crate::load::classify`]); where the content does
//! not say which resource it is about (`{"Policy": "..."}`), its place in the layout
//! ([`crate::load::layout`]) does. A policy document may be a JSON object, a JSON string or a
//! URL-encoded JSON string. Policies are read leniently: a statement with errors is kept so
//! that evaluation fails closed on it, and every error is reported with file and pointer.
//!
//! `{"Error": {"Code": "NoSuchBucketPolicy", …}}` is the marker `scripts/export-account.sh`
//! writes when the CLI answers that a thing does not exist: it makes "there is none" known.
//! Any other error code (`AccessDenied`…) leaves the fact unknown, with the reason.

pub mod ecr;
pub mod iam;
pub mod kms;
pub mod org;
pub mod ram;
pub mod resources;
pub mod s3;
pub mod sagemaker;

use std::sync::Arc;

use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::FileOutput;
use crate::inventory::{Known, Provenance};
use crate::json::{Json, Pointer};
use crate::load::classify::{self, decode_document, FileKind};
use crate::load::layout::{OrgSlot, Place, Slot};
use crate::policy::{DocKind, Origin, Policy};
use crate::rules::doc::DocFacts;
use crate::rules::read_policy;

/// Reads one AWS CLI export (or a raw policy document, or an `org/` file).
pub(crate) fn read_export(json: &Json<'_>, file: &Arc<str>, place: &Place) -> FileOutput {
    let kind = classify::classify(json);
    let mut out = FileOutput::default();
    match place {
        Place::Org { dir, slot } => org::read_org_file(json, kind, file, dir, slot, &mut out),
        Place::Account { account, slot } => {
            read_account_file(json, kind, file, account, slot, &mut out)
        }
        Place::Elsewhere => read_self_describing(json, kind, file, None, &mut out),
    }
    out
}

/// A file below an account folder: its place says which resource a bare export is about.
fn read_account_file(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    account: &str,
    slot: &Slot,
    out: &mut FileOutput,
) {
    let policy_like = matches!(
        kind,
        FileKind::PolicyWrapper
            | FileKind::GroupPolicy
            | FileKind::Document
            | FileKind::RepositoryPolicy
            | FileKind::RegistryPolicy
            | FileKind::ErrorMarker
    );
    match slot {
        Slot::Bucket { bucket, what } => {
            s3::bucket_file(json, kind, file, account, bucket, *what, out)
        }
        Slot::AccountPublicAccessBlock => {
            s3::account_public_access_block(json, kind, file, account, out)
        }
        Slot::Organization => org::membership(json, kind, file, account, out),
        Slot::Repository { region, name } if policy_like => {
            let at = Placed::new(file, account, region, name);
            ecr::repository(json, kind, &at, out)
        }
        Slot::RegistryPolicy { region } if policy_like => {
            ecr::registry_policy(json, kind, file, account, region, out)
        }
        Slot::Key {
            region,
            key_id,
            what,
        } => kms::key_file(json, kind, file, account, region, key_id, *what, out),
        Slot::ModelPackageGroup { region, name } if policy_like => {
            let at = Placed::new(file, account, region, name);
            sagemaker::group_policy(json, kind, &at, out)
        }
        Slot::Resource { region, ty, name } => resources::resource_file(
            json,
            kind,
            &Placed::new(file, account, region, name),
            ty,
            out,
        ),
        _ => read_self_describing(json, kind, file, Some(account), out),
    }
}

/// Where a file's place in the layout puts what it holds: its file, and the account, region
/// and name of the resource.
pub(crate) struct Placed<'a> {
    pub file: &'a Arc<str>,
    pub account: &'a str,
    pub region: &'a str,
    pub name: &'a str,
}

impl<'a> Placed<'a> {
    fn new(file: &'a Arc<str>, account: &'a str, region: &'a str, name: &'a str) -> Placed<'a> {
        Placed {
            file,
            account,
            region,
            name,
        }
    }
}

/// Files whose content says which account and resource they are about; `folder` is the
/// account folder the file sits in, if any.
fn read_self_describing(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    match kind {
        FileKind::AuthorizationDetails => iam::authorization_details(json, file, folder, out),
        FileKind::AccessKeys => iam::access_keys(json, file, folder, out),
        FileKind::DescribeKey => kms::describe_key(json, file, folder, out),
        FileKind::ListGrants => kms::list_grants(json, file, folder, out),
        FileKind::ModelPackageGroup => sagemaker::describe_group(json, file, folder, out),
        k if k.is_ram() => ram::read(json, k, file, folder, out),
        k if k.is_workflow_input() => sagemaker::check_input(out, file, k),
        FileKind::RepositoryPolicy => unrecognized(
            out,
            file,
            kind,
            "does not say its region: put it at `<account>/<region>/ecr/<repository>.json`",
        ),
        k if k.is_organization() => unrecognized(
            out,
            file,
            kind,
            "is an organization file: put it in an `org/` folder (see docs/inventory.md)",
        ),
        FileKind::Unrecognized => unrecognized(out, file, kind, ""),
        _ => unrecognized(
            out,
            file,
            kind,
            "does not say which resource it is about: put it where the layout says (see docs/inventory.md)",
        ),
    }
}

/// A file that cannot be used where it is: an unrecognized file, or a known export in a
/// place that does not say what it is about (`hint` says where it belongs).
pub(crate) fn unrecognized(out: &mut FileOutput, file: &Arc<str>, kind: FileKind, hint: &str) {
    out.problems.push(if kind == FileKind::Unrecognized {
        Diagnostic::in_file(
            &codes::UNRECOGNIZED_FILE,
            file,
            None,
            "unrecognized file: not an export xacct reads",
        )
    } else {
        Diagnostic::in_file(
            &codes::EXPORT_NOT_USED,
            file,
            None,
            format!("the output of `{}` {hint}", kind.command()),
        )
    });
}

/// A self-describing export whose owner is not the account folder it sits in.
pub(crate) fn misplaced(
    out: &mut FileOutput,
    file: &Arc<str>,
    folder: Option<&str>,
    owner: &str,
    at: Pointer,
) {
    out.problems.push(Diagnostic::in_file(
        &codes::EXPORT_IN_WRONG_ACCOUNT,
        file,
        Some(at),
        format!(
            "it belongs to account {owner}, but the file is in the folder of account {}",
            folder.unwrap_or("-")
        ),
    ));
}

/// The policy document inside an export, and its pointer.
pub(crate) fn document_of<'j, 'a>(json: &'j Json<'a>, kind: FileKind) -> (&'j Json<'a>, Pointer) {
    match classify::document(json, kind) {
        Some((at, doc)) => (doc, at),
        None => (json, Pointer::root()),
    }
}

pub(crate) fn str_at<'j>(json: &'j Json<'_>, key: &str) -> Option<&'j str> {
    json.get(key).and_then(Json::as_str)
}

pub(crate) fn bool_at(json: &Json<'_>, key: &str) -> Option<bool> {
    match json.get(key) {
        Some(Json::Bool(b)) => Some(*b),
        _ => None,
    }
}

pub(crate) fn array_at<'j, 'a>(json: &'j Json<'a>, key: &str) -> &'j [Json<'a>] {
    match json.get(key) {
        Some(Json::Array(a)) => a,
        _ => &[],
    }
}

/// Reads a policy document found at `at` in `file`: an object, a JSON string or a
/// URL-encoded JSON string, validated as a document of `kind` ([`crate::rules::read_policy`]).
/// A document that AWS would reject is kept with its defects (decisions that depend on it are
/// not verified) and named in a warning; one that is not JSON at all, or has no usable shape,
/// is [`Known::Unknown`] and an error. `home` is the account and region of the export's
/// folder, for the rules that read them (as the lint of the same file does).
pub(crate) fn policy_at(
    json: &Json<'_>,
    at: &Pointer,
    file: &Arc<str>,
    kind: DocKind,
    name: Option<Arc<str>>,
    home: Option<(&str, &str)>,
    problems: &mut Vec<Diagnostic>,
) -> Known<Policy> {
    let prov = Provenance::at(file, at.clone());
    let facts = DocFacts {
        account: home.map(|(account, _)| account.to_owned()),
        region: home.map(|(_, region)| region.to_owned()),
        name: name.as_deref().map(str::to_owned),
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
                    None,
                    &facts,
                ),
                Err(e) => {
                    problems.push(Diagnostic::in_file(
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
            problems.push(Diagnostic::in_file(
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
            problems.push(Diagnostic::in_file(
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

/// The policy an export of `kind` carries, or what its error marker says of it.
pub(crate) fn policy_or_marker(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    doc: DocKind,
    name: &str,
    problems: &mut Vec<Diagnostic>,
) -> Known<Policy> {
    if kind == FileKind::ErrorMarker {
        return error_marker(json, file);
    }
    let (document, at) = document_of(json, kind);
    policy_at(
        document,
        &at,
        file,
        doc,
        Some(Arc::from(name)),
        None,
        problems,
    )
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
pub(crate) fn error_marker<T>(json: &Json<'_>, file: &Arc<str>) -> Known<T> {
    let prov = Provenance::file(file);
    let err = json.get("Error");
    let code = err.and_then(|e| str_at(e, "Code")).unwrap_or("");
    let message = err.and_then(|e| str_at(e, "Message")).unwrap_or("");
    const NONE: [&str; 14] = [
        "NoSuchBucketPolicy",
        "NoSuchAccessPointPolicy",
        "PolicyNotFound",
        "PolicyNotFoundException",
        "NotFoundException",
        "ResourcePolicyNotFoundException",
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

/// Reads org-folder files that are outside an `org/` folder's known slots; used by
/// [`super::org`].
pub(crate) fn org_slot_mismatch(
    out: &mut FileOutput,
    file: &Arc<str>,
    kind: FileKind,
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
    unrecognized(out, file, kind, hint);
}
