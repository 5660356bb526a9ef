//! `XA0303 redundant-statement`: a statement that another statement of the same policy
//! already covers.

use std::hash::{BuildHasher, Hash, Hasher};

use crate::diagnostic::codes;
use crate::json::Json;
use crate::pattern::Case;
use crate::rules::doc::{PolicyDoc, StatementView, StringsElement};
use crate::rules::shared::pattern_covers;
use crate::rules::{Findings, Rule};

/// `XA0303 redundant-statement`.
pub struct RedundantStatement;

fn covers_all(
    wide: Option<&StringsElement<'_>>,
    narrow: Option<&StringsElement<'_>>,
    case: Case,
) -> bool {
    match (wide, narrow) {
        (None, None) => true,
        (Some(w), Some(n)) if !w.negated && !n.negated && !n.values.is_empty() => {
            n.values.iter().all(|v| {
                w.values
                    .iter()
                    .any(|x| pattern_covers(x.text, v.text, case))
            })
        }
        _ => false,
    }
}

/// Whether statement `a` covers statement `b`, each given with its `Condition` when it has
/// one. Both are of one group: the same effect and principals ([`Principals::same_as`]).
fn covers(
    (a, a_condition): (&StatementView<'_>, Option<&Json<'_>>),
    (b, b_condition): (&StatementView<'_>, Option<&Json<'_>>),
) -> bool {
    a.allow.is_some()
        && (a_condition.is_none() || a_condition == b_condition)
        && covers_all(a.action.as_ref(), b.action.as_ref(), Case::Insensitive)
        && covers_all(a.resource.as_ref(), b.resource.as_ref(), Case::Sensitive)
}

fn label(s: &StatementView<'_>) -> String {
    match &s.sid {
        Some(sid) => format!("statement {} (`{}`)", s.index, sid.text),
        None => format!("statement {}", s.index),
    }
}

/// A statement's effect and principals as written: statements with different ones never
/// cover each other.
struct Principals<'d> {
    allow: Option<bool>,
    principal: Option<&'d Json<'d>>,
    not_principal: Option<&'d Json<'d>>,
}

impl<'d> Principals<'d> {
    fn of(s: &StatementView<'d>) -> Principals<'d> {
        Principals {
            allow: s.allow,
            principal: s.json.get("Principal"),
            not_principal: s.json.get("NotPrincipal"),
        }
    }

    fn hash(&self) -> u64 {
        let mut h = foldhash::fast::FixedState::default().build_hasher();
        self.allow.hash(&mut h);
        for j in [self.principal, self.not_principal] {
            match j {
                Some(j) => {
                    h.write_u8(1);
                    hash_json(j, &mut h);
                }
                None => h.write_u8(0),
            }
        }
        h.finish()
    }

    /// The same effect, and principals written alike: equal JSON, numbers written the same
    /// (`-0.0` and `0.0` are equal numbers but not written alike).
    fn same_as(&self, other: &Principals<'_>) -> bool {
        let alike = |a: Option<&Json<'_>>, b: Option<&Json<'_>>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => written_alike(a, b),
            _ => false,
        };
        self.allow == other.allow
            && alike(self.principal, other.principal)
            && alike(self.not_principal, other.not_principal)
    }
}

/// Feeds the shape and strings of `j` to `h` (numbers by kind only: [`written_alike`]
/// compares them).
fn hash_json(j: &Json<'_>, h: &mut impl Hasher) {
    match j {
        Json::Null => h.write_u8(0),
        Json::Bool(b) => h.write_u8(1 + u8::from(*b)),
        Json::Number(_) => h.write_u8(3),
        Json::String(s) => {
            h.write_u8(4);
            s.as_ref().hash(h);
        }
        Json::Array(items) => {
            h.write_u8(5);
            h.write_usize(items.len());
            for j in items {
                hash_json(j, h);
            }
        }
        Json::Object(members) => {
            h.write_u8(6);
            h.write_usize(members.len());
            for (k, v) in members {
                k.as_ref().hash(h);
                hash_json(v, h);
            }
        }
    }
}

/// Equal JSON with every number written the same.
fn written_alike(a: &Json<'_>, b: &Json<'_>) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y && x.to_string() == y.to_string(),
        (Json::Array(xs), Json::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| written_alike(x, y))
        }
        (Json::Object(xs), Json::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .zip(ys)
                    .all(|((k, x), (l, y))| k == l && written_alike(x, y))
        }
        (a, b) => a == b,
    }
}

impl Rule for RedundantStatement {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::REDUNDANT_STATEMENT
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Statements compare pairwise: on a document larger than AWS accepts (XA0111) the
        // rule does not run, so lint stays linear in the size of its input.
        if doc.oversized() {
            return;
        }
        let st = doc.statements();
        // Only statements with the same effect and principals can cover each other: each
        // statement's group, found by a hash of its principals and confirmed by comparing
        // them as written.
        let mut groups: Vec<(Principals<'_>, Vec<usize>)> = Vec::new();
        let mut by_hash: foldhash::HashMap<u64, Vec<usize>> = foldhash::HashMap::default();
        let mut group_of = Vec::with_capacity(st.len());
        for (i, s) in st.iter().enumerate() {
            let key = Principals::of(s);
            let candidates = by_hash.entry(key.hash()).or_default();
            let found = candidates
                .iter()
                .copied()
                .find(|g| groups.get(*g).is_some_and(|(other, _)| other.same_as(&key)));
            let g = match found {
                Some(g) => g,
                None => {
                    candidates.push(groups.len());
                    groups.push((key, Vec::new()));
                    groups.len() - 1
                }
            };
            if let Some((_, members)) = groups.get_mut(g) {
                members.push(i);
            }
            group_of.push(g);
        }
        // Each statement's `Condition`, looked up once for all its comparisons.
        let conditions: Vec<Option<&Json<'_>>> =
            st.iter().map(|s| s.json.get("Condition")).collect();
        let with_condition = |i: usize| Some((st.get(i)?, conditions.get(i).copied().flatten()));
        for i in 0..st.len() {
            let Some(pair) = with_condition(i) else {
                continue;
            };
            let b = pair.0;
            let peers = group_of
                .get(i)
                .and_then(|g| groups.get(*g))
                .map_or(&[][..], |(_, members)| members.as_slice());
            let by = peers
                .iter()
                .filter_map(|j| Some((*j, with_condition(*j)?)))
                .find(|(j, a)| *j != i && covers(*a, pair) && (!covers(pair, *a) || *j < i));
            if let Some((_, (a, _))) = by {
                out.report(
                    &b.pointer,
                    format!("{} is already covered by {}", label(b), label(a)),
                )
                .related(&a.pointer, "covering statement")
                .help("remove the statement, or merge what it adds into the covering one");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::catalog;
    use crate::lint::{lint_text, LintOptions};
    use serde_json::json;

    /// The pointers `XA0303` reports in a policy of `statements`, each with the pointer of
    /// the statement said to cover it.
    fn covered(statements: serde_json::Value) -> Vec<(String, String)> {
        let policy = json!({"Version": "2012-10-17", "Statement": statements});
        let out = lint_text(
            "policy.json",
            &policy.to_string(),
            &LintOptions::default(),
            catalog().expect("catalog"),
        );
        out.diagnostics
            .iter()
            .filter(|d| d.code == "XA0303")
            .map(|d| {
                let by = d.related.first().map(|r| r.location.pointer.to_string());
                (d.primary.pointer.to_string(), by.unwrap_or_default())
            })
            .collect()
    }

    fn pair(a: &str, b: &str) -> Vec<(String, String)> {
        vec![(a.to_owned(), b.to_owned())]
    }

    #[test]
    fn a_statement_inside_a_wider_one_is_reported() {
        let get =
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k"});
        let wide = json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"});
        assert_eq!(
            covered(json!([get, wide])),
            pair("/Statement/0", "/Statement/1")
        );
        assert_eq!(
            covered(json!([wide, get])),
            pair("/Statement/1", "/Statement/0")
        );
        // Of two equal statements, the later one.
        assert_eq!(
            covered(json!([get, get])),
            pair("/Statement/1", "/Statement/0")
        );
    }

    #[test]
    fn effect_principals_and_conditions_must_allow_it() {
        let get = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        let none: Vec<(String, String)> = Vec::new();
        let mut deny = get.clone();
        deny["Effect"] = json!("Deny");
        assert_eq!(covered(json!([get, deny])), none);
        // A statement without a condition covers one with a condition; one with a
        // condition covers only statements with the same one.
        let mut cond = get.clone();
        cond["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}});
        assert_eq!(
            covered(json!([cond, get])),
            pair("/Statement/0", "/Statement/1")
        );
        assert_eq!(
            covered(json!([get, cond])),
            pair("/Statement/1", "/Statement/0")
        );
        assert_eq!(
            covered(json!([cond, cond])),
            pair("/Statement/1", "/Statement/0")
        );
        let mut other = cond.clone();
        other["Condition"] = json!({"Bool": {"aws:SecureTransport": "false"}});
        assert_eq!(covered(json!([cond, other])), none);
        // Different principals, or the same written differently: never compared.
        let with = |p: serde_json::Value| {
            let mut s = get.clone();
            s["Principal"] = p;
            s
        };
        let a = with(json!({"AWS": "arn:aws:iam::111111111111:root"}));
        let b = with(json!({"AWS": "arn:aws:iam::222222222222:root"}));
        let c = with(json!({"AWS": ["arn:aws:iam::111111111111:root"]}));
        assert_eq!(covered(json!([a, b])), none);
        assert_eq!(covered(json!([a, c])), none);
        assert_eq!(covered(json!([a, a])), pair("/Statement/1", "/Statement/0"));
        // `NotAction` and `NotResource` are not compared.
        let not = json!({"Effect": "Allow", "NotAction": "s3:GetObject", "Resource": "*"});
        assert_eq!(covered(json!([not, not])), none);
    }
}
