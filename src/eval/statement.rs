//! Does one statement apply to a request? Action, resource, principal, then conditions, each
//! decided three ways ([`Tri`]). Section numbers (§) refer to docs/semantics.md.

use super::condition;
use super::request::{Principal, Request, ResourceKind};
use crate::arn::ResourcePattern;
use crate::pattern::{Case, Glob};
use crate::policy::{
    ArnValue, AwsPrincipal, LikeValue, Policy, PolicyKind, PrincipalSet, ResourceEntry, Statement,
    StrValue, Values,
};

/// How a resource-policy statement names the caller. The order matters: a later variant is
/// a stronger grant (see the same-account table, docs/semantics.md §1.3).
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

/// Whether something holds: certainly, possibly (it cannot be decided), or not. The order
/// matters: `No < Maybe < Yes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tri {
    /// It does not hold.
    #[default]
    No,
    /// It might hold: something it depends on cannot be read.
    Maybe,
    /// It holds.
    Yes,
}

impl Tri {
    /// `Yes` for true, `No` for false.
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    /// Both hold: the weaker of the two.
    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }

    /// Either holds: the stronger of the two.
    pub fn or(self, other: Tri) -> Tri {
        self.max(other)
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// The negation (`Maybe` stays `Maybe`).
    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Maybe => Tri::Maybe,
            Tri::Yes => Tri::No,
        }
    }
}

/// Why a statement, or a decision, cannot be decided.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EvalError {
    /// The policy has errors for which AWS rejects it: as written, it cannot be in effect.
    RejectedPolicy {
        /// The first error, `pointer: message`.
        first: String,
        /// How many errors the policy has.
        count: usize,
    },
    /// An element of the statement could not be read.
    Unreadable {
        /// `pointer: message` of the element's first error.
        what: String,
    },
    /// A request value that the condition's operator cannot read.
    RequestValue {
        /// Why.
        what: String,
    },
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::RejectedPolicy { first, count: 1 } => {
                write!(f, "the policy is defective (AWS rejects it): {first}")
            }
            EvalError::RejectedPolicy { first, count } => write!(
                f,
                "the policy is defective (AWS rejects it): {first} (and {} more)",
                count - 1
            ),
            EvalError::Unreadable { what } => write!(f, "an element cannot be read: {what}"),
            EvalError::RequestValue { what } => f.write_str(what),
        }
    }
}

/// The outcome of one statement against one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applies {
    /// The statement does not apply.
    No,
    /// It applies; for statements that name principals, how they name the caller.
    Yes(Option<PrincipalMatch>),
    /// It might apply but cannot be decided (a defective statement or policy, an unreadable
    /// request value). Callers fail closed: it never allows, and it may deny.
    Maybe(Option<PrincipalMatch>, EvalError),
}

/// Evaluates `stmt` (from `policy`) against `req`. `has_boundary` says whether the caller has
/// a permissions boundary (it changes what `NotPrincipal` means).
///
/// Each element is decided three ways ([`Tri`]): an element whose readable values decide it
/// decides it; one with an unreadable value that its readable values do not decide is
/// undecided. A statement of a policy AWS would reject is at most undecided.
pub fn applies(stmt: &Statement, policy: &Policy, req: &Request, has_boundary: bool) -> Applies {
    let kind = policy.kind;
    let unreadable = || EvalError::Unreadable {
        what: stmt
            .defects
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{}: an element cannot be read", stmt.pointer())),
    };
    // Policy variables without a value (§16): positive operators and `Resource` entries do
    // not match them, negated ones and `NotResource` do. AWS also documents that such a
    // variable "might cause the entire statement to be invalid": an `Allow` that matches
    // only through one is undecided (it never grants); a `Deny` applies.
    let unresolved = !stmt.variables.is_empty()
        && stmt
            .variables
            .iter()
            .any(|(key, has_default)| !has_default && req.context.single(key).is_none());
    let action = match &stmt.action {
        Some(set) => {
            let any = set
                .patterns
                .iter()
                .any(|p| p.glob.is_match_lowercase(&req.action_lc));
            element(any, set.partial, set.negated)
        }
        None => Tri::Maybe,
    };
    if action == Tri::No {
        return Applies::No;
    }
    let resource = resource_applies(stmt, kind, req);
    if resource == Tri::No {
        return Applies::No;
    }
    let mut request_error = None;
    let (principal_tri, principal) = if kind.has_principals() {
        match &stmt.principal {
            // `Allow` with `NotPrincipal` is not supported by AWS: it never grants (§17).
            Some(set) if set.negated && stmt.is_allow() => return Applies::No,
            Some(set) => match (
                principal_match(set, &req.principal, has_boundary),
                set.partial,
            ) {
                (Some(m), false) => (Tri::Yes, Some(m)),
                // `NotPrincipal`: a value that cannot be read might exempt the caller.
                (Some(m), true) if set.negated => (Tri::Maybe, Some(m)),
                (Some(m), true) => (Tri::Yes, Some(m)),
                // A value that cannot be read might name the caller.
                (None, true) if !set.negated => (Tri::Maybe, Some(PrincipalMatch::Direct)),
                // A federated-user session is bound by what names its parent IAM user, whom
                // its ARN does not name: a `Deny` naming a user of its account may apply
                // (docs/semantics.md §20.8). (It never counts for an `Allow`.)
                (None, _) if stmt.may_deny() && names_possible_parent(set, &req.principal) => {
                    request_error = Some(EvalError::RequestValue {
                        what: format!(
                            "{}: the statement names an IAM user of the federated session's account, who may be the session's parent: the session's ARN does not say",
                            stmt.pointer()
                        ),
                    });
                    (Tri::Maybe, Some(PrincipalMatch::Direct))
                }
                (None, _) => return Applies::No,
            },
            // RCPs and VPC endpoint policies may leave the principal out: everyone.
            None => (Tri::Yes, Some(PrincipalMatch::Direct)),
        }
    } else {
        (Tri::Yes, None)
    };
    let mut conditions = if stmt.conditions_partial {
        Tri::Maybe
    } else {
        Tri::Yes
    };
    for c in &stmt.conditions {
        match condition::holds(c, &req.context) {
            Ok(true) => {}
            Ok(false) => return Applies::No,
            Err(e) => {
                conditions = Tri::Maybe;
                request_error.get_or_insert(EvalError::RequestValue {
                    what: format!("{}: {e}", stmt.condition_pointer(c)),
                });
            }
        }
    }
    let effect = if stmt.effect.is_some() {
        Tri::Yes
    } else {
        Tri::Maybe
    };
    if unresolved && stmt.is_allow() && matched_through_null(stmt, req) {
        conditions = Tri::Maybe;
        request_error.get_or_insert(EvalError::RequestValue {
            what: format!(
                "{}: a policy variable has no value in this request: AWS documents that a negated operator (or `NotResource`) matches it, and that it might make the statement invalid, so this `Allow` is not counted",
                stmt.pointer()
            ),
        });
    }
    let all = action
        .and(resource)
        .and(principal_tri)
        .and(conditions)
        .and(effect);
    if policy.is_rejected() {
        let first = policy
            .defects
            .first()
            .map(|e| format!("{}: {}", e.pointer, e.message))
            .unwrap_or_default();
        return Applies::Maybe(
            principal,
            EvalError::RejectedPolicy {
                first,
                count: policy.defects.len(),
            },
        );
    }
    match all {
        Tri::Yes => Applies::Yes(principal),
        Tri::Maybe => Applies::Maybe(principal, request_error.unwrap_or_else(unreadable)),
        Tri::No => Applies::No,
    }
}

/// Whether `set` names an IAM user of the account of a federated-user session `p`, which may
/// be the session's parent.
fn names_possible_parent(set: &PrincipalSet, p: &Principal) -> bool {
    let Principal::FederatedUser { account, .. } = p else {
        return false;
    };
    !set.negated
        && set.aws.iter().any(|e| {
            matches!(e, AwsPrincipal::User { arn }
                if crate::arn::Arn::parse(arn).is_some_and(|a| a.account == account))
        })
}

/// Whether a negated condition (with the key present) or a `NotResource` matched through a
/// policy variable that has no value.
fn matched_through_null(stmt: &Statement, req: &Request) -> bool {
    let unresolved =
        |t: &crate::policy::template::Template| t.resolve_text(|k| req.context.single(k)).is_none();
    let conditions = stmt.conditions.iter().any(|c| {
        c.op.base.is_negated()
            && req.context.get_hashed(&c.key_lc, c.key_hash).is_some()
            && match &c.values {
                Values::Strings(v) => v
                    .iter()
                    .any(|p| matches!(p, StrValue::Template(t) if unresolved(t))),
                Values::Likes(v) => v
                    .iter()
                    .any(|p| matches!(p, LikeValue::Template(t) if unresolved(t))),
                Values::Arns(v) => v
                    .iter()
                    .any(|p| matches!(p, ArnValue::Template(t) if unresolved(t))),
                _ => false,
            }
    });
    let not_resource = stmt.resource.as_ref().is_some_and(|set| {
        set.negated
            && set
                .patterns
                .iter()
                .any(|e| matches!(&e.entry, ResourceEntry::Template(t) if unresolved(&t.resource)))
    });
    conditions || not_resource
}

/// One element: whether a readable value matched, whether some value could not be read, and
/// whether it is the `Not…` form.
pub(super) fn element(matched: bool, partial: bool, negated: bool) -> Tri {
    let m = match (matched, partial) {
        (true, _) => Tri::Yes,
        (false, true) => Tri::Maybe,
        (false, false) => Tri::No,
    };
    if negated {
        !m
    } else {
        m
    }
}

pub(super) fn resource_applies(stmt: &Statement, kind: PolicyKind, req: &Request) -> Tri {
    let Some(set) = &stmt.resource else {
        // No `Resource`: in a resource policy it means the resource the policy is attached to
        // (ECR repositories, trust policies), except in a KMS key policy, where such a
        // statement has no effect. Identity-side policies must name resources; the parser
        // only lets SCPs, RCPs and endpoint policies leave it out, meaning all.
        return Tri::from_bool(!(kind == PolicyKind::Resource && is_kms_key(req)));
    };
    let any = set.patterns.iter().any(|value| match &value.entry {
        ResourceEntry::Static(p) => p.matches(&req.resource),
        ResourceEntry::Template(t) => {
            let (head, resource) = (&t.head, &t.resource);
            // A variable without a value matches no resource (§16).
            let Some(tokens) = resource.resolve_tokens(|k| req.context.single(k)) else {
                return false;
            };
            let glob = Glob::from_tokens(&tokens, Case::Sensitive);
            ResourcePattern::from_parts([&head[0], &head[1], &head[2], &head[3]], glob)
                .matches(&req.resource)
        }
        ResourceEntry::Invalid => false,
    });
    element(any, set.partial, set.negated)
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
