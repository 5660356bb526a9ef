//! `audit --format html` and `check --format html`: one self-contained page to hand to an
//! account's owners. Inline style and script only (a content security policy forbids
//! anything else: the page loads nothing), so it opens from a file or an attachment:
//!
//! - a summary per account and per finding code;
//! - the registration drawn as SVG by [`super::diagram::svg`] (`check`: the steps between the
//!   accounts; `audit`: the registration paths it found);
//! - the findings (and, for `check`, the steps) in tables that a text box and a level
//!   filter, and a click on a column heading sorts; each row with where the statement is,
//!   what was found and the fix.
//!
//! The filter can be given in the address (`report.html#filter=XE0002&level=error`), which
//! is how the headless-browser test drives it. Every text is escaped with
//! [`super::diagram::xml_escape`].

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::ci::{help_uri, report_path, Item};
use super::diagram::{self, xml_escape as esc, Diagram, Edge, Line, Shape};
use crate::audit::finding::Finding;
use crate::audit::outcome::Tail;
use crate::diagnostic::Severity;

const STYLE: &str = r#"
:root { color-scheme: light; --err: #b42318; --warn: #b54708; --info: #175cd3; --ok: #067647; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1400px; padding: 0 24px 48px; color: #1d2939; }
header { border-bottom: 1px solid #d0d5dd; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 20px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.verdict { font-size: 16px; font-weight: 600; } .meta { color: #667085; font-size: 12px; }
.summary { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; width: 100%; } .summary table { width: auto; min-width: 320px; }
th, td { border-bottom: 1px solid #eaecf0; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; position: sticky; top: 0; }
table.filterable th { cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \25B2"; } th[aria-sort="descending"]::after { content: " \25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { margin: 4px 0 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; background: #f9fafb; padding: 6px; border-radius: 4px; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.level { font-weight: 600; text-transform: uppercase; font-size: 11px; }
.level-error { color: var(--err); } .level-warning { color: var(--warn); } .level-info { color: var(--info); } .level-pass { color: var(--ok); }
.controls { display: flex; gap: 12px; align-items: center; margin: 8px 0; position: sticky; top: 0; background: white; padding: 6px 0; z-index: 1; }
.controls input { flex: 1; max-width: 480px; padding: 6px 8px; border: 1px solid #d0d5dd; border-radius: 6px; }
.count { color: #667085; }
.diagram-box { overflow-x: auto; border: 1px solid #eaecf0; border-radius: 8px; padding: 8px; }
"#;

const SCRIPT: &str = r#"
(function () {
  "use strict";
  window.addEventListener("error", function (e) {
    document.body.setAttribute("data-errors", String(e.message));
  });
  var input = document.getElementById("filter");
  var level = document.getElementById("level");
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.filterable"));
  function apply() {
    var q = input.value.trim().toLowerCase();
    var lv = level.value;
    tables.forEach(function (t) {
      var rows = t.tBodies[0].rows;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) &&
          (!lv || r.getAttribute("data-level") === lv);
        r.hidden = !ok;
        if (ok) { shown++; }
      }
      var c = document.getElementById(t.id + "-count");
      if (c) { c.textContent = shown + " of " + rows.length + " shown"; }
    });
  }
  function key(row, col) {
    var cell = row.cells[col];
    return cell ? (cell.getAttribute("data-key") || cell.textContent.trim()) : "";
  }
  function sortBy(t, col, th) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(t.tBodies[0].rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      var nx = Number(x), ny = Number(y);
      var d = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? d : -d;
    });
    rows.forEach(function (r) { t.tBodies[0].appendChild(r); });
  }
  tables.forEach(function (t) {
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, col) {
      th.addEventListener("click", function () { sortBy(t, col, th); });
    });
  });
  input.addEventListener("input", apply);
  level.addEventListener("change", apply);
  var hash = window.location.hash.replace(/^#/, "");
  hash.split("&").forEach(function (part) {
    var kv = part.split("=");
    var v = decodeURIComponent(kv.slice(1).join("=") || "");
    if (kv[0] === "filter") { input.value = v; }
    if (kv[0] === "level") { level.value = v; }
  });
  apply();
  document.body.setAttribute("data-ready", "yes");
}());
"#;

/// One row of a findings table.
pub(super) struct Row {
    level: Severity,
    code: String,
    name: String,
    account: String,
    file: String,
    line: Option<usize>,
    pointer: String,
    message: String,
    fix: String,
}

impl Row {
    pub(super) fn of_item(i: &Item) -> Row {
        let d = &i.diagnostic;
        let mut message = d.message.clone();
        for r in &d.related {
            message.push_str(&format!("\n{}: {}", r.message, r.location));
        }
        Row {
            level: d.severity,
            code: d.code.to_owned(),
            name: d.name.to_owned(),
            account: i.account.clone().unwrap_or_default(),
            file: report_path(&d.primary.file).as_str().to_owned(),
            line: d.primary.line,
            pointer: d.primary.pointer_text(),
            message,
            fix: d.help.clone().unwrap_or_default(),
        }
    }
}

pub(super) fn level_cell(level: &str, shown: &str) -> String {
    format!(
        r#"<td><span class="level level-{level}">{}</span></td>"#,
        esc(shown)
    )
}

pub(super) fn findings_table(id: &str, rows: &[Row], with_account: bool) -> String {
    let mut o = format!(
        r#"<table class="filterable" id="{id}"><thead><tr><th>Level</th><th>Code</th>{}<th>Where</th><th>Finding</th><th>Fix</th></tr></thead><tbody>"#,
        if with_account { "<th>Account</th>" } else { "" }
    );
    for r in rows {
        let rank = rank(r.level);
        let at = match r.line {
            Some(l) => format!("{}:{l}", r.file),
            None => r.file.clone(),
        };
        o.push_str(&format!(
            r#"<tr data-level="{lv}">{level}<td><a href="{href}" title="{name}"><code>{code}</code></a><br>{name}</td>{account}<td data-key="{key}"><code>{at}</code><br><code>{pointer}</code></td><td>{message}</td><td>{fix}</td></tr>"#,
            lv = r.level.as_str(),
            level = level_cell(r.level.as_str(), r.level.as_str()).replacen("<td>", &format!(r#"<td data-key="{rank}">"#), 1),
            href = esc(&help_uri(&r.code)),
            code = esc(&r.code),
            name = esc(&r.name),
            account = if with_account {
                format!("<td>{}</td>", esc(&r.account))
            } else {
                String::new()
            },
            key = esc(&format!("{}:{:09}:{}", r.file, r.line.unwrap_or(0), r.pointer)),
            at = esc(&at),
            pointer = esc(&r.pointer),
            message = esc(&r.message).replace('\n', "<br>"),
            fix = if r.fix.is_empty() {
                String::new()
            } else {
                format!("<pre>{}</pre>", esc(&r.fix))
            },
        ));
    }
    o.push_str(&format!(
        r#"</tbody></table><p class="count" id="{id}-count">{n} of {n} shown</p>"#,
        n = rows.len()
    ));
    o
}

/// 0 for an error, 1 for a warning, 2 for an info: the column of a count, the sort key.
fn rank(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Adds one to the `i`th count of `account`.
pub(super) fn count(counts: &mut BTreeMap<String, [usize; 3]>, account: String, i: usize) {
    if let Some(n) = counts.entry(account).or_default().get_mut(i) {
        *n += 1;
    }
}

/// The counts as rows: the account, then its three counts.
pub(super) fn count_rows(counts: BTreeMap<String, [usize; 3]>) -> Vec<Vec<String>> {
    counts
        .into_iter()
        .map(|(a, c)| vec![a, c[0].to_string(), c[1].to_string(), c[2].to_string()])
        .collect()
}

/// A small table of counts under a heading.
pub(super) fn counts_table(title: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut o = format!("<div><h2>{}</h2><table><thead><tr>", esc(title));
    for h in header {
        o.push_str(&format!("<th>{}</th>", esc(h)));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i > 0 && c.parse::<usize>().is_ok() {
                r#" class="num""#
            } else {
                ""
            };
            o.push_str(&format!("<td{class}>{}</td>", esc(c)));
        }
        o.push_str("</tr>");
    }
    if rows.is_empty() {
        o.push_str(&format!(
            r#"<tr><td colspan="{}">none</td></tr>"#,
            header.len()
        ));
    }
    o.push_str("</tbody></table></div>");
    o
}

/// Rows of the per-code summary: code, name, level, count.
pub(super) fn by_code(rows: &[Row]) -> Vec<Vec<String>> {
    let mut m: BTreeMap<&str, (&str, Severity, usize)> = BTreeMap::new();
    for r in rows {
        m.entry(&r.code).or_insert((&r.name, r.level, 0)).2 += 1;
    }
    super::table::code_rows(m.into_iter().map(|(c, (n, l, k))| (c, n, l, k)))
}

/// Writes the page around its sections.
pub(super) fn page(
    out: &mut dyn Write,
    title: &str,
    verdict: &str,
    sections: &[String],
) -> io::Result<()> {
    write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="xacct {version}">
<title>{title}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>{title}</h1><p class="verdict">{verdict}</p><p class="meta">xacct {version}: offline, from exported policies; nothing here was fetched from AWS.</p></header>
"#,
        version = env!("CARGO_PKG_VERSION"),
        title = esc(title),
        verdict = esc(verdict),
    )?;
    for s in sections {
        out.write_all(s.as_bytes())?;
        out.write_all(b"\n")?;
    }
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")
}

pub(super) fn controls() -> String {
    r#"<div class="controls"><input id="filter" type="search" placeholder="Filter: a code, an account, an ARN, a file…" aria-label="Filter the tables"><label>Level <select id="level"><option value="">all</option><option value="error">error</option><option value="warning">warning</option><option value="info">info</option></select></label></div>"#.to_owned()
}

pub(super) fn diagram_section(title: &str, d: Option<&Diagram>, none: &str) -> String {
    match d {
        Some(d) => format!(
            r#"<section id="diagram"><h2>{}</h2><div class="diagram-box">{}</div></section>"#,
            esc(title),
            diagram::svg(d)
        ),
        None => format!(
            r#"<section id="diagram"><h2>{}</h2><p>{}</p></section>"#,
            esc(title),
            esc(none)
        ),
    }
}

/// The registration paths an audit found, as a diagram: each caller account's principal
/// and each model package group in its account, an edge a path (green possible, red not
/// possible, grey not verified); `None` when it found none.
fn registration_diagram(findings: &[Finding]) -> Option<Diagram> {
    let mut accounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut edges = Vec::new();
    for f in findings {
        let Some(r) = &f.registration else { continue };
        let caller = r
            .caller
            .clone()
            .unwrap_or_else(|| format!("account {}", r.caller_account));
        for (account, name) in [
            (&r.caller_account, &caller),
            (&r.registry_account, &r.group),
        ] {
            let nodes = accounts.entry(account.clone()).or_default();
            if !nodes.contains(name) {
                nodes.push(name.clone());
            }
        }
        let (color, line) = match r.verdict.as_str() {
            "possible" => ("green", Line::Solid),
            "not-possible" => ("red", Line::Bold),
            _ => ("grey", Line::Dashed),
        };
        edges.push((
            caller,
            r.group.clone(),
            format!("{} ({})", r.verdict, f.code),
            color,
            line,
        ));
    }
    if edges.is_empty() {
        return None;
    }
    let (clusters, ids) = diagram::account_clusters(accounts.into_iter().map(|(a, names)| {
        let nodes = names
            .into_iter()
            .map(|n| {
                let group = n.contains(":model-package-group/");
                (n, if group { Shape::Folder } else { Shape::Ellipse })
            })
            .collect();
        (a, nodes)
    }));
    let id = |n: &str| ids.get(n).cloned().unwrap_or_default();
    Some(Diagram {
        name: "xacct_audit".into(),
        title: Some("registration paths".into()),
        clusters,
        loose: Vec::new(),
        edges: edges
            .into_iter()
            .map(|(from, to, label, color, line)| Edge {
                from: id(&from),
                to: id(&to),
                label,
                tooltip: None,
                line,
                color,
                width: "1",
                arrow: "-->",
                highlight: None,
            })
            .collect(),
        font_sizes: None,
    })
}

/// `audit --format html` (and `audit merge --format html`).
pub fn audit_page(
    findings: &[Finding],
    tail: &Tail,
    fail_on: Severity,
    out: &mut dyn Write,
) -> io::Result<()> {
    let items: Vec<Item> = findings.iter().filter_map(Item::of_finding).collect();
    let rows: Vec<Row> = items.iter().map(Row::of_item).collect();
    let mut accounts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for r in &rows {
        let a = if r.account.is_empty() {
            "(organization)".into()
        } else {
            r.account.clone()
        };
        count(&mut accounts, a, rank(r.level));
    }
    let account_rows = count_rows(accounts);
    let problems: Vec<Row> = tail
        .problems
        .iter()
        .filter_map(Item::of_finding)
        .map(|i| Row::of_item(&i))
        .collect();
    let s = &tail.summary;
    let verdict = format!(
        "{} findings ({} errors, {} warnings, {} infos) in {} accounts, {} files; {} at or above `{fail_on}`; exit code {}",
        s.findings, s.errors, s.warnings, s.infos, s.accounts, s.files,
        rows.iter().filter(|r| r.level >= fail_on).count(),
        s.exit_code
    );
    let mut sections = vec![
        format!(
            r#"<section class="summary">{}{}</section>"#,
            counts_table(
                "Findings by account",
                &["account", "errors", "warnings", "infos"],
                &account_rows
            ),
            counts_table("Findings by code", &["code", "name", "level", "findings"], &by_code(&rows)),
        ),
        diagram_section(
            "Registration paths",
            registration_diagram(findings).as_ref(),
            "No registration path was found (no model package group policy opens one, and the audit file lists none).",
        ),
        controls(),
        format!(
            r#"<section><h2>Findings</h2>{}</section>"#,
            findings_table("findings", &rows, true)
        ),
    ];
    if !problems.is_empty() {
        sections.push(format!(
            r#"<section><h2>Problems with the inputs</h2>{}</section>"#,
            findings_table("problems", &problems, true)
        ));
    }
    page(out, "xacct audit", &verdict, &sections)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Location};

    #[test]
    pub(super) fn findings_tables_escape_and_count() {
        let mut d = Diagnostic::new(
            &crate::diagnostic::codes::UNRENDERED_TEMPLATE_PLACEHOLDER,
            Location::new("a<b>.json".into(), crate::json::Pointer::root()),
            "`<script>`",
        );
        d.help = Some("fix & go".into());
        let rows = vec![Row::of_item(&Item::of_diagnostic(&d))];
        let t = findings_table("findings", &rows, false);
        assert!(
            t.contains("&lt;script&gt;") && !t.contains("<script>"),
            "{t}"
        );
        assert!(t.contains("<pre>fix &amp; go</pre>"), "{t}");
        assert!(t.contains(r#"<p class="count" id="findings-count">1 of 1 shown</p>"#));
        assert!(t.contains(r#"data-level="error""#));
    }
}
