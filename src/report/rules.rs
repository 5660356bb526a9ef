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
    for m in codes::ALL {
        let line = format!(
            "{}  {:<width$}  {:<7}  {}",
            m.code,
            m.name,
            m.severity.as_str(),
            m.summary
        );
        // A long summary continues under itself.
        let indent = m.code.len() + 2 + width + 2 + 7 + 2;
        writeln!(out, "{}", super::term::fold(&line, columns, indent))?;
    }
    Ok(())
}

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
