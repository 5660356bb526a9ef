//! Assembly: everything the inventory knows that applies to one request, and a list of what
//! it does not know.
//!
//! [`Inventory::request_context`] takes a principal, an action and a resource ARN and returns
//! an [`Assembled`]: the principal's identity policies (a user's own and its groups', or a
//! role's; inline and managed, default versions), its permissions boundary, the SCP chain of
//! its account, the resource's owner, policy, KMS grants and S3 facts, the RCP chain of the
//! resource's account, and every [`Unknown`] on the way. [`Assembled::policy_set`] and
//! [`Assembled::request`] turn it into the engine's inputs. Nothing here decides: the
//! engine does, and [`Unknown::could_change`] says which unknowns matter for its decision.
//!
//! It is made of two halves: the resource's ([`Inventory::resource_half`], everything that
//! does not depend on the principal, so that a question asked for many principals assembles
//! it once) and the principal's, joined by [`Inventory::assemble`].

mod principal;
mod resource;

use serde::Serialize;

use crate::arn::{is_account_id, Arn};
use crate::eval::{
    BucketFacts, Context, ContextValue, Decision, ObjectOwner, ObjectOwnership, PolicySet,
    Principal, PublicAccessBlock, Request, RCP_SERVICES,
};
use crate::inventory::org::OrgPolicyType;
use crate::inventory::{
    Bucket, Inventory, KmsKey, Known, ModelPackageGroup, Provenance, Repository, Resource, Role,
    User,
};
use crate::policy::{Grant, Policy};

/// Services with resource policies that the inventory does not read (for resources of no
/// type of [`crate::inventory::resources::TYPES`]): a request for one of their resources has
/// an unknown resource policy.
const UNREAD_RESOURCE_POLICIES: [&str; 12] = [
    "sqs",
    "sns",
    "lambda",
    "secretsmanager",
    "glacier",
    "es",
    "aoss",
    "logs",
    "events",
    "backup",
    "elasticfilesystem",
    "codeartifact",
];

/// Which side of the request an unknown is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// The principal's account: identity policies, boundary.
    Principal,
    /// The resource's account: resource policy, grants, bucket settings.
    Resource,
    /// An organization: SCPs, RCPs.
    Organization,
}

/// Which way the missing data could move the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// It can only add allows (KMS grants): it matters when the request is denied.
    MayAllow,
    /// It can only restrict (SCPs, RCPs, boundaries, Block Public Access, object
    /// ownership): it matters when the request is allowed.
    MayDeny,
    /// It could do either (identity and resource policies).
    Either,
}

/// What kind of data is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownKind {
    /// Nothing was loaded for the account.
    AccountNotExported,
    /// The account has no IAM export.
    IamNotExported,
    /// The principal is not in a partial IAM export.
    PrincipalNotExported,
    /// An attached managed policy (or boundary) is not in any export.
    ManagedPolicyNotExported,
    /// A Terraform value known only after apply.
    AfterApply,
    /// The resource is in no export (its owner may be unknown too).
    ResourceNotExported,
    /// The resource's policy was not exported.
    ResourcePolicyNotExported,
    /// An S3 setting (ownership, Block Public Access) was not exported.
    BucketSetting,
    /// KMS grants were not exported.
    KeyGrants,
    /// `describe-key` was not exported.
    KeyMetadata,
    /// The organization (tree, SCPs, RCPs, attachments) is not fully exported.
    Organization,
    /// A file that should say it could not be read, or an export failed.
    Unreadable,
}

/// One thing the inventory does not know that the request depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// What kind of data.
    pub kind: UnknownKind,
    /// Whose side.
    pub side: Side,
    /// Which way it could move the decision.
    pub impact: Impact,
    /// What it is about (an account id, an ARN, a bucket name…).
    pub subject: String,
    /// The sentence for humans.
    pub message: String,
    /// The file that mentions it, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Provenance>,
}

impl Unknown {
    /// Whether knowing it could change `decision`: an explicit deny is final; an allow can
    /// be undone by what may deny; a deny can be undone by what may allow.
    pub fn could_change(&self, decision: Decision) -> bool {
        match (decision, self.impact) {
            (Decision::ExplicitDeny, _) => false,
            (_, Impact::Either) => true,
            (Decision::Allow, Impact::MayDeny) => true,
            (Decision::Allow, Impact::MayAllow) => false,
            (Decision::ImplicitDeny, Impact::MayAllow) => true,
            (Decision::ImplicitDeny, Impact::MayDeny) => false,
        }
    }
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a resource ARN names, as far as the inventory can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    /// `*`: an action without a resource type.
    Any,
    /// An S3 bucket.
    Bucket,
    /// An S3 object or prefix.
    Object,
    /// An ECR repository.
    Repository,
    /// A KMS key.
    Key,
    /// A model package group, or a package in it.
    ModelPackageGroup,
    /// An IAM role, as a trust target.
    Role,
    /// A resource of the generic model ([`crate::inventory::resources`]), or a part of one.
    PolicyResource,
    /// Something else.
    Other,
}

/// Everything that applies to one request, borrowed from the inventory.
#[derive(Debug, Clone)]
pub struct Assembled<'i> {
    /// The principal, with its role's real path when the inventory knows it.
    pub principal: Principal,
    /// The resource ARN.
    pub resource: String,
    /// What it is.
    pub resource_kind: ResourceKind,
    /// The account that owns the resource, when known.
    pub resource_account: Option<String>,
    /// The resource's region (from its ARN, or a bucket's location), when known.
    pub region: Option<String>,
    /// Identity policies: a user's inline and managed policies and its groups', or a
    /// role's.
    pub identity: Vec<&'i Policy>,
    /// The permissions boundary.
    pub boundary: Vec<&'i Policy>,
    /// The resource's policy (bucket, repository, key, model package group, trust).
    pub resource_policy: Option<&'i Policy>,
    /// The ECR registry policy of the repository's registry (not evaluated by the engine:
    /// how it combines with a repository policy is not documented).
    pub registry_policy: Option<&'i Policy>,
    /// SCPs along the principal's organization path, root first.
    pub scps: Vec<Vec<&'i Policy>>,
    /// RCPs along the resource's organization path, root first.
    pub rcps: Vec<Vec<&'i Policy>>,
    /// KMS grants of the key.
    pub grants: Vec<&'i Grant>,
    /// S3 facts for the engine (object ownership, Block Public Access bucket + account).
    pub bucket: Option<BucketFacts>,
    /// The bucket, when the resource is a bucket or an object in one.
    pub bucket_info: Option<&'i Bucket>,
    /// The key, when the resource is a key.
    pub key: Option<&'i KmsKey>,
    /// The repository, when the resource is one.
    pub repository: Option<&'i Repository>,
    /// The model package group, when the resource is one or a package in it.
    pub model_package_group: Option<&'i ModelPackageGroup>,
    /// The resource of the generic model, when the resource is one or a part of one.
    pub policy_resource: Option<&'i Resource>,
    /// The role, when the principal is a role session.
    pub role: Option<&'i Role>,
    /// The user, when the principal is a user.
    pub user: Option<&'i User>,
    /// Tags of the principal (for `aws:PrincipalTag/…`).
    pub principal_tags: Vec<(String, String)>,
    /// The principal's organization id, when loaded.
    pub principal_org: Option<String>,
    /// The resource's organization id, when loaded.
    pub resource_org: Option<String>,
    /// What is not known.
    pub unknowns: Vec<Unknown>,
    /// Facts worth saying that are not unknowns (a principal that does not exist, SCPs
    /// that do not apply to a management account…).
    pub notes: Vec<String>,
}

impl<'i> Assembled<'i> {
    /// The engine's policy set for this request.
    pub fn policy_set(&self) -> PolicySet<'_> {
        PolicySet {
            identity: self.identity.clone(),
            boundary: self.boundary.clone(),
            session: None,
            resource: self.resource_policy,
            scps: self.scps.clone(),
            rcps: self.rcps.clone(),
            vpc_endpoint: Vec::new(),
            grants: self.grants.clone(),
            bucket: self.bucket.as_ref(),
        }
    }

    /// The request to evaluate: `context` as given, plus what the inventory knows
    /// (`aws:PrincipalArn` with the role's path, `aws:PrincipalTag/…`,
    /// `aws:PrincipalOrgID`, `aws:ResourceOrgID`) and the keys AWS derives. Given keys win.
    pub fn request(&self, action: &str, context: Context) -> Request {
        let mut context = context;
        let single = ContextValue::Single;
        if let Some(role) = self.role {
            context.insert_default("aws:PrincipalArn", single(role.arn.clone()));
        }
        for (k, v) in &self.principal_tags {
            context.insert_default(&format!("aws:PrincipalTag/{k}"), single(v.clone()));
        }
        if let Some(o) = &self.principal_org {
            context.insert_default("aws:PrincipalOrgID", single(o.clone()));
        }
        if let Some(o) = &self.resource_org {
            context.insert_default("aws:ResourceOrgID", single(o.clone()));
        }
        if let Some(r) = &self.region {
            context.insert_default("aws:RequestedRegion", single(r.clone()));
        }
        let mut req = Request::new(
            self.principal.clone(),
            action,
            &self.resource,
            self.resource_account.clone(),
            context,
        );
        req.derive_context();
        req
    }

    /// The unknowns that could change `decision`.
    pub fn relevant_unknowns(&self, decision: Decision) -> Vec<&Unknown> {
        self.unknowns
            .iter()
            .filter(|u| u.could_change(decision))
            .collect()
    }
}

/// The resource's half of a request: everything that does not depend on the principal (the
/// resource's owner, policy, grants, S3 facts, the RCP chain of its account), made once by
/// [`Inventory::resource_half`] for any number of principals.
#[derive(Debug, Clone)]
pub struct ResourceHalf<'i> {
    resource: String,
    /// `Some(caller's account)` when the half was made for the callers of one account only
    /// (the resource `*` belongs to the caller's account).
    caller: Option<Option<String>>,
    resource_kind: ResourceKind,
    resource_account: Option<String>,
    region: Option<String>,
    resource_policy: Option<&'i Policy>,
    registry_policy: Option<&'i Policy>,
    rcps: Vec<Vec<&'i Policy>>,
    grants: Vec<&'i Grant>,
    bucket: Option<BucketFacts>,
    bucket_info: Option<&'i Bucket>,
    key: Option<&'i KmsKey>,
    repository: Option<&'i Repository>,
    model_package_group: Option<&'i ModelPackageGroup>,
    policy_resource: Option<&'i Resource>,
    resource_org: Option<String>,
    /// In order, each with the account whose principals it does not concern (`Some`: it is
    /// about callers from outside that account).
    unknowns: Vec<(Unknown, Option<String>)>,
    notes: Vec<String>,
}

impl ResourceHalf<'_> {
    /// Whether this half is the one of `principal`'s requests (a half of the resource `*` is
    /// made for one caller account).
    pub fn serves(&self, principal: &Principal) -> bool {
        self.caller
            .as_ref()
            .is_none_or(|c| c.as_deref() == principal.account())
    }
}

/// What the assembly finds goes to a whole [`Assembled`] or to a [`ResourceHalf`].
trait Gather {
    /// Says a fact that is not an unknown.
    fn note(&mut self, note: String);

    /// Records `u`; `outside`: it concerns only callers from outside that account.
    fn record(&mut self, u: Unknown, outside: Option<&str>);

    /// Records an unknown that concerns every caller.
    fn unknown(
        &mut self,
        kind: UnknownKind,
        side: Side,
        impact: Impact,
        subject: impl Into<String>,
        message: impl Into<String>,
        at: Option<Provenance>,
    ) {
        let u = Unknown {
            kind,
            side,
            impact,
            subject: subject.into(),
            message: message.into(),
            at,
        };
        self.record(u, None);
    }
}

impl Gather for Assembled<'_> {
    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// An unknown is said once, and only to the callers it concerns.
    fn record(&mut self, u: Unknown, outside: Option<&str>) {
        let concerns = outside.is_none_or(|o| self.principal.account() != Some(o));
        if concerns && !self.unknowns.contains(&u) {
            self.unknowns.push(u);
        }
    }
}

/// The SCP chains of the accounts principals are in, each worked out once
/// ([`Inventory::assemble`]) for one inventory: a chain depends on the account alone, and
/// `who-can` decides every principal of every account loaded.
#[derive(Debug, Default)]
pub struct ScpChains<'i>(foldhash::HashMap<String, Chained<'i>>);

/// What one account's SCP chain came to, as found: its levels (when SCPs apply to it), and
/// the notes and unknowns it gave, said again to each principal of the account.
#[derive(Debug, Default)]
struct Chained<'i> {
    levels: Option<Vec<Vec<&'i Policy>>>,
    notes: Vec<String>,
    unknowns: Vec<(Unknown, Option<String>)>,
}

impl Gather for Chained<'_> {
    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn record(&mut self, u: Unknown, outside: Option<&str>) {
        self.unknowns.push((u, outside.map(str::to_owned)));
    }
}

impl<'i> Chained<'i> {
    /// Says what the chain gave to `a`, as if it had been worked out for it.
    fn say_to(&self, a: &mut Assembled<'i>) {
        for n in &self.notes {
            a.note(n.clone());
        }
        for (u, outside) in &self.unknowns {
            a.record(u.clone(), outside.as_deref());
        }
        if let Some(levels) = &self.levels {
            a.scps.clone_from(levels);
        }
    }
}

impl Gather for ResourceHalf<'_> {
    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// Kept as found: whether it concerns a caller, and whether it was said already, is
    /// decided by [`Inventory::assemble`] for each.
    fn record(&mut self, u: Unknown, outside: Option<&str>) {
        self.unknowns.push((u, outside.map(str::to_owned)));
    }
}

impl Inventory {
    /// Assembles everything that applies when `principal` calls `action` on `resource` (an
    /// ARN, or `*` for actions without a resource type), and says what is unknown.
    pub fn request_context(
        &self,
        principal: &Principal,
        action: &str,
        resource: &str,
    ) -> Assembled<'_> {
        self.assemble(
            principal,
            &self.resource_half(action, resource, principal.account()),
            &mut ScpChains::default(),
        )
    }

    /// The resource's half of every request for `action` on `resource`, for callers of
    /// account `caller` (which matters only for the resource `*`, the caller's account's:
    /// [`ResourceHalf::serves`] says whether a half is a principal's).
    pub fn resource_half(
        &self,
        action: &str,
        resource: &str,
        caller: Option<&str>,
    ) -> ResourceHalf<'_> {
        let mut r = ResourceHalf {
            resource: resource.to_owned(),
            caller: None,
            resource_kind: ResourceKind::Other,
            resource_account: None,
            region: None,
            resource_policy: None,
            registry_policy: None,
            rcps: Vec::new(),
            grants: Vec::new(),
            bucket: None,
            bucket_info: None,
            key: None,
            repository: None,
            model_package_group: None,
            policy_resource: None,
            resource_org: None,
            unknowns: Vec::new(),
            notes: Vec::new(),
        };
        self.resource_side(&mut r, action, caller);
        self.rcp_side(&mut r, action);
        if let Some(org) = r.resource_account.as_deref().and_then(|o| self.org_of(o)) {
            r.resource_org = org.id.clone();
        }
        r
    }

    /// Everything that applies when `principal` makes a request whose resource's half is
    /// `half` (made for it: [`ResourceHalf::serves`]): the principal's half, then the
    /// resource's, an unknown said once. The SCP chain of the principal's account is taken
    /// from `chains`, or worked out and kept there.
    pub fn assemble<'i>(
        &'i self,
        principal: &Principal,
        half: &ResourceHalf<'i>,
        chains: &mut ScpChains<'i>,
    ) -> Assembled<'i> {
        let mut a = Assembled {
            principal: principal.clone(),
            resource: half.resource.clone(),
            resource_kind: half.resource_kind,
            resource_account: half.resource_account.clone(),
            region: half.region.clone(),
            identity: Vec::new(),
            boundary: Vec::new(),
            resource_policy: half.resource_policy,
            registry_policy: half.registry_policy,
            scps: Vec::new(),
            rcps: half.rcps.clone(),
            grants: half.grants.clone(),
            bucket: half.bucket.clone(),
            bucket_info: half.bucket_info,
            key: half.key,
            repository: half.repository,
            model_package_group: half.model_package_group,
            policy_resource: half.policy_resource,
            role: None,
            user: None,
            principal_tags: Vec::new(),
            principal_org: None,
            resource_org: half.resource_org.clone(),
            unknowns: Vec::new(),
            notes: Vec::new(),
        };
        self.identity_side(&mut a);
        self.scp_side(&mut a, chains);
        for (u, outside) in &half.unknowns {
            a.record(u.clone(), outside.as_deref());
        }
        a.notes.extend(half.notes.iter().cloned());
        a
    }

    /// The chain of SCPs or RCPs along `account`'s path, when they apply; what is unknown
    /// about it (`what` names it in messages) goes to the unknowns.
    fn org_chain<'i>(
        &'i self,
        a: &mut impl Gather,
        account: &str,
        kind: OrgPolicyType,
        what: &str,
    ) -> Option<Vec<Vec<&'i Policy>>> {
        let unknown = |message: String| Unknown {
            kind: UnknownKind::Organization,
            side: Side::Organization,
            impact: Impact::MayDeny,
            subject: account.to_owned(),
            message,
            at: None,
        };
        let Some(org) = self.org_of(account) else {
            // No loaded organization lists the account: an export or the user may say it is
            // in none (then no SCP or RCP applies), else what applies is unknown.
            let stated = self.membership(account);
            match stated.none_applies(account) {
                Some(n) => a.note(n),
                None => {
                    let why = stated.unknown_why(account, what).unwrap_or_else(|| {
                        format!("the organization of account {account} is not loaded: {what} are unknown")
                    });
                    a.record(unknown(why), None);
                }
            }
            return None;
        };
        let chain = org.chain(account, kind);
        if let Some(n) = chain.note {
            a.note(n);
        }
        for u in chain.unknown {
            a.record(unknown(u), None);
        }
        chain.applies.then_some(chain.levels)
    }

    fn managed<'i>(
        &'i self,
        a: &mut Assembled<'i>,
        account: &str,
        arn: &str,
        owner: &str,
        boundary: bool,
    ) {
        let (impact, what) = if boundary {
            (Impact::MayDeny, "permissions boundary")
        } else {
            (Impact::Either, "managed policy")
        };
        let (kind, message, at) = match self.managed_policy(account, arn) {
            Some(mp) => match &mp.document {
                Known::Present(p, _) => {
                    if super::builtin::is_builtin(mp) {
                        let note = super::builtin::note(mp);
                        if !a.notes.contains(&note) {
                            a.notes.push(note);
                        }
                    }
                    if boundary {
                        a.boundary.push(p);
                    } else {
                        a.identity.push(p);
                    }
                    return;
                }
                other => (
                    UnknownKind::Unreadable,
                    format!(
                        "{what} `{arn}` of {owner} is unknown: {}",
                        other.why_unknown().unwrap_or_default()
                    ),
                    other.provenance().cloned(),
                ),
            },
            None => (
                UnknownKind::ManagedPolicyNotExported,
                format!("{what} `{arn}` of {owner} is in no loaded IAM export"),
                None,
            ),
        };
        a.unknown(kind, Side::Principal, impact, arn, message, at);
    }
}
