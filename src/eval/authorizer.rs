//! Combines every policy type into one decision (semantics reference §1).
//!
//! Each policy set is evaluated into buckets (denies, and per type whether an allow
//! applied); one `match` then decides, each arm citing the step of AWS's evaluation logic it
//! implements. Statements that cannot be decided fail closed: an undecidable `Deny` denies,
//! an undecidable `Allow` allows nothing.

use super::request::{ContextValue, Principal, Request};
use super::s3::{is_public_policy, BucketFacts, ObjectOwner, ObjectOwnership};
use super::statement::{
    applies, is_kms_key, is_role_trust, principal_match, Applies, PrincipalMatch,
};
use super::trace::{Decision, GrantMatch, Matched, PolicyRef, Requirement, Response, Trace};
use crate::policy::{Effect, Grant, Grantee, Policy, PolicyKind};

/// The policies that apply to one request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'p> {
    /// The principal's identity policies (user, its groups, or role; inline and managed).
    pub identity: Vec<&'p Policy>,
    /// The permissions boundary (AWS allows one; several are read as one).
    pub boundary: Vec<&'p Policy>,
    /// The session policy, if the session has one.
    pub session: Option<&'p Policy>,
    /// The resource's policy (bucket, repository, key, trust, group…), if it has one.
    pub resource: Option<&'p Policy>,
    /// SCPs of the principal's organization path, root first: every level must allow.
    /// Empty: no SCPs apply (no organization, or the management account).
    pub scps: Vec<Vec<&'p Policy>>,
    /// RCPs of the resource's organization path, root first. `RCPFullAWSAccess` is implied at
    /// every level, so only their denies bite.
    pub rcps: Vec<Vec<&'p Policy>>,
    /// VPC endpoint policies the request passes through: each must allow.
    pub vpc_endpoint: Vec<&'p Policy>,
    /// KMS grants on the requested key (only consulted for KMS key requests).
    pub grants: Vec<&'p Grant>,
    /// What is known of the bucket of an S3 request (ownership, Block Public Access). `None`:
    /// not given, and not taken into account (the trace says so).
    pub bucket: Option<&'p BucketFacts>,
}

/// Services whose resources RCPs govern: AWS's list at launch (November 2024: S3, STS, KMS,
/// SQS, Secrets Manager) and the later additions (ECR and OpenSearch Serverless, June 2025;
/// Cognito user pools and CloudWatch Logs, January 2026; DynamoDB, February 2026); see the
/// semantics reference §1.2. SageMaker is not among them.
pub const RCP_SERVICES: [&str; 10] = [
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-idp",
    "logs",
    "dynamodb",
];

struct Buckets<'p> {
    trace: Trace<'p>,
    explicit_deny: bool,
    has_boundary: bool,
}

impl<'p> Buckets<'p> {
    /// Evaluates one policy; returns whether an `Allow` statement applied, and (for resource
    /// policies) records how the caller was named.
    fn eval(
        &mut self,
        policy: &'p Policy,
        at: PolicyRef,
        req: &Request,
        grants: &mut Vec<PrincipalMatch>,
    ) -> bool {
        let mut allowed = false;
        for stmt in &policy.statements {
            let (principal, indeterminate) =
                match applies(stmt, policy.kind, req, self.has_boundary) {
                    Applies::No => continue,
                    Applies::Yes(p) => (p, None),
                    Applies::Unknown(why) => (None, Some(why)),
                };
            match (stmt.effect, &indeterminate) {
                (Effect::Deny, _) => self.explicit_deny = true,
                (Effect::Allow, None) => {
                    allowed = true;
                    grants.extend(principal);
                }
                (Effect::Allow, Some(_)) => {}
            }
            self.trace.matched.push(Matched {
                at,
                policy,
                statement: stmt,
                principal,
                indeterminate,
            });
        }
        allowed
    }

    fn eval_all(
        &mut self,
        policies: &[&'p Policy],
        kind: PolicyKind,
        level: Option<usize>,
        req: &Request,
    ) -> bool {
        let mut any = false;
        let mut sink = Vec::new();
        for (index, p) in policies.iter().enumerate() {
            any |= self.eval(p, PolicyRef { kind, level, index }, req, &mut sink);
        }
        any
    }
}

/// Decides `req` under `policies`.
pub fn authorize<'p>(req: &Request, policies: &PolicySet<'p>) -> Response<'p> {
    let mut b = Buckets {
        trace: Trace {
            same_account: req.same_account(),
            ..Trace::default()
        },
        explicit_deny: false,
        has_boundary: !policies.boundary.is_empty(),
    };
    let principal = &req.principal;
    let is_iam = principal.is_iam();
    let is_root = matches!(principal, Principal::Root { .. });

    // SCPs apply to IAM principals of member accounts, never to service principals,
    // anonymous callers or service-linked roles.
    let scp_applies = is_iam && !principal.is_service_linked_role() && !policies.scps.is_empty();
    if !policies.scps.is_empty() && !scp_applies {
        b.trace.notes.push("SCPs do not apply to this principal");
    }
    let mut scp_missing = Vec::new();
    if scp_applies {
        for (level, pols) in policies.scps.iter().enumerate() {
            if !b.eval_all(pols, PolicyKind::Scp, Some(level), req) {
                scp_missing.push(Requirement::Scp { level });
            }
        }
    }

    // RCPs: only their denies bite; they govern supported services only, and never
    // service-linked roles.
    let service = req.action_lc.split_once(':').map_or("", |(s, _)| s);
    let rcp_applies = !policies.rcps.is_empty()
        && RCP_SERVICES.contains(&service)
        && !principal.is_service_linked_role();
    if !policies.rcps.is_empty() && !rcp_applies {
        b.trace.notes.push("RCPs do not govern this request");
    }
    if rcp_applies {
        for (level, pols) in policies.rcps.iter().enumerate() {
            b.eval_all(pols, PolicyKind::Rcp, Some(level), req);
        }
    }

    let mut vpce_missing = Vec::new();
    for (index, p) in policies.vpc_endpoint.iter().enumerate() {
        let mut sink = Vec::new();
        let at = PolicyRef {
            kind: PolicyKind::VpcEndpoint,
            level: None,
            index,
        };
        if !b.eval(p, at, req, &mut sink) {
            vpce_missing.push(Requirement::VpcEndpointPolicy { index });
        }
    }

    // Identity side: identity policies, boundary, session policy (IAM principals only).
    let (identity_allow, boundary_ok, session_ok) = if is_iam {
        let identity_allow = b.eval_all(&policies.identity, PolicyKind::Identity, None, req);
        let boundary_ok = policies.boundary.is_empty()
            | b.eval_all(&policies.boundary, PolicyKind::Boundary, None, req);
        let session_ok = match policies.session {
            None => true,
            Some(p) => b.eval_all(&[p], PolicyKind::Session, None, req),
        };
        // The root user is allowed everything in its own account by default (step 0).
        (identity_allow || is_root, boundary_ok, session_ok)
    } else {
        (false, true, true)
    };

    // Resource side.
    let mut grants = Vec::new();
    if let Some(p) = policies.resource {
        let at = PolicyRef {
            kind: PolicyKind::Resource,
            level: None,
            index: 0,
        };
        b.eval(p, at, req, &mut grants);
    }
    if s3_restrictions(req, policies, &mut b.trace) {
        grants.clear();
    }
    let direct = grants.contains(&PrincipalMatch::Direct);
    let role = grants.contains(&PrincipalMatch::Role);
    let any_grant = !grants.is_empty();
    // KMS grants: a grant to the caller (or its role, within its limits) suffices on its own,
    // even across accounts; a grant to an account only delegates to its IAM policies
    // (semantics reference §5; the account case is modelled conservatively, §11.1).
    let kms_grants = if is_kms_key(req) {
        matching_grants(req, &policies.grants, b.has_boundary, &mut b.trace)
    } else {
        Vec::new()
    };
    let mandatory = if is_kms_key(req) {
        Some(Requirement::KeyPolicy)
    } else if is_role_trust(req) {
        Some(Requirement::TrustPolicy)
    } else {
        None
    };
    // Cross-account when the owner is unknown: both sides must then allow.
    let same = b.trace.same_account == Some(true);
    let limits_ok = boundary_ok && session_ok;
    let mut missing = Vec::new();
    let push_limits = |missing: &mut Vec<Requirement>| {
        if !boundary_ok {
            missing.push(Requirement::PermissionsBoundary);
        }
        if !session_ok {
            missing.push(Requirement::SessionPolicy);
        }
    };

    let core = match (principal, mandatory, same) {
        // Service principals and anonymous callers have no identity side: only the resource
        // policy can grant them, naming them or everyone (IAM evaluation logic, §1.5).
        (Principal::Service(_) | Principal::Anonymous, _, _) => {
            if !direct {
                missing.push(mandatory.unwrap_or(Requirement::ResourcePolicy));
            }
            direct
        }
        // Same account, KMS key or role trust: the resource policy must allow. A grant to the
        // caller (or everyone) suffices; to its role, within boundary and session policy; to
        // the account, only with an identity allow (step 4, "resource policy mandatory").
        (_, Some(req_kind), true) => {
            let ok = direct || (role && limits_ok) || (any_grant && identity_allow && limits_ok);
            if !ok {
                if !any_grant {
                    missing.push(req_kind);
                } else if !identity_allow && !role {
                    missing.push(Requirement::IdentityPolicy);
                }
                push_limits(&mut missing);
            }
            ok
        }
        // Same account, other resources: identity or resource policy (union); a grant naming
        // the caller is not limited by boundary or session policy, a grant naming its role
        // is, and an account grant only delegates (§1.3).
        (_, None, true) => {
            let ok = direct || ((role || identity_allow) && limits_ok);
            if !ok {
                if !identity_allow && !role {
                    missing.push(Requirement::IdentityOrResourcePolicy);
                }
                push_limits(&mut missing);
            }
            ok
        }
        // Cross-account (or owner unknown): the resource policy must name the caller, its
        // role, its account or everyone, and the caller's own account must allow it through
        // identity policy, boundary and session policy (§1.4).
        (_, _, false) => {
            let ok = any_grant && identity_allow && limits_ok;
            if !ok {
                if !any_grant {
                    missing.push(mandatory.unwrap_or(Requirement::ResourcePolicy));
                }
                if !identity_allow {
                    missing.push(Requirement::IdentityPolicy);
                }
                push_limits(&mut missing);
            }
            ok
        }
    };

    let grant_ok = kms_grants.contains(&PrincipalMatch::Direct)
        || (kms_grants.contains(&PrincipalMatch::Role) && limits_ok)
        || (kms_grants.contains(&PrincipalMatch::Account) && identity_allow && limits_ok);
    // Missing facts (S3 object ownership…) never let a request through.
    let core = (core || grant_ok) && b.trace.unverified.is_empty();
    let decision = match (
        b.explicit_deny,
        scp_missing.is_empty() && vpce_missing.is_empty(),
        core,
    ) {
        // Step 1: an explicit deny anywhere is final.
        (true, _, _) => Decision::ExplicitDeny,
        // Steps 2–3 and endpoint policies: every SCP level (and endpoint policy) must allow.
        (false, false, _) => {
            missing.splice(0..0, scp_missing.into_iter().chain(vpce_missing));
            Decision::ImplicitDeny
        }
        // Steps 4–7: the grant path above.
        (false, true, true) => {
            missing.clear();
            Decision::Allow
        }
        (false, true, false) => Decision::ImplicitDeny,
    };
    if decision != Decision::ExplicitDeny {
        b.trace.missing = missing;
    }
    Response {
        decision,
        trace: b.trace,
    }
}

/// Applies S3 object ownership and `RestrictPublicBuckets`; true when the bucket policy can
/// grant nothing to this caller. Facts that are missing are recorded as unverified.
fn s3_restrictions(req: &Request, policies: &PolicySet<'_>, trace: &mut Trace<'_>) -> bool {
    if req.kind != super::request::ResourceKind::S3 {
        return false;
    }
    let Some(arn) = req.resource.arn() else {
        return false;
    };
    let Some(facts) = policies.bucket else {
        trace.notes.push(
            "S3 object ownership and Block Public Access were not given and are not taken into account",
        );
        return false;
    };
    check_bucket(
        req,
        facts,
        policies.resource,
        arn.resource.contains('/'),
        trace,
    )
}

fn check_bucket(
    req: &Request,
    facts: &BucketFacts,
    bucket_policy: Option<&Policy>,
    is_object: bool,
    trace: &mut Trace<'_>,
) -> bool {
    let owner = req.resource_account.as_deref();
    let mut blocked = false;
    if is_object {
        let acls_enabled = facts
            .ownership
            .map(|o| o != ObjectOwnership::BucketOwnerEnforced);
        match (&facts.object_owner, acls_enabled) {
            (_, Some(false)) | (ObjectOwner::BucketOwner, _) => {}
            (ObjectOwner::Account(a), _) if Some(a.as_str()) == owner => {}
            (ObjectOwner::Account(a), _) => {
                trace.unverified.push(format!(
                    "the object is owned by account {a} (ACLs are enabled on the bucket): the bucket policy cannot grant it, only the object's ACL can, and ACLs are not modelled"
                ));
                blocked = true;
            }
            (ObjectOwner::Unknown, None) => trace.unverified.push(
                "the bucket's object ownership is unknown, so whether the bucket owner owns the object cannot be verified".into(),
            ),
            (ObjectOwner::Unknown, Some(true)) => trace
                .unverified
                .push("ACLs are enabled on the bucket and the object's owner is unknown".into()),
        }
    }
    let restrict = facts
        .public_access_block
        .is_some_and(|p| p.restrict_public_buckets);
    let outsider =
        !matches!(req.principal, Principal::Service(_)) && req.principal.account() != owner;
    if restrict && outsider && bucket_policy.is_some_and(is_public_policy) {
        trace.notes.push(
            "RestrictPublicBuckets is on and the bucket policy is public: only the bucket owner's account and AWS services can use it",
        );
        blocked = true;
    }
    blocked
}

/// The grants on the requested key that apply to the caller and the action, with how each
/// names the caller.
fn matching_grants<'p>(
    req: &Request,
    grants: &[&'p Grant],
    has_boundary: bool,
    trace: &mut Trace<'p>,
) -> Vec<PrincipalMatch> {
    let mut out = Vec::new();
    let op = req.action.rsplit(':').next().unwrap_or("");
    // Constraints are ignored for DescribeKey and RetireGrant (CreateGrant API reference).
    let constrained =
        !(op.eq_ignore_ascii_case("DescribeKey") || op.eq_ignore_ascii_case("RetireGrant"));
    for g in grants {
        if !g.is_for_key(&req.resource.text) || !g.allows_operation(&req.action) {
            continue;
        }
        let principal = match &g.grantee {
            Grantee::Principal(set) => principal_match(set, &req.principal, has_boundary),
            Grantee::Service(s) => matches!(&req.principal, Principal::Service(p) if p == s)
                .then_some(PrincipalMatch::Direct),
            Grantee::Invalid(_) => None,
        };
        let Some(principal) = principal else {
            continue;
        };
        if constrained && !constraints_hold(g, req) {
            continue;
        }
        out.push(principal);
        trace.grants.push(GrantMatch {
            grant: g,
            principal,
        });
    }
    out
}

/// `EncryptionContextEquals` / `EncryptionContextSubset` against the request's
/// `kms:EncryptionContext:KEY` context entries (the KEY part compared exactly).
fn constraints_hold(g: &Grant, req: &Request) -> bool {
    const PREFIX: &str = "kms:encryptioncontext:";
    let ctx: Vec<(&str, &str)> = req
        .context
        .iter()
        .filter_map(|(k, v)| {
            let key = k
                .get(..PREFIX.len())?
                .eq_ignore_ascii_case(PREFIX)
                .then(|| &k[PREFIX.len()..])?;
            match v {
                ContextValue::Single(v) => Some((key, v.as_str())),
                ContextValue::Multi(_) => None,
            }
        })
        .collect();
    let has = |k: &str, v: &str| ctx.iter().any(|(ck, cv)| *ck == k && *cv == v);
    if let Some(eq) = &g.constraints.equals {
        if ctx.len() != eq.len() || !eq.iter().all(|(k, v)| has(k, v)) {
            return false;
        }
    }
    if let Some(sub) = &g.constraints.subset {
        if !sub.iter().all(|(k, v)| has(k, v)) {
            return false;
        }
    }
    true
}
