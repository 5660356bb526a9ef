//! Merging what the readers found into one inventory: the facts each file gives
//! (`Item`), merged after all files are read, exports first and Terraform plans last
//! (a plan says what will be). A fact exported twice is reported
//! ([`crate::diagnostic::codes::DUPLICATE_EXPORT`]); the later file is used.

use super::*;
use crate::diagnostic::codes;

/// One page of `aws iam get-account-authorization-details`.
#[derive(Debug, Default)]
pub struct IamPage {
    /// `UserDetailList`.
    pub users: Vec<User>,
    /// `GroupDetailList`.
    pub groups: Vec<Group>,
    /// `RoleDetailList`.
    pub roles: Vec<Role>,
    /// `Policies`.
    pub policies: Vec<ManagedPolicy>,
    /// `IsTruncated`.
    pub truncated: bool,
    /// The page.
    pub at: Option<Provenance>,
}

/// Adds a page to an account's IAM export. Pages merge; the export is complete once a
/// page that is not truncated was loaded.
pub(crate) fn merge_iam_page(iam: &mut Iam, page: IamPage) {
    for u in page.users {
        iam.users.insert(u.name.clone(), u);
    }
    for g in page.groups {
        iam.groups.insert(g.name.clone(), g);
    }
    for r in page.roles {
        iam.roles.insert(r.name.clone(), r);
    }
    for p in page.policies {
        iam.policies.insert(p.arn.clone(), p);
    }
    if let Some(at) = page.at {
        iam.pages.push(at);
        if page.truncated {
            iam.truncated_pages += 1;
        } else {
            iam.last_pages += 1;
        }
    }
}

/// One recognized piece of a file, merged into the inventory after all files are read.
#[derive(Debug)]
pub(crate) enum Item {
    IamPage {
        account: String,
        page: Box<IamPage>,
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
    /// A repository; an unsaid policy keeps what an earlier file said.
    Repository {
        account: String,
        repository: Box<Repository>,
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
    /// A model package group; an unsaid policy keeps what an earlier file said.
    ModelPackageGroup {
        account: String,
        group: Box<ModelPackageGroup>,
    },
    Org {
        dir: String,
        item: org::OrgItem,
    },
    /// `<account>/organization.json`.
    OrgMembership {
        account: String,
        value: Known<org::Membership>,
    },
    Ram {
        account: String,
        item: super::ram::RamItem,
    },
    /// A role from a Terraform plan (replaces an exported one of the same name).
    Role {
        account: String,
        role: Box<Role>,
    },
    /// A user from a Terraform plan (replaces an exported one of the same name).
    User {
        account: String,
        user: Box<User>,
    },
    /// A group from a Terraform plan (replaces an exported one of the same name).
    Group {
        account: String,
        group: Box<Group>,
    },
    /// An inline policy from a Terraform plan.
    InlinePolicy {
        account: String,
        owner: Owner,
        policy: Known<Policy>,
        name: String,
    },
    /// A managed policy attachment from a Terraform plan.
    Attachment {
        account: String,
        owner: Owner,
        arn: Known<String>,
    },
    /// A user's membership of a group (a plan's `aws_iam_user_group_membership`…).
    Membership {
        account: String,
        user: String,
        group: String,
        at: Provenance,
    },
    /// A user's access key (`list-access-keys`, `aws_iam_access_key`).
    AccessKey {
        account: String,
        user: String,
        key: AccessKey,
    },
    /// A managed policy from a Terraform plan.
    ManagedPolicy {
        account: String,
        policy: Box<ManagedPolicy>,
    },
    /// A resource of the generic model ([`resources`](super::resources)).
    Resource(Box<Resource>),
    /// An SCP or RCP from a Terraform plan, with its targets.
    PlannedOrgPolicy {
        policy: Box<OrgPolicy>,
        targets: Vec<String>,
    },
}

/// The IAM entity an inline policy, attachment or membership is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Owner {
    Role(String),
    User(String),
    Group(String),
}

impl Owner {
    fn text(&self) -> String {
        match self {
            Owner::Role(n) => format!("role `{n}`"),
            Owner::User(n) => format!("user `{n}`"),
            Owner::Group(n) => format!("group `{n}`"),
        }
    }
}

/// The parts of an IAM entity that inline policies and attachments change.
struct Entity<'a> {
    inline: &'a mut Vec<Policy>,
    attached: &'a mut Vec<String>,
    pending: &'a mut Vec<Pending>,
}

fn entity<'a>(iam: &'a mut Iam, owner: &Owner) -> Option<Entity<'a>> {
    macro_rules! parts {
        ($e:expr) => {{
            let e = $e;
            Entity {
                inline: &mut e.inline,
                attached: &mut e.attached,
                pending: &mut e.pending,
            }
        }};
    }
    Some(match owner {
        Owner::Role(n) => parts!(iam.roles.get_mut(n)?),
        Owner::User(n) => parts!(iam.users.get_mut(n)?),
        Owner::Group(n) => parts!(iam.groups.get_mut(n)?),
    })
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

impl BucketFact {
    /// The file that states it.
    fn provenance(&self) -> Option<&Provenance> {
        match self {
            BucketFact::Exists(p) => Some(p),
            BucketFact::Policy(k) => k.provenance(),
            BucketFact::Region(k) => k.provenance(),
            BucketFact::Encryption(k) => k.provenance(),
            BucketFact::Ownership(k) => k.provenance(),
            BucketFact::PublicAccessBlock(k) => k.provenance(),
            BucketFact::Acl(k) => k.provenance(),
        }
    }
}

/// Sets an exported fact; a fact exported again by another file is reported (unless `quiet`:
/// a plan says what will be) and the later one used. An unexported fact changes nothing.
fn set<T>(slot: &mut Known<T>, new: Known<T>, what: &str, quiet: bool, dups: &mut Vec<Diagnostic>) {
    if let (Some(a), Some(b)) = (slot.provenance(), new.provenance()) {
        if a.file != b.file && slot.is_known() && !quiet {
            dups.push(duplicate_of(what, &a.file, &b.file));
        }
    }
    if !matches!(new, Known::NotExported) {
        *slot = new;
    }
}

/// `what` is exported in `file` and again in `again`.
fn duplicate_of(what: &str, file: &str, again: &str) -> Diagnostic {
    Diagnostic::in_file(
        &codes::DUPLICATE_EXPORT,
        again,
        None,
        format!("{what} is also exported in `{file}`; this file is used"),
    )
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
    pub items: Items,
    pub problems: Vec<Diagnostic>,
    /// What carries a policy and could not be placed in the model.
    pub dropped: Vec<Unevaluated>,
    /// True for Terraform plans: their items are merged last (they say what will be).
    pub is_plan: bool,
}

/// The items of one file. Most files give one item, and every file's items are held until
/// all files are read: the first item gets a block of its own, not the four slots a `Vec`
/// reserves on its first push (an [`Item`] is a few hundred bytes; for 55,000 one-item files
/// the spare slots were about 7% of the peak memory of loading them).
#[derive(Debug, Default)]
pub(crate) struct Items(Vec<Item>);

impl Items {
    /// Appends `item`; the first one alone in its block.
    pub fn push(&mut self, item: Item) {
        if self.0.capacity() == 0 {
            self.0.reserve_exact(1);
        }
        self.0.push(item);
    }
}

impl std::ops::Deref for Items {
    type Target = Vec<Item>;

    fn deref(&self) -> &Vec<Item> {
        &self.0
    }
}

impl std::ops::DerefMut for Items {
    fn deref_mut(&mut self) -> &mut Vec<Item> {
        &mut self.0
    }
}

impl IntoIterator for Items {
    type Item = Item;
    type IntoIter = std::vec::IntoIter<Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Inventory {
    /// The inventory of files already read, each as its size and what it gave.
    pub(crate) fn from_outputs(
        outputs: Vec<(u64, FileOutput)>,
        problems: Vec<Diagnostic>,
    ) -> Inventory {
        let mut inv = Inventory {
            files: outputs.len(),
            problems,
            ..Inventory::default()
        };
        inv.merge(outputs);
        inv
    }

    fn account_mut(&mut self, id: &str) -> &mut Account {
        self.accounts
            .entry(id.to_owned())
            .or_insert_with(|| Account::new(id))
    }

    fn iam_mut(&mut self, id: &str) -> &mut Iam {
        self.account_mut(id).iam.get_or_insert_with(Iam::default)
    }

    /// `what` (at `at`) is for an entity that no input has.
    fn no_entity(&mut self, what: &str, owner: &Owner, account: &str, at: Option<Provenance>) {
        if let Some(at) = at {
            self.problems.push(Diagnostic::in_file(
                &codes::EXPORT_NOT_USED,
                &at.file,
                Some(at.pointer.clone()),
                format!(
                    "{what} is for {}, which neither the plan nor an IAM export of account {account} has",
                    owner.text()
                ),
            ));
        }
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
        let mut later = Vec::new();
        for (bytes, out) in outputs {
            self.bytes += bytes;
            self.problems.extend(out.problems);
            self.dropped.extend(out.dropped);
            if out.is_plan {
                plans.push(out.items);
            } else {
                for item in out.items {
                    // What adds to a user waits until every export's users are in.
                    if matches!(item, Item::AccessKey { .. } | Item::Membership { .. }) {
                        later.push(item);
                    } else {
                        self.apply(item);
                    }
                }
            }
        }
        for item in later {
            self.apply(item);
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
                self.problems.push(duplicate_of(what, &a.file, &b.file));
            }
        }
    }

    fn apply(&mut self, item: Item) {
        match item {
            Item::IamPage { account, page } => merge_iam_page(self.iam_mut(&account), *page),
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
                repository,
            } => {
                let r = *repository;
                let key = (r.region.clone(), r.name.clone());
                let old = self
                    .account_mut(&account)
                    .repositories
                    .remove(&key)
                    .map(|o| o.policy)
                    .unwrap_or_default();
                let what = format!("the policy of repository `{}`", r.name);
                self.duplicate(&what, &old, &r.policy);
                let policy = match r.policy {
                    Known::NotExported => old,
                    new => new,
                };
                let repositories = &mut self.account_mut(&account).repositories;
                repositories.insert(key, Repository { policy, ..r });
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
            Item::ModelPackageGroup { account, group } => {
                let g = *group;
                let key = (g.region.clone(), g.name.clone());
                let groups = &mut self.account_mut(&account).model_package_groups;
                match groups.get_mut(&key) {
                    Some(old) => {
                        if !matches!(g.policy, Known::NotExported) {
                            old.policy = g.policy;
                        }
                    }
                    None => {
                        groups.insert(key, g);
                    }
                }
            }
            Item::Org { dir, item } => self.org_mut(&dir).apply(item),
            Item::OrgMembership { account, value } => {
                let old = std::mem::take(&mut self.account_mut(&account).organization);
                self.duplicate("the account's organization", &old, &value);
                self.account_mut(&account).organization = value;
            }
            Item::Ram { account, item } => self.account_mut(&account).ram.apply(item),
            Item::Role { account, role } => {
                let iam = self.iam_mut(&account);
                iam.roles.insert(role.name.clone(), *role);
            }
            Item::User { account, user } => {
                let iam = self.iam_mut(&account);
                iam.users.insert(user.name.clone(), *user);
            }
            Item::Group { account, group } => {
                let iam = self.iam_mut(&account);
                iam.groups.insert(group.name.clone(), *group);
            }
            Item::InlinePolicy {
                account,
                owner,
                policy,
                name,
            } => {
                let at = policy.provenance().cloned();
                let Some(e) = entity(self.iam_mut(&account), &owner) else {
                    let what = format!("inline policy `{name}`");
                    return self.no_entity(&what, &owner, &account, at);
                };
                e.inline
                    .retain(|p| p.origin.name.as_deref() != Some(name.as_str()));
                match policy {
                    Known::Present(p, _) => e.inline.push(p),
                    Known::Unknown(at, why) => e.pending.push(Pending {
                        what: format!("inline policy `{name}`"),
                        why,
                        at,
                    }),
                    Known::Absent(_) | Known::NotExported => {}
                }
            }
            Item::Attachment {
                account,
                owner,
                arn,
            } => {
                let at = arn.provenance().cloned();
                let Some(e) = entity(self.iam_mut(&account), &owner) else {
                    return self.no_entity("a policy attachment", &owner, &account, at);
                };
                match arn {
                    Known::Present(a, _) => {
                        if !e.attached.contains(&a) {
                            e.attached.push(a);
                        }
                    }
                    Known::Unknown(at, why) => e.pending.push(Pending {
                        what: "an attached managed policy".to_owned(),
                        why,
                        at,
                    }),
                    Known::Absent(_) | Known::NotExported => {}
                }
            }
            Item::Membership {
                account,
                user,
                group,
                at,
            } => {
                let owner = Owner::User(user.clone());
                match self.iam_mut(&account).users.get_mut(&user) {
                    Some(u) => {
                        if !u.groups.contains(&group) {
                            u.groups.push(group);
                        }
                    }
                    None => self.no_entity(
                        &format!("membership of group `{group}`"),
                        &owner,
                        &account,
                        Some(at),
                    ),
                }
            }
            Item::AccessKey { account, user, key } => {
                let owner = Owner::User(user.clone());
                match self.iam_mut(&account).users.get_mut(&user) {
                    Some(u) => {
                        u.access_keys.retain(|k| k.id.is_none() || k.id != key.id);
                        u.access_keys.push(key);
                    }
                    None => {
                        let at = Some(key.at.clone());
                        self.no_entity("an access key", &owner, &account, at)
                    }
                }
            }
            Item::ManagedPolicy { account, policy } => {
                let iam = self.iam_mut(&account);
                iam.policies.insert(policy.arn.clone(), *policy);
            }
            Item::Resource(r) => self.apply_resource(*r),
            Item::PlannedOrgPolicy { policy, targets } => {
                let found = self
                    .orgs
                    .iter()
                    .position(|o| targets.iter().any(|t| o.has_node(t)));
                match found {
                    Some(i) => self.orgs[i].add_planned(*policy, targets),
                    None => self.problems.push(Diagnostic::in_file(&codes::EXPORT_NOT_USED,
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
        let at = fact.provenance().cloned();
        let account = match self.bucket_owners.get(name) {
            // A plan that does not say its account: the bucket is the exporting account's.
            Some(o) if account == UNKNOWN_ACCOUNT => o.clone(),
            Some(other) if other != account => {
                if let Some(at) = at {
                    let other = other.clone();
                    self.problems.push(Diagnostic::in_file(&codes::EXPORT_IN_WRONG_ACCOUNT,
                        &at.file,
                        None,
                        format!("bucket `{name}` is also exported under account {other}; bucket names are global, so one of them is misplaced"),
                    ));
                }
                return;
            }
            Some(_) => account.to_owned(),
            None => {
                self.bucket_owners
                    .insert(name.to_owned(), account.to_owned());
                account.to_owned()
            }
        };
        let quiet = self.applying_plan;
        let acct = self.account_mut(&account);
        let b = acct
            .buckets
            .entry(name.to_owned())
            .or_insert_with(|| Bucket {
                name: name.to_owned(),
                ..Bucket::default()
            });
        if let Some(p) = at {
            if !b.sources.contains(&p) {
                b.sources.push(p);
            }
        }
        let mut dups = Vec::new();
        match fact {
            BucketFact::Exists(_) => {}
            BucketFact::Policy(k) => set(&mut b.policy, k, "the bucket policy", quiet, &mut dups),
            BucketFact::Region(k) => set(&mut b.region, k, "the bucket location", quiet, &mut dups),
            BucketFact::Encryption(k) => set(
                &mut b.encryption,
                k,
                "the bucket encryption",
                quiet,
                &mut dups,
            ),
            BucketFact::Ownership(k) => set(
                &mut b.ownership,
                k,
                "the ownership controls",
                quiet,
                &mut dups,
            ),
            BucketFact::PublicAccessBlock(k) => set(
                &mut b.public_access_block,
                k,
                "the Block Public Access setting",
                quiet,
                &mut dups,
            ),
            BucketFact::Acl(k) => set(&mut b.acl, k, "the bucket ACL", quiet, &mut dups),
        }
        self.problems.extend(dups);
    }

    /// A resource of the generic model: its known policy replaces an earlier one (a plan's
    /// an export's), an unsaid one changes nothing.
    fn apply_resource(&mut self, r: Resource) {
        let old = self
            .account_mut(&r.account)
            .resources
            .remove(&r.arn)
            .map(|o| (o.policy, o.at));
        let (policy, at) = match old {
            Some((old, at)) => {
                self.duplicate(&format!("the policy of {}", r.label()), &old, &r.policy);
                match r.policy {
                    Known::NotExported => (old, at),
                    new => (new, at),
                }
            }
            None => (r.policy, r.at),
        };
        let account = r.account.clone();
        self.account_mut(&account)
            .resources
            .insert(r.arn.clone(), Resource { policy, at, ..r });
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
