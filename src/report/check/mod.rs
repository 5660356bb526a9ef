//! Renderers for `xacct check`: stable JSON, SARIF (each failed step a result at the policy
//! where the fix goes, or at the statement that denies), and the accounts-and-steps graph as
//! DOT or Mermaid (green allowed, red denied, grey not verified). The table is
//! [`text`], the HTML page `page`.

mod page;
pub mod text;

use super::Format::{Dot, Github, Html, Json, Junit, Mermaid, Sarif, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::sync::Arc;

use serde_json::{json, Value};

use super::diagram::{self, Diagram, Line, Shape};
use super::{schema, Format};
use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::json::Pointer;
use crate::workflow::{ChainReport, CheckReport, Outcome, Status, Verdict};

/// The formats `xacct check` writes.
pub const FORMATS: &[Format] = &[Table, Json, Sarif, Junit, Github, Html, Dot, Mermaid];

/// Writes the report in `format`; `fail_on_unverified` says whether a step that cannot be
/// verified fails the check (the formats for CI mark it failed, else skipped).
pub fn render(
    report: &CheckReport,
    format: Format,
    fail_on_unverified: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Junit => super::junit::write_junit(
            out,
            &format!("xacct check {}", report.scenario),
            &check_cases(report, fail_on_unverified),
        ),
        Format::Github => {
            let items = super::ci::items(&check_diagnostics(report));
            super::github::write_annotations(out, &items, &verdict_line(report))
        }
        Format::Html => page::check_page(report, out),
        Format::Json => serde_json::to_writer_pretty(&mut *out, &check_json(report))
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
        Format::Sarif => check_sarif(report, out).and_then(|()| out.write_all(b"\n")),
        Format::Dot => diagram::dot(&check_diagram(report), out),
        Format::Mermaid => diagram::mermaid(&check_diagram(report), out),
        Format::Table | Format::Jsonl => out.write_all(text::check_table(report).as_bytes()),
    }
}

/// The report as JSON, with `schema_version`.
pub fn check_json(report: &CheckReport) -> Value {
    let mut v = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("schema_version".into(), json!(schema::CHECK));
        m.insert("summary".into(), summary(&[report]));
        m.insert("unknowns".into(), json!(report.unknowns()));
    }
    v
}

/// The counts of every row: the required actions, the advisory ones, the skipped steps.
fn summary(reports: &[&CheckReport]) -> Value {
    let sum = |f: &dyn Fn(&CheckReport) -> usize| reports.iter().map(|r| f(r)).sum::<usize>();
    json!({
        "allowed": sum(&|r| r.count(|s| *s == Status::Allowed)),
        "denied": sum(&|r| r.count(|s| matches!(s, Status::Denied { .. }))),
        "not_verified": sum(&|r| r.count(|s| *s == Status::NotVerified)),
        "advisory": {
            "allowed": sum(&|r| r.count_advisory(|s| *s == Status::Allowed)),
            "denied": sum(&|r| r.count_advisory(|s| matches!(s, Status::Denied { .. }))),
            "not_verified": sum(&|r| r.count_advisory(|s| *s == Status::NotVerified)),
        },
        "skipped": sum(&|r| r.skipped.len()),
    })
}

/// The request file, where a finding that names no policy is.
fn request_location(report: &CheckReport) -> Location {
    Location::new(Arc::from(report.request.as_str()), Pointer::root())
}

fn outcome_diagnostic(report: &CheckReport, o: &Outcome) -> Option<Diagnostic> {
    let rule = match (&o.status, o.required) {
        (Status::Allowed, _) => return None,
        (Status::Denied { .. }, true) => &codes::WORKFLOW_STEP_DENIED,
        (Status::Denied { .. }, false) => &codes::WORKFLOW_ADVISORY_ACTION_DENIED,
        (Status::NotVerified, true) => &codes::WORKFLOW_STEP_NOT_VERIFIED,
        (Status::NotVerified, false) => return None,
    };
    // Where: the statement that denies, else where the fix goes, else the request.
    let primary = o
        .denied_by
        .first()
        .map(|d| d.location.clone())
        .or_else(|| o.fixes.iter().find_map(|f| f.location.clone()))
        .unwrap_or_else(|| request_location(report));
    let related = o
        .fixes
        .iter()
        .filter_map(|f| {
            Some(Related {
                location: f.location.clone()?,
                message: format!("fix: {}", f.target),
            })
        })
        .collect();
    let container = o
        .container
        .map(|c| format!(" (container {c})"))
        .unwrap_or_default();
    let help = o
        .fixes
        .iter()
        .map(|f| {
            let body = f
                .statement
                .as_ref()
                .or(f.condition.as_ref())
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .or_else(|| f.command.clone())
                .or_else(|| f.note.clone())
                .unwrap_or_default();
            format!("{}: {body}", f.target)
        })
        .collect::<Vec<_>>()
        .join("\n");
    Some(Diagnostic {
        code: rule.code,
        name: rule.name,
        severity: rule.severity,
        message: format!(
            "step `{}`{container}: `{}` may not `{}` on `{}`: {}",
            o.step,
            o.principal,
            o.action,
            o.resource,
            o.reasons
                .iter()
                .chain(&o.unknowns)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        primary,
        related,
        help: (!help.is_empty()).then_some(help),
        replacement: None,
    })
}

/// The diagnostics of a report (the failed steps, the implausible request parts, the
/// policies AWS rejects), sorted.
pub fn check_diagnostics(report: &CheckReport) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = report
        .outcomes
        .iter()
        .filter_map(|o| outcome_diagnostic(report, o))
        .collect();
    for p in report.plausibility.iter().filter(|p| p.ok == Some(false)) {
        let primary =
            p.at.as_ref()
                .map(|a| a.location.clone())
                .unwrap_or_else(|| request_location(report));
        out.push(Diagnostic {
            code: codes::IMPLAUSIBLE_REGISTRATION_REQUEST.code,
            name: codes::IMPLAUSIBLE_REGISTRATION_REQUEST.name,
            severity: codes::IMPLAUSIBLE_REGISTRATION_REQUEST.severity,
            message: p.message.clone(),
            primary,
            related: Vec::new(),
            help: None,
            replacement: None,
        });
    }
    out.extend(report.policy_errors.iter().cloned());
    crate::diagnostic::sort(&mut out);
    out
}

/// Writes the report as SARIF 2.1.0; the rules are the check codes and the lint rules of
/// the policy errors it includes.
pub fn check_sarif(report: &CheckReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let diagnostics = check_diagnostics(report);
    let lint_codes: BTreeSet<&str> = report.policy_errors.iter().map(|d| d.code).collect();
    let rules: Vec<&RuleMeta> = codes::ALL
        .iter()
        .copied()
        .filter(|m| m.family() == "XC" || lint_codes.contains(m.code))
        .collect();
    super::sarif::write_sarif(out, &super::ci::items(&diagnostics), &rules, &[], true)
}

fn account_of(arn_or_account: Option<&str>) -> String {
    arn_or_account.unwrap_or("unknown").to_owned()
}

/// The accounts as clusters and each step's action as an edge from the actor to the
/// resource: green allowed, red denied, grey not verified.
pub fn check_diagram(report: &CheckReport) -> Diagram {
    let title = format!(
        "{}: {}",
        report.scenario,
        verdict_text(report.verdict, &report.subject)
    );
    diagram_of(&[report], title, false)
}

/// One diagram for every report (edges of a chain name their stage).
fn diagram_of(reports: &[&CheckReport], title: String, staged: bool) -> Diagram {
    let outcomes = || {
        reports
            .iter()
            .flat_map(|r| r.outcomes.iter().map(move |o| (*r, o)))
    };
    let mut by_account: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, o) in outcomes() {
        by_account
            .entry(account_of(o.principal_account.as_deref()))
            .or_default()
            .insert(o.principal.clone());
        by_account
            .entry(account_of(o.resource_account.as_deref()))
            .or_default()
            .insert(o.resource.clone());
    }
    let (clusters, ids) = diagram::account_clusters(
        by_account
            .into_iter()
            .map(|(a, names)| (a, names.into_iter().map(|n| (n, Shape::Rect)).collect())),
    );
    let id = |name: &str| ids.get(name).cloned().unwrap_or_default();
    let edges = outcomes()
        .map(|(r, o)| {
            let (color, line) = match o.status {
                Status::Allowed => ("green", Line::Solid),
                Status::Denied { .. } => ("red", Line::Bold),
                Status::NotVerified => ("grey", Line::Dashed),
            };
            let stage = match (staged, r.stage) {
                (true, Some(s)) => format!("{}: ", s.name()),
                _ => String::new(),
            };
            diagram::Edge {
                from: id(&o.principal),
                to: id(&o.resource),
                label: format!("{stage}{}: {}", o.step, o.action),
                tooltip: None,
                line,
                color,
                width: "1",
                arrow: "-->",
                highlight: Some(format!("stroke:{color}")),
            }
        })
        .collect();
    Diagram {
        name: "xacct_check".into(),
        title: Some(title),
        clusters,
        loose: Vec::new(),
        edges,
        font_sizes: None,
    }
}

/// `verdict: registration NOT possible (5 allowed, 4 denied, 0 not verified)`, with the
/// first defective policy when one leaves the verdict not verified.
pub fn verdict_line(report: &CheckReport) -> String {
    let defective = match (report.verdict, report.defective.split_first()) {
        (Verdict::NotVerified, Some((first, rest))) => format!(
            ": the {} ({}: {}) is defective{}",
            first.policy,
            first.location.file,
            first.location.pointer_text(),
            match rest.len() {
                0 => String::new(),
                n => format!(", and {n} more policies"),
            }
        ),
        _ => String::new(),
    };
    let advisory = report.outcomes.iter().filter(|o| !o.required).count();
    let advisory = if advisory > 0 {
        let parts: Vec<String> = [
            (report.count_advisory(|s| *s == Status::Allowed), "allowed"),
            (
                report.count_advisory(|s| matches!(s, Status::Denied { .. })),
                "denied",
            ),
            (
                report.count_advisory(|s| *s == Status::NotVerified),
                "not verified",
            ),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
        format!("; {advisory} advisory: {}", parts.join(", "))
    } else {
        String::new()
    };
    let skipped = match report.skipped.len() {
        0 => String::new(),
        n => format!("; {n} skipped"),
    };
    format!(
        "verdict: {}{defective} ({} allowed, {} denied, {} not verified of {} required{advisory}{skipped})",
        verdict_text(report.verdict, &report.subject),
        report.count(|s| *s == Status::Allowed),
        report.count(|s| matches!(s, Status::Denied { .. })),
        report.count(|s| *s == Status::NotVerified),
        report.outcomes.iter().filter(|o| o.required).count(),
    )
}

/// The `why` cell of a step: its decision and notes, then the numbers of the unknowns
/// (`unknowns`, the report's, each said once under the table) that could change it.
pub fn why_cell(unknowns: &[&str], o: &Outcome) -> String {
    let mut lines: Vec<String> = o.reasons.clone();
    let refs: Vec<String> = o
        .unknowns
        .iter()
        .filter_map(|u| unknowns.iter().position(|x| x == u))
        .map(|i| format!("[{}]", i + 1))
        .collect();
    if !refs.is_empty() {
        lines.push(format!("could change: {}", refs.join(" ")));
    }
    lines.join("\n")
}

/// The unknowns of a report, numbered, and the skipped steps, for the text under the table.
pub fn unknowns_text(report: &CheckReport) -> String {
    let mut out = String::new();
    let unknowns = report.unknowns();
    if !unknowns.is_empty() {
        out.push_str("\nwhat could still change the answers:\n");
        for (i, u) in unknowns.iter().enumerate() {
            out.push_str(&format!("  [{}] {u}\n", i + 1));
        }
    }
    if !report.skipped.is_empty() {
        out.push_str("\nskipped:\n");
        for s in &report.skipped {
            out.push_str(&format!("  - {s}\n"));
        }
    }
    out
}

/// The head of the table: the verdict, the title, caller and consumer, and what the report
/// assumed.
pub fn header_text(report: &CheckReport) -> String {
    let mut out = format!(
        "{}\n\n{}\ncaller:   {}\nconsumer: {}\n",
        verdict_line(report),
        report.title,
        report.caller,
        report.consumer
    );
    if let Some(n) = &report.consumer_note {
        out.push_str(&format!("          ({n})\n"));
    }
    if !report.assumptions.is_empty() {
        out.push_str("assumed:\n");
        for a in &report.assumptions {
            out.push_str(&format!("  - {a}\n"));
        }
    }
    out.push('\n');
    out
}

/// The policies to change, each as its complete new document with the command that applies
/// it, and what the check answers once they are applied.
pub fn changes_text(
    changes: &[crate::workflow::fix_plan::PolicyChange],
    with_changes: Option<Verdict>,
    not_fixable: &[String],
) -> String {
    let mut out = String::new();
    if !not_fixable.is_empty() {
        out.push_str("\nwhat no change to the exports fixes (change it where it is said):\n");
        for n in not_fixable {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    if changes.is_empty() {
        return text::fit_text(&out);
    }
    out.push_str("\npolicies to change (each the complete new document, saved as policy.json):\n");
    for c in changes {
        out.push_str(&format!("\n- {} [{}]\n  {}\n", c.target, c.file, c.command));
        // A command that takes no document (AWS RAM's): the document is the export as it
        // will read.
        if c.source_change.is_none() && !c.command.contains("file://policy.json") {
            out.push_str("  (the export once it has run:)\n");
        }
        // A plan's or template's change in its own terms (HCL, or the template's JSON).
        let pretty = match &c.source_change {
            Some(sc) => sc.text.clone(),
            None => serde_json::to_string_pretty(&c.document).unwrap_or_default(),
        };
        for line in pretty.lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    if let Some(v) = with_changes {
        out.push_str(&format!(
            "\nwith these changes applied to the same exports: {}\n",
            verdict_text(v, "workflow")
        ));
    }
    text::fit_text(&out)
}

/// A step's fixes as text: the target, then the statement, command or note.
pub fn fix_text(o: &Outcome) -> String {
    let mut out = String::new();
    for f in &o.fixes {
        out.push_str(&format!("fix: {}\n", f.target));
        if let Some(st) = f.statement.as_ref().or(f.condition.as_ref()) {
            out.push_str(&serde_json::to_string_pretty(st).unwrap_or_default());
            out.push('\n');
        }
        if let Some(c) = &f.command {
            out.push_str(&format!("{c}\n"));
        }
        if let Some(n) = &f.note {
            out.push_str(&format!("({n})\n"));
        }
    }
    out
}

/// The step's name as the formats for CI write it: `step (container N): action on resource`.
pub fn step_name(o: &Outcome) -> String {
    let container = o
        .container
        .map(|c| format!(" (container {c})"))
        .unwrap_or_default();
    format!("{}{container}: {} on {}", o.step, o.action, o.resource)
}

/// The JUnit cases: one a step (failed when denied, or not verified and
/// `fail_on_unverified`; skipped when not verified otherwise; an advisory action passes
/// with its denial in the output), then the implausible request parts and the policies AWS
/// rejects.
fn check_cases(report: &CheckReport, fail_on_unverified: bool) -> Vec<super::junit::Case> {
    use super::junit::{finding_case, Case, Outcome as Ends};
    let mut cases: Vec<Case> = report
        .outcomes
        .iter()
        .map(|o| {
            let mut text = format!("{} `{}`\n", verdict_word(o), o.principal);
            for r in o.reasons.iter().chain(&o.unknowns) {
                text.push_str(&format!("{r}\n"));
            }
            text.push_str(&fix_text(o));
            let why: Vec<&String> = o.reasons.iter().chain(&o.unknowns).collect();
            let message = format!(
                "{}: {}",
                verdict_word(o),
                why.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            let outcome = match (&o.status, o.required) {
                (Status::Allowed, _) | (Status::Denied { .. }, false) => Ends::Passed,
                (Status::Denied { .. }, true) => Ends::Failed {
                    kind: codes::WORKFLOW_STEP_DENIED.code.into(),
                    message,
                },
                (Status::NotVerified, true) if fail_on_unverified => Ends::Failed {
                    kind: codes::WORKFLOW_STEP_NOT_VERIFIED.code.into(),
                    message,
                },
                (Status::NotVerified, _) => Ends::Skipped { message },
            };
            Case {
                classname: report.scenario.clone(),
                name: step_name(o),
                outcome,
                text,
            }
        })
        .collect();
    let others: Vec<Diagnostic> = check_diagnostics(report)
        .into_iter()
        .filter(|d| {
            d.code == codes::IMPLAUSIBLE_REGISTRATION_REQUEST.code || d.code.starts_with("XA")
        })
        .collect();
    for i in super::ci::items(&others) {
        // A policy AWS rejects leaves steps not verified: it fails as they do.
        let fails =
            i.diagnostic.code == codes::IMPLAUSIBLE_REGISTRATION_REQUEST.code || fail_on_unverified;
        let threshold = if fails {
            crate::diagnostic::Severity::Info
        } else {
            crate::diagnostic::Severity::Error
        };
        let mut case = finding_case(&i, threshold);
        if !fails {
            case.outcome = Ends::Skipped {
                message: i.diagnostic.message.clone(),
            };
        }
        cases.push(case);
    }
    cases
}

/// `allowed`, `DENIED`, `denied (advisory)` or `not verified`.
pub fn verdict_word(o: &Outcome) -> &'static str {
    match (&o.status, o.required) {
        (Status::Allowed, _) => "allowed",
        (Status::Denied { explicit: true }, true) => "DENIED (explicit)",
        (Status::Denied { .. }, true) => "DENIED",
        (Status::Denied { .. }, false) => "denied (advisory)",
        (Status::NotVerified, _) => "not verified",
    }
}

/// The verdict in words, about `subject` (`registration`, `deployment`…).
pub fn verdict_text(v: Verdict, subject: &str) -> String {
    let subject = if subject.is_empty() {
        "workflow"
    } else {
        subject
    };
    match v {
        Verdict::Possible => format!("{subject} possible"),
        Verdict::NotPossible => format!("{subject} NOT possible"),
        Verdict::NotVerified => format!("{subject} NOT VERIFIED (data missing)"),
    }
}

/// The verdict of a chain in words.
fn chain_verdict(chain: &ChainReport) -> String {
    verdict_text(chain.verdict, "workflow")
}

/// Writes a chain of reports (train, register, approve, deploy) in `format`;
/// `fail_on_unverified` as for [`render`].
pub fn render_chain(
    chain: &ChainReport,
    format: Format,
    fail_on_unverified: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let diagnostics =
        || -> Vec<Diagnostic> { chain.reports.iter().flat_map(check_diagnostics).collect() };
    match format {
        Format::Json => serde_json::to_writer_pretty(&mut *out, &chain_json(chain))
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
        Format::Sarif => {
            let lint_codes: BTreeSet<&str> = chain
                .reports
                .iter()
                .flat_map(|r| r.policy_errors.iter().map(|d| d.code))
                .collect();
            let rules: Vec<&RuleMeta> = codes::ALL
                .iter()
                .copied()
                .filter(|m| m.family() == "XC" || lint_codes.contains(m.code))
                .collect();
            let items = super::ci::items(&diagnostics());
            super::sarif::write_sarif(out, &items, &rules, &[], true)?;
            out.write_all(b"\n")
        }
        Format::Junit => {
            let cases: Vec<super::junit::Case> = chain
                .reports
                .iter()
                .flat_map(|r| check_cases(r, fail_on_unverified))
                .collect();
            super::junit::write_junit(out, "xacct check workflow", &cases)
        }
        Format::Github => {
            let items = super::ci::items(&diagnostics());
            let summary = format!("verdict: {}", chain_verdict(chain));
            super::github::write_annotations(out, &items, &summary)
        }
        Format::Html => page::check_page(&merged(chain), out),
        Format::Dot | Format::Mermaid => {
            let reports: Vec<&CheckReport> = chain.reports.iter().collect();
            let d = diagram_of(
                &reports,
                format!("model registry workflow: {}", chain_verdict(chain)),
                true,
            );
            if format == Format::Dot {
                diagram::dot(&d, out)
            } else {
                diagram::mermaid(&d, out)
            }
        }
        Format::Table | Format::Jsonl => out.write_all(chain_table(chain).as_bytes()),
    }
}

/// The chain as one report (for the HTML page): every step, named by its stage, every
/// request problem and policy error, and the chain's verdict.
fn merged(chain: &ChainReport) -> CheckReport {
    let first = chain.reports.first();
    let text = |f: fn(&CheckReport) -> &String| first.map(f).cloned().unwrap_or_default();
    let mut all = CheckReport {
        scenario: "model registry workflow".into(),
        title: "The model registry workflow across accounts".into(),
        request: text(|r| &r.request),
        caller: text(|r| &r.caller),
        consumer: text(|r| &r.consumer),
        consumer_note: None,
        assumptions: Vec::new(),
        outcomes: Vec::new(),
        skipped: Vec::new(),
        plausibility: Vec::new(),
        policy_errors: Vec::new(),
        defective: Vec::new(),
        verdict: chain.verdict,
        changes: Vec::new(),
        with_changes: None,
        not_fixable: Vec::new(),
        stage: None,
        label: None,
        caller_note: None,
        subject: "workflow".into(),
    };
    for r in &chain.reports {
        let stage = r.stage.map_or("scenario", crate::scenario::Stage::name);
        all.outcomes.extend(r.outcomes.iter().map(|o| {
            let mut o = o.clone();
            o.step = format!("{stage}: {}", o.step);
            o
        }));
        all.plausibility.extend(r.plausibility.iter().cloned());
        for a in &r.assumptions {
            if !all.assumptions.contains(a) {
                all.assumptions.push(a.clone());
            }
        }
        for d in &r.policy_errors {
            if !all.policy_errors.contains(d) {
                all.policy_errors.push(d.clone());
            }
        }
        for d in &r.defective {
            if !all.defective.contains(d) {
                all.defective.push(d.clone());
            }
        }
    }
    all
}

/// A chain as JSON: each report as `check --format json` writes it, in order.
pub fn chain_json(chain: &ChainReport) -> Value {
    let reports: Vec<Value> = chain.reports.iter().map(check_json).collect();
    let all: Vec<&CheckReport> = chain.reports.iter().collect();
    json!({
        "schema_version": schema::CHECK,
        "verdict": chain.verdict,
        "breaks_at": chain.breaks_at,
        "summary": summary(&all),
        "reports": reports,
        "changes": chain.changes,
        "with_changes": chain.with_changes,
        "not_fixable": chain.not_fixable,
    })
}

/// A report's stage, and its label between `open` and `close` (nothing without one).
fn stage_and_label(r: &CheckReport, open: &str, close: &str) -> (&'static str, String) {
    let stage = r.stage.map_or("scenario", crate::scenario::Stage::name);
    let label = r
        .label
        .as_deref()
        .map(|l| format!("{open}{l}{close}"))
        .unwrap_or_default();
    (stage, label)
}

/// A chain as text: each report under its stage and subject, then where the chain breaks.
pub fn chain_table(chain: &ChainReport) -> String {
    let mut out = String::new();
    let n = chain.reports.len();
    for (i, r) in chain.reports.iter().enumerate() {
        let (stage, label) = stage_and_label(r, ": ", "");
        out.push_str(&format!("── {}/{n} {stage}{label} ──\n", i + 1));
        if let Some(note) = &r.caller_note {
            out.push_str(&format!("(caller: {note})\n"));
        }
        out.push_str(&text::check_table(r));
        out.push('\n');
    }
    out.push_str("workflow:\n");
    for r in &chain.reports {
        let (stage, label) = stage_and_label(r, " (", ")");
        out.push_str(&format!(
            "  {stage:<9} {}{label}\n",
            verdict_text(r.verdict, &r.subject)
        ));
    }
    let breaks = chain
        .breaks_at
        .as_deref()
        .map(|b| format!(": the chain breaks at {b}"))
        .unwrap_or_default();
    out.push_str(&format!("\nverdict: {}{breaks}\n", chain_verdict(chain)));
    text::fit_text(&out)
}

/// The scenarios as text: id, stage, title; with `steps`, every step with its actions,
/// resource and source.
pub fn scenarios_text(all: &[crate::scenario::Scenario], steps: bool) -> String {
    let mut out = String::new();
    for s in all {
        let stage = s.stage.map_or("-", crate::scenario::Stage::name);
        out.push_str(&format!("{}  [{stage}]  {}\n", s.id, s.title));
        if !steps {
            continue;
        }
        out.push_str(&format!("  file: {}\n", s.file));
        for st in &s.steps {
            let actions: Vec<String> = st
                .actions
                .iter()
                .map(|a| {
                    if a.required {
                        a.action.clone()
                    } else {
                        format!("{} (advisory)", a.action)
                    }
                })
                .collect();
            let actor = match st.actor {
                crate::scenario::Actor::Caller => "caller",
                crate::scenario::Actor::Consumer => "consumer",
            };
            out.push_str(&format!(
                "  - {} ({actor}): {}\n      on {}\n",
                st.id,
                actions.join(", "),
                st.resource.0
            ));
            if let Some(src) = &st.source {
                out.push_str(&format!("      source: {src}\n"));
            }
        }
    }
    out
}
