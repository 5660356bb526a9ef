//! `xacct lint`: policy validation with stable rule codes.
//!
//! The lint stage of the pipeline (load → model → **lint** → report). This module owns the
//! [`Rule`] trait, the [`RuleMeta`] every rule carries (code, kebab-case name, default
//! severity, summary, documentation), the registry [`RULES`], and the run: [`lint`] reads
//! the inputs ([`input`]), decides each document's kind, builds the views rules read
//! ([`doc`]), runs the enabled rules ([`selector`]), applies suppressions ([`config`]) and
//! returns a sorted [`LintReport`]. Rendering is [`crate::report`]'s job.
//!
//! Codes: `XA01xx` errors (AWS rejects the policy, or it cannot work as written), `XA02xx`
//! warnings, `XA03xx` info, `XA09xx` findings about the run itself (configuration,
//! unrecognized files). A code is never reused for another meaning.

pub mod config;
pub mod doc;
pub mod input;
mod locate;
pub mod rules;
pub mod selector;

use std::io::Read;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use self::config::Config;
use self::doc::{DocKind, GrantDoc, PolicyDoc};
use self::input::{Carrier, FileClass, KindSource};
use self::selector::RuleSelection;
use crate::awsdata::{catalog, Catalog};
use crate::diagnostic::{self, Diagnostic, Location, Related, Severity};
use crate::error::Error;
use crate::json::{Json, Pointer};
use crate::policy::{Origin, Policy, PolicyKind};

/// What every rule declares about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code, `XA` and four digits.
    pub code: &'static str,
    /// Kebab-case name of the pattern the rule flags.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what is flagged.
    pub summary: &'static str,
    /// Markdown with the sections "What it does", "Why is this bad?", "Example",
    /// "Use instead" and "References".
    pub docs: &'static str,
}

/// The sections every rule's documentation has, in order.
pub const DOC_SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

/// One lint rule. A rule reads one document (or one KMS grant) and reports findings; it
/// never decides severity, suppression or output.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Checks one policy document.
    fn check_policy(&self, _doc: &PolicyDoc<'_>, _out: &mut Findings) {}

    /// Checks one KMS grant.
    fn check_grant(&self, _grant: &GrantDoc<'_>, _out: &mut Findings) {}
}

/// Every rule, sorted by code.
pub const RULES: &[&dyn Rule] = &[
    &rules::xa0100_invalid_json::InvalidJson,
    &rules::xa0101_invalid_policy_grammar::InvalidPolicyGrammar,
    &rules::xa0102_unknown_condition_operator::UnknownConditionOperator,
    &rules::xa0103_unknown_service_prefix::UnknownServicePrefix,
    &rules::xa0104_unknown_action::UnknownAction,
    &rules::xa0105_bucket_policy_action_applies_to_no_resource::BucketPolicyActionAppliesToNoResource,
    &rules::xa0106_resource_not_an_arn::ResourceNotAnArn,
    &rules::xa0107_unrendered_template_placeholder::UnrenderedTemplatePlaceholder,
    &rules::xa0108_principal_in_identity_policy::PrincipalInIdentityPolicy,
    &rules::xa0109_resource_policy_without_principal::ResourcePolicyWithoutPrincipal,
    &rules::xa0110_grant_grantee_not_a_principal_arn::GrantGranteeNotAPrincipalArn,
    &rules::xa0111_policy_exceeds_size_limit::PolicyExceedsSizeLimit,
    &rules::xa0201_allow_with_not_element::AllowWithNotElement,
    &rules::xa0202_wildcard_principal_without_condition::WildcardPrincipalWithoutCondition,
    &rules::xa0203_for_all_values_without_null_check::ForAllValuesWithoutNullCheck,
    &rules::xa0204_condition_operator_cardinality_mismatch::ConditionOperatorCardinalityMismatch,
    &rules::xa0205_action_applies_to_no_resource::ActionAppliesToNoResource,
    &rules::xa0206_condition_key_not_supported_by_actions::ConditionKeyNotSupportedByActions,
    &rules::xa0207_key_policy_without_iam_delegation::KeyPolicyWithoutIamDelegation,
    &rules::xa0208_principal_is_unique_id::PrincipalIsUniqueId,
    &rules::xa0209_ecr_pull_without_layer_download::EcrPullWithoutLayerDownload,
    &rules::xa0210_ecr_describe_wildcard_for_pull::EcrDescribeWildcardForPull,
    &rules::xa0211_wildcard_only_action_on_specific_resource::WildcardOnlyActionOnSpecificResource,
    &rules::xa0212_duplicate_sid::DuplicateSid,
    &rules::xa0213_missing_or_outdated_version::MissingOrOutdatedVersion,
    &rules::xa0301_redundant_action::RedundantAction,
    &rules::xa0302_redundant_resource::RedundantResource,
    &rules::xa0303_redundant_statement::RedundantStatement,
    &rules::xa0900_unmatched_suppression::UnmatchedSuppression,
    &rules::xa0901_unrecognized_file::UnrecognizedFile,
];

/// The rule with this code or name (case-insensitive code).
pub fn find_rule(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name == code_or_name
    })
}

/// One finding as a rule reports it; the run adds code, severity and location.
#[derive(Debug, Clone)]
pub struct Finding {
    rule: &'static RuleMeta,
    pointer: Pointer,
    message: String,
    help: Option<String>,
    related: Vec<(Pointer, String)>,
}

impl Finding {
    /// Adds how to fix it.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Finding {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place in the same document.
    pub fn related(&mut self, pointer: Pointer, message: impl Into<String>) -> &mut Finding {
        self.related.push((pointer, message.into()));
        self
    }
}

/// Where rules put findings.
#[derive(Debug)]
pub struct Findings {
    rule: &'static RuleMeta,
    items: Vec<Finding>,
}

impl Findings {
    fn new(rule: &'static RuleMeta) -> Findings {
        Findings {
            rule,
            items: Vec::new(),
        }
    }

    /// Reports a finding at `pointer` (lowercase message, user input in backticks, no final
    /// period).
    pub fn report(&mut self, pointer: Pointer, message: impl Into<String>) -> &mut Finding {
        self.items.push(Finding {
            rule: self.rule,
            pointer,
            message: message.into(),
            help: None,
            related: Vec::new(),
        });
        // INVARIANT: the vector is not empty, an item was just pushed.
        let last = self.items.len() - 1;
        &mut self.items[last]
    }
}

/// What `lint` was asked to do, resolved from flags and the configuration file.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// `--kind`: the kind of every policy document (structural exports keep theirs).
    pub kind: Option<DocKind>,
    /// Enabled rules and severities.
    pub selection: RuleSelection,
    /// Suppressions (and the config file they came from).
    pub config: Config,
    /// Worker threads; `Some(1)` runs sequentially, `None` uses every core.
    pub threads: Option<usize>,
}

/// A document found in a file, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// Where it is (`/Policy` or `/Policy#` for a policy carried as a string).
    pub pointer: String,
    /// Its kind.
    pub kind: DocKind,
    /// What decided the kind.
    pub kind_from: KindSource,
}

/// One input file, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The path.
    pub file: Arc<str>,
    /// Policy documents linted.
    pub documents: Vec<DocumentInfo>,
    /// KMS grants linted.
    #[serde(skip_serializing_if = "is_zero")]
    pub grants: usize,
    /// Why the file was not linted, for known exports that hold no policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The file (or a policy text in it) is not JSON: it could not be linted.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub invalid_json: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A file that could not be read at all.
#[derive(Debug, Clone, Serialize)]
pub struct InputError {
    /// The path or argument.
    pub file: String,
    /// Why.
    pub message: String,
}

/// The result of a lint run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LintReport {
    /// Every input file, in path order.
    pub files: Vec<FileReport>,
    /// Findings, sorted, suppressions removed.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings removed by suppressions.
    #[serde(skip)]
    pub suppressed: usize,
    /// Inputs that could not be read.
    pub input_errors: Vec<InputError>,
}

impl LintReport {
    /// Whether some input could not be linted (unreadable, or not JSON): exit 2.
    pub fn could_not_run(&self) -> bool {
        !self.input_errors.is_empty() || self.files.iter().any(|f| f.invalid_json)
    }
}

/// Lints the files, directories and globs in `args` (`-` for standard input).
///
/// Inputs that cannot be read are listed in [`LintReport::input_errors`] and do not stop
/// the others. `Err` only when nothing can run at all (AWS's action data fails to load, or
/// the thread pool cannot start).
pub fn lint(args: &[String], opts: &LintOptions) -> Result<LintReport, Error> {
    let catalog =
        catalog().map_err(|e| Error::Usage(format!("cannot load AWS action data: {e}")))?;
    let (paths, errors) = input::discover(args);
    let mut report = LintReport {
        input_errors: errors
            .into_iter()
            .map(|(file, message)| InputError { file, message })
            .collect(),
        ..LintReport::default()
    };
    let mut stdin_text = None;
    if paths.iter().any(|p| p == "-") {
        let mut s = String::new();
        match std::io::stdin().read_to_string(&mut s) {
            Ok(_) => stdin_text = Some(s),
            Err(e) => report.input_errors.push(InputError {
                file: "-".into(),
                message: e.to_string(),
            }),
        }
    }
    let one = |path: &String| -> Result<FileOutcome, InputError> {
        let text = if path == "-" {
            stdin_text.clone().ok_or_else(|| InputError {
                file: "-".into(),
                message: "standard input could not be read".into(),
            })?
        } else {
            std::fs::read_to_string(path).map_err(|e| InputError {
                file: path.clone(),
                message: e.to_string(),
            })?
        };
        let name = if path == "-" {
            "<stdin>"
        } else {
            path.as_str()
        };
        Ok(lint_text(name, &text, opts, catalog))
    };
    let outcomes: Vec<Result<FileOutcome, InputError>> = match opts.threads {
        Some(1) => paths.iter().map(one).collect(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {n} threads: {e}")))?
            .install(|| paths.par_iter().map(one).collect()),
        None => paths.par_iter().map(one).collect(),
    };
    for o in outcomes {
        match o {
            Ok(o) => {
                report.files.push(o.file);
                report.diagnostics.extend(o.diagnostics);
            }
            Err(e) => report.input_errors.push(e),
        }
    }
    finish(&mut report, opts);
    Ok(report)
}

/// Applies suppressions, reports the unmatched ones, and sorts.
fn finish(report: &mut LintReport, opts: &LintOptions) {
    let config = &opts.config;
    let base = config.base();
    let mut used = vec![false; config.suppress.len()];
    let before = report.diagnostics.len();
    report.diagnostics.retain(|d| {
        let mut keep = true;
        for (i, s) in config.suppress.iter().enumerate() {
            if s.matches(d, &base) {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                keep = false;
            }
        }
        keep
    });
    report.suppressed = before - report.diagnostics.len();
    let meta = rules::xa0900_unmatched_suppression::UnmatchedSuppression.meta();
    if let (Some(path), true) = (&config.path, opts.selection.is_enabled(meta.code)) {
        for (s, used) in config.suppress.iter().zip(used) {
            if used {
                continue;
            }
            let pointer = Pointer::root().key("lint").key("suppress").index(s.index);
            report.diagnostics.push(Diagnostic {
                code: meta.code,
                name: meta.name,
                severity: opts.selection.severity(meta),
                message: format!(
                    "suppression of `{}` in `{}`{} matched no finding",
                    s.code.as_str(),
                    s.file,
                    s.pointer
                        .as_deref()
                        .map(|p| format!(" at `{p}`"))
                        .unwrap_or_default()
                ),
                primary: Location {
                    line: s.at.map(|a| a.line),
                    column: s.at.map(|a| a.column),
                    ..Location::new(path.clone(), pointer)
                },
                related: Vec::new(),
                help: Some("remove it, or correct its `code`, `file` or `pointer`".into()),
            });
        }
    }
    diagnostic::sort(&mut report.diagnostics);
}

/// The findings of one file.
#[derive(Debug)]
pub struct FileOutcome {
    /// The file and what was found in it.
    pub file: FileReport,
    /// Its diagnostics (not yet suppressed or sorted).
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints the text of one file named `file` (no suppressions).
pub fn lint_text(
    file: &str,
    text: &str,
    opts: &LintOptions,
    catalog: &'static Catalog,
) -> FileOutcome {
    lint_parsed(file, text, None, opts, catalog)
}

/// [`lint_text`], with the JSON tree of `text` when the caller has parsed it already
/// (`None`: parsed here).
pub fn lint_parsed(
    file: &str,
    text: &str,
    parsed: Option<&Json<'_>>,
    opts: &LintOptions,
    catalog: &'static Catalog,
) -> FileOutcome {
    let file_arc: Arc<str> = Arc::from(file);
    let mut out = FileOutcome {
        file: FileReport {
            file: file_arc.clone(),
            documents: Vec::new(),
            grants: 0,
            skipped: None,
            invalid_json: false,
        },
        diagnostics: Vec::new(),
    };
    let hint = input::path_hint(file);
    if let Some(reason) = hint.skip {
        out.file.skipped = Some(reason.to_owned());
        return out;
    }
    let sel = &opts.selection;
    let engine_diag = |meta: &'static RuleMeta,
                       location: Location,
                       message: String,
                       help: Option<String>| Diagnostic {
        code: meta.code,
        name: meta.name,
        severity: sel.severity(meta),
        message,
        primary: location,
        related: Vec::new(),
        help,
    };
    let invalid = rules::xa0100_invalid_json::InvalidJson.meta();
    let mut owned: Option<Json<'_>> = None;
    let parsed = match parsed {
        Some(j) => Ok(j),
        None => Json::parse(text).map(|j| &*owned.insert(j)),
    };
    let root = match parsed {
        Ok(j) => j,
        Err(e) => {
            out.file.invalid_json = true;
            if sel.is_enabled(invalid.code) {
                let mut loc = Location::new(file_arc.clone(), Pointer::root());
                if e.line() > 0 {
                    loc.line = Some(e.line());
                    loc.column = Some(e.column().max(1));
                }
                out.diagnostics.push(engine_diag(
                    invalid,
                    loc,
                    format!("the file is not JSON: {e}"),
                    Some("fix the JSON syntax; no rule could check this file".into()),
                ));
            }
            return out;
        }
    };
    let (docs, grants) = match input::classify(root, &hint, opts.kind) {
        FileClass::Skip(reason) => {
            out.file.skipped = Some(reason);
            return out;
        }
        FileClass::Unrecognized(reason) => {
            let meta = rules::xa0901_unrecognized_file::UnrecognizedFile.meta();
            if sel.is_enabled(meta.code) {
                let mut loc = Location::new(file_arc.clone(), Pointer::root());
                loc.line = Some(1);
                loc.column = Some(1);
                out.diagnostics.push(engine_diag(
                    meta,
                    loc,
                    format!("nothing to lint: {reason}"),
                    Some(
                        "pass `--kind` if this is a policy document, or leave the file out".into(),
                    ),
                ));
            }
            out.file.skipped = Some(reason);
            return out;
        }
        FileClass::Lint { docs, grants } => (docs, grants),
    };

    let enabled: Vec<&dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|r| sel.is_enabled(r.meta().code))
        .collect();

    for spec in docs {
        let (inner_text, url_encoded) = match &spec.carrier {
            Carrier::Text { text, url_encoded } => (Some(text.as_str()), *url_encoded),
            _ => (None, false),
        };
        let inner_json;
        let (json, doc_root, doc_text): (&Json<'_>, Pointer, Option<&str>) = match &spec.carrier {
            Carrier::File => (root, Pointer::root(), Some(text)),
            Carrier::Object(j) => (*j, spec.pointer.clone(), None),
            Carrier::Text { text: t, .. } => {
                match Json::parse(t) {
                    Ok(j) => {
                        inner_json = j;
                        (&inner_json, Pointer::root(), Some(t.as_str()))
                    }
                    Err(e) => {
                        out.file.invalid_json = true;
                        if sel.is_enabled(invalid.code) {
                            let mut loc = Location::new(file_arc.clone(), spec.pointer.clone());
                            if let Some(lc) = locate::resolve(text, &spec.pointer, None) {
                                loc.line = Some(lc.line);
                                loc.column = Some(lc.column);
                            }
                            out.diagnostics.push(engine_diag(
                            invalid,
                            loc,
                            format!("the policy text at `{}` is not JSON: {e}", spec.pointer),
                            Some("fix the JSON syntax of the policy text; no rule could check it".into()),
                        ));
                        }
                        continue;
                    }
                }
            }
        };
        let (kind, kind_from) = spec
            .kind
            .unwrap_or_else(|| (input::kind_from_content(json), KindSource::Content));
        out.file.documents.push(DocumentInfo {
            pointer: match &spec.carrier {
                Carrier::Text { .. } => format!("{}#", spec.pointer.as_str()),
                _ => spec.pointer.as_str().to_owned(),
            },
            kind,
            kind_from,
        });
        // Every kind is parsed with a grammar that allows but does not require `Principal`:
        // whether a principal belongs is a rule of its own (XA0108, XA0109), with its code.
        let errors = Policy::check_json(
            json,
            PolicyKind::VpcEndpoint,
            Origin {
                file: Some(file_arc.clone()),
                pointer: doc_root.clone(),
                ..Origin::default()
            },
        );
        let doc = PolicyDoc {
            file,
            kind,
            root: doc_root.clone(),
            json,
            text: doc_text,
            version: json
                .get("Version")
                .and_then(Json::as_str)
                .map(|v| doc::Value {
                    text: v,
                    pointer: doc_root.key("Version"),
                }),
            statements: doc::statements(json, &doc_root, catalog),
            errors: &errors,
            facts: &spec.facts,
            catalog,
        };
        let mut findings = Vec::new();
        for rule in &enabled {
            let mut f = Findings::new(rule.meta());
            rule.check_policy(&doc, &mut f);
            findings.extend(f.items);
        }
        let place = |pointer: Pointer| -> Location {
            let (p, embedded) = match inner_text {
                Some(_) => (spec.pointer.clone(), Some(pointer)),
                None => (pointer, None),
            };
            let lc = locate::resolve(
                text,
                &p,
                embedded
                    .as_ref()
                    .zip(inner_text)
                    .map(|(e, t)| (e, t, url_encoded)),
            );
            Location {
                file: file_arc.clone(),
                pointer: p,
                embedded,
                line: lc.map(|l| l.line),
                column: lc.map(|l| l.column),
            }
        };
        for f in findings {
            out.diagnostics.push(to_diagnostic(f, sel, &place));
        }
    }

    for pointer in grants {
        let Some(json) = json_at(root, &pointer) else {
            continue;
        };
        out.file.grants += 1;
        if out.file.documents.is_empty() && out.file.grants == 1 {
            out.file.documents.push(DocumentInfo {
                pointer: if root.get("Grants").is_some() {
                    "/Grants".to_owned()
                } else {
                    pointer.as_str().to_owned()
                },
                kind: DocKind::Grants,
                kind_from: if opts.kind == Some(DocKind::Grants) {
                    KindSource::Flag
                } else if hint.kind == Some(DocKind::Grants) {
                    KindSource::Path
                } else if root.get("Grants").is_some() {
                    KindSource::Wrapper
                } else {
                    KindSource::Content
                },
            });
        }
        let grant = GrantDoc {
            file,
            pointer: pointer.clone(),
            json,
            catalog,
        };
        let place = |pointer: Pointer| -> Location {
            let lc = crate::source::locate(text, &pointer);
            Location {
                line: lc.map(|l| l.line),
                column: lc.map(|l| l.column),
                ..Location::new(file_arc.clone(), pointer)
            }
        };
        for rule in &enabled {
            let mut f = Findings::new(rule.meta());
            rule.check_grant(&grant, &mut f);
            for finding in f.items {
                out.diagnostics.push(to_diagnostic(finding, sel, &place));
            }
        }
    }
    out
}

fn to_diagnostic(
    f: Finding,
    sel: &RuleSelection,
    place: &dyn Fn(Pointer) -> Location,
) -> Diagnostic {
    Diagnostic {
        code: f.rule.code,
        name: f.rule.name,
        severity: sel.severity(f.rule),
        message: f.message,
        primary: place(f.pointer),
        related: f
            .related
            .into_iter()
            .map(|(p, message)| Related {
                location: place(p),
                message,
            })
            .collect(),
        help: f.help,
    }
}

fn json_at<'j, 'a>(root: &'j Json<'a>, pointer: &Pointer) -> Option<&'j Json<'a>> {
    let mut cur = root;
    for t in pointer.tokens() {
        cur = match cur {
            Json::Object(_) => cur.get(&t)?,
            Json::Array(items) => items.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "codes must be unique and in order");
        for c in &codes {
            assert!(
                c.len() == 6 && c.starts_with("XA") && c[2..].bytes().all(|b| b.is_ascii_digit()),
                "{c}"
            );
        }
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
        for n in &names {
            assert!(
                !n.is_empty()
                    && !n.starts_with('-')
                    && !n.ends_with('-')
                    && !n.contains("--")
                    && n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "`{n}` is not kebab-case"
            );
            assert!(
                !n.starts_with("no-") && !n.starts_with("disallow-"),
                "`{n}` names a ban, not a pattern"
            );
        }
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len, "names must be unique");
    }

    #[test]
    fn docs_have_every_section_in_order() {
        for r in RULES {
            let m = r.meta();
            let mut at = 0;
            for s in DOC_SECTIONS {
                let found = m.docs[at..].find(s);
                assert!(found.is_some(), "{}: missing or misplaced `{s}`", m.code);
                at += found.unwrap_or(0) + s.len();
            }
            assert!(
                m.docs.contains("https://"),
                "{}: References needs a link",
                m.code
            );
            assert!(
                !m.summary.is_empty() && !m.summary.ends_with('.'),
                "{}: summary",
                m.code
            );
        }
    }

    #[test]
    fn severities_follow_the_code_scheme() {
        for r in RULES {
            let m = r.meta();
            let want = match &m.code[..4] {
                "XA01" => Some(Severity::Error),
                "XA02" => Some(Severity::Warning),
                "XA03" => Some(Severity::Info),
                _ => None,
            };
            if let Some(w) = want {
                assert_eq!(m.severity, w, "{}", m.code);
            }
        }
    }
}
