//! The lint rules, one file per rule (named by code and name), and the helpers several
//! rules share: what an action applies to, template placeholders, pattern coverage and
//! spelling suggestions.

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
pub mod xa0301_redundant_action;
pub mod xa0302_redundant_resource;
pub mod xa0303_redundant_statement;
pub mod xa0900_unmatched_suppression;
pub mod xa0901_unrecognized_file;

use std::cell::RefCell;

use crate::awsdata::{Action, ArnShape, ResourceType, Service};
use crate::lint::doc::{DocKind, Expansion, PolicyDoc, StatementView};
use crate::pattern::{Case, Glob};

/// Whether a `Resource` value is shaped like an ARN (`arn:` and six parts) or is `*`.
pub fn is_arn_shaped(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let mut parts = s.splitn(6, ':');
    parts.next() == Some("arn")
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.next().is_some_and(|p| !p.is_empty())
        && parts.count() == 3
}

/// The resources a statement applies to, for action checks: its `Resource` values that are
/// ARNs, or for a repository policy without `Resource`, the repository. `None` when the
/// statement has `NotResource`, no resource, `*`, or no ARN to check.
pub fn statement_resources(doc: &PolicyDoc<'_>, s: &StatementView<'_>) -> Option<Vec<String>> {
    match &s.resource {
        Some(r) if r.negated => None,
        Some(r) => {
            if r.values.iter().any(|v| v.text == "*") {
                return None;
            }
            let arns: Vec<String> = r
                .values
                .iter()
                .filter(|v| is_arn_shaped(v.text))
                .map(|v| v.text.to_owned())
                .collect();
            (!arns.is_empty()).then_some(arns)
        }
        None if doc.kind == DocKind::Repository => {
            let f = doc.facts;
            Some(vec![format!(
                "arn:aws:ecr:{}:{}:repository/{}",
                f.region.as_deref().unwrap_or("*"),
                f.account.as_deref().unwrap_or("*"),
                f.name.as_deref().unwrap_or("*")
            )])
        }
        None => None,
    }
}

/// What the actions an `Action` value covers apply to, among `resources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// At least one covered action applies to at least one resource.
    Applies,
    /// None applies; some covered action has resource types.
    NoResource,
    /// None applies, and every covered action is wildcard-only (only `"*"` grants it).
    WildcardOnly,
}

/// For each `Action` value of `s` (in order), what it applies to among the statement's
/// resources ([`statement_resources`]); `None` for the statement when it has no resources
/// to check, and for a value when it cannot be said (`*`, unknown service). Worked out
/// once per statement and shared by the rules that ask; each resource type is matched
/// once per statement, and each (ARN, resource type) pair once per thread
/// ([`TypeMatches`]).
pub fn applicabilities<'s>(
    doc: &PolicyDoc<'_>,
    s: &'s StatementView<'_>,
) -> Option<&'s [Option<Applicability>]> {
    s.applicability
        .get_or_init(|| {
            let resources = statement_resources(doc, s)?;
            TYPE_MATCHES.with(|memo| {
                let mut memo = memo.borrow_mut();
                let mut seen: Vec<(&'static ResourceType, bool)> = Vec::new();
                let mut type_matches = |t: &'static ResourceType| -> bool {
                    if let Some((_, m)) = seen.iter().find(|(x, _)| std::ptr::eq(*x, t)) {
                        return *m;
                    }
                    let m = resources.iter().any(|r| memo.matches(t, r));
                    seen.push((t, m));
                    m
                };
                Some(
                    s.expansions
                        .iter()
                        .map(|e| applicability(e, &mut type_matches))
                        .collect(),
                )
            })
        })
        .as_deref()
}

thread_local! {
    static TYPE_MATCHES: RefCell<TypeMatches> = RefCell::new(TypeMatches::default());
}

/// Which resource types the ARNs of policies can name, remembered per thread: the same
/// ARNs come back in statement after statement and file after file (one bucket in every
/// role's policy). Bounded: emptied when it reaches [`TypeMatches::CAP`] ARNs.
#[derive(Default)]
struct TypeMatches {
    /// By ARN: the types tried, by address in the `'static` catalog, and the answer.
    by_arn: foldhash::HashMap<Box<str>, Vec<(usize, bool)>>,
}

impl TypeMatches {
    const CAP: usize = 1 << 16;

    fn matches(&mut self, t: &'static ResourceType, arn: &str) -> bool {
        let id = std::ptr::from_ref(t) as usize;
        if let Some(m) = self
            .by_arn
            .get(arn)
            .and_then(|tried| tried.iter().find(|(x, _)| *x == id))
        {
            return m.1;
        }
        let m = t.shape_matches(&ArnShape::new(arn));
        if let Some(tried) = self.by_arn.get_mut(arn) {
            tried.push((id, m));
        } else {
            if self.by_arn.len() >= Self::CAP {
                self.by_arn.clear();
            }
            self.by_arn.insert(arn.into(), vec![(id, m)]);
        }
        m
    }
}

/// Applicability of one `Action` value, given which resource types the resources match.
fn applicability(
    expansion: &Expansion,
    type_matches: &mut dyn FnMut(&'static ResourceType) -> bool,
) -> Option<Applicability> {
    let Expansion::Actions(list) = expansion else {
        return None;
    };
    if list.is_empty() {
        return None;
    }
    let applies = |(service, action): &(&'static Service, &'static Action),
                   type_matches: &mut dyn FnMut(&'static ResourceType) -> bool| {
        action
            .resource_types
            .iter()
            .any(|r| match service.resource_type_of(r) {
                Some(t) => type_matches(t),
                // Inconsistent data: assume it applies rather than report a false finding.
                None => true,
            })
    };
    if list.iter().any(|pair| applies(pair, type_matches)) {
        return Some(Applicability::Applies);
    }
    if list.iter().all(|(_, a)| a.is_wildcard_only()) {
        Some(Applicability::WildcardOnly)
    } else {
        Some(Applicability::NoResource)
    }
}

/// The resource types (with their first ARN format) the actions of an expansion apply to,
/// for help texts: `bucket (arn:${Partition}:s3:::${BucketName})`.
pub fn resource_types_text(expansion: &Expansion) -> String {
    let Expansion::Actions(list) = expansion else {
        return String::new();
    };
    let mut out: Vec<String> = Vec::new();
    for (s, a) in list {
        for r in &a.resource_types {
            let text = match s.resource_type_of(r).and_then(|t| t.arn_formats.first()) {
                Some(f) => format!("`{}` (`{f}`)", r.name),
                None => format!("`{}`", r.name),
            };
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out.truncate(4);
    out.join(", ")
}

/// One unrendered placeholder found in a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'t> {
    /// The placeholder as written: `{bucket}`, `<account-id>`, `${var}`.
    pub text: &'t str,
    /// A `${…}` that would be a policy variable in a `2012-10-17` policy.
    pub variable_outside_2012: bool,
}

fn ident(s: &str, extra: &[char]) -> bool {
    let s = s.trim();
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(&c))
}

/// Template placeholders left in a value: `{name}` and `{{ name }}` (Python, Jinja),
/// `<name>` (documentation), and `${name}` (shell, Terraform, CloudFormation) — the last
/// only when it is no policy variable: outside a `2012-10-17` policy every `${…}` is
/// literal text; inside one, a `${…}` without a `service:` prefix (or with `::`, or a
/// Terraform `var.`/`local.`/`data.` reference) names no context key.
pub fn placeholders(text: &str, variables: bool) -> Vec<Placeholder<'_>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = text.get(i..).unwrap_or("");
        if rest.starts_with("${") {
            let Some(end) = rest.find('}') else { break };
            let inner = rest.get(2..end).unwrap_or("");
            let key = inner.split(',').next().unwrap_or("").trim();
            let escape = matches!(inner, "*" | "?" | "$");
            let not_a_key = !key.contains(':')
                || key.contains("::")
                || ["var.", "local.", "data.", "module."]
                    .iter()
                    .any(|p| key.starts_with(p));
            if !escape && (!variables || not_a_key) {
                out.push(Placeholder {
                    text: rest.get(..=end).unwrap_or(rest),
                    variable_outside_2012: !variables && !not_a_key,
                });
            }
            i += end + 1;
            continue;
        }
        if rest.starts_with('{') {
            let double = rest.starts_with("{{");
            let close = if double { "}}" } else { "}" };
            let open = if double { 2 } else { 1 };
            if let Some(end) = rest.find(close) {
                let inner = rest.get(open..end).unwrap_or("");
                let positional = !double && inner.trim().bytes().all(|c| c.is_ascii_digit());
                if positional || ident(inner, &['.', '-']) {
                    out.push(Placeholder {
                        text: rest.get(..end + close.len()).unwrap_or(rest),
                        variable_outside_2012: false,
                    });
                    i += end + close.len();
                    continue;
                }
            }
        }
        if rest.starts_with('<') {
            if let Some(end) = rest.find('>') {
                let inner = rest.get(1..end).unwrap_or("");
                if ident(inner, &['-', ' ']) && !inner.starts_with(' ') {
                    out.push(Placeholder {
                        text: rest.get(..=end).unwrap_or(rest),
                        variable_outside_2012: false,
                    });
                    i += end + 1;
                    continue;
                }
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Whether a value contains any unrendered placeholder.
pub fn has_placeholder(text: &str, variables: bool) -> bool {
    !placeholders(text, variables).is_empty()
}

fn has_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

/// Whether pattern `wide` matches everything pattern `narrow` matches (IAM `*`/`?`
/// wildcards). Conservative: `false` whenever it cannot be sure.
pub fn pattern_covers(wide: &str, narrow: &str, case: Case) -> bool {
    let eq = |a: &str, b: &str| match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(b),
    };
    if eq(wide, narrow) || wide == "*" {
        return true;
    }
    if !has_wildcard(narrow) {
        // Two literals: only equal ones cover each other (compared above; past ASCII, the
        // matcher's Unicode case folding decides).
        let ascii = case == Case::Sensitive || (wide.is_ascii() && narrow.is_ascii());
        if !has_wildcard(wide) && ascii {
            return false;
        }
        return Glob::new(wide, case).is_match(narrow);
    }
    match wide.strip_suffix('*') {
        Some(prefix) if !has_wildcard(prefix) => {
            narrow.get(..prefix.len()).is_some_and(|p| eq(p, prefix))
        }
        _ => false,
    }
}

/// The closest of `candidates` to `word` (case-insensitive edit distance at most 2, or at
/// most a third of the word), for "did you mean" help.
pub fn closest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let w = word.to_ascii_lowercase();
    let limit = (w.chars().count() / 3).clamp(1, 3);
    candidates
        .map(|c| (edit_distance(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, vars: bool) -> Vec<&str> {
        placeholders(text, vars)
            .into_iter()
            .map(|p| p.text)
            .collect()
    }

    #[test]
    fn finds_template_placeholders() {
        assert_eq!(found("arn:aws:s3:::{bucket}/*", true), vec!["{bucket}"]);
        assert_eq!(
            found("arn:aws:iam::<account-id>:root", true),
            vec!["<account-id>"]
        );
        assert_eq!(
            found("arn:aws:s3:::{{ bucket_name }}", true),
            vec!["{{ bucket_name }}"]
        );
        assert_eq!(found("arn:aws:s3:::{}/*", true), vec!["{}"]);
        assert_eq!(found("arn:aws:s3:::${bucket}/*", true), vec!["${bucket}"]);
        assert_eq!(
            found("arn:aws:s3:::${var.bucket}", true),
            vec!["${var.bucket}"]
        );
        assert_eq!(
            found("arn:aws:iam::${AWS::AccountId}:root", true),
            vec!["${AWS::AccountId}"]
        );
        assert!(found("arn:aws:s3:::b/${aws:username}/*", true).is_empty());
        assert!(found("arn:aws:s3:::b/${*}", true).is_empty());
        let p = placeholders("arn:aws:s3:::b/${aws:username}", false);
        assert!(p[0].variable_outside_2012);
        assert!(found("arn:aws:s3:::b/a<b", true).is_empty());
        assert!(found("{\"json\": 1}", true).is_empty());
    }

    #[test]
    fn coverage_is_conservative() {
        assert!(pattern_covers("s3:*", "s3:GetObject", Case::Insensitive));
        assert!(pattern_covers(
            "s3:Get*",
            "S3:GetObject*",
            Case::Insensitive
        ));
        assert!(!pattern_covers(
            "s3:GetObject",
            "s3:Get*",
            Case::Insensitive
        ));
        assert!(!pattern_covers("s3:?et*", "s3:G*", Case::Insensitive));
        assert!(pattern_covers(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/k",
            Case::Sensitive
        ));
        assert!(!pattern_covers(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::B/k",
            Case::Sensitive
        ));
    }

    #[test]
    fn suggestions() {
        let c = ["GetObject", "PutObject", "GetBucketAcl"];
        assert_eq!(closest("GetObjekt", c.iter().copied()), Some("GetObject"));
        assert_eq!(closest("Frobnicate", c.iter().copied()), None);
        assert!(is_arn_shaped("arn:aws:s3:::b"));
        assert!(!is_arn_shaped("Resource: arn:aws:s3:::b"));
        assert!(!is_arn_shaped("arn:aws:s3"));
    }
}
