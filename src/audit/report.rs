//! The audit report: the summary table, JSON, JSON Lines and SARIF writers (the first three
//! stream, finding by finding, as the run produces them), the baseline comparison, and
//! `audit merge`, which joins the JSON reports of shards into the report of the whole run.
//!
//! Both a run and a merge push their findings through one [`Collector`], in the same order,
//! and finish with [`Collector::finish`]; that is why a merge of every shard writes the same
//! bytes as the run without shards.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Write;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::codes::{all_rules, UNUSED_TRUSTED};
use super::config::TrustedEntry;
use super::finding::{self, severity_serde, stable_path, Finding, Kind, Place};
use super::{Ignore, RunTotals, Shard};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::inventory::Problem;
use crate::report::sarif::{write_sarif, Notification};

/// Version of the audit report's JSON.
pub const SCHEMA_VERSION: u32 = 1;

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// A summary: findings by code, the accounts with the most, the findings that fail.
    Table,
    /// One JSON report (what `audit merge` and `--baseline` read).
    Json,
    /// JSON Lines: one finding per line.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
}

/// A problem with an input, as the report keeps it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProblemRecord {
    /// `error` (the run exits 2) or `warning`.
    pub severity: String,
    /// The file.
    pub file: String,
    /// Where in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ProblemRecord {
    /// From a loading problem.
    pub fn from_problem(p: &Problem) -> ProblemRecord {
        ProblemRecord {
            severity: match p.severity {
                crate::inventory::Severity::Error => "error".into(),
                crate::inventory::Severity::Warning => "warning".into(),
            },
            file: p.file.clone(),
            pointer: p.pointer.as_ref().map(ToString::to_string),
            message: p.message.clone(),
        }
    }

    fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// How often one trusted-accounts entry silenced a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedUse {
    /// Where the entry is.
    pub location: Place,
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

/// The table format's running state.
#[derive(Default)]
struct TableState {
    by_code: BTreeMap<String, (String, Severity, usize)>,
    by_account: HashMap<String, [usize; 3]>,
    failing: Vec<Finding>,
    failing_total: usize,
}

/// The findings listed in the table.
const TABLE_LIMIT: usize = 25;

/// Where findings go.
pub struct Writer<'w> {
    format: AuditFormat,
    out: &'w mut dyn Write,
    fail_on: Severity,
    first: bool,
    sarif: Vec<Diagnostic>,
    table: TableState,
}

fn json_line<T: Serialize>(v: &T) -> std::io::Result<String> {
    serde_json::to_string(v).map_err(std::io::Error::from)
}

impl<'w> Writer<'w> {
    /// A writer of `format` to `out`.
    pub fn new(format: AuditFormat, out: &'w mut dyn Write, fail_on: Severity) -> Writer<'w> {
        Writer {
            format,
            out,
            fail_on,
            first: true,
            sarif: Vec::new(),
            table: TableState::default(),
        }
    }

    fn begin(&mut self, shard: Option<Shard>) -> std::io::Result<()> {
        if self.format != AuditFormat::Json {
            return Ok(());
        }
        writeln!(self.out, "{{")?;
        writeln!(self.out, "  \"schema_version\": {SCHEMA_VERSION},")?;
        writeln!(
            self.out,
            "  \"tool\": {{\"name\": \"xacct\", \"version\": \"{}\"}},",
            env!("CARGO_PKG_VERSION")
        )?;
        if let Some(s) = shard {
            writeln!(self.out, "  \"shard\": {},", json_line(&s)?)?;
        }
        write!(self.out, "  \"findings\": [")
    }

    fn finding(&mut self, f: &Finding) -> std::io::Result<()> {
        match self.format {
            AuditFormat::Json => {
                let sep = if self.first { "\n    " } else { ",\n    " };
                self.first = false;
                write!(self.out, "{sep}{}", json_line(f)?)
            }
            AuditFormat::Jsonl => writeln!(self.out, "{}", json_line(f)?),
            AuditFormat::Sarif => {
                if let Some(d) = f.to_diagnostic() {
                    self.sarif.push(d);
                }
                Ok(())
            }
            AuditFormat::Table => {
                let t = &mut self.table;
                let e = t
                    .by_code
                    .entry(f.code.clone())
                    .or_insert_with(|| (f.name.clone(), f.severity, 0));
                e.2 += 1;
                let level = match f.severity {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                };
                if let Some(a) = &f.account {
                    if let Some(n) = t.by_account.entry(a.clone()).or_default().get_mut(level) {
                        *n += 1;
                    }
                }
                if f.severity >= self.fail_on {
                    t.failing_total += 1;
                    if t.failing.len() < TABLE_LIMIT {
                        t.failing.push(f.clone());
                    }
                }
                Ok(())
            }
        }
    }

    fn list<T: Serialize>(&mut self, key: &str, items: &[T], last: bool) -> std::io::Result<()> {
        write!(self.out, "  \"{key}\": [")?;
        for (i, item) in items.iter().enumerate() {
            let sep = if i == 0 { "\n    " } else { ",\n    " };
            write!(self.out, "{sep}{}", json_line(item)?)?;
        }
        if !items.is_empty() {
            write!(self.out, "\n  ")?;
        }
        writeln!(self.out, "]{}", if last { "" } else { "," })
    }

    fn end(&mut self, tail: &Tail) -> std::io::Result<()> {
        match self.format {
            AuditFormat::Json => {
                if !self.first {
                    write!(self.out, "\n  ")?;
                }
                writeln!(self.out, "],")?;
                if let Some(fixed) = &tail.fixed {
                    self.list("fixed", fixed, false)?;
                }
                if let Some(b) = &tail.baseline {
                    writeln!(self.out, "  \"baseline\": {},", json_line(b)?)?;
                }
                self.list("problems", &tail.problems, false)?;
                self.list("trusted_accounts", &tail.trusted, false)?;
                writeln!(self.out, "  \"summary\": {}", json_line(&tail.summary)?)?;
                writeln!(self.out, "}}")
            }
            AuditFormat::Jsonl => Ok(()),
            AuditFormat::Sarif => {
                let rules = all_rules();
                let notes: Vec<Notification> = tail
                    .problems
                    .iter()
                    .filter(|p| p.is_error())
                    .map(|p| Notification {
                        file: p.file.clone(),
                        message: p.message.clone(),
                    })
                    .collect();
                write_sarif(self.out, &self.sarif, &rules, &notes, notes.is_empty())
            }
            AuditFormat::Table => {
                let text = table(&self.table, tail, self.fail_on);
                self.out.write_all(text.as_bytes())
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn table(t: &TableState, tail: &Tail, fail_on: Severity) -> String {
    use crate::report::simple_table;
    let s = &tail.summary;
    let mut out = format!(
        "xacct audit: {}, {} ({:.1} MB){}\n",
        plural(s.accounts, "account", "accounts"),
        plural(s.files, "file", "files"),
        s.bytes as f64 / 1e6,
        tail.shard
            .map(|sh| format!(", shard {}/{}", sh.index, sh.count))
            .unwrap_or_default()
    );
    if !t.by_code.is_empty() {
        out.push_str("\nfindings by code:\n");
        let rows: Vec<Vec<String>> = t
            .by_code
            .iter()
            .map(|(code, (name, sev, n))| {
                vec![
                    code.clone(),
                    name.clone(),
                    sev.as_str().to_owned(),
                    n.to_string(),
                ]
            })
            .collect();
        out.push_str(&simple_table(&["code", "name", "level", "findings"], &rows));
    }
    if !t.by_account.is_empty() {
        let mut accounts: Vec<(&String, &[usize; 3])> = t.by_account.iter().collect();
        accounts.sort_by(|a, b| {
            let key = |c: &[usize; 3]| (c[0], c[1], c[2]);
            key(b.1).cmp(&key(a.1)).then(a.0.cmp(b.0))
        });
        out.push_str(&format!(
            "\naccounts with the most findings ({} of {}):\n",
            accounts.len().min(10),
            accounts.len()
        ));
        let rows: Vec<Vec<String>> = accounts
            .iter()
            .take(10)
            .map(|(a, c)| {
                vec![
                    (*a).clone(),
                    c[0].to_string(),
                    c[1].to_string(),
                    c[2].to_string(),
                ]
            })
            .collect();
        out.push_str(&simple_table(
            &["account", "errors", "warnings", "infos"],
            &rows,
        ));
    }
    let listing = |title: String, items: &[Finding]| -> String {
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|f| {
                let mut msg = f.message.clone();
                if let Some(h) = &f.help {
                    msg.push_str(&format!("\nhelp: {h}"));
                }
                vec![
                    format!("{}\n{}", f.location.short(), f.location.pointer_text()),
                    format!("{}\n{}", f.code, f.severity),
                    msg,
                ]
            })
            .collect();
        format!(
            "\n{title}\n{}",
            simple_table(&["where", "code", "finding"], &rows)
        )
    };
    if !t.failing.is_empty() {
        out.push_str(&listing(
            format!(
                "findings at or above `{fail_on}` ({} of {}; `--format json` lists all):",
                t.failing.len(),
                t.failing_total
            ),
            &t.failing,
        ));
    }
    if let Some(fixed) = tail.fixed.as_ref().filter(|f| !f.is_empty()) {
        let shown = &fixed[..fixed.len().min(TABLE_LIMIT)];
        out.push_str(&listing(
            format!(
                "fixed since the baseline ({} of {}):",
                shown.len(),
                fixed.len()
            ),
            shown,
        ));
    }
    if !tail.problems.is_empty() {
        out.push_str("\nproblems with the inputs:\n");
        for p in &tail.problems {
            let at = p
                .pointer
                .as_deref()
                .map(|x| format!(": {x}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}: {}{at}: {}\n",
                p.severity, p.file, p.message
            ));
        }
    }
    let mut line = format!(
        "\n{}: {} errors, {} warnings, {} infos",
        plural(
            s.findings,
            if tail.baseline.is_some() {
                "new finding"
            } else {
                "finding"
            },
            if tail.baseline.is_some() {
                "new findings"
            } else {
                "findings"
            }
        ),
        s.errors,
        s.warnings,
        s.infos
    );
    if let Some(b) = &tail.baseline {
        line.push_str(&format!(
            "; {} unchanged, {} fixed since `{}`",
            b.unchanged, b.fixed, b.file
        ));
    }
    if s.silenced > 0 {
        line.push_str(&format!("; {} silenced by trusted accounts", s.silenced));
    }
    if s.ignored > 0 {
        line.push_str(&format!("; {} ignored", s.ignored));
    }
    line.push_str(&format!("; exit code {}\n", s.exit_code));
    out.push_str(&line);
    out
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
    pub problems: Vec<ProblemRecord>,
    /// The trusted accounts and their use.
    pub trusted: Vec<TrustedUse>,
    /// The summary.
    pub summary: Summary,
}

/// Counts, compares with the baseline and writes each finding.
pub struct Collector<'w> {
    writer: Writer<'w>,
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
        writer: Writer<'w>,
        shard: Option<Shard>,
        baseline: Option<Baseline>,
    ) -> std::io::Result<Collector<'w>> {
        let fail_on = writer.fail_on;
        let mut c = Collector {
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
        let errors = totals.problems.iter().any(ProblemRecord::is_error);
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
    pub problems: Vec<ProblemRecord>,
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
                .map(ProblemRecord::from_problem)
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
        &UNUSED_TRUSTED,
        Kind::AuditFile,
        None,
        format!(
            "trusted-accounts entry ({}) matched no external-access finding",
            t.entry
        ),
        t.location.clone(),
        &[
            &stable_path(&t.location.file),
            &t.location.pointer,
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
    problems: Vec<ProblemRecord>,
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
        for (t, u) in trusted.iter_mut().zip(&s.trusted_accounts) {
            t.used = t.used.checked_add(u.used).ok_or_else(out_of_range)?;
        }
        accounts = accounts
            .checked_add(s.summary.accounts)
            .ok_or_else(out_of_range)?;
        files = files
            .checked_add(s.summary.files)
            .ok_or_else(out_of_range)?;
        bytes = bytes
            .checked_add(s.summary.bytes)
            .ok_or_else(out_of_range)?;
        silenced = silenced
            .checked_add(s.summary.silenced)
            .ok_or_else(out_of_range)?;
        ignored = ignored
            .checked_add(s.summary.ignored)
            .ok_or_else(out_of_range)?;
        findings.extend(s.findings);
        problems.extend(s.problems);
    }
    finding::sort(&mut findings);
    problems.sort();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &'static crate::lint::RuleMeta, account: &str, msg: &str) -> Finding {
        Finding::new(
            code,
            Kind::ExternalAccess,
            Some(account.into()),
            msg.into(),
            Place {
                file: format!("{account}/s3/b.policy.json"),
                pointer: "/Policy".into(),
                ..Place::default()
            },
            &[msg],
        )
    }

    #[test]
    fn shard_counts_that_overflow_are_refused() {
        let shard = |index: usize, accounts: usize| {
            let mut out = Vec::new();
            let c = Collector::start(
                Writer::new(AuditFormat::Json, &mut out, Severity::Warning),
                Some(Shard { index, count: 2 }),
                None,
            )
            .unwrap();
            let totals = Totals {
                accounts,
                files: 1,
                bytes: 1,
                problems: Vec::new(),
                trusted: Vec::new(),
                silenced: 0,
                ignored: 0,
                ignore: Ignore::default(),
            };
            c.finish(totals).unwrap();
            (format!("s{index}.json"), String::from_utf8(out).unwrap())
        };
        let merged = merge_texts(&[shard(1, 3), shard(2, 4)]).ok().unwrap();
        assert_eq!(merged.totals.accounts, 7);
        let e = merge_texts(&[shard(1, usize::MAX), shard(2, 5)])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("`s2.json`: a count is out of range"), "{e}");
    }

    #[test]
    fn reports_read_from_text_name_their_path_in_errors() {
        let e = Baseline::parse("base.json", "{}")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("`base.json` is not an audit JSON report"), "{e}");
        let e = merge_texts(&[("s1.json".into(), "[]".into())])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("`s1.json` is not an audit JSON report"), "{e}");
        let e = merge_texts(&[]).err().unwrap().to_string();
        assert!(e.contains("no shard reports"), "{e}");
    }

    #[test]
    fn json_report_reads_back_and_baseline_keeps_only_new() {
        let a = finding(
            &super::super::codes::OUTSIDE_ORGANIZATION,
            "111111111111",
            "a",
        );
        let b = finding(&super::super::codes::OTHER_ACCOUNT, "222222222222", "b");
        let totals = || Totals {
            accounts: 2,
            files: 3,
            bytes: 4,
            problems: Vec::new(),
            trusted: Vec::new(),
            silenced: 0,
            ignored: 0,
            ignore: Ignore::default(),
        };
        let mut out = Vec::new();
        let mut c = Collector::start(
            Writer::new(AuditFormat::Json, &mut out, Severity::Warning),
            None,
            None,
        )
        .unwrap();
        c.push(a.clone()).unwrap();
        c.push(b.clone()).unwrap();
        assert_eq!(c.finish(totals()).unwrap(), 1);
        let text = String::from_utf8(out).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["summary"]["findings"], 2);
        let dir = std::env::temp_dir().join(format!("xacct-audit-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("base.json");
        std::fs::write(&path, &text).unwrap();
        let base = Baseline::load(&path.to_string_lossy()).unwrap();
        let c2 = finding(&super::super::codes::OTHER_ACCOUNT, "333333333333", "c");
        let mut out = Vec::new();
        let mut c = Collector::start(
            Writer::new(AuditFormat::Json, &mut out, Severity::Warning),
            None,
            Some(base),
        )
        .unwrap();
        c.push(b).unwrap();
        c.push(c2).unwrap();
        assert_eq!(c.finish(totals()).unwrap(), 0);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["findings"].as_array().unwrap().len(), 1);
        assert_eq!(v["fixed"][0]["id"], serde_json::json!(a.id));
        assert_eq!(v["baseline"]["unchanged"], 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
