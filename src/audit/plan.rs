//! What an audit run works on, worked out before any account is loaded: the files grouped
//! by account (from their place in the layout alone, without reading them), the files every
//! account shares (the organizations, Terraform plans and exports outside account folders),
//! which accounts the model package groups open a registration path to, and how accounts
//! are split into shards.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::finding::fnv1a;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::Location;
use crate::inventory::{Inventory, Known, Organization};
use crate::load::classify::decode_text;
use crate::load::layout::{self, Place as LayoutPlace, Slot};
use crate::load::{read_all, FileData, LoadOptions};
use crate::policy::names::Named;
use crate::policy::Policy;

/// The action a model package group grants to open a registration path.
pub const CREATE_MODEL_PACKAGE: &str = "sagemaker:CreateModelPackage";

/// One slice of the accounts: `index` of `count`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice (1-based).
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

/// The most slices a run can be cut into: far more than any batch system runs at once.
pub const MAX_SHARDS: usize = 65_536;

/// AWS Batch's array index of the child job (0-based).
pub const AWS_BATCH_INDEX: &str = "AWS_BATCH_JOB_ARRAY_INDEX";
/// AWS Batch's array size.
pub const AWS_BATCH_SIZE: &str = "AWS_BATCH_JOB_ARRAY_SIZE";
/// A Kubernetes Indexed Job's completion index (0-based).
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// The shard count of `--shard auto` under a Kubernetes Indexed Job, when not given as `auto/N`.
pub const SHARD_COUNT: &str = "XACCT_SHARD_COUNT";

/// A 0-based index read from the variable `name`.
fn index_of(name: &str, value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|i| *i < MAX_SHARDS)
        .ok_or_else(|| {
            format!(
                "--shard auto: {name}=`{value}` is not an index from 0 to {}",
                MAX_SHARDS - 1
            )
        })
}

/// A shard count read from `what`.
fn count_of(what: &str, value: &str) -> Result<usize, String> {
    value
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_SHARDS).contains(n))
        .ok_or_else(|| {
            format!("--shard auto: {what}=`{value}` is not a shard count from 1 to {MAX_SHARDS}")
        })
}

impl Shard {
    /// Reads `I/N` (1 ≤ I ≤ N ≤ [`MAX_SHARDS`]).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!("`{text}` is not a shard: expected I/N with 1 <= I <= N <= {MAX_SHARDS}, such as 2/8")
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count || count > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Reads the value of `--shard`: `I/N`, or `auto` (`auto/N`) to take the slice from the
    /// batch system running xacct, its variables read through `var`: an AWS Batch array job
    /// (`AWS_BATCH_JOB_ARRAY_INDEX`, 0-based, and `AWS_BATCH_JOB_ARRAY_SIZE`) or a Kubernetes
    /// Indexed Job (`JOB_COMPLETION_INDEX`, 0-based, with the count from `auto/N` or
    /// `XACCT_SHARD_COUNT`, as Kubernetes does not tell a pod the job's completions).
    pub fn resolve(text: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let Some(rest) = text.strip_prefix("auto") else {
            return Shard::parse(text);
        };
        let given = match rest.strip_prefix('/') {
            Some(n) => Some(
                n.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_SHARDS).contains(n))
                    .ok_or_else(|| {
                        format!("--shard `{text}`: expected auto/N with 1 <= N <= {MAX_SHARDS}")
                    })?,
            ),
            None if rest.is_empty() => None,
            None => {
                return Err(format!(
                    "`{text}` is not a shard: expected I/N, auto or auto/N"
                ))
            }
        };
        let batch = var(AWS_BATCH_INDEX);
        let k8s = var(K8S_INDEX);
        let (index, count) = match (batch, k8s) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "--shard auto: both {AWS_BATCH_INDEX} and {K8S_INDEX} are set; give the slice as I/N"
                ))
            }
            (Some(i), None) => {
                let index = index_of(AWS_BATCH_INDEX, &i)?;
                let size = var(AWS_BATCH_SIZE).ok_or_else(|| {
                    format!("--shard auto: {AWS_BATCH_INDEX} is set but {AWS_BATCH_SIZE} is not")
                })?;
                let count = count_of(AWS_BATCH_SIZE, &size)?;
                if given.is_some_and(|g| g != count) {
                    return Err(format!(
                        "--shard `{text}` disagrees with {AWS_BATCH_SIZE}={count}"
                    ));
                }
                (index, count)
            }
            (None, Some(i)) => {
                let index = index_of(K8S_INDEX, &i)?;
                let count = match (given, var(SHARD_COUNT)) {
                    (Some(g), Some(c)) if count_of(SHARD_COUNT, &c)? != g => {
                        return Err(format!("--shard `{text}` disagrees with {SHARD_COUNT}={c}"))
                    }
                    (Some(g), _) => g,
                    (None, Some(c)) => count_of(SHARD_COUNT, &c)?,
                    (None, None) => {
                        return Err(format!(
                            "--shard auto: {K8S_INDEX} is set but not the number of shards: give --shard auto/N (the Job's completions) or set {SHARD_COUNT}"
                        ))
                    }
                };
                (index, count)
            }
            (None, None) => {
                return Err(format!(
                    "--shard auto: no batch system found: neither {AWS_BATCH_INDEX} (AWS Batch array job) nor {K8S_INDEX} (Kubernetes Indexed Job) is set; give the slice as I/N"
                ))
            }
        };
        if index >= count {
            return Err(format!(
                "--shard auto: index {index} (0-based) is not below the shard count {count}"
            ));
        }
        Ok(Shard {
            index: index + 1,
            count,
        })
    }

    /// Whether `account` belongs to this slice: a fixed hash of the account id, so a slice
    /// does not change when other accounts come or go.
    pub fn has(&self, account: &str) -> bool {
        (fnv1a(&[account]) % self.count as u64) as usize == self.index - 1
    }

    /// Whether this slice carries what belongs to no account (the organization's lint
    /// findings, the shared files' counts): the first one.
    pub fn is_first(&self) -> bool {
        self.index == 1
    }
}

/// The inputs, grouped by what their place in the layout says.
#[derive(Debug, Default)]
pub struct Layout {
    /// Files below each account folder, sorted, with their slot.
    pub accounts: BTreeMap<String, Vec<(PathBuf, Slot)>>,
    /// Files below `org/` folders.
    pub org_files: Vec<PathBuf>,
    /// Files anywhere else (Terraform plans, self-describing exports).
    pub global_files: Vec<PathBuf>,
    /// The account each bucket's files sit under (first one wins).
    pub buckets: HashMap<String, String>,
    /// Inputs that could not be found.
    pub problems: Vec<Diagnostic>,
}

impl Layout {
    /// Finds the files ([`crate::load::fs::discover`]) and groups them.
    pub fn discover(inputs: &[String]) -> Layout {
        let (files, problems) = crate::load::discover(inputs);
        let mut out = Layout {
            problems,
            ..Layout::default()
        };
        let placed: Vec<(PathBuf, LayoutPlace)> = files
            .into_par_iter()
            .map(|path| {
                let place = layout::place(&path);
                (path, place)
            })
            .collect();
        for (name, place) in placed {
            match place {
                LayoutPlace::Account { account, slot } => {
                    if let Slot::Bucket { bucket, .. } = &slot {
                        out.buckets
                            .entry(bucket.clone())
                            .or_insert_with(|| account.clone());
                    }
                    out.accounts.entry(account).or_default().push((name, slot));
                }
                LayoutPlace::Org { .. } => out.org_files.push(name),
                LayoutPlace::Elsewhere => out.global_files.push(name),
            }
        }
        out
    }
}

/// What every account shares: the organizations (with SCPs and RCPs a plan adds), and the
/// files outside account folders with the accounts each one describes.
#[derive(Debug, Default)]
pub struct Shared {
    /// The organizations, whole: which accounts are in which one.
    pub orgs: Vec<Organization>,
    /// The files outside account folders, read.
    pub globals: Vec<FileData>,
    /// The accounts each global file describes (same order as `globals`).
    pub global_accounts: Vec<BTreeSet<String>>,
    /// The organization files, read (for lint).
    pub org_files: Vec<FileData>,
    /// Problems loading them.
    pub problems: Vec<Diagnostic>,
    /// For each organization, the policies attached to each node (the inverse of
    /// `targets`), so that cutting an organization down costs the length of one path.
    attached: Vec<HashMap<String, Vec<String>>>,
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
}

impl Shared {
    /// Loads the organizations and the global files.
    pub fn load(layout: &Layout, opts: &LoadOptions) -> Shared {
        let (org_files, mut problems) = read_all(&layout.org_files);
        let (globals, p) = read_all(&layout.global_files);
        problems.extend(p);
        let all: Vec<(String, Vec<u8>)> = org_files
            .iter()
            .chain(&globals)
            .map(|f| (f.path.clone(), f.bytes.as_ref().clone()))
            .collect();
        let inv = crate::load::inventory_in_memory(&all, opts, true);
        problems.extend(inv.problems);
        let global_accounts = globals
            .par_iter()
            .map(|g| {
                let one = crate::load::inventory_in_memory(&[g], opts, false);
                one.accounts.keys().cloned().collect()
            })
            .collect();
        let files = org_files.len() + globals.len();
        let bytes = org_files
            .iter()
            .chain(&globals)
            .map(|f| f.bytes.len() as u64)
            .sum();
        let attached = inv
            .orgs
            .iter()
            .map(|o| {
                let mut by_node: HashMap<String, Vec<String>> = HashMap::new();
                for (policy, targets) in &o.targets {
                    for t in targets {
                        by_node.entry(t.clone()).or_default().push(policy.clone());
                    }
                }
                by_node
            })
            .collect();
        Shared {
            orgs: inv.orgs,
            attached,
            globals,
            global_accounts,
            org_files,
            problems,
            files,
            bytes,
        }
    }

    /// The global files that describe `account`.
    pub fn globals_for<'s>(&'s self, account: &str) -> impl Iterator<Item = &'s FileData> + 's {
        let account = account.to_owned();
        self.globals
            .iter()
            .zip(&self.global_accounts)
            .filter(move |(_, a)| a.contains(&account))
            .map(|(g, _)| g)
    }

    /// Whether `path` is one of the global files.
    pub fn is_global(&self, path: &str) -> bool {
        self.globals.iter().any(|g| g.path == path)
    }

    /// The organization that lists `account`.
    pub fn org_of(&self, account: &str) -> Option<&Organization> {
        self.orgs.iter().find(|o| o.contains(account))
    }

    /// The organizations cut down to what `accounts` need: their paths from the root, the
    /// policies attached along them (and those whose attachments are unknown), so that an
    /// account's SCP and RCP chains are the same as in the whole organization while a copy
    /// costs nothing next to the whole (thousands of accounts, an SCP attached to each).
    pub fn trimmed_orgs(&self, accounts: &[&str]) -> Vec<Organization> {
        let none = HashMap::new();
        self.orgs
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let mine: Vec<&str> = accounts.iter().copied().filter(|a| o.contains(a)).collect();
                let attached = self.attached.get(i).unwrap_or(&none);
                (!mine.is_empty()).then(|| trim(o, attached, &mine))
            })
            .collect()
    }
}

/// `org` with only what the chains of `accounts` read; `attached` lists the policies
/// attached to each node.
fn trim(
    org: &Organization,
    attached: &HashMap<String, Vec<String>>,
    accounts: &[&str],
) -> Organization {
    let mut nodes: BTreeSet<String> = BTreeSet::new();
    let mut parents = BTreeMap::new();
    for a in accounts {
        let mut cur = (*a).to_owned();
        for _ in 0..64 {
            nodes.insert(cur.clone());
            match org.parents.get(&cur) {
                Some(p) => {
                    parents.insert(cur.clone(), p.clone());
                    cur = p.clone();
                }
                None => break,
            }
        }
    }
    if let Some(r) = &org.root {
        nodes.insert(r.clone());
    }
    let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for node in &nodes {
        for policy in attached.get(node).into_iter().flatten() {
            targets
                .entry(policy.clone())
                .or_default()
                .insert(node.clone());
        }
    }
    // A policy stays when it is attached on the path, or when where it is attached is not
    // exported (the chain reports that as unknown).
    let keep = |id: &String| !org.targets.contains_key(id) || targets.contains_key(id);
    let policies = org
        .policies
        .iter()
        .filter(|(k, _)| keep(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let listed = org
        .listed
        .iter()
        .filter(|(k, _)| keep(k))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    Organization {
        dir: org.dir.clone(),
        id: org.id.clone(),
        management_account: org.management_account.clone(),
        root: org.root.clone(),
        enabled: org.enabled.clone(),
        parents,
        names: nodes
            .iter()
            .filter_map(|n| org.names.get(n).map(|v| (n.clone(), v.clone())))
            .collect(),
        accounts: accounts
            .iter()
            .filter_map(|a| org.accounts.get(*a).map(|v| ((*a).to_owned(), v.clone())))
            .collect(),
        policies,
        targets,
        listed,
    }
}

/// A model package group whose policy lets principals of another account create model
/// packages: one registration path to check.
#[derive(Debug, Clone)]
pub struct GroupGrant {
    /// The group's ARN.
    pub group_arn: String,
    /// The group's (registry) account.
    pub registry: String,
    /// Region.
    pub region: String,
    /// Name.
    pub name: String,
    /// Partition.
    pub partition: String,
    /// The file that holds the group's policy.
    pub file: String,
    /// The first statement that names the caller's account.
    pub statement: Location,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// The statement names the account itself (its root or its id): any of its principals
    /// may be the caller.
    pub account_wide: bool,
    /// The principals of the caller's account it names (roles, users).
    pub principals: BTreeSet<String>,
}

/// Which accounts each model package group opens a registration path to.
#[derive(Debug, Default)]
pub struct GroupIndex {
    /// Caller account → the groups that name it, by group ARN.
    pub by_caller: BTreeMap<String, Vec<GroupGrant>>,
    /// The group files' bytes, by path.
    pub files: HashMap<String, FileData>,
    /// The lint errors of each of those files (every rule, default severities), worked out
    /// once for the checks of every caller the file's groups name.
    pub lint_errors: HashMap<String, Vec<Diagnostic>>,
}

/// Whether an `Allow` statement's actions cover `action`.
pub fn allows_action<'p>(policy: &'p Policy, action: &str) -> impl Iterator<Item = usize> + 'p {
    // Action patterns are case-insensitive globs: lowercase the action once.
    let action = action.to_lowercase();
    policy
        .statements
        .iter()
        .enumerate()
        .filter(move |(_, s)| {
            s.is_allow()
                && s.defects.is_empty()
                && s.action.as_ref().is_some_and(|set| {
                    set.negated
                        != set
                            .patterns
                            .iter()
                            .any(|p| p.glob.is_match_lowercase(&action))
                })
        })
        .map(|(i, _)| i)
}

/// `place` with its line and column in `text`, the text of its file, when given (the line of
/// the string that carries an embedded policy).
pub fn place_in(place: Location, text: Option<&str>) -> Location {
    let lc = text.and_then(|t| crate::source::locate(t, &place.pointer));
    Location {
        line: lc.map(|l| l.line),
        column: lc.map(|l| l.column),
        ..place
    }
}

impl GroupIndex {
    /// Reads every model package group file of every account (not only this shard's: a
    /// path belongs to the caller's account), and the global files' groups.
    pub fn build(
        layout: &Layout,
        shared: &Shared,
        opts: &LoadOptions,
    ) -> (GroupIndex, Vec<Diagnostic>) {
        let paths: Vec<PathBuf> = layout
            .accounts
            .values()
            .flatten()
            .filter(|(_, slot)| matches!(slot, Slot::ModelPackageGroup { .. }))
            .map(|(p, _)| p.clone())
            .collect();
        let (files, problems) = read_all(&paths);
        let mut index = GroupIndex::default();
        let inventories: Vec<Inventory> = files
            .par_chunks(256)
            .map(|chunk| {
                let refs: Vec<&FileData> = chunk.iter().collect();
                crate::load::inventory_in_memory(&refs, opts, false)
            })
            .collect();
        for f in files {
            index.files.insert(f.path.clone(), f);
        }
        for g in &shared.globals {
            index.files.insert(g.path.clone(), g.clone());
        }
        for inv in &inventories {
            index.add(inv);
        }
        for g in &shared.globals {
            let inv = crate::load::inventory_in_memory(&[g], opts, false);
            index.add(&inv);
        }
        for list in index.by_caller.values_mut() {
            list.sort_by(|a, b| a.group_arn.cmp(&b.group_arn).then(a.file.cmp(&b.file)));
            list.dedup_by(|a, b| a.group_arn == b.group_arn);
        }
        index.lint_errors = index
            .files
            .par_iter()
            .map(|(path, f)| {
                let errors = decode_text(&f.bytes)
                    .map(|text| crate::lint::cache::lint_errors(path, &text))
                    .unwrap_or_default();
                (path.clone(), errors)
            })
            .collect();
        (index, problems)
    }

    fn add(&mut self, inv: &Inventory) {
        for (registry, acct) in &inv.accounts {
            for ((region, name), g) in &acct.model_package_groups {
                let Known::Present(policy, _) = &g.policy else {
                    continue;
                };
                let partition = "aws";
                let group_arn = format!(
                    "arn:{partition}:sagemaker:{region}:{registry}:model-package-group/{name}"
                );
                let file = policy.origin.file.as_deref().unwrap_or_default().to_owned();
                let text = self
                    .files
                    .get(&file)
                    .and_then(|f| decode_text(&f.bytes).ok());
                let text = text.as_deref();
                let mut grants: BTreeMap<String, GroupGrant> = BTreeMap::new();
                for i in allows_action(policy, CREATE_MODEL_PACKAGE) {
                    let Some(s) = policy.statements.get(i) else {
                        continue;
                    };
                    let Some(set) = &s.principal else {
                        continue;
                    };
                    for named in crate::policy::names::principals(set) {
                        let (account, principal) = match named {
                            Named::Account(a) => (a, None),
                            Named::User { arn, account, .. } | Named::Role { arn, account, .. } => {
                                (account, Some(arn))
                            }
                            _ => continue,
                        };
                        if account == *registry {
                            continue;
                        }
                        let entry = grants.entry(account).or_insert_with(|| GroupGrant {
                            group_arn: group_arn.clone(),
                            registry: registry.clone(),
                            region: region.clone(),
                            name: name.clone(),
                            partition: partition.to_owned(),
                            file: file.clone(),
                            statement: place_in(policy.origin.location(&s.pointer()), text),
                            sid: s.sid.as_deref().map(String::from),
                            account_wide: false,
                            principals: BTreeSet::new(),
                        });
                        match principal {
                            None => entry.account_wide = true,
                            Some(arn) => {
                                entry.principals.insert(arn);
                            }
                        }
                    }
                }
                for (caller, grant) in grants {
                    self.by_caller.entry(caller).or_default().push(grant);
                }
            }
        }
    }
}

/// Whether a file of this slot holds a policy or grant worth linting (the others are
/// settings: location, encryption, ownership, Block Public Access, ACL, key metadata).
pub fn lintable(slot: &Slot) -> bool {
    use crate::load::layout::{BucketFile, KeyFile};
    match slot {
        Slot::AccountPublicAccessBlock => false,
        Slot::Bucket { what, .. } => *what == BucketFile::Policy,
        Slot::Key { what, .. } => *what != KeyFile::Key,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_shards_come_from_the_batch_system() {
        let s = |text: &str, vars: &[(&str, &str)]| Shard::resolve(text, &env(vars));
        let batch = [(AWS_BATCH_INDEX, "2"), (AWS_BATCH_SIZE, "5")];
        assert_eq!(s("auto", &batch), Ok(Shard { index: 3, count: 5 }));
        assert_eq!(s("auto/5", &batch), Ok(Shard { index: 3, count: 5 }));
        assert!(s("auto/4", &batch).unwrap_err().contains("disagrees"));
        assert!(s("auto", &[(AWS_BATCH_INDEX, "2")])
            .unwrap_err()
            .contains(AWS_BATCH_SIZE));
        assert!(s("auto", &[(AWS_BATCH_INDEX, "5"), (AWS_BATCH_SIZE, "5")]).is_err());
        assert!(s("auto", &[(AWS_BATCH_INDEX, "-1"), (AWS_BATCH_SIZE, "5")]).is_err());
        let k8s = [(K8S_INDEX, "0")];
        assert_eq!(s("auto/4", &k8s), Ok(Shard { index: 1, count: 4 }));
        assert!(s("auto", &k8s).unwrap_err().contains(SHARD_COUNT));
        let k8s_count = [(K8S_INDEX, "3"), (SHARD_COUNT, "4")];
        assert_eq!(s("auto", &k8s_count), Ok(Shard { index: 4, count: 4 }));
        assert!(s("auto/3", &k8s_count).unwrap_err().contains("disagrees"));
        assert!(s("auto/0", &k8s).is_err());
        assert!(s("auto", &[(K8S_INDEX, "0"), (AWS_BATCH_INDEX, "0")])
            .unwrap_err()
            .contains("both"));
        assert!(s("auto", &[]).unwrap_err().contains("no batch system"));
        assert!(s("autox", &batch).is_err());
        // I/N ignores the variables.
        assert_eq!(s("1/2", &batch), Ok(Shard { index: 1, count: 2 }));
    }

    #[test]
    fn shards_parse_and_split_every_account_once() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert!(Shard::parse("0/8").is_err());
        assert!(Shard::parse("9/8").is_err());
        assert!(Shard::parse("x").is_err());
        let shards: Vec<Shard> = (1..=3).map(|i| Shard { index: i, count: 3 }).collect();
        for n in 0..500u64 {
            let a = format!("{:012}", 100_000_000_000u64 + n * 7919);
            assert_eq!(shards.iter().filter(|s| s.has(&a)).count(), 1);
        }
    }

    #[test]
    fn embedded_policies_are_located_at_their_string() {
        let text = "{\n  \"Policy\": \"{...}\"\n}";
        let origin = crate::policy::Origin::embedded(
            std::sync::Arc::from("a/b.json"),
            crate::json::Pointer::root().key("Policy"),
            None,
        );
        let p = place_in(
            origin.location(&crate::json::Pointer::root().key("Statement").index(0)),
            Some(text),
        );
        assert_eq!(&*p.file, "a/b.json");
        assert_eq!(p.pointer.as_str(), "/Policy");
        assert_eq!(p.pointer_text(), "/Policy#/Statement/0");
        assert_eq!(p.line, Some(2));
    }
}
