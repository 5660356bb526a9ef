//! `xacct audit`: the summary table, JSON, JSON Lines and SARIF. The first three stream,
//! finding by finding, as the run produces them (the [`Sink`] the audit writes into).

use super::Format::{Github, Html, Json, Jsonl, Junit, Sarif, Table};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde::Serialize;

use super::ci::Item;
use super::junit::{finding_case, Case};
use super::sarif::{write_sarif, Notification};
use super::{schema, Format};
use crate::audit::finding::Finding;
use crate::audit::outcome::{Sink, Tail};
use crate::audit::Shard;
use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::Severity;

/// The formats `xacct audit` writes.
pub const FORMATS: &[Format] = &[Table, Json, Jsonl, Sarif, Junit, Github, Html];

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
    format: Format,
    out: &'w mut dyn Write,
    fail_on: Severity,
    first: bool,
    /// The findings, for the formats that write them at the end.
    found: Vec<Finding>,
    table: TableState,
}

fn json_line<T: Serialize>(v: &T) -> std::io::Result<String> {
    serde_json::to_string(v).map_err(std::io::Error::from)
}

impl<'w> Writer<'w> {
    /// A writer of `format` to `out`; findings at or above `fail_on` are the ones the table
    /// lists.
    pub fn new(format: Format, out: &'w mut dyn Write, fail_on: Severity) -> Writer<'w> {
        Writer {
            format,
            out,
            fail_on,
            first: true,
            found: Vec::new(),
            table: TableState::default(),
        }
    }

    /// The findings kept for the end, as items.
    fn items(&self) -> Vec<Item> {
        self.found.iter().filter_map(Item::of_finding).collect()
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
}

impl Sink for Writer<'_> {
    fn begin(&mut self, shard: Option<Shard>) -> std::io::Result<()> {
        if self.format != Format::Json {
            return Ok(());
        }
        writeln!(self.out, "{{")?;
        writeln!(self.out, "  \"schema_version\": {},", schema::AUDIT)?;
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
            Format::Json => {
                let sep = if self.first { "\n    " } else { ",\n    " };
                self.first = false;
                write!(self.out, "{sep}{}", json_line(f)?)
            }
            Format::Jsonl => writeln!(self.out, "{}", json_line(f)?),
            Format::Sarif | Format::Junit | Format::Github | Format::Html => {
                self.found.push(f.clone());
                Ok(())
            }
            Format::Table | Format::Dot | Format::Mermaid => {
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

    fn end(&mut self, tail: &Tail) -> std::io::Result<()> {
        match self.format {
            Format::Json => {
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
            Format::Jsonl => Ok(()),
            Format::Sarif => {
                let rules: Vec<&RuleMeta> = codes::ALL
                    .iter()
                    .copied()
                    .filter(|m| m.family() != "XC")
                    .collect();
                let notes: Vec<Notification> = tail
                    .problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                    .map(|p| Notification {
                        file: p.location.file.to_string(),
                        message: p.message.clone(),
                    })
                    .collect();
                let items = self.items();
                write_sarif(self.out, &items, &rules, &notes, notes.is_empty())
            }
            Format::Junit => {
                let fail_on = self.fail_on;
                let mut cases: Vec<Case> = self
                    .items()
                    .iter()
                    .map(|i| finding_case(i, fail_on))
                    .collect();
                cases.extend(tail.problems.iter().filter_map(Item::of_finding).map(|i| {
                    let mut c = finding_case(&i, Severity::Error);
                    c.classname = format!("inputs.{}", c.classname);
                    c
                }));
                super::junit::write_junit(self.out, "xacct audit", &cases)
            }
            Format::Github => {
                let mut items = self.items();
                items.extend(tail.problems.iter().filter_map(Item::of_finding));
                super::github::write_annotations(self.out, &items, summary_line(tail).trim())
            }
            Format::Html => super::html::audit_page(&self.found, tail, self.fail_on, self.out),
            Format::Table | Format::Dot | Format::Mermaid => {
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
        let rows = super::table::code_rows(
            t.by_code
                .iter()
                .map(|(code, (name, sev, n))| (code.as_str(), name.as_str(), *sev, *n)),
        );
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
    out.push_str(&super::table::titled_lines(
        "problems with the inputs:",
        tail.problems
            .iter()
            .map(|p| format!("{}: {}: {} [{}]", p.severity, p.location, p.message, p.code)),
    ));
    out.push_str(&summary_line(tail));
    out
}

/// The last line: `\nN findings: E errors, W warnings, I infos; …; exit code C\n`.
fn summary_line(tail: &Tail) -> String {
    let s = &tail.summary;
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
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::finding::Kind;
    use crate::audit::outcome::{Baseline, Collector, Totals};
    use crate::audit::Ignore;
    use crate::diagnostic::Location;

    fn finding(code: &'static RuleMeta, account: &str, msg: &str) -> Finding {
        Finding::new(
            code,
            Kind::ExternalAccess,
            Some(account.into()),
            msg.into(),
            Location {
                file: format!("{account}/s3/b.policy.json").into(),
                pointer: crate::json::Pointer::root().key("Policy"),
                ..Location::default()
            },
            &[msg],
        )
    }

    #[test]
    fn json_report_reads_back_and_baseline_keeps_only_new() {
        let a = finding(
            &crate::diagnostic::codes::RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION,
            "111111111111",
            "a",
        );
        let b = finding(
            &crate::diagnostic::codes::RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT,
            "222222222222",
            "b",
        );
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
        let mut w = Writer::new(Format::Json, &mut out, Severity::Warning);
        let mut c = Collector::start(&mut w, Severity::Warning, None, None).unwrap();
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
        let _ = std::fs::remove_dir_all(&dir);
        let c2 = finding(
            &crate::diagnostic::codes::RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT,
            "333333333333",
            "c",
        );
        let mut out = Vec::new();
        let mut w = Writer::new(Format::Json, &mut out, Severity::Warning);
        let mut c = Collector::start(&mut w, Severity::Warning, None, Some(base)).unwrap();
        c.push(b).unwrap();
        c.push(c2).unwrap();
        assert_eq!(c.finish(totals()).unwrap(), 0);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["findings"].as_array().unwrap().len(), 1);
        assert_eq!(v["fixed"][0]["id"], serde_json::json!(a.id));
        assert_eq!(v["baseline"]["unchanged"], 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn shard_counts_that_overflow_are_refused() {
        let shard = |index: usize, accounts: usize| {
            let mut out = Vec::new();
            let mut w = Writer::new(Format::Json, &mut out, Severity::Warning);
            let c = Collector::start(
                &mut w,
                Severity::Warning,
                Some(crate::audit::Shard { index, count: 2 }),
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
        let merged = crate::audit::outcome::merge_texts(&[shard(1, 3), shard(2, 4)])
            .ok()
            .unwrap();
        assert_eq!(merged.totals.accounts, 7);
        let e = crate::audit::outcome::merge_texts(&[shard(1, usize::MAX), shard(2, 5)])
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
        let e = crate::audit::outcome::merge_texts(&[("s1.json".into(), "[]".into())])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("`s1.json` is not an audit JSON report"), "{e}");
        let e = crate::audit::outcome::merge_texts(&[])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("no shard reports"), "{e}");
    }
}
