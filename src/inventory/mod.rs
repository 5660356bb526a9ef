//! The inventory: what was exported from many accounts (AWS CLI outputs, Terraform plans),
//! loaded as one model of accounts, principals, resources and organizations.
//!
//! Part of the **load** stage (load → model → graph → evaluate / lint → report). This module
//! owns the in-memory model ([`Inventory`], [`Account`], [`Iam`], the resource types, and
//! [`org::Organization`]), the loading pipeline ([`Inventory::load`]: find files, recognize
//! each by content and place, merge), and the assembly of everything that applies to one
//! request ([`Inventory::request_context`], in [`assemble`]). The graph in
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
pub mod aws_cli;
pub mod layout;
pub mod org;
pub mod terraform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::{Diagnostic, Location};
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::json::Pointer;
use crate::load::fs;
use crate::policy::{Grant, Policy};

pub use assemble::{Assembled, Impact, Side, Unknown, UnknownKind};
pub use org::{OrgPolicy, OrgPolicyType, Organization};

/// Where an item came from: a file and the JSON pointer of the item in it (the one
/// [`Location`] of the crate).
pub type Provenance = Location;

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

/// A problem with an input, as a diagnostic of `meta` in `file` at `pointer` (the whole file
/// when `None`).
pub(crate) fn problem(
    meta: &'static RuleMeta,
    file: &str,
    pointer: Option<Pointer>,
    message: impl Into<String>,
) -> Diagnostic {
    let at = Location::new(Arc::from(file), pointer.unwrap_or_else(Pointer::root));
    Diagnostic::new(meta, at, message)
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
    /// Where it was exported.
    pub at: Provenance,
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
}

impl Account {
    fn new(id: &str) -> Account {
        Account {
            id: id.to_owned(),
            ..Account::default()
        }
    }
}

/// Options for loading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The account of Terraform plan resources whose ARNs do not say it (`--terraform-account`).
    pub terraform_account: Option<String>,
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
    /// Set while a Terraform plan's items are merged: a plan overriding an export is
    /// expected, not a duplicate.
    applying_plan: bool,
    /// The account each bucket was first exported under (bucket names are global).
    bucket_owners: std::collections::HashMap<String, String>,
}

/// One recognized piece of a file, merged into the inventory after all files are read.
#[derive(Debug)]
pub(crate) enum Item {
    IamPage {
        account: String,
        page: Box<aws_cli::IamPage>,
    },
    Bucket {
        account: String,
        bucket: String,
        fact: BucketFact,
    },
    AccountPublicAccessBlock {
        account: String,
        value: Known<PublicAccessBlock>,
    },
    Repository {
        account: String,
        region: String,
        name: String,
        policy: Known<Policy>,
        at: Provenance,
    },
    RegistryPolicy {
        account: String,
        region: String,
        policy: Known<Policy>,
    },
    Key {
        account: String,
        region: String,
        key_id: String,
        fact: KeyFact,
    },
    ModelPackageGroup {
        account: String,
        region: String,
        name: String,
        policy: Option<Known<Policy>>,
        at: Provenance,
    },
    Org {
        dir: String,
        item: org::OrgItem,
    },
    /// A role from a Terraform plan (replaces an exported one of the same name).
    Role {
        account: String,
        role: Box<Role>,
    },
    /// An inline role policy from a Terraform plan.
    RolePolicy {
        account: String,
        role: String,
        policy: Known<Policy>,
        name: String,
    },
    /// A managed policy attachment from a Terraform plan.
    RoleAttachment {
        account: String,
        role: String,
        arn: Known<String>,
    },
    /// A managed policy from a Terraform plan.
    ManagedPolicy {
        account: String,
        policy: Box<ManagedPolicy>,
    },
    /// An SCP or RCP from a Terraform plan, with its targets.
    PlannedOrgPolicy {
        policy: Box<OrgPolicy>,
        targets: Vec<String>,
    },
}

#[derive(Debug)]
pub(crate) enum BucketFact {
    Exists(Provenance),
    Policy(Known<Policy>),
    Region(Known<String>),
    Encryption(Known<Encryption>),
    Ownership(Known<ObjectOwnership>),
    PublicAccessBlock(Known<PublicAccessBlock>),
    Acl(Known<BucketAcl>),
}

#[derive(Debug)]
pub(crate) enum KeyFact {
    Policy(Known<Policy>),
    Grants(Known<Vec<Grant>>),
    /// A planned grant (added to the key's grants).
    PlannedGrant(Box<Grant>, Provenance),
    Metadata(Known<KeyMetadata>),
    Arn(String),
    Pending(Pending),
}

/// What one file gave.
#[derive(Debug, Default)]
pub(crate) struct FileOutput {
    pub items: Vec<Item>,
    pub problems: Vec<Diagnostic>,
    /// True for Terraform plans: their items are merged last (they say what will be).
    pub is_plan: bool,
}

/// Expands command-line inputs (files, folders, glob patterns) into the files to read
/// ([`crate::load::fs::discover`]), with what could not be found as problems.
pub fn discover(inputs: &[String]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, errors) = fs::discover(inputs, fs::Filter::Json);
    let problems = errors
        .into_iter()
        .map(|e| problem(&codes::UNREADABLE_INPUT, &e.path, None, e.message))
        .collect();
    (files, problems)
}

impl Inventory {
    /// Loads every file that `inputs` (files, folders, glob patterns) name. Never fails:
    /// what cannot be read is in [`Inventory::problems`].
    pub fn load(inputs: &[String], opts: &LoadOptions) -> Inventory {
        let (files, mut problems) = discover(inputs);
        let outputs: Vec<(u64, FileOutput)> = files
            .par_iter()
            .map(|path| {
                let name = path.to_string_lossy();
                match fs::read(path) {
                    Ok(bytes) => (bytes.len() as u64, read_file(&name, path, &bytes, opts)),
                    Err(e) => (
                        0,
                        FileOutput {
                            problems: vec![problem(
                                &codes::UNREADABLE_INPUT,
                                &name,
                                None,
                                format!("cannot read: {e}"),
                            )],
                            ..FileOutput::default()
                        },
                    ),
                }
            })
            .collect();
        let mut inv = Inventory::default();
        inv.problems.append(&mut problems);
        inv.files = files.len();
        inv.merge(outputs);
        inv
    }

    /// Loads files already in memory, as `(path, bytes)`; the paths give their place in the
    /// layout. `parallel` reads them on every core.
    pub fn from_memory(
        files: &[(String, Vec<u8>)],
        opts: &LoadOptions,
        parallel: bool,
    ) -> Inventory {
        let one = |(name, bytes): &(String, Vec<u8>)| {
            (
                bytes.len() as u64,
                read_file(name, Path::new(name), bytes, opts),
            )
        };
        let outputs: Vec<(u64, FileOutput)> = if parallel {
            files.par_iter().map(one).collect()
        } else {
            files.iter().map(one).collect()
        };
        Inventory::from_outputs(outputs)
    }

    /// The inventory of files already read, each as its size and what it gave.
    pub(crate) fn from_outputs(outputs: Vec<(u64, FileOutput)>) -> Inventory {
        let mut inv = Inventory {
            files: outputs.len(),
            ..Inventory::default()
        };
        inv.merge(outputs);
        inv
    }

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

    /// A managed policy by ARN: the account's own, or (for AWS managed policies, which every
    /// account shares) any loaded account's.
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
                .find_map(|a| a.iam.as_ref().and_then(|i| i.policies.get(arn)));
        }
        None
    }

    fn account_mut(&mut self, id: &str) -> &mut Account {
        self.accounts
            .entry(id.to_owned())
            .or_insert_with(|| Account::new(id))
    }

    fn org_mut(&mut self, dir: &str) -> &mut Organization {
        let i = match self.orgs.iter().position(|o| o.dir == dir) {
            Some(i) => i,
            None => {
                self.orgs.push(Organization::new(dir));
                self.orgs.len() - 1
            }
        };
        &mut self.orgs[i]
    }

    fn merge(&mut self, outputs: Vec<(u64, FileOutput)>) {
        let mut plans = Vec::new();
        for (bytes, out) in outputs {
            self.bytes += bytes;
            self.problems.extend(out.problems);
            if out.is_plan {
                plans.push(out.items);
            } else {
                for item in out.items {
                    self.apply(item);
                }
            }
        }
        // Plans say what will be: they override exports.
        self.applying_plan = true;
        for items in plans {
            for item in items {
                self.apply(item);
            }
        }
        crate::diagnostic::sort(&mut self.problems);
    }

    fn duplicate<T>(&mut self, what: &str, old: &Known<T>, new: &Known<T>) {
        if let (Some(a), Some(b)) = (old.provenance(), new.provenance()) {
            if a.file != b.file && old.is_known() && !self.applying_plan {
                self.problems.push(problem(
                    &codes::DUPLICATE_EXPORT,
                    &b.file,
                    None,
                    format!("{what} is also exported in `{}`; this file is used", a.file),
                ));
            }
        }
    }

    fn apply(&mut self, item: Item) {
        match item {
            Item::IamPage { account, page } => {
                let acct = self.account_mut(&account);
                let iam = acct.iam.get_or_insert_with(Iam::default);
                aws_cli::merge_iam_page(iam, *page);
            }
            Item::Bucket {
                account,
                bucket,
                fact,
            } => self.apply_bucket(&account, &bucket, fact),
            Item::AccountPublicAccessBlock { account, value } => {
                let old = std::mem::take(&mut self.account_mut(&account).public_access_block);
                self.duplicate("the account's Block Public Access", &old, &value);
                self.account_mut(&account).public_access_block = value;
            }
            Item::Repository {
                account,
                region,
                name,
                policy,
                at,
            } => {
                let key = (region.clone(), name.clone());
                let old = self
                    .account_mut(&account)
                    .repositories
                    .remove(&key)
                    .map(|r| r.policy)
                    .unwrap_or_default();
                self.duplicate(&format!("the policy of repository `{name}`"), &old, &policy);
                let policy = match (policy, old) {
                    (Known::NotExported, old) => old,
                    (new, _) => new,
                };
                self.account_mut(&account).repositories.insert(
                    key,
                    Repository {
                        region,
                        name,
                        policy,
                        at,
                    },
                );
            }
            Item::RegistryPolicy {
                account,
                region,
                policy,
            } => {
                let old = self
                    .account_mut(&account)
                    .registry_policies
                    .remove(&region)
                    .unwrap_or_default();
                self.duplicate("the registry policy", &old, &policy);
                self.account_mut(&account)
                    .registry_policies
                    .insert(region, policy);
            }
            Item::Key {
                account,
                region,
                key_id,
                fact,
            } => self.apply_key(&account, region, key_id, fact),
            Item::ModelPackageGroup {
                account,
                region,
                name,
                policy,
                at,
            } => {
                let key = (region.clone(), name.clone());
                let acct = self.account_mut(&account);
                let group =
                    acct.model_package_groups
                        .entry(key)
                        .or_insert_with(|| ModelPackageGroup {
                            region,
                            name,
                            policy: Known::NotExported,
                            at,
                        });
                if let Some(p) = policy {
                    group.policy = p;
                }
            }
            Item::Org { dir, item } => self.org_mut(&dir).apply(item),
            Item::Role { account, role } => {
                let iam = self
                    .account_mut(&account)
                    .iam
                    .get_or_insert_with(Iam::default);
                iam.roles.insert(role.name.clone(), *role);
            }
            Item::RolePolicy {
                account,
                role,
                policy,
                name,
            } => {
                let iam = self
                    .account_mut(&account)
                    .iam
                    .get_or_insert_with(Iam::default);
                let Some(r) = iam.roles.get_mut(&role) else {
                    if let Some(at) = policy.provenance() {
                        let file = at.file.clone();
                        self.problems.push(problem(&codes::EXPORT_NOT_USED,
                            &file,
                            Some(at.pointer.clone()),
                            format!("inline policy `{name}` is for role `{role}`, which neither the plan nor an IAM export of account {account} has"),
                        ));
                    }
                    return;
                };
                r.inline
                    .retain(|p| p.origin.name.as_deref() != Some(name.as_str()));
                match policy {
                    Known::Present(p, _) => r.inline.push(p),
                    Known::Unknown(at, why) => r.pending.push(Pending {
                        what: format!("inline policy `{name}`"),
                        why,
                        at,
                    }),
                    Known::Absent(_) | Known::NotExported => {}
                }
            }
            Item::RoleAttachment { account, role, arn } => {
                let iam = self
                    .account_mut(&account)
                    .iam
                    .get_or_insert_with(Iam::default);
                let Some(r) = iam.roles.get_mut(&role) else {
                    if let Some(at) = arn.provenance() {
                        let file = at.file.clone();
                        self.problems.push(problem(&codes::EXPORT_NOT_USED,
                            &file,
                            Some(at.pointer.clone()),
                            format!("a policy attachment is for role `{role}`, which neither the plan nor an IAM export of account {account} has"),
                        ));
                    }
                    return;
                };
                match arn {
                    Known::Present(a, _) => {
                        if !r.attached.contains(&a) {
                            r.attached.push(a);
                        }
                    }
                    Known::Unknown(at, why) => r.pending.push(Pending {
                        what: "an attached managed policy".to_owned(),
                        why,
                        at,
                    }),
                    Known::Absent(_) | Known::NotExported => {}
                }
            }
            Item::ManagedPolicy { account, policy } => {
                let iam = self
                    .account_mut(&account)
                    .iam
                    .get_or_insert_with(Iam::default);
                iam.policies.insert(policy.arn.clone(), *policy);
            }
            Item::PlannedOrgPolicy { policy, targets } => {
                let found = self
                    .orgs
                    .iter()
                    .position(|o| targets.iter().any(|t| o.has_node(t)));
                match found {
                    Some(i) => self.orgs[i].add_planned(*policy, targets),
                    None => self.problems.push(problem(&codes::EXPORT_NOT_USED,
                        &policy.at.file,
                        Some(policy.at.pointer.clone()),
                        format!(
                            "{} `{}` is attached to {}, which no loaded organization has: it is not used",
                            policy.kind.label(),
                            policy.name,
                            targets.join(", ")
                        ),
                    )),
                }
            }
        }
    }

    fn apply_bucket(&mut self, account: &str, name: &str, fact: BucketFact) {
        let owner_elsewhere = match self.bucket_owners.get(name) {
            Some(o) if o != account => Some(o.clone()),
            Some(_) => None,
            None => {
                self.bucket_owners
                    .insert(name.to_owned(), account.to_owned());
                None
            }
        };
        if let Some(other) = owner_elsewhere {
            let at = match &fact {
                BucketFact::Exists(p) => Some(p.clone()),
                BucketFact::Policy(k) => k.provenance().cloned(),
                BucketFact::Region(k) => k.provenance().cloned(),
                BucketFact::Encryption(k) => k.provenance().cloned(),
                BucketFact::Ownership(k) => k.provenance().cloned(),
                BucketFact::PublicAccessBlock(k) => k.provenance().cloned(),
                BucketFact::Acl(k) => k.provenance().cloned(),
            };
            if let Some(at) = at {
                self.problems.push(problem(&codes::EXPORT_IN_WRONG_ACCOUNT,
                    &at.file,
                    None,
                    format!("bucket `{name}` is also exported under account {other}; bucket names are global, so one of them is misplaced"),
                ));
            }
            return;
        }
        let quiet = self.applying_plan;
        let acct = self.account_mut(account);
        let b = acct
            .buckets
            .entry(name.to_owned())
            .or_insert_with(|| Bucket {
                name: name.to_owned(),
                ..Bucket::default()
            });
        fn set<T>(
            slot: &mut Known<T>,
            new: Known<T>,
            what: &str,
            quiet: bool,
            dups: &mut Vec<Diagnostic>,
        ) {
            if let (Some(a), Some(b)) = (slot.provenance(), new.provenance()) {
                if a.file != b.file && slot.is_known() && !quiet {
                    dups.push(problem(
                        &codes::DUPLICATE_EXPORT,
                        &b.file,
                        None,
                        format!("{what} is also exported in `{}`; this file is used", a.file),
                    ));
                }
            }
            if !matches!(new, Known::NotExported) {
                *slot = new;
            }
        }
        let mut dups = Vec::new();
        let note = |p: Option<&Provenance>, b: &mut Bucket| {
            if let Some(p) = p {
                if !b.sources.contains(p) {
                    b.sources.push(p.clone());
                }
            }
        };
        match fact {
            BucketFact::Exists(p) => note(Some(&p), b),
            BucketFact::Policy(k) => {
                note(k.provenance(), b);
                set(&mut b.policy, k, "the bucket policy", quiet, &mut dups)
            }
            BucketFact::Region(k) => {
                note(k.provenance(), b);
                set(&mut b.region, k, "the bucket location", quiet, &mut dups)
            }
            BucketFact::Encryption(k) => {
                note(k.provenance(), b);
                set(
                    &mut b.encryption,
                    k,
                    "the bucket encryption",
                    quiet,
                    &mut dups,
                )
            }
            BucketFact::Ownership(k) => {
                note(k.provenance(), b);
                set(
                    &mut b.ownership,
                    k,
                    "the ownership controls",
                    quiet,
                    &mut dups,
                )
            }
            BucketFact::PublicAccessBlock(k) => {
                note(k.provenance(), b);
                set(
                    &mut b.public_access_block,
                    k,
                    "the Block Public Access setting",
                    quiet,
                    &mut dups,
                )
            }
            BucketFact::Acl(k) => {
                note(k.provenance(), b);
                set(&mut b.acl, k, "the bucket ACL", quiet, &mut dups)
            }
        }
        self.problems.extend(dups);
    }

    fn apply_key(&mut self, account: &str, region: String, key_id: String, fact: KeyFact) {
        let acct = self.account_mut(account);
        let key = acct
            .keys
            .entry((region.clone(), key_id.clone()))
            .or_insert_with(|| KmsKey {
                region,
                id: key_id,
                arn: None,
                policy: Known::NotExported,
                grants: Known::NotExported,
                metadata: Known::NotExported,
                pending: Vec::new(),
            });
        match fact {
            KeyFact::Policy(p) => key.policy = p,
            KeyFact::Grants(g) => match (&mut key.grants, g) {
                // Pages of list-grants (or a plan's grants) add up.
                (Known::Present(old, _), Known::Present(new, _)) => old.extend(new),
                (slot, new) => *slot = new,
            },
            KeyFact::PlannedGrant(g, at) => match &mut key.grants {
                Known::Present(old, _) => old.push(*g),
                slot => *slot = Known::Present(vec![*g], at),
            },
            KeyFact::Metadata(m) => {
                if let Some(arn) = m.value().and_then(|m| m.arn.clone()) {
                    key.arn = Some(arn);
                }
                key.metadata = m;
            }
            KeyFact::Arn(arn) => key.arn = Some(arn),
            KeyFact::Pending(p) => key.pending.push(p),
        }
    }
}

/// Reads one file: recognizes it by content and place, and returns what it holds.
pub(crate) fn read_file(name: &str, path: &Path, bytes: &[u8], opts: &LoadOptions) -> FileOutput {
    match parse_file(name, bytes) {
        Ok((_, json)) => read_parsed(name, path, &json, opts),
        Err(out) => out,
    }
}

/// A file's text and JSON tree, or what [`read_file`] gives for a file that has none.
pub(crate) fn parse_file<'b>(
    name: &str,
    bytes: &'b [u8],
) -> Result<(&'b str, crate::json::Json<'b>), FileOutput> {
    let text = std::str::from_utf8(bytes).map_err(|e| FileOutput {
        problems: vec![problem(
            &codes::UNREADABLE_INPUT,
            name,
            None,
            format!("not UTF-8 text: {e}"),
        )],
        ..FileOutput::default()
    })?;
    let json = crate::json::Json::parse(text).map_err(|e| FileOutput {
        problems: vec![problem(
            &codes::UNREADABLE_INPUT,
            name,
            None,
            format!("invalid JSON: {e}"),
        )],
        ..FileOutput::default()
    })?;
    Ok((text, json))
}

/// [`read_file`] on a file already parsed.
pub(crate) fn read_parsed(
    name: &str,
    path: &Path,
    json: &crate::json::Json<'_>,
    opts: &LoadOptions,
) -> FileOutput {
    let file: Arc<str> = Arc::from(name);
    let place = layout::place(path);
    if terraform::is_plan(json) {
        let mut out = terraform::read_plan(json, &file, &place, opts);
        out.is_plan = true;
        return out;
    }
    aws_cli::read_export(json, &file, &place)
}
