//! `xacct diff`: access gained and lost, as a table (cross-account first; problems with the
//! inputs go to standard error, not here) or JSON.

use std::io::Write;

use serde_json::json;

use super::{schema, simple_table, Format};
use crate::diff::{Change, DiffReport};

/// The formats `xacct diff` writes.
pub const FORMATS: &[Format] = &[Format::Table, Format::Json];

/// Writes the comparison in `format`; `all` also lists access within one account, and
/// `exit_code` is what the summary states.
pub fn render(
    report: &DiffReport,
    all: bool,
    exit_code: u8,
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if format != Format::Json {
        return out.write_all(table(report, all, exit_code).as_bytes());
    }
    let doc = json!({
        "schema_version": schema::DIFF,
        "before": report.before,
        "after": report.after,
        "gained": report.gained,
        "lost": report.lost,
        "unevaluated": report.unevaluated,
        "summary": {
            "gained": report.gained.len(),
            "lost": report.lost.len(),
            "new_cross_account": report.new_cross_account(),
            "unevaluated": report.unevaluated.len(),
            "exit_code": exit_code,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

fn rows(changes: &[&Change]) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|c| {
            vec![
                c.scope.label().to_owned(),
                c.principal.clone(),
                format!(
                    "{}{}",
                    c.actions.join("\n"),
                    match (c.conditional, c.undecided) {
                        (_, true) => "\n(not verified: defective policy)",
                        (true, false) => "\n(conditional)",
                        (false, false) => "",
                    }
                ),
                c.resource.clone(),
                format!("{}\n{}", c.kind.label(), c.via.join("\n")),
            ]
        })
        .collect()
}

fn table(report: &DiffReport, all: bool, exit_code: u8) -> String {
    fn shown(list: &[Change], all: bool) -> Vec<&Change> {
        list.iter()
            .filter(|c| all || c.scope.is_cross_account())
            .collect()
    }
    let header = ["scope", "principal", "actions", "resource", "through"];
    let mut out = String::new();
    for (title, list) in [
        ("access gained", &report.gained),
        ("access lost", &report.lost),
    ] {
        let cross = list.iter().filter(|c| c.scope.is_cross_account()).count();
        let items = shown(list, all);
        out.push_str(&format!(
            "{title}: {} ({cross} cross-account)\n",
            list.len()
        ));
        if !items.is_empty() {
            out.push_str(&simple_table(&header, &rows(&items)));
        }
        let hidden = list.len() - items.len();
        if hidden > 0 {
            out.push_str(&format!(
                "  ({hidden} within one account not shown; --all lists them)\n"
            ));
        }
        out.push('\n');
    }
    let n = report.new_cross_account();
    let u = report.unevaluated.len();
    if u > 0 {
        out.push_str(&format!("could not be evaluated: {u}\n"));
        for e in &report.unevaluated {
            out.push_str(&format!("  {}: {} ({})\n", e.what, e.why, e.at));
        }
        out.push('\n');
    }
    if n > 0 {
        out.push_str(&format!("NEW cross-account or external access: {n}\n"));
    }
    if exit_code == 2 {
        out.push_str("NOT VERIFIED: some inputs could not be read (see the problems above)\n");
    } else if u > 0 {
        out.push_str(&format!(
            "NOT VERIFIED: {u} {} could not be evaluated\n",
            if u == 1 { "policy" } else { "policies" }
        ));
    } else if n == 0 {
        out.push_str("no new cross-account or external access\n");
    }
    out
}
