//! The resource side of a step decided with an AWS RAM share of a model package group
//! instead of the group's exported policy (scenario steps with `"resource_policy":
//! "ram-share"`). SageMaker documents sharing model package groups through AWS RAM
//! (<https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html>): the owner's
//! share names the group, the principals it is shared with and a managed permission whose
//! template (`Effect`, `Action`, `Condition`) RAM turns into the group's resource policy for
//! those principals, over the group and its versions.
//!
//! From the owner's `aws ram` exports: the share must be `ACTIVE`, the group one of its
//! resources, the caller's account (or its organization, an OU above it, or the caller's
//! role) one of its principals, and each of its permissions' templates exported. A principal
//! outside the organization must have accepted the invitation, which only
//! `get-resource-share-associations` says. Anything missing makes the step not verified.

use super::*;
use crate::diagnostic::Location;
use crate::inventory::ram::{Ram, Share};

/// The resource side a share gives a request.
pub(super) struct SharedSide {
    /// The policy RAM writes for the caller (none: no share admits it).
    pub policy: Option<Policy>,
    /// What the decision rests on, for the report.
    pub notes: Vec<String>,
    /// Where a fix goes: the share's export.
    pub at: Location,
    /// The share (its ARN), or the group when no share names it.
    pub share: String,
}

/// The group a model package group or version ARN belongs to, as an ARN.
fn group_of(resource: &str) -> Option<(String, String)> {
    let a = crate::arn::Arn::parse(resource)?;
    if a.service != "sagemaker" {
        return None;
    }
    let name = a
        .resource
        .strip_prefix("model-package-group/")
        .or_else(|| {
            a.resource
                .strip_prefix("model-package/")
                .and_then(|r| r.split('/').next())
        })?;
    let head = format!("arn:{}:sagemaker:{}:{}", a.partition, a.region, a.account);
    Some((
        format!("{head}:model-package-group/{name}"),
        format!("{head}:model-package/{name}/*"),
    ))
}

/// Whether a share principal (an account id, an organization or OU ARN, a role or user ARN)
/// names the caller; `Err` when the inventory cannot tell.
fn names(inv: &Inventory, id: &str, principal: &Principal) -> Result<bool, String> {
    let account = principal.account().unwrap_or_default();
    if crate::arn::is_account_id(id) {
        return Ok(id == account);
    }
    let role = match principal {
        Principal::RoleSession { role_arn, .. } => Some(role_arn.clone()),
        other => other.principal_arn(),
    };
    if id.starts_with("arn:") && id.contains(":iam::") {
        return Ok(role.as_deref() == Some(id));
    }
    let Some(a) = crate::arn::Arn::parse(id).filter(|a| a.service == "organizations") else {
        return Err(format!("share principal `{id}` is neither an account, an organization, an OU nor an IAM principal"));
    };
    let org = inv.org_of(account);
    if let Some(org_id) = a.resource.strip_prefix("organization/") {
        return match org.and_then(|o| o.id.as_deref()) {
            Some(o) => Ok(o == org_id),
            None => Err(format!("the organization of account {account} is not loaded: whether the share's organization `{org_id}` holds it is unknown")),
        };
    }
    let ou = a.resource.rsplit('/').next().unwrap_or_default();
    match org.map(|o| o.path(account)) {
        Some(Ok(path)) => Ok(path.iter().any(|n| n == ou)),
        Some(Err(e)) => Err(format!("whether OU `{ou}` holds account {account} is unknown: {e}")),
        None => Err(format!("the organization of account {account} is not loaded: whether OU `{ou}` holds it is unknown")),
    }
}

/// The statements RAM writes for the caller from one share, as JSON values.
fn statements(
    ram: &Ram,
    share: &Share,
    grantee: &str,
    resources: &[String],
) -> Result<Vec<serde_json::Value>, String> {
    let attached: Vec<_> = ram
        .permissions
        .iter()
        .filter(|p| p.share == share.arn)
        .filter(|p| p.status.as_deref().is_none_or(|s| s == "ASSOCIATED"))
        .collect();
    if attached.is_empty() {
        return Err(format!(
            "no managed permission of share `{}` is exported (`aws ram list-permission-associations --resource-share-arn {}`)",
            share.name, share.arn
        ));
    }
    let mut out = Vec::new();
    for p in attached {
        let doc = ram
            .documents
            .values()
            .filter(|d| d.arn == p.arn)
            .find(|d| match &p.version {
                Some(v) => &d.version == v,
                None => d.default_version,
            })
            .ok_or_else(|| {
                format!(
                    "the template of permission `{}` is not exported (`aws ram get-permission --permission-arn {}`)",
                    p.arn, p.arn
                )
            })?;
        let mut st: serde_json::Value = serde_json::from_str(&doc.template)
            .map_err(|e| format!("the template of permission `{}` is not JSON: {e}", doc.name))?;
        let Some(m) = st.as_object_mut() else {
            return Err(format!(
                "the template of permission `{}` is not a statement",
                doc.name
            ));
        };
        m.insert("Sid".into(), serde_json::json!(format!("RAM{}", out.len())));
        m.insert("Principal".into(), serde_json::json!({ "AWS": grantee }));
        m.insert("Resource".into(), serde_json::json!(resources));
        out.push(st);
    }
    Ok(out)
}

/// The resource side a RAM share of the group gives `principal` on `resource` (a model
/// package group or one of its versions); `None` for another kind of resource.
pub(super) fn resource_side(
    inv: &Inventory,
    principal: &Principal,
    resource: &str,
) -> Option<Result<SharedSide, String>> {
    let (group, versions) = group_of(resource)?;
    let owner = crate::arn::Arn::parse(&group)?.account.to_owned();
    Some(side(inv, principal, &group, versions, &owner))
}

fn side(
    inv: &Inventory,
    principal: &Principal,
    group: &str,
    versions: String,
    owner: &str,
) -> Result<SharedSide, String> {
    let ram = match inv.accounts.get(owner) {
        Some(a) if a.ram.exported => &a.ram,
        Some(_) => return Err(format!("account {owner}'s AWS RAM shares are not exported (`aws ram get-resource-shares --resource-owner SELF`): whether a share admits the caller is unknown")),
        None => return Err(format!("account {owner}, which owns the group, is not loaded: its AWS RAM shares are unknown")),
    };
    let account = principal.account().unwrap_or_default();
    let mut notes = Vec::new();
    let mut statements_all = Vec::new();
    let mut first: Option<&Share> = None;
    let mut unknown = Vec::new();
    let resources = [group.to_owned(), versions];
    for r in ram.resources.iter().filter(|r| r.arn == group) {
        let Some(share) = ram.shares.get(&r.share) else {
            unknown.push(format!(
                "share `{}` lists the group but is not in the `get-resource-shares` export",
                r.share
            ));
            continue;
        };
        first.get_or_insert(share);
        if share.status != "ACTIVE" || !["AVAILABLE", "ASSOCIATED"].contains(&r.status.as_str()) {
            notes.push(format!(
                "share `{}` is {} (the group's association {}): it admits no one",
                share.name, share.status, r.status
            ));
            continue;
        }
        for p in ram.principals.iter().filter(|p| p.share == share.arn) {
            match names(inv, &p.id, principal) {
                Ok(false) => continue,
                Err(why) => {
                    unknown.push(why);
                    continue;
                }
                Ok(true) => {}
            }
            match (&p.status, p.external) {
                (Some(s), _) if s != "ASSOCIATED" => {
                    notes.push(format!(
                        "share `{}` names `{}`, but its association is {s}",
                        share.name, p.id
                    ));
                    continue;
                }
                (None, Some(true) | None) => {
                    unknown.push(format!("share `{}` names `{}` outside the organization: whether the invitation was accepted is unknown (export `aws ram get-resource-share-associations --association-type PRINCIPAL`)", share.name, p.id));
                    continue;
                }
                _ => {}
            }
            let grantee = if crate::arn::is_account_id(&p.id) || p.id.contains(":organizations:") {
                account.to_owned()
            } else {
                p.id.clone()
            };
            statements_all.extend(statements(ram, share, &grantee, &resources)?);
            notes.push(format!(
                "AWS RAM share `{}` of account {owner} shares the group with `{}`",
                share.name, p.id
            ));
        }
    }
    let at = first
        .map(|s| s.at.clone())
        .or_else(|| ram.shares.values().next().map(|s| s.at.clone()))
        .unwrap_or_else(|| Location::new(Arc::from("-"), Pointer::root()));
    let share = first.map_or_else(|| group.to_owned(), |s| s.arn.clone());
    // What cannot be read could admit the caller, or deny it: not verified either way.
    if let Some(why) = unknown.into_iter().next() {
        return Err(why);
    }
    if statements_all.is_empty() {
        notes.push(format!(
            "no active AWS RAM share of account {owner} shares the group with account {account}"
        ));
        return Ok(SharedSide {
            policy: None,
            notes,
            at,
            share,
        });
    }
    let text =
        serde_json::json!({"Version": "2012-10-17", "Statement": statements_all}).to_string();
    let origin = crate::policy::Origin {
        name: Some(Arc::from(format!("the AWS RAM share `{share}`"))),
        ..crate::policy::Origin::default()
    };
    let policy = Policy::parse_text(&text, crate::policy::DocKind::ModelPackageGroup, origin)
        .map_err(|e| format!("the share's permission cannot be read as a policy: {e}"))?;
    Ok(SharedSide {
        policy: Some(policy),
        notes,
        at,
        share,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_belongs_to_its_group() {
        let (group, versions) =
            group_of("arn:aws:sagemaker:us-east-2:111111111111:model-package/decision-trees/17")
                .unwrap();
        assert_eq!(
            group,
            "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/decision-trees"
        );
        assert_eq!(
            versions,
            "arn:aws:sagemaker:us-east-2:111111111111:model-package/decision-trees/*"
        );
        assert!(group_of("arn:aws:s3:::bucket/key").is_none());
    }

    #[test]
    fn a_share_names_an_account_or_a_role_and_says_when_it_cannot_tell() {
        let inv = Inventory::default();
        let role = Principal::parse("arn:aws:iam::222222222222:role/Train").unwrap();
        assert_eq!(names(&inv, "222222222222", &role), Ok(true));
        assert_eq!(names(&inv, "333333333333", &role), Ok(false));
        assert_eq!(
            names(&inv, "arn:aws:iam::222222222222:role/Train", &role),
            Ok(true)
        );
        assert_eq!(
            names(&inv, "arn:aws:iam::222222222222:role/Other", &role),
            Ok(false)
        );
        // Without the organization loaded, an organization or OU principal is unknown.
        assert!(names(
            &inv,
            "arn:aws:organizations::999999999999:organization/o-abc",
            &role
        )
        .is_err());
        assert!(names(
            &inv,
            "arn:aws:organizations::999999999999:ou/o-abc/ou-abc-1",
            &role
        )
        .is_err());
    }
}
