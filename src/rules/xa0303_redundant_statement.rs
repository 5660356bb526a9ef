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

/// Whether statement `a` covers statement `b`.
fn covers(a: &StatementView<'_>, b: &StatementView<'_>) -> bool {
    let same = |k: &str| a.json.get(k) == b.json.get(k);
    a.allow.is_some()
        && a.allow == b.allow
        && same("Principal")
        && same("NotPrincipal")
        && (a.json.get("Condition").is_none() || same("Condition"))
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
        for (i, b) in st.iter().enumerate() {
            let peers = group_of
                .get(i)
                .and_then(|g| groups.get(*g))
                .map_or(&[][..], |(_, members)| members.as_slice());
            let by = peers
                .iter()
                .filter_map(|j| st.get(*j).map(|a| (*j, a)))
                .find(|(j, a)| *j != i && covers(a, b) && (!covers(b, a) || *j < i));
            if let Some((_, a)) = by {
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
