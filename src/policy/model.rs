//! The checked policy model: only valid, normalized, compiled types. The evaluator never
//! re-checks shape; everything here was validated by [`super::parse`].

use std::sync::Arc;

use ipnet::IpNet;

use super::kind::{DocKind, PolicyKind};
use super::template::Template;
use crate::arn::{ArnGlob, ResourcePattern};
use crate::json::Pointer;
use crate::pattern::Glob;

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Version {
    /// `2012-10-17`: policy variables are resolved.
    V2012_10_17,
    /// `2008-10-17`: `${…}` is literal text.
    V2008_10_17,
    /// No `Version`: as `2008-10-17`.
    Absent,
}

impl Version {
    /// Whether `${…}` is a policy variable.
    pub fn has_variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

/// A checked, compiled policy document.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The part it plays in a decision.
    pub kind: PolicyKind,
    /// Where AWS stores it (what decided its validity).
    pub doc: DocKind,
    /// Where it came from, for traces: a file, or a name given by the caller.
    pub origin: Origin,
    /// `Version`.
    pub version: Version,
    /// `Id`.
    pub id: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
    /// What AWS would reject in this document (empty for a valid one): the errors of the
    /// one validation of its kind (`crate::rules::validate`). A rejected document cannot be
    /// in effect as written: kept only by lenient parsing, it never grants, and each of its
    /// statements that might apply makes a decision undecided (see [`Policy::is_rejected`]).
    pub defects: Vec<Defect>,
}

/// One reason AWS rejects a document: a rule code, where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    /// The rule code (`XA0106`).
    pub code: &'static str,
    /// Where, relative to the document's file (or policy text).
    pub pointer: Pointer,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} [{}]", self.pointer, self.message, self.code)
    }
}

impl From<&super::ParseError> for Defect {
    fn from(e: &super::ParseError) -> Defect {
        Defect {
            code: e.code(),
            pointer: e.pointer.clone(),
            message: e.kind.to_string(),
        }
    }
}

impl Policy {
    /// A document that could not be read at all, standing in for it so that decisions fail
    /// closed: one statement of which nothing can be read, so that it might deny or allow
    /// anything, and the reasons as defects.
    pub fn unreadable(doc: DocKind, origin: Origin, defects: Vec<Defect>) -> Policy {
        let pointer = origin.pointer.clone();
        Policy {
            kind: doc.role(),
            doc,
            origin,
            version: Version::Absent,
            id: None,
            statements: vec![Statement::unreadable(
                0,
                pointer,
                defects.iter().map(ToString::to_string).collect(),
            )],
            defects,
        }
    }

    /// Whether AWS would reject this document when it is written.
    pub fn is_rejected(&self) -> bool {
        !self.defects.is_empty()
    }
}

/// Where a policy came from.
///
/// A document is either a JSON value of its file (at [`Origin::pointer`]; the pointers of
/// its statements are pointers into the file) or, when [`Origin::embedded`], JSON text that an
/// export carries as a string at [`Origin::pointer`] (`{"Policy": "{\"Statement\": …}"}`); the
/// pointers of its statements are then pointers into that text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    /// The file, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Arc<str>>,
    /// A name (policy name, bucket name…), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Arc<str>>,
    /// Pointer of the policy document (or of the string that carries it) inside its file
    /// (empty for a whole file).
    #[serde(skip_serializing_if = "is_root")]
    pub pointer: Pointer,
    /// The document is JSON text inside the string at [`Origin::pointer`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub embedded: bool,
}

fn is_root(p: &Pointer) -> bool {
    p.as_str().is_empty()
}

impl Origin {
    /// A document carried as text in the string at `at` of `file`.
    pub fn embedded(file: Arc<str>, at: Pointer, name: Option<Arc<str>>) -> Origin {
        Origin {
            file: Some(file),
            name,
            pointer: at,
            embedded: true,
        }
    }

    /// The pointer the parser starts from: the document's place in its file, or the root of
    /// its own text.
    pub fn root(&self) -> Pointer {
        if self.embedded {
            Pointer::root()
        } else {
            self.pointer.clone()
        }
    }

    /// Where `at` (a pointer of this document's, as its statements carry) is, as a typed
    /// location: in the file, or inside the policy text an export carries.
    pub fn location(&self, at: &Pointer) -> crate::diagnostic::Location {
        let file = self.file.clone().unwrap_or_else(|| Arc::from("-"));
        let mut loc = crate::diagnostic::Location::new(file, self.pointer.clone());
        if self.embedded {
            // The whole document is the string that carries it.
            loc.embedded = (!at.as_str().is_empty()).then(|| at.clone());
        } else {
            loc.pointer = at.clone();
        }
        loc
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// Grants (or, in a boundary, session policy, SCP or RCP, permits).
    Allow,
    /// Denies, overriding every allow.
    Deny,
}

/// One statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Position in the policy's `Statement` array (0 for a lone object).
    pub index: usize,
    /// Where the statement is (see [`Statement::pointer`]).
    pub place: StatementPlace,
    /// `Sid`.
    pub sid: Option<Box<str>>,
    /// `Effect`; `None` when it cannot be read (a statement that might allow or deny).
    pub effect: Option<Effect>,
    /// `Principal` or `NotPrincipal`; `None` when the statement has neither (boxed: identity
    /// policies, most of the statements there are, have none).
    pub principal: Option<Box<PrincipalSet>>,
    /// `Action` or `NotAction`; `None` only in a defective statement.
    pub action: Option<ActionSet>,
    /// `Resource` or `NotResource`; `None` when the statement has neither (ECR repository and
    /// trust policies write it so).
    pub resource: Option<ResourceSet>,
    /// `Condition`: every entry must hold.
    pub conditions: Vec<Condition>,
    /// Some condition could not be read (it is left out of `conditions`): the statement
    /// holds at most "undecided" when every readable condition holds.
    pub conditions_partial: bool,
    /// The policy variables the statement uses (lowercased keys, and whether each has a
    /// default): an `Allow` that matches only through a variable without a value is
    /// undecided (docs/semantics.md §16).
    pub variables: Vec<(String, bool)>,
    /// Errors found in this statement (empty for a valid one). A defective statement is kept
    /// only by lenient parsing; evaluation never lets it allow, and lets it deny wherever it
    /// might apply.
    pub defects: Vec<String>,
}

impl Statement {
    /// A statement of which nothing can be read: it might allow or deny anything.
    pub fn unreadable(index: usize, pointer: Pointer, defects: Vec<String>) -> Statement {
        Statement {
            index,
            place: StatementPlace::at(pointer),
            sid: None,
            effect: None,
            principal: None,
            action: None,
            resource: None,
            conditions: Vec::new(),
            conditions_partial: true,
            variables: Vec::new(),
            defects,
        }
    }

    /// Pointer to the statement in its file (or in the policy text that carries it).
    pub fn pointer(&self) -> Pointer {
        self.place.pointer()
    }

    /// Pointer to one of the statement's conditions: `…/Condition/OPERATOR/KEY`.
    pub fn condition_pointer(&self, c: &Condition) -> Pointer {
        self.pointer().key("Condition").key(&c.op.text).key(&c.key)
    }

    /// Whether the statement is an `Allow` (a statement whose effect cannot be read is not).
    pub fn is_allow(&self) -> bool {
        self.effect == Some(Effect::Allow)
    }

    /// Whether the statement may allow: an `Allow`, or one whose effect cannot be read.
    pub fn may_allow(&self) -> bool {
        self.effect != Some(Effect::Deny)
    }

    /// Whether the statement may deny: a `Deny`, or one whose effect cannot be read.
    pub fn may_deny(&self) -> bool {
        self.effect != Some(Effect::Allow)
    }
}

/// Where a statement is: the pointer of its policy's `Statement` member, shared by every
/// statement of the policy, and its index there when that member is an array. A pointer per
/// statement would cost an allocation for each of the millions an organization holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementPlace {
    base: Arc<str>,
    item: Option<u32>,
}

impl StatementPlace {
    /// Item `item` of the array at `base` (or, for `None`, the object at `base`).
    pub fn new(base: Arc<str>, item: Option<usize>) -> StatementPlace {
        // An index past `u32::MAX` cannot occur: policies are at most a few megabytes.
        let item = item.map(|i| u32::try_from(i).unwrap_or(u32::MAX));
        StatementPlace { base, item }
    }

    /// The statement at `pointer`.
    pub fn at(pointer: Pointer) -> StatementPlace {
        StatementPlace::new(Arc::from(pointer.as_str()), None)
    }

    /// The pointer.
    pub fn pointer(&self) -> Pointer {
        let mut text = String::with_capacity(self.base.len() + 4);
        text.push_str(&self.base);
        if let Some(i) = self.item {
            text.push('/');
            text.push_str(itoa::Buffer::new().format(i));
        }
        Pointer::from_escaped(text)
    }
}

/// `Principal` (or, when `negated`, `NotPrincipal`).
#[derive(Debug, Clone, Default)]
pub struct PrincipalSet {
    /// `NotPrincipal`.
    pub negated: bool,
    /// Some value could not be read: the set names at least what it holds, maybe more.
    pub partial: bool,
    /// `"*"` or `{"AWS": "*"}`: everyone, anonymous callers included.
    pub everyone: bool,
    /// `AWS` values other than `*`.
    pub aws: Vec<AwsPrincipal>,
    /// `Service` values.
    pub service: Vec<String>,
    /// `Federated` values.
    pub federated: Vec<String>,
    /// `CanonicalUser` values.
    pub canonical_user: Vec<String>,
}

/// One value of `Principal.AWS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsPrincipal {
    /// `123456789012` or `arn:aws:iam::123456789012:root`: the account, delegating to its IAM.
    Account(String),
    /// `arn:aws:iam::A:user/path/name`.
    User {
        /// The ARN.
        arn: String,
    },
    /// `arn:aws:iam::A:role/path/name`: every session of the role.
    Role {
        /// The ARN.
        arn: String,
        /// Account id.
        account: String,
        /// Role name (without path).
        name: String,
    },
    /// `arn:aws:sts::A:assumed-role/ROLE/SESSION`: one session.
    AssumedRole {
        /// The ARN.
        arn: String,
    },
    /// `arn:aws:sts::A:federated-user/NAME`.
    FederatedUser {
        /// The ARN.
        arn: String,
    },
    /// A unique id (`AROA…`, `AIDA…`) left by a deleted user or role: matches nothing.
    UniqueId(String),
    /// Another IAM ARN (a group, an instance profile, a CloudFront origin access identity…):
    /// names no caller, matches nothing.
    Other(String),
}

/// `Action` (or, when `negated`, `NotAction`).
#[derive(Debug, Clone)]
pub struct ActionSet {
    /// `NotAction`.
    pub negated: bool,
    /// Some value could not be read: the set covers at least its patterns, maybe more.
    pub partial: bool,
    /// The values.
    pub patterns: Vec<Arc<ActionPattern>>,
}

/// One `Action` value (shared by the statements that write it the same way).
#[derive(Debug, PartialEq, Eq)]
pub struct ActionPattern {
    /// As the policy writes it (for messages; `glob` decides).
    pub written: Box<str>,
    /// The pattern, lowercase, matched without regard to case.
    pub glob: Glob,
}

/// `Resource` (or, when `negated`, `NotResource`).
#[derive(Debug, Clone)]
pub struct ResourceSet {
    /// `NotResource`.
    pub negated: bool,
    /// Some value could not be read: the set covers at least its patterns, maybe more.
    pub partial: bool,
    /// The values.
    pub patterns: Vec<Arc<ResourceValue>>,
}

/// One `Resource` value (one without policy variables is shared by the statements that
/// write it the same way).
#[derive(Debug)]
pub struct ResourceValue {
    /// As the policy writes it (for messages; `entry` decides).
    pub written: Box<str>,
    /// What it matches.
    pub entry: ResourceEntry,
}

/// One `Resource` value.
#[derive(Debug, Clone)]
pub enum ResourceEntry {
    /// No policy variables: compiled once.
    Static(ResourcePattern),
    /// Policy variables in the resource part: resolved for each request (boxed: rare, and
    /// it would triple the size of every entry).
    Template(Box<ResourceTemplate>),
    /// Policy variables outside the resource part, where AWS does not resolve them, or that
    /// cannot be read: what the value matches cannot be decided (the set is partial).
    Invalid,
}

/// A resource pattern with policy variables in its resource part.
#[derive(Debug, Clone)]
pub struct ResourceTemplate {
    /// `partition, service, region, account` as written.
    pub head: [String; 4],
    /// The resource part.
    pub resource: Template,
}

/// The operator family and its comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum BaseOp {
    /// `StringEquals`
    StringEquals,
    /// `StringNotEquals`
    StringNotEquals,
    /// `StringEqualsIgnoreCase`
    StringEqualsIgnoreCase,
    /// `StringNotEqualsIgnoreCase`
    StringNotEqualsIgnoreCase,
    /// `StringLike`
    StringLike,
    /// `StringNotLike`
    StringNotLike,
    /// `NumericEquals`
    NumericEquals,
    /// `NumericNotEquals`
    NumericNotEquals,
    /// `NumericLessThan`
    NumericLessThan,
    /// `NumericLessThanEquals`
    NumericLessThanEquals,
    /// `NumericGreaterThan`
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`
    NumericGreaterThanEquals,
    /// `DateEquals`
    DateEquals,
    /// `DateNotEquals`
    DateNotEquals,
    /// `DateLessThan`
    DateLessThan,
    /// `DateLessThanEquals`
    DateLessThanEquals,
    /// `DateGreaterThan`
    DateGreaterThan,
    /// `DateGreaterThanEquals`
    DateGreaterThanEquals,
    /// `Bool`
    Bool,
    /// `BinaryEquals`
    BinaryEquals,
    /// `IpAddress`
    IpAddress,
    /// `NotIpAddress`
    NotIpAddress,
    /// `ArnEquals`
    ArnEquals,
    /// `ArnLike`
    ArnLike,
    /// `ArnNotEquals`
    ArnNotEquals,
    /// `ArnNotLike`
    ArnNotLike,
    /// `Null`
    Null,
}

impl BaseOp {
    /// Every operator and its name.
    pub const ALL: [(&'static str, BaseOp); 27] = [
        ("StringEquals", BaseOp::StringEquals),
        ("StringNotEquals", BaseOp::StringNotEquals),
        ("StringEqualsIgnoreCase", BaseOp::StringEqualsIgnoreCase),
        (
            "StringNotEqualsIgnoreCase",
            BaseOp::StringNotEqualsIgnoreCase,
        ),
        ("StringLike", BaseOp::StringLike),
        ("StringNotLike", BaseOp::StringNotLike),
        ("NumericEquals", BaseOp::NumericEquals),
        ("NumericNotEquals", BaseOp::NumericNotEquals),
        ("NumericLessThan", BaseOp::NumericLessThan),
        ("NumericLessThanEquals", BaseOp::NumericLessThanEquals),
        ("NumericGreaterThan", BaseOp::NumericGreaterThan),
        ("NumericGreaterThanEquals", BaseOp::NumericGreaterThanEquals),
        ("DateEquals", BaseOp::DateEquals),
        ("DateNotEquals", BaseOp::DateNotEquals),
        ("DateLessThan", BaseOp::DateLessThan),
        ("DateLessThanEquals", BaseOp::DateLessThanEquals),
        ("DateGreaterThan", BaseOp::DateGreaterThan),
        ("DateGreaterThanEquals", BaseOp::DateGreaterThanEquals),
        ("Bool", BaseOp::Bool),
        ("BinaryEquals", BaseOp::BinaryEquals),
        ("IpAddress", BaseOp::IpAddress),
        ("NotIpAddress", BaseOp::NotIpAddress),
        ("ArnEquals", BaseOp::ArnEquals),
        ("ArnLike", BaseOp::ArnLike),
        ("ArnNotEquals", BaseOp::ArnNotEquals),
        ("ArnNotLike", BaseOp::ArnNotLike),
        ("Null", BaseOp::Null),
    ];

    /// Negated operators hold when the request value matches *none* of the policy values, and
    /// hold when the key is absent.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            BaseOp::StringNotEquals
                | BaseOp::StringNotEqualsIgnoreCase
                | BaseOp::StringNotLike
                | BaseOp::NumericNotEquals
                | BaseOp::DateNotEquals
                | BaseOp::NotIpAddress
                | BaseOp::ArnNotEquals
                | BaseOp::ArnNotLike
        )
    }
}

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SetQualifier {
    /// At least one request value must satisfy the operator.
    ForAnyValue,
    /// Every request value must satisfy the operator (vacuously true for none).
    ForAllValues,
}

/// A full condition operator: qualifier, base operator, `IfExists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The operator as written (shared by every key under it).
    pub text: Arc<str>,
    /// Set qualifier.
    pub set: Option<SetQualifier>,
    /// The comparison.
    pub base: BaseOp,
    /// `…IfExists`.
    pub if_exists: bool,
}

/// One policy value of a string-family operator.
#[derive(Debug, Clone)]
pub enum StrValue {
    /// Plain text.
    Plain(String),
    /// Text with policy variables (boxed, as in every value type: rare).
    Template(Box<Template>),
}

/// One policy value of `StringLike`/`StringNotLike`.
#[derive(Debug, Clone)]
pub enum LikeValue {
    /// Compiled once (shared by the conditions of a thread that write it the same way).
    Plain(Arc<Glob>),
    /// Compiled per request after resolving variables.
    Template(Box<Template>),
}

/// One policy value of `Bool`.
#[derive(Debug, Clone)]
pub enum BoolValue {
    /// `true` or `false`.
    Plain(bool),
    /// A policy variable, read as a boolean per request.
    Template(Box<Template>),
}

/// One policy value of an `Arn…` operator.
#[derive(Debug, Clone)]
pub enum ArnValue {
    /// Compiled once (shared by the conditions of a thread that write it the same way).
    Plain(Arc<ArnGlob>),
    /// Compiled per request after resolving variables.
    Template(Box<Template>),
}

/// The policy values of one condition, typed by operator family.
#[derive(Debug, Clone)]
pub enum Values {
    /// `String(Not)Equals`, `…IgnoreCase` (already lowercased for IgnoreCase).
    Strings(Vec<StrValue>),
    /// `String(Not)Like`.
    Likes(Vec<LikeValue>),
    /// `Numeric…`.
    Numbers(Vec<f64>),
    /// `Date…`, as nanoseconds since the Unix epoch.
    Dates(Vec<i128>),
    /// `Bool`.
    Bools(Vec<BoolValue>),
    /// `BinaryEquals`: decoded bytes.
    Binary(Vec<Vec<u8>>),
    /// `IpAddress`/`NotIpAddress`.
    Ips(Vec<IpNet>),
    /// `Arn…`: compiled patterns or templates.
    Arns(Vec<ArnValue>),
    /// `Null`: `true` means "the key must be absent".
    Null(Vec<bool>),
}

/// One condition: an operator applied to one key with its values.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The operator (the condition's pointer is [`Statement::condition_pointer`]).
    pub op: Operator,
    /// The key as written (shared by every condition that writes it so).
    pub key: Arc<str>,
    /// The key, lowercased for lookups.
    pub key_lc: Arc<str>,
    /// [`key_hash`] of `key_lc`.
    pub key_hash: u64,
    /// The values.
    pub values: Values,
}

/// A hash of a condition key, lowercased: condition keys are case-insensitive, and lookups
/// in a request context compare hashes before text (so equal hashes of different keys cost
/// only a comparison). ASCII keys, nearly all of them, are lowercased and hashed eight bytes
/// at a time.
pub fn key_hash(key: &str) -> u64 {
    if key.is_ascii() {
        lowercase_hash(key.as_bytes())
    } else {
        lowercase_hash(key.to_lowercase().as_bytes())
    }
}

/// Hashes `bytes` with their ASCII capitals lowercased (other bytes as they are).
fn lowercase_hash(bytes: &[u8]) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    const K: u64 = 0x517c_c1b7_2722_0a95;
    // Each byte below 0x80 plus `0x80 - c` has its high bit set exactly when it is at least
    // `c`; no sum carries into the next byte. Bytes from 0x80 up are left alone.
    let lower = |w: u64| {
        let low7 = w & !HIGH;
        let from_a = low7.wrapping_add(ONES * u64::from(0x80 - b'A'));
        let past_z = low7.wrapping_add(ONES * u64::from(0x80 - b'Z' - 1));
        w | ((from_a & !past_z & !w & HIGH) >> 2)
    };
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in words.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(w);
        h = mix(h, lower(u64::from_le_bytes(word)));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        // Byte by byte: a copy of a length not known in advance would call `memcpy`.
        let mut word = [0; 8];
        for (slot, &c) in word.iter_mut().zip(rest) {
            *slot = c;
        }
        h = mix(h, lower(u64::from_le_bytes(word)));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Json;

    #[test]
    fn key_hashes_ignore_ascii_case_and_only_it() {
        // Every ASCII byte, in every position of a word and of the tail.
        for len in 1..=17 {
            for b in 0u8..0x80 {
                for at in 0..len {
                    let mut k = vec![b'k'; len];
                    k[at] = b;
                    let k = String::from_utf8(k).unwrap();
                    assert_eq!(key_hash(&k), key_hash(&k.to_ascii_lowercase()), "{k:?}");
                    assert_eq!(key_hash(&k), key_hash(&k.to_ascii_uppercase()), "{k:?}");
                    if !b.is_ascii_alphabetic() && b != b'k' {
                        let other = k.replace(char::from(b), "k");
                        assert_ne!(key_hash(&k), key_hash(&other), "{k:?}");
                    }
                }
            }
        }
        // Non-ASCII text is lowercased as a whole, and its bytes are not taken for capitals.
        assert_eq!(
            key_hash("aws:PrincipalTag/ÄÖÜ"),
            key_hash("aws:principaltag/äöü")
        );
        assert_eq!(key_hash("ÁÉ"), key_hash("áé"));
        // Bytes from 0x80 up whose low seven bits spell a capital are not lowercased.
        for b in 0xc1..=0xdau8 {
            assert_ne!(lowercase_hash(&[b]), lowercase_hash(&[b | 0x20]));
        }
        assert_ne!(key_hash("a"), key_hash("a\0"));
        assert_ne!(key_hash("aws:SourceIp"), key_hash("aws:SourceVpc"));
    }

    #[test]
    fn statements_and_conditions_know_their_pointers() {
        // Two `Statement` members (a duplicate key AWS rejects, kept so that no `Deny` is
        // lost): the second's statements are numbered on, but point into their own array.
        let p = Policy::from_json_lenient(
            &Json::parse(
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
                {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"1","a/b~c":"2"}}}],
                "Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#,
            )
            .unwrap(),
            DocKind::Identity,
            Origin {
                pointer: Pointer::root().key("Policies").index(3).key("Document"),
                ..Origin::default()
            },
        )
        .0
        .unwrap();
        let pointers: Vec<String> = p
            .statements
            .iter()
            .map(|s| s.pointer().to_string())
            .collect();
        assert_eq!(
            pointers,
            [
                "/Policies/3/Document/Statement/0",
                "/Policies/3/Document/Statement/1",
                "/Policies/3/Document/Statement",
            ]
        );
        let s = &p.statements[1];
        let conditions: Vec<String> = s
            .conditions
            .iter()
            .map(|c| s.condition_pointer(c).to_string())
            .collect();
        assert_eq!(
            conditions,
            [
                "/Policies/3/Document/Statement/1/Condition/StringEquals/aws:SourceAccount",
                "/Policies/3/Document/Statement/1/Condition/StringEquals/a~1b~0c",
            ]
        );
        assert_eq!(
            p.statements.iter().map(|s| s.index).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }
}
