//! The render layer: every command's output, in every format it writes, from data the
//! commands computed. Nothing here decides anything or reads a file; each renderer takes the
//! data and writes to a `Write`.
//!
//! Last stage of the pipeline (load → model → evaluate / lint / audit → **report**). One
//! [`Format`] names every output format; each command declares the ones it writes
//! ([`formats`]). A new output format is a variant here and a function in the renderer of
//! each command that writes it; a new command is one renderer file here. JSON documents carry
//! a schema version per document type ([`schema`]).

pub mod audit;
pub mod check;
pub mod ci;
pub mod diagram;
pub mod diff;
pub mod github;
pub mod graph;
pub mod html;
pub mod junit;
pub mod lint;
pub mod rules;
pub mod sarif;
pub mod schema;
pub mod simulate;
mod table;
pub mod term;
pub mod who_can;

pub use check::text::check_table;
pub use table::{decision_table, diagnostics_table, simple_table};

/// Every output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A readable table or summary.
    Table,
    /// One JSON document with a schema version.
    Json,
    /// JSON Lines: one record a line.
    Jsonl,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// JUnit XML (test results in GitLab, Jenkins, Azure DevOps).
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 9] = [
        Format::Table,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Html,
        Format::Dot,
        Format::Mermaid,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Html => "html",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The `--format` parser of a command that writes `allowed`: `--help` lists exactly these
/// and any other value is a usage error.
pub fn formats(allowed: &'static [Format]) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(allowed.iter().map(|f| f.name()))
        .map(|name| Format::from_name(&name).unwrap_or(Format::Table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name("xml"), None);
    }
}
