//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` and the escapes
//! `${*}`, `${?}`, `${$}` (semantics reference §2.5).
//!
//! Variables exist only in `"Version": "2012-10-17"` policies; elsewhere `${…}` is literal
//! text and no [`Template`] is built. A variable resolves to the value of a single-valued
//! context key (its name is case-insensitive); a missing key without a default leaves the
//! whole value unresolved, and an unresolved value matches nothing.

use crate::eval::Context;
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
    pub fn resolve_text(&self, ctx: &Context) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Escape(c) => out.push(*c),
                Part::Var { key, default } => out.push_str(var_value(ctx, key, default)?),
            }
        }
        Some(out)
    }

    /// The value as wildcard tokens: `*`/`?` in written text are wildcards, variable values
    /// and escapes are literal. `None` when a variable has no value and no default.
    pub fn resolve_tokens<'a>(&'a self, ctx: &'a Context) -> Option<Vec<Token<'a>>> {
        let mut out = Vec::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => push_wild_tokens(t, &mut out),
                Part::Escape('*') => out.push(Token::Lit("*")),
                Part::Escape('?') => out.push(Token::Lit("?")),
                Part::Escape(_) => out.push(Token::Lit("$")),
                Part::Var { key, default } => out.push(Token::Lit(var_value(ctx, key, default)?)),
            }
        }
        Some(out)
    }
}

fn var_value<'a>(ctx: &'a Context, key: &str, default: &'a Option<String>) -> Option<&'a str> {
    ctx.single(key).or(default.as_deref())
}

/// Splits written text into wildcard tokens.
pub fn push_wild_tokens<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '*' || c == '?' {
            if start < i {
                out.push(Token::Lit(&text[start..i]));
            }
            out.push(if c == '*' { Token::Any } else { Token::One });
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Token::Lit(&text[start..]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::ContextValue;

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
        assert_eq!(
            t("home/${AWS:UserName}/*").resolve_text(&ctx()).as_deref(),
            Some("home/alice/*")
        );
        assert_eq!(
            t("${aws:PrincipalTag/team, 'all'}")
                .resolve_text(&ctx())
                .as_deref(),
            Some("all")
        );
        assert_eq!(t("${aws:PrincipalTag/team}").resolve_text(&ctx()), None);
    }

    #[test]
    fn multivalued_keys_are_not_variables() {
        assert_eq!(t("${aws:PrincipalOrgPaths}").resolve_text(&ctx()), None);
    }

    #[test]
    fn escapes_are_literal_in_tokens() {
        let tpl = t("a${*}b*");
        let c = ctx();
        let toks = tpl.resolve_tokens(&c).unwrap();
        assert_eq!(
            toks,
            vec![
                Token::Lit("a"),
                Token::Lit("*"),
                Token::Lit("b"),
                Token::Any
            ]
        );
        assert_eq!(t("${$}{x}").resolve_text(&c).as_deref(), Some("${x}"));
    }

    #[test]
    fn unterminated_variable_is_an_error() {
        assert!(Template::parse("a${aws:username").is_err());
        assert_eq!(Template::parse("plain").unwrap(), MaybeTemplate::Plain);
    }
}
