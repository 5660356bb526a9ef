//! The policy rules: one registry of stable codes, one file per rule, and the one
//! validation of a policy document.
//!
//! Part of the **model** stage (load → **model** → graph → evaluate / lint → report). This
//! module owns the [`Rule`] trait, the registry [`RULES`], the views rules read ([`doc`]) and
//! [`validate`]/[`rejections`]: what the service that stores a document of a given kind
//! rejects when it is written. Every path that reads a policy (the loaders of exports, plans
//! and case files, `simulate`'s flags, `lint`) asks this one validation, so they cannot
//! disagree: its errors become the policy's [`crate::policy::Policy::defects`], which the
//! evaluator fails closed on, and they are exactly `lint`'s errors.
//!
//! Codes: `XA01xx` can be errors (the storing service rejects the document; some only for
//! some kinds of document, then warnings elsewhere), `XA02xx` warnings (accepted, but grants
//! nothing or less than written, or is risky), `XA03xx` info, `XA09xx` findings about the run
//! itself. A code is never reused for another meaning.

pub mod compact;
pub mod doc;
pub mod place;
pub mod shared;

pub mod xa0100_invalid_json;
pub mod xa0101_invalid_policy_grammar;
pub mod xa0102_unknown_condition_operator;
pub mod xa0103_unknown_service_prefix;
pub mod xa0104_unknown_action;
pub mod xa0105_bucket_policy_action_applies_to_no_resource;
pub mod xa0106_resource_not_an_arn;
pub mod xa0107_unrendered_template_placeholder;
pub mod xa0108_principal_in_identity_policy;
pub mod xa0109_resource_policy_without_principal;
pub mod xa0110_grant_grantee_not_a_principal_arn;
pub mod xa0111_policy_exceeds_size_limit;
pub mod xa0112_sid_with_invalid_characters;
pub mod xa0113_principal_arn_without_identity_type;
pub mod xa0201_allow_with_not_element;
pub mod xa0202_wildcard_principal_without_condition;
pub mod xa0203_for_all_values_without_null_check;
pub mod xa0204_condition_operator_cardinality_mismatch;
pub mod xa0205_action_applies_to_no_resource;
pub mod xa0206_condition_key_not_supported_by_actions;
pub mod xa0207_key_policy_without_iam_delegation;
pub mod xa0208_principal_is_unique_id;
pub mod xa0209_ecr_pull_without_layer_download;
pub mod xa0210_ecr_describe_wildcard_for_pull;
pub mod xa0211_wildcard_only_action_on_specific_resource;
pub mod xa0212_duplicate_sid;
pub mod xa0213_missing_or_outdated_version;
pub mod xa0214_mfa_present_false;
pub mod xa0215_string_operator_on_typed_key;
pub mod xa0216_condition_key_without_prefix;
pub mod xa0301_redundant_action;
pub mod xa0302_redundant_resource;
pub mod xa0303_redundant_statement;
pub mod xa0900_unmatched_suppression;
pub mod xa0901_unrecognized_file;

use std::cell::RefCell;

use self::doc::{DocFacts, GrantDoc, PolicyDoc};
use crate::diagnostic::{Part, RuleMeta, Severity};
use crate::json::{Json, Pointer};
use crate::policy::{Defect, DocKind, Origin, ParseError, Policy};

/// One rule. A rule reads one document (or one KMS grant) and reports findings; it never
/// decides suppression or output. A finding has the rule's severity unless the rule sets
/// one for it ([`Finding::severity`]): a rule whose findings the storing service rejects
/// for some kinds of document and accepts for others says so per finding.
pub trait Rule: Sync {
    /// The rule's metadata.
    fn meta(&self) -> &'static RuleMeta;

    /// Whether the rule can report an error (something the storing service rejects) on a
    /// document of `kind` beyond the parser's errors: the one validation runs such rules on
    /// every document it reads ([`rejections`]); the others only run in `lint`.
    fn rejects(&self, _kind: DocKind) -> bool {
        false
    }

    /// Checks one policy document.
    fn check_policy(&self, _doc: &PolicyDoc<'_>, _out: &mut Findings) {}

    /// Checks one KMS grant.
    fn check_grant(&self, _grant: &GrantDoc<'_>, _out: &mut Findings) {}
}

/// Every rule, sorted by code.
pub const RULES: &[&dyn Rule] = &[
    &xa0100_invalid_json::InvalidJson,
    &xa0101_invalid_policy_grammar::InvalidPolicyGrammar,
    &xa0102_unknown_condition_operator::UnknownConditionOperator,
    &xa0103_unknown_service_prefix::UnknownServicePrefix,
    &xa0104_unknown_action::UnknownAction,
    &xa0105_bucket_policy_action_applies_to_no_resource::BucketPolicyActionAppliesToNoResource,
    &xa0106_resource_not_an_arn::ResourceNotAnArn,
    &xa0107_unrendered_template_placeholder::UnrenderedTemplatePlaceholder,
    &xa0108_principal_in_identity_policy::PrincipalInIdentityPolicy,
    &xa0109_resource_policy_without_principal::ResourcePolicyWithoutPrincipal,
    &xa0110_grant_grantee_not_a_principal_arn::GrantGranteeNotAPrincipalArn,
    &xa0111_policy_exceeds_size_limit::PolicyExceedsSizeLimit,
    &xa0112_sid_with_invalid_characters::SidWithInvalidCharacters,
    &xa0113_principal_arn_without_identity_type::PrincipalArnWithoutIdentityType,
    &xa0201_allow_with_not_element::AllowWithNotElement,
    &xa0202_wildcard_principal_without_condition::WildcardPrincipalWithoutCondition,
    &xa0203_for_all_values_without_null_check::ForAllValuesWithoutNullCheck,
    &xa0204_condition_operator_cardinality_mismatch::ConditionOperatorCardinalityMismatch,
    &xa0205_action_applies_to_no_resource::ActionAppliesToNoResource,
    &xa0206_condition_key_not_supported_by_actions::ConditionKeyNotSupportedByActions,
    &xa0207_key_policy_without_iam_delegation::KeyPolicyWithoutIamDelegation,
    &xa0208_principal_is_unique_id::PrincipalIsUniqueId,
    &xa0209_ecr_pull_without_layer_download::EcrPullWithoutLayerDownload,
    &xa0210_ecr_describe_wildcard_for_pull::EcrDescribeWildcardForPull,
    &xa0211_wildcard_only_action_on_specific_resource::WildcardOnlyActionOnSpecificResource,
    &xa0212_duplicate_sid::DuplicateSid,
    &xa0213_missing_or_outdated_version::MissingOrOutdatedVersion,
    &xa0214_mfa_present_false::MfaPresentFalse,
    &xa0215_string_operator_on_typed_key::StringOperatorOnTypedKey,
    &xa0216_condition_key_without_prefix::ConditionKeyWithoutPrefix,
    &xa0301_redundant_action::RedundantAction,
    &xa0302_redundant_resource::RedundantResource,
    &xa0303_redundant_statement::RedundantStatement,
    &xa0900_unmatched_suppression::UnmatchedSuppression,
    &xa0901_unrecognized_file::UnrecognizedFile,
];

/// One finding as a rule reports it; the run adds the location (and any severity the user
/// overrides).
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule.
    pub rule: &'static RuleMeta,
    /// Where, in the document's own text.
    pub pointer: Pointer,
    /// What.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Related places in the same document.
    pub related: Vec<(Pointer, String)>,
    /// The severity, when it is not the rule's own (a rule that errs for some kinds of
    /// document and warns for others).
    pub severity: Option<Severity>,
    /// The fix as a text change: the string at `pointer` (its key or its value) becomes
    /// this text.
    pub replacement: Option<(Part, String)>,
}

impl Finding {
    /// The finding's severity before any override of the user's.
    pub fn default_severity(&self) -> Severity {
        self.severity.unwrap_or(self.rule.severity)
    }

    /// Sets the severity of this one finding.
    pub fn severity(&mut self, severity: Severity) -> &mut Finding {
        self.severity = Some(severity);
        self
    }

    /// Adds how to fix it.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Finding {
        self.help = Some(help.into());
        self
    }

    /// Says the fix is a text change: the string at the finding's place (`part`: the
    /// member's name or the value) becomes `text`.
    pub fn replace(&mut self, part: Part, text: impl Into<String>) -> &mut Finding {
        self.replacement = Some((part, text.into()));
        self
    }

    /// Adds a related place in the same document.
    pub fn related(
        &mut self,
        pointer: impl Into<Pointer>,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.related.push((pointer.into(), message.into()));
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
    /// An empty list for `rule`.
    pub fn new(rule: &'static RuleMeta) -> Findings {
        Findings {
            rule,
            items: Vec::new(),
        }
    }

    /// Reports a finding at `pointer` (a [`Pointer`], or the [`doc::Place`] of a value of a
    /// view, written out only now; lowercase message, user input in backticks, no final
    /// period).
    pub fn report(
        &mut self,
        pointer: impl Into<Pointer>,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.items.push(Finding {
            rule: self.rule,
            pointer: pointer.into(),
            message: message.into(),
            help: None,
            related: Vec::new(),
            severity: None,
            replacement: None,
        });
        // INVARIANT: the vector is not empty, an item was just pushed.
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// The findings.
    pub fn into_items(self) -> Vec<Finding> {
        self.items
    }

    /// Reports every parse error of the document with this rule's code, at its pointer.
    pub fn parse_errors(&mut self, doc: &PolicyDoc<'_>) {
        let code = self.rule.code;
        for e in doc.errors.iter().filter(|e| e.code() == code) {
            self.report(e.pointer.clone(), e.kind.to_string());
        }
    }
}

/// Every finding of every rule that can reject a document of `doc.kind`, together with its
/// parse errors: the rules' full say on the document's validity (the errors among them are
/// [`rejections`]).
pub fn validate(doc: &PolicyDoc<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        if rule.rejects(doc.kind) || reports_parse_errors(rule.meta().code) {
            let mut f = Findings::new(rule.meta());
            rule.check_policy(doc, &mut f);
            out.extend(f.items);
        }
    }
    out
}

/// What the storing service rejects in `doc`: the errors of [`validate`], as defects.
pub fn rejections(doc: &PolicyDoc<'_>) -> Vec<Defect> {
    validate(doc)
        .into_iter()
        .filter(|f| f.default_severity() == Severity::Error)
        .map(|f| Defect {
            code: f.rule.code,
            pointer: f.pointer,
            message: f.message,
        })
        .collect()
}

/// Whether the rule with `code` reports the parser's errors of that code.
fn reports_parse_errors(code: &str) -> bool {
    matches!(
        code,
        "XA0100" | "XA0101" | "XA0102" | "XA0106" | "XA0107" | "XA0108" | "XA0109" | "XA0111"
    )
}

/// What [`read_policy`] found in the documents of a JSON tree, for the lint of the same
/// tree: the audit reads each file for the inventory and then lints it, and neither the
/// grammar check ([`Policy::check_json`], the same parser without compiling) nor, for a file
/// the run lints, the rules need run twice. Kept by the address of each document's node in
/// the tree, its kind and its pointer: only while that tree is alive, so a node found is the
/// document read. A policy carried as text is kept by the pointer of the string that
/// carries it, and found only with the same text.
#[derive(Debug, Default)]
pub struct KnownDocs {
    /// The rules the lint of the tree runs, which run on each document read ([`collect`]).
    lint: RuleSet,
    docs: foldhash::HashMap<(usize, DocKind, Pointer), Known>,
}

/// A set of the rules of [`RULES`], by their place in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleSet(u64);

const _: () = assert!(RULES.len() <= 64, "a rule set holds 64 rules");

impl RuleSet {
    /// No rule.
    pub const NONE: RuleSet = RuleSet(0);

    /// The rules whose codes `keep` keeps.
    pub fn of(keep: impl Fn(&str) -> bool) -> RuleSet {
        let bits = RULES
            .iter()
            .enumerate()
            .filter(|(_, r)| keep(r.meta().code))
            .fold(0, |bits, (i, _)| bits | 1 << i);
        RuleSet(bits)
    }

    fn contains(self, index: usize) -> bool {
        self.0 & (1 << index) != 0
    }
}

/// What [`read_policy`] found in one document.
#[derive(Debug)]
struct Known {
    /// Its grammar errors.
    errors: Vec<ParseError>,
    /// The findings of the lint's rules (and of those that reject the document), when the
    /// run lints the tree.
    checked: Option<Checked>,
}

/// The rules' findings on one document (in the order of [`RULES`]), and what they were
/// found with besides the tree: the file's name, the document's own text and its facts.
#[derive(Debug)]
struct Checked {
    file: Option<std::sync::Arc<str>>,
    text: Option<String>,
    facts: DocFacts,
    findings: Vec<Finding>,
}

/// The node address recorded for a document carried as text (no node's address is 0).
const CARRIED: usize = 0;

thread_local! {
    /// What [`read_policy`] records on this thread inside [`collect`].
    static COLLECTING: RefCell<Option<KnownDocs>> = const { RefCell::new(None) };
}

/// Runs `read` (reading a tree that stays alive after it, for the inventory), with what
/// [`read_policy`] finds in every document it reads recorded: the grammar errors, and the findings of the rules in `lint` (the file's lint
/// runs next; [`RuleSet::NONE`] when it does not). Nested runs (a thread that waits for other
/// work may run it) keep their own records.
pub fn collect<T>(lint: RuleSet, read: impl FnOnce() -> T) -> (T, KnownDocs) {
    let mine = KnownDocs {
        lint,
        docs: foldhash::HashMap::default(),
    };
    let outer = COLLECTING.with(|c| c.replace(Some(mine)));
    let out = read();
    let mine = COLLECTING.with(|c| c.replace(outer));
    (out, mine.unwrap_or_default())
}

impl KnownDocs {
    /// How many documents have findings recorded and not taken yet.
    pub fn untaken(&self) -> usize {
        self.docs.values().filter(|k| k.checked.is_some()).count()
    }

    /// The grammar errors of the document `json` of `kind` at `pointer`, when recorded.
    pub fn errors(
        &self,
        json: &Json<'_>,
        kind: DocKind,
        pointer: &Pointer,
    ) -> Option<&[ParseError]> {
        let key = (std::ptr::from_ref(json) as usize, kind, pointer.clone());
        self.docs.get(&key).map(|k| k.errors.as_slice())
    }

    /// The findings of the lint's rules (given to [`collect`]) on the document `json` of
    /// `kind` at `pointer` (taken: asked once per document), when recorded with the same file
    /// name, own text and facts as the caller's: then they are what those rules would find
    /// now, in the order of [`RULES`].
    pub fn take_findings(
        &mut self,
        json: &Json<'_>,
        kind: DocKind,
        pointer: &Pointer,
        file: &str,
        text: Option<&str>,
        facts: &DocFacts,
    ) -> Option<Vec<Finding>> {
        let key = (std::ptr::from_ref(json) as usize, kind, pointer.clone());
        self.take(key, file, text, facts)
    }

    /// [`KnownDocs::take_findings`] for a document of `kind` carried as `text` by the string
    /// at `carrier`: found without parsing the text again.
    pub fn take_carried(
        &mut self,
        kind: DocKind,
        carrier: &Pointer,
        file: &str,
        text: &str,
        facts: &DocFacts,
    ) -> Option<Vec<Finding>> {
        self.take((CARRIED, kind, carrier.clone()), file, Some(text), facts)
    }

    fn take(
        &mut self,
        key: (usize, DocKind, Pointer),
        file: &str,
        text: Option<&str>,
        facts: &DocFacts,
    ) -> Option<Vec<Finding>> {
        let kind = key.1;
        let known = self.docs.get_mut(&key)?;
        let same = known.checked.as_ref().is_some_and(|c| {
            c.file.as_deref().unwrap_or("-") == file
                && c.text.as_deref() == text
                && c.facts == *facts.for_kind(kind)
        });
        if !same {
            return None;
        }
        known.checked.take().map(|c| c.findings)
    }
}

/// Reads one policy document of `kind` leniently and validates it: the model (when the
/// document has a usable shape), with every error of the one validation as its
/// [`Policy::defects`], and the parser's errors. `text` is the document's own text when it
/// has one (for size limits), and `bound` an upper bound on its size without whitespace
/// when the reader knows one ([`Json::parse_in`]); `facts` say what the export knows
/// of its resource.
///
/// Inside [`collect`], a document read in place is recorded for the lint of the same tree:
/// its grammar errors, and, when the run lints it, the lint's rules' findings (the rules then
/// run here once, on one set of views, instead of once here and once in the lint).
pub fn read_policy(
    json: &Json<'_>,
    kind: DocKind,
    origin: Origin,
    text: Option<&str>,
    bound: Option<usize>,
    facts: &DocFacts,
) -> (Option<Policy>, Vec<ParseError>) {
    let file = origin.file.clone();
    // Pointers of a policy carried as text are relative to the text.
    let root = origin.root();
    let embedded = origin.embedded;
    // A document of the tree is recorded by its node; one carried as text, by the string
    // that carries it (its own tree is gone once read).
    let record_at = match embedded {
        true => (CARRIED, origin.pointer.clone()),
        false => (std::ptr::from_ref(json) as usize, root.clone()),
    };
    let (mut policy, errors) = Policy::from_json_lenient(json, kind, origin);
    // The lint's rules when this document is recorded. The lint leaves out AWS managed
    // policies (they are AWS's to fix), so their findings are not looked for here either;
    // were the lint to check them, it would find nothing recorded and run the rules itself.
    let recording = COLLECTING
        .with(|c| c.borrow().as_ref().map(|k| k.lint))
        .map(|lint| match kind {
            DocKind::AwsManaged => RuleSet::NONE,
            _ => lint,
        });
    let lint = recording.unwrap_or_default();
    let all_rules = lint != RuleSet::NONE;
    let rejecting = RULES.iter().any(|r| r.rejects(kind));
    let mut found: Option<Vec<Finding>> = None;
    if all_rules || (policy.is_some() && rejecting) {
        match crate::catalog::catalog() {
            Ok(catalog) => {
                let file_name = file.as_deref().unwrap_or("-");
                let doc =
                    PolicyDoc::new(file_name, kind, &root, json, text, &errors, facts, catalog)
                        .bounded(bound);
                let mut all = Vec::new();
                let run = RULES
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| lint.contains(*i) || r.rejects(kind));
                for (_, rule) in run {
                    let mut f = Findings::new(rule.meta());
                    rule.check_policy(&doc, &mut f);
                    match policy.as_mut().filter(|_| rule.rejects(kind)) {
                        Some(policy) if all_rules => add_defects(policy, f.items.iter().cloned()),
                        Some(policy) => add_defects(policy, f.items.drain(..)),
                        None => {}
                    }
                    all.extend(f.items);
                }
                found = Some(all);
            }
            // Fail closed: a document whose validity cannot be checked is not trusted.
            Err(e) => {
                if let Some(policy) = policy.as_mut().filter(|_| rejecting) {
                    policy.defects.push(Defect {
                        code: "XA0101",
                        pointer: Pointer::root(),
                        message: format!(
                            "cannot validate the document: AWS action data failed to load: {e}"
                        ),
                    });
                }
            }
        }
    }
    if recording.is_some() {
        let checked = found.filter(|_| all_rules).map(|findings| Checked {
            file,
            text: text.map(str::to_owned),
            facts: facts.for_kind(kind).clone(),
            findings,
        });
        COLLECTING.with(|c| {
            if let Some(known) = c.borrow_mut().as_mut() {
                let key = (record_at.0, kind, record_at.1);
                known.docs.insert(
                    key,
                    Known {
                        errors: errors.clone(),
                        checked,
                    },
                );
            }
        });
    }
    (policy, errors)
}

/// Adds the errors among `findings` to the policy's defects (once each).
fn add_defects(policy: &mut Policy, findings: impl IntoIterator<Item = Finding>) {
    for f in findings {
        let known = policy
            .defects
            .iter()
            .any(|d| d.code == f.rule.code && d.pointer == f.pointer);
        if f.default_severity() == Severity::Error && !known {
            policy.defects.push(Defect {
                code: f.rule.code,
                pointer: f.pointer,
                message: f.message,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes;

    #[test]
    fn every_lint_code_of_the_registry_has_one_rule_in_order() {
        let rules: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
        let registry: Vec<&str> = codes::ALL
            .iter()
            .filter(|m| m.family() == "XA")
            .map(|m| m.code)
            .collect();
        assert_eq!(rules, registry);
    }

    /// The diagnostics with `code` that lint gives `policy` read as `kind` (the kind the file
    /// name suggests when `None`): what a rule's unit tests assert on.
    pub(crate) fn findings_of(
        code: &str,
        policy: &serde_json::Value,
        kind: Option<DocKind>,
    ) -> Vec<crate::diagnostic::Diagnostic> {
        let opts = crate::lint::LintOptions {
            kind,
            ..crate::lint::LintOptions::default()
        };
        let catalog = crate::catalog::catalog().expect("catalog");
        crate::lint::lint_text("policy.json", &policy.to_string(), &opts, catalog)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == code)
            .collect()
    }
}
