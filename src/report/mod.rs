//! Rendering: decisions and traces as a readable table or as JSON.
//!
//! Last stage of the pipeline (load → model → graph → evaluate / lint → **report**). Every
//! renderer takes the same data and writes to a `Write`; nothing here decides anything.

pub mod check;
mod json;
pub mod sarif;
mod table;

pub use json::{decision_json, SCHEMA_VERSION};
pub use table::{check_table, decision_table, diagnostics_table, simple_table};

use crate::eval::{Matched, Principal};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table.
    Table,
    /// JSON with a schema version.
    Json,
    /// SARIF 2.1.0 (for findings: `lint`).
    Sarif,
}

/// Where a matched statement lives, for humans: `file: /pointer` or the policy name.
pub fn statement_location(m: &Matched<'_>) -> String {
    let origin = &m.policy.origin;
    match &origin.file {
        Some(_) => origin.location(&m.statement.pointer).to_string(),
        None => format!(
            "{}: {}",
            origin.name.as_deref().unwrap_or("-"),
            m.statement.pointer
        ),
    }
}

/// The policy's label with its level or index: `SCP level 1`, `identity policy 2`.
pub fn policy_label(m: &Matched<'_>) -> String {
    let kind = m.at.kind.label();
    let name = m
        .policy
        .origin
        .name
        .as_deref()
        .map(|n| format!(" `{n}`"))
        .unwrap_or_default();
    match m.at.level {
        Some(level) => format!("{kind} level {level}{name}"),
        None => format!("{kind}{name}"),
    }
}

/// The principal as written for display.
pub fn principal_text(p: &Principal) -> String {
    p.display()
}
