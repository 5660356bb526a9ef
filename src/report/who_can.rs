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

fn table(w: &WhoCan) -> String {
    let (owner, org, rows) = (
        w.resource_account.as_deref(),
        w.resource_organization.as_deref(),
        &w.principals,
    );
    let mut s = format!(
        "who can {} on {}\nresource account: {}   organization: {}\n\n",
        w.action,
        w.resource,
        owner.unwrap_or("unknown"),
        org.unwrap_or("unknown")
    );
    if rows.is_empty() {
        s.push_str("no principal in the inventory is allowed (and none is undecided)\n");
        return s;
    }
    let headers = ["principal", "account", "verdict", "marks"];
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            [
                r.principal.clone(),
                r.account.clone().unwrap_or_else(|| "-".into()),
                r.verdict.text().to_owned(),
                r.marks.join(", "),
            ]
        })
        .collect();
    let mut width = headers.map(str::len);
    for c in &cells {
        for (w, v) in width.iter_mut().zip(c.iter()) {
            *w = (*w).max(v.chars().count());
        }
    }
    let line = |vals: [&str; 4]| {
        let mut l = String::new();
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(v);
            if i + 1 < vals.len() {
                l.push_str(&" ".repeat(width[i].saturating_sub(v.chars().count())));
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    s.push_str(&line(headers));
    s.push_str(&line(
        width.map(|w| "─".repeat(w)).each_ref().map(String::as_str),
    ));
    for (row, c) in rows.iter().zip(&cells) {
        s.push_str(&line(c.each_ref().map(String::as_str)));
        for w in &row.why {
            s.push_str(&format!("    · {w}\n"));
        }
    }
    s
}
