//! `xacct check` as text: one row per step (its decision apart from what could still change
//! it), then the fixes, what the request and its plausibility checks found, the policies AWS
//! would reject, and the verdict.

use tabled::{Table, Tabled};

use super::{header_text, unknowns_text, verdict_line, verdict_word, why_cell};
use crate::report::table::{finish, titled_lines};

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
    let mut out = header_text(report);
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
            result: verdict_word(o).into(),
            why: why_cell(&unknowns, o),
        })
        .collect();
    out.push_str(&finish(Table::new(rows)));
    out.push_str(&unknowns_text(report));
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
                if let Some(st) = f.statement.as_ref().or(f.condition.as_ref()) {
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
    out.push_str(&format!("\n{}\n", verdict_line(report)));
    fit_text(&out)
}

/// The text around the tables fitted to the terminal's width (the tables are already):
/// prose folded with a hanging indent, words wider than a line cut, AWS CLI commands
/// continued with ` \\`.
pub fn fit_text(text: &str) -> String {
    use crate::report::term;
    let width = term::get().width;
    if width.is_none() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim_start();
        let fitted = if body.starts_with(['╭', '│', '├', '╰']) {
            body.to_owned()
        } else if trimmed.starts_with("aws ") {
            term::fit_command(body, width, 4)
        } else {
            term::fit(body, width, 2)
        };
        out.push_str(&fitted);
        out.push_str(end);
    }
    out
}
