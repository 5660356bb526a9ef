//! JSON tree → checked [`Policy`]. Every error is collected, each with its JSON pointer.

use std::sync::Arc;

use base64::Engine as _;

use super::err::{ParseError, ParseErrorKind as K, ParseErrors};
use super::model::*;
use super::scalar::{parse_bool, parse_date, parse_ip_net, parse_number};
use super::template::{MaybeTemplate, Template};
use crate::arn::{is_account_id, Arn, ArnGlob, ResourcePattern, ShortArns};
use crate::json::{Json, Pointer};
use crate::pattern::{Case, Glob};

/// No AWS policy type accepts a larger document (KMS key policies, the largest, are capped at
/// 32 KB by the documentation and 131,072 characters by the service model).
pub const MAX_POLICY_BYTES: usize = 131_072;

impl Policy {
    /// Parses policy text. `origin.pointer` should be the root.
    pub fn parse_text(text: &str, kind: PolicyKind, origin: Origin) -> Result<Policy, ParseErrors> {
        let err = |kind| {
            ParseErrors(vec![ParseError {
                file: origin.file.clone(),
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
        kind: PolicyKind,
        origin: Origin,
    ) -> Result<Policy, ParseErrors> {
        let mut p = Parser {
            file: origin.file.clone(),
            kind,
            version: Version::Absent,
            errors: Vec::new(),
        };
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
        kind: PolicyKind,
        origin: Origin,
    ) -> (Option<Policy>, Vec<ParseError>) {
        let mut p = Parser {
            file: origin.file.clone(),
            kind,
            version: Version::Absent,
            errors: Vec::new(),
        };
        let policy = p.policy(json, origin);
        (policy, p.errors)
    }
}

struct Parser {
    file: Option<Arc<str>>,
    kind: PolicyKind,
    version: Version,
    errors: Vec<ParseError>,
}

/// The members of an object, with duplicate keys reported.
type Members<'j, 'a> = &'j [(std::borrow::Cow<'a, str>, Json<'a>)];

impl Parser {
    fn error(&mut self, pointer: Pointer, kind: K) {
        self.errors.push(ParseError {
            file: self.file.clone(),
            pointer,
            kind,
        });
    }

    fn object<'j, 'a>(&mut self, json: &'j Json<'a>, at: &Pointer) -> Option<Members<'j, 'a>> {
        match json {
            Json::Object(m) => {
                for (i, (k, _)) in m.iter().enumerate() {
                    if m[..i].iter().any(|(k2, _)| k2 == k) {
                        self.error(at.key(k), K::DuplicateKey(k.to_string()));
                    }
                }
                Some(m)
            }
            other => {
                self.error(
                    at.clone(),
                    K::WrongType {
                        expected: "an object",
                        found: other.type_name(),
                    },
                );
                None
            }
        }
    }

    fn string<'j>(&mut self, json: &'j Json<'_>, at: &Pointer) -> Option<&'j str> {
        match json {
            Json::String(s) => Some(s),
            other => {
                self.error(
                    at.clone(),
                    K::WrongType {
                        expected: "a string",
                        found: other.type_name(),
                    },
                );
                None
            }
        }
    }

    /// A string or an array of strings (IAM's "one or many").
    fn strings<'j>(&mut self, json: &'j Json<'_>, at: &Pointer) -> Vec<(&'j str, Pointer)> {
        match json {
            Json::String(s) => vec![(s.as_ref(), at.clone())],
            Json::Array(items) => {
                if items.is_empty() {
                    self.error(
                        at.clone(),
                        K::WrongType {
                            expected: "at least one value",
                            found: "an empty array",
                        },
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = at.index(i);
                    if let Some(s) = self.string(item, &p) {
                        out.push((s, p));
                    }
                }
                out
            }
            other => {
                self.error(
                    at.clone(),
                    K::WrongType {
                        expected: "a string or an array of strings",
                        found: other.type_name(),
                    },
                );
                Vec::new()
            }
        }
    }

    fn policy(&mut self, json: &Json<'_>, origin: Origin) -> Option<Policy> {
        let root = origin.pointer.clone();
        let members = self.object(json, &root)?;
        let mut id = None;
        let mut statement = None;
        for (k, v) in members {
            match k.as_ref() {
                "Version" => {
                    if let Some(s) = self.string(v, &root.key("Version")) {
                        match s {
                            "2012-10-17" => self.version = Version::V2012_10_17,
                            "2008-10-17" => self.version = Version::V2008_10_17,
                            other => self.error(root.key("Version"), K::Version(other.to_owned())),
                        }
                    }
                }
                "Id" => id = self.string(v, &root.key("Id")).map(str::to_owned),
                "Statement" => statement = Some(v),
                other => self.error(root.key(other), K::UnknownElement(other.to_owned())),
            }
        }
        let Some(statement) = statement else {
            self.error(root, K::Missing("Statement"));
            return None;
        };
        let at = root.key("Statement");
        let statements = match statement {
            Json::Array(items) => {
                if items.is_empty() {
                    self.error(at.clone(), K::NoStatement);
                }
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| self.statement(s, i, at.index(i)))
                    .collect()
            }
            Json::Object(_) => self.statement(statement, 0, at).into_iter().collect(),
            other => {
                self.error(
                    at,
                    K::WrongType {
                        expected: "an object or an array of objects",
                        found: other.type_name(),
                    },
                );
                Vec::new()
            }
        };
        Some(Policy {
            kind: self.kind,
            origin,
            version: self.version,
            id,
            statements,
        })
    }

    fn statement(&mut self, json: &Json<'_>, index: usize, at: Pointer) -> Option<Statement> {
        let errors_before = self.errors.len();
        let Some(members) = self.object(json, &at) else {
            let defects = vec![format!("{at}: not an object")];
            return Some(Statement {
                index,
                pointer: at,
                sid: None,
                effect: Effect::Deny,
                principal: None,
                action: None,
                resource: None,
                conditions: Vec::new(),
                defects,
            });
        };
        let mut sid = None;
        let mut effect = None;
        let mut principal: Option<PrincipalSet> = None;
        let mut action: Option<ActionSet> = None;
        let mut resource: Option<ResourceSet> = None;
        let mut conditions = Vec::new();
        let mut seen_principal = None;
        let mut seen_action = None;
        let mut seen_resource = None;
        for (k, v) in members {
            let p = at.key(k);
            match k.as_ref() {
                "Sid" => sid = self.string(v, &p).map(str::to_owned),
                "Effect" => {
                    effect = match self.string(v, &p) {
                        Some("Allow") => Some(Effect::Allow),
                        Some("Deny") => Some(Effect::Deny),
                        Some(other) => {
                            self.error(p, K::Effect(other.to_owned()));
                            None
                        }
                        None => None,
                    }
                }
                "Principal" | "NotPrincipal" => {
                    let name = if k == "Principal" {
                        "Principal"
                    } else {
                        "NotPrincipal"
                    };
                    if let Some(prev) = seen_principal.replace(name) {
                        if prev != name {
                            self.error(p.clone(), K::Conflict("Principal", "NotPrincipal"));
                        }
                    }
                    if !self.kind.has_principals() {
                        self.error(
                            p.clone(),
                            K::UnknownElement(format!("{name}` in a `{}", self.kind.label())),
                        );
                    }
                    principal = self.principal(v, &p, name == "NotPrincipal");
                }
                "Action" | "NotAction" => {
                    let name = if k == "Action" { "Action" } else { "NotAction" };
                    if let Some(prev) = seen_action.replace(name) {
                        if prev != name {
                            self.error(p.clone(), K::Conflict("Action", "NotAction"));
                        }
                    }
                    action = Some(self.actions(v, &p, name == "NotAction"));
                }
                "Resource" | "NotResource" => {
                    let name = if k == "Resource" {
                        "Resource"
                    } else {
                        "NotResource"
                    };
                    if let Some(prev) = seen_resource.replace(name) {
                        if prev != name {
                            self.error(p.clone(), K::Conflict("Resource", "NotResource"));
                        }
                    }
                    resource = Some(self.resources(v, &p, name == "NotResource"));
                }
                "Condition" => conditions = self.conditions(v, &p),
                other => self.error(p, K::UnknownElement(other.to_owned())),
            }
        }
        if effect.is_none() && !members.iter().any(|(k, _)| k == "Effect") {
            self.error(at.clone(), K::Missing("Effect"));
        }
        if action.is_none() {
            self.error(at.clone(), K::Missing("Action"));
        }
        if principal.is_none() && seen_principal.is_none() && self.kind == PolicyKind::Resource {
            self.error(at.clone(), K::Missing("Principal"));
        }
        let defects: Vec<String> = self.errors[errors_before..]
            .iter()
            .map(|e| format!("{}: {}", e.pointer, e.kind))
            .collect();
        Some(Statement {
            index,
            pointer: at,
            sid,
            // INVARIANT: a statement whose effect cannot be read carries a defect, and a
            // defective statement can only deny (fail closed).
            effect: effect.unwrap_or(Effect::Deny),
            principal,
            action,
            resource,
            conditions,
            defects,
        })
    }

    fn principal(&mut self, json: &Json<'_>, at: &Pointer, negated: bool) -> Option<PrincipalSet> {
        let mut set = PrincipalSet {
            negated,
            ..PrincipalSet::default()
        };
        match json {
            Json::String(s) if s == "*" => set.everyone = true,
            Json::String(s) => {
                self.error(at.clone(), K::Principal(s.to_string()));
                return None;
            }
            _ => {
                let members = self.object(json, at)?;
                for (k, v) in members {
                    let p = at.key(k);
                    let values = self.strings(v, &p);
                    match k.as_ref() {
                        "AWS" => {
                            for (s, vp) in values {
                                if s == "*" {
                                    set.everyone = true;
                                } else if let Some(a) = aws_principal(s) {
                                    set.aws.push(a);
                                } else {
                                    self.error(vp, K::Principal(s.to_owned()));
                                }
                            }
                        }
                        "Service" => set
                            .service
                            .extend(values.into_iter().map(|(s, _)| s.to_owned())),
                        "Federated" => set
                            .federated
                            .extend(values.into_iter().map(|(s, _)| s.to_owned())),
                        "CanonicalUser" => set
                            .canonical_user
                            .extend(values.into_iter().map(|(s, _)| s.to_owned())),
                        other => self.error(p, K::PrincipalType(other.to_owned())),
                    }
                }
            }
        }
        Some(set)
    }

    fn actions(&mut self, json: &Json<'_>, at: &Pointer, negated: bool) -> ActionSet {
        let mut patterns = Vec::new();
        for (s, p) in self.strings(json, at) {
            if s == "*"
                || s.split_once(':')
                    .is_some_and(|(svc, name)| !svc.is_empty() && !name.is_empty())
            {
                patterns.push(Glob::new(s, Case::Insensitive));
            } else {
                self.error(p, K::Action(s.to_owned()));
            }
        }
        ActionSet { negated, patterns }
    }

    fn resources(&mut self, json: &Json<'_>, at: &Pointer, negated: bool) -> ResourceSet {
        let short = match self.kind {
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session => ShortArns::Pad,
            PolicyKind::Resource | PolicyKind::Scp | PolicyKind::VpcEndpoint => {
                ShortArns::PadIfWildcard
            }
            PolicyKind::Rcp => ShortArns::NoMatch,
        };
        let mut patterns = Vec::new();
        for (s, p) in self.strings(json, at) {
            if self.version.has_variables() && s.contains("${") {
                let parts: Vec<&str> = s.splitn(6, ':').collect();
                match (parts.as_slice(), Template::parse(s)) {
                    (_, Err(())) => self.error(p, K::Variable(s.to_owned())),
                    ([arn, pa, sv, rg, ac, res], Ok(_))
                        if !s[..s.len() - res.len()].contains("${") && *arn == "arn" =>
                    {
                        match Template::parse(res) {
                            Ok(MaybeTemplate::Template(t)) => {
                                patterns.push(ResourceEntry::Template {
                                    head: [
                                        pa.to_string(),
                                        sv.to_string(),
                                        rg.to_string(),
                                        ac.to_string(),
                                    ],
                                    resource: t,
                                })
                            }
                            Ok(MaybeTemplate::Plain) => patterns
                                .push(ResourceEntry::Static(ResourcePattern::compile(s, short))),
                            Err(()) => self.error(p, K::Variable(s.to_owned())),
                        }
                    }
                    _ => patterns.push(ResourceEntry::Invalid(s.to_owned())),
                }
            } else {
                patterns.push(ResourceEntry::Static(ResourcePattern::compile(s, short)));
            }
        }
        ResourceSet { negated, patterns }
    }

    fn conditions(&mut self, json: &Json<'_>, at: &Pointer) -> Vec<Condition> {
        let mut out = Vec::new();
        let Some(ops) = self.object(json, at) else {
            return out;
        };
        for (op_text, keys) in ops {
            let op_at = at.key(op_text);
            let Some(op) = parse_operator(op_text) else {
                self.error(op_at, K::UnknownOperator(op_text.to_string()));
                continue;
            };
            let Some(keys) = self.object(keys, &op_at) else {
                continue;
            };
            for (key, values) in keys {
                let key_at = op_at.key(key);
                if let Some(values) = self.condition_values(&op, values, &key_at) {
                    out.push(Condition {
                        pointer: key_at,
                        op: op.clone(),
                        key: key.to_string(),
                        key_lc: key.to_lowercase(),
                        values,
                    });
                }
            }
        }
        out
    }

    /// The values of one key, as text (numbers and booleans are accepted where AWS accepts
    /// them, and read as their JSON text).
    fn scalar_texts(&mut self, json: &Json<'_>, at: &Pointer) -> Vec<(String, Pointer)> {
        let one = |this: &mut Self, j: &Json<'_>, p: Pointer| -> Option<(String, Pointer)> {
            match j {
                Json::String(s) => Some((s.to_string(), p)),
                Json::Number(n) => Some((n.to_string(), p)),
                Json::Bool(b) => Some((b.to_string(), p)),
                other => {
                    this.error(
                        p,
                        K::WrongType {
                            expected: "a string, number or boolean",
                            found: other.type_name(),
                        },
                    );
                    None
                }
            }
        };
        match json {
            Json::Array(items) => {
                if items.is_empty() {
                    self.error(
                        at.clone(),
                        K::WrongType {
                            expected: "at least one value",
                            found: "an empty array",
                        },
                    );
                }
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, j)| one(self, j, at.index(i)))
                    .collect()
            }
            j => one(self, j, at.clone()).into_iter().collect(),
        }
    }

    fn condition_values(&mut self, op: &Operator, json: &Json<'_>, at: &Pointer) -> Option<Values> {
        let before = self.errors.len();
        let texts = self.scalar_texts(json, at);
        let vars = self.version.has_variables();
        let bad = |op: &Operator, v: &str, reason| K::ConditionValue {
            operator: op.text.clone(),
            value: v.to_owned(),
            reason,
        };
        let str_value = |this: &mut Self, v: String, p: &Pointer| -> Option<StrValue> {
            if !vars {
                return Some(StrValue::Plain(v));
            }
            match Template::parse(&v) {
                Ok(MaybeTemplate::Plain) => Some(StrValue::Plain(v)),
                Ok(MaybeTemplate::Template(t)) => Some(StrValue::Template(t)),
                Err(()) => {
                    this.error(p.clone(), K::Variable(v));
                    None
                }
            }
        };
        use BaseOp as B;
        let values = match op.base {
            B::StringEquals | B::StringNotEquals => Values::Strings(
                texts
                    .into_iter()
                    .filter_map(|(v, p)| str_value(self, v, &p))
                    .collect(),
            ),
            B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => Values::Strings(
                texts
                    .into_iter()
                    .filter_map(|(v, p)| str_value(self, v.to_lowercase(), &p))
                    .collect(),
            ),
            B::StringLike | B::StringNotLike => Values::Likes(
                texts
                    .into_iter()
                    .filter_map(|(v, p)| {
                        str_value(self, v, &p).map(|s| match s {
                            StrValue::Plain(v) => LikeValue::Plain(Glob::new(&v, Case::Sensitive)),
                            StrValue::Template(t) => LikeValue::Template(t),
                        })
                    })
                    .collect(),
            ),
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => Values::Arns(
                texts
                    .into_iter()
                    .filter_map(|(v, p)| {
                        str_value(self, v, &p).map(|s| match s {
                            StrValue::Plain(v) => ArnValue::Plain(ArnGlob::new(&v)),
                            StrValue::Template(t) => ArnValue::Template(t),
                        })
                    })
                    .collect(),
            ),
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => {
                let mut out = Vec::new();
                for (v, p) in texts {
                    match parse_number(&v) {
                        Some(n) => out.push(n),
                        None => self.error(p, bad(op, &v, "not a number")),
                    }
                }
                Values::Numbers(out)
            }
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => {
                let mut out = Vec::new();
                for (v, p) in texts {
                    match parse_date(&v) {
                        Some(n) => out.push(n),
                        None => self.error(p, bad(op, &v, "not an ISO 8601 date or epoch seconds")),
                    }
                }
                Values::Dates(out)
            }
            B::Bool => Values::Bools(texts.iter().map(|(v, _)| parse_bool(v)).collect()),
            B::BinaryEquals => {
                let mut out = Vec::new();
                for (v, p) in texts {
                    match base64::engine::general_purpose::STANDARD.decode(v.trim()) {
                        Ok(b) => out.push(b),
                        Err(_) => self.error(p, bad(op, &v, "not base64")),
                    }
                }
                Values::Binary(out)
            }
            B::IpAddress | B::NotIpAddress => {
                let mut out = Vec::new();
                for (v, p) in texts {
                    match parse_ip_net(&v) {
                        Some(n) => out.push(n),
                        None => self.error(p, bad(op, &v, "not an IP address or CIDR block")),
                    }
                }
                Values::Ips(out)
            }
            B::Null => {
                let mut out = Vec::new();
                for (v, p) in texts {
                    match parse_bool(&v) {
                        Some(b) => out.push(b),
                        None => self.error(p, bad(op, &v, "`Null` takes `true` or `false`")),
                    }
                }
                Values::Null(out)
            }
        };
        (self.errors.len() == before).then_some(values)
    }
}

/// Splits `ForAnyValue:StringLikeIfExists` into its parts; `None` for an unknown operator.
pub fn parse_operator(text: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = text.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = text.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, text)
    };
    let (name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(n) => (n, true),
        None => (rest, false),
    };
    let base = BaseOp::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)?;
    if base == BaseOp::Null && (if_exists || set.is_some()) {
        return None;
    }
    Some(Operator {
        text: text.to_owned(),
        set,
        base,
        if_exists,
    })
}

/// Reads one `Principal.AWS` value; `None` when it is not a principal at all.
pub fn aws_principal(s: &str) -> Option<AwsPrincipal> {
    if is_account_id(s) {
        return Some(AwsPrincipal::Account(s.to_owned()));
    }
    if let Some(arn) = Arn::parse(s) {
        let account = arn.account;
        if !is_account_id(account) {
            return None;
        }
        return Some(match (arn.service, arn.resource) {
            ("iam", "root") => AwsPrincipal::Account(account.to_owned()),
            ("iam", r) if r.starts_with("user/") => AwsPrincipal::User { arn: s.to_owned() },
            ("iam", r) if r.starts_with("role/") => AwsPrincipal::Role {
                arn: s.to_owned(),
                account: account.to_owned(),
                name: r.rsplit('/').next().unwrap_or(r).to_owned(),
            },
            ("sts", r) if r.starts_with("assumed-role/") => {
                AwsPrincipal::AssumedRole { arn: s.to_owned() }
            }
            ("sts", r) if r.starts_with("federated-user/") => {
                AwsPrincipal::FederatedUser { arn: s.to_owned() }
            }
            ("iam" | "sts", _) => AwsPrincipal::Other(s.to_owned()),
            _ => return None,
        });
    }
    if is_unique_id(s) {
        return Some(AwsPrincipal::UniqueId(s.to_owned()));
    }
    None
}

/// IAM unique ids: a four-letter prefix (`AIDA` user, `AROA` role, `AGPA` group, …) and
/// upper-case letters and digits.
pub fn is_unique_id(s: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "ASIA", "AKIA",
    ];
    s.len() >= 16
        && PREFIXES.iter().any(|p| s.starts_with(p))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, kind: PolicyKind) -> Result<Policy, ParseErrors> {
        Policy::parse_text(text, kind, Origin::default())
    }

    fn errors(text: &str, kind: PolicyKind) -> Vec<String> {
        parse(text, kind)
            .unwrap_err()
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn statement_as_object_or_array() {
        let one = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        assert_eq!(one.statements.len(), 1);
        let two = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"b","Effect":"Deny","NotAction":["s3:Get*"],"NotResource":"arn:aws:s3:::x"}]}"#,
            PolicyKind::Identity,
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
            PolicyKind::Identity,
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
            PolicyKind::Identity,
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
            PolicyKind::Resource,
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
    fn invalid_principals_are_errors() {
        let errs = errors(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":"{account}","Group":"x"}}}"#,
            PolicyKind::Resource,
        );
        assert_eq!(
            errs,
            vec![
                "/Statement/Principal/AWS: `{account}` is not a valid principal",
                "/Statement/Principal/Group: unknown principal type `Group`",
            ]
        );
    }

    #[test]
    fn resource_policies_need_principals_identity_policies_forbid_them() {
        assert!(errors(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*"}}"#,
            PolicyKind::Resource
        )
        .contains(&"/Statement: missing `Principal`".to_string()));
        assert!(!errors(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
            PolicyKind::Identity
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
            PolicyKind::Identity,
        )
        .unwrap();
        let res = v2012.statements[0].resource.as_ref().unwrap();
        assert!(matches!(res.patterns[0], ResourceEntry::Template { .. }));
        let v2008 = parse(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        let res = v2008.statements[0].resource.as_ref().unwrap();
        assert!(matches!(res.patterns[0], ResourceEntry::Static(_)));
    }

    #[test]
    fn size_limit_and_bad_json() {
        let big = format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"{}"}}}}"#,
            "a".repeat(2 * 1024 * 1024)
        );
        let e = errors(&big, PolicyKind::Identity);
        assert!(e[0].contains("larger than any AWS policy"), "{e:?}");
        let e = errors(r#"{"Statement":"#, PolicyKind::Identity);
        assert!(
            e[0].starts_with("/: invalid JSON: EOF while parsing"),
            "{e:?}"
        );
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = errors(&deep, PolicyKind::Identity);
        assert!(e[0].contains("recursion limit"), "{e:?}");
    }
}
