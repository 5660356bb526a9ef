//! Who can call an action on a resource: every principal the inventory knows (or the
//! resource's policy and grants name), each decided by the engine with what the inventory
//! assembles for it, marked when it is outside the resource's account or organization.
//!
//! A principal whose own account's IAM is not loaded is listed when the resource side allows
//! it, as "allowed if its own policies allow": the inventory cannot see them. Statements that
//! cannot be decided, and a denial that something unknown could undo (the resource's policy
//! or owner not exported, an S3 setting unknown), make a row "not verified", never allowed or
//! denied. An IAM export whose last page is missing (`IsTruncated: true`) is named: the
//! principals on the missing pages are not listed.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde::Serialize;

use crate::eval::{authorize, Context, Decision, Principal};
use crate::inventory::{Assembled, Inventory, ResourceHalf, ScpChains, Side, Unknown, UnknownKind};
use crate::policy::{AwsPrincipal, Grantee, Policy, PrincipalSet};

/// The answer for one principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Allowed, and nothing unknown could change it.
    Allowed,
    /// Allowed by what is loaded; something unknown could still deny it.
    AllowedNotVerified,
    /// The resource side allows it; its own policies are not (all) loaded, so it is
    /// allowed if they allow it.
    AllowedIfItsPoliciesAllow,
    /// Statements that cannot be decided (a policy AWS rejects, an element that cannot be
    /// read) could allow it: neither allowed nor denied.
    NotVerified,
    /// Denied.
    Denied,
}

impl Verdict {
    /// The answer in words.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::AllowedNotVerified => "allowed (not verified)",
            Verdict::AllowedIfItsPoliciesAllow => "allowed if its own policies allow",
            Verdict::NotVerified => "not verified",
            Verdict::Denied => "denied",
        }
    }
}

/// One row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The principal.
    pub principal: String,
    /// Its account.
    pub account: Option<String>,
    /// The answer.
    pub verdict: Verdict,
    /// The engine's decision with what is loaded.
    pub decision: Decision,
    /// `cross-account`, `outside-organization`, `not-loaded`, `anyone`, `aws-service`.
    pub marks: Vec<&'static str>,
    /// Why it is denied, or what is not verified.
    pub why: Vec<String>,
    /// What is unknown that could change the answer.
    pub unknowns: Vec<Unknown>,
}

/// The answer for every candidate, and what is unknown about the resource itself.
#[derive(Debug, Clone, Serialize)]
pub struct WhoCan {
    /// The action.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The resource's account, when known.
    pub resource_account: Option<String>,
    /// Its organization, when a loaded one lists the account.
    pub resource_organization: Option<String>,
    /// One row per principal, allowed first.
    pub principals: Vec<Row>,
    /// What is unknown on the resource's side.
    pub resource_unknowns: Vec<Unknown>,
    /// What may be missing from the list: IAM exports whose last page is not loaded.
    pub incomplete: Vec<String>,
}

/// Decides `action` on `resource` for every candidate principal. `all` keeps the denied ones
/// too. `Err` only when the built-in assumption policy cannot be read (a bug).
pub fn who_can<'i>(
    inv: &'i Inventory,
    action: &str,
    resource: &str,
    context: &Context,
    all: bool,
) -> Result<WhoCan, String> {
    // The resource's half is the same for every principal (but of the resource `*`, whose
    // owner is the caller's account): assembled once, not once per candidate.
    let base = inv.resource_half(action, resource, None);
    // What the resource side is (its owner, organization, policy and grants).
    let probe = inv.assemble(&Principal::Anonymous, &base, &mut ScpChains::default());
    let owner = probe.resource_account.clone();
    let owner_org = owner.as_deref().and_then(|o| inv.org_of(o));
    let assume = Policy::parse_text(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        crate::policy::DocKind::Identity,
        crate::policy::Origin {
            name: Some("assumed: the principal's own account allows it".into()),
            ..crate::policy::Origin::default()
        },
    )
    .map_err(|e| e.to_string())?;
    // Each candidate is decided on its own: on every worker thread, each keeping the half
    // of the last account whose half differs from the shared one, and the SCP chain of each
    // account it met.
    let decide = |p: &Principal, half: &ResourceHalf<'i>, chains: &mut ScpChains<'i>| {
        let a = inv.assemble(p, half, chains);
        let req = a.request(action, context.clone());
        let resp = authorize(&req, &a.policy_set());
        let relevant = a.relevant_unknowns(resp.decision);
        let mut why: Vec<String> = relevant.iter().map(|u| u.message.clone()).collect();
        let undecided = |resp: &crate::eval::Response<'_>| -> Vec<String> {
            resp.undecided()
                .map(|(m, e)| format!("undecided: {}: {e}", m.location_text()))
                .collect()
        };
        let verdict = match resp.decision {
            _ if resp.is_indeterminate() => {
                why.splice(0..0, undecided(&resp));
                Verdict::NotVerified
            }
            Decision::Allow if relevant.is_empty() => Verdict::Allowed,
            Decision::Allow => Verdict::AllowedNotVerified,
            Decision::ImplicitDeny if identity_unknown(&a) => {
                // The resource side alone: would it allow, if the principal's account did?
                let mut set = a.policy_set();
                set.identity.push(&assume);
                let alone = authorize(&req, &set);
                let resource_side: Vec<&Unknown> = relevant
                    .iter()
                    .copied()
                    .filter(|u| u.side != Side::Principal)
                    .collect();
                if alone.is_indeterminate() {
                    why.splice(0..0, undecided(&alone));
                    Verdict::NotVerified
                } else if alone.decision == Decision::Allow {
                    Verdict::AllowedIfItsPoliciesAllow
                } else if alone.decision == Decision::ImplicitDeny
                    && undoable(&alone, &resource_side, a.resource_account.is_some())
                {
                    why = denial_not_verified(&alone, &resource_side);
                    Verdict::NotVerified
                } else {
                    Verdict::Denied
                }
            }
            // A denial that what is unknown could undo is not a denial.
            Decision::ImplicitDeny if undoable(&resp, &relevant, a.resource_account.is_some()) => {
                why = denial_not_verified(&resp, &relevant);
                Verdict::NotVerified
            }
            _ => Verdict::Denied,
        };
        if verdict == Verdict::Denied {
            why =
                if resp.decision == Decision::ExplicitDeny {
                    resp.denied_by()
                        .map(|m| format!("explicit deny: {}", m.location_text()))
                        .collect()
                } else {
                    // The missing allow that decides it first; one on a side that is unknown
                    // is said as unknown, not as a fact.
                    let (unknown, known): (Vec<&crate::eval::Requirement>, Vec<_>) = resp
                        .trace
                        .missing
                        .iter()
                        .partition(|r| covered(r, &relevant, a.resource_account.is_some()));
                    known
                        .iter()
                        .map(|r| r.describe())
                        .chain(unknown.iter().map(|r| {
                            format!("with what is loaded, {} (not verified)", r.describe())
                        }))
                        .collect()
                };
            why.extend(resp.trace.unverified.iter().cloned());
            if !all {
                return None;
            }
        }
        // What the answer rests on besides exports (built-in AWS managed policies…).
        why.extend(a.notes.iter().cloned());
        let account = p.account().map(str::to_owned);
        let mut marks = Vec::new();
        match &p {
            Principal::Anonymous => marks.push("anyone"),
            Principal::Service(_) => marks.push("aws-service"),
            _ => {}
        }
        if let Some(acct) = &account {
            // With the owner unknown, whether it is cross-account is unknown too.
            if owner.as_deref().is_some_and(|o| o != acct) {
                marks.push("cross-account");
            }
            match owner_org {
                Some(org) if !org.contains(acct) => marks.push("outside-organization"),
                None if owner.as_deref() != Some(acct.as_str()) => {
                    marks.push("organization-unknown")
                }
                _ => {}
            }
            if !inv.accounts.contains_key(acct) {
                marks.push("not-loaded");
            }
        }
        Some(Row {
            principal: p.display(),
            account,
            verdict,
            decision: resp.decision,
            marks,
            why,
            unknowns: a
                .unknowns
                .iter()
                .filter(|u| u.could_change(resp.decision))
                .cloned()
                .collect(),
        })
    };
    let mut rows: Vec<Row> = candidates(inv, &probe)
        .par_iter()
        .map_init(
            || (None, ScpChains::default()),
            |(own, chains): &mut (Option<ResourceHalf<'i>>, ScpChains<'i>), p| {
                if base.serves(p) {
                    return decide(p, &base, chains);
                }
                if !own.as_ref().is_some_and(|h| h.serves(p)) {
                    *own = Some(inv.resource_half(action, resource, p.account()));
                }
                decide(p, own.as_ref()?, chains)
            },
        )
        .flatten()
        .collect();
    rows.sort_by(|a, b| {
        (a.verdict, &a.account, &a.principal).cmp(&(b.verdict, &b.account, &b.principal))
    });
    let incomplete = inv
        .accounts
        .iter()
        .filter_map(|(id, acct)| {
            let iam = acct.iam.as_ref().filter(|i| i.truncated())?;
            let file = iam
                .pages
                .first()
                .map(|at| format!(" in `{}`", at.file))
                .unwrap_or_default();
            Some(format!(
                "the IAM export of account {id} is truncated (`IsTruncated: true`{file}) and its last page is not loaded: the users and roles on the missing pages are not listed (export it with `aws iam get-account-authorization-details`, which follows every page)"
            ))
        })
        .collect();
    Ok(WhoCan {
        incomplete,
        action: action.to_owned(),
        resource: resource.to_owned(),
        resource_account: owner,
        resource_organization: owner_org.map(|o| o.label()),
        principals: rows,
        resource_unknowns: probe
            .unknowns
            .iter()
            .filter(|u| u.side != Side::Principal)
            .cloned()
            .collect(),
    })
}

fn candidates(inv: &Inventory, a: &Assembled<'_>) -> Vec<Principal> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |text: String, out: &mut Vec<Principal>| {
        if seen.insert(text.clone()) {
            if let Ok(p) = Principal::parse(&text) {
                out.push(p);
            }
        }
    };
    for (id, acct) in &inv.accounts {
        push(format!("arn:aws:iam::{id}:root"), &mut out);
        if let Some(iam) = &acct.iam {
            for u in iam.users.values() {
                push(u.arn.clone(), &mut out);
            }
            for r in iam.roles.values() {
                push(r.arn.clone(), &mut out);
            }
        }
    }
    for org in &inv.orgs {
        for id in org.accounts.keys() {
            push(format!("arn:aws:iam::{id}:root"), &mut out);
        }
    }
    let mut named = |set: &PrincipalSet, out: &mut Vec<Principal>| {
        if set.everyone || set.negated {
            push("anonymous".to_owned(), out);
        }
        for p in &set.aws {
            match p {
                AwsPrincipal::Account(acct) => push(format!("arn:aws:iam::{acct}:root"), out),
                AwsPrincipal::User { arn }
                | AwsPrincipal::Role { arn, .. }
                | AwsPrincipal::AssumedRole { arn }
                | AwsPrincipal::FederatedUser { arn } => push(arn.clone(), out),
                AwsPrincipal::UniqueId(_) | AwsPrincipal::Other(_) => {}
            }
        }
        for s in &set.service {
            push(s.clone(), out);
        }
    };
    if let Some(p) = a.resource_policy {
        for s in &p.statements {
            if let Some(set) = &s.principal {
                named(set, &mut out);
            }
        }
    }
    for g in &a.grants {
        match &g.grantee {
            Grantee::Principal(set) => named(set, &mut out),
            Grantee::Service(s) => named(
                &PrincipalSet {
                    service: vec![s.clone()],
                    ..PrincipalSet::default()
                },
                &mut out,
            ),
            Grantee::Invalid(_) => {}
        }
    }
    out
}

/// Whether something unknown could supply the missing allow `r`: it is on a side of which
/// something is unknown that could allow (with the resource's owner unknown, the resource
/// side may be the caller's own account and answer for the identity side too).
fn covered(r: &crate::eval::Requirement, unknowns: &[&Unknown], owner_known: bool) -> bool {
    use crate::eval::Requirement as R;
    let on = |side: Side| {
        unknowns
            .iter()
            .any(|u| u.side == side && u.could_change(Decision::ImplicitDeny))
    };
    match r {
        R::IdentityPolicy | R::PermissionsBoundary | R::SessionPolicy => {
            on(Side::Principal) || (!owner_known && on(Side::Resource))
        }
        R::ResourcePolicy | R::KeyPolicy | R::TrustPolicy => on(Side::Resource),
        R::IdentityOrResourcePolicy => on(Side::Principal) || on(Side::Resource),
        R::Scp { .. } => on(Side::Organization),
        R::VpcEndpointPolicy { .. } => false,
    }
}

/// Whether what is unknown could undo an implicit denial: each missing allow is
/// [`covered`], or nothing is missing but facts the engine could not verify.
fn undoable(resp: &crate::eval::Response<'_>, unknowns: &[&Unknown], owner_known: bool) -> bool {
    let missing = &resp.trace.missing;
    missing.iter().all(|r| covered(r, unknowns, owner_known))
        && (!missing.is_empty() || !resp.trace.unverified.is_empty())
}

/// Why an implicit denial is not verified: what is missing, what is unknown that could
/// allow it, and what the engine could not verify.
fn denial_not_verified(resp: &crate::eval::Response<'_>, unknowns: &[&Unknown]) -> Vec<String> {
    let mut why: Vec<String> = resp
        .trace
        .missing
        .iter()
        .map(|r| format!("with what is loaded, {}", r.describe()))
        .collect();
    for u in unknowns {
        why.push(format!("not verified: {}", u.message));
    }
    why.extend(resp.trace.unverified.iter().cloned());
    why
}

/// Identity-side unknowns: the principal's own account cannot be seen.
fn identity_unknown(a: &Assembled<'_>) -> bool {
    a.unknowns.iter().any(|u| {
        u.side == Side::Principal
            && matches!(
                u.kind,
                UnknownKind::AccountNotExported
                    | UnknownKind::IamNotExported
                    | UnknownKind::PrincipalNotExported
                    | UnknownKind::ManagedPolicyNotExported
                    | UnknownKind::AfterApply
            )
    })
}
