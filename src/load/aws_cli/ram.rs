//! AWS RAM exports of a share's owner: `get-resource-shares`, `list-resources`,
//! `list-principals`, `list-permission-associations`, `get-permission` and
//! `get-resource-share-associations` (all with `--resource-owner SELF` where the command
//! takes it). Every record names its share, whose ARN names the owner account; a
//! `get-permission` of an AWS managed permission names no account, so it belongs in the
//! owner's account folder. Records of shares another account owns are left out (they say
//! nothing complete about that account).

use std::sync::Arc;

use super::{array_at, bool_at, misplaced, str_at, unrecognized};
use crate::arn::Arn;
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, Item};
use crate::inventory::ram::{
    PermissionDocument, RamItem, Share, SharePermission, SharePrincipal, SharedResource,
};
use crate::inventory::Provenance;
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;

/// The account that owns a share, from its ARN.
fn owner_of(share_arn: &str) -> Option<&str> {
    Arn::parse(share_arn)
        .filter(|a| a.service == "ram" && a.resource.starts_with("resource-share/"))
        .map(|a| a.account)
}

/// Reads one RAM export; `folder` is the account folder it sits in, if any.
pub(super) fn read(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    let (key, what) = match kind {
        FileKind::RamResourceShares => ("resourceShares", "resource share"),
        FileKind::RamResources => ("resources", "shared resource"),
        FileKind::RamPrincipals => ("principals", "principal"),
        FileKind::RamPermissions => ("permissions", "permission"),
        FileKind::RamAssociations => ("resourceShareAssociations", "association"),
        _ => return permission(json, file, folder, out),
    };
    if kind == FileKind::RamResourceShares {
        if let Some(account) = folder {
            out.items.push(Item::Ram {
                account: account.to_owned(),
                item: RamItem::Exported,
            });
        }
    }
    for (i, rec) in array_at(json, key).iter().enumerate() {
        let at = Pointer::root().key(key).index(i);
        let share = str_at(rec, "resourceShareArn").unwrap_or_default();
        let Some(owner) = owner_of(share) else {
            out.problems.push(Diagnostic::in_file(
                &codes::EXPORT_NOT_USED,
                file,
                Some(at),
                format!("this {what} names no resource share ARN (`resourceShareArn`)"),
            ));
            continue;
        };
        if folder.is_some_and(|f| f != owner) {
            // Shared with the folder's account by another: not the owner's whole story.
            continue;
        }
        if kind == FileKind::RamResourceShares && folder.is_none() {
            out.items.push(Item::Ram {
                account: owner.to_owned(),
                item: RamItem::Exported,
            });
        }
        let prov = Provenance::new(file.clone(), at.clone());
        let text = |k: &str| str_at(rec, k).unwrap_or_default().to_owned();
        let item = match kind {
            FileKind::RamResourceShares => RamItem::Share(Share {
                arn: share.to_owned(),
                name: text("name"),
                status: text("status"),
                allow_external: bool_at(rec, "allowExternalPrincipals"),
                at: prov,
            }),
            FileKind::RamResources => RamItem::Resource(SharedResource {
                arn: text("arn"),
                kind: text("type"),
                share: share.to_owned(),
                status: text("status"),
                at: prov,
            }),
            FileKind::RamPrincipals => RamItem::Principal(SharePrincipal {
                id: text("id"),
                share: share.to_owned(),
                external: bool_at(rec, "external"),
                status: None,
                at: prov,
            }),
            FileKind::RamPermissions => {
                // `list-resource-share-permissions` does not name its share.
                RamItem::Permission(SharePermission {
                    arn: text("arn"),
                    version: str_at(rec, "permissionVersion")
                        .or_else(|| str_at(rec, "version"))
                        .map(str::to_owned),
                    share: share.to_owned(),
                    status: str_at(rec, "status").map(str::to_owned),
                    at: prov,
                })
            }
            _ => match str_at(rec, "associationType") {
                Some("PRINCIPAL") => RamItem::Principal(SharePrincipal {
                    id: text("associatedEntity"),
                    share: share.to_owned(),
                    external: bool_at(rec, "external"),
                    status: str_at(rec, "status").map(str::to_owned),
                    at: prov,
                }),
                Some("RESOURCE") => RamItem::Resource(SharedResource {
                    arn: text("associatedEntity"),
                    kind: String::new(),
                    share: share.to_owned(),
                    status: text("status"),
                    at: prov,
                }),
                _ => continue,
            },
        };
        out.items.push(Item::Ram {
            account: owner.to_owned(),
            item,
        });
    }
}

/// `get-permission`: a managed permission's template, in the folder of the account whose
/// shares use it (a customer managed permission's ARN names its account).
fn permission(json: &Json<'_>, file: &Arc<str>, folder: Option<&str>, out: &mut FileOutput) {
    let at = Pointer::root().key("permission");
    let Some(p) = json.get("permission") else {
        return;
    };
    let arn = str_at(p, "arn").unwrap_or_default();
    let named = Arn::parse(arn)
        .map(|a| a.account)
        .filter(|a| crate::arn::is_account_id(a));
    let account = match (folder, named) {
        (Some(f), Some(n)) if f != n => {
            misplaced(out, file, folder, n, at.key("arn"));
            return;
        }
        (Some(f), _) => f,
        (None, Some(n)) => n,
        (None, None) => return unrecognized(
            out,
            file,
            FileKind::RamPermission,
            "does not say whose shares use it: put it in the folder of the account that owns them",
        ),
    };
    let Some(template) = str_at(p, "permission") else {
        out.problems.push(Diagnostic::in_file(
            &codes::EXPORT_NOT_USED,
            file,
            Some(at),
            "the permission has no policy template (`permission`)",
        ));
        return;
    };
    out.items.push(Item::Ram {
        account: account.to_owned(),
        item: RamItem::Document(PermissionDocument {
            arn: arn.to_owned(),
            name: str_at(p, "name").unwrap_or_default().to_owned(),
            version: str_at(p, "version").unwrap_or("1").to_owned(),
            default_version: bool_at(p, "defaultVersion").unwrap_or(false),
            resource_type: str_at(p, "resourceType").unwrap_or_default().to_owned(),
            template: template.to_owned(),
            at: Provenance::new(file.clone(), at.key("permission")),
        }),
    });
}
