//! SARIF 2.1.0 output for diagnostics: private serde structs for the parts of the format we
//! write, `tool.driver.rules` generated from a rule registry, and one result per diagnostic
//! with its file and line/column (from the JSON pointer) plus the pointer itself as a
//! logical location.
//!
//! Columns are counted in Unicode code points (`columnKind: unicodeCodePoints`), as
//! [`crate::source`] counts them. Paths are written as relative URIs (absolute paths as
//! `file://` URIs). The output is validated against the official schema in the tests.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::lint::RuleMeta;

/// The `$schema` written into every log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Markdown<'a>,
    help: Markdown<'a>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<SarifNotification>,
}

#[derive(Serialize)]
struct SarifNotification {
    level: &'static str,
    message: OwnedText,
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
}

#[derive(Serialize)]
struct Properties {
    help: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<OwnedText>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

/// A problem that kept a file from being checked (SARIF `toolExecutionNotifications`).
#[derive(Debug, Clone)]
pub struct Notification {
    /// The file or argument.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Characters kept as they are in a relative URI path.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A file path as a URI reference: relative paths stay relative, absolute ones become
/// `file://` URIs.
pub fn path_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let encoded = utf8_percent_encode(&p, PATH).to_string();
    if p.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn location(l: &Location, id: Option<usize>, message: Option<String>) -> SarifLocation {
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: path_uri(&l.file),
            },
            region: l.line.map(|start_line| Region {
                start_line,
                start_column: l.column,
            }),
        },
        logical_locations: vec![LogicalLocation {
            fully_qualified_name: l.pointer_text(),
            kind: "element",
        }],
        message: message.map(|text| OwnedText { text }),
    }
}

/// Writes a SARIF 2.1.0 log: `rules` become `tool.driver.rules` (in the order given), each
/// diagnostic a result, and `notifications` (inputs that could not be checked) mark the
/// invocation as unsuccessful.
pub fn write_sarif(
    out: &mut dyn std::io::Write,
    diagnostics: &[Diagnostic],
    rules: &[&RuleMeta],
    notifications: &[Notification],
    successful: bool,
) -> std::io::Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    let descriptors = rules
        .iter()
        .map(|r| Descriptor {
            id: r.code,
            name: r.name,
            short_description: Text { text: r.summary },
            full_description: Markdown {
                text: r.docs,
                markdown: r.docs,
            },
            help: Markdown {
                text: r.docs,
                markdown: r.docs,
            },
            default_configuration: Configuration {
                level: level(r.severity),
            },
        })
        .collect();
    let results = diagnostics
        .iter()
        .map(|d| SarifResult {
            rule_id: d.code,
            rule_index: rules.iter().position(|r| r.code == d.code),
            level: level(d.severity),
            message: OwnedText {
                text: d.message.clone(),
            },
            locations: vec![location(&d.primary, None, None)],
            related_locations: d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| location(&r.location, Some(i), Some(r.message.clone())))
                .collect(),
            properties: d.help.clone().map(|help| Properties { help }),
        })
        .collect();
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "xacct",
                    version,
                    semantic_version: version,
                    rules: descriptors,
                },
            },
            invocations: vec![Invocation {
                execution_successful: successful,
                tool_execution_notifications: notifications
                    .iter()
                    .map(|n| SarifNotification {
                        level: "error",
                        message: OwnedText {
                            text: n.message.clone(),
                        },
                        locations: vec![SarifLocation {
                            id: None,
                            physical_location: PhysicalLocation {
                                artifact_location: ArtifactLocation {
                                    uri: path_uri(&n.file),
                                },
                                region: None,
                            },
                            logical_locations: Vec::new(),
                            message: None,
                        }],
                    })
                    .collect(),
            }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_uri("fixtures/a b/x.json"), "fixtures/a%20b/x.json");
        assert_eq!(path_uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(path_uri("<stdin>"), "%3Cstdin%3E");
    }
}
