//! KMS exports: a key's policy, grants and metadata (`<account>/<region>/kms/<key-id>.<what>.json`);
//! `list-grants` and `describe-key` also say their key, so they may sit anywhere.

use std::sync::Arc;

use super::{
    array_at, bool_at, document_of, error_marker, misplaced, policy_at, str_at, unrecognized,
};
use crate::arn::{is_account_id, Arn};
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, Item, KeyFact};
use crate::inventory::{KeyMetadata, Known, Pending, Provenance};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::load::layout::KeyFile;
use crate::policy::{DocKind, Grant, Origin};

/// A file at `<account>/<region>/kms/<key-id>.<what>.json`.
#[allow(clippy::too_many_arguments)]
pub(super) fn key_file(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    account: &str,
    region: &str,
    key_id: &str,
    what: KeyFile,
    out: &mut FileOutput,
) {
    let key = |fact: KeyFact| Item::Key {
        account: account.to_owned(),
        region: region.to_owned(),
        key_id: key_id.to_owned(),
        fact,
    };
    let fact = match (kind, what) {
        (FileKind::ErrorMarker, KeyFile::Policy) => Some(KeyFact::Policy(error_marker(json, file))),
        (FileKind::ErrorMarker, KeyFile::Grants) => Some(KeyFact::Grants(error_marker(json, file))),
        (FileKind::ErrorMarker, KeyFile::Key) => Some(KeyFact::Metadata(error_marker(json, file))),
        (FileKind::PolicyWrapper | FileKind::Document, KeyFile::Policy) => {
            let (doc, at) = document_of(json, kind);
            Some(KeyFact::Policy(policy_at(
                doc,
                &at,
                file,
                DocKind::Key,
                Some(Arc::from(key_id)),
                Some((account, region)),
                &mut out.problems,
            )))
        }
        (FileKind::ListGrants, _) => {
            let (grants, pending) = grants(json, file, out);
            if let Some(p) = pending {
                out.items.push(key(KeyFact::Pending(p)));
            }
            Some(KeyFact::Grants(grants))
        }
        (FileKind::DescribeKey, _) => {
            let (meta, owner) = key_metadata(json, file);
            if let Some(owner) = owner.filter(|o| o != account) {
                out.problems.push(Diagnostic::in_file(
                    &codes::EXPORT_IN_WRONG_ACCOUNT,
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
        Some(fact) => out.items.push(key(fact)),
        None => unrecognized(
            out,
            file,
            kind,
            &format!("does not belong at `{region}/kms/{key_id}.…json`"),
        ),
    }
}

/// `describe-key`, anywhere: its ARN names the key.
pub(super) fn describe_key(
    json: &Json<'_>,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    let kind = FileKind::DescribeKey;
    let (meta, owner) = key_metadata(json, file);
    let arn = meta.value().and_then(|m| m.arn.clone());
    let parsed = arn.as_deref().and_then(Arn::parse);
    let (Some(owner), Some(a)) = (owner, parsed) else {
        return unrecognized(out, file, kind, "names no key ARN and account");
    };
    if folder.is_some_and(|f| f != owner) {
        misplaced(
            out,
            file,
            folder,
            &owner,
            Pointer::root().key("KeyMetadata"),
        );
        return;
    }
    let Some(key_id) = a.resource.strip_prefix("key/") else {
        return unrecognized(out, file, kind, "names no key");
    };
    out.items.push(Item::Key {
        account: owner.clone(),
        region: a.region.to_owned(),
        key_id: key_id.to_owned(),
        fact: KeyFact::Metadata(meta),
    });
}

/// `list-grants`, anywhere: its grants name their key.
pub(super) fn list_grants(
    json: &Json<'_>,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    let first_key = array_at(json, "Grants")
        .iter()
        .find_map(|g| str_at(g, "KeyId"))
        .map(str::to_owned);
    let Some((account, region, key_id)) = first_key.as_deref().and_then(key_parts) else {
        return unrecognized(
            out,
            file,
            FileKind::ListGrants,
            "does not say which key it is for: put it at `<account>/<region>/kms/<key-id>.grants.json`",
        );
    };
    if folder.is_some_and(|f| f != account) {
        misplaced(out, file, folder, &account, Pointer::root().key("Grants"));
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

/// `arn:aws:kms:REGION:ACCOUNT:key/ID` → (account, region, id).
pub(crate) fn key_parts(arn: &str) -> Option<(String, String, String)> {
    let a = Arn::parse(arn)?;
    let id = a.resource.strip_prefix("key/")?;
    is_account_id(a.account).then(|| (a.account.to_owned(), a.region.to_owned(), id.to_owned()))
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
                    out.problems.push(Diagnostic::in_file(
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
