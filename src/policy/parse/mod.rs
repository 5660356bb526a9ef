//! JSON tree → checked [`Policy`]. Every error is collected, each with its JSON pointer.

mod condition;
mod principal;

pub use condition::parse_operator;
use principal::merge_principals;
mod shared;
pub use principal::{aws_principal, is_unique_id};

use std::sync::Arc;

use base64::Engine as _;

use super::err::{ParseError, ParseErrorKind as K, ParseErrors};
use super::kind::{DocKind, PolicyKind};
use super::model::*;
use super::scalar::{parse_bool, parse_date, parse_ip_net, parse_number};
use super::template::{has_placeholder, placeholders, MaybeTemplate, Part, Template};
use crate::arn::{is_account_id, Arn, ResourcePattern};
use crate::json::{Json, Pointer};

/// No AWS policy is larger: customer documents are capped at 131,072 characters by the
/// services' models (KMS key policies, the largest quota, at 32 KB), and AWS's own managed
/// policies reach 152,297 characters (`AWSSupportServiceRolePolicy`). A bound against
/// inputs made to exhaust memory, not a validity rule: each kind's limit is XA0111's.
pub const MAX_POLICY_BYTES: usize = 262_144;

impl Policy {
    /// Parses policy text. `origin.pointer` should be the root.
    pub fn parse_text(text: &str, kind: DocKind, origin: Origin) -> Result<Policy, ParseErrors> {
        let err = |kind| {
            ParseErrors(vec![ParseError {
                file: origin.file.clone(),
                carrier: origin.embedded.then(|| origin.pointer.clone()),
                pointer: Pointer::root(),
                kind,
            }])
        };
        if text.len() > MAX_POLICY_BYTES {
            return Err(err(K::TooLarge(text.len())));
        }
        let json = Json::parse(text).map_err(|e| err(K::Json(e.to_string())))?;
        Policy::from_json(&json, kind, origin)
    }

    /// Checks and compiles a policy document that was already parsed as JSON; `origin.pointer`
    /// says where the document sits in its file and prefixes every error pointer.
    pub fn from_json(
        json: &Json<'_>,
        kind: DocKind,
        origin: Origin,
    ) -> Result<Policy, ParseErrors> {
        let mut p = Parser::new(&origin, kind);
        let policy = p.policy(json, origin);
        match policy {
            Some(policy) if p.errors.is_empty() => Ok(policy),
            _ => Err(ParseErrors(p.errors)),
        }
    }

    /// Like [`Policy::from_json`], but keeps what could be read: a statement with errors is
    /// kept with its [`Statement::defects`] so that evaluation can fail closed on it (never
    /// allow through it, always let it deny). `None` when the document has no usable shape
    /// at all. The errors are returned alongside.
    pub fn from_json_lenient(
        json: &Json<'_>,
        kind: DocKind,
        origin: Origin,
    ) -> (Option<Policy>, Vec<ParseError>) {
        let mut p = Parser::new(&origin, kind);
        let mut policy = p.policy(json, origin);
        if let Some(policy) = &mut policy {
            policy.defects = p.errors.iter().map(Defect::from).collect();
        }
        (policy, p.errors)
    }

    /// The errors [`Policy::from_json_lenient`] finds, without compiling the action and
    /// resource patterns of a model nobody will evaluate (what a linter needs).
    pub fn check_json(json: &Json<'_>, kind: DocKind, origin: Origin) -> Vec<ParseError> {
        let mut p = Parser::new(&origin, kind);
        p.compile = false;
        p.policy(json, origin);
        p.errors
    }
}

struct Parser {
    file: Option<Arc<str>>,
    /// For a policy carried as text: the string's pointer in the file.
    carrier: Option<Pointer>,
    /// Where the document is stored (what AWS checks when it is written).
    doc: DocKind,
    /// The part it plays (how it is evaluated).
    kind: PolicyKind,
    version: Version,
    errors: Vec<ParseError>,
    /// The JSON pointer of the element being read. Kept as one growing buffer so that the
    /// happy path builds no pointer at all; errors and the model's stored pointers copy it.
    path: String,
    /// Whether to compile action and resource patterns (which cannot fail); off when only
    /// the errors are wanted.
    compile: bool,
    /// The policy variables of the statement being read.
    variables: Vec<(String, bool)>,
}

/// The members of an object.
type Members<'j, 'a> = &'j [(std::borrow::Cow<'a, str>, Json<'a>)];

impl Parser {
    fn new(origin: &Origin, doc: DocKind) -> Parser {
        Parser {
            file: origin.file.clone(),
            carrier: origin.embedded.then(|| origin.pointer.clone()),
            doc,
            kind: doc.role(),
            version: Version::Absent,
            errors: Vec::new(),
            // Room for the deepest pointer of a usual statement
            // (`/Statement/12/Condition/StringEquals/aws:PrincipalTag/...`), so that it is
            // not grown as the parser goes down.
            path: {
                let root = origin.root();
                let mut path = String::with_capacity(root.as_str().len() + 96);
                path.push_str(root.as_str());
                path
            },
            compile: true,
            variables: Vec::new(),
        }
    }

    /// The pointer of the current element.
    fn here(&self) -> Pointer {
        Pointer::from_escaped(self.path.clone())
    }

    fn push_key(&mut self, key: &str) -> usize {
        let len = self.path.len();
        self.path.push('/');
        // Keys almost never need escaping: one pass over the bytes decides.
        if key.bytes().any(|b| b == b'~' || b == b'/') {
            Pointer::escape_into(key, &mut self.path);
        } else {
            self.path.push_str(key);
        }
        len
    }

    fn push_index(&mut self, index: usize) -> usize {
        let len = self.path.len();
        self.path.push('/');
        self.path.push_str(itoa::Buffer::new().format(index));
        len
    }

    fn pop(&mut self, len: usize) {
        self.path.truncate(len);
    }

    /// Records an error at the current element.
    fn error(&mut self, kind: K) {
        self.errors.push(ParseError {
            file: self.file.clone(),
            carrier: self.carrier.clone(),
            pointer: self.here(),
            kind,
        });
    }

    /// Records an error at a member of the current element.
    fn error_at_key(&mut self, key: &str, kind: K) {
        let len = self.push_key(key);
        self.error(kind);
        self.pop(len);
    }

    /// Records an error at an element of the current array (or at the current element when
    /// `index` is `None`, for a lone value).
    fn error_at_index(&mut self, index: Option<usize>, kind: K) {
        match index {
            Some(i) => {
                let len = self.push_index(i);
                self.error(kind);
                self.pop(len);
            }
            None => self.error(kind),
        }
    }

    fn wrong_type(&mut self, expected: &'static str, found: &'static str) {
        self.error(K::WrongType { expected, found });
    }

    fn object<'j, 'a>(&mut self, json: &'j Json<'a>) -> Option<Members<'j, 'a>> {
        match json {
            Json::Object(m) => {
                for (i, (k, _)) in m.iter().enumerate() {
                    if m[..i].iter().any(|(k2, _)| k2 == k) {
                        self.error_at_key(k, K::DuplicateKey(k.to_string()));
                    }
                }
                Some(m)
            }
            other => {
                self.wrong_type("an object", other.type_name());
                None
            }
        }
    }

    fn string<'j>(&mut self, json: &'j Json<'_>) -> Option<&'j str> {
        match json {
            Json::String(s) => Some(s),
            other => {
                self.wrong_type("a string", other.type_name());
                None
            }
        }
    }

    /// A string or an array of strings (IAM's "one or many"), each with its array index.
    fn strings<'j>(&mut self, json: &'j Json<'_>) -> Vec<(&'j str, Option<usize>)> {
        match json {
            Json::String(s) => vec![(s.as_ref(), None)],
            Json::Array(items) => {
                if items.is_empty() {
                    self.wrong_type("at least one value", "an empty array");
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Json::String(s) => out.push((s.as_ref(), Some(i))),
                        other => self.error_at_index(
                            Some(i),
                            K::WrongType {
                                expected: "a string",
                                found: other.type_name(),
                            },
                        ),
                    }
                }
                out
            }
            other => {
                self.wrong_type("a string or an array of strings", other.type_name());
                Vec::new()
            }
        }
    }

    fn policy(&mut self, json: &Json<'_>, origin: Origin) -> Option<Policy> {
        let members = self.object(json)?;
        let mut id = None;
        let mut statement_values = Vec::new();
        for (k, v) in members {
            match k.as_ref() {
                "Version" => {
                    let len = self.push_key("Version");
                    match self.string(v) {
                        Some("2012-10-17") => self.version = Version::V2012_10_17,
                        Some("2008-10-17") => self.version = Version::V2008_10_17,
                        Some(other) => self.error(K::Version(other.to_owned())),
                        None => {}
                    }
                    self.pop(len);
                }
                "Id" => {
                    let len = self.push_key("Id");
                    id = self.string(v).map(str::to_owned);
                    self.pop(len);
                }
                // A `Statement` given twice is a duplicate key (reported by `object`); the
                // statements of every copy are kept, so that no `Deny` is lost.
                "Statement" => statement_values.push(v),
                other => self.error_at_key(other, K::UnknownElement(other.to_owned())),
            }
        }
        if statement_values.is_empty() {
            self.error(K::Missing("Statement"));
            return None;
        }
        let len = self.push_key("Statement");
        let base: Arc<str> = Arc::from(self.path.as_str());
        let count = statement_values
            .iter()
            .map(|v| match v {
                Json::Array(items) => items.len(),
                _ => 1,
            })
            .sum();
        let mut statements = Vec::with_capacity(count);
        for statement in statement_values {
            match statement {
                Json::Array(items) => {
                    if items.is_empty() {
                        self.error(K::NoStatement);
                    }
                    for (i, s) in items.iter().enumerate() {
                        let l = self.push_index(i);
                        let index = statements.len();
                        let place = StatementPlace::new(base.clone(), Some(i));
                        statements.push(self.statement(s, index, place));
                        self.pop(l);
                    }
                }
                Json::Object(_) => {
                    let index = statements.len();
                    let place = StatementPlace::new(base.clone(), None);
                    statements.push(self.statement(statement, index, place));
                }
                other => {
                    self.wrong_type("an object or an array of objects", other.type_name());
                }
            }
        }
        self.pop(len);
        Some(Policy {
            kind: self.kind,
            doc: self.doc,
            origin,
            version: self.version,
            id,
            statements,
            defects: Vec::new(),
        })
    }

    fn statement(&mut self, json: &Json<'_>, index: usize, place: StatementPlace) -> Statement {
        let errors_before = self.errors.len();
        let Some(members) = self.object(json) else {
            let pointer = self.here();
            let defects = vec![format!("{pointer}: not an object")];
            let mut s = Statement::unreadable(index, pointer, defects);
            s.place = place;
            return s;
        };
        self.variables.clear();
        let mut sid = None;
        // The first `Effect`, and whether another one disagrees with it.
        let mut effect: Option<Option<Effect>> = None;
        let mut effects_disagree = false;
        let mut principal: Option<Box<PrincipalSet>> = None;
        let mut action: Option<ActionSet> = None;
        let mut resource: Option<ResourceSet> = None;
        let mut conditions = Vec::new();
        let mut conditions_partial = false;
        for (k, v) in members {
            let len = self.push_key(k);
            let before = self.errors.len();
            match k.as_ref() {
                "Sid" => sid = self.string(v).map(Box::from),
                "Effect" => {
                    let this = match self.string(v) {
                        Some("Allow") => Some(Effect::Allow),
                        Some("Deny") => Some(Effect::Deny),
                        Some(other) => {
                            self.error(K::Effect(other.to_owned()));
                            None
                        }
                        None => None,
                    };
                    match effect {
                        None => effect = Some(this),
                        Some(first) => effects_disagree |= first != this,
                    }
                }
                "Principal" | "NotPrincipal" => {
                    let negated = k == "NotPrincipal";
                    if principal.as_ref().is_some_and(|p| p.negated != negated) {
                        self.error(K::Conflict("Principal", "NotPrincipal"));
                    }
                    if self.doc.forbids_principal() {
                        self.error(K::PrincipalNotAllowed {
                            element: if negated { "NotPrincipal" } else { "Principal" },
                            kind: with_article(self.doc),
                        });
                    }
                    let mut set = self.principal(v, negated);
                    set.partial |= self.errors.len() > before;
                    principal = Some(Box::new(match principal.take() {
                        None => set,
                        Some(prev) => merge_principals(*prev, set),
                    }));
                }
                "Action" | "NotAction" => {
                    let negated = k == "NotAction";
                    if action.as_ref().is_some_and(|a| a.negated != negated) {
                        self.error(K::Conflict("Action", "NotAction"));
                    }
                    let mut set = self.actions(v, negated);
                    set.partial |= self.errors.len() > before;
                    action = Some(match action.take() {
                        None => set,
                        Some(prev) => ActionSet {
                            // Both, or the same twice: what the statement covers is unknown.
                            negated: prev.negated && set.negated,
                            partial: true,
                            patterns: prev.patterns.into_iter().chain(set.patterns).collect(),
                        },
                    });
                }
                "Resource" | "NotResource" => {
                    let negated = k == "NotResource";
                    if resource.as_ref().is_some_and(|r| r.negated != negated) {
                        self.error(K::Conflict("Resource", "NotResource"));
                    }
                    let mut set = self.resources(v, negated);
                    set.partial |= self.errors.len() > before;
                    resource = Some(match resource.take() {
                        None => set,
                        Some(prev) => ResourceSet {
                            negated: prev.negated && set.negated,
                            partial: true,
                            patterns: prev.patterns.into_iter().chain(set.patterns).collect(),
                        },
                    });
                }
                "Condition" => {
                    let read = self.conditions(v);
                    if conditions.is_empty() {
                        conditions = read;
                    } else {
                        conditions.extend(read);
                    }
                    conditions_partial |= self.errors.len() > before;
                }
                other => self.error(K::UnknownElement(other.to_owned())),
            }
            self.pop(len);
        }
        if effect.is_none() {
            self.error(K::Missing("Effect"));
        }
        if action.is_none() {
            self.error(K::Missing("Action"));
        }
        if principal.is_none() && self.doc.needs_principal() {
            self.error(K::Missing("Principal"));
        }
        if resource.is_none()
            && matches!(
                self.kind,
                PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session
            )
        {
            self.error(K::Missing("Resource"));
        }
        // Two `Effect`s that disagree (or one that cannot be read): the statement might
        // allow or deny.
        let effect = match effect {
            Some(first) if !effects_disagree => first,
            _ => None,
        };
        let defects: Vec<String> = self.errors[errors_before..]
            .iter()
            .map(|e| format!("{}: {}", e.pointer, e.kind))
            .collect();
        // The buffer is kept for the next statement unless this one has variables.
        let mut variables = if self.variables.is_empty() {
            Vec::new()
        } else {
            std::mem::take(&mut self.variables)
        };
        variables.sort();
        variables.dedup();
        Statement {
            index,
            place,
            sid,
            effect,
            principal,
            action,
            resource,
            conditions,
            conditions_partial,
            variables,
            defects,
        }
    }

    fn actions(&mut self, json: &Json<'_>, negated: bool) -> ActionSet {
        let values = self.strings(json);
        let mut patterns = Vec::with_capacity(values.len());
        for (s, i) in values {
            if s == "*"
                || s.split_once(':')
                    .is_some_and(|(svc, name)| !svc.is_empty() && !name.is_empty())
            {
                if self.compile {
                    patterns.push(shared::shared_action(s));
                }
            } else {
                self.error_at_index(i, K::Action(s.to_owned()));
            }
        }
        ActionSet {
            negated,
            partial: false,
            patterns,
        }
    }

    fn resources(&mut self, json: &Json<'_>, negated: bool) -> ResourceSet {
        let values = self.strings(json);
        let mut patterns = Vec::with_capacity(values.len());
        let mut partial = false;
        for (s, i) in values {
            if !is_resource_value(s) {
                self.error_at_index(i, K::ResourceNotArn(s.to_owned()));
                continue;
            }
            if !(self.version.has_variables() && s.contains("${")) {
                if self.compile {
                    patterns.push(shared::shared_resource(s));
                }
                continue;
            }
            let entry = self.resource_template(s, i, &mut partial);
            if self.compile {
                patterns.push(Arc::new(ResourceValue {
                    written: Box::from(s),
                    entry,
                }));
            }
        }
        ResourceSet {
            negated,
            partial,
            patterns,
        }
    }

    /// A resource value with policy variables (`i` is its index in its array).
    fn resource_template(
        &mut self,
        s: &str,
        i: Option<usize>,
        partial: &mut bool,
    ) -> ResourceEntry {
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        match (parts.as_slice(), Template::parse(s)) {
            (_, Err(())) => self.error_at_index(i, K::Variable(s.to_owned())),
            ([arn, pa, sv, rg, ac, res], Ok(_))
                if *arn == "arn" && !s[..s.len() - res.len()].contains("${") =>
            {
                match Template::parse(res) {
                    Ok(MaybeTemplate::Template(t)) => {
                        self.note_variables(&t);
                        return ResourceEntry::Template(Box::new(ResourceTemplate {
                            head: [
                                pa.to_string(),
                                sv.to_string(),
                                rg.to_string(),
                                ac.to_string(),
                            ],
                            resource: t,
                        }));
                    }
                    Ok(MaybeTemplate::Plain) => {
                        return ResourceEntry::Static(ResourcePattern::compile(s))
                    }
                    Err(()) => self.error_at_index(i, K::Variable(s.to_owned())),
                }
            }
            // A variable outside the resource part: AWS resolves variables only in the
            // resource part, so what this value matches cannot be decided.
            _ => *partial = true,
        }
        // An error made the set partial; this value matches nothing.
        ResourceEntry::Invalid
    }

    /// Records the variables of a template the current statement uses.
    fn note_variables(&mut self, t: &Template) {
        for part in &t.parts {
            if let Part::Var { key, default } = part {
                self.variables.push((key.clone(), default.is_some()));
            }
        }
    }
}

/// `an identity policy`, `an SCP`: a kind's label with its article.
pub fn with_article(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Identity => "an identity policy",
        DocKind::Managed => "a managed policy",
        DocKind::AwsManaged => "an AWS managed policy",
        DocKind::Boundary => "a permissions boundary",
        DocKind::Session => "a session policy",
        DocKind::Trust => "a trust policy",
        DocKind::Bucket => "a bucket policy",
        DocKind::Repository => "a repository policy",
        DocKind::Registry => "a registry policy",
        DocKind::Key => "a key policy",
        DocKind::Grants => "a KMS grant",
        DocKind::ModelPackageGroup => "a model package group policy",
        DocKind::Scp => "an SCP",
        DocKind::Rcp => "an RCP",
        DocKind::VpcEndpoint => "a VPC endpoint policy",
        DocKind::Resource => "a resource policy",
    }
}

/// Whether a `Resource`/`NotResource` value is one IAM accepts: `*`, or an ARN with its six
/// parts (`arn:partition:service:region:account:resource`, partition and service not
/// empty). IAM rejects anything else with `MalformedPolicyDocument` (docs/semantics.md §2.4).
pub fn is_resource_value(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some(rest) = s.strip_prefix("arn:") else {
        return false;
    };
    // The four `:` after the first end the partition, the service, the region and the
    // account; the resource may hold more.
    let mut colons = memchr::memchr_iter(b':', rest.as_bytes());
    match (colons.next(), colons.next()) {
        (Some(partition_end), Some(service_end)) => {
            partition_end > 0 && service_end > partition_end + 1 && colons.nth(1).is_some()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The colon count says what splitting into six parts says.
        #[test]
        fn resource_values_are_six_part_arns_or_a_star(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'r', 'n', ':', '*', '/', 'é',
            ]), 0..14),
            arn: bool,
        ) {
            let tail: String = chars.into_iter().collect();
            let s = if arn { format!("arn:{tail}") } else { tail };
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            let split = s == "*"
                || matches!(parts.as_slice(), ["arn", p, v, _, _, _] if !p.is_empty() && !v.is_empty());
            proptest::prop_assert_eq!(is_resource_value(&s), split, "{}", s);
        }
    }

    fn parse(text: &str, kind: DocKind) -> Result<Policy, ParseErrors> {
        Policy::parse_text(text, kind, Origin::default())
    }

    fn errors(text: &str, kind: DocKind) -> Vec<String> {
        parse(text, kind)
            .unwrap_err()
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Every policy document under `fixtures/` (and each statement of the bad ones): the
    /// errors without compiling are the errors with it.
    #[test]
    fn checking_finds_the_errors_compiling_finds() {
        fn documents<'j>(j: &'j Json<'j>, out: &mut Vec<&'j Json<'j>>) {
            match j {
                Json::Object(m) => {
                    if m.iter().any(|(k, _)| k == "Statement") {
                        out.push(j);
                    }
                    m.iter().for_each(|(_, v)| documents(v, out));
                }
                Json::Array(a) => a.iter().for_each(|v| documents(v, out)),
                _ => {}
            }
        }
        let pattern = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/**/*.json");
        let (mut docs, mut with_errors) = (0, 0);
        for path in glob::glob(pattern).unwrap().flatten() {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(json) = Json::parse(&text) else {
                continue;
            };
            let mut found = Vec::new();
            documents(&json, &mut found);
            for doc in found {
                for kind in [DocKind::Identity, DocKind::Resource, DocKind::Scp] {
                    let (_, compiled) = Policy::from_json_lenient(doc, kind, Origin::default());
                    let checked = Policy::check_json(doc, kind, Origin::default());
                    assert_eq!(compiled, checked, "{}", path.display());
                    with_errors += usize::from(!checked.is_empty());
                }
                docs += 1;
            }
        }
        assert!(
            docs > 100 && with_errors > 10,
            "{docs} documents, {with_errors} with errors"
        );
    }

    #[test]
    fn statement_as_object_or_array() {
        let one = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            DocKind::Identity,
        )
        .unwrap();
        assert_eq!(one.statements.len(), 1);
        let two = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"b","Effect":"Deny","NotAction":["s3:Get*"],"NotResource":"arn:aws:s3:::x"}]}"#,
            DocKind::Identity,
        )
        .unwrap();
        assert_eq!(two.version, Version::Absent);
        assert!(two.statements[1].action.as_ref().unwrap().negated);
        assert_eq!(two.statements[1].sid.as_deref(), Some("b"));
    }

    #[test]
    fn collects_every_error_with_pointers() {
        let errs = errors(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLikeX":{"a":"b"}}},
                {"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"},
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"n":"abc"}}}
            ]}"#,
            DocKind::Identity,
        );
        assert_eq!(
            errs,
            vec![
                "/Statement/0/Condition/StringLikeX: unknown condition operator `StringLikeX`",
                "/Statement/1/Effect: `Effect` must be `Allow` or `Deny`, found `Maybe`",
                "/Statement/2/Condition/NumericLessThan/n: `NumericLessThan` cannot use value `abc`: not a number",
            ]
        );
    }

    #[test]
    fn duplicate_keys_conflicts_and_unknown_elements() {
        let errs = errors(
            r#"{"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:*","NotAction":"s3:x","Resource":"*","Condtion":{}}]}"#,
            DocKind::Identity,
        );
        assert!(errs.contains(&"/Statement/0/Effect: duplicate key `Effect`".to_string()));
        assert!(errs.contains(
            &"/Statement/0/NotAction: `Action` and `NotAction` cannot both be present".to_string()
        ));
        assert!(errs.contains(&"/Statement/0/Condtion: unknown element `Condtion`".to_string()));
    }

    #[test]
    fn principals_in_all_forms() {
        let p = parse(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{
                "AWS":["111111111111","arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:user/a",
                "arn:aws:iam::111111111111:role/p/r","arn:aws:sts::111111111111:assumed-role/r/s",
                "arn:aws:sts::111111111111:federated-user/f","AROAEXAMPLEEXAMPLE01"],
                "Service":"sagemaker.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df9"}}}"#,
            DocKind::Resource,
        )
        .unwrap();
        let ps = p.statements[0].principal.as_ref().unwrap();
        assert_eq!(ps.aws.len(), 7);
        assert_eq!(ps.aws[1], AwsPrincipal::Account("222222222222".into()));
        assert!(matches!(&ps.aws[3], AwsPrincipal::Role { name, .. } if name == "r"));
        assert!(matches!(&ps.aws[6], AwsPrincipal::UniqueId(_)));
        assert_eq!(ps.service, vec!["sagemaker.amazonaws.com"]);
    }

    #[test]
    fn cloudfront_origin_access_identities_are_principals() {
        let oai = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL";
        assert_eq!(aws_principal(oai), Some(AwsPrincipal::Other(oai.into())));
        for bad in [
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ",
            "arn:aws:iam::cloudfront:user/someone",
            "arn:aws:iam::cloudfrnt:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL",
        ] {
            assert_eq!(aws_principal(bad), None, "{bad}");
        }
    }

    #[test]
    fn invalid_principals_are_errors() {
        let errs = errors(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":"{account}","Group":"x"}}}"#,
            DocKind::Resource,
        );
        assert_eq!(
            errs,
            vec![
                "/Statement/Principal/AWS: unrendered template placeholder `{account}` in `{account}`",
                "/Statement/Principal/Group: unknown principal type `Group`",
            ]
        );
    }

    #[test]
    fn resource_policies_need_principals_identity_policies_forbid_them() {
        assert!(errors(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#,
            DocKind::Resource
        )
        .contains(&"/Statement: missing `Principal`".to_string()));
        assert!(!errors(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
            DocKind::Identity
        )
        .is_empty());
    }

    #[test]
    fn operators() {
        let op = parse_operator("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, BaseOp::StringLike);
        assert!(op.if_exists);
        assert!(parse_operator("NullIfExists").is_none());
        assert!(parse_operator("stringequals").is_none());
        assert!(parse_operator("StringEqualsIgnoreCaseIfExists").is_some());
    }

    #[test]
    fn variables_only_in_2012_policies() {
        let v2012 = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
            DocKind::Identity,
        )
        .unwrap();
        let res = v2012.statements[0].resource.as_ref().unwrap();
        assert!(matches!(res.patterns[0].entry, ResourceEntry::Template(_)));
        let v2008 = parse(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
            DocKind::Identity,
        )
        .unwrap();
        let res = v2008.statements[0].resource.as_ref().unwrap();
        assert!(matches!(res.patterns[0].entry, ResourceEntry::Static(_)));
    }

    #[test]
    fn size_limit_and_bad_json() {
        let big = format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"{}"}}}}"#,
            "a".repeat(2 * 1024 * 1024)
        );
        let e = errors(&big, DocKind::Identity);
        assert!(e[0].contains("larger than any AWS policy"), "{e:?}");
        let e = errors(r#"{"Statement":"#, DocKind::Identity);
        assert!(
            e[0].starts_with("/: invalid JSON: EOF while parsing"),
            "{e:?}"
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = errors(&deep, DocKind::Identity);
        assert!(e[0].contains("recursion limit"), "{e:?}");
    }
}
