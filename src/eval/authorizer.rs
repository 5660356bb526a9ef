//! Combines every policy type into one decision (docs/semantics.md §1; the § numbers below
//! refer to it).
//!
//! Each policy set is evaluated into [`Buckets`] (whether a deny applied, and per policy type
//! whether an allow applied, each as a [`Tri`]); [`Buckets::decide`] then combines them with
//! one `match`, each arm citing the step of AWS's evaluation logic it implements.
//!
//! Fail closed: a statement that cannot be decided (defective, in a policy AWS would reject,
//! or with a request value its operator cannot read) is `Maybe`. The buckets are combined
//! twice, once with every undecided `Deny` applying and no undecided `Allow` ([`World::Strict`],
//! the decision reported), once the other way round ([`World::Lenient`]); when only the
//! lenient reading allows, the response is *indeterminate*: never an allow, and every report
//! says "not verified" with the reason.

use super::request::{ContextValue, Principal, Request};
use super::s3::{is_public_policy, BucketFacts, ObjectOwner, ObjectOwnership};
use super::statement::{
    applies, is_kms_key, is_role_trust, principal_match, Applies, PrincipalMatch, Tri,
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
/// docs/semantics.md §1.2. SageMaker is not among them.
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

/// Who the caller is, as far as the combining step cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Caller {
    /// An IAM principal: its identity policies, boundary and session policy apply.
    #[default]
    Iam,
    /// The account's root user: allowed everything in its own account by default.
    Root,
    /// A service principal or an anonymous caller: it has no identity side.
    NoIdentity,
}

/// The two readings of undecided statements. The decision AWS would make lies between them:
/// where they differ, the request cannot be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum World {
    /// Every undecided `Deny` applies, no undecided `Allow` does: the decision reported.
    Strict,
    /// No undecided `Deny` applies, every undecided `Allow` does: the most it could be.
    Lenient,
}

impl World {
    fn allows(self, t: Tri) -> bool {
        match self {
            World::Strict => t == Tri::Yes,
            World::Lenient => t != Tri::No,
        }
    }

    fn denies(self, t: Tri) -> bool {
        match self {
            World::Strict => t != Tri::No,
            World::Lenient => t == Tri::Yes,
        }
    }
}

/// What every policy said about one request, before they are combined: AWS's evaluation
/// logic as buckets. [`Buckets::decide`] combines them; it reads nothing else, so the
/// combining step can be tested as a truth table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buckets {
    /// Who calls.
    pub caller: Caller,
    /// The policy that must allow even in one account (a KMS key policy, a role's trust
    /// policy), if the resource has one.
    pub mandatory: Option<Requirement>,
    /// Caller and resource are known to be in one account.
    pub same_account: bool,
    /// Whether a `Deny` statement applies anywhere.
    pub deny: Tri,
    /// Per SCP level of the caller's organization path (root first), whether some SCP
    /// allows; empty when no SCPs apply.
    pub scps: Vec<Tri>,
    /// Per VPC endpoint policy, whether it allows.
    pub vpc_endpoints: Vec<Tri>,
    /// Whether an identity policy allows.
    pub identity: Tri,
    /// Whether the permissions boundary allows; `None`: there is none.
    pub boundary: Option<Tri>,
    /// Whether the session policy allows; `None`: there is none.
    pub session: Option<Tri>,
    /// Whether the resource policy allows the caller itself (or everyone).
    pub grant_direct: Tri,
    /// Whether the resource policy allows the caller's role.
    pub grant_role: Tri,
    /// Whether the resource policy allows the caller's account (which then delegates).
    pub grant_account: Tri,
    /// KMS grants on the key for the caller itself, its role, its account.
    pub kms_grant: [Tri; 3],
    /// A fact the decision needs is missing (S3 object ownership…): never an allow.
    pub facts_missing: bool,
}

impl Buckets {
    /// Combines the buckets in one world: the decision, and for an implicit deny the
    /// required allows that were missing.
    pub fn decide(&self, world: World) -> (Decision, Vec<Requirement>) {
        let allow = |t: Tri| world.allows(t);
        let mut scp_missing: Vec<Requirement> = self
            .scps
            .iter()
            .enumerate()
            .filter(|(_, t)| !allow(**t))
            .map(|(level, _)| Requirement::Scp { level })
            .collect();
        scp_missing.extend(
            self.vpc_endpoints
                .iter()
                .enumerate()
                .filter(|(_, t)| !allow(**t))
                .map(|(index, _)| Requirement::VpcEndpointPolicy { index }),
        );
        let (identity_allow, boundary_ok, session_ok) = match self.caller {
            Caller::NoIdentity => (false, true, true),
            // The root user is allowed everything in its own account by default (step 0).
            Caller::Root | Caller::Iam => (
                allow(self.identity) || self.caller == Caller::Root,
                self.boundary.is_none_or(allow),
                self.session.is_none_or(allow),
            ),
        };
        let direct = allow(self.grant_direct);
        let role = allow(self.grant_role);
        let any_grant = direct || role || allow(self.grant_account);
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
        let core = match (self.caller, self.mandatory, self.same_account) {
            // Service principals and anonymous callers have no identity side: only the
            // resource policy can grant them, naming them or everyone (§1.5).
            (Caller::NoIdentity, _, _) => {
                if !direct {
                    missing.push(self.mandatory.unwrap_or(Requirement::ResourcePolicy));
                }
                direct
            }
            // Same account, KMS key or role trust: the resource policy must allow. A grant to
            // the caller (or everyone) suffices; to its role, within boundary and session
            // policy; to the account, only with an identity allow (step 4, "resource policy
            // mandatory").
            (_, Some(req_kind), true) => {
                let ok =
                    direct || (role && limits_ok) || (any_grant && identity_allow && limits_ok);
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
            // Same account, other resources: identity or resource policy (union); a grant
            // naming the caller is not limited by boundary or session policy, a grant naming
            // its role is, and an account grant only delegates (§1.3).
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
            // role, its account or everyone, and the caller's own account must allow it
            // through identity policy, boundary and session policy (§1.4).
            (_, _, false) => {
                let ok = any_grant && identity_allow && limits_ok;
                if !ok {
                    if !any_grant {
                        missing.push(self.mandatory.unwrap_or(Requirement::ResourcePolicy));
                    }
                    if !identity_allow {
                        missing.push(Requirement::IdentityPolicy);
                    }
                    push_limits(&mut missing);
                }
                ok
            }
        };
        // KMS grants: a grant to the caller (or its role, within its limits) suffices on its
        // own, even across accounts; a grant to an account only delegates to its IAM policies
        // (§5; the account case is modelled conservatively, §11.1).
        let [g_direct, g_role, g_account] = self.kms_grant.map(allow);
        let grant_ok =
            g_direct || (g_role && limits_ok) || (g_account && identity_allow && limits_ok);
        // Missing facts (S3 object ownership…) never let a request through.
        let core = (core || grant_ok) && !self.facts_missing;
        match (world.denies(self.deny), scp_missing.is_empty(), core) {
            // Step 1: an explicit deny anywhere is final.
            (true, _, _) => (Decision::ExplicitDeny, Vec::new()),
            // Steps 2–3 and endpoint policies: every SCP level (and endpoint policy) must
            // allow.
            (false, false, _) => {
                scp_missing.extend(missing);
                (Decision::ImplicitDeny, scp_missing)
            }
            // Steps 4–7: the grant path above.
            (false, true, true) => (Decision::Allow, Vec::new()),
            (false, true, false) => (Decision::ImplicitDeny, missing),
        }
    }

    /// The decision of both worlds combined: the strict world's decision when it allows or
    /// when the lenient one denies too (then the lenient one's, which only certain statements
    /// made); otherwise a deny that undecided statements could turn into an allow.
    pub fn decision(&self) -> (Decision, Vec<Requirement>, bool) {
        let strict = self.decide(World::Strict);
        if strict.0 == Decision::Allow {
            return (strict.0, strict.1, false);
        }
        let lenient = self.decide(World::Lenient);
        if lenient.0 == Decision::Allow {
            (strict.0, strict.1, true)
        } else {
            (lenient.0, lenient.1, false)
        }
    }
}

/// Collects what each policy says into [`Buckets`], recording the trace.
struct Collector<'p> {
    trace: Trace<'p>,
    deny: Tri,
    has_boundary: bool,
}

/// How a resource policy's statements named the caller.
#[derive(Default)]
struct Grants {
    direct: Tri,
    role: Tri,
    account: Tri,
}

impl Grants {
    fn add(&mut self, m: PrincipalMatch, t: Tri) {
        let slot = match m {
            PrincipalMatch::Direct => &mut self.direct,
            PrincipalMatch::Role => &mut self.role,
            PrincipalMatch::Account => &mut self.account,
        };
        *slot = slot.or(t);
    }
}

impl<'p> Collector<'p> {
    /// Evaluates one policy; returns whether an `Allow` statement applied, and (for resource
    /// policies) records how the caller was named.
    fn eval(
        &mut self,
        policy: &'p Policy,
        at: PolicyRef,
        req: &Request,
        grants: &mut Grants,
    ) -> Tri {
        let mut allowed = Tri::No;
        for stmt in &policy.statements {
            let (principal, tri, indeterminate) =
                match applies(stmt, policy, req, self.has_boundary) {
                    Applies::No => continue,
                    Applies::Yes(p) => (p, Tri::Yes, None),
                    Applies::Maybe(p, why) => (p, Tri::Maybe, Some(why)),
                };
            match stmt.effect {
                Some(Effect::Deny) => self.deny = self.deny.or(tri),
                Some(Effect::Allow) => {
                    allowed = allowed.or(tri);
                    if let Some(p) = principal {
                        grants.add(p, tri);
                    }
                }
                // An effect that cannot be read: it might allow or deny.
                None => {
                    self.deny = self.deny.or(Tri::Maybe);
                    allowed = allowed.or(Tri::Maybe);
                    if let Some(p) = principal {
                        grants.add(p, Tri::Maybe);
                    }
                }
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
    ) -> Tri {
        let mut any = Tri::No;
        let mut sink = Grants::default();
        for (index, p) in policies.iter().enumerate() {
            any = any.or(self.eval(p, PolicyRef { kind, level, index }, req, &mut sink));
        }
        any
    }
}

/// `sts:GetCallerIdentity` needs no permission, and an explicit deny does not stop it (STS
/// API reference, "GetCallerIdentity"; docs/semantics.md §18).
fn is_get_caller_identity(req: &Request) -> bool {
    req.action_lc == "sts:getcalleridentity"
}

/// Decides `req` under `policies`.
pub fn authorize<'p>(req: &Request, policies: &PolicySet<'p>) -> Response<'p> {
    let mut c = Collector {
        trace: Trace {
            same_account: req.same_account(),
            ..Trace::default()
        },
        deny: Tri::No,
        has_boundary: !policies.boundary.is_empty(),
    };
    let principal = &req.principal;
    let is_iam = principal.is_iam();
    if is_get_caller_identity(req) && is_iam {
        c.trace
            .notes
            .push("sts:GetCallerIdentity needs no permission, and no policy can deny it");
        return Response {
            decision: Decision::Allow,
            indeterminate: false,
            trace: c.trace,
        };
    }
    let mut b = Buckets {
        caller: if !is_iam {
            Caller::NoIdentity
        } else if matches!(principal, Principal::Root { .. }) {
            Caller::Root
        } else {
            Caller::Iam
        },
        ..Buckets::default()
    };

    // SCPs apply to IAM principals of member accounts, never to service principals,
    // anonymous callers or service-linked roles.
    let scp_applies = is_iam && !principal.is_service_linked_role() && !policies.scps.is_empty();
    if !policies.scps.is_empty() && !scp_applies {
        c.trace.notes.push("SCPs do not apply to this principal");
    }
    if scp_applies {
        for (level, pols) in policies.scps.iter().enumerate() {
            b.scps
                .push(c.eval_all(pols, PolicyKind::Scp, Some(level), req));
        }
    }

    // RCPs: only their denies bite; they govern supported services only, and never
    // service-linked roles.
    let service = req.action_lc.split_once(':').map_or("", |(s, _)| s);
    let rcp_applies = !policies.rcps.is_empty()
        && RCP_SERVICES.contains(&service)
        && !principal.is_service_linked_role();
    if !policies.rcps.is_empty() && !rcp_applies {
        c.trace.notes.push("RCPs do not govern this request");
    }
    if rcp_applies {
        for (level, pols) in policies.rcps.iter().enumerate() {
            c.eval_all(pols, PolicyKind::Rcp, Some(level), req);
        }
    }

    for (index, p) in policies.vpc_endpoint.iter().enumerate() {
        let at = PolicyRef {
            kind: PolicyKind::VpcEndpoint,
            level: None,
            index,
        };
        b.vpc_endpoints
            .push(c.eval(p, at, req, &mut Grants::default()));
    }

    // Identity side: identity policies, boundary, session policy (IAM principals only).
    if is_iam {
        b.identity = c.eval_all(&policies.identity, PolicyKind::Identity, None, req);
        if !policies.boundary.is_empty() {
            b.boundary = Some(c.eval_all(&policies.boundary, PolicyKind::Boundary, None, req));
        }
        if let Some(p) = policies.session {
            b.session = Some(c.eval_all(&[p], PolicyKind::Session, None, req));
        }
    }

    // Resource side.
    let mut grants = Grants::default();
    if let Some(p) = policies.resource {
        let at = PolicyRef {
            kind: PolicyKind::Resource,
            level: None,
            index: 0,
        };
        c.eval(p, at, req, &mut grants);
    }
    if s3_restrictions(req, policies, &mut c.trace) {
        grants = Grants::default();
    }
    b.grant_direct = grants.direct;
    b.grant_role = grants.role;
    b.grant_account = grants.account;
    if is_kms_key(req) {
        let kms = matching_grants(req, &policies.grants, c.has_boundary, &mut c.trace);
        b.kms_grant = [
            Tri::from_bool(kms.contains(&PrincipalMatch::Direct)),
            Tri::from_bool(kms.contains(&PrincipalMatch::Role)),
            Tri::from_bool(kms.contains(&PrincipalMatch::Account)),
        ];
        b.mandatory = Some(Requirement::KeyPolicy);
    } else if is_role_trust(req) {
        b.mandatory = Some(Requirement::TrustPolicy);
    }
    // Cross-account when the owner is unknown: both sides must then allow.
    b.same_account = c.trace.same_account == Some(true);
    b.deny = c.deny;
    b.facts_missing = !c.trace.unverified.is_empty();
    let (decision, missing, indeterminate) = b.decision();
    if decision != Decision::ExplicitDeny {
        c.trace.missing = missing;
    }
    Response {
        decision,
        indeterminate,
        trace: c.trace,
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
