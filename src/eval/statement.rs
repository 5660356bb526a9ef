//! Does one statement apply to a request? Action, resource, principal, then conditions.

use super::condition;
use super::request::{Principal, Request, ResourceKind};
use crate::arn::ResourcePattern;
use crate::pattern::{Case, Glob};
use crate::policy::{AwsPrincipal, PolicyKind, PrincipalSet, ResourceEntry, Statement};

/// How a resource-policy statement names the caller. The order matters: a later variant is
/// a stronger grant (see the same-account table, semantics reference §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalMatch {
    /// The caller's account (`"A"` or `arn:aws:iam::A:root`): delegates to the account's IAM
    /// policies, which must allow too.
    Account,
    /// The role ARN of the caller's session: grants directly, but the session's boundary and
    /// session policy still limit it.
    Role,
    /// The caller itself (user, session, federated user, service), or everyone (`"*"`,
    /// `NotPrincipal`): grants directly.
    Direct,
}

/// The outcome of one statement against one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applies {
    /// The statement does not apply.
    No,
    /// It applies; for statements that name principals, how they name the caller.
    Yes(Option<PrincipalMatch>),
    /// It might apply but cannot be decided (a defective statement, an unreadable request
    /// value). Callers fail closed: never an allow, always a deny.
    Unknown(String),
}

/// Evaluates `stmt` (from a policy of `kind`) against `req`. `has_boundary` says whether
/// the caller has a permissions boundary (it changes what `NotPrincipal` means).
pub fn applies(stmt: &Statement, kind: PolicyKind, req: &Request, has_boundary: bool) -> Applies {
    let mut unknown: Option<String> = (!stmt.defects.is_empty()).then(|| stmt.defects.join("; "));
    if let Some(action) = &stmt.action {
        let any = action
            .patterns
            .iter()
            .any(|p| p.is_match_lowercase(&req.action_lc));
        if any == action.negated {
            return Applies::No;
        }
    }
    if !resource_applies(stmt, kind, req) {
        return Applies::No;
    }
    let principal = if kind.has_principals() {
        match &stmt.principal {
            Some(set) => match principal_match(set, &req.principal, has_boundary) {
                Some(m) => Some(m),
                None => return Applies::No,
            },
            // RCPs and VPC endpoint policies may leave the principal out: everyone.
            None => Some(PrincipalMatch::Direct),
        }
    } else {
        None
    };
    for c in &stmt.conditions {
        match condition::holds(c, &req.context) {
            Ok(true) => {}
            Ok(false) => return Applies::No,
            Err(e) => {
                unknown.get_or_insert(format!("{}: {e}", c.pointer));
            }
        }
    }
    match unknown {
        Some(why) => Applies::Unknown(why),
        None => Applies::Yes(principal),
    }
}

fn resource_applies(stmt: &Statement, kind: PolicyKind, req: &Request) -> bool {
    let Some(set) = &stmt.resource else {
        // No `Resource`: in a resource policy it means the resource the policy is attached to
        // (ECR repositories, trust policies), except in a KMS key policy, where such a
        // statement has no effect. Identity-side policies must name resources; the parser
        // only lets SCPs, RCPs and endpoint policies leave it out, meaning all.
        return !(kind == PolicyKind::Resource && is_kms_key(req));
    };
    let any = set.patterns.iter().any(|entry| match entry {
        ResourceEntry::Static(p) => p.matches(&req.resource),
        ResourceEntry::Template(t) => {
            let (head, resource) = (&t.head, &t.resource);
            let Some(tokens) = resource.resolve_tokens(&req.context) else {
                // An unresolvable variable matches no resource.
                return false;
            };
            let glob = Glob::from_tokens(&tokens, Case::Sensitive);
            ResourcePattern::from_parts([&head[0], &head[1], &head[2], &head[3]], glob)
                .matches(&req.resource)
        }
        ResourceEntry::Invalid(_) => false,
    });
    any != set.negated
}

/// Whether the request's resource is a KMS key (key policies have special rules).
pub fn is_kms_key(req: &Request) -> bool {
    req.kind == ResourceKind::KmsKey
}

/// Whether the request assumes a role (trust policies have special rules).
pub fn is_role_trust(req: &Request) -> bool {
    req.kind == ResourceKind::RoleTrust
}

/// The identities a caller is evaluated as, broadest first: its account, then (for a
/// session) its role, then itself.
enum Identity<'a> {
    Account(&'a str),
    User(&'a str),
    Role,
    Session(&'a str),
    Federated(&'a str),
    Service(&'a str),
    Anonymous,
    /// Some principal of this account (see `Principal::AnyOf`).
    AnyOf(&'a str),
}

fn identities(p: &Principal) -> Vec<Identity<'_>> {
    match p {
        Principal::Root { account, .. } => vec![Identity::Account(account)],
        Principal::User { arn, account, .. } => {
            vec![Identity::Account(account), Identity::User(arn)]
        }
        Principal::RoleSession {
            arn,
            account,
            role_arn,
            ..
        } => {
            let mut v = vec![Identity::Account(account), Identity::Role];
            if arn != role_arn {
                v.push(Identity::Session(arn));
            }
            v
        }
        Principal::FederatedUser { arn, account } => {
            vec![Identity::Account(account), Identity::Federated(arn)]
        }
        Principal::Service(s) => vec![Identity::Service(s)],
        Principal::Anonymous => vec![Identity::Anonymous],
        Principal::AnyOf { account, .. } => {
            vec![Identity::Account(account), Identity::AnyOf(account)]
        }
    }
}

/// The account of a principal entry that names one principal.
fn entry_account(e: &AwsPrincipal) -> Option<&str> {
    match e {
        AwsPrincipal::Role { account, .. } => Some(account),
        AwsPrincipal::User { arn }
        | AwsPrincipal::AssumedRole { arn }
        | AwsPrincipal::FederatedUser { arn } => crate::arn::Arn::parse(arn).map(|a| a.account),
        AwsPrincipal::Account(_) | AwsPrincipal::UniqueId(_) | AwsPrincipal::Other(_) => None,
    }
}

fn role_named(entry: &AwsPrincipal, p: &Principal) -> bool {
    match (entry, p) {
        (
            AwsPrincipal::Role { arn, account, name },
            Principal::RoleSession {
                account: pa,
                role_name,
                role_arn,
                role_path_known,
                ..
            },
        ) => {
            if *role_path_known {
                arn == role_arn
            } else {
                account == pa && name.eq_ignore_ascii_case(role_name)
            }
        }
        _ => false,
    }
}

fn listed(set: &PrincipalSet, id: &Identity<'_>, p: &Principal) -> bool {
    if set.everyone {
        return true;
    }
    match id {
        Identity::Account(a) => set
            .aws
            .iter()
            .any(|e| matches!(e, AwsPrincipal::Account(x) if x == a)),
        Identity::User(arn) => set
            .aws
            .iter()
            .any(|e| matches!(e, AwsPrincipal::User { arn: x } if x == arn)),
        Identity::Role => set.aws.iter().any(|e| role_named(e, p)),
        Identity::Session(arn) => set
            .aws
            .iter()
            .any(|e| matches!(e, AwsPrincipal::AssumedRole { arn: x } if x == arn)),
        Identity::Federated(arn) => set
            .aws
            .iter()
            .any(|e| matches!(e, AwsPrincipal::FederatedUser { arn: x } if x == arn)),
        Identity::Service(s) => set.service.iter().any(|x| x == s),
        Identity::Anonymous => false,
        Identity::AnyOf(a) => set.aws.iter().any(|e| entry_account(e) == Some(a)),
    }
}

/// How `set` names the caller; `None` when it does not.
///
/// `NotPrincipal` exempts a caller only when *every* identity it is evaluated as is listed:
/// a user needs its account and its ARN, a role session its account, role and session. An
/// IAM principal with a permissions boundary is never exempt (IAM `NotPrincipal`
/// documentation, "Key points"). A `NotPrincipal` that applies grants as `*` does.
pub fn principal_match(
    set: &PrincipalSet,
    p: &Principal,
    has_boundary: bool,
) -> Option<PrincipalMatch> {
    if set.negated {
        // Which principal `AnyOf` stands for is unknown: never exempt (fail closed).
        let unknown_who = matches!(p, Principal::AnyOf { .. });
        let never_exempt = unknown_who || (has_boundary && p.is_iam());
        let exempt = !never_exempt && identities(p).iter().all(|id| listed(set, id, p));
        return (!exempt).then_some(PrincipalMatch::Direct);
    }
    if set.everyone {
        return Some(PrincipalMatch::Direct);
    }
    let mut best = None;
    for id in identities(p) {
        let m = match id {
            Identity::Account(_) => PrincipalMatch::Account,
            Identity::Role => PrincipalMatch::Role,
            _ => PrincipalMatch::Direct,
        };
        if listed(set, &id, p) {
            best = best.max(Some(m));
        }
    }
    best
}
