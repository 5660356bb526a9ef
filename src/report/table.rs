//! The human-readable table. The only module that uses `tabled`.

use tabled::settings::Style;
use tabled::{Table, Tabled};

use crate::eval::{Decision, Request, Response};
use crate::policy::Effect;

#[derive(Tabled)]
struct Row {
    #[tabled(rename = "effect")]
    effect: &'static str,
    #[tabled(rename = "policy")]
    policy: String,
    #[tabled(rename = "statement")]
    statement: String,
    #[tabled(rename = "names caller as")]
    principal: String,
    #[tabled(rename = "where")]
    location: String,
}

/// A decision and its trace, as text.
pub fn decision_table(req: &Request, resp: &Response<'_>) -> String {
    let mut out = String::new();
    let verdict = match (resp.decision, resp.is_indeterminate()) {
        (_, true) => "NOT VERIFIED: statements that cannot be decided could allow it (see `undecided` below); it is treated as denied",
        (Decision::Allow, _) => "ALLOWED",
        (Decision::ImplicitDeny, _) => "DENIED (implicit: no required allow)",
        (Decision::ExplicitDeny, _) => "DENIED (explicit deny)",
    };
    out.push_str(&format!(
        "decision:  {} — {verdict}\n",
        resp.decision.as_str()
    ));
    out.push_str(&format!("principal: {}\n", req.principal.display()));
    out.push_str(&format!("action:    {}\n", req.action));
    out.push_str(&format!("resource:  {}\n", req.resource.text));
    let scope = match resp.trace.same_account {
        Some(true) => "same account",
        Some(false) => "cross-account",
        None => "owner unknown (evaluated as cross-account)",
    };
    out.push_str(&format!(
        "owner:     {} ({scope})\n",
        req.resource_account.as_deref().unwrap_or("unknown")
    ));
    let rows: Vec<Row> = resp
        .trace
        .matched
        .iter()
        .map(|m| Row {
            effect: match (m.effect(), &m.indeterminate) {
                (Some(Effect::Allow), Some(_)) => "Allow (undecided)",
                (Some(Effect::Deny), Some(_)) => "Deny (undecided)",
                (None, _) => "unreadable",
                (Some(Effect::Allow), None) => "Allow",
                (Some(Effect::Deny), None) => "Deny",
            },
            policy: m.policy_label(),
            statement: match &m.statement.sid {
                Some(sid) => format!("#{} {sid}", m.statement.index),
                None => format!("#{}", m.statement.index),
            },
            principal: m
                .principal
                .map(|p| format!("{p:?}").to_lowercase())
                .unwrap_or_default(),
            location: m.location_text(),
        })
        .collect();
    if rows.is_empty() {
        out.push_str("\nno statement applied\n");
    } else {
        out.push_str("\nstatements that applied:\n");
        out.push_str(&Table::new(rows).with(Style::rounded()).to_string());
        out.push('\n');
    }
    for m in resp
        .trace
        .matched
        .iter()
        .filter(|m| m.indeterminate.is_some())
    {
        if let Some(why) = &m.indeterminate {
            out.push_str(&format!("undecided: {}: {why}\n", m.location_text()));
        }
    }
    if !resp.trace.missing.is_empty() {
        out.push_str("\nmissing:\n");
        for r in &resp.trace.missing {
            out.push_str(&format!("  - {}\n", r.describe()));
        }
    }
    for n in &resp.trace.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

#[derive(Tabled)]
struct DiagnosticRow {
    #[tabled(rename = "where")]
    location: String,
    #[tabled(rename = "pointer")]
    pointer: String,
    #[tabled(rename = "code")]
    code: String,
    #[tabled(rename = "level")]
    level: &'static str,
    #[tabled(rename = "finding")]
    message: String,
}

/// Findings as a table: `where` (file:line:col), pointer, code and rule name, level, and the
/// message with its help and related places below it. Empty string for no findings.
pub fn diagnostics_table(diagnostics: &[crate::diagnostic::Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return String::new();
    }
    let rows: Vec<DiagnosticRow> = diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            for r in &d.related {
                message.push_str(&format!(
                    "\n{}: {} ({})",
                    r.message,
                    r.location.pointer_text(),
                    r.location
                ));
            }
            if let Some(h) = &d.help {
                message.push_str(&format!("\nhelp: {h}"));
            }
            DiagnosticRow {
                location: d.primary.to_string(),
                pointer: d.primary.pointer_text(),
                code: format!("{}\n{}", d.code, d.name),
                level: d.severity.as_str(),
                message,
            }
        })
        .collect();
    let mut out = Table::new(rows).with(Style::rounded()).to_string();
    out.push('\n');
    out
}

#[derive(Tabled)]
struct CheckRow {
    #[tabled(rename = "step")]
    step: String,
    #[tabled(rename = "who")]
    who: String,
    #[tabled(rename = "action on resource")]
    what: String,
    #[tabled(rename = "result")]
    result: String,
    #[tabled(rename = "why")]
    why: String,
}

/// The `check` report, as text: one row per action, then the fixes, then the verdict.
pub fn check_table(report: &crate::workflow::CheckReport) -> String {
    let mut out = super::check::header_text(report);
    let unknowns = report.unknowns();
    let rows: Vec<CheckRow> = report
        .outcomes
        .iter()
        .map(|o| CheckRow {
            step: match o.container {
                Some(c) => format!("{}\n(container {c})", o.step),
                None => o.step.clone(),
            },
            who: format!("{:?}", o.actor).to_lowercase(),
            what: format!("{}\n{}", o.action, o.resource),
            result: super::check::verdict_word(o).into(),
            why: super::check::why_cell(&unknowns, o),
        })
        .collect();
    out.push_str(&Table::new(rows).with(Style::rounded()).to_string());
    out.push('\n');
    out.push_str(&super::check::unknowns_text(report));
    let failed: Vec<&crate::workflow::Outcome> = report
        .outcomes
        .iter()
        .filter(|o| !o.fixes.is_empty())
        .collect();
    if !failed.is_empty() {
        out.push_str("\nfixes:\n");
        for o in failed {
            let container = o
                .container
                .map(|c| format!(" (container {c})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "\n- {}{container}: `{}` on `{}`\n",
                o.step, o.action, o.resource
            ));
            for f in &o.fixes {
                let file = f
                    .location
                    .as_ref()
                    .map(|l| format!(" [{}]", l.file))
                    .unwrap_or_default();
                out.push_str(&format!("  {}{file}\n", f.target));
                if let Some(st) = &f.statement {
                    let pretty = serde_json::to_string_pretty(st).unwrap_or_default();
                    for line in pretty.lines() {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
                if let Some(c) = &f.command {
                    out.push_str(&format!("      {c}\n"));
                }
                if let Some(n) = &f.note {
                    out.push_str(&format!("      ({n})\n"));
                }
            }
        }
    }
    let bad: Vec<&crate::workflow::Plausibility> = report
        .plausibility
        .iter()
        .filter(|p| p.ok != Some(true))
        .collect();
    if !bad.is_empty() {
        out.push_str("\nrequest and plausibility:\n");
        for p in bad {
            let mark = if p.ok == Some(false) {
                "FAIL"
            } else {
                "not verified"
            };
            let at =
                p.at.as_ref()
                    .map(|a| format!(" [{}: {}]", a.location.file, a.location.pointer_text()))
                    .unwrap_or_default();
            out.push_str(&format!("  - {mark}: {}{at}\n", p.message));
        }
    }
    out.push_str(&titled_lines(
        "policies AWS would reject:",
        report
            .policy_errors
            .iter()
            .map(|d| format!("- {} {}: {} ({})", d.code, d.name, d.message, d.primary)),
    ));
    out.push_str(&format!("\n{}\n", super::check::verdict_line(report)));
    out
}

/// Counts by code as rows of a summary table: code, name, level, count.
pub fn code_rows<'a>(
    counts: impl IntoIterator<Item = (&'a str, &'a str, crate::diagnostic::Severity, usize)>,
) -> Vec<Vec<String>> {
    counts
        .into_iter()
        .map(|(code, name, level, n)| {
            vec![
                code.to_owned(),
                name.to_owned(),
                level.as_str().to_owned(),
                n.to_string(),
            ]
        })
        .collect()
}

/// A blank line, `title` and each line indented by two spaces; nothing without lines.
pub fn titled_lines(title: &str, lines: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for l in lines {
        if out.is_empty() {
            out = format!("\n{title}\n");
        }
        out.push_str(&format!("  {l}\n"));
    }
    out
}

/// A table of plain rows under a header (`audit`'s summary, `diff`'s changes): the rounded
/// style of every other table.
pub fn simple_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut b = tabled::builder::Builder::default();
    b.push_record(header.iter().map(|h| (*h).to_owned()));
    for r in rows {
        b.push_record(r.iter().cloned());
    }
    let mut out = b.build().with(Style::rounded()).to_string();
    out.push('\n');
    out
}
