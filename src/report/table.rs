//! The human-readable table. The only module that uses `tabled`. Every table is laid out by
//! [`finish`]: the rounded style, fitted to the terminal's width (each column at least as
//! wide as its longest word up to a limit, the wide ones sharing the rest; cells wrap at
//! spaces, longer words are cut) and, on a colour terminal, its verdict and level columns
//! coloured ([`super::term`]).

use tabled::grid::records::PeekableRecords;
use tabled::settings::{Color, Style};
use tabled::{Table, Tabled};

use super::term::{self, Tone};

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
        "decision:  {} — {}\n",
        resp.decision.as_str(),
        term::paint(verdict, Tone::of(verdict))
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
        out.push_str(&finish(Table::new(rows)));
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
    finish(Table::new(rows))
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
    finish(b.build())
}

/// The widest a column's floor is: a longer word (an ARN) is cut across lines.
const WORD: usize = 16;

/// The width of each column's cells when `natural` (each column's widest line) does not fit
/// in `avail`: each column starts at its `floor`, and the room left is shared by the
/// columns that want more, in proportion to the square root of their width (a column of
/// long sentences gets more room than one of names, without leaving the names a few
/// letters wide), none beyond its natural width.
fn column_widths(natural: &[usize], floor: &[usize], avail: usize) -> Vec<usize> {
    let weight: Vec<f64> = natural.iter().map(|&n| (n.max(1) as f64).sqrt()).collect();
    let mut w: Vec<usize> = floor
        .iter()
        .zip(natural)
        .map(|(f, n)| (*f).min(*n))
        .collect();
    // Too narrow for the floors: they shrink together.
    let floors: usize = w.iter().sum();
    if floors > avail {
        for x in &mut w {
            *x = (*x * avail / floors).max(1);
        }
    }
    let mut left = avail.saturating_sub(w.iter().sum());
    while left > 0 {
        let open: Vec<usize> = (0..w.len()).filter(|&i| w[i] < natural[i]).collect();
        if open.is_empty() {
            break;
        }
        let total: f64 = open.iter().map(|&i| weight[i]).sum();
        let mut given = 0;
        for &i in &open {
            let add = ((left as f64 * weight[i] / total) as usize).min(natural[i] - w[i]);
            w[i] += add;
            given += add;
        }
        if given == 0 {
            // Less than one column each: one to the widest wanting more.
            if let Some(&i) = open.iter().max_by_key(|&&i| natural[i] - w[i]) {
                w[i] += 1;
                given = 1;
            }
        }
        left -= given;
    }
    w
}

/// The columns whose cells are coloured by their words ([`Tone::of`]), by header.
const TONED: [&str; 4] = ["effect", "result", "level", "verdict"];

/// `table` in the house style, fitted to the terminal and coloured ([`term::get`]), with a
/// final newline.
pub fn finish(table: Table) -> String {
    let t = term::get();
    let (rows, cols) = (table.count_rows(), table.count_columns());
    let mut cells: Vec<Vec<String>> = (0..rows)
        .map(|row| {
            (0..cols)
                .map(|col| table.get_records().get_text((row, col).into()).to_owned())
                .collect()
        })
        .collect();
    if let Some(width) = t.width {
        let natural: Vec<usize> = (0..cols)
            .map(|col| {
                cells
                    .iter()
                    .flat_map(|r| r[col].lines())
                    .map(term::display_width)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // A column is never narrower than its longest word (up to `WORD`), nor than its
        // content when that is shorter.
        let floor: Vec<usize> = (0..cols)
            .map(|col| {
                let word = cells
                    .iter()
                    .flat_map(|r| r[col].split_whitespace())
                    .map(term::display_width)
                    .max()
                    .unwrap_or(0);
                word.clamp(6, WORD).min(natural[col])
            })
            .collect();
        // Each column takes `│ ` before its cell and ` ` after; the last `│` closes the row.
        let avail = width.saturating_sub(3 * cols + 1);
        if natural.iter().sum::<usize>() > avail {
            let widths = column_widths(&natural, &floor, avail);
            for row in &mut cells {
                for (cell, w) in row.iter_mut().zip(&widths) {
                    *cell = term::wrap(cell, *w);
                }
            }
        }
    }
    let mut b = tabled::builder::Builder::default();
    for r in &cells {
        b.push_record(r.iter().cloned());
    }
    let mut table = b.build();
    table.with(Style::rounded());
    if t.color {
        let mut paint: Vec<((usize, usize), anstyle::Style)> = Vec::new();
        for col in 0..cols {
            paint.push(((0, col), anstyle::Style::new().bold()));
            if !TONED.contains(&cells[0][col].trim()) {
                continue;
            }
            for (row, r) in cells.iter().enumerate().skip(1) {
                if let Some(tone) = Tone::of(&r[col]) {
                    paint.push(((row, col), tone.style()));
                }
            }
        }
        for (cell, style) in paint {
            table.modify(
                cell,
                Color::new(style.render().to_string(), style.render_reset().to_string()),
            );
        }
    }
    let mut out = table.to_string();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::column_widths;

    #[test]
    fn narrow_columns_keep_their_width_and_wide_ones_share_the_rest() {
        let w = column_widths(&[60, 12, 33, 35, 250], &[16, 12, 8, 16, 16], 84);
        assert_eq!(w[1], 12);
        assert_eq!(w.iter().sum::<usize>(), 84, "{w:?}");
        assert!(w[4] > w[0] && w[0] > 16, "{w:?}");
        assert_eq!(column_widths(&[5, 6], &[5, 6], 100), vec![5, 6]);
        let narrow = column_widths(&[23, 8, 73, 17, 95], &[16, 8, 16, 10, 16], 56);
        assert!(narrow.iter().sum::<usize>() <= 56, "{narrow:?}");
    }
}
