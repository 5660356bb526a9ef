//! Helpers several rules share: what an action applies to, template placeholders, pattern
//! coverage and spelling suggestions.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::catalog::{Action, ArnKey, ResourceType, Service};
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
/// ([`crate::catalog::type_matches`]).
pub fn applicabilities<'s>(
    doc: &PolicyDoc<'_>,
    s: &'s StatementView<'_>,
) -> Option<&'s [Option<Applicability>]> {
    s.applicability
        .get_or_init(|| {
            let resources = statement_resources(doc, s)?;
            // Each ARN as the memo keeps it, worked out once for all the types tried.
            let resources: Vec<ArnKey<'_>> = resources.iter().map(|r| ArnKey::new(r)).collect();
            let mut seen: Vec<(&'static ResourceType, bool)> = Vec::new();
            let mut type_matches = |t: &'static ResourceType| -> bool {
                if let Some((_, m)) = seen.iter().find(|(x, _)| std::ptr::eq(*x, t)) {
                    return *m;
                }
                let m = resources.iter().any(|r| crate::catalog::type_matches(t, r));
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
        .as_deref()
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
    if differ_before_wildcards(wide.as_bytes(), narrow.as_bytes(), case) {
        return false;
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

/// Whether `wide` cannot cover `narrow` for a reason seen in their common start: past a
/// run of equal ASCII characters, one without a wildcard, `wide` ends while `narrow` goes
/// on, or the two have different ASCII characters, neither a wildcard. Every text `narrow`
/// matches (there is one) then differs from every text `wide` matches. Most pairs of values
/// one policy compares (two actions of a service, two ARNs) end here.
fn differ_before_wildcards(wide: &[u8], narrow: &[u8], case: Case) -> bool {
    let plain = |b: u8| b.is_ascii() && b != b'*' && b != b'?';
    let same = |a: u8, b: u8| match case {
        Case::Sensitive => a == b,
        Case::Insensitive => a.eq_ignore_ascii_case(&b),
    };
    let mut i = 0;
    loop {
        match (wide.get(i), narrow.get(i)) {
            (Some(&w), Some(&n)) if plain(w) && plain(n) => {
                if !same(w, n) {
                    return true;
                }
            }
            (None, Some(_)) => return true,
            _ => return false,
        }
        i += 1;
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

    proptest::proptest! {
        /// When the common start of two patterns shows that `wide` cannot cover `narrow`,
        /// a text `narrow` matches is not matched by `wide`: one of two fillings of its
        /// wildcards (stars empty, or not).
        #[test]
        fn a_difference_in_the_common_start_is_a_text_wide_misses(
            wide in "[aAé*?]{0,4}",
            narrow in "[aAé*?]{0,4}",
        ) {
            for case in [Case::Sensitive, Case::Insensitive] {
                if !differ_before_wildcards(wide.as_bytes(), narrow.as_bytes(), case) {
                    continue;
                }
                let glob = crate::pattern::Glob::new(&wide, case);
                let missed = [("", "a"), ("bé", "é")]
                    .iter()
                    .any(|(star, one)| !glob.is_match(&narrow.replace('*', star).replace('?', one)));
                proptest::prop_assert!(missed, "{:?}", case);
            }
        }
    }

    #[test]
    fn the_common_start_decides_only_before_wildcards() {
        let differ = |w: &str, n: &str| {
            differ_before_wildcards(w.as_bytes(), n.as_bytes(), Case::Insensitive)
        };
        assert!(differ("s3:GetObject", "s3:ListBucket"));
        assert!(differ("s3:Get", "S3:GETOBJECT"));
        assert!(!differ("s3:Get*", "s3:Get"));
        assert!(!differ("s3:G?t", "s3:Get"));
        assert!(!differ("s3:Get", "s3:G?t"));
        assert!(!differ("s3:GetObject", "S3:GETOBJECT"));
        assert!(!differ("é", "É"));
        assert!(differ_before_wildcards(b"a", b"A", Case::Sensitive));
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
