//! `xacct rules` and `xacct rule CODE`: the code registry, one code a line, and one code's
//! documentation.

use std::io::Write;

use serde::Serialize;

use super::Format;
use crate::diagnostic::codes::{self, RuleMeta, Status};
use crate::diagnostic::Severity;

/// The formats `xacct rules` and `xacct rule` write.
pub const FORMATS: &[Format] = &[Format::Table, Format::Json];

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    summary: &'a str,
    status: Status,
    since: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    docs: Option<&'a str>,
}

fn rule_json(m: &RuleMeta, docs: bool) -> RuleJson<'_> {
    RuleJson {
        code: m.code,
        name: m.name,
        severity: m.severity,
        summary: m.summary,
        status: m.status,
        since: m.since,
        docs: docs.then_some(m.docs),
    }
}

/// Writes the registry, one code a line (or as JSON).
pub fn list(format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    if format == Format::Json {
        let list: Vec<RuleJson<'_>> = codes::ALL.iter().map(|m| rule_json(m, false)).collect();
        serde_json::to_writer_pretty(&mut *out, &list).map_err(std::io::Error::from)?;
        return out.write_all(b"\n");
    }
    let width = codes::ALL.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let columns = super::term::get().width;
    // The summary continues under itself while its column is wide enough for a long word;
    // on a narrower terminal it goes under the code, indented.
    let code = codes::ALL.iter().map(|m| m.code.len()).max().unwrap_or(0);
    let indent = code + 2 + width + 2 + 7 + 2;
    let beside = columns.is_none_or(|c| c >= indent + SUMMARY_MIN);
    for m in codes::ALL {
        if beside {
            let line = format!(
                "{:<code$}  {:<width$}  {:<7}  {}",
                m.code,
                m.name,
                m.severity.as_str(),
                m.summary
            );
            writeln!(out, "{}", super::term::fit(&line, columns, indent))?;
        } else {
            let head = format!("{}  {}  {}", m.code, m.name, m.severity.as_str());
            writeln!(out, "{}", super::term::fit(&head, columns, 4))?;
            let summary = format!("        {}", m.summary);
            writeln!(out, "{}", super::term::fit(&summary, columns, 0))?;
        }
    }
    Ok(())
}

/// The narrowest summary column `xacct rules` keeps beside the names (the longest words
/// of the summaries, such as `ecr:GetDownloadUrlForLayer`, fit).
const SUMMARY_MIN: usize = 30;

/// Writes one code's documentation.
pub fn one(m: &RuleMeta, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &rule_json(m, true))
            .map_err(std::io::Error::from)?;
        return out.write_all(b"\n");
    }
    // The documentation starts with its `# CODE name` heading.
    let (heading, body) = m.docs.split_once("\n\n").unwrap_or(("", m.docs));
    write!(
        out,
        "{heading}\n\n{} (default severity: {}; since {})\n\n{body}",
        m.summary,
        m.severity.as_str(),
        m.since
    )
}
