//! Combines every policy type into one decision (semantics reference §1).
//!
//! Each policy set is evaluated into buckets (denies, and per type whether an allow
//! applied); one `match` then decides, each arm citing the step of AWS's evaluation logic it
//! implements. Statements that cannot be decided fail closed: an undecidable `Deny` denies,
//! an undecidable `Allow` allows nothing.

use super::request::{Principal, Request};
use super::statement::{applies, is_kms_key, is_role_trust, Applies, PrincipalMatch};
use super::trace::{Decision, Matched, PolicyRef, Requirement, Response, Trace};
use crate::policy::{Effect, Policy, PolicyKind};

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
}

/// Services whose resources RCPs govern: AWS's list at launch (November 2024: S3, STS, KMS,
/// SQS, Secrets Manager) and the later additions (ECR and OpenSearch Serverless, June 2025;
/// Cognito user pools and CloudWatch Logs, January 2026; DynamoDB, February 2026); see the
/// semantics reference §1.2. SageMaker is not among them.
const RCP_SERVICES: [&str; 10] = [
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
    let service = req.action_lc.split(':').next().unwrap_or("");
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
    let direct = grants.contains(&PrincipalMatch::Direct);
    let role = grants.contains(&PrincipalMatch::Role);
    let any_grant = !grants.is_empty();
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
