//! IAM exports: `get-account-authorization-details` (`<account>/iam.json`, or pages
//! `iam.<n>.json`): users, groups, roles with their trust policies, inline policies,
//! attachments and boundaries, and the managed policies with their default versions; and
//! each user's `list-access-keys` (`<account>/iam-access-keys/<user>.json`: it names its
//! user, not its account).

use std::sync::Arc;

use super::{array_at, bool_at, managed_kind, policy_at, str_at, unrecognized};
use crate::arn::{is_account_id, Arn};
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, IamPage, Item};
use crate::inventory::{AccessKey, Group, Known, ManagedPolicy, Provenance, Role, User};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::policy::{DocKind, Policy};

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
    let items = array_at(json, list);
    let mut out = Vec::with_capacity(items.len());
    for (i, p) in items.iter().enumerate() {
        let name = str_at(p, "PolicyName").unwrap_or("inline");
        let Some(doc) = p.get("PolicyDocument") else {
            problems.push(Diagnostic::in_file(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.key(list).index(i)),
                "missing `PolicyDocument`",
            ));
            continue;
        };
        let ptr = at.key(list).index(i).key("PolicyDocument");
        let label: Arc<str> = Arc::from(format!("{owner}/{name}"));
        if let Known::Present(p, _) = policy_at(
            doc,
            &ptr,
            file,
            DocKind::Identity,
            Some(label),
            None,
            problems,
        ) {
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
pub(super) fn authorization_details(
    json: &Json<'_>,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
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
                    return unrecognized(
                        out,
                        file,
                        FileKind::AuthorizationDetails,
                        "names no account: put it at `<account>/iam.json`",
                    )
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
        let items = array_at(json, list);
        let mut out = Vec::with_capacity(items.len());
        for (i, e) in items.iter().enumerate() {
            let at = list_at.index(i);
            let Some(name) = str_at(e, name_key) else {
                problems.push(Diagnostic::in_file(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(at),
                    format!("missing `{name_key}`"),
                ));
                continue;
            };
            // AWS managed policies (account `aws`) are listed in every account's export.
            match arn_account(e) {
                Some(a) if a != account && a != "aws" => problems.push(Diagnostic::in_file(
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
    // Sized once: an entry holds its compiled policies, and a vector grown step by step
    // would copy them into fresh memory at each step.
    let listed = entries("UserDetailList", "UserName", &mut out.problems);
    page.users.reserve_exact(listed.len());
    for (name, u, at) in listed {
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
            access_keys: Vec::new(),
            pending: Vec::new(),
            at: Provenance::at(file, at),
        });
    }
    let listed = entries("GroupDetailList", "GroupName", &mut out.problems);
    page.groups.reserve_exact(listed.len());
    for (name, g, at) in listed {
        page.groups.push(Group {
            name: name.to_owned(),
            arn: str_at(g, "Arn")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("arn:aws:iam::{account}:group/{name}")),
            inline: inline(g, "GroupPolicyList", name, &at, file, &mut out.problems),
            attached: attached(g),
            pending: Vec::new(),
            at: Provenance::at(file, at),
        });
    }
    let listed = entries("RoleDetailList", "RoleName", &mut out.problems);
    page.roles.reserve_exact(listed.len());
    for (name, r, at) in listed {
        let trust = match r.get("AssumeRolePolicyDocument") {
            Some(doc) => policy_at(
                doc,
                &at.key("AssumeRolePolicyDocument"),
                file,
                DocKind::Trust,
                Some(Arc::from(format!("{name} trust policy"))),
                None,
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
    let listed = entries("Policies", "Arn", &mut out.problems);
    page.policies.reserve_exact(listed.len());
    for (arn, p, at) in listed {
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
                    None,
                    &mut out.problems,
                ),
                None => Known::Unknown(
                    Provenance::at(file, at.clone()),
                    "the default version has no `Document`".to_owned(),
                ),
            },
            None => {
                out.problems.push(Diagnostic::in_file(
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

/// `list-access-keys` of one user, in its account's folder.
pub(super) fn access_keys(
    json: &Json<'_>,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    let Some(account) = folder else {
        return unrecognized(
            out,
            file,
            FileKind::AccessKeys,
            "does not say its account: put it at `<account>/iam-access-keys/<user>.json`",
        );
    };
    let at = Pointer::root().key("AccessKeyMetadata");
    for (i, k) in array_at(json, "AccessKeyMetadata").iter().enumerate() {
        let Some(user) = str_at(k, "UserName") else {
            out.problems.push(Diagnostic::in_file(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.index(i)),
                "missing `UserName`",
            ));
            continue;
        };
        out.items.push(Item::AccessKey {
            account: account.to_owned(),
            user: user.to_owned(),
            key: AccessKey {
                id: str_at(k, "AccessKeyId").map(str::to_owned),
                status: str_at(k, "Status").unwrap_or("Active").to_owned(),
                at: Provenance::at(file, at.index(i)),
            },
        });
    }
}
