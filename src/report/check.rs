//! Renderers for `xacct check`: stable JSON, SARIF (each failed step a result at the policy
//! where the fix goes, or at the statement that denies), and the accounts-and-steps graph as
//! DOT or Mermaid (green allowed, red denied, grey not verified). The table is in
//! `report::table` ([`super::check_table`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::{json, Value};

use super::SCHEMA_VERSION;
use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::json::Pointer;
use crate::workflow::{CheckReport, Outcome, Status, Verdict};

/// The report as JSON, with `schema_version`.
pub fn check_json(report: &CheckReport) -> Value {
    let mut v = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("schema_version".into(), json!(SCHEMA_VERSION));
        m.insert(
            "summary".into(),
            json!({
                "allowed": report.count(|s| *s == Status::Allowed),
                "denied": report.count(|s| matches!(s, Status::Denied { .. })),
                "not_verified": report.count(|s| *s == Status::NotVerified),
            }),
        );
    }
    v
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
            o.reasons.join("; ")
        ),
        primary,
        related,
        help: (!help.is_empty()).then_some(help),
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
    crate::report::sarif::write_sarif(out, &diagnostics, &rules, &[], true)
}

fn account_of(arn_or_account: Option<&str>) -> String {
    arn_or_account.unwrap_or("unknown").to_owned()
}

/// Every principal and resource of the report, by account.
fn nodes_by_account(report: &CheckReport) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for o in &report.outcomes {
        out.entry(account_of(o.principal_account.as_deref()))
            .or_default()
            .insert(o.principal.clone());
        out.entry(account_of(o.resource_account.as_deref()))
            .or_default()
            .insert(o.resource.clone());
    }
    out
}

/// The accounts as clusters and each step's action as an edge from the actor's account to the
/// resource's: green allowed, red denied, grey not verified.
pub fn check_dot(report: &CheckReport) -> String {
    let mut s = String::from(
        "digraph xacct_check {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
    );
    for (i, (a, nodes)) in nodes_by_account(report).iter().enumerate() {
        let _ = writeln!(s, "  subgraph cluster_{i} {{\n    label=\"account {a}\";");
        for n in nodes {
            let _ = writeln!(s, "    \"{}\";", n.replace('"', "\\\""));
        }
        s.push_str("  }\n");
    }
    for o in &report.outcomes {
        let (color, style) = match o.status {
            Status::Allowed => ("green", "solid"),
            Status::Denied { .. } => ("red", "bold"),
            Status::NotVerified => ("grey", "dashed"),
        };
        let _ = writeln!(
            s,
            "  \"{}\" -> \"{}\" [label=\"{}: {}\", color={color}, style={style}];",
            o.principal.replace('"', "\\\""),
            o.resource.replace('"', "\\\""),
            o.step,
            o.action
        );
    }
    let _ = writeln!(
        s,
        "  label=\"{}: {}\";\n}}",
        report.scenario,
        verdict_text(report.verdict)
    );
    s
}

/// The same graph as Mermaid.
pub fn check_mermaid(report: &CheckReport) -> String {
    let mut s = String::from("flowchart LR\n");
    let mut ids: Vec<String> = Vec::new();
    let id = |name: &str, ids: &mut Vec<String>| -> String {
        match ids.iter().position(|n| n == name) {
            Some(i) => format!("n{i}"),
            None => {
                ids.push(name.to_owned());
                format!("n{}", ids.len() - 1)
            }
        }
    };
    for (a, nodes) in nodes_by_account(report) {
        let _ = writeln!(s, "  subgraph acct_{a}[\"account {a}\"]");
        for n in nodes {
            let i = id(&n, &mut ids);
            let _ = writeln!(s, "    {i}[\"{}\"]", n.replace('"', "#quot;"));
        }
        s.push_str("  end\n");
    }
    let mut styles = Vec::new();
    for (k, o) in report.outcomes.iter().enumerate() {
        let a = id(&o.principal, &mut ids);
        let b = id(&o.resource, &mut ids);
        let _ = writeln!(s, "  {a} -->|\"{}: {}\"| {b}", o.step, o.action);
        let color = match o.status {
            Status::Allowed => "green",
            Status::Denied { .. } => "red",
            Status::NotVerified => "grey",
        };
        styles.push(format!("  linkStyle {k} stroke:{color}"));
    }
    for line in styles {
        s.push_str(&line);
        s.push('\n');
    }
    s
}

/// The verdict in words.
pub fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Possible => "registration possible",
        Verdict::NotPossible => "registration NOT possible",
        Verdict::NotVerified => "registration NOT VERIFIED (data missing)",
    }
}
