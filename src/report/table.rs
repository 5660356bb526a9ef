//! The human-readable table. The only module that uses `tabled`.

use tabled::settings::Style;
use tabled::{Table, Tabled};

use super::{policy_label, statement_location};
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
    let verdict = match resp.decision {
        Decision::Allow => "ALLOWED",
        Decision::ImplicitDeny => "DENIED (implicit: no required allow)",
        Decision::ExplicitDeny => "DENIED (explicit deny)",
    };
    out.push_str(&format!(
        "decision:  {} — {verdict}\n",
        resp.decision.as_str()
    ));
    if resp.is_indeterminate() {
        out.push_str("           indeterminate: some statement could not be decided; the answer fails closed\n");
    }
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
                (_, Some(_)) => "undecided",
                (Effect::Allow, None) => "Allow",
                (Effect::Deny, None) => "Deny",
            },
            policy: policy_label(m),
            statement: match &m.statement.sid {
                Some(sid) => format!("#{} {sid}", m.statement.index),
                None => format!("#{}", m.statement.index),
            },
            principal: m
                .principal
                .map(|p| format!("{p:?}").to_lowercase())
                .unwrap_or_default(),
            location: statement_location(m),
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
        out.push_str(&format!(
            "undecided: {}: {}\n",
            statement_location(m),
            m.indeterminate.as_deref().unwrap_or_default()
        ));
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
