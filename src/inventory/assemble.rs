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

use serde::Serialize;

use super::org::OrgPolicyType;
use super::{
    Bucket, Inventory, KmsKey, Known, ModelPackageGroup, Provenance, Repository, Role, User,
};
use crate::arn::{is_account_id, Arn};
use crate::eval::{
    BucketFacts, Context, ContextValue, Decision, ObjectOwner, ObjectOwnership, PolicySet,
    Principal, PublicAccessBlock, Request, RCP_SERVICES,
};
use crate::policy::{Grant, Policy};

/// Services with resource policies that the inventory does not read: a request for one of
/// their resources has an unknown resource policy.
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
        if !self.unknowns.contains(&u) {
            self.unknowns.push(u);
        }
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
        let mut a = Assembled {
            principal: principal.clone(),
            resource: resource.to_owned(),
            resource_kind: ResourceKind::Other,
            resource_account: None,
            region: None,
            identity: Vec::new(),
            boundary: Vec::new(),
            resource_policy: None,
            registry_policy: None,
            scps: Vec::new(),
            rcps: Vec::new(),
            grants: Vec::new(),
            bucket: None,
            bucket_info: None,
            key: None,
            repository: None,
            model_package_group: None,
            role: None,
            user: None,
            principal_tags: Vec::new(),
            principal_org: None,
            resource_org: None,
            unknowns: Vec::new(),
            notes: Vec::new(),
        };
        self.identity_side(&mut a);
        self.scp_side(&mut a);
        self.resource_side(&mut a, action);
        self.rcp_side(&mut a, action);
        if let Some(org) = a.resource_account.as_deref().and_then(|o| self.org_of(o)) {
            a.resource_org = org.id.clone();
        }
        a
    }

    fn managed<'i>(
        &'i self,
        a: &mut Assembled<'i>,
        account: &str,
        arn: &str,
        owner: &str,
        boundary: bool,
    ) {
        match self.managed_policy(account, arn) {
            Some(mp) => match &mp.document {
                Known::Present(p, _) => {
                    if boundary {
                        a.boundary.push(p);
                    } else {
                        a.identity.push(p);
                    }
                }
                other => a.unknown(
                    UnknownKind::Unreadable,
                    Side::Principal,
                    if boundary {
                        Impact::MayDeny
                    } else {
                        Impact::Either
                    },
                    arn,
                    format!(
                        "managed policy `{arn}` of {owner} is unknown: {}",
                        other.why_unknown().unwrap_or_default()
                    ),
                    other.provenance().cloned(),
                ),
            },
            None => a.unknown(
                UnknownKind::ManagedPolicyNotExported,
                Side::Principal,
                if boundary {
                    Impact::MayDeny
                } else {
                    Impact::Either
                },
                arn,
                format!(
                    "{} `{arn}` of {owner} is in no loaded IAM export",
                    if boundary {
                        "permissions boundary"
                    } else {
                        "managed policy"
                    }
                ),
                None,
            ),
        }
    }

    fn identity_side<'i>(&'i self, a: &mut Assembled<'i>) {
        let Some(account) = a.principal.account().map(str::to_owned) else {
            return;
        };
        let shown = a.principal.display();
        if let Some(org) = self.org_of(&account) {
            a.principal_org = org.id.clone();
        }
        if matches!(a.principal, Principal::Root { .. }) {
            return;
        }
        let Some(acct) = self.accounts.get(&account) else {
            a.unknown(
                UnknownKind::AccountNotExported,
                Side::Principal,
                Impact::Either,
                &account,
                format!("nothing was loaded for account {account}: the identity side of `{shown}` is unknown"),
                None,
            );
            return;
        };
        let Some(iam) = &acct.iam else {
            a.unknown(
                UnknownKind::IamNotExported,
                Side::Principal,
                Impact::Either,
                &account,
                format!("no IAM export for account {account}: the identity policies of `{shown}` are unknown"),
                None,
            );
            return;
        };
        let missing = |a: &mut Assembled<'i>, what: &str, name: &str| {
            if iam.complete() {
                a.notes.push(format!(
                    "{what} `{name}` is not in the IAM export of account {account}: it does not exist"
                ));
            } else {
                let why = if iam.truncated() {
                    "the IAM export is truncated"
                } else {
                    "only a Terraform plan describes its IAM"
                };
                a.unknown(
                    UnknownKind::PrincipalNotExported,
                    Side::Principal,
                    Impact::Either,
                    &shown,
                    format!("{what} `{name}` of account {account} is unknown: {why}"),
                    None,
                );
            }
        };
        match &a.principal {
            Principal::User { name, arn, .. } => {
                let (name, arn) = (name.clone(), arn.clone());
                let Some(user) = iam.users.get(&name) else {
                    missing(a, "user", &name);
                    return;
                };
                if user.arn != arn {
                    a.notes.push(format!(
                        "the IAM export names the user `{}`, not `{arn}`",
                        user.arn
                    ));
                }
                a.user = Some(user);
                a.principal_tags = user.tags.clone();
                a.identity.extend(user.inline.iter());
                let owner = format!("user `{name}`");
                for arn in &user.attached {
                    self.managed(a, &account, arn, &owner, false);
                }
                for g in &user.groups {
                    match iam.groups.get(g) {
                        Some(group) => {
                            a.identity.extend(group.inline.iter());
                            let owner = format!("group `{g}`");
                            for arn in &group.attached {
                                self.managed(a, &account, arn, &owner, false);
                            }
                        }
                        None => a.unknown(
                            UnknownKind::PrincipalNotExported,
                            Side::Principal,
                            Impact::Either,
                            g,
                            format!("group `{g}` of user `{name}` is not in the IAM export of account {account}"),
                            Some(user.at.clone()),
                        ),
                    }
                }
                if let Some(b) = &user.boundary {
                    self.managed(a, &account, b, &owner, true);
                }
            }
            Principal::RoleSession {
                role_name,
                role_arn,
                role_path_known,
                ..
            } => {
                let (role_name, role_arn, path_known) =
                    (role_name.clone(), role_arn.clone(), *role_path_known);
                let Some(role) = iam.roles.get(&role_name) else {
                    missing(a, "role", &role_name);
                    return;
                };
                if path_known && role.arn != role_arn {
                    a.notes.push(format!(
                        "the IAM export names the role `{}`, not `{role_arn}`",
                        role.arn
                    ));
                }
                a.role = Some(role);
                a.principal_tags = role.tags.clone();
                a.identity.extend(role.inline.iter());
                let owner = format!("role `{role_name}`");
                for arn in &role.attached {
                    self.managed(a, &account, arn, &owner, false);
                }
                if let Some(b) = &role.boundary {
                    self.managed(a, &account, b, &owner, true);
                }
                for p in &role.pending {
                    a.unknown(
                        UnknownKind::AfterApply,
                        Side::Principal,
                        Impact::Either,
                        &role.arn,
                        format!("the {} of role `{role_name}` is unknown: {}", p.what, p.why),
                        Some(p.at.clone()),
                    );
                }
            }
            Principal::FederatedUser { arn, .. } => {
                let arn = arn.clone();
                a.unknown(
                    UnknownKind::PrincipalNotExported,
                    Side::Principal,
                    Impact::Either,
                    &arn,
                    format!("which IAM user created the federated session `{arn}` (and its session policy) is not exported"),
                    None,
                );
            }
            Principal::Root { .. }
            | Principal::AnyOf { .. }
            | Principal::Service(_)
            | Principal::Anonymous => {}
        }
    }

    fn scp_side<'i>(&'i self, a: &mut Assembled<'i>) {
        let Some(account) = a.principal.account().map(str::to_owned) else {
            return;
        };
        if a.principal.is_service_linked_role() {
            return;
        }
        let Some(org) = self.org_of(&account) else {
            a.unknown(
                UnknownKind::Organization,
                Side::Organization,
                Impact::MayDeny,
                &account,
                format!("no loaded organization lists account {account}: its SCPs are unknown"),
                None,
            );
            return;
        };
        let chain = org.chain(&account, OrgPolicyType::Scp);
        if let Some(n) = chain.note {
            a.notes.push(n);
        }
        for u in chain.unknown {
            a.unknown(
                UnknownKind::Organization,
                Side::Organization,
                Impact::MayDeny,
                &account,
                u,
                None,
            );
        }
        if chain.applies {
            a.scps = chain.levels;
        }
    }

    fn rcp_side<'i>(&'i self, a: &mut Assembled<'i>, action: &str) {
        let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
        if !RCP_SERVICES.contains(&service.as_str()) {
            return;
        }
        let Some(account) = a.resource_account.clone() else {
            return;
        };
        if a.key
            .and_then(|k| k.metadata.value())
            .and_then(|m| m.key_manager.as_deref())
            == Some("AWS")
        {
            a.notes
                .push("RCPs do not apply to AWS managed KMS keys".to_owned());
            return;
        }
        let Some(org) = self.org_of(&account) else {
            a.unknown(
                UnknownKind::Organization,
                Side::Organization,
                Impact::MayDeny,
                &account,
                format!("no loaded organization lists account {account}: the RCPs on its resources are unknown"),
                None,
            );
            return;
        };
        let chain = org.chain(&account, OrgPolicyType::Rcp);
        if let Some(n) = chain.note {
            a.notes.push(n);
        }
        for u in chain.unknown {
            a.unknown(
                UnknownKind::Organization,
                Side::Organization,
                Impact::MayDeny,
                &account,
                u,
                None,
            );
        }
        if chain.applies {
            a.rcps = chain.levels;
        }
    }

    fn resource_policy_of<'i>(a: &mut Assembled<'i>, policy: &'i Known<Policy>, what: &str) {
        match policy {
            Known::Present(p, _) => a.resource_policy = Some(p),
            Known::Absent(_) => {}
            Known::NotExported => a.unknown(
                UnknownKind::ResourcePolicyNotExported,
                Side::Resource,
                Impact::Either,
                a.resource.clone(),
                format!("the {what} was not exported"),
                None,
            ),
            Known::Unknown(at, why) => a.unknown(
                if why.contains("after apply") {
                    UnknownKind::AfterApply
                } else {
                    UnknownKind::Unreadable
                },
                Side::Resource,
                Impact::Either,
                a.resource.clone(),
                format!("the {what} is unknown: {why}"),
                Some(at.clone()),
            ),
        }
    }

    fn resource_side<'i>(&'i self, a: &mut Assembled<'i>, action: &str) {
        let resource = a.resource.clone();
        if resource == "*" {
            a.resource_kind = ResourceKind::Any;
            a.resource_account = a.principal.account().map(str::to_owned);
            return;
        }
        let Some(arn) = Arn::parse(&resource) else {
            a.notes.push(format!("`{resource}` is not an ARN"));
            return;
        };
        if is_account_id(arn.account) {
            a.resource_account = Some(arn.account.to_owned());
        }
        if !arn.region.is_empty() {
            a.region = Some(arn.region.to_owned());
        }
        let acct = self.accounts.get(arn.account);
        let not_loaded = |a: &mut Assembled<'i>, what: &str| {
            let owner = arn.account;
            a.unknown(
                UnknownKind::AccountNotExported,
                Side::Resource,
                Impact::Either,
                owner,
                format!(
                    "nothing was loaded for account {owner}: the {what} of `{resource}` is unknown"
                ),
                None,
            );
        };
        match arn.service {
            "s3" => self.s3_side(a, arn.resource),
            "ecr" => {
                a.resource_kind = ResourceKind::Repository;
                let Some(name) = arn.resource.strip_prefix("repository/") else {
                    return;
                };
                let Some(acct) = acct else {
                    return not_loaded(a, "repository policy");
                };
                let repo = acct
                    .repositories
                    .get(&(arn.region.to_owned(), name.to_owned()))
                    .or_else(|| acct.repositories.get(&(String::new(), name.to_owned())));
                if let Some(Known::Present(p, _)) = acct.registry_policies.get(arn.region) {
                    a.registry_policy = Some(p);
                    a.notes.push("the registry policy is loaded but not evaluated: how it combines with a repository policy is not documented".to_owned());
                }
                match repo {
                    Some(r) => {
                        a.repository = Some(r);
                        Self::resource_policy_of(a, &r.policy, &format!("policy of repository `{name}`"));
                    }
                    None => a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("no repository policy export for repository `{name}` in {} of account {}", arn.region, arn.account),
                        None,
                    ),
                }
            }
            "kms" => {
                a.resource_kind = ResourceKind::Key;
                let Some(id) = arn.resource.strip_prefix("key/") else {
                    a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("`{resource}` is not a key ARN: which key an alias names is not exported"),
                        None,
                    );
                    return;
                };
                let Some(acct) = acct else {
                    return not_loaded(a, "key policy and grants");
                };
                let key = acct
                    .keys
                    .get(&(arn.region.to_owned(), id.to_owned()))
                    .or_else(|| acct.keys.get(&(String::new(), id.to_owned())));
                let Some(key) = key else {
                    a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("no export for key `{id}` in {} of account {}: its key policy and grants are unknown", arn.region, arn.account),
                        None,
                    );
                    return;
                };
                a.key = Some(key);
                Self::resource_policy_of(a, &key.policy, &format!("key policy of `{id}`"));
                match &key.grants {
                    Known::Present(gs, _) => a.grants.extend(gs.iter()),
                    Known::Absent(_) => {}
                    other => a.unknown(
                        UnknownKind::KeyGrants,
                        Side::Resource,
                        Impact::MayAllow,
                        &resource,
                        format!("the grants of key `{id}` are unknown ({})", other.why_unknown().unwrap_or_default()),
                        other.provenance().cloned(),
                    ),
                }
                for p in &key.pending {
                    a.unknown(
                        UnknownKind::AfterApply,
                        Side::Resource,
                        Impact::MayAllow,
                        &resource,
                        format!("{} on key `{id}` is unknown: {}", p.what, p.why),
                        Some(p.at.clone()),
                    );
                }
                let cross = a.principal.account() != Some(arn.account);
                if cross && !key.metadata.is_known() {
                    a.unknown(
                        UnknownKind::KeyMetadata,
                        Side::Resource,
                        Impact::MayDeny,
                        &resource,
                        format!("whether key `{id}` is AWS managed (never usable by another account) is unknown: `describe-key` was not exported"),
                        None,
                    );
                }
            }
            "sagemaker" => {
                let group = arn
                    .resource
                    .strip_prefix("model-package-group/")
                    .or_else(|| {
                        arn.resource
                            .strip_prefix("model-package/")
                            .map(|r| r.split('/').next().unwrap_or(r))
                    });
                let Some(group) = group else {
                    return;
                };
                a.resource_kind = ResourceKind::ModelPackageGroup;
                let Some(acct) = acct else {
                    return not_loaded(a, "model package group policy");
                };
                let found = acct
                    .model_package_groups
                    .get(&(arn.region.to_owned(), group.to_owned()))
                    .or_else(|| {
                        // Names compare without regard to case (docs/semantics.md §8.1).
                        acct.model_package_groups.values().find(|g| {
                            (g.region == arn.region || g.region.is_empty())
                                && g.name.eq_ignore_ascii_case(group)
                        })
                    });
                match found {
                    Some(g) => {
                        a.model_package_group = Some(g);
                        Self::resource_policy_of(a, &g.policy, &format!("policy of model package group `{}`", g.name));
                    }
                    None => a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("no export for model package group `{group}` in {} of account {}", arn.region, arn.account),
                        None,
                    ),
                }
            }
            "iam" if arn.resource.starts_with("role/") && action.to_ascii_lowercase().starts_with("sts:") => {
                a.resource_kind = ResourceKind::Role;
                let name = arn.resource.rsplit('/').next().unwrap_or_default();
                let Some(acct) = acct else {
                    return not_loaded(a, "trust policy");
                };
                match acct.iam.as_ref() {
                    None => a.unknown(
                        UnknownKind::IamNotExported,
                        Side::Resource,
                        Impact::Either,
                        arn.account,
                        format!("no IAM export for account {}: the trust policy of `{resource}` is unknown", arn.account),
                        None,
                    ),
                    Some(iam) => match iam.roles.get(name) {
                        Some(role) => Self::resource_policy_of(a, &role.trust, &format!("trust policy of role `{name}`")),
                        None if iam.complete() => a.notes.push(format!("role `{name}` is not in the IAM export of account {}: it does not exist", arn.account)),
                        None => a.unknown(
                            UnknownKind::PrincipalNotExported,
                            Side::Resource,
                            Impact::Either,
                            &resource,
                            format!("role `{name}` of account {} is unknown: its IAM export is incomplete", arn.account),
                            None,
                        ),
                    },
                }
            }
            service if UNREAD_RESOURCE_POLICIES.contains(&service) => a.unknown(
                UnknownKind::ResourcePolicyNotExported,
                Side::Resource,
                Impact::Either,
                &resource,
                format!("xacct does not read {service} resource policies: the policy of `{resource}` is unknown"),
                None,
            ),
            _ => {}
        }
    }

    fn s3_side<'i>(&'i self, a: &mut Assembled<'i>, path: &str) {
        let (bucket_name, is_object) = match path.split_once('/') {
            Some((b, _)) => (b, true),
            None => (path, false),
        };
        a.resource_kind = if is_object {
            ResourceKind::Object
        } else {
            ResourceKind::Bucket
        };
        let Some((acct, bucket)) = self.bucket_owner(bucket_name) else {
            a.unknown(
                UnknownKind::ResourceNotExported,
                Side::Resource,
                Impact::Either,
                bucket_name,
                format!("no loaded account has bucket `{bucket_name}`: its owner, bucket policy and settings are unknown"),
                None,
            );
            a.bucket = Some(BucketFacts {
                ownership: None,
                public_access_block: None,
                object_owner: ObjectOwner::Unknown,
            });
            return;
        };
        a.resource_account = Some(acct.id.clone());
        a.bucket_info = Some(bucket);
        a.region = bucket.region.value().cloned();
        Self::resource_policy_of(
            a,
            &bucket.policy,
            &format!("bucket policy of `{bucket_name}`"),
        );
        let ownership = bucket.ownership.value().copied();
        if is_object && ownership.is_none() {
            a.unknown(
                UnknownKind::BucketSetting,
                Side::Resource,
                Impact::MayDeny,
                bucket_name,
                format!(
                    "the ownership controls of bucket `{bucket_name}` are unknown ({}): with ACLs enabled, an object written by another account is not the bucket owner's",
                    bucket.ownership.why_unknown().unwrap_or_default()
                ),
                bucket.ownership.provenance().cloned(),
            );
        }
        // Block Public Access: bucket and account settings, the most restrictive wins; an
        // absent configuration means all flags off.
        let part = |k: &Known<PublicAccessBlock>| match k {
            Known::Present(p, _) => Some(*p),
            Known::Absent(_) => Some(PublicAccessBlock::default()),
            _ => None,
        };
        let (b, acc) = (
            part(&bucket.public_access_block),
            part(&acct.public_access_block),
        );
        let known = b.unwrap_or_default().combine(acc.unwrap_or_default());
        let public_access_block = if known.restrict_public_buckets || (b.is_some() && acc.is_some())
        {
            Some(known)
        } else {
            let public = bucket
                .policy
                .value()
                .is_some_and(crate::eval::is_public_policy);
            let outsider = a.principal.account() != Some(acct.id.as_str());
            if public && outsider {
                let which = match (b.is_some(), acc.is_some()) {
                    (false, false) => "the bucket's and the account's Block Public Access settings",
                    (false, true) => "the bucket's Block Public Access setting",
                    _ => "the account's Block Public Access setting (`s3control/public-access-block.json`)",
                };
                a.unknown(
                    UnknownKind::BucketSetting,
                    Side::Resource,
                    Impact::MayDeny,
                    bucket_name,
                    format!("the bucket policy of `{bucket_name}` is public and {which} are unknown: `RestrictPublicBuckets` would confine it to account {}", acct.id),
                    None,
                );
            }
            None
        };
        let object_owner = match ownership {
            Some(ObjectOwnership::BucketOwnerEnforced) => ObjectOwner::BucketOwner,
            _ => ObjectOwner::Unknown,
        };
        a.bucket = Some(BucketFacts {
            ownership,
            public_access_block,
            object_owner,
        });
    }
}
