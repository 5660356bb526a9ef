//! ARN formats of resource types, matched against ARNs and ARN patterns from policies: whether
//! two patterns can name a common resource, with placeholders as character classes (a name
//! may hold `:`, as CloudWatch Logs `log-group:NAME:*` does), and condition-key templates.

use crate::pattern::{Case, Glob, Token};

/// An ARN or ARN pattern from a policy, tokenized for
/// [`crate::catalog::ResourceType::shape_matches`].
#[derive(Debug, Clone)]
pub struct ArnShape {
    pub(super) tokens: Vec<Tok>,
    /// The service segment, when it is literal text (no wildcard, no variable).
    pub(super) service: Option<Box<str>>,
}

impl ArnShape {
    /// Tokenizes `arn` (see [`crate::catalog::ResourceType::arn_matches`] for the syntax).
    pub fn new(arn: &str) -> ArnShape {
        ArnShape {
            tokens: arn_pattern_tokens(arn),
            service: literal_service(arn).map(Box::from),
        }
    }
}

/// The third `:`-separated segment of an ARN, when nothing in it can stand for other text.
pub(super) fn literal_service(arn: &str) -> Option<&str> {
    let service = arn.split(':').nth(2)?;
    (!service
        .bytes()
        .any(|b| matches!(b, b'*' | b'?' | b'$' | b'<')))
    .then_some(service)
}

/// The service segment all of a type's ARN formats spell literally, when they agree.
pub(super) fn common_literal_service(formats: &[String]) -> Option<Box<str>> {
    let mut found: Option<&str> = None;
    for f in formats {
        let s = literal_service(f)?;
        match found {
            Some(x) if x != s => return None,
            _ => found = Some(s),
        }
    }
    found.map(Box::from)
}

/// A set of characters a wildcard token may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Class {
    colon: bool,
    slash: bool,
}

pub(super) const ANY: Class = Class {
    colon: true,
    slash: true,
};
pub(super) const NO_COLON: Class = Class {
    colon: false,
    slash: true,
};
pub(super) const NO_COLON_SLASH: Class = Class {
    colon: false,
    slash: false,
};

impl Class {
    fn has(self, c: char) -> bool {
        (c != ':' || self.colon) && (c != '/' || self.slash)
    }
}

/// A pattern element: a literal character, exactly one character of a class,
/// or any run (possibly empty) of characters of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Lit(char),
    One(Class),
    Star(Class),
}

pub(super) fn push_placeholder(out: &mut Vec<Tok>, class: Class) {
    out.push(Tok::One(class));
    out.push(Tok::Star(class));
}

/// Splits `s` into characters and `${...}` placeholders (by their inner
/// text); with `angle`, `<...>` is a placeholder too (a few SAR condition
/// keys are spelt `s3:ExistingObjectTag/<key>`).
pub(super) fn split_placeholders(s: &str, angle: bool) -> Vec<Result<char, &str>> {
    // At most one part a character.
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // The characters before the next `$` or `<`, which alone can open a placeholder.
        let plain = memchr::memchr2(b'$', b'<', rest.as_bytes()).unwrap_or(rest.len());
        if plain > 0 {
            let (chars, after) = rest.split_at_checked(plain).unwrap_or((rest, ""));
            out.extend(chars.chars().map(Ok));
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                out.push(Err(&after[..end]));
                rest = &after[end + 1..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('<').filter(|_| angle) {
            if let Some(end) = after.find('>').filter(|e| *e > 0) {
                out.push(Err(&after[..end]));
                rest = &after[end + 1..];
                continue;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(Ok(c));
        }
        rest = chars.as_str();
    }
    out
}

/// Tokens of an SAR ARN format (see [`ResourceType::arn_matches`]).
pub(super) fn arn_format_tokens(format: &str) -> Vec<Tok> {
    let parts = split_placeholders(format, false);
    // Index of the first element of the resource part (after the fifth ':').
    let mut colons = 0;
    let mut resource_start = parts.len();
    for (i, p) in parts.iter().enumerate() {
        if *p == Ok(':') {
            colons += 1;
            if colons == 5 {
                resource_start = i + 1;
                break;
            }
        }
    }
    let last = parts.len().saturating_sub(1);
    let mut out = Vec::with_capacity(parts.len() + 8);
    for (i, p) in parts.iter().enumerate() {
        match *p {
            Ok('*') => out.push(Tok::Star(ANY)),
            Ok(c) => out.push(Tok::Lit(c)),
            Err(name) => {
                let class = if name.len() > 3 && name.to_ascii_lowercase().ends_with("arn") {
                    ANY
                } else if i < resource_start {
                    NO_COLON
                } else if i == resource_start {
                    NO_COLON_SLASH
                } else if i == last {
                    ANY
                } else {
                    NO_COLON
                };
                push_placeholder(&mut out, class);
            }
        }
    }
    out
}

/// Tokens of an ARN or ARN pattern from a policy (see [`ResourceType::arn_matches`]).
pub(super) fn arn_pattern_tokens(arn: &str) -> Vec<Tok> {
    let parts = split_placeholders(arn, false);
    let mut out = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        match *p {
            Ok('*') => {
                let segment_end = matches!(parts.get(i + 1), None | Some(Ok(':')));
                out.push(Tok::Star(if segment_end { ANY } else { NO_COLON }));
            }
            Ok('?') => out.push(Tok::One(NO_COLON)),
            Ok(c) => out.push(Tok::Lit(c)),
            Err("*") => out.push(Tok::Lit('*')),
            Err("?") => out.push(Tok::Lit('?')),
            Err("$") => out.push(Tok::Lit('$')),
            Err(_) => push_placeholder(&mut out, NO_COLON),
        }
    }
    out
}

/// The variable tail some SAR condition keys spell without `${...}`: the `tag-key` of
/// `secretsmanager:ResourceTag/tag-key`, or nothing at all (`glacier:ResourceTag/`).
pub(super) fn literal_variable_tail(name: &str) -> Option<usize> {
    const TAIL: &str = "/tag-key";
    let tag_key = name
        .len()
        .checked_sub(TAIL.len())
        .and_then(|at| name.as_bytes().get(at..))
        .is_some_and(|t| t.eq_ignore_ascii_case(TAIL.as_bytes()));
    if tag_key {
        Some(name.len() - "tag-key".len())
    } else if name.ends_with('/') {
        Some(name.len())
    } else {
        None
    }
}

/// Whether a condition-key name from the data has a variable part: `${...}`, `<...>`,
/// or a variable tail ([`literal_variable_tail`]).
pub(super) fn has_variable(name: &str) -> bool {
    name.contains("${") || name.contains('<') || literal_variable_tail(name).is_some()
}

/// A condition-key name (or key prefix) from the data as a case-insensitive wildcard
/// pattern: each variable part ([`has_variable`]) is any non-empty text, the rest is
/// literal.
pub(super) fn key_pattern(template: &str) -> Glob {
    let (body, tail) = match literal_variable_tail(template) {
        Some(at) => (template.get(..at).unwrap_or(template), true),
        None => (template, false),
    };
    let mut lits: Vec<String> = Vec::new();
    // Each part: a literal run (its index in `lits`) or a variable (`None`).
    let mut parts: Vec<Option<usize>> = Vec::new();
    let mut run = String::new();
    for p in split_placeholders(body, true) {
        match p {
            Ok(c) => run.push(c),
            Err(_) => {
                if !run.is_empty() {
                    parts.push(Some(lits.len()));
                    lits.push(std::mem::take(&mut run));
                }
                parts.push(None);
            }
        }
    }
    if !run.is_empty() {
        parts.push(Some(lits.len()));
        lits.push(run);
    }
    if tail {
        parts.push(None);
    }
    let mut tokens = Vec::with_capacity(parts.len() * 2);
    for p in parts {
        match p.and_then(|i| lits.get(i)) {
            Some(l) => tokens.push(Token::Lit(l)),
            None => {
                tokens.push(Token::One);
                tokens.push(Token::Any);
            }
        }
    }
    Glob::from_tokens(&tokens, Case::Insensitive)
}

/// Whether `name`, a concrete condition key from a policy, is an instance of
/// `template`, a key from the data with a variable part (`aws:ResourceTag/team` of
/// `aws:ResourceTag/${TagKey}`). A template without a variable part matches nothing
/// here: compare such names directly.
pub(super) fn key_template_matches(template: &str, name: &str) -> bool {
    if !has_variable(template) {
        return false;
    }
    // Cheap pre-test: the literal text before the first variable is a prefix of `name`.
    let head_len = template
        .find(['$', '<'])
        .or_else(|| literal_variable_tail(template))
        .unwrap_or(template.len());
    let head = template.get(..head_len).unwrap_or("");
    match name.get(..head.len()) {
        Some(h) if h.eq_ignore_ascii_case(head) => key_pattern(template).is_match(name),
        _ => false,
    }
}

/// Whether one character can be consumed by both tokens.
pub(super) fn compatible(a: Tok, b: Tok) -> bool {
    match (a, b) {
        (Tok::Lit(x), Tok::Lit(y)) => x == y,
        (Tok::Lit(x), Tok::One(c) | Tok::Star(c)) | (Tok::One(c) | Tok::Star(c), Tok::Lit(x)) => {
            c.has(x)
        }
        // Every class contains ordinary letters.
        _ => true,
    }
}

/// Whether some string matches both token sequences (intersection of two
/// regular languages, explored over pairs of positions). `crate::pattern` matches a
/// pattern against text; here both sides are patterns (a policy's ARN pattern and an
/// ARN format), with placeholders restricted to character classes.
pub(super) fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        let (ta, tb) = (a.get(i).copied(), b.get(j).copied());
        if ta.is_none() && tb.is_none() {
            return true;
        }
        if let Some(Tok::Star(_)) = ta {
            stack.push((i + 1, j));
        }
        if let Some(Tok::Star(_)) = tb {
            stack.push((i, j + 1));
        }
        if let (Some(x), Some(y)) = (ta, tb) {
            if compatible(x, y) {
                let ni = if matches!(x, Tok::Star(_)) { i } else { i + 1 };
                let nj = if matches!(y, Tok::Star(_)) { j } else { j + 1 };
                if (ni, nj) != (i, j) {
                    stack.push((ni, nj));
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::catalog::test_support::{cat, rt};

    proptest::proptest! {
        /// Runs without `$` or `<` taken whole split as one character at a time would:
        /// the definition, read at every character position.
        #[test]
        fn placeholders_split_as_one_character_at_a_time(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                '$', '{', '}', '<', '>', 'a', ':', '/', '*', 'é',
            ]), 0..30),
            angle: bool,
        ) {
            let text: String = chars.into_iter().collect();
            let mut expected = Vec::new();
            let mut at = 0;
            while let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
                let closed = |open: &str, close: char, min: usize| {
                    let inner = rest.strip_prefix(open)?;
                    inner.find(close).filter(|e| *e >= min).map(|e| &inner[..e])
                };
                let inner = closed("${", '}', 0).or(closed("<", '>', 1).filter(|_| angle));
                match (inner, rest.chars().next()) {
                    (Some(i), _) => {
                        expected.push(Err(i));
                        at += i.len() + if rest.starts_with('$') { 3 } else { 2 };
                    }
                    (None, Some(c)) => {
                        expected.push(Ok(c));
                        at += c.len_utf8();
                    }
                    (None, None) => break,
                }
            }
            proptest::prop_assert_eq!(split_placeholders(&text, angle), expected);
        }
    }

    #[test]
    fn arn_matching() {
        let bucket = rt("s3", "bucket");
        let object = rt("s3", "object");
        assert!(object.arn_matches("arn:aws:s3:::bucket/*"));
        assert!(!bucket.arn_matches("arn:aws:s3:::bucket/*"));
        assert!(bucket.arn_matches("arn:aws:s3:::bucket"));
        assert!(!object.arn_matches("arn:aws:s3:::bucket"));
        assert!(object.arn_matches("arn:aws:s3:::bucket/dir/key:with:colons"));
        assert!(bucket.arn_matches("arn:aws:s3:::*"));
        assert!(object.arn_matches("arn:aws:s3:::*"));
        assert!(bucket.arn_matches("*"));
        assert!(bucket.arn_matches("arn:aws-cn:s3:::b?cket"));
        assert!(!bucket.arn_matches("arn:aws:s3:us-east-1:111111111111:bucket"));
        assert!(!bucket.arn_matches("arn:aws:sqs:::bucket"));
        // The service segment decides alone only when both sides spell it literally.
        assert!(bucket.arn_matches("arn:aws:s*:::bucket"));
        assert!(bucket.arn_matches("arn:aws:?3:::bucket"));
        assert!(bucket.arn_matches("arn:aws:*"));
        assert!(!object.arn_matches("arn:aws:S3:::bucket/key"));
        assert!(!object.arn_matches("arn:aws:kms:us-east-1:111111111111:key/*"));
        let shape = ArnShape::new("arn:aws:s3:::bucket/*");
        assert!(object.shape_matches(&shape) && !bucket.shape_matches(&shape));

        let repo = rt("ecr", "repository");
        assert!(repo.arn_matches("arn:aws:ecr:us-east-1:111111111111:repository/team/app"));
        assert!(repo.arn_matches("arn:aws:ecr:*:*:repository/*"));
        assert!(!repo.arn_matches("arn:aws:ecr:us-east-1:111111111111:repository/"));
        assert!(!repo.arn_matches("arn:aws:ecr:us-east-1:111111111111:registry/x"));

        let mp = rt("sagemaker", "model-package");
        assert!(mp.arn_matches("arn:aws:sagemaker:us-east-1:111111111111:model-package/grp/*"));
        assert!(!rt("sagemaker", "model-package-group")
            .arn_matches("arn:aws:sagemaker:us-east-1:111111111111:model-package/grp/*"));

        let func = rt("lambda", "function");
        assert!(func.arn_matches("arn:aws:lambda:us-east-1:111111111111:function:f"));
        // Qualified names: the function's last placeholder spans ':'.
        assert!(func.arn_matches("arn:aws:lambda:us-east-1:111111111111:function:f:prod"));
        assert!(func.arn_matches("arn:aws:lambda:us-east-1:111111111111:function:f:*"));
        assert!(!func.arn_matches("arn:aws:lambda:us-east-1:111111111111:layer:l"));
        assert!(rt("lambda", "function alias")
            .arn_matches("arn:aws:lambda:us-east-1:111111111111:function:f:prod"));
        // A '*' in the middle of a segment does not span ':'.
        assert!(!rt("lambda", "function alias")
            .arn_matches("arn:aws:lambda:us-east-1:111111111111:function:f*d"));
        // The first placeholder of the resource part still spans neither '/' nor ':'.
        assert!(!rt("sns", "topic").arn_matches("arn:aws:sns:us-east-1:111111111111:t:x"));

        let role = rt("iam", "role");
        assert!(role.arn_matches("arn:aws:iam::111111111111:role/path/to/r"));
        assert!(role.arn_matches("arn:aws:iam::111111111111:role/${aws:username}"));
        assert!(!role.arn_matches("arn:aws:iam::111111111111:user/u"));

        let s3 = cat().service("s3").expect("s3");
        let hits: Vec<&str> = s3
            .resource_types_matching("arn:aws:s3:::b/k")
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(hits, vec!["object"]);
    }

    #[test]
    fn names_with_colons_in_arns() {
        let group = rt("logs", "log-group");
        for arn in [
            "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/x:*",
            "arn:aws:logs:*:*:log-group:/aws/eks/*:*",
            "arn:aws:logs:*:*:log-group:/aws/rds/*:log-stream:*",
            "arn:aws:logs:us-east-1:111111111111:log-group:g",
        ] {
            assert!(group.arn_matches(arn), "{arn}");
        }
        assert!(!group.arn_matches("arn:aws:logs:us-east-1:111111111111:destination:d"));
        let snap = rt("rds", "snapshot");
        assert!(snap.arn_matches("arn:aws:rds:*:*:snapshot:awsbackup:*"));
        assert!(snap.arn_matches("arn:aws:rds:us-east-1:111111111111:snapshot:awsbackup:job-1"));
        assert!(
            !snap.arn_matches("arn:aws:rds:us-east-1:111111111111:cluster-snapshot:awsbackup:x")
        );
        assert!(rt("rds", "cluster-snapshot")
            .arn_matches("arn:aws:rds:*:*:cluster-snapshot:awsbackup:*"));
    }

    #[test]
    fn matcher_internals() {
        assert!(key_template_matches("a${X}b", "AXXB"));
        assert!(!key_template_matches("a${X}b", "ab"));
        assert!(!key_template_matches("ab", "ab"), "no variable part");
        assert!(key_template_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:existingobjecttag/t"
        ));
        assert!(key_template_matches(
            "secretsmanager:ResourceTag/tag-key",
            "secretsmanager:ResourceTag/team"
        ));
        assert!(key_template_matches(
            "glacier:ResourceTag/",
            "glacier:ResourceTag/team"
        ));
        assert!(!key_template_matches(
            "glacier:ResourceTag/",
            "glacier:ResourceTag/"
        ));
        assert!(key_pattern("agent.${Domain}.buildkite.dev").is_match("agent.acme.buildkite.dev"));
        assert!(intersects(
            &arn_format_tokens("arn:${P}:s:${R}:${A}:x/${N}"),
            &arn_pattern_tokens("arn:aws:s:*:*:x/n")
        ));
        assert!(arn_pattern_tokens("${*}") == vec![Tok::Lit('*')]);
    }
}
