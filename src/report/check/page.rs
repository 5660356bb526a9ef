//! `check --format html`: the registration's page (steps by resource account, findings by
//! code, the registration drawn, the steps and the findings), built from the generic pieces
//! of [`crate::report::html`].

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{check_diagnostics, check_diagram, fix_text, step_name, verdict_line, verdict_word};
use crate::report::diagram::xml_escape as esc;
use crate::report::html::{
    by_code, controls, count, count_rows, counts_table, diagram_section, findings_table,
    level_cell, page, Row,
};
use crate::workflow::{CheckReport, Status};

/// `check --format html`.
pub fn check_page(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let items = crate::report::ci::items(&check_diagnostics(report));
    let rows: Vec<Row> = items.iter().map(Row::of_item).collect();
    // Per account: the steps on its resources.
    let mut accounts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for o in &report.outcomes {
        let a = o
            .resource_account
            .clone()
            .unwrap_or_else(|| "unknown".into());
        let i = match o.status {
            Status::Allowed => 0,
            Status::Denied { .. } => 1,
            Status::NotVerified => 2,
        };
        count(&mut accounts, a, i);
    }
    let account_rows = count_rows(accounts);
    let mut steps = String::from(
        r#"<table class="filterable" id="steps"><thead><tr><th>Result</th><th>Step</th><th>Who</th><th>Why</th><th>Fix</th></tr></thead><tbody>"#,
    );
    for o in &report.outcomes {
        let (lv, class) = match (&o.status, o.required) {
            (Status::Allowed, _) => ("info", "pass"),
            (Status::Denied { .. }, true) => ("error", "error"),
            _ => ("warning", "warning"),
        };
        let fix = fix_text(o);
        steps.push_str(&format!(
            r#"<tr data-level="{lv}">{}<td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>"#,
            level_cell(class, verdict_word(o)),
            esc(&step_name(o)),
            esc(&o.principal),
            esc(&o.reasons.iter().chain(&o.unknowns).map(String::as_str).collect::<Vec<_>>().join("\n")).replace('\n', "<br>"),
            if fix.is_empty() { String::new() } else { format!("<pre>{}</pre>", esc(fix.trim_end())) }
        ));
    }
    steps.push_str(&format!(
        r#"</tbody></table><p class="count" id="steps-count">{n} of {n} shown</p>"#,
        n = report.outcomes.len()
    ));
    let sections = vec![
        format!(
            r#"<section class="summary">{}{}</section>"#,
            counts_table(
                "Steps by resource account",
                &["account", "allowed", "denied", "not verified"],
                &account_rows
            ),
            counts_table(
                "Findings by code",
                &["code", "name", "level", "findings"],
                &by_code(&rows)
            ),
        ),
        diagram_section("The registration", Some(&check_diagram(report)), ""),
        controls(),
        format!(r#"<section><h2>Steps</h2>{steps}</section>"#),
        format!(
            r#"<section><h2>Findings</h2>{}</section>"#,
            findings_table("findings", &rows, false)
        ),
    ];
    let title = format!("xacct check: {}", report.title);
    page(out, &title, &verdict_line(report), &sections)
}
