//! Reading an `org/` folder of `aws organizations` outputs into an
//! [`crate::inventory::Organization`] (the layout is in
//! [`crate::inventory::org`]), and an account's own `organization.json` (what
//! `describe-organization` answers in it) into its [`Membership`]. Listing outputs do not
//! name the parent or policy they were asked about, so the file name does
//! ([`crate::load::layout::OrgSlot`]).

use std::sync::Arc;

use super::{org_slot_mismatch, policy_at, str_at};
use crate::arn::{is_account_id, Arn};
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, Item};
use crate::inventory::org::*;
use crate::inventory::{Known, Provenance};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::load::layout::OrgSlot;

fn array<'j, 'a>(json: &'j Json<'a>, key: &str) -> &'j [Json<'a>] {
    match json.get(key) {
        Some(Json::Array(a)) => a,
        _ => &[],
    }
}

/// The error code of an error marker, if `json` is one.
fn error_code<'j>(json: &'j Json<'_>) -> Option<&'j str> {
    json.get("Error").and_then(|e| str_at(e, "Code"))
}

/// Reads `<account>/organization.json`: `describe-organization`'s answer (the account is a
/// member of that organization), or the `AWSOrganizationsNotInUseException` marker (it is in
/// none), or another error (unknown).
pub(crate) fn membership(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    account: &str,
    out: &mut FileOutput,
) {
    let value = match kind {
        FileKind::OrgOrganization => {
            let o = json.get("Organization");
            let s = |k: &str| o.and_then(|o| str_at(o, k)).map(str::to_owned);
            Known::Present(
                Membership {
                    org: s("Id"),
                    management_account: s("MasterAccountId").or_else(|| s("ManagementAccountId")),
                },
                Provenance::at(file, Pointer::root().key("Organization")),
            )
        }
        FileKind::ErrorMarker if error_code(json) == Some(NOT_IN_USE) => {
            Known::Absent(Provenance::file(file))
        }
        FileKind::ErrorMarker => {
            let err = json.get("Error");
            let text = |k: &str| err.and_then(|e| str_at(e, k)).unwrap_or("");
            Known::Unknown(
                Provenance::file(file),
                format!("the export failed: {}: {}", text("Code"), text("Message")),
            )
        }
        _ => return super::unrecognized(
                out,
                file,
                kind,
                "is not what `aws organizations describe-organization` prints (nor its error): `organization.json` in an account folder holds that",
            ),
    };
    out.items.push(Item::OrgMembership {
        account: account.to_owned(),
        value,
    });
}

/// Reads one file of an `org/` folder.
pub(crate) fn read_org_file(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    dir: &str,
    slot: &OrgSlot,
    out: &mut FileOutput,
) {
    let mut items: Vec<OrgItem> = Vec::new();
    let mut push = |item: OrgItem| items.push(item);
    if json
        .get("NextToken")
        .is_some_and(|t| !matches!(t, Json::Null))
    {
        out.problems.push(Diagnostic::in_file(
            &codes::INCOMPLETE_EXPORT,
            file,
            Some(Pointer::root().key("NextToken")),
            "the listing is truncated (`NextToken`): entries after this page are unknown",
        ));
    }
    match (kind, slot) {
        (FileKind::ErrorMarker, OrgSlot::Other) if error_code(json) == Some(NOT_IN_USE) => {
            // The exporting account is in no organization, but an `org/` folder does not say
            // which account that is.
            super::unrecognized(
                out,
                file,
                kind,
                "says the exporting account is in no organization: an `org/` folder does not say which account that is; put it at `<account-id>/organization.json` (as scripts/export-account.sh does), or state it with `check --no-organization ACCOUNT`",
            );
            return;
        }
        (FileKind::OrgRoots, _) => {
            let Some(root) = array(json, "Roots").first() else {
                out.problems.push(Diagnostic::in_file(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(Pointer::root().key("Roots")),
                    "no root",
                ));
                return;
            };
            let Some(id) = str_at(root, "Id") else {
                out.problems.push(Diagnostic::in_file(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(Pointer::root().key("Roots").index(0)),
                    "missing `Id`",
                ));
                return;
            };
            // arn:aws:organizations::MANAGEMENT:root/o-xxxx/r-xxxx
            let arn = str_at(root, "Arn").and_then(Arn::parse);
            let management = arn
                .map(|a| a.account)
                .filter(|a| is_account_id(a))
                .map(str::to_owned);
            let org = arn
                .and_then(|a| a.resource.split('/').nth(1))
                .map(str::to_owned);
            let enabled = array(root, "PolicyTypes")
                .iter()
                .filter(|t| str_at(t, "Status") == Some("ENABLED"))
                .filter_map(|t| str_at(t, "Type").and_then(OrgPolicyType::parse))
                .collect();
            push(OrgItem::Root {
                id: id.to_owned(),
                org,
                management,
                enabled,
            });
        }
        (FileKind::OrgOrganization, _) => {
            let o = json.get("Organization");
            let s = |k: &str| o.and_then(|o| str_at(o, k)).map(str::to_owned);
            push(OrgItem::Organization {
                id: s("Id"),
                management: s("MasterAccountId").or_else(|| s("ManagementAccountId")),
            });
        }
        (FileKind::OrgOus, OrgSlot::OusOf(parent)) => {
            let ous = array(json, "OrganizationalUnits")
                .iter()
                .filter_map(|ou| {
                    Some((
                        str_at(ou, "Id")?.to_owned(),
                        str_at(ou, "Name").unwrap_or_default().to_owned(),
                    ))
                })
                .collect();
            push(OrgItem::Ous {
                parent: parent.clone(),
                ous,
            });
        }
        (FileKind::OrgAccounts, OrgSlot::AccountsOf(parent)) => {
            let at = Pointer::root().key("Accounts");
            let accounts = array(json, "Accounts")
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    Some(OrgAccount {
                        id: str_at(a, "Id")?.to_owned(),
                        name: str_at(a, "Name").map(str::to_owned),
                        status: str_at(a, "Status").map(str::to_owned),
                        at: Provenance::at(file, at.index(i)),
                    })
                })
                .collect();
            push(OrgItem::Accounts {
                parent: parent.clone(),
                accounts,
            });
        }
        (FileKind::OrgDescribePolicy, OrgSlot::Policy(_) | OrgSlot::Other) => {
            let at = Pointer::root().key("Policy");
            let p = json.get("Policy");
            let summary = p.and_then(|p| p.get("PolicySummary"));
            let s = |k: &str| summary.and_then(|s| str_at(s, k));
            let Some(id) = s("Id") else {
                out.problems.push(Diagnostic::in_file(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(at.key("PolicySummary")),
                    "missing `Id`",
                ));
                return;
            };
            let type_name = s("Type").unwrap_or("");
            let Some(kind) = OrgPolicyType::parse(type_name) else {
                out.problems.push(Diagnostic::in_file(
                    &codes::EXPORT_NOT_USED,
                    file,
                    Some(at.key("PolicySummary").key("Type")),
                    format!("a `{type_name}` policy is not an authorization policy: not used"),
                ));
                return;
            };
            let name = s("Name").unwrap_or(id).to_owned();
            let document = match p.and_then(|p| p.get("Content")) {
                Some(c) => policy_at(
                    c,
                    &at.key("Content"),
                    file,
                    kind.kind(),
                    Some(Arc::from(name.as_str())),
                    None,
                    &mut out.problems,
                ),
                None => Known::Unknown(Provenance::at(file, at.clone()), "no `Content`".to_owned()),
            };
            let aws_managed = matches!(
                summary.and_then(|s| s.get("AwsManaged")),
                Some(Json::Bool(true))
            );
            push(OrgItem::Policy(Box::new(OrgPolicy {
                id: id.to_owned(),
                name,
                kind,
                aws_managed,
                document,
                at: Provenance::at(file, at),
            })));
        }
        (FileKind::OrgTargets, OrgSlot::TargetsOf(policy)) => {
            let targets = array(json, "Targets")
                .iter()
                .filter_map(|t| str_at(t, "TargetId").map(str::to_owned))
                .collect();
            push(OrgItem::Targets {
                policy: policy.clone(),
                targets,
            });
        }
        (FileKind::OrgListPolicies, _) => {
            let list = array(json, "Policies")
                .iter()
                .filter_map(|p| {
                    Some((
                        str_at(p, "Id")?.to_owned(),
                        OrgPolicyType::parse(str_at(p, "Type")?)?,
                    ))
                })
                .collect();
            push(OrgItem::Listed(list));
        }
        (kind, slot) => org_slot_mismatch(out, file, kind, slot),
    }
    out.items.extend(items.into_iter().map(|item| Item::Org {
        dir: dir.to_owned(),
        item,
    }));
}
