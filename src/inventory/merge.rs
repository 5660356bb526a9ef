//! Merging what the readers found into one inventory: the facts each file gives
//! ([`Item`]), merged after all files are read, exports first and Terraform plans last
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
    /// `<account>/organization.json`.
    Membership {
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
                self.problems.push(Diagnostic::in_file(
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
                merge_iam_page(iam, *page);
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
            Item::Membership { account, value } => {
                let old = std::mem::take(&mut self.account_mut(&account).organization);
                self.duplicate("the account's organization", &old, &value);
                self.account_mut(&account).organization = value;
            }
            Item::Ram { account, item } => self.account_mut(&account).ram.apply(item),
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
                        self.problems.push(Diagnostic::in_file(&codes::EXPORT_NOT_USED,
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
                        self.problems.push(Diagnostic::in_file(&codes::EXPORT_NOT_USED,
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
                self.problems.push(Diagnostic::in_file(&codes::EXPORT_IN_WRONG_ACCOUNT,
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
                    dups.push(Diagnostic::in_file(
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
