//! `xacct audit`: one pass over the exports of a whole organization, hundreds to thousands
//! of accounts, and `xacct diff`'s access comparison.
//!
//! The batch stage of the pipeline (load → model → graph → evaluate / lint → **audit** →
//! report). This module owns the run ([`run`]): the files are grouped by account from their
//! place in the layout ([`plan`]), the organizations and the files outside account folders
//! are loaded once, and then each account is loaded on its own (its files, the shared files
//! that describe it, a copy of the organizations cut down to its chain), audited and
//! dropped, so that memory follows the number of threads, not the number of accounts.
//! Each account gives:
//!
//! * lint findings for every file ([`crate::lint`]);
//! * the external-access report ([`access`]): who outside the account each resource lets in;
//! * registration paths ([`registration`]): each model package group that grants another
//!   account `sagemaker:CreateModelPackage`, checked with the registration scenario for that
//!   caller account, and the registrations the audit file lists ([`config`]).
//!
//! Accounts run in parallel (rayon) in chunks; findings are sorted within an account and
//! accounts come in id order, so the output is the same whatever the thread count and
//! streams as it goes. [`crate::report`] renders it (table, JSON, JSON Lines, SARIF),
//! compares it with a baseline and merges shards; [`crate::diff`] compares the access two
//! inventories grant.

pub mod access;
pub mod cache;
pub mod config;
mod context;
pub mod finding;
pub mod outcome;
pub mod plan;
pub mod registration;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use config::AuditConfig;
pub use finding::Finding;
pub use plan::Shard;

use self::access::{external_access, AccessContext};
use self::cache::{digest, Cache, Read};
use self::plan::{lintable, GroupIndex, Layout, Shared};
use crate::arn::Arn;
use crate::catalog::Catalog;
use crate::diagnostic::select::{self, Selector};
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::eval::Principal;
use crate::inventory::{Account, Inventory};
use crate::json::Json;
use crate::lint::selector::RuleSelection;
use crate::lint::LintCache;
use crate::lint::{lint_parsed, LintOptions};
use crate::load::classify::decode_text;
use crate::load::fs;
use crate::load::{parse_file, read_file, read_parsed, LoadOptions};
use crate::rules::{collect, KnownDocs, RuleSet};
use crate::scenario::Scenario;
use crate::source::many::Anchors;
use crate::workflow::{check, CheckInput};

/// Accounts handed to the thread pool at a time: enough to keep every thread busy, few
/// enough that their findings are a small part of memory.
const CHUNK: usize = 64;

/// Codes (or code prefixes, or rule names) to leave out of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignore(Vec<Selector>);

/// The code families an audit report holds.
pub const AUDIT: &[&str] = &["XA", "XE", "XR"];

impl Ignore {
    /// Checks each selector names some lint or audit code.
    pub fn parse(items: &[String]) -> Result<Ignore, String> {
        select::parse_list(items, AUDIT).map(Ignore)
    }

    /// The selectors as given.
    pub fn items(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// Whether a finding of this code is left out.
    pub fn drops(&self, code: &str, name: &str) -> bool {
        self.0.iter().any(|s| s.names(code, name))
    }

    /// The lint rules not to run at all.
    fn lint_selection(&self) -> RuleSelection {
        RuleSelection::new(&[], &self.0, &[])
    }
}

/// What to audit and how.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Files, folders and glob patterns (as `--inventory` takes them).
    pub paths: Vec<String>,
    /// The audit files' trusted accounts and listed registrations.
    pub config: AuditConfig,
    /// Loading options (`--terraform-account`).
    pub load: LoadOptions,
    /// Only this slice of the accounts.
    pub shard: Option<Shard>,
    /// Worker threads; `Some(1)` runs on the calling thread, `None` on every core.
    pub jobs: Option<usize>,
    /// Codes left out.
    pub ignore: Ignore,
    /// Skip the lint rules.
    pub no_lint: bool,
    /// Report IAM Identity Center's permission-set roles as reachable from their SAML
    /// provider (silenced by default: see [`identity_center_role`]).
    pub identity_center: bool,
    /// Keep each account's conclusions in this folder and reuse them while what they
    /// depended on is unchanged ([`cache`]).
    pub cache: Option<PathBuf>,
}

/// Whether `a` is IAM Identity Center's own trust: a permission-set role
/// (`aws-reserved/sso.amazonaws.com/…/AWSReservedSSO_…`, which Identity Center creates and
/// manages in every account it provisions) reachable from the account's Identity Center
/// SAML provider (`saml-provider/AWSSSO_…_DO_NOT_DELETE`). One per permission set and
/// account, each intended: silenced unless asked for, counted with the silenced findings.
pub fn identity_center_role(a: &finding::Access) -> bool {
    let role = a
        .resource
        .split_once(":role/aws-reserved/sso.amazonaws.com/")
        .map(|(_, path)| path.rsplit('/').next().unwrap_or(path));
    let provider = a
        .principal
        .strip_prefix("federated:")
        .and_then(|p| p.split_once(":saml-provider/"))
        .map(|(_, name)| name);
    a.via == "trust-policy"
        && role.is_some_and(|r| r.starts_with("AWSReservedSSO_"))
        && provider.is_some_and(|p| p.starts_with("AWSSSO_"))
}

/// Progress of a run, reported as accounts finish (a progress bar, or nothing).
pub trait Progress: Sync {
    /// The run has `total` accounts to audit.
    fn start(&self, _total: u64) {}
    /// One more account is done.
    fn advance(&self) {}
    /// The run is over.
    fn finish(&self) {}
}

/// No progress reporting.
pub struct NoProgress;

impl Progress for NoProgress {}

/// What a run counted besides the findings it emitted.
#[derive(Debug, Clone, Default)]
pub struct RunTotals {
    /// Accounts audited.
    pub accounts: usize,
    /// Files read (the organizations' and other shared files count in the first shard).
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Files that could not be read or used, sorted.
    pub problems: Vec<Diagnostic>,
    /// How many findings each trusted-accounts entry silenced.
    pub trusted_uses: Vec<usize>,
    /// Findings silenced by the trusted accounts.
    pub silenced: usize,
    /// Findings left out by `--ignore`.
    pub ignored: usize,
    /// With a cache: the accounts taken from it, and those audited.
    pub cached: Option<(usize, usize)>,
    /// What went wrong with the cache (it never stops a run).
    pub warnings: Vec<String>,
}

/// The read-only state every account's job shares.
struct Ctx<'a> {
    opts: &'a AuditOptions,
    layout: Layout,
    shared: Shared,
    index: GroupIndex,
    scenario: Scenario,
    /// Every built-in scenario (for the audit file's scenario pairs).
    scenarios: Vec<Scenario>,
    catalog: &'static Catalog,
    lint: LintOptions,
    /// The rules `lint` runs.
    lint_rules: RuleSet,
    /// With a cache: the hash of each shared file held in memory (the organizations', the
    /// global ones, the model package groups'), and every file read is hashed.
    hashes: Option<HashMap<String, String>>,
}

/// What one account gave.
struct JobResult {
    findings: Vec<Finding>,
    problems: Vec<Diagnostic>,
    files: usize,
    bytes: u64,
    trusted_uses: Vec<usize>,
    silenced: usize,
    ignored: usize,
    /// With a cache: the files the account's audit read.
    reads: Vec<Read>,
}

impl JobResult {
    fn new(trusted: usize) -> JobResult {
        JobResult {
            findings: Vec::new(),
            problems: Vec::new(),
            files: 0,
            bytes: 0,
            trusted_uses: vec![0; trusted],
            silenced: 0,
            ignored: 0,
            reads: Vec::new(),
        }
    }

    /// Applies `--ignore` and the trusted accounts, and sorts.
    fn settle(&mut self, opts: &AuditOptions) {
        let trusted = &opts.config.trusted;
        let mut kept = Vec::with_capacity(self.findings.len());
        for f in std::mem::take(&mut self.findings) {
            if opts.ignore.drops(&f.code, &f.name) {
                self.ignored += 1;
                continue;
            }
            if let Some(a) = &f.access {
                if !opts.identity_center && identity_center_role(a) {
                    self.silenced += 1;
                    continue;
                }
                let mut hit = false;
                for (i, t) in trusted.iter().enumerate() {
                    if t.matches(&a.resource, &a.principal, a.principal_account.as_deref()) {
                        hit = true;
                        if let Some(u) = self.trusted_uses.get_mut(i) {
                            *u += 1;
                        }
                    }
                }
                if hit {
                    self.silenced += 1;
                    continue;
                }
            }
            kept.push(f);
        }
        finding::sort(&mut kept);
        self.findings = kept;
    }
}

/// Whether a file holds something the lint rules read. Left out: the marker the export
/// script writes when the CLI answers that a thing does not exist (`{"Error": {...}}`,
/// `docs/inventory.md`), and Terraform plans, which `lint` does not read (their policies
/// are JSON strings inside resource attributes).
fn worth_linting(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(256)).unwrap_or(bytes);
    let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    if has(b"\"format_version\"") && has(b"\"terraform_version\"") {
        return false;
    }
    if bytes.len() <= 4096 && has(b"\"Error\"") {
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(bytes) {
            return !(m.len() == 1 && m.contains_key("Error"));
        }
    }
    true
}

impl Ctx<'_> {
    /// Lints one file into `out`; with every rule selected, its errors also go to `known`
    /// (when given), so that the registration checks do not lint the file again.
    #[allow(
        clippy::too_many_arguments,
        reason = "the file, what is known of it, and where its findings go"
    )]
    /// `text` is the file's text as the one decoder gives it ([`decode_text`]), so that a
    /// file in UTF-16 or with a byte order mark is linted as `lint` lints it; a file that is
    /// not text (`None`) is a load problem already.
    fn lint_file(
        &self,
        path: &str,
        text: Option<&str>,
        parsed: Option<&Json<'_>>,
        read: Option<&mut KnownDocs>,
        account: Option<&str>,
        out: &mut Vec<Finding>,
        known: Option<&mut LintCache>,
    ) {
        let Some(t) = text.filter(|t| self.lints(t.as_bytes())) else {
            return;
        };
        let o = lint_parsed(path, t, parsed, read, &self.lint, self.catalog);
        out.extend(
            o.diagnostics
                .iter()
                .map(|d| Finding::from_diagnostic(d, finding::Kind::Lint, account)),
        );
        if let Some(k) = known.filter(|_| self.opts.ignore.items().is_empty()) {
            k.seed(path, &o.diagnostics);
        }
    }

    /// Whether [`Ctx::lint_file`] lints a file of this text.
    fn lints(&self, text: &[u8]) -> bool {
        !self.opts.no_lint && worth_linting(text)
    }

    fn org_bytes(&self, file: &str) -> Option<&[u8]> {
        self.shared
            .org_files
            .iter()
            .chain(&self.shared.globals)
            .find(|f| f.path == file)
            .map(|f| f.bytes.as_slice())
    }

    /// The organization's and the global files' lint findings (section 0).
    fn shared_findings(&self) -> JobResult {
        let mut r = JobResult::new(self.opts.config.trusted.len());
        for f in self.shared.org_files.iter().chain(&self.shared.globals) {
            let text = decode_text(&f.bytes).ok();
            let text = text.as_deref();
            self.lint_file(&f.path, text, None, None, None, &mut r.findings, None);
        }
        r.settle(self.opts);
        r
    }

    /// Reads one file; with a cache, records its stamp and hash in `reads`.
    fn read(&self, path: &Path, reads: &mut Vec<Read>) -> Result<Vec<u8>, fs::FileError> {
        if self.hashes.is_none() {
            return fs::read(path);
        }
        let name = fs::display(path);
        match fs::read_stamped(path) {
            Ok((bytes, stamp)) => {
                reads.push(Read::of(&name, stamp, &bytes));
                Ok(bytes)
            }
            Err(e) => {
                reads.push(Read::failed(&name));
                Err(e)
            }
        }
    }

    /// Audits one account, from the cache when it can.
    fn job(&self, account: &str, cache: Option<&Cache>) -> JobResult {
        let mut r = match cache {
            None => self.evaluate(account),
            Some(c) => {
                let context = self.context(account);
                let membership = |named: &[String]| self.membership(account, named);
                match c.lookup(account, &context, &membership) {
                    Some(e) => JobResult {
                        problems: e.problems().unwrap_or_default(),
                        findings: e.findings,
                        files: e.read,
                        bytes: e.bytes,
                        ..JobResult::new(self.opts.config.trusted.len())
                    },
                    None => {
                        let r = self.evaluate(account);
                        let counts = (r.files, r.bytes);
                        let (reads, findings) = (&r.reads, &r.findings);
                        c.store(
                            account,
                            context,
                            &membership,
                            reads,
                            counts,
                            findings,
                            &r.problems,
                        );
                        r
                    }
                }
            }
        };
        r.settle(self.opts);
        r
    }

    /// Audits one account: its findings before the trusted accounts and `--ignore` apply.
    fn evaluate(&self, account: &str) -> JobResult {
        let mut r = JobResult::new(self.opts.config.trusted.len());
        let no_files = Vec::new();
        let own = self.layout.accounts.get(account).unwrap_or(&no_files);
        let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(own.len() + 1);
        let mut slots = Vec::with_capacity(own.len());
        for (path, slot) in own {
            match self.read(path, &mut r.reads) {
                Ok(bytes) => {
                    r.bytes += bytes.len() as u64;
                    files.push((fs::display(path), bytes));
                    slots.push(slot);
                }
                Err(e) => r
                    .problems
                    .push(crate::load::unreadable(&fs::display(path), &e)),
            }
        }
        r.files = files.len();
        // Each file is parsed once, for the lint rules and the inventory.
        let mut known = LintCache::default();
        let mut outputs = Vec::with_capacity(files.len() + 1);
        // Where each file's list elements start, read while its tree is at hand: the places
        // of the findings are found from there.
        let mut anchors: HashMap<String, Anchors> = HashMap::new();
        for ((path, bytes), slot) in files.iter().zip(&slots) {
            let arena = crate::json::Json::arena_for(bytes.len());
            let parsed = parse_file(path, bytes, &arena);
            if let Ok((text, json)) = &parsed {
                anchors.insert(path.clone(), Anchors::of(text, json));
            }
            // The text as the one decoder gives it; decoded again only when it is not JSON.
            let text = match &parsed {
                Ok((t, _)) => Some(Cow::Borrowed(*t)),
                Err(_) => decode_text(bytes).ok(),
            };
            let text = text.as_deref();
            // Read for the inventory first: the lint reuses the grammar errors found, and the
            // rules' findings when the rules ran there.
            let lints = match lintable(slot) && text.is_some_and(|t| self.lints(t.as_bytes())) {
                true => self.lint_rules,
                false => RuleSet::NONE,
            };
            let (out, mut read) = match &parsed {
                Ok((_, json)) => {
                    let load = || read_parsed(path, Path::new(path), json, &self.opts.load);
                    let (out, read) = collect(lints, load);
                    (Some(out), read)
                }
                Err(_) => (None, KnownDocs::default()),
            };
            if lintable(slot) {
                let json = parsed.as_ref().ok().map(|(_, j)| j);
                let known = Some(&mut known);
                let read = Some(&mut read);
                self.lint_file(
                    path,
                    text,
                    json,
                    read,
                    Some(account),
                    &mut r.findings,
                    known,
                );
            }
            let out = match parsed {
                Ok(_) => out.unwrap_or_default(),
                Err(out) => out,
            };
            outputs.push((bytes.len() as u64, out));
        }
        for g in self.shared.globals_for(account) {
            let out = read_file(&g.path, Path::new(&g.path), &g.bytes, &self.opts.load);
            outputs.push((g.bytes.len() as u64, out));
            files.push((g.path.clone(), g.bytes.as_ref().clone()));
        }
        let mut inv = Inventory::from_outputs(outputs, Vec::new());
        r.problems.extend(
            std::mem::take(&mut inv.problems)
                .into_iter()
                .filter(|p| !self.shared.is_global(&p.primary.file)),
        );
        let own: HashMap<&str, &[u8]> = files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        if let Some(acct) = inv.accounts.get(account) {
            let cx = AccessContext {
                orgs: &self.shared.orgs,
            };
            r.findings.extend(external_access(acct, &cx));
        }
        let bytes_of = |f: &str| -> Option<&[u8]> {
            own.get(f)
                .copied()
                .or_else(|| self.index.files.get(f).map(|d| d.bytes.as_slice()))
                .or_else(|| self.org_bytes(f))
        };
        if let Some(grants) = self.index.by_caller.get(account) {
            // Only the caller's IAM: the check then lints just the groups' policies.
            let caller = inv.accounts.remove(account).map(|a| Account {
                id: a.id,
                iam: a.iam,
                ..Account::default()
            });
            let mut paths: Vec<&str> = grants.iter().map(|g| g.file.as_str()).collect();
            paths.sort_unstable();
            paths.dedup();
            for p in &paths {
                if let Some(errors) = self.index.lint_errors.get(*p) {
                    known.seed(p, errors);
                }
            }
            let group_files: Vec<(String, Vec<u8>)> = paths
                .iter()
                .filter_map(|p| self.index.files.get(*p))
                .map(|f| (f.path.clone(), f.bytes.as_ref().clone()))
                .collect();
            let mut groups = crate::load::inventory_in_memory(&group_files, &self.opts.load, false);
            let mut accounts: Vec<&str> = vec![account];
            accounts.extend(grants.iter().map(|g| g.registry.as_str()));
            groups.orgs = self.shared.trimmed_orgs(&accounts);
            r.findings.extend(registration::group_paths(
                &self.scenario,
                groups,
                account,
                caller,
                grants,
                &mut known,
            ));
        }
        for entry in self
            .opts
            .config
            .registrations
            .iter()
            .filter(|e| e.caller_account == account)
        {
            r.findings.push(self.listed(entry, &mut r.reads));
        }
        for pair in self
            .opts
            .config
            .pairs
            .iter()
            .filter(|p| p.caller_account == account)
        {
            r.findings.extend(self.pair(pair, &mut known, &mut r.reads));
        }
        finding::fill_lines(&mut r.findings, &bytes_of, &|f| anchors.get(f));
        r
    }

    /// Checks a registration the audit file lists, with every account it involves loaded.
    fn listed(&self, entry: &config::ListedRegistration, reads: &mut Vec<Read>) -> Finding {
        let req = &entry.request;
        let inv = self.inventory_of(&self.listed_accounts(entry), reads);
        let input = CheckInput {
            caller: entry.caller.clone(),
            consumer: entry.consumer.clone(),
            artifact_key: entry.artifact_key.clone(),
        };
        let report = check(&inv, &self.scenario, req, &input);
        registration::listed_finding(entry, report)
    }

    /// The accounts a registration the audit file lists involves.
    fn listed_accounts(&self, entry: &config::ListedRegistration) -> BTreeSet<String> {
        let req = &entry.request;
        let mut accounts: BTreeSet<String> = BTreeSet::new();
        accounts.insert(entry.caller_account.clone());
        accounts.extend(req.group.account.clone());
        if let Some(c) = &entry.consumer {
            accounts.extend(
                Principal::parse(c)
                    .ok()
                    .and_then(|p| p.account().map(str::to_owned)),
            );
        }
        for c in &req.containers {
            accounts.extend(c.image.as_ref().map(|i| i.account.clone()));
            if let Some(a) = &c.artifact {
                accounts.extend(self.layout.buckets.get(&a.bucket).cloned());
            }
        }
        if let Some(k) = &entry.artifact_key {
            accounts.extend(Arn::parse(k).map(|a| a.account.to_owned()));
        }
        accounts
    }

    /// Checks a scenario pair the audit file lists, with both accounts loaded.
    fn pair(
        &self,
        pair: &config::ScenarioPair,
        lint: &mut LintCache,
        reads: &mut Vec<Read>,
    ) -> Vec<Finding> {
        let accounts: BTreeSet<String> =
            [pair.caller_account.clone(), pair.registry_account.clone()].into();
        let inv = self.inventory_of(&accounts, reads);
        match self.scenarios.iter().find(|s| s.id == pair.scenario) {
            Some(scenario) => registration::pair_findings(scenario, pair, &inv, lint),
            None => Vec::new(),
        }
    }

    /// The inventory of `accounts`: their files, the shared files that describe them, and
    /// the organizations cut down to their chains.
    fn inventory_of(&self, accounts: &BTreeSet<String>, reads: &mut Vec<Read>) -> Inventory {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for a in accounts {
            for (path, _) in self.layout.accounts.get(a).into_iter().flatten() {
                let name = fs::display(path);
                if seen.insert(name.clone()) {
                    if let Ok(bytes) = self.read(path, reads) {
                        files.push((name, bytes));
                    }
                }
            }
            for g in self.shared.globals_for(a) {
                if seen.insert(g.path.clone()) {
                    files.push((g.path.clone(), g.bytes.as_ref().clone()));
                }
            }
        }
        let mut inv = crate::load::inventory_in_memory(&files, &self.opts.load, false);
        let list: Vec<&str> = accounts.iter().map(String::as_str).collect();
        inv.orgs = self.shared.trimmed_orgs(&list);
        inv
    }
}

/// Runs the audit, handing each finding to `emit` in the report's order (the audit file's
/// own findings, which need every shard, are left to [`crate::report`]). `Err` only when
/// nothing can run (AWS's action data or the built-in scenario fails to load, the thread pool
/// cannot start, or `emit` fails).
pub fn run(
    opts: &AuditOptions,
    progress: &dyn Progress,
    emit: &mut dyn FnMut(Finding) -> std::io::Result<()>,
) -> Result<RunTotals, Error> {
    let catalog = crate::catalog::catalog()
        .map_err(|e| Error::Usage(format!("cannot load AWS action data: {e}")))?;
    let scenarios = Scenario::builtins().map_err(|e| {
        Error::Usage(
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let scenario = scenarios
        .iter()
        .find(|s| s.id == crate::scenario::REGISTRATION)
        .cloned()
        .ok_or_else(|| Error::Usage("the built-in registration scenario is missing".into()))?;
    let pool = match opts.jobs {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::Usage(format!("cannot start {n} threads: {e}")))?,
        ),
        _ => None,
    };
    let sequential = opts.jobs == Some(1);
    let install = |f: &mut (dyn FnMut() + Send)| match &pool {
        Some(p) => p.install(f),
        None => f(),
    };

    let mut layout = Layout::default();
    install(&mut || layout = Layout::discover(&opts.paths));
    let mut shared = Shared::default();
    let mut index = GroupIndex::default();
    install(&mut || {
        shared = Shared::load(&layout, &opts.load);
        index = GroupIndex::build(&layout, &shared, &opts.load).0;
    });
    let mut problems: Vec<Diagnostic> = layout.problems.clone();
    problems.append(&mut shared.problems);

    let mut jobs: BTreeSet<String> = layout.accounts.keys().cloned().collect();
    jobs.extend(index.by_caller.keys().cloned());
    jobs.extend(
        opts.config
            .registrations
            .iter()
            .map(|r| r.caller_account.clone()),
    );
    for a in &shared.global_accounts {
        jobs.extend(a.iter().cloned());
    }
    if let Some(s) = &opts.shard {
        jobs.retain(|a| s.has(a));
    }
    let jobs: Vec<String> = jobs.into_iter().collect();
    let mut warnings = Vec::new();
    let cache = opts.cache.as_deref().and_then(|dir| {
        let options = format!("{:?} {:?} {}", opts.load, opts.ignore.items(), opts.no_lint);
        match cache::run_key(&options) {
            Ok(key) => Some(Cache::open(dir, key, opts.shard)),
            Err(e) => {
                warnings.push(format!("not using the cache: {e}"));
                None
            }
        }
    });
    let hashes = cache.as_ref().map(|_| {
        let held = shared.org_files.iter().chain(&shared.globals);
        held.chain(index.files.values())
            .map(|f| (f.path.clone(), digest(&f.bytes)))
            .collect()
    });
    let lint_selection = opts.ignore.lint_selection();
    let ctx = Ctx {
        opts,
        layout,
        shared,
        index,
        scenario,
        scenarios,
        catalog,
        lint_rules: RuleSet::of(|code| lint_selection.is_enabled(code)),
        lint: LintOptions {
            selection: lint_selection,
            templates: opts.load.templates.clone(),
            ..LintOptions::default()
        },
        hashes,
    };

    let mut totals = RunTotals {
        accounts: jobs.len(),
        trusted_uses: vec![0; opts.config.trusted.len()],
        ..RunTotals::default()
    };
    let absorb = |r: JobResult,
                  totals: &mut RunTotals,
                  emit: &mut dyn FnMut(Finding) -> std::io::Result<()>|
     -> Result<(), Error> {
        totals.files += r.files;
        totals.bytes += r.bytes;
        totals.problems.extend(r.problems);
        totals.silenced += r.silenced;
        totals.ignored += r.ignored;
        for (t, u) in totals.trusted_uses.iter_mut().zip(r.trusted_uses) {
            *t += u;
        }
        for f in r.findings {
            emit(f).map_err(Error::Output)?;
        }
        Ok(())
    };

    if opts.shard.is_none_or(|s| s.is_first()) {
        let mut r = JobResult::new(0);
        install(&mut || r = ctx.shared_findings());
        r.files = ctx.shared.files;
        r.bytes = ctx.shared.bytes;
        r.trusted_uses = vec![0; opts.config.trusted.len()];
        absorb(r, &mut totals, emit)?;
    }
    progress.start(jobs.len() as u64);
    let one = |a: &String| {
        let r = ctx.job(a, cache.as_ref());
        progress.advance();
        r
    };
    if sequential {
        for a in &jobs {
            absorb(one(a), &mut totals, emit)?;
        }
    } else {
        // The pool works on the next chunks while this thread writes out the last one.
        std::thread::scope(|scope| -> Result<(), Error> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<JobResult>>(1);
            let jobs = &jobs;
            let one = &one;
            let install = &install;
            scope.spawn(move || {
                for chunk in jobs.chunks(CHUNK) {
                    let mut results: Vec<JobResult> = Vec::new();
                    install(&mut || results = chunk.par_iter().map(one).collect());
                    // A closed channel: writing failed, and the run stops.
                    if tx.send(results).is_err() {
                        break;
                    }
                }
            });
            for results in rx {
                for r in results {
                    absorb(r, &mut totals, emit)?;
                }
            }
            Ok(())
        })?;
    }
    progress.finish();
    problems.append(&mut totals.problems);
    crate::diagnostic::sort(&mut problems);
    problems.dedup();
    totals.problems = problems;
    if let Some(c) = cache {
        warnings.append(&mut c.warnings.clone());
        totals.cached = Some(c.counts());
        if let Err(e) = c.save() {
            warnings.push(e);
        }
    }
    totals.warnings = warnings;
    Ok(totals)
}

#[cfg(test)]
mod tests {
    #[test]
    fn plans_and_absence_markers_are_not_linted() {
        let plan = br#"{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{}}"#;
        assert!(!super::worth_linting(plan));
        let marker = br#"{"Error": {"Code": "NoSuchBucketPolicy", "Message": "none"}}"#;
        assert!(!super::worth_linting(marker));
        // An `Error` member beside others, a version without the other, a policy: linted.
        assert!(super::worth_linting(br#"{"Error": {}, "Policy": "{}"}"#));
        assert!(super::worth_linting(br#"{"format_version": "1.0"}"#));
        assert!(super::worth_linting(
            br#"{"Version":"2012-10-17","Statement":[]}"#
        ));
    }
}
