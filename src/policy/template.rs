//! Policy variables and template placeholders.
//!
//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` and the escapes
//! `${*}`, `${?}`, `${$}` (docs/semantics.md §2.5).
//!
//! Variables exist only in `"Version": "2012-10-17"` policies; elsewhere `${…}` is literal
//! text and no [`Template`] is built. A variable resolves to the value of a single-valued
//! context key (its name is case-insensitive); a missing key without a default leaves the
//! whole value unresolved, and the statement that holds it is invalid: it does not apply.
//!
//! Template placeholders (`{bucket}`, `<account-id>`, `${var}`) are what a templating tool
//! left unrendered: [`placeholders`] finds them.

use crate::pattern::Token;

/// One part of a value that contains policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text as written; for `…Like` operators and resources `*` and `?` in it are wildcards.
    Text(String),
    /// A literal character from `${*}`, `${?}` or `${$}`.
    Escape(char),
    /// A context key, lowercased, with its default.
    Var {
        /// The key, lowercased.
        key: String,
        /// The value used when the key is absent.
        default: Option<String>,
    },
}

/// A value with at least one variable or escape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The value as written.
    pub source: String,
    /// Its parts.
    pub parts: Vec<Part>,
}

/// The result of splitting a value that may hold variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaybeTemplate {
    /// No `${`: the value is plain text.
    Plain,
    /// At least one variable or escape.
    Template(Template),
}

impl Template {
    /// Splits `text` into parts; `Err` when a `${` is never closed.
    #[allow(clippy::result_unit_err, reason = "the caller reports the whole value")]
    pub fn parse(text: &str) -> Result<MaybeTemplate, ()> {
        if !text.contains("${") {
            return Ok(MaybeTemplate::Plain);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or(())?;
            let inner = &after[..end];
            match inner {
                "*" => parts.push(Part::Escape('*')),
                "?" => parts.push(Part::Escape('?')),
                "$" => parts.push(Part::Escape('$')),
                _ => {
                    let (key, default) = match inner.split_once(',') {
                        Some((k, d)) => {
                            let d = d.trim();
                            let d = d
                                .strip_prefix('\'')
                                .and_then(|d| d.strip_suffix('\''))
                                .unwrap_or(d);
                            (k.trim(), Some(d.to_owned()))
                        }
                        None => (inner.trim(), None),
                    };
                    parts.push(Part::Var {
                        key: key.to_lowercase(),
                        default,
                    });
                }
            }
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(MaybeTemplate::Template(Template {
            source: text.to_owned(),
            parts,
        }))
    }

    /// The value with every variable replaced, as plain text (escapes become their
    /// character); `None` when a variable has no value and no default.
    /// `value_of` gives a (single-valued) key's value from the request context.
    pub fn resolve_text<'a>(
        &'a self,
        value_of: impl Fn(&str) -> Option<&'a str>,
    ) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Escape(c) => out.push(*c),
                Part::Var { key, default } => out.push_str(value_of(key).or(default.as_deref())?),
            }
        }
        Some(out)
    }

    /// The value as wildcard tokens: `*`/`?` in written text are wildcards, variable values
    /// and escapes are literal. `None` when a variable has no value and no default.
    pub fn resolve_tokens<'a>(
        &'a self,
        value_of: impl Fn(&str) -> Option<&'a str>,
    ) -> Option<Vec<Token<'a>>> {
        let mut out = Vec::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => crate::pattern::push_wild_tokens(t, &mut out),
                Part::Escape('*') => out.push(Token::Lit("*")),
                Part::Escape('?') => out.push(Token::Lit("?")),
                Part::Escape(_) => out.push(Token::Lit("$")),
                Part::Var { key, default } => {
                    out.push(Token::Lit(value_of(key).or(default.as_deref())?))
                }
            }
        }
        Some(out)
    }
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
    let mut i = 0;
    // Only `$`, `{` and `<` can open one: the text between is skipped in one search.
    while let Some(k) = text
        .as_bytes()
        .get(i..)
        .and_then(|r| memchr::memchr3(b'$', b'{', b'<', r))
    {
        i += k;
        let rest = text.get(i..).unwrap_or("");
        match placeholder_at(rest, variables) {
            Some((found, len)) => {
                out.extend(found);
                i += len;
            }
            // The byte found is ASCII, one character.
            None => i += 1,
        }
    }
    out
}

/// What opens at the start of `rest`: a placeholder (or a `${…}` that is none) and its
/// length, or `None` when nothing does.
fn placeholder_at(rest: &str, variables: bool) -> Option<(Option<Placeholder<'_>>, usize)> {
    if rest.starts_with("${") {
        let Some(end) = rest.find('}') else {
            // Unterminated: nothing after it opens one either.
            return Some((None, rest.len()));
        };
        let inner = rest.get(2..end).unwrap_or("");
        let key = inner.split(',').next().unwrap_or("").trim();
        let escape = matches!(inner, "*" | "?" | "$");
        let not_a_key = !key.contains(':')
            || key.contains("::")
            || ["var.", "local.", "data.", "module."]
                .iter()
                .any(|p| key.starts_with(p));
        let found = (!escape && (!variables || not_a_key)).then(|| Placeholder {
            text: rest.get(..=end).unwrap_or(rest),
            variable_outside_2012: !variables && !not_a_key,
        });
        return Some((found, end + 1));
    }
    if rest.starts_with('{') {
        let double = rest.starts_with("{{");
        let close = if double { "}}" } else { "}" };
        let open = if double { 2 } else { 1 };
        if let Some(end) = rest.find(close) {
            let inner = rest.get(open..end).unwrap_or("");
            let positional = !double && inner.trim().bytes().all(|c| c.is_ascii_digit());
            if positional || ident(inner, &['.', '-']) {
                let text = rest.get(..end + close.len()).unwrap_or(rest);
                return Some((
                    Some(Placeholder {
                        text,
                        variable_outside_2012: false,
                    }),
                    text.len(),
                ));
            }
        }
    }
    if rest.starts_with('<') {
        if let Some(end) = rest.find('>') {
            let inner = rest.get(1..end).unwrap_or("");
            if ident(inner, &['-', ' ']) && !inner.starts_with(' ') {
                let text = rest.get(..=end).unwrap_or(rest);
                return Some((
                    Some(Placeholder {
                        text,
                        variable_outside_2012: false,
                    }),
                    text.len(),
                ));
            }
        }
    }
    None
}

/// Whether a value contains any unrendered placeholder.
pub fn has_placeholder(text: &str, variables: bool) -> bool {
    !placeholders(text, variables).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Context, ContextValue};

    fn ctx() -> Context {
        let mut c = Context::default();
        c.insert("aws:username", ContextValue::Single("alice".into()));
        c.insert(
            "aws:PrincipalOrgPaths",
            ContextValue::Multi(vec!["o-1/r-1/".into()]),
        );
        c
    }

    fn t(s: &str) -> Template {
        match Template::parse(s).unwrap() {
            MaybeTemplate::Template(t) => t,
            MaybeTemplate::Plain => panic!("plain"),
        }
    }

    #[test]
    fn resolves_case_insensitive_keys_and_defaults() {
        let c = ctx();
        assert_eq!(
            t("home/${AWS:UserName}/*")
                .resolve_text(|k| c.single(k))
                .as_deref(),
            Some("home/alice/*")
        );
        assert_eq!(
            t("${aws:PrincipalTag/team, 'all'}")
                .resolve_text(|k| c.single(k))
                .as_deref(),
            Some("all")
        );
        assert_eq!(
            t("${aws:PrincipalTag/team}").resolve_text(|k| c.single(k)),
            None
        );
    }

    #[test]
    fn multivalued_keys_are_not_variables() {
        let c = ctx();
        assert_eq!(
            t("${aws:PrincipalOrgPaths}").resolve_text(|k| c.single(k)),
            None
        );
    }

    #[test]
    fn escapes_are_literal_in_tokens() {
        let tpl = t("a${*}b*");
        let c = ctx();
        let toks = tpl.resolve_tokens(|k| c.single(k)).unwrap();
        assert_eq!(
            toks,
            vec![
                Token::Lit("a"),
                Token::Lit("*"),
                Token::Lit("b"),
                Token::Any
            ]
        );
        assert_eq!(
            t("${$}{x}").resolve_text(|k| c.single(k)).as_deref(),
            Some("${x}")
        );
    }

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

    proptest::proptest! {
        /// Jumping from one `$`, `{` or `<` to the next finds what trying every character
        /// finds.
        #[test]
        fn skipping_to_openers_finds_what_every_position_finds(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                '$', '{', '}', '<', '>', ':', '.', '-', ' ', ',', '*', '0', 'a', 'Z', '_', 'é', '✓',
            ]), 0..40),
            variables: bool,
        ) {
            let text: String = chars.into_iter().collect();
            let mut slow = Vec::new();
            let mut i = 0;
            while let Some(rest) = text.get(i..).filter(|r| !r.is_empty()) {
                match placeholder_at(rest, variables) {
                    Some((found, len)) => {
                        slow.extend(found);
                        i += len;
                    }
                    None => i += rest.chars().next().map_or(1, char::len_utf8),
                }
            }
            proptest::prop_assert_eq!(placeholders(&text, variables), slow);
        }
    }

    #[test]
    fn unterminated_variable_is_an_error() {
        assert!(Template::parse("a${aws:username").is_err());
        assert_eq!(Template::parse("plain").unwrap(), MaybeTemplate::Plain);
    }
}
