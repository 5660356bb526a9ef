//! SARIF 2.1.0 for every command that writes findings (`lint`, `check`, `audit`, `diff`), in
//! the shape GitHub code scanning ingests: private serde structs for the parts of the format
//! we write, `tool.driver.rules` from the one code registry (each with `helpUri`, the code's
//! page `docs/rules/CODE.md`), and one result per finding with
//!
//! - `partialFingerprints` from the finding's stable id ([`super::ci::Item`]), so that an
//!   alert is the same alert from run to run and is never duplicated;
//! - its file as a relative URI under `uriBaseId` `%SRCROOT%` (the directory xacct ran in,
//!   declared in `originalUriBaseIds`); files outside it as absolute `file://` URIs;
//! - a region at the line and column of the element the finding names, and the JSON pointer
//!   as a logical location; line 1 only for a finding about a whole file;
//! - `fixes` where the fix is a text change whose place is known (a misspelt action, service
//!   prefix, condition operator or grant operation: the string, quotes included, and the one
//!   to write instead).
//!
//! GitHub's documented limits hold ([`MAX_RESULTS`], [`MAX_LOCATIONS`], at most
//! [`MAX_TAGS`] tags a rule, one run a log): past them the most serious results are kept and
//! a tool notification says how many were left out. Columns are counted in Unicode code
//! points (`columnKind`). The output is validated against the official schema and GitHub's
//! rules in the tests (`tests/sarif.rs`).

use std::collections::HashMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use super::ci::{help_uri, report_path, Item, ReportPath};
use crate::diagnostic::{Diagnostic, Location, RuleMeta, Severity, DOC_SECTIONS};

/// The `$schema` written into every log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base of every relative URI: the directory xacct ran in.
pub const SRCROOT: &str = "%SRCROOT%";

/// The key of the stable id in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "xacctFindingId/v1";

/// GitHub code scanning: results a run may have.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub code scanning: locations (primary and related) a result may have before the
/// display drops some.
pub const MAX_LOCATIONS: usize = 100;

/// GitHub code scanning: tags a rule may have before the display drops some.
pub const MAX_TAGS: usize = 10;

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
    original_uri_base_ids: HashMap<&'static str, BaseId>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct BaseId {
    description: OwnedText,
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
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: OwnedText,
    help_uri: String,
    help: Markdown<'a>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
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
    partial_fingerprints: HashMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Fix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
}

/// A finding's fix as a text change (`fixes`): one replacement in the finding's own file.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix {
    description: OwnedText,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<SarifReplacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement {
    deleted_region: DeletedRegion,
    inserted_content: OwnedText,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct ResultProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<String>,
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
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
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

/// Characters kept as they are in a URI path.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A file as an artifact location: a relative URI under [`SRCROOT`], or an absolute
/// `file://` URI for a file outside the directory xacct ran in.
fn artifact(file: &str) -> ArtifactLocation {
    match report_path(file) {
        ReportPath::Relative(p) => ArtifactLocation {
            uri: utf8_percent_encode(&p, PATH).to_string(),
            uri_base_id: Some(SRCROOT),
        },
        ReportPath::Absolute(p) => {
            let encoded = utf8_percent_encode(&p, PATH).to_string();
            let slash = if p.starts_with('/') { "" } else { "/" };
            ArtifactLocation {
                uri: format!("file://{slash}{encoded}"),
                uri_base_id: None,
            }
        }
    }
}

fn location(l: &Location, id: Option<usize>, message: Option<String>) -> SarifLocation {
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&l.file),
            // GitHub places a result by its region; a whole file (or a place the text did
            // not give a line for) is its first line.
            region: Some(Region {
                start_line: l.line.unwrap_or(1),
                start_column: l.line.and(l.column),
            }),
        },
        logical_locations: vec![LogicalLocation {
            fully_qualified_name: l.pointer_text(),
            kind: "element",
        }],
        message: message.map(|text| OwnedText { text }),
    }
}

/// The text of the "What it does" section of a code's page, on one line.
fn what_it_does(r: &RuleMeta) -> String {
    let body = r
        .docs
        .split_once(DOC_SECTIONS[0])
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let end = body.find("\n## ").unwrap_or(body.len());
    let text = body[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        r.summary.to_owned()
    } else {
        text
    }
}

fn tags(r: &RuleMeta) -> Vec<&'static str> {
    let family = match r.family() {
        "XA" => "lint",
        "XC" => "check",
        "XE" | "XR" => "audit",
        _ => "input",
    };
    let mut t = vec!["aws", "iam", family];
    if matches!(r.family(), "XE" | "XR" | "XC") {
        t.push("security");
    }
    t.truncate(MAX_TAGS);
    t
}

fn descriptor<'a>(r: &'a RuleMeta) -> Descriptor<'a> {
    Descriptor {
        id: r.code,
        name: r.name,
        short_description: Text { text: r.summary },
        full_description: OwnedText {
            text: what_it_does(r),
        },
        help_uri: help_uri(r.code),
        help: Markdown {
            text: r.docs,
            markdown: r.docs,
        },
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: RuleProperties { tags: tags(r) },
    }
}

/// The fingerprint of each item: its stable id, made unique within the log (two findings
/// with one id, in files that only the part before the account folder tells apart, get the
/// file's path added).
fn fingerprints(items: &[&Item]) -> Vec<String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for i in items {
        *count.entry(i.id.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .map(|i| {
            let base = if count.get(i.id.as_str()).copied().unwrap_or(0) > 1 {
                let l = &i.diagnostic.primary;
                let path = report_path(&l.file);
                let h = crate::audit::finding::fnv1a(&[path.as_str(), &l.pointer_text()]);
                format!("{}/{h:016x}", i.id)
            } else {
                i.id.clone()
            };
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base}/{n}")
            }
        })
        .collect()
}

/// The items a run keeps: all of them up to [`MAX_RESULTS`]; past it the most serious, in
/// their order.
fn kept(items: &[Item]) -> Vec<&Item> {
    if items.len() <= MAX_RESULTS {
        return items.iter().collect();
    }
    let mut floor = Severity::Info;
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        let n = items.iter().filter(|i| i.diagnostic.severity >= s).count();
        floor = s;
        if n >= MAX_RESULTS {
            break;
        }
    }
    let mut out: Vec<&Item> = items
        .iter()
        .filter(|i| i.diagnostic.severity > floor)
        .collect();
    let room = MAX_RESULTS - out.len();
    let mut at_floor = items
        .iter()
        .filter(|i| i.diagnostic.severity == floor)
        .take(room);
    let mut chosen: Vec<&Item> = Vec::with_capacity(MAX_RESULTS);
    // Merge back into the items' order.
    let mut next_floor = at_floor.next();
    let mut above = out.drain(..).peekable();
    for i in items {
        if above.peek().is_some_and(|a| std::ptr::eq(*a, i)) {
            chosen.extend(above.next());
        } else if next_floor.is_some_and(|f| std::ptr::eq(f, i)) {
            chosen.push(i);
            next_floor = at_floor.next();
        }
    }
    chosen
}

/// The fix of `d` when it is a text change whose place in the file is known: the old string,
/// quotes included, becomes the new one as JSON writes it.
fn fix(d: &Diagnostic) -> Option<Fix> {
    let r = d.replacement.as_ref()?;
    let span = r.span?;
    let inserted = serde_json::to_string(&r.text).ok()?;
    Some(Fix {
        description: OwnedText {
            text: format!("write `{}`", r.text),
        },
        artifact_changes: vec![ArtifactChange {
            artifact_location: artifact(&d.primary.file),
            replacements: vec![SarifReplacement {
                deleted_region: DeletedRegion {
                    start_line: span.start.0,
                    start_column: span.start.1,
                    end_line: span.end.0,
                    end_column: span.end.1,
                },
                inserted_content: OwnedText { text: inserted },
            }],
        }],
    })
}

fn result(item: &Item, fingerprint: String, rules: &[&RuleMeta]) -> SarifResult {
    let d = &item.diagnostic;
    let mut text = d.message.clone();
    if let Some(h) = d.help.as_deref().filter(|h| !h.is_empty()) {
        text.push_str("\n\nhelp: ");
        text.push_str(h);
    }
    SarifResult {
        rule_id: d.code,
        rule_index: rules.iter().position(|r| r.code == d.code),
        level: level(d.severity),
        message: OwnedText { text },
        locations: vec![location(&d.primary, None, None)],
        related_locations: d
            .related
            .iter()
            .take(MAX_LOCATIONS - 1)
            .enumerate()
            .map(|(i, r)| location(&r.location, Some(i), Some(r.message.clone())))
            .collect(),
        partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, fingerprint)]),
        fixes: fix(d).into_iter().collect(),
        properties: item.account.clone().map(|account| ResultProperties {
            account: Some(account),
        }),
    }
}

/// Writes a SARIF 2.1.0 log: `rules` become `tool.driver.rules` (in the order given), each
/// item a result, and `notifications` (inputs that could not be checked) tool execution
/// notifications; `successful` is false when the command could not run on every input.
pub fn write_sarif(
    out: &mut dyn std::io::Write,
    items: &[Item],
    rules: &[&RuleMeta],
    notifications: &[Notification],
    successful: bool,
) -> std::io::Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    let kept = kept(items);
    let prints = fingerprints(&kept);
    let mut notes: Vec<SarifNotification> = notifications
        .iter()
        .map(|n| SarifNotification {
            level: "error",
            message: OwnedText {
                text: n.message.clone(),
            },
            locations: vec![SarifLocation {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&n.file),
                    region: None,
                },
                logical_locations: Vec::new(),
                message: None,
            }],
        })
        .collect();
    if kept.len() < items.len() {
        notes.push(SarifNotification {
            level: "warning",
            message: OwnedText {
                text: format!(
                    "{} of {} findings are in this log: code scanning takes at most {MAX_RESULTS} results a run, so the most serious are kept (the JSON output lists all)",
                    kept.len(),
                    items.len()
                ),
            },
            locations: Vec::new(),
        });
    }
    let results = kept
        .iter()
        .zip(prints)
        .map(|(i, p)| result(i, p, rules))
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
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: rules.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: successful,
                tool_execution_notifications: notes,
            }],
            original_uri_base_ids: HashMap::from([(
                SRCROOT,
                BaseId {
                    description: OwnedText {
                        text: "The directory xacct ran in: relative paths in this log are relative to it (the repository's root in CI).".into(),
                    },
                },
            )]),
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
    use crate::diagnostic::codes::{DUPLICATE_SID, INVALID_JSON};
    use crate::diagnostic::Diagnostic;

    fn item(code: &'static RuleMeta, file: &str, msg: &str) -> Item {
        Item::of_diagnostic(&Diagnostic::in_file(code, file, None, msg))
    }

    #[test]
    fn uris() {
        let a = artifact("fixtures/a b/x.json");
        assert_eq!(a.uri, "fixtures/a%20b/x.json");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        let a = artifact("/nowhere-near/x.json");
        assert_eq!(a.uri, "file:///nowhere-near/x.json");
        assert_eq!(a.uri_base_id, None);
        assert_eq!(artifact("<stdin>").uri, "%3Cstdin%3E");
    }

    #[test]
    fn fingerprints_are_unique_in_a_log() {
        let a = item(&INVALID_JSON, "a/p.json", "m");
        let b = item(&INVALID_JSON, "b/p.json", "m");
        assert_eq!(a.id, b.id, "the stable path is the file name");
        let c = a.clone();
        let prints = fingerprints(&[&a, &b, &c]);
        assert_ne!(prints[0], prints[1]);
        assert_ne!(prints[0], prints[2]);
        assert!(prints.iter().all(|p| p.starts_with(&a.id)), "{prints:?}");
        let alone = fingerprints(&[&a]);
        assert_eq!(alone, vec![a.id.clone()]);
    }

    #[test]
    fn past_the_limit_the_most_serious_results_are_kept_in_order() {
        let mut items = Vec::new();
        for i in 0..MAX_RESULTS + 10 {
            let code = if i % 2 == 0 {
                &INVALID_JSON
            } else {
                &DUPLICATE_SID
            };
            items.push(item(code, &format!("f{i}.json"), "m"));
        }
        let k = kept(&items);
        assert_eq!(k.len(), MAX_RESULTS);
        let errors = k
            .iter()
            .filter(|i| i.diagnostic.severity == Severity::Error)
            .count();
        assert_eq!(errors, items.len().div_ceil(2), "every error is kept");
        let positions: Vec<usize> = k
            .iter()
            .map(|i| items.iter().position(|j| std::ptr::eq(*i, j)).unwrap_or(0))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "order kept");
        let mut out = Vec::new();
        write_sarif(
            &mut out,
            &items,
            &[&INVALID_JSON, &DUPLICATE_SID],
            &[],
            true,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v["runs"][0]["results"].as_array().unwrap().len(),
            MAX_RESULTS
        );
        let note = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
        assert!(note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("25000 of 25010 findings"));
    }

    #[test]
    fn related_locations_stay_within_the_limit() {
        let mut d = Diagnostic::in_file(&INVALID_JSON, "a.json", None, "m");
        for i in 0..150 {
            d.related.push(crate::diagnostic::Related {
                location: Location::new(format!("r{i}.json").into(), crate::json::Pointer::root()),
                message: "r".into(),
            });
        }
        let r = result(&Item::of_diagnostic(&d), "x".into(), &[]);
        assert_eq!(r.locations.len() + r.related_locations.len(), MAX_LOCATIONS);
    }

    #[test]
    fn every_rule_has_its_page_and_few_tags() {
        for r in crate::diagnostic::codes::ALL {
            let d = descriptor(r);
            assert!(d.help_uri.ends_with(&format!("docs/rules/{}.md", r.code)));
            assert!(!d.full_description.text.is_empty() && !d.full_description.text.contains('\n'));
            assert!(d.properties.tags.len() <= MAX_TAGS);
        }
    }
}
