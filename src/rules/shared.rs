//! Helpers several rules share: what an action applies to, template placeholders, pattern
//! coverage and spelling suggestions.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::catalog::{Action, ArnShape, ResourceType, Service};
use crate::pattern::{has_wildcard, Case, Glob};
use crate::policy::{is_resource_value, DocKind};
pub use crate::rules::doc::Applicability;
use crate::rules::doc::{Expansion, PolicyDoc, StatementView, Value};

/// The resources a statement applies to, for action checks: its `Resource` values that are
/// ARNs, or for a repository policy without `Resource`, the repository. `None` when the
/// statement has `NotResource`, no resource, `*`, or no ARN to check.
pub fn statement_resources<'d>(
    doc: &PolicyDoc<'_>,
    s: &StatementView<'d>,
) -> Option<Vec<Cow<'d, str>>> {
    match &s.resource {
        Some(r) if r.negated => None,
        Some(r) => {
            if r.values.iter().any(|v| v.text == "*") {
                return None;
            }
            let arns: Vec<Cow<'d, str>> = r
                .values
                .iter()
                .filter(|v| is_resource_value(v.text))
                .map(|v| Cow::Borrowed(v.text))
                .collect();
            (!arns.is_empty()).then_some(arns)
        }
        None if doc.kind == DocKind::Repository => {
            let f = doc.facts;
            Some(vec![Cow::Owned(format!(
                "arn:aws:ecr:{}:{}:repository/{}",
                f.region.as_deref().unwrap_or("*"),
                f.account.as_deref().unwrap_or("*"),
                f.name.as_deref().unwrap_or("*")
            ))])
        }
        None => None,
    }
}

/// The values of a statement's `Action` (not `NotAction`), each with what it covers and
/// what it applies to; `None` when the statement has no `Action` or its applicability is
/// unknown.
pub fn action_applicabilities<'s, 'd>(
    doc: &PolicyDoc<'_>,
    s: &'s StatementView<'d>,
) -> Option<impl Iterator<Item = (&'s Value<'d>, &'s Expansion, &'s Option<Applicability>)>> {
    let a = s.action.as_ref().filter(|a| !a.negated)?;
    let apps = applicabilities(doc, s)?;
    Some(
        a.values
            .iter()
            .zip(s.expansions())
            .zip(apps)
            .map(|((v, e), app)| (v, e, app)),
    )
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
            // Each ARN as the memo keeps it, worked out once for all the types tried.
            let resources: Vec<Cow<'_, str>> = resources
                .iter()
                .map(|r| match any_account(r) {
                    Cow::Owned(o) => Cow::Owned(o),
                    Cow::Borrowed(_) => Cow::Borrowed(r.as_ref()),
                })
                .collect();
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
                    s.expansions()
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
    by_arn: foldhash::HashMap<Box<str>, Tried>,
}

/// What is known of one ARN: its shape, once a type was tried, and the types tried, by
/// address in the `'static` catalog, with the answer.
#[derive(Default)]
struct Tried {
    shape: Option<ArnShape>,
    types: Vec<(usize, bool)>,
}

impl TypeMatches {
    const CAP: usize = 1 << 16;

    /// Whether a resource of type `t` can be named by `arn`, an ARN as [`any_account`]
    /// writes it.
    fn matches(&mut self, t: &'static ResourceType, arn: &str) -> bool {
        if let Some(tried) = self.by_arn.get_mut(arn) {
            return tried.matches(t, arn);
        }
        if self.by_arn.len() >= Self::CAP {
            self.by_arn.clear();
        }
        let mut tried = Tried::default();
        let m = tried.matches(t, arn);
        self.by_arn.insert(arn.into(), tried);
        m
    }
}

impl Tried {
    fn matches(&mut self, t: &'static ResourceType, arn: &str) -> bool {
        let id = std::ptr::from_ref(t) as usize;
        if let Some((_, m)) = self.types.iter().find(|(x, _)| *x == id) {
            return *m;
        }
        let m = t.shape_matches(self.shape.get_or_insert_with(|| ArnShape::new(arn)));
        self.types.push((id, m));
        m
    }
}

/// `arn` with an account segment of 12 digits written as `000000000000`, so that the
/// same ARN in account after account is tried once. Exact: no ARN format of the catalog
/// spells a digit where an account's digits could stand (only variables and wildcards
/// meet them, and those take any digits alike); a test holds the catalog to that.
fn any_account(arn: &str) -> std::borrow::Cow<'_, str> {
    let mut colons = memchr::memchr_iter(b':', arn.as_bytes());
    let (Some(start), Some(end)) = (colons.nth(3), colons.next()) else {
        return arn.into();
    };
    match arn.get(start + 1..end) {
        Some(a) if a.len() == 12 && a != "000000000000" && crate::arn::is_account_id(a) => {
            let mut zeroed = arn.to_owned();
            zeroed.replace_range(start + 1..end, "000000000000");
            zeroed.into()
        }
        _ => arn.into(),
    }
}

/// By condition key: the actions asked about, by address in the `'static` catalog, and the
/// answers.
type KeySupport = foldhash::HashMap<Box<str>, Vec<(usize, bool)>>;

thread_local! {
    static KEY_SUPPORT: RefCell<KeySupport> = RefCell::default();
}

/// Whether `action` supports the condition key `key` ([`Action::supports_condition_key`]),
/// remembered per thread: policies name the same few keys with the same few actions in
/// account after account. Bounded: emptied when it reaches 4,096 keys.
pub fn supports_condition_key(action: &'static Action, key: &str) -> bool {
    const CAP: usize = 1 << 12;
    let id = std::ptr::from_ref(action) as usize;
    KEY_SUPPORT.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some((_, m)) = memo
            .get(key)
            .and_then(|tried| tried.iter().find(|(x, _)| *x == id))
        {
            return *m;
        }
        let m = action.supports_condition_key(key);
        if let Some(tried) = memo.get_mut(key) {
            tried.push((id, m));
        } else {
            if memo.len() >= CAP {
                memo.clear();
            }
            memo.insert(key.into(), vec![(id, m)]);
        }
        m
    })
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
    for (s, a) in list.iter() {
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

/// For S3 object actions (`s3:GetObject`, `s3:PutObject`…) granted on bucket ARNs: the
/// object ARNs the statement lacks (`arn:aws:s3:::my-bucket/*` for `arn:aws:s3:::my-bucket`),
/// for help texts. Empty when the expansion has no action on S3 objects or `s` names no
/// bucket.
pub fn missing_object_arns(expansion: &Expansion, s: &StatementView<'_>) -> Vec<String> {
    let Expansion::Actions(list) = expansion else {
        return Vec::new();
    };
    let on_objects = list
        .iter()
        .any(|(svc, a)| svc.prefix == "s3" && a.resource_types.iter().any(|r| r.name == "object"));
    let Some(r) = s.resource.as_ref().filter(|r| on_objects && !r.negated) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for v in &r.values {
        let Some(arn) = crate::arn::Arn::parse(v.text) else {
            continue;
        };
        if arn.service == "s3"
            && arn.region.is_empty()
            && arn.account.is_empty()
            && !arn.resource.is_empty()
            && !arn.resource.contains('/')
        {
            let object = format!("{}/*", v.text);
            if !out.contains(&object) {
                out.push(object);
            }
        }
    }
    out
}

pub use crate::policy::template::{has_placeholder, placeholders, Placeholder};

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
    // `prefix*` (the common wide pattern, `s3:Get*`): covers what starts with the prefix,
    // a literal or a pattern (past ASCII, case folding is left to the matcher below).
    if let Some(prefix) = wide.strip_suffix('*') {
        let ascii = case == Case::Sensitive || (prefix.is_ascii() && narrow.is_ascii());
        if ascii && !has_wildcard(prefix) {
            return narrow.get(..prefix.len()).is_some_and(|p| eq(p, prefix));
        }
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
    let len = w.chars().count();
    let limit = (len / 3).clamp(1, 3);
    candidates
        // The distance is at least the difference in length: candidates too long or too
        // short are not compared, which keeps a long word (a policy can be large) linear.
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
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

    #[test]
    fn prefixes_fold_case_as_the_matcher_does() {
        for (wide, narrow) in [
            ("é*", "É"),
            ("ß*", "SS"),
            ("K*", "\u{212a}"),
            ("s3:Get*", "S3:GETOBJECT"),
        ] {
            for case in [Case::Sensitive, Case::Insensitive] {
                let matched = crate::pattern::Glob::new(wide, case).is_match(narrow);
                assert_eq!(
                    pattern_covers(wide, narrow, case),
                    matched,
                    "{wide} {narrow} {case:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// On a literal, whether a pattern covers it is whether the pattern matches it, in
        /// either case mode: `prefix*` and other patterns, ASCII or not.
        #[test]
        fn a_pattern_covers_the_literals_it_matches(
            wide in "[aAbé:ÉßK*?]{0,6}",
            narrow in "[aAbé:ÉßkK]{0,7}",
        ) {
            for case in [Case::Sensitive, Case::Insensitive] {
                let matched = crate::pattern::Glob::new(&wide, case).is_match(&narrow);
                proptest::prop_assert_eq!(pattern_covers(&wide, &narrow, case), matched, "{:?}", case);
            }
        }
    }

    #[test]
    fn one_account_stands_for_every_account() {
        let any = |a: &str| any_account(a).into_owned();
        assert_eq!(
            any("arn:aws:iam::123456789012:role/x"),
            "arn:aws:iam::000000000000:role/x"
        );
        assert_eq!(
            any("arn:aws:ecr:us-east-1:123456789012:repository/a:b"),
            "arn:aws:ecr:us-east-1:000000000000:repository/a:b"
        );
        for kept in [
            "arn:aws:s3:::bucket-123456789012/*",
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:iam::*:role/x",
            "arn:aws:iam::aws:policy/x",
            "arn:aws:iam::1234567890123:role/x",
            "*",
        ] {
            assert_eq!(any(kept), kept);
        }
    }

    /// What makes [`any_account`] exact: in every ARN format of the catalog, the text
    /// between variables and wildcards never holds digits that stand alone between colons
    /// (or at the run's ends), so only variables and wildcards can meet an account's digits.
    #[test]
    fn no_arn_format_spells_an_account_digit() {
        let catalog = crate::catalog::catalog().unwrap();
        let mut formats = 0;
        for service in catalog.services() {
            for t in service.resource_types() {
                for f in &t.arn_formats {
                    formats += 1;
                    let mut rest = f.as_str();
                    let mut runs = Vec::new();
                    while let Some(i) = rest.find(['$', '*', '?']) {
                        runs.push(&rest[..i]);
                        rest = &rest[i..];
                        rest = match rest.strip_prefix("${") {
                            Some(r) => r.split_once('}').map_or("", |(_, r)| r),
                            None => &rest[1..],
                        };
                    }
                    runs.push(rest);
                    for run in runs {
                        for part in run.split(':') {
                            let digits =
                                !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
                            assert!(
                                !digits,
                                "`{f}` spells `{part}` where an account could stand"
                            );
                        }
                    }
                }
            }
        }
        assert!(formats > 2000, "{formats}");
    }

    #[test]
    fn a_type_matches_an_arn_as_it_matches_it_in_any_account() {
        let catalog = crate::catalog::catalog().unwrap();
        let arns = [
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:ecr:us-east-1:123456789012:repository/repo",
            "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
            "arn:aws:kms:us-east-1:123456789012:key/1234",
            "arn:aws:s3:::b/k",
            "arn:aws:iam::123456789012:*",
        ];
        for service in catalog.services() {
            for t in service.resource_types() {
                for arn in arns {
                    let direct = t.shape_matches(&ArnShape::new(arn));
                    let any = t.shape_matches(&ArnShape::new(&any_account(arn)));
                    assert_eq!(direct, any, "{} {arn}", t.name);
                }
            }
        }
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
        assert!(is_resource_value("arn:aws:s3:::b"));
        assert!(!is_resource_value("Resource: arn:aws:s3:::b"));
        assert!(!is_resource_value("arn:aws:s3"));
    }

    #[test]
    fn suggestions_for_a_long_word_take_linear_time() {
        // Comparing a 100,000-character action with a thousand names cell by cell takes
        // billions of steps; a name cannot be within the limit of a word that much longer.
        let names: Vec<String> = (0..1000).map(|i| format!("DescribeThing{i:05}")).collect();
        let long = format!("DescribeThing{}", "x".repeat(100_000));
        let start = std::time::Instant::now();
        assert_eq!(closest(&long, names.iter().map(String::as_str)), None);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        let near = "DescribeThin00042";
        assert_eq!(
            closest(near, names.iter().map(String::as_str)),
            Some("DescribeThing00042")
        );
    }
}
