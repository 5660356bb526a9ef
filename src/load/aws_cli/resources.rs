//! Every resource of the generic model ([`crate::inventory::resources`]) from its export at
//! `<account>/<region>/<type>/<name>.json`: the policy is found where the command's output
//! carries it ([`FileKind::document_path`]), or made of the accounts a snapshot is shared
//! with. An output that carries no policy (a queue without a `Policy` attribute, a REST API
//! without `policy`, an empty domain access policy) says there is none; an error marker says
//! there is none, or that the export failed.

use std::sync::Arc;

use super::{array_at, error_marker, policy_at, str_at, unrecognized, Placed};
use crate::inventory::merge::{FileOutput, Item};
use crate::inventory::resources::{attribute_policy, by_id, Resource};
use crate::inventory::{Known, Provenance};
use crate::json::{Json, Pointer};
use crate::load::classify::{self, FileKind};

/// The ARN the output names, where it names one.
fn named_arn<'j>(json: &'j Json<'_>) -> Option<&'j str> {
    let attrs = json.get("Attributes");
    attrs
        .and_then(|a| str_at(a, "QueueArn").or_else(|| str_at(a, "TopicArn")))
        .or_else(|| str_at(json, "ARN"))
        .or_else(|| str_at(json, "BackupVaultArn"))
        .or_else(|| json.get("policy").and_then(|p| str_at(p, "resourceArn")))
        .or_else(|| json.get("DomainStatus").and_then(|d| str_at(d, "ARN")))
}

/// The accounts (or `all`) a snapshot attribute export lists, with their places.
fn shared_with(json: &Json<'_>, kind: FileKind) -> (Pointer, Vec<(String, Pointer)>) {
    if kind == FileKind::SnapshotAttribute {
        let at = Pointer::root().key("CreateVolumePermissions");
        let list = array_at(json, "CreateVolumePermissions")
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let who = str_at(p, "UserId").or_else(|| str_at(p, "Group"))?;
                Some((who.to_owned(), at.index(i)))
            })
            .collect();
        return (at, list);
    }
    for (result, list) in [
        ("DBSnapshotAttributesResult", "DBSnapshotAttributes"),
        (
            "DBClusterSnapshotAttributesResult",
            "DBClusterSnapshotAttributes",
        ),
    ] {
        let Some(r) = json.get(result) else { continue };
        let at = Pointer::root().key(result).key(list);
        for (i, a) in array_at(r, list).iter().enumerate() {
            if str_at(a, "AttributeName") != Some("restore") {
                continue;
            }
            let values = at.index(i).key("AttributeValues");
            let grantees = array_at(a, "AttributeValues")
                .iter()
                .enumerate()
                .filter_map(|(j, v)| Some((v.as_str()?.to_owned(), values.index(j))))
                .collect();
            return (values, grantees);
        }
        return (at, Vec::new());
    }
    (Pointer::root(), Vec::new())
}

/// A file at `<account>/<region>/<type>/<name>.json`.
pub(super) fn resource_file(
    json: &Json<'_>,
    kind: FileKind,
    place: &Placed<'_>,
    ty: &str,
    out: &mut FileOutput,
) {
    let Some(ty) = by_id(ty) else {
        return;
    };
    let (file, account, region) = (place.file, place.account, place.region);
    let at = Provenance::file(file);
    let mut r = Resource::new(ty, account, region, place.name, at.clone());
    // The output's own ARN (a secret's has its random suffix), when it is this account's.
    if let Some(arn) = named_arn(json) {
        if let Some(named) = Resource::from_arn(arn, account, at.clone()) {
            if named.ty.id == ty.id && named.account == account {
                r = named;
            }
        }
    }
    let policy = match kind {
        FileKind::ErrorMarker => Some(error_marker(json, file)),
        FileKind::SnapshotAttribute | FileKind::DbSnapshotAttributes => {
            let (list_at, grantees) = shared_with(json, kind);
            attribute_policy(ty, &r.arn, &grantees, file, &list_at)
        }
        FileKind::Document
        | FileKind::PolicyWrapper
        | FileKind::Attributes
        | FileKind::SecretPolicy
        | FileKind::GroupPolicy
        | FileKind::TablesPolicy
        | FileKind::DomainPermissionsPolicy
        | FileKind::VaultAccessPolicy
        | FileKind::RestApi
        | FileKind::DomainConfig
        | FileKind::DomainStatus => Some(match classify::document(json, kind) {
            // An empty policy text is no policy (what the services print when none is set).
            Some((p, Json::String(s))) if matches!(s.trim(), "" | "{}") => {
                Known::Absent(Provenance::at(file, p))
            }
            Some((p, Json::Object(m))) if m.is_empty() => Known::Absent(Provenance::at(file, p)),
            Some((p, Json::Null)) => Known::Absent(Provenance::at(file, p)),
            Some((p, doc)) => policy_at(
                doc,
                &p,
                file,
                ty.doc_kind(),
                Some(Arc::from(r.label())),
                None,
                &mut out.problems,
            ),
            // The output says there is no policy.
            None => Known::Absent(at),
        }),
        _ => None,
    };
    match policy {
        Some(policy) => {
            r.policy = policy;
            out.items.push(Item::Resource(Box::new(r)));
        }
        None => {
            let hint = format!("does not belong at `{region}/{}/`", ty.id);
            unrecognized(out, file, kind, &hint);
        }
    }
}
