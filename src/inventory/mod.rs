//! The inventory: what was exported from many accounts (AWS CLI outputs, Terraform plans),
//! loaded as one model of accounts, principals, resources and organizations.
//!
//! Part of the **load** stage (load → model → graph → evaluate / lint → report). This module
//! owns the in-memory model ([`Inventory`], [`Account`], [`Iam`], the resource types, and
//! [`org::Organization`]), the merge of what each file gave ([`merge`]; the files are read
//! by [`crate::load`]), the AWS managed policies no export carries ([`builtin`]), and the
//! assembly of everything that applies to one request ([`Inventory::request_context`], in
//! [`assemble`]). The graph in
//! [`crate::graph`] and the commands read it; nothing here evaluates a request.
//!
//! Absent data is *unknown*, never empty: every exported fact is a [`Known`], whose
//! [`Known::NotExported`] means "no file says", distinct from [`Known::Absent`] ("an export
//! says there is none", written by `scripts/export-account.sh` from the CLI's
//! `NoSuch…` errors). The assembly API lists what is unknown for a request.
//!
//! Bad input never stops the others: a file that cannot be read, or that holds something
//! unexpected, becomes a [`Diagnostic`] with its path (and JSON pointer); an unrecognized file
//! is named in a warning.

pub mod assemble;
pub mod builtin;
pub mod merge;
pub mod org;
pub mod ram;
pub mod resources;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::policy::{Grant, Policy};

pub use assemble::{Assembled, Impact, ResourceHalf, ScpChains, Side, Unknown, UnknownKind};
pub use org::{OrgPolicy, OrgPolicyType, Organization};
pub use resources::{Resource, ResourceType};

/// Where an item came from: a file and the JSON pointer of the item in it (the one
/// [`Location`] of the crate).
pub type Provenance = Location;

/// The account of what a Terraform plan describes when nothing says which account it applies
/// to (`XL0010`): a value, not a reason to leave resources out. It is no 12-digit id, so no
/// principal's account ever equals it: every account a policy names counts as outside it.
pub const UNKNOWN_ACCOUNT: &str = "unknown";

/// Something that carries a policy (or a grant, or a sharing attribute) and could not be
/// evaluated: a value known only after apply, a target that cannot be told, a failed export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unevaluated {
    /// What (`` `aws_sns_topic_policy.t.policy` ``, `the bucket policy of `b``…).
    pub what: String,
    /// Why.
    pub why: String,
    /// Where.
    pub at: Provenance,
}

/// One exported fact: known to be there, known to be absent, or unknown.
#[derive(Debug, Clone, Default)]
pub enum Known<T> {
    /// No loaded file says anything about it: unknown.
    #[default]
    NotExported,
    /// An export says there is none (for example `NoSuchBucketPolicy`).
    Absent(Provenance),
    /// The value, and where it came from.
    Present(T, Provenance),
    /// A file mentions it but its value is unknown: a Terraform value known only after
    /// apply, an export that failed (`AccessDenied`), or a file that could not be read.
    Unknown(Provenance, String),
}

impl<T> Known<T> {
    /// The value, when present.
    pub fn value(&self) -> Option<&T> {
        match self {
            Known::Present(v, _) => Some(v),
            _ => None,
        }
    }

    /// Where the fact came from, unless nothing said it.
    pub fn provenance(&self) -> Option<&Provenance> {
        match self {
            Known::NotExported => None,
            Known::Absent(p) | Known::Present(_, p) | Known::Unknown(p, _) => Some(p),
        }
    }

    /// Present or known absent.
    pub fn is_known(&self) -> bool {
        matches!(self, Known::Absent(_) | Known::Present(..))
    }

    /// Applies `f` to the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Known<U> {
        match self {
            Known::NotExported => Known::NotExported,
            Known::Absent(p) => Known::Absent(p),
            Known::Present(v, p) => Known::Present(f(v), p),
            Known::Unknown(p, r) => Known::Unknown(p, r),
        }
    }

    /// Why it is not known, for messages; `None` when known.
    pub fn why_unknown(&self) -> Option<String> {
        match self {
            Known::NotExported => Some("not exported".to_owned()),
            Known::Unknown(p, r) => Some(format!("{r} ({p})")),
            _ => None,
        }
    }
}

/// A value a Terraform plan sets only at apply: it is unknown until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// What is unknown (`inline policy `x``, `permissions boundary`…).
    pub what: String,
    /// Why: the plan's attribute and what it comes from.
    pub why: String,
    /// The plan and the pointer of the unknown value.
    pub at: Provenance,
}

/// An IAM user.
#[derive(Debug, Clone)]
pub struct User {
    /// `UserName`.
    pub name: String,
    /// `Arn`.
    pub arn: String,
    /// `UserId`.
    pub id: Option<String>,
    /// Inline policies (`UserPolicyList`).
    pub inline: Vec<Policy>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    /// Group names (`GroupList`).
    pub groups: Vec<String>,
    /// Permissions boundary ARN.
    pub boundary: Option<String>,
    /// `Tags`.
    pub tags: Vec<(String, String)>,
    /// Access keys (`list-access-keys`, `aws_iam_access_key`).
    pub access_keys: Vec<AccessKey>,
    /// Values known only after a Terraform apply.
    pub pending: Vec<Pending>,
    /// Where it was exported.
    pub at: Provenance,
}

/// An access key of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessKey {
    /// `AccessKeyId` (known only after apply for a key a plan creates).
    pub id: Option<String>,
    /// `Active` or `Inactive`.
    pub status: String,
    /// Where it was exported (or planned).
    pub at: Provenance,
}

impl AccessKey {
    /// Whether the key can sign requests.
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("active")
    }
}

/// An IAM group.
#[derive(Debug, Clone)]
pub struct Group {
    /// `GroupName`.
    pub name: String,
    /// `Arn`.
    pub arn: String,
    /// Inline policies (`GroupPolicyList`).
    pub inline: Vec<Policy>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    /// Values known only after a Terraform apply.
    pub pending: Vec<Pending>,
    /// Where it was exported.
    pub at: Provenance,
}

/// An IAM role.
#[derive(Debug, Clone)]
pub struct Role {
    /// `RoleName`.
    pub name: String,
    /// `Arn` (with the path).
    pub arn: String,
    /// `RoleId`.
    pub id: Option<String>,
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub trust: Known<Policy>,
    /// Inline policies (`RolePolicyList`).
    pub inline: Vec<Policy>,
    /// Attached managed policy ARNs.
    pub attached: Vec<String>,
    /// Permissions boundary ARN.
    pub boundary: Option<String>,
    /// `Tags`.
    pub tags: Vec<(String, String)>,
    /// Values known only after a Terraform apply.
    pub pending: Vec<Pending>,
    /// Where it was exported (or planned).
    pub at: Provenance,
}

/// A customer or AWS managed policy, with its default version's document.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    /// `Arn`.
    pub arn: String,
    /// `PolicyName`.
    pub name: String,
    /// `DefaultVersionId`.
    pub default_version: Option<String>,
    /// The default version's document.
    pub document: Known<Policy>,
    /// Where it was exported.
    pub at: Provenance,
}

/// The IAM side of one account.
#[derive(Debug, Clone, Default)]
pub struct Iam {
    /// Users by name.
    pub users: BTreeMap<String, User>,
    /// Groups by name.
    pub groups: BTreeMap<String, Group>,
    /// Roles by name.
    pub roles: BTreeMap<String, Role>,
    /// Managed policies by ARN.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// The `get-account-authorization-details` pages that were loaded.
    pub pages: Vec<Provenance>,
    /// How many of them say `IsTruncated: true`.
    pub truncated_pages: usize,
    /// How many of them are a last page (`IsTruncated` false or absent).
    pub last_pages: usize,
}

impl Iam {
    /// Whether the account's full IAM export is loaded, so that an entity missing from it
    /// does not exist. Roles planned by Terraform alone, or truncated pages without their
    /// last page, leave it incomplete.
    pub fn complete(&self) -> bool {
        self.last_pages > 0
    }

    /// Some page says more follow and no last page was loaded.
    pub fn truncated(&self) -> bool {
        self.truncated_pages > 0 && self.last_pages == 0
    }
}

/// Default encryption of a bucket (`get-bucket-encryption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Encryption {
    /// `SSEAlgorithm`: `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub algorithm: String,
    /// `KMSMasterKeyID`: a key ARN, key id or alias, when set.
    pub kms_key: Option<String>,
    /// `BucketKeyEnabled`.
    pub bucket_key: bool,
}

/// One grant of a bucket ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AclGrant {
    /// `Grantee.Type`.
    pub grantee_type: String,
    /// `Grantee.ID`, `Grantee.URI` or `Grantee.EmailAddress`.
    pub grantee: String,
    /// `Permission`.
    pub permission: String,
}

/// A bucket ACL (`get-bucket-acl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketAcl {
    /// `Owner.ID` (canonical user id).
    pub owner: Option<String>,
    /// `Grants`.
    pub grants: Vec<AclGrant>,
}

/// An S3 bucket and what was exported about it.
#[derive(Debug, Clone, Default)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// The bucket policy.
    pub policy: Known<Policy>,
    /// Region (`get-bucket-location`; `null` means `us-east-1`).
    pub region: Known<String>,
    /// Default encryption.
    pub encryption: Known<Encryption>,
    /// Object ownership.
    pub ownership: Known<ObjectOwnership>,
    /// Bucket-level Block Public Access.
    pub public_access_block: Known<PublicAccessBlock>,
    /// The ACL.
    pub acl: Known<BucketAcl>,
    /// The files that mention the bucket.
    pub sources: Vec<Provenance>,
}

/// An ECR repository.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Region (empty when a Terraform plan does not say).
    pub region: String,
    /// Repository name (may contain `/`).
    pub name: String,
    /// The repository policy.
    pub policy: Known<Policy>,
    /// Where it was exported.
    pub at: Provenance,
}

/// `describe-key`'s `KeyMetadata`, the fields xacct uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyMetadata {
    /// `Arn`.
    pub arn: Option<String>,
    /// `KeyManager`: `AWS` (an AWS managed key, never usable by another account) or
    /// `CUSTOMER`.
    pub key_manager: Option<String>,
    /// `KeyState`.
    pub key_state: Option<String>,
    /// `Enabled`.
    pub enabled: Option<bool>,
    /// `KeySpec`.
    pub key_spec: Option<String>,
    /// `MultiRegion`.
    pub multi_region: Option<bool>,
    /// `Description`.
    pub description: Option<String>,
}

/// A KMS key.
#[derive(Debug, Clone)]
pub struct KmsKey {
    /// Region (empty when a Terraform plan does not say).
    pub region: String,
    /// Key id; for a key a Terraform plan creates, its address (the id is known only after
    /// apply).
    pub id: String,
    /// The key ARN, when known.
    pub arn: Option<String>,
    /// The key policy.
    pub policy: Known<Policy>,
    /// Grants (`list-grants`).
    pub grants: Known<Vec<Grant>>,
    /// `describe-key`.
    pub metadata: Known<KeyMetadata>,
    /// Values known only after a Terraform apply (grants with unknown grantees…).
    pub pending: Vec<Pending>,
}

/// A SageMaker model package group.
#[derive(Debug, Clone)]
pub struct ModelPackageGroup {
    /// Region (empty when a Terraform plan does not say).
    pub region: String,
    /// Group name.
    pub name: String,
    /// The group's resource policy.
    pub policy: Known<Policy>,
    /// Where the group is known from.
    pub at: Provenance,
}

/// One account and everything exported from it.
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// The 12-digit id.
    pub id: String,
    /// The IAM export; `None`: none was loaded, so every principal is unknown.
    pub iam: Option<Iam>,
    /// Buckets by name.
    pub buckets: BTreeMap<String, Bucket>,
    /// Account-level Block Public Access (`s3control get-public-access-block`).
    pub public_access_block: Known<PublicAccessBlock>,
    /// ECR repositories by (region, name).
    pub repositories: BTreeMap<(String, String), Repository>,
    /// ECR registry policies by region.
    pub registry_policies: BTreeMap<String, Known<Policy>>,
    /// KMS keys by (region, key id).
    pub keys: BTreeMap<(String, String), KmsKey>,
    /// Model package groups by (region, name).
    pub model_package_groups: BTreeMap<(String, String), ModelPackageGroup>,
    /// Every other resource with a resource-based policy ([`resources`]), by ARN.
    pub resources: BTreeMap<String, Resource>,
    /// The AWS RAM shares the account owns.
    pub ram: ram::Ram,
    /// What `describe-organization` answered in the account (`organization.json`): absent
    /// means it is in no organization.
    pub organization: Known<org::Membership>,
}

impl Account {
    fn new(id: &str) -> Account {
        Account {
            id: id.to_owned(),
            ..Account::default()
        }
    }
}

/// Everything that was loaded, and what could not be.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Accounts by id (only accounts some file was loaded for).
    pub accounts: BTreeMap<String, Account>,
    /// Organizations, one per `org/` folder.
    pub orgs: Vec<Organization>,
    /// Problems, in file order.
    pub problems: Vec<Diagnostic>,
    /// Number of files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// What the files carry that never made it into the model because it could not be
    /// placed (a plan's policy whose target is known only after apply…); see
    /// [`Inventory::unevaluated`] for everything.
    pub dropped: Vec<Unevaluated>,
    /// Set while a Terraform plan's items are merged: a plan overriding an export is
    /// expected, not a duplicate.
    applying_plan: bool,
    /// The account each bucket was first exported under (bucket names are global).
    bucket_owners: std::collections::HashMap<String, String>,
    /// Accounts stated to be in no organization (`--no-organization`).
    assumed_outside: std::collections::BTreeSet<String>,
}

impl Inventory {
    /// True when some input could not be read (the command then exits 2).
    pub fn has_errors(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.severity == crate::diagnostic::Severity::Error)
    }

    /// The organization whose tree lists `account` (as a member or its management account).
    pub fn org_of(&self, account: &str) -> Option<&Organization> {
        self.orgs.iter().find(|o| o.contains(account))
    }

    /// Finds the role `arn` names (by account and name).
    pub fn role(&self, arn: &str) -> Option<&Role> {
        let a = crate::arn::Arn::parse(arn)?;
        let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
        self.accounts.get(a.account)?.iam.as_ref()?.roles.get(name)
    }

    /// The account that owns bucket `name`, when a loaded account folder has it.
    pub fn bucket_owner(&self, name: &str) -> Option<(&Account, &Bucket)> {
        if let Some(a) = self
            .bucket_owners
            .get(name)
            .and_then(|o| self.accounts.get(o))
        {
            if let Some(b) = a.buckets.get(name) {
                return Some((a, b));
            }
        }
        self.accounts
            .values()
            .find_map(|a| a.buckets.get(name).map(|b| (a, b)))
    }

    /// Everything that carries a policy (or a grant) and could not be evaluated: what the
    /// files held but could not place, and every policy, grant or trust in the model whose
    /// value is unknown (known only after apply, a failed export, an unreadable document).
    pub fn unevaluated(&self) -> Vec<Unevaluated> {
        let mut out = self.dropped.clone();
        let mut unknown = |what: String, k: &Known<Policy>| {
            if let Known::Unknown(at, why) = k {
                out.push(Unevaluated {
                    what,
                    why: why.clone(),
                    at: at.clone(),
                });
            }
        };
        for acct in self.accounts.values() {
            for (name, b) in &acct.buckets {
                unknown(format!("the bucket policy of `{name}`"), &b.policy);
            }
            for ((_, name), r) in &acct.repositories {
                unknown(format!("the policy of repository `{name}`"), &r.policy);
            }
            for (region, p) in &acct.registry_policies {
                unknown(format!("the ECR registry policy of {region}"), p);
            }
            for ((_, id), k) in &acct.keys {
                unknown(format!("the key policy of `{id}`"), &k.policy);
            }
            for ((_, name), g) in &acct.model_package_groups {
                unknown(
                    format!("the policy of model package group `{name}`"),
                    &g.policy,
                );
            }
            for r in acct.resources.values() {
                unknown(format!("the policy of {}", r.label()), &r.policy);
            }
            if let Some(iam) = &acct.iam {
                for r in iam.roles.values() {
                    unknown(format!("the trust policy of role `{}`", r.name), &r.trust);
                }
            }
        }
        for acct in self.accounts.values() {
            let pending =
                acct.keys
                    .values()
                    .flat_map(|k| k.pending.iter())
                    .chain(acct.iam.iter().flat_map(|i| {
                        let roles = i.roles.values().flat_map(|r| r.pending.iter());
                        let users = i.users.values().flat_map(|u| u.pending.iter());
                        let groups = i.groups.values().flat_map(|g| g.pending.iter());
                        roles.chain(users).chain(groups)
                    }));
            for p in pending {
                out.push(Unevaluated {
                    what: p.what.clone(),
                    why: p.why.clone(),
                    at: p.at.clone(),
                });
            }
            for ((_, id), k) in &acct.keys {
                if let Known::Unknown(at, why) = &k.grants {
                    out.push(Unevaluated {
                        what: format!("the grants of key `{id}`"),
                        why: why.clone(),
                        at: at.clone(),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.at, &a.what).cmp(&(&b.at, &b.what)));
        out.dedup();
        out
    }

    /// The resource of [`resources::TYPES`] that a request on `arn` is on (the resource
    /// itself, or a part of it), and its account.
    pub fn resource(&self, arn: &str) -> Option<(&Account, &Resource)> {
        let a = crate::arn::Arn::parse(arn)?;
        if let Some(acct) = self.accounts.get(a.account) {
            if let Some(r) = acct.resources.get(arn) {
                return Some((acct, r));
            }
            if let Some(r) = acct.resources.values().find(|r| r.covers(arn)) {
                return Some((acct, r));
            }
        }
        self.accounts.values().find_map(|acct| {
            acct.resources
                .values()
                .find(|r| r.covers(arn))
                .map(|r| (acct, r))
        })
    }

    /// A managed policy by ARN: the account's own, or (for AWS managed policies, which every
    /// account shares) any loaded account's, else the built-in copy ([`builtin`]).
    pub fn managed_policy(&self, account: &str, arn: &str) -> Option<&ManagedPolicy> {
        if let Some(p) = self
            .accounts
            .get(account)
            .and_then(|a| a.iam.as_ref())
            .and_then(|i| i.policies.get(arn))
        {
            return Some(p);
        }
        if arn.contains(":iam::aws:policy/") {
            return self
                .accounts
                .values()
                .find_map(|a| a.iam.as_ref().and_then(|i| i.policies.get(arn)))
                .or_else(|| builtin::managed_policy(arn));
        }
        None
    }
}
