//! Organizations: the tree (root → OUs → accounts), the SCPs and RCPs, and where each is
//! attached (docs/semantics.md §1.2).
//!
//! An organization is read ([`crate::load::aws_cli::org`]) from one `org/` folder of
//! `aws organizations` outputs:
//!
//! ```text
//! org/
//!   organization.json             describe-organization            (id, management account)
//!   roots.json                    list-roots                       (root id, enabled policy types)
//!   ous/<parent-id>.json          list-organizational-units-for-parent --parent-id <parent-id>
//!   accounts/<parent-id>.json     list-accounts-for-parent --parent-id <parent-id>
//!   policies/<policy-id>.json     describe-policy --policy-id <policy-id>
//!   targets/<policy-id>.json      list-targets-for-policy --policy-id <policy-id>
//!   list-policies.<TYPE>.json     list-policies --filter <TYPE>     (optional: which exist)
//! ```
//!
//! Listing outputs do not name the parent or policy they were asked about, so the file name
//! does. An account folder may hold `<account>/organization.json`, what
//! `describe-organization` answers in that account ([`Membership`]): the organization it is a
//! member of, or the CLI's `AWSOrganizationsNotInUseException` error (it is in none, so no SCP
//! or RCP applies to it). `check --no-organization ACCOUNT` states the same when no export
//! does. Inheritance: SCPs filter at every level (each level from the root down to the
//! account needs an allow); RCPs likewise, with `RCPFullAWSAccess` implied, so only their
//! denies bite. Neither applies to the management account.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Known, Provenance};
use crate::policy::{DocKind, Policy};

/// The error code the AWS CLI prints when `describe-organization` runs in an account that is
/// in no organization.
pub const NOT_IN_USE: &str = "AWSOrganizationsNotInUseException";

/// What `describe-organization` answered in an account that is a member of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// `o-…`.
    pub org: Option<String>,
    /// `MasterAccountId`: SCPs and RCPs do not apply to it.
    pub management_account: Option<String>,
}

/// Whether an account is in an organization, and who says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stated {
    /// A loaded `org/` folder lists it.
    Listed(String),
    /// Its `organization.json` names the organization (its `org/` folder is not loaded).
    Member(Membership, Provenance),
    /// Its `organization.json` is the `AWSOrganizationsNotInUseException` error.
    NoOrganization(Provenance),
    /// `--no-organization` assumes it is in none.
    AssumedNone,
    /// Its `organization.json` is another error.
    Failed(Provenance, String),
    /// Nothing says.
    Unknown,
}

impl super::Inventory {
    /// What the inputs say about `account`'s organization: a loaded `org/` folder first, then
    /// the account's `organization.json`, then `--no-organization`.
    pub fn membership(&self, account: &str) -> Stated {
        if let Some(o) = self.org_of(account) {
            return Stated::Listed(o.label());
        }
        match self.accounts.get(account).map(|a| &a.organization) {
            Some(Known::Present(m, p)) => Stated::Member(m.clone(), p.clone()),
            Some(Known::Absent(p)) => Stated::NoOrganization(p.clone()),
            Some(Known::Unknown(p, why)) if !self.assumed_outside.contains(account) => {
                Stated::Failed(p.clone(), why.clone())
            }
            _ if self.assumed_outside.contains(account) => Stated::AssumedNone,
            _ => Stated::Unknown,
        }
    }

    /// States that `account` is in no organization (`--no-organization`), unless an export
    /// says otherwise.
    pub fn assume_no_organization(&mut self, account: &str) {
        self.assumed_outside.insert(account.to_owned());
    }
}

impl Stated {
    /// Why no SCP or RCP applies to the account, when none does by this statement.
    pub fn none_applies(&self, account: &str) -> Option<String> {
        match self {
            Stated::NoOrganization(p) => Some(format!(
                "account {account} is in no organization (`{}`: {NOT_IN_USE}): no SCP or RCP applies to it",
                p.file
            )),
            Stated::AssumedNone => Some(format!(
                "account {account} is assumed to be in no organization (--no-organization {account}): no SCP or RCP applies to it"
            )),
            Stated::Member(m, p) if m.management_account.as_deref() == Some(account) => {
                Some(format!(
                    "account {account} is the management account of organization {} (`{}`): SCPs and RCPs do not apply to it",
                    m.org.as_deref().unwrap_or("-"),
                    p.file
                ))
            }
            _ => None,
        }
    }

    /// Why the SCPs (or RCPs, `what`) of the account are unknown, when they are.
    pub fn unknown_why(&self, account: &str, what: &str) -> Option<String> {
        match self {
            Stated::Member(m, p) if m.management_account.as_deref() != Some(account) => {
                Some(format!(
                    "account {account} is a member of organization {} (`{}`), whose `org/` folder is not loaded: {what} are unknown",
                    m.org.as_deref().unwrap_or("-"),
                    p.file
                ))
            }
            Stated::Failed(p, why) => Some(format!(
                "whether account {account} is in an organization is unknown (`{}`: {why}): {what} are unknown",
                p.file
            )),
            Stated::Unknown => Some(format!(
                "no loaded organization lists account {account}: {what} are unknown"
            )),
            _ => None,
        }
    }

    /// The assumption this statement makes, for a report (nothing for a loaded `org/`).
    pub fn assumption(&self, account: &str) -> Option<String> {
        match self {
            Stated::Listed(_) | Stated::Unknown | Stated::Failed(..) => None,
            Stated::Member(m, p) if m.management_account.as_deref() != Some(account) => {
                Some(format!(
                    "account {account} is a member of organization {} (`{}`); its SCPs and RCPs are unknown until that organization's `org/` folder is loaded",
                    m.org.as_deref().unwrap_or("-"),
                    p.file
                ))
            }
            other => other.none_applies(account),
        }
    }
}

/// SCP or RCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgPolicyType {
    /// `SERVICE_CONTROL_POLICY`.
    Scp,
    /// `RESOURCE_CONTROL_POLICY`.
    Rcp,
}

impl OrgPolicyType {
    /// `SCP` or `RCP`.
    pub fn label(self) -> &'static str {
        match self {
            OrgPolicyType::Scp => "SCP",
            OrgPolicyType::Rcp => "RCP",
        }
    }

    /// Reads the Organizations API type name.
    pub fn parse(s: &str) -> Option<OrgPolicyType> {
        match s {
            "SERVICE_CONTROL_POLICY" => Some(OrgPolicyType::Scp),
            "RESOURCE_CONTROL_POLICY" => Some(OrgPolicyType::Rcp),
            _ => None,
        }
    }

    pub(crate) fn kind(self) -> DocKind {
        match self {
            OrgPolicyType::Scp => DocKind::Scp,
            OrgPolicyType::Rcp => DocKind::Rcp,
        }
    }
}

/// An SCP or RCP.
#[derive(Debug, Clone)]
pub struct OrgPolicy {
    /// `p-…` (for a policy a Terraform plan creates, its address).
    pub id: String,
    /// `Name`.
    pub name: String,
    /// SCP or RCP.
    pub kind: OrgPolicyType,
    /// `AwsManaged` (`FullAWSAccess`, `RCPFullAWSAccess`).
    pub aws_managed: bool,
    /// The document (`Content`).
    pub document: Known<Policy>,
    /// Where it was exported.
    pub at: Provenance,
}

/// An account as the organization lists it.
#[derive(Debug, Clone, Serialize)]
pub struct OrgAccount {
    /// Account id.
    pub id: String,
    /// `Name`.
    pub name: Option<String>,
    /// `Status` (`ACTIVE`, `SUSPENDED`…).
    pub status: Option<String>,
    /// The listing it came from.
    pub at: Provenance,
}

/// One organization.
#[derive(Debug, Clone, Default)]
pub struct Organization {
    /// The `org/` folder it was read from.
    pub dir: String,
    /// `o-…`.
    pub id: Option<String>,
    /// The management account (SCPs and RCPs do not apply to it).
    pub management_account: Option<String>,
    /// The root id (`r-…`).
    pub root: Option<String>,
    /// Policy types enabled on the root; `None` when `list-roots` was not exported.
    pub enabled: Option<Vec<OrgPolicyType>>,
    /// Parent of each OU and account (ids).
    pub parents: BTreeMap<String, String>,
    /// Names of OUs (and the root).
    pub names: BTreeMap<String, String>,
    /// Member accounts.
    pub accounts: BTreeMap<String, OrgAccount>,
    /// SCPs and RCPs by id.
    pub policies: BTreeMap<String, OrgPolicy>,
    /// Where each policy is attached (target ids), for the policies whose targets were
    /// exported.
    pub targets: BTreeMap<String, BTreeSet<String>>,
    /// Policies `list-policies` names (id → type), exported or not.
    pub listed: BTreeMap<String, OrgPolicyType>,
}

/// What one `org/` file gave.
#[derive(Debug)]
pub(crate) enum OrgItem {
    Root {
        id: String,
        org: Option<String>,
        management: Option<String>,
        enabled: Vec<OrgPolicyType>,
    },
    Organization {
        id: Option<String>,
        management: Option<String>,
    },
    Ous {
        parent: String,
        ous: Vec<(String, String)>,
    },
    Accounts {
        parent: String,
        accounts: Vec<OrgAccount>,
    },
    Policy(Box<OrgPolicy>),
    Targets {
        policy: String,
        targets: Vec<String>,
    },
    Listed(Vec<(String, OrgPolicyType)>),
}

/// The SCPs or RCPs that apply along one account's path in its organization.
#[derive(Debug, Clone, Default)]
pub struct Chain<'o> {
    /// Whether the policy type applies at all (not for the management account, nor when
    /// the type is not enabled).
    pub applies: bool,
    /// Policies per level, root first.
    pub levels: Vec<Vec<&'o Policy>>,
    /// What is not known about the chain.
    pub unknown: Vec<String>,
    /// Why it does not apply, when it does not.
    pub note: Option<String>,
}

impl Organization {
    pub(crate) fn new(dir: &str) -> Organization {
        Organization {
            dir: dir.to_owned(),
            ..Organization::default()
        }
    }

    /// A display name: the organization id, or the folder.
    pub fn label(&self) -> String {
        self.id.clone().unwrap_or_else(|| self.dir.clone())
    }

    /// Whether the organization lists `account` (member or management account).
    pub fn contains(&self, account: &str) -> bool {
        self.accounts.contains_key(account) || self.management_account.as_deref() == Some(account)
    }

    /// Whether `id` is a node (root, OU or account) of the tree.
    pub fn has_node(&self, id: &str) -> bool {
        self.root.as_deref() == Some(id)
            || self.parents.contains_key(id)
            || self.parents.values().any(|p| p == id)
            || self.contains(id)
    }

    /// The path from the root to `account`, as node ids.
    pub fn path(&self, account: &str) -> Result<Vec<String>, String> {
        let mut path = vec![account.to_owned()];
        let mut cur = account.to_owned();
        for _ in 0..64 {
            if self.root.as_deref() == Some(cur.as_str()) {
                path.reverse();
                return Ok(path);
            }
            match self.parents.get(&cur) {
                Some(p) => {
                    path.push(p.clone());
                    cur = p.clone();
                }
                None if cur.starts_with("r-") => {
                    path.reverse();
                    return Ok(path);
                }
                None => {
                    return Err(if cur == account {
                        format!("no `accounts/<parent-id>.json` listing names the parent of account {account}")
                    } else {
                        format!("no `ous/<parent-id>.json` listing names the parent of `{cur}`")
                    })
                }
            }
        }
        Err(format!("the parents of account {account} form a cycle"))
    }

    /// The SCP or RCP chain of `account`.
    pub fn chain(&self, account: &str, kind: OrgPolicyType) -> Chain<'_> {
        let mut chain = Chain::default();
        let label = kind.label();
        if self.management_account.as_deref() == Some(account) {
            chain.note = Some(format!(
                "{account} is the management account of {}: {label}s do not apply to it",
                self.label()
            ));
            return chain;
        }
        match &self.enabled {
            Some(types) if !types.contains(&kind) => {
                chain.note = Some(format!(
                    "{label}s are not enabled in organization {}",
                    self.label()
                ));
                return chain;
            }
            Some(_) => {}
            None => chain.unknown.push(format!(
                "whether {label}s are enabled in organization {} is not exported (`org/roots.json`)",
                self.label()
            )),
        }
        chain.applies = true;
        let path = match self.path(account) {
            Ok(p) => p,
            Err(why) => {
                chain.unknown.push(format!(
                    "where account {account} sits in organization {} is unknown: {why}",
                    self.label()
                ));
                return chain;
            }
        };
        // Policies of this type whose attachments are unknown make every level unknown.
        let mut of_kind: Vec<(&String, Option<&OrgPolicy>)> = self
            .policies
            .iter()
            .filter(|(_, p)| p.kind == kind)
            .map(|(id, p)| (id, Some(p)))
            .collect();
        for (id, t) in &self.listed {
            if *t == kind && !self.policies.contains_key(id) {
                of_kind.push((id, None));
            }
        }
        for (id, p) in &of_kind {
            if !self.targets.contains_key(*id) {
                let name = p.map(|p| p.name.as_str()).unwrap_or(id.as_str());
                chain.unknown.push(format!(
                    "where {label} `{name}` is attached is not exported (`org/targets/{id}.json`)"
                ));
            }
        }
        for node in &path {
            let mut level = Vec::new();
            let mut attached = 0;
            for (policy_id, targets) in &self.targets {
                if !targets.contains(node) {
                    continue;
                }
                match self.policies.get(policy_id) {
                    Some(p) if p.kind == kind => {
                        attached += 1;
                        match &p.document {
                            Known::Present(doc, _) => level.push(doc),
                            other => chain.unknown.push(format!(
                                "{label} `{}` attached to `{node}` is unknown: {}",
                                p.name,
                                other.why_unknown().unwrap_or_default()
                            )),
                        }
                    }
                    Some(_) => {}
                    None => {
                        // Targets exported for a policy whose content is not: it may be of
                        // this type.
                        if self.listed.get(policy_id).is_none_or(|t| *t == kind) {
                            attached += 1;
                            chain.unknown.push(format!(
                                "policy `{policy_id}` attached to `{node}` is not exported (`org/policies/{policy_id}.json`)"
                            ));
                        }
                    }
                }
            }
            if attached == 0 && kind == OrgPolicyType::Scp {
                chain.unknown.push(format!(
                    "no SCP is attached to `{node}` in the export, but AWS keeps at least one attached while SCPs are enabled: the attachments are incomplete"
                ));
            }
            chain.levels.push(level);
        }
        chain
    }

    pub(crate) fn add_planned(&mut self, policy: OrgPolicy, targets: Vec<String>) {
        let id = policy.id.clone();
        self.policies.insert(id.clone(), policy);
        self.targets.entry(id).or_default().extend(targets);
    }

    pub(crate) fn apply(&mut self, item: OrgItem) {
        match item {
            OrgItem::Root {
                id,
                org,
                management,
                enabled,
            } => {
                self.root = Some(id);
                if org.is_some() {
                    self.id = org;
                }
                if management.is_some() {
                    self.management_account = management;
                }
                self.enabled = Some(enabled);
            }
            OrgItem::Organization { id, management } => {
                if id.is_some() {
                    self.id = id;
                }
                if management.is_some() {
                    self.management_account = management;
                }
            }
            OrgItem::Ous { parent, ous } => {
                for (id, name) in ous {
                    self.parents.insert(id.clone(), parent.clone());
                    self.names.insert(id, name);
                }
            }
            OrgItem::Accounts { parent, accounts } => {
                for a in accounts {
                    self.parents.insert(a.id.clone(), parent.clone());
                    self.accounts.insert(a.id.clone(), a);
                }
            }
            OrgItem::Policy(p) => {
                self.policies.insert(p.id.clone(), *p);
            }
            OrgItem::Targets { policy, targets } => {
                self.targets.entry(policy).or_default().extend(targets);
            }
            OrgItem::Listed(list) => self.listed.extend(list),
        }
    }
}
