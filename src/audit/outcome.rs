//! What an audit concludes, as data: the findings in report order with their counts, the
//! baseline comparison, the trusted accounts' use, and `audit merge`, which joins the JSON
//! reports of shards into the report of the whole run. Writing it is the render layer's job
//! ([`crate::report::audit`]), through the [`Sink`] a run streams into.
//!
//! Both a run and a merge push their findings through one [`Collector`], in the same order,
//! and finish with [`Collector::finish`]; that is why a merge of every shard writes the same
//! bytes as the run without shards.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::config::TrustedEntry;
use super::finding::{self, severity_serde, stable_path, Finding, Kind};
use super::{Ignore, RunTotals, Shard};
use crate::diagnostic::{Location, Severity};
use crate::error::Error;

/// Version of the audit report's JSON (what `--baseline` and `audit merge` read back).
pub const SCHEMA_VERSION: u32 = 2;

/// Where a run's findings go, as they come: the render layer's writers.
pub trait Sink {
    /// Before the first finding.
    fn begin(&mut self, shard: Option<Shard>) -> std::io::Result<()>;
    /// One finding, in report order.
    fn finding(&mut self, f: &Finding) -> std::io::Result<()>;
    /// After the last one.
    fn end(&mut self, tail: &Tail) -> std::io::Result<()>;
}

/// How often one trusted-accounts entry silenced a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedUse {
    /// Where the entry is.
    pub location: Location,
    /// The entry, as written.
    pub entry: String,
    /// Findings it silenced.
    pub used: usize,
}

impl TrustedUse {
    /// From the entries and their counts.
    pub fn list(entries: &[TrustedEntry], uses: &[usize]) -> Vec<TrustedUse> {
        entries
            .iter()
            .zip(uses.iter().copied().chain(std::iter::repeat(0)))
            .map(|(e, used)| TrustedUse {
                location: e.at.clone(),
                entry: e.describe(),
                used,
            })
            .collect()
    }
}

/// The comparison with a baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineInfo {
    /// The baseline report.
    pub file: String,
    /// Findings not in it (the ones reported).
    pub new: usize,
    /// Findings in both (not reported).
    pub unchanged: usize,
    /// Findings only in it (listed as fixed).
    pub fixed: usize,
}

/// The report's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Accounts audited.
    pub accounts: usize,
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Findings reported.
    pub findings: usize,
    /// Of which errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// Findings reported, by code.
    pub by_code: BTreeMap<String, usize>,
    /// External-access findings silenced by the trusted accounts.
    pub silenced: usize,
    /// Findings left out by `--ignore`.
    pub ignored: usize,
    /// The `--ignore` selectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// The `--fail-on` threshold.
    #[serde(with = "severity_serde")]
    pub fail_on: Severity,
    /// The exit code of the run.
    pub exit_code: u8,
}

/// A previous report's findings, to compare with.
pub struct Baseline {
    file: String,
    findings: Vec<Finding>,
    by_id: HashMap<String, VecDeque<usize>>,
    seen: Vec<bool>,
    unchanged: usize,
}

#[derive(Deserialize)]
struct BaselineFile {
    schema_version: u32,
    findings: Vec<Finding>,
    #[serde(default)]
    baseline: Option<IgnoredAny>,
    #[serde(default)]
    shard: Option<Shard>,
}

impl Baseline {
    /// Reads a previous JSON report (a full one: not written with `--baseline`, not a
    /// shard).
    pub fn load(path: &str) -> Result<Baseline, Error> {
        let text = crate::load::fs::read_text_at(path)?;
        Baseline::parse(path, &text)
    }

    /// [`Baseline::load`] on the text of the report at `path`, already read.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, Error> {
        let file: BaselineFile = serde_json::from_str(text).map_err(|e| {
            Error::Usage(format!(
                "--baseline: `{path}` is not an audit JSON report: {e}"
            ))
        })?;
        if file.schema_version != SCHEMA_VERSION {
            return Err(Error::Usage(format!(
                "--baseline: `{path}` has schema version {} (xacct reads {SCHEMA_VERSION})",
                file.schema_version
            )));
        }
        if file.baseline.is_some() {
            return Err(Error::Usage(format!("--baseline: `{path}` was written with --baseline and holds only the findings that were new then; compare with a full report")));
        }
        if let Some(s) = file.shard {
            return Err(Error::Usage(format!("--baseline: `{path}` is shard {}/{} alone; merge the shards first (`xacct audit merge`)", s.index, s.count)));
        }
        let mut by_id: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (i, f) in file.findings.iter().enumerate() {
            by_id.entry(f.id.clone()).or_default().push_back(i);
        }
        Ok(Baseline {
            file: path.to_owned(),
            seen: vec![false; file.findings.len()],
            findings: file.findings,
            by_id,
            unchanged: 0,
        })
    }

    /// Whether `f` is in the baseline (each baseline finding matches once).
    fn knows(&mut self, f: &Finding) -> bool {
        match self.by_id.get_mut(&f.id).and_then(VecDeque::pop_front) {
            Some(i) => {
                if let Some(s) = self.seen.get_mut(i) {
                    *s = true;
                }
                self.unchanged += 1;
                true
            }
            None => false,
        }
    }

    fn fixed(self) -> Vec<Finding> {
        let mut out: Vec<Finding> = self
            .findings
            .into_iter()
            .zip(self.seen)
            .filter(|(_, seen)| !seen)
            .map(|(f, _)| f)
            .collect();
        finding::sort(&mut out);
        out
    }
}

/// What comes after the findings.
pub struct Tail {
    /// The shard, when the run is one.
    pub shard: Option<Shard>,
    /// Findings fixed since the baseline.
    pub fixed: Option<Vec<Finding>>,
    /// The baseline comparison.
    pub baseline: Option<BaselineInfo>,
    /// Problems with the inputs.
    pub problems: Vec<Finding>,
    /// The trusted accounts and their use.
    pub trusted: Vec<TrustedUse>,
    /// The summary.
    pub summary: Summary,
}

/// Counts, compares with the baseline and writes each finding.
pub struct Collector<'w> {
    writer: &'w mut dyn Sink,
    shard: Option<Shard>,
    baseline: Option<Baseline>,
    counts: [usize; 3],
    by_code: BTreeMap<String, usize>,
    fail_on: Severity,
    failing: usize,
}

impl<'w> Collector<'w> {
    /// Starts the output.
    pub fn start(
        writer: &'w mut dyn Sink,
        fail_on: Severity,
        shard: Option<Shard>,
        baseline: Option<Baseline>,
    ) -> std::io::Result<Collector<'w>> {
        let c = Collector {
            writer,
            shard,
            baseline,
            counts: [0; 3],
            by_code: BTreeMap::new(),
            fail_on,
            failing: 0,
        };
        c.writer.begin(shard)?;
        Ok(c)
    }

    /// One finding, in report order: left out when the baseline has it.
    pub fn push(&mut self, f: Finding) -> std::io::Result<()> {
        if let Some(b) = &mut self.baseline {
            if b.knows(&f) {
                return Ok(());
            }
        }
        let i = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        if let Some(n) = self.counts.get_mut(i) {
            *n += 1;
        }
        *self.by_code.entry(f.code.clone()).or_default() += 1;
        if f.severity >= self.fail_on {
            self.failing += 1;
        }
        self.writer.finding(&f)
    }

    /// Adds the audit file's findings (unused trusted accounts; only once every shard is
    /// in), the fixed findings, and writes the rest. Returns the exit code: 2 when an input
    /// could not be read, 1 when a reported finding is at or above the threshold, else 0.
    pub fn finish(mut self, totals: Totals) -> std::io::Result<u8> {
        if self.shard.is_none() {
            let mut extra: Vec<Finding> = totals
                .trusted
                .iter()
                .filter(|t| t.used == 0)
                .map(unused_trusted)
                .filter(|f| !totals.ignore.drops(&f.code, &f.name))
                .collect();
            finding::sort(&mut extra);
            for f in extra {
                self.push(f)?;
            }
        }
        let (fixed, baseline) = match self.baseline.take() {
            Some(b) => {
                let file = b.file.clone();
                let unchanged = b.unchanged;
                let fixed = b.fixed();
                let info = BaselineInfo {
                    file,
                    new: self.counts.iter().sum(),
                    unchanged,
                    fixed: fixed.len(),
                };
                (Some(fixed), Some(info))
            }
            None => (None, None),
        };
        let errors = totals
            .problems
            .iter()
            .any(|p| p.severity == Severity::Error);
        let exit_code = if errors {
            2
        } else if self.failing > 0 {
            1
        } else {
            0
        };
        let [errors_n, warnings, infos] = self.counts;
        let summary = Summary {
            accounts: totals.accounts,
            files: totals.files,
            bytes: totals.bytes,
            findings: errors_n + warnings + infos,
            errors: errors_n,
            warnings,
            infos,
            by_code: self.by_code,
            silenced: totals.silenced,
            ignored: totals.ignored,
            ignore: totals.ignore.items().to_vec(),
            fail_on: self.fail_on,
            exit_code,
        };
        let tail = Tail {
            shard: self.shard,
            fixed,
            baseline,
            problems: totals.problems,
            trusted: totals.trusted,
            summary,
        };
        self.writer.end(&tail)?;
        Ok(exit_code)
    }
}

/// The counts a run or a merge hands to [`Collector::finish`].
pub struct Totals {
    /// Accounts audited.
    pub accounts: usize,
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Problems with the inputs, sorted.
    pub problems: Vec<Finding>,
    /// Trusted-accounts entries and their use.
    pub trusted: Vec<TrustedUse>,
    /// Findings silenced.
    pub silenced: usize,
    /// Findings ignored.
    pub ignored: usize,
    /// The `--ignore` selectors.
    pub ignore: Ignore,
}

impl Totals {
    /// From a run's totals.
    pub fn from_run(run: &RunTotals, trusted: &[TrustedEntry], ignore: &Ignore) -> Totals {
        Totals {
            accounts: run.accounts,
            files: run.files,
            bytes: run.bytes,
            problems: run
                .problems
                .iter()
                .map(|d| Finding::from_diagnostic(d, Kind::Input, None))
                .collect(),
            trusted: TrustedUse::list(trusted, &run.trusted_uses),
            silenced: run.silenced,
            ignored: run.ignored,
            ignore: ignore.clone(),
        }
    }
}

fn unused_trusted(t: &TrustedUse) -> Finding {
    let mut f = Finding::new(
        &crate::diagnostic::codes::UNUSED_TRUSTED_ACCOUNT,
        Kind::AuditFile,
        None,
        format!(
            "trusted-accounts entry ({}) matched no external-access finding",
            t.entry
        ),
        t.location.clone(),
        &[
            &stable_path(&t.location.file),
            t.location.pointer.as_str(),
            &t.entry,
        ],
    );
    f.help = Some("remove it, or correct its `account`, `principal` or `resources`".into());
    f
}

#[derive(Deserialize)]
struct ShardFile {
    schema_version: u32,
    #[serde(default)]
    shard: Option<Shard>,
    findings: Vec<Finding>,
    #[serde(default)]
    fixed: Option<IgnoredAny>,
    #[serde(default)]
    problems: Vec<Finding>,
    #[serde(default)]
    trusted_accounts: Vec<TrustedUse>,
    summary: Summary,
}

/// The shards' reports, joined.
pub struct Merged {
    /// Every finding, in report order.
    pub findings: Vec<Finding>,
    /// The counts.
    pub totals: Totals,
    /// The threshold the shards used.
    pub fail_on: Severity,
}

/// Reads the JSON reports of every shard of one run and joins them. Each shard must be
/// there once, all of one run (the same shard count and audit files).
pub fn merge(paths: &[String]) -> Result<Merged, Error> {
    let mut shards: Vec<(String, ShardFile)> = Vec::new();
    for p in paths {
        let text = crate::load::fs::read_text_at(p)?;
        shards.push((p.clone(), shard_file(p, &text)?));
    }
    join(shards)
}

/// [`merge`] on reports already read, as `(path, text)`.
pub fn merge_texts(reports: &[(String, String)]) -> Result<Merged, Error> {
    let mut shards: Vec<(String, ShardFile)> = Vec::new();
    for (p, text) in reports {
        shards.push((p.clone(), shard_file(p, text)?));
    }
    join(shards)
}

/// One shard's report, read from its text.
fn shard_file(p: &str, text: &str) -> Result<ShardFile, Error> {
    let file: ShardFile = serde_json::from_str(text)
        .map_err(|e| Error::Usage(format!("`{p}` is not an audit JSON report: {e}")))?;
    if file.schema_version != SCHEMA_VERSION {
        return Err(Error::Usage(format!(
            "`{p}` has schema version {} (xacct reads {SCHEMA_VERSION})",
            file.schema_version
        )));
    }
    if file.fixed.is_some() {
        return Err(Error::Usage(format!(
            "`{p}` was written with --baseline; merge full shard reports and give --baseline to the merge"
        )));
    }
    Ok(file)
}

/// Joins the shards' reports, checked to be every shard of one run.
fn join(shards: Vec<(String, ShardFile)>) -> Result<Merged, Error> {
    let Some((first_path, first)) = shards.first() else {
        return Err(Error::Usage("no shard reports to merge".into()));
    };
    let Some(count) = first.shard.map(|s| s.count) else {
        return Err(Error::Usage(format!(
            "`{first_path}` is not a shard report (it was written without --shard)"
        )));
    };
    // Every shard must be given: a count beyond the reports is a missing shard, said without
    // allocating for it (a report can claim any count).
    if count == 0 || count > super::plan::MAX_SHARDS {
        return Err(Error::Usage(format!(
            "`{first_path}` claims {count} shards: a run has 1 to {} shards",
            super::plan::MAX_SHARDS
        )));
    }
    if count > shards.len() {
        return Err(Error::Usage(format!(
            "the run had {count} shards and {} reports are given: shard reports missing (every shard of the run is needed)",
            shards.len()
        )));
    }
    let mut present = vec![None::<&str>; count];
    for (p, s) in &shards {
        let Some(sh) = s.shard else {
            return Err(Error::Usage(format!(
                "`{p}` is not a shard report (it was written without --shard)"
            )));
        };
        if sh.count != count {
            return Err(Error::Usage(format!(
                "`{p}` is shard {}/{}, but `{first_path}` is of {count} shards",
                sh.index, sh.count
            )));
        }
        match sh.index.checked_sub(1).and_then(|i| present.get_mut(i)) {
            Some(Some(other)) => {
                return Err(Error::Usage(format!(
                    "shard {}/{count} is given twice: `{other}` and `{p}`",
                    sh.index
                )))
            }
            Some(slot) => *slot = Some(p.as_str()),
            None => return Err(Error::Usage(format!("`{p}`: shard index out of range"))),
        }
        let same_trusted = s.trusted_accounts.len() == first.trusted_accounts.len()
            && s.trusted_accounts
                .iter()
                .zip(&first.trusted_accounts)
                .all(|(a, b)| a.entry == b.entry && a.location == b.location);
        if !same_trusted || s.summary.ignore != first.summary.ignore {
            return Err(Error::Usage(format!(
                "`{p}` and `{first_path}` were run with different audit files or --ignore"
            )));
        }
        if s.summary.fail_on != first.summary.fail_on {
            return Err(Error::Usage(format!(
                "`{p}` and `{first_path}` were run with different --fail-on"
            )));
        }
    }
    let missing: Vec<String> = present
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| format!("{}/{count}", i + 1))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "shard reports missing: {} (every shard of the run is needed)",
            missing.join(", ")
        )));
    }
    let fail_on = first.summary.fail_on;
    let ignore = Ignore::parse(&first.summary.ignore).map_err(Error::Usage)?;
    let mut trusted = first.trusted_accounts.clone();
    for t in &mut trusted {
        t.used = 0;
    }
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    let (mut accounts, mut files, mut silenced, mut ignored) = (0usize, 0usize, 0usize, 0usize);
    let mut bytes = 0u64;
    for (p, s) in shards {
        // A report can claim any count: totals that overflow are refused, never wrapped.
        let out_of_range = || {
            Error::Usage(format!(
                "`{p}`: a count is out of range (the shards' totals overflow)"
            ))
        };
        let add = |total: usize, more: usize| total.checked_add(more).ok_or_else(out_of_range);
        for (t, u) in trusted.iter_mut().zip(&s.trusted_accounts) {
            t.used = add(t.used, u.used)?;
        }
        accounts = add(accounts, s.summary.accounts)?;
        files = add(files, s.summary.files)?;
        silenced = add(silenced, s.summary.silenced)?;
        ignored = add(ignored, s.summary.ignored)?;
        bytes = bytes
            .checked_add(s.summary.bytes)
            .ok_or_else(out_of_range)?;
        findings.extend(s.findings);
        problems.extend(s.problems);
    }
    finding::sort(&mut findings);
    problems.sort_by(Finding::cmp_order);
    problems.dedup();
    Ok(Merged {
        findings,
        totals: Totals {
            accounts,
            files,
            bytes,
            problems,
            trusted,
            silenced,
            ignored,
            ignore,
        },
        fail_on,
    })
}
