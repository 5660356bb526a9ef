//! Condition operators against a request context (docs/semantics.md §3).
//!
//! * A key absent from the context: positive operators are false, negated operators and
//!   `…IfExists` true, `Null:true` true; `ForAnyValue` is false and `ForAllValues` true.
//!   An empty multi-valued key counts as absent.
//! * A multi-valued key under an operator without `ForAnyValue:`/`ForAllValues:` never
//!   matches, negated or not.
//! * Negated operators hold when the request value matches none of the policy values.
//! * A policy value with a policy variable that has no value matches nothing (so a negated
//!   operator holds); `super::statement` keeps an `Allow` that holds only so from granting.
//! * A request value its operator cannot read (a date that is not a date) is an evaluation
//!   error: the caller fails closed on the statement.

use std::net::IpAddr;

use base64::Engine as _;

use super::request::{Context, ContextValue};
use crate::arn::ArnGlob;
use crate::pattern::{Case, Glob};
use crate::policy::scalar::{parse_bool, parse_date, parse_ip_net, parse_number};
use crate::policy::{
    ArnValue, BaseOp, BoolValue, Condition, LikeValue, SetQualifier, StrValue, Values,
};

/// Does the condition hold? `Err` says why it cannot be decided.
pub fn holds(c: &Condition, ctx: &Context) -> Result<bool, String> {
    let entry = ctx.get_hashed(&c.key_lc, c.key_hash);
    let present: Option<&[String]> = match entry {
        None => None,
        Some(ContextValue::Multi(v)) if v.is_empty() => None,
        Some(v) => Some(v.as_slice()),
    };
    if let Values::Null(expect_absent) = &c.values {
        let absent = present.is_none();
        return Ok(expect_absent.contains(&absent));
    }
    let negated = c.op.base.is_negated();
    match c.op.set {
        None => match (present, entry) {
            (None, _) => Ok(c.op.if_exists || negated),
            (Some(_), Some(ContextValue::Multi(_))) => Ok(false),
            (Some(values), _) => match values {
                [one] => one_value(c, one, ctx),
                _ => Ok(false),
            },
        },
        Some(SetQualifier::ForAnyValue) => match present {
            None => Ok(c.op.if_exists),
            Some(values) => {
                for v in values {
                    if one_value(c, v, ctx)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        },
        Some(SetQualifier::ForAllValues) => match present {
            None => Ok(true),
            Some(values) => {
                for v in values {
                    if !one_value(c, v, ctx)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        },
    }
}

/// One request value against the condition's policy values: a positive operator holds when
/// some policy value matches, a negated one when none does.
fn one_value(c: &Condition, v: &str, ctx: &Context) -> Result<bool, String> {
    let any = any_match(c, v, ctx)?;
    Ok(if c.op.base.is_negated() { !any } else { any })
}

fn unreadable(c: &Condition, v: &str, what: &str) -> String {
    format!(
        "request value `{v}` of `{}` is not {what}, so `{}` cannot be decided",
        c.key, c.op.text
    )
}

fn any_match(c: &Condition, v: &str, ctx: &Context) -> Result<bool, String> {
    use BaseOp as B;
    Ok(match &c.values {
        Values::Strings(policy) => {
            let ignore_case = matches!(
                c.op.base,
                B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase
            );
            let folded;
            let v = if ignore_case {
                folded = v.to_lowercase();
                folded.as_str()
            } else {
                v
            };
            policy.iter().any(|p| match p {
                StrValue::Plain(p) => p == v,
                StrValue::Template(t) => t.resolve_text(|k| ctx.single(k)).is_some_and(|p| {
                    if ignore_case {
                        p.to_lowercase() == v
                    } else {
                        p == v
                    }
                }),
            })
        }
        Values::Likes(policy) => policy.iter().any(|p| match p {
            LikeValue::Plain(g) => g.is_match(v),
            LikeValue::Template(t) => t
                .resolve_tokens(|k| ctx.single(k))
                .is_some_and(|toks| Glob::from_tokens(&toks, Case::Sensitive).is_match(v)),
        }),
        Values::Arns(policy) => policy.iter().any(|p| match p {
            ArnValue::Plain(g) => g.is_match(v),
            ArnValue::Template(t) => t
                .resolve_text(|k| ctx.single(k))
                .is_some_and(|p| ArnGlob::new(&p).is_match(v)),
        }),
        Values::Numbers(policy) => {
            let n = parse_number(v).ok_or_else(|| unreadable(c, v, "a number"))?;
            policy.iter().any(|p| compare(c.op.base, n.partial_cmp(p)))
        }
        Values::Dates(policy) => {
            let d = parse_date(v).ok_or_else(|| unreadable(c, v, "a date"))?;
            policy.iter().any(|p| compare(c.op.base, Some(d.cmp(p))))
        }
        Values::Bools(policy) => {
            let Some(b) = parse_bool(v) else {
                return Err(unreadable(c, v, "`true` or `false`"));
            };
            let mut any = false;
            for p in policy {
                let value = match p {
                    BoolValue::Plain(p) => *p,
                    BoolValue::Template(t) => {
                        let text = t.resolve_text(|k| ctx.single(k)).unwrap_or_default();
                        parse_bool(&text).ok_or_else(|| {
                            format!(
                                "policy variable `{}` of `{}` resolves to `{text}`, which is not `true` or `false`",
                                t.source, c.key
                            )
                        })?
                    }
                };
                any |= value == b;
            }
            any
        }
        Values::Binary(policy) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .unwrap_or_else(|_| v.as_bytes().to_vec());
            policy.contains(&bytes)
        }
        Values::Ips(policy) => {
            let ip: IpAddr = match v.trim().parse::<IpAddr>() {
                Ok(ip) => ip,
                Err(_) => parse_ip_net(v)
                    .map(|n| n.addr())
                    .ok_or_else(|| unreadable(c, v, "an IP address"))?,
            };
            policy.iter().any(|n| n.contains(&ip))
        }
        Values::Null(_) => false,
    })
}

/// Applies an ordering operator (the positive form of negated ones: `NumericNotEquals`
/// compares as `NumericEquals` and the caller negates).
fn compare(op: BaseOp, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use BaseOp as B;
    let Some(ord) = ord else { return false };
    match op {
        B::NumericEquals | B::NumericNotEquals | B::DateEquals | B::DateNotEquals => ord == Equal,
        B::NumericLessThan | B::DateLessThan => ord == Less,
        B::NumericLessThanEquals | B::DateLessThanEquals => ord != Greater,
        B::NumericGreaterThan | B::DateGreaterThan => ord == Greater,
        B::NumericGreaterThanEquals | B::DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Origin, Policy};

    fn cond(op: &str, key: &str, values: &str) -> Condition {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{{"{op}":{{"{key}":{values}}}}}}}}}"#
        );
        let p =
            Policy::parse_text(&text, crate::policy::DocKind::Identity, Origin::default()).unwrap();
        p.statements[0].conditions[0].clone()
    }

    fn ctx(pairs: &[(&str, &[&str])]) -> Context {
        let mut c = Context::default();
        for (k, v) in pairs {
            let v = if v.len() == 1 && !k.ends_with("[]") {
                ContextValue::Single(v[0].to_string())
            } else {
                ContextValue::Multi(v.iter().map(|s| s.to_string()).collect())
            };
            c.insert(k.trim_end_matches("[]"), v);
        }
        c
    }

    fn h(op: &str, key: &str, values: &str, c: &[(&str, &[&str])]) -> bool {
        holds(&cond(op, key, values), &ctx(c)).unwrap()
    }

    #[test]
    fn string_family() {
        assert!(h("StringEquals", "k", r#""a""#, &[("k", &["a"])]));
        assert!(!h("StringEquals", "k", r#""a""#, &[("k", &["A"])]));
        assert!(h("StringEquals", "k", r#"["x","a"]"#, &[("k", &["a"])]));
        assert!(h("StringEqualsIgnoreCase", "k", r#""A""#, &[("k", &["a"])]));
        assert!(h("StringNotEquals", "k", r#"["x","y"]"#, &[("k", &["a"])]));
        assert!(!h("StringNotEquals", "k", r#"["x","a"]"#, &[("k", &["a"])]));
        assert!(h(
            "StringNotEqualsIgnoreCase",
            "k",
            r#""b""#,
            &[("k", &["A"])]
        ));
        assert!(h("StringLike", "k", r#""a*/x?""#, &[("k", &["ab:c/xy"])]));
        assert!(!h("StringLike", "k", r#""a*""#, &[("k", &["ba"])]));
        assert!(h("StringNotLike", "k", r#""a*""#, &[("k", &["ba"])]));
        assert!(
            h("StringEquals", "K", r#""a""#, &[("k", &["a"])]),
            "key names are case-insensitive"
        );
    }

    #[test]
    fn missing_keys() {
        assert!(!h("StringEquals", "k", r#""a""#, &[]));
        assert!(h("StringNotEquals", "k", r#""a""#, &[]));
        assert!(h("StringEqualsIfExists", "k", r#""a""#, &[]));
        assert!(!h("StringEqualsIfExists", "k", r#""a""#, &[("k", &["b"])]));
        assert!(h("NotIpAddress", "aws:SourceIp", r#""10.0.0.0/8""#, &[]));
        assert!(!h("Bool", "aws:MultiFactorAuthPresent", r#""true""#, &[]));
        assert!(h("Null", "k", r#""true""#, &[]));
        assert!(!h("Null", "k", r#""false""#, &[]));
        assert!(h("Null", "k", r#""false""#, &[("k", &["x"])]));
        assert!(
            h("Null", "k[]", r#""true""#, &[("k[]", &[])]),
            "empty list counts as absent"
        );
    }

    #[test]
    fn set_operators() {
        let multi: &[(&str, &[&str])] = &[("tags[]", &["a", "b"])];
        assert!(h("ForAnyValue:StringEquals", "tags", r#""a""#, multi));
        assert!(!h("ForAllValues:StringEquals", "tags", r#""a""#, multi));
        assert!(h(
            "ForAllValues:StringEquals",
            "tags",
            r#"["a","b","c"]"#,
            multi
        ));
        assert!(h("ForAllValues:StringEquals", "tags", r#""a""#, &[]));
        assert!(!h("ForAnyValue:StringEquals", "tags", r#""a""#, &[]));
        assert!(h("ForAnyValue:StringNotEquals", "tags", r#""a""#, multi));
        assert!(!h("ForAllValues:StringNotEquals", "tags", r#""a""#, multi));
        assert!(
            h("ForAnyValue:StringEquals", "k", r#""a""#, &[("k", &["a"])]),
            "single value is a one-element set"
        );
        assert!(
            !h("StringEquals", "tags", r#""a""#, multi),
            "plain operator on multi-valued key"
        );
        assert!(
            !h("StringNotEquals", "tags", r#""z""#, multi),
            "negated too"
        );
    }

    #[test]
    fn numeric_date_bool_binary_ip_arn() {
        let age: &[(&str, &[&str])] = &[("aws:MultiFactorAuthAge", &["100"])];
        assert!(h(
            "NumericLessThan",
            "aws:MultiFactorAuthAge",
            r#""3600""#,
            age
        ));
        assert!(h(
            "NumericLessThanEquals",
            "aws:MultiFactorAuthAge",
            "100",
            age
        ));
        assert!(!h(
            "NumericGreaterThan",
            "aws:MultiFactorAuthAge",
            r#""100""#,
            age
        ));
        assert!(h(
            "NumericGreaterThanEquals",
            "aws:MultiFactorAuthAge",
            r#""100.0""#,
            age
        ));
        assert!(h(
            "NumericNotEquals",
            "aws:MultiFactorAuthAge",
            r#""5""#,
            age
        ));
        let now: &[(&str, &[&str])] = &[("aws:CurrentTime", &["2023-03-01T10:00:00Z"])];
        assert!(h(
            "DateGreaterThan",
            "aws:CurrentTime",
            r#""2023-01-01T00:00:00Z""#,
            now
        ));
        assert!(h("DateLessThan", "aws:CurrentTime", r#""1700000000""#, now));
        assert!(h("DateEquals", "aws:CurrentTime", r#""1677664800""#, now));
        assert!(!h(
            "DateNotEquals",
            "aws:CurrentTime",
            r#""1677664800""#,
            now
        ));
        assert!(h(
            "DateGreaterThanEquals",
            "aws:CurrentTime",
            r#""2023-03-01T10:00:00Z""#,
            now
        ));
        assert!(h(
            "DateLessThanEquals",
            "aws:CurrentTime",
            r#""2023-03-01T10:00:00Z""#,
            now
        ));
        assert!(h(
            "Bool",
            "aws:SecureTransport",
            r#""false""#,
            &[("aws:SecureTransport", &["FALSE"])]
        ));
        assert!(h(
            "Bool",
            "aws:SecureTransport",
            "true",
            &[("aws:SecureTransport", &["true"])]
        ));
        assert!(
            holds(
                &cond("Bool", "aws:SecureTransport", r#""true""#),
                &ctx(&[("aws:SecureTransport", &["yes"])])
            )
            .is_err(),
            "a request value that is not a boolean cannot be decided"
        );
        assert!(h(
            "BinaryEquals",
            "k",
            r#""QmluYXJ5""#,
            &[("k", &["QmluYXJ5"])]
        ));
        assert!(!h(
            "BinaryEquals",
            "k",
            r#""QmluYXJ5""#,
            &[("k", &["QmluYXJa"])]
        ));
        let ip: &[(&str, &[&str])] = &[("aws:SourceIp", &["203.0.113.7"])];
        assert!(h(
            "IpAddress",
            "aws:SourceIp",
            r#"["198.51.100.0/24","203.0.113.0/24"]"#,
            ip
        ));
        assert!(!h("IpAddress", "aws:SourceIp", r#""203.0.113.8""#, ip));
        assert!(h("NotIpAddress", "aws:SourceIp", r#""10.0.0.0/8""#, ip));
        assert!(h(
            "IpAddress",
            "aws:SourceIp",
            r#""2001:db8::/32""#,
            &[("aws:SourceIp", &["2001:db8::5"])]
        ));
        let arn: &[(&str, &[&str])] = &[("aws:SourceArn", &["arn:aws:s3:::bucket/x"])];
        let cases = [
            ("ArnLike", r#""arn:aws:s3:::bucket/*""#, true),
            ("ArnEquals", r#""arn:aws:s3:::bucket/*""#, true),
            ("ArnLike", r#""arn:aws:s3:::other/*""#, false),
            ("ArnNotLike", r#""arn:aws:s3:::other/*""#, true),
            ("ArnNotEquals", r#""arn:aws:s3:::other/*""#, true),
        ];
        for (op, value, holds) in cases {
            assert_eq!(h(op, "aws:SourceArn", value, arn), holds, "{op} {value}");
        }
        assert!(
            !h("ArnLike", "aws:SourceArn", r#""arn:aws:*""#, arn),
            "a * cannot span segments"
        );
    }

    #[test]
    fn variables_in_condition_values() {
        let c: &[(&str, &[&str])] = &[
            ("aws:username", &["alice"]),
            ("s3:prefix", &["home/alice/x"]),
        ];
        assert!(h(
            "StringLike",
            "s3:prefix",
            r#""home/${aws:username}/*""#,
            c
        ));
        assert!(
            !h("StringLike", "s3:prefix", r#""home/${aws:userid}/*""#, c),
            "unresolved matches nothing"
        );
        assert!(
            h("StringNotLike", "s3:prefix", r#""home/${aws:userid}/*""#, c),
            "negated: unresolved never matches"
        );
        assert!(h(
            "StringEquals",
            "aws:username",
            r#""${aws:PrincipalTag/x, 'alice'}""#,
            c
        ));
    }

    #[test]
    fn unreadable_request_values_are_errors() {
        let c = cond("NumericLessThan", "aws:MultiFactorAuthAge", r#""3600""#);
        let e = holds(&c, &ctx(&[("aws:MultiFactorAuthAge", &["soon"])])).unwrap_err();
        assert!(e.contains("is not a number"), "{e}");
        let c = cond("DateLessThan", "aws:CurrentTime", r#""2020-01-01""#);
        assert!(holds(&c, &ctx(&[("aws:CurrentTime", &["later"])])).is_err());
        let c = cond("IpAddress", "aws:SourceIp", r#""10.0.0.0/8""#);
        assert!(holds(&c, &ctx(&[("aws:SourceIp", &["here"])])).is_err());
    }
}
