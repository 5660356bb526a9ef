//! `xacct lint`: the policy rules of [`crate::rules`] over files.
//!
//! The lint stage of the pipeline (load → model → **lint** → report). This module owns the
//! run: [`lint`] reads the inputs ([`input`]), decides each document's kind, builds the views
//! rules read ([`crate::rules::doc`]), runs the enabled rules ([`selector`]), applies
//! suppressions ([`config`]) and returns a sorted [`LintReport`]. Its errors are exactly the
//! one validation's ([`crate::rules::validate`]). Rendering is [`crate::report`]'s job.

pub mod cache;
pub mod config;
pub mod input;
pub mod selector;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

pub use self::cache::LintCache;
pub use crate::diagnostic::RuleMeta;
pub use crate::rules::{Rule, RULES};

use self::config::Config;
use self::input::{Carrier, FileClass, KindSource};
use self::selector::RuleSelection;
use crate::catalog::{catalog, Catalog};
use crate::diagnostic::{self, Diagnostic, Location, Related, Replacement, Span};
use crate::error::Error;
use crate::json::{Json, Pointer};
use crate::load::fs;
use crate::policy::DocKind;
use crate::policy::{Origin, Policy};
use crate::rules::doc::{GrantDoc, PolicyDoc};
use crate::rules::{Finding, Findings};
use crate::source;

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
    pub jobs: Option<usize>,
    /// What is known of the stacks of CloudFormation templates.
    pub templates: crate::load::cloudformation::TemplateOptions,
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

    /// The exit code: 2 when an input could not be linted, 1 when a finding is at or above
    /// `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: crate::diagnostic::Severity) -> u8 {
        if self.could_not_run() {
            2
        } else if crate::diagnostic::Counts::of(&self.diagnostics).at_or_above(fail_on) > 0 {
            1
        } else {
            0
        }
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
    let stdin = Path::new("-");
    let mut stdin_text = None;
    if paths.iter().any(|p| p == stdin) {
        match fs::read_stdin() {
            Ok(s) => stdin_text = Some(s),
            Err(e) => report.input_errors.push(InputError {
                file: "-".into(),
                message: e.to_string(),
            }),
        }
    }
    let one = |path: &PathBuf| -> Result<FileOutcome, InputError> {
        let name = input::display_path(path);
        let text = if path == stdin {
            stdin_text.clone().ok_or_else(|| InputError {
                file: "-".into(),
                message: "standard input could not be read".into(),
            })?
        } else {
            // The one decoder: UTF-8 with or without a byte order mark, UTF-16 with one.
            let bytes = fs::read(path).map_err(|e| InputError {
                file: name.clone(),
                message: e.to_string(),
            })?;
            crate::load::classify::decode_text(&bytes)
                .map_err(|e| InputError {
                    file: name.clone(),
                    message: format!("not UTF-8 text: {e}"),
                })?
                .into_owned()
        };
        let name = if path == stdin {
            "<stdin>"
        } else {
            name.as_str()
        };
        Ok(lint_text(name, &text, opts, catalog))
    };
    let outcomes: Vec<Result<FileOutcome, InputError>> = match opts.jobs {
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
    let meta = crate::rules::xa0900_unmatched_suppression::UnmatchedSuppression.meta();
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
                replacement: None,
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
    lint_parsed(file, text, None, None, opts, catalog)
}

/// [`lint_text`], with the JSON tree of `text` when the caller has parsed it already
/// (`None`: parsed here), and what the inventory's reader found in its documents
/// ([`crate::rules::collect`]): grammar errors, which then are not checked again, and the
/// rules' findings, which then are not looked for again.
pub fn lint_parsed(
    file: &str,
    text: &str,
    parsed: Option<&Json<'_>>,
    known: Option<&mut crate::rules::KnownDocs>,
    opts: &LintOptions,
    catalog: &'static Catalog,
) -> FileOutcome {
    // Records are looked up only for nodes of the caller's tree, alive since they were read.
    let mut known = known.filter(|_| parsed.is_some());
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
        replacement: None,
    };
    let invalid = crate::rules::xa0100_invalid_json::InvalidJson.meta();
    // The tree parsed here goes in an arena (allocated only when it is parsed here).
    let arena = match parsed {
        Some(_) => bumpalo::Bump::new(),
        None => Json::arena_for(text.len()),
    };
    let mut owned: Option<Json<'_>> = None;
    let parsed = match parsed {
        Some(j) => Ok(j),
        None => Json::parse_in(text, &arena)
            .map(|(json, _)| json)
            .or_else(
                |e| match crate::load::cloudformation::parse_yaml_template(text) {
                    Some(crate::load::cloudformation::NotJson::Template(j)) => Ok(j),
                    _ => Err(e),
                },
            )
            .map(|j| &*owned.insert(j)),
    };
    // A CloudFormation template is linted with its policies resolved, in place.
    let view = parsed.as_ref().ok().and_then(|j| {
        crate::load::cloudformation::lint::lint_view(j, std::path::Path::new(file), &opts.templates)
    });
    if view.is_some() {
        known = None;
    }
    let parsed = match &view {
        Some(v) => Ok(v),
        None => parsed,
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
            let meta = crate::rules::xa0901_unrecognized_file::UnrecognizedFile.meta();
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

    // Diagnostics whose places in the file's own text are not located yet.
    let mut unlocated: Vec<usize> = Vec::new();
    for spec in docs {
        let (inner_text, url_encoded) = match &spec.carrier {
            Carrier::Text { text, url_encoded } => (Some(text.as_str()), *url_encoded),
            _ => (None, false),
        };
        // A policy carried as text that the inventory's reader checked already: its findings,
        // without parsing the text again.
        let carried = match (&spec.carrier, spec.kind, known.as_deref_mut()) {
            (Carrier::Text { text: t, .. }, Some((kind, kind_from)), Some(k)) => k
                .take_carried(kind, &spec.pointer, file, t, &spec.facts)
                .map(|all| (all, kind, kind_from)),
            _ => None,
        };
        let findings = if let Some((all, kind, kind_from)) = carried {
            out.file.documents.push(DocumentInfo {
                pointer: format!("{}#", spec.pointer.as_str()),
                kind,
                kind_from,
            });
            all.into_iter()
                .filter(|f| sel.is_enabled(f.rule.code))
                .collect()
        } else {
            let inner_json;
            let (json, doc_root, doc_text): (&Json<'_>, Pointer, Option<&str>) = match &spec.carrier
            {
                Carrier::File => (root, Pointer::root(), Some(text)),
                Carrier::Object(j) => (*j, spec.pointer.clone(), None),
                Carrier::Text { text: t, .. } => match Json::parse(t) {
                    Ok(j) => {
                        inner_json = j;
                        (&inner_json, Pointer::root(), Some(t.as_str()))
                    }
                    Err(e) => {
                        out.file.invalid_json = true;
                        if sel.is_enabled(invalid.code) {
                            let mut loc = Location::new(file_arc.clone(), spec.pointer.clone());
                            if let Some(lc) =
                                crate::source::embedded::resolve(text, &spec.pointer, None)
                            {
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
                },
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
            // Only documents of the caller's tree are looked up, not those of a policy text.
            let mut known = match &spec.carrier {
                Carrier::File | Carrier::Object(_) => known.as_deref_mut(),
                Carrier::Text { .. } => None,
            };
            let reused = known
                .as_deref_mut()
                .and_then(|k| k.take_findings(json, kind, &doc_root, file, doc_text, &spec.facts));
            match reused {
                // Every rule's findings in the registry's order: those of the enabled rules are
                // what running the enabled rules in that order finds.
                Some(all) => all
                    .into_iter()
                    .filter(|f| sel.is_enabled(f.rule.code))
                    .collect(),
                None => {
                    let errors = match known.and_then(|k| k.errors(json, kind, &doc_root)) {
                        Some(e) => e.to_vec(),
                        None => Policy::check_json(
                            json,
                            kind,
                            Origin {
                                file: Some(file_arc.clone()),
                                pointer: doc_root.clone(),
                                ..Origin::default()
                            },
                        ),
                    };
                    let doc = PolicyDoc::new(
                        file,
                        kind,
                        &doc_root,
                        json,
                        doc_text,
                        &errors,
                        &spec.facts,
                        catalog,
                    );
                    let mut findings = Vec::new();
                    for rule in &enabled {
                        let mut f = Findings::new(rule.meta());
                        rule.check_policy(&doc, &mut f);
                        findings.extend(f.into_items());
                    }
                    findings
                }
            }
        };
        let place = |pointer: Pointer| -> Location {
            let (p, embedded) = match inner_text {
                Some(_) => (spec.pointer.clone(), Some(pointer)),
                None => (pointer, None),
            };
            // Places in the file's own text are found together, at the end.
            let lc = match embedded {
                Some(_) => crate::source::embedded::resolve(
                    text,
                    &p,
                    embedded
                        .as_ref()
                        .zip(inner_text)
                        .map(|(e, t)| (e, t, url_encoded)),
                ),
                None => None,
            };
            Location {
                file: file_arc.clone(),
                pointer: p,
                embedded,
                line: lc.map(|l| l.line),
                column: lc.map(|l| l.column),
            }
        };
        for f in findings {
            if inner_text.is_none() {
                unlocated.push(out.diagnostics.len());
            }
            out.diagnostics.push(to_diagnostic(f, sel, &place));
        }
    }

    for pointer in grants {
        let Some(json) = root.at(&pointer) else {
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
        let place = |pointer: Pointer| -> Location { Location::new(file_arc.clone(), pointer) };
        for rule in &enabled {
            let mut f = Findings::new(rule.meta());
            rule.check_grant(&grant, &mut f);
            for finding in f.into_items() {
                unlocated.push(out.diagnostics.len());
                out.diagnostics.push(to_diagnostic(finding, sel, &place));
            }
        }
    }
    locate_in_file(text, &mut out.diagnostics, &unlocated);
    out
}

/// Fills in the line and column of every place in the file's own `text` (not inside an
/// embedded policy string) of the diagnostics at `indices`, in one pass over the text: a
/// scan of the text for each place made an export with many findings quadratic.
fn locate_in_file(text: &str, diagnostics: &mut [Diagnostic], indices: &[usize]) {
    if indices.is_empty() {
        return;
    }
    let mut pointers = Vec::new();
    for d in indices.iter().filter_map(|i| diagnostics.get(*i)) {
        for l in std::iter::once(&d.primary).chain(d.related.iter().map(|r| &r.location)) {
            if l.embedded.is_none() {
                pointers.push(l.pointer.clone());
            }
        }
    }
    let mut found = crate::source::many::locate_many(text, &pointers).into_iter();
    for i in indices {
        let Some(d) = diagnostics.get_mut(*i) else {
            continue;
        };
        let related = d.related.iter_mut().map(|r| &mut r.location);
        for l in std::iter::once(&mut d.primary).chain(related) {
            if l.embedded.is_none() {
                let lc = found.next().flatten();
                l.line = lc.map(|l| l.line);
                l.column = lc.map(|l| l.column);
            }
        }
        if let Some(r) = d
            .replacement
            .as_mut()
            .filter(|_| d.primary.embedded.is_none())
        {
            r.span = crate::source::many::string_span(text, &d.primary.pointer, r.part).map(
                |(start, end)| {
                    let (s, e) = (source::line_col(text, start), source::line_col(text, end));
                    Span {
                        start: (s.line, s.column),
                        end: (e.line, e.column),
                    }
                },
            );
        }
    }
}

fn to_diagnostic(
    f: Finding,
    sel: &RuleSelection,
    place: &dyn Fn(Pointer) -> Location,
) -> Diagnostic {
    Diagnostic {
        code: f.rule.code,
        name: f.rule.name,
        severity: sel.severity_or(f.rule, f.default_severity()),
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
        replacement: f.replacement.map(|(part, text)| Replacement {
            part,
            text,
            span: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An account's `get-account-authorization-details` export in which every role's
    /// inline policy has an unknown action (one finding each).
    fn export(roles: usize) -> String {
        let roles: Vec<serde_json::Value> = (0..roles)
            .map(|i| {
                serde_json::json!({
                    "RoleName": format!("R{i}"),
                    "Arn": format!("arn:aws:iam::111111111111:role/R{i}"),
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                         "Action": "sts:AssumeRole"}]},
                    "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}}]
                })
            })
            .collect();
        let doc = serde_json::json!({"UserDetailList": [], "GroupDetailList": [],
            "RoleDetailList": roles, "Policies": []});
        serde_json::to_string_pretty(&doc).unwrap()
    }

    #[test]
    fn places_in_an_export_are_located_together_and_right() {
        let text = export(4000);
        let out = lint_text(
            "111111111111/iam.json",
            &text,
            &LintOptions::default(),
            catalog().unwrap(),
        );
        let unknown: Vec<&Diagnostic> = out
            .diagnostics
            .iter()
            .filter(|d| d.code == "XA0104")
            .collect();
        assert_eq!(unknown.len(), 4000);
        for d in unknown.iter().step_by(97) {
            let lc = crate::source::locate(&text, &d.primary.pointer).unwrap();
            assert_eq!(
                (d.primary.line, d.primary.column),
                (Some(lc.line), Some(lc.column))
            );
        }
    }

    /// The rules run once in an audit: the findings the inventory's reader recorded for the
    /// lint ([`crate::rules::collect`]) are the lint's own, for every rule selection, and each
    /// document read in place but an AWS managed one is taken from the record.
    #[test]
    fn findings_recorded_while_reading_are_the_lints_own() {
        let doc = |statements: serde_json::Value| serde_json::json!({"Version": "2012-10-17", "Statement": statements});
        let export = serde_json::json!({
            "UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111111111111:user/u",
                "UserPolicyList": [{"PolicyName": "up", "PolicyDocument": doc(serde_json::json!([
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*"], "Resource": "*"}]))}]}],
            "GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111111111111:group/g",
                "GroupPolicyList": [{"PolicyName": "gp", "PolicyDocument": doc(serde_json::json!([
                    {"Effect": "Allow", "Action": "ecr:BatchGetImage",
                     "Resource": "arn:aws:ecr:us-east-1:111111111111:repository/r"}]))}]}],
            "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111111111111:role/r",
                "AssumeRolePolicyDocument": doc(serde_json::json!([
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}])),
                "RolePolicyList": [{"PolicyName": "rp", "PolicyDocument": doc(serde_json::json!([
                    {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"},
                    {"Sid": "bad sid!", "Effect": "Allow", "Action": "kms:Decrypt",
                     "Resource": "arn:aws:s3:::b/*",
                     "Condition": {"StringEquals": {"kms:ViaService": ["a", "b"]}}}]))}]}],
            "Policies": [
                {"PolicyName": "mine", "Arn": "arn:aws:iam::111111111111:policy/mine",
                 "PolicyVersionList": [
                    {"VersionId": "v2", "IsDefaultVersion": true, "Document": doc(serde_json::json!([
                        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]))},
                    {"VersionId": "v1", "IsDefaultVersion": false, "Document": doc(serde_json::json!([
                        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))}]},
                {"PolicyName": "ReadOnly", "Arn": "arn:aws:iam::aws:policy/ReadOnly",
                 "PolicyVersionList": [
                    {"VersionId": "v1", "IsDefaultVersion": true, "Document": doc(serde_json::json!([
                        {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]))}]}]
        });
        let text = serde_json::to_string_pretty(&export).unwrap();
        let file = "111111111111/iam.json";
        let json = Json::parse(&text).unwrap();
        let catalog = catalog().unwrap();
        let ignore = selector::parse_list(&["XA03".to_owned(), "XA0112".to_owned()]).unwrap();
        for selection in [
            RuleSelection::default(),
            RuleSelection::new(&[], &ignore, &[]),
        ] {
            let rules = crate::rules::RuleSet::of(|code| selection.is_enabled(code));
            let opts = LintOptions {
                selection,
                ..LintOptions::default()
            };
            let read = || {
                let path = std::path::Path::new(file);
                crate::load::read_parsed(file, path, &json, &crate::load::LoadOptions::default())
            };
            let (_, mut known) = crate::rules::collect(rules, read);
            // Three inline documents, the trust policy and the customer managed policy's
            // default version (the version in force; the AWS managed one is not recorded).
            assert_eq!(known.untaken(), 5);
            let reused = lint_parsed(file, &text, Some(&json), Some(&mut known), &opts, catalog);
            assert_eq!(known.untaken(), 0);
            let fresh = lint_parsed(file, &text, Some(&json), None, &opts, catalog);
            let codes: Vec<&str> = fresh.diagnostics.iter().map(|d| d.code).collect();
            assert!(
                codes.contains(&"XA0104") && codes.contains(&"XA0201"),
                "{codes:?}"
            );
            assert_eq!(
                format!("{:?}", reused.diagnostics),
                format!("{:?}", fresh.diagnostics)
            );
        }
    }

    /// A policy carried as text (a bucket policy as `get-bucket-policy` prints it, a key
    /// policy as `get-key-policy` does) is found in the record by the string that carries it,
    /// and its findings are the lint's own, those that read the folder's account included.
    #[test]
    fn findings_of_policy_text_recorded_while_reading_are_the_lints_own() {
        let bucket = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "bad sid!", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObjekt", "s3:GetObject"],
             "Resource": "arn:aws:s3:::b"}]});
        let key = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
             "Action": "kms:Decrypt", "Resource": "*"}]});
        let cases = [
            (
                "111111111111/s3/b.policy.json",
                serde_json::json!({"Policy": bucket.to_string()}),
                "XA0104",
            ),
            (
                "111111111111/us-east-1/kms/1234abcd-12ab-34cd-56ef-1234567890ab.policy.json",
                serde_json::json!({"Policy": key.to_string(), "PolicyName": "default"}),
                "XA0207",
            ),
        ];
        for (file, export, code) in cases {
            recorded_text_findings_are_the_lints(
                file,
                &serde_json::to_string_pretty(&export).unwrap(),
                code,
            );
        }
    }

    fn recorded_text_findings_are_the_lints(file: &str, text: &str, code: &str) {
        let json = Json::parse(text).unwrap();
        let catalog = catalog().unwrap();
        let opts = LintOptions::default();
        let rules = crate::rules::RuleSet::of(|code| opts.selection.is_enabled(code));
        let read = || {
            let path = std::path::Path::new(file);
            crate::load::read_parsed(file, path, &json, &crate::load::LoadOptions::default())
        };
        let (_, mut known) = crate::rules::collect(rules, read);
        assert_eq!(known.untaken(), 1, "{file}");
        let reused = lint_parsed(file, text, Some(&json), Some(&mut known), &opts, catalog);
        assert_eq!(
            known.untaken(),
            0,
            "{file}: the lint took the recorded findings"
        );
        let fresh = lint_parsed(file, text, Some(&json), None, &opts, catalog);
        let codes: Vec<&str> = fresh.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&code), "{file}: {codes:?}");
        assert_eq!(
            format!("{:?}", reused.diagnostics),
            format!("{:?}", fresh.diagnostics)
        );
        assert_eq!(
            format!("{:?}", reused.file.documents),
            format!("{:?}", fresh.file.documents)
        );
    }
}
