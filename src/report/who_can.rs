//! `xacct who-can`: the principals and their answers, as a table or JSON.

use std::io::Write;

use super::{schema, Format};
use crate::diagnostic::Diagnostic;
use crate::whocan::WhoCan;

/// The formats `xacct who-can` writes.
pub const FORMATS: &[Format] = &[Format::Table, Format::Json];

/// Writes the answer in `format`; JSON also lists the problems with the inputs.
pub fn render(
    w: &WhoCan,
    problems: &[Diagnostic],
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if format == Format::Json {
        let mut doc = serde_json::to_value(w).map_err(std::io::Error::from)?;
        if let Some(o) = doc.as_object_mut() {
            o.insert("schema_version".into(), schema::WHO_CAN.into());
            o.insert(
                "problems".into(),
                serde_json::to_value(problems).map_err(std::io::Error::from)?,
            );
        }
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
        return out.write_all(b"\n");
    }
    out.write_all(table(w).as_bytes())
}

/// How the table names a principal: `anonymous` is everyone.
fn principal_label(p: &str) -> String {
    if p == "anonymous" {
        "everyone (anonymous)".to_owned()
    } else {
        p.to_owned()
    }
}

fn table(w: &WhoCan) -> String {
    let (owner, org, rows) = (
        w.resource_account.as_deref(),
        w.resource_organization.as_deref(),
        &w.principals,
    );
    let width = super::term::get().width;
    let mut s = String::new();
    for line in [
        format!("who can {} on {}", w.action, w.resource),
        format!(
            "resource account: {}   organization: {}",
            owner.unwrap_or("unknown"),
            org.unwrap_or("unknown")
        ),
    ] {
        s.push_str(&super::term::fold(&line, width, 2));
        s.push('\n');
    }
    s.push('\n');
    for i in &w.incomplete {
        s.push_str(&super::term::fold(&format!("incomplete: {i}"), width, 2));
        s.push('\n');
    }
    if !w.incomplete.is_empty() {
        s.push('\n');
    }
    if rows.is_empty() {
        s.push_str("no principal in the inventory is allowed (and none is undecided)\n");
    } else {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    principal_label(&r.principal),
                    r.verdict.text().to_owned(),
                    r.marks.join(", "),
                    r.why.join("\n"),
                ]
            })
            .collect();
        s.push_str(&super::simple_table(
            &["principal", "verdict", "marks", "why"],
            &cells,
        ));
    }
    // Every unknown that could change an answer, once.
    let mut seen = std::collections::BTreeSet::new();
    let unknowns: Vec<String> = w
        .resource_unknowns
        .iter()
        .filter(|u| {
            (rows.is_empty() && u.could_change(crate::eval::Decision::ImplicitDeny))
                || rows.iter().any(|r| u.could_change(r.decision))
        })
        .chain(rows.iter().flat_map(|r| &r.unknowns))
        .filter(|u| seen.insert(u.message.clone()))
        .map(|u| u.message.clone())
        .collect();
    if !unknowns.is_empty() {
        s.push_str("\nwhat the inventory does not know, which could change these answers:\n");
        for u in unknowns {
            s.push_str(&super::term::fold(&format!("  - {u}"), width, 4));
            s.push('\n');
        }
    }
    s
}
