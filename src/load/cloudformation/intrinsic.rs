//! Intrinsic functions, resolved where the template and what is known of its stack allow:
//! parameters (their value from `--parameters`, else their default), pseudo parameters,
//! `Conditions`, `Mappings`, `Ref` and `Fn::GetAtt` to resources of the same template
//! ([`super::names`]), and every `Fn::` function CloudFormation evaluates itself. What only
//! the deploy can tell (a parameter without a value, an export of another stack, a generated
//! name, the availability zones of a region, a dynamic reference) resolves to
//! [`V::Unknown`] with its reason and place.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use base64::Engine;

use super::value::{from_json, V};
use crate::json::{Json, Pointer};

/// How deep `Ref`s may lead through other resources' properties before a cycle is assumed.
const MAX_DEPTH: u32 = 32;

/// One template with what is known of its stack.
pub struct Stack<'t, 'a> {
    /// The template.
    pub root: &'t Json<'a>,
    /// `AWS::AccountId`.
    pub account: Option<String>,
    /// `AWS::Region`.
    pub region: Option<String>,
    /// `AWS::StackName` (a CDK stack names it; a template does not).
    pub stack_name: Option<String>,
    /// Parameter values (declared parameters only).
    pub params: HashMap<String, V>,
    /// Resources by logical id.
    pub resources: HashMap<&'t str, &'t Json<'a>>,
    conditions: RefCell<HashMap<String, Option<V>>>,
    problems: RefCell<Vec<(Pointer, String)>>,
    depth: Cell<u32>,
}

/// The partition of a region.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// The domain suffix of a partition.
pub fn url_suffix(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        _ => "amazonaws.com",
    }
}

fn args<'j, 'a>(j: &'j Json<'a>) -> &'j [Json<'a>] {
    match j {
        Json::Array(a) => a,
        _ => &[],
    }
}

impl<'t, 'a> Stack<'t, 'a> {
    /// A stack of `root` (the template).
    pub fn new(
        root: &'t Json<'a>,
        account: Option<String>,
        region: Option<String>,
        stack_name: Option<String>,
    ) -> Stack<'t, 'a> {
        let resources = root
            .get("Resources")
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_ref(), v)).collect())
            .unwrap_or_default();
        Stack {
            root,
            account,
            region,
            stack_name,
            params: HashMap::new(),
            resources,
            conditions: RefCell::new(HashMap::new()),
            problems: RefCell::new(Vec::new()),
            depth: Cell::new(0),
        }
    }

    /// A template error found while resolving (reported once per place).
    pub fn problem(&self, at: &Pointer, message: String) {
        let mut p = self.problems.borrow_mut();
        if !p.iter().any(|(a, _)| a == at) {
            p.push((at.clone(), message));
        }
    }

    /// The template errors found so far.
    pub fn take_problems(&self) -> Vec<(Pointer, String)> {
        std::mem::take(&mut self.problems.borrow_mut())
    }

    fn bad(&self, at: &Pointer, message: String) -> V {
        let v = V::unknown(format!("the template is invalid here: {message}"), at);
        self.problem(at, message);
        v
    }

    /// The partition: the region's, `aws` when the region is not known (as for the ARNs of
    /// a Terraform plan).
    pub fn partition(&self) -> &'static str {
        self.region.as_deref().map_or("aws", partition_of)
    }

    /// Resolves a value of the template found at `at`.
    pub fn eval(&self, j: &Json<'_>, at: &Pointer) -> V {
        match j {
            Json::Object(m) if m.len() == 1 => {
                let (k, arg) = (&m[0].0, &m[0].1);
                let fat = at.key(k);
                match k.as_ref() {
                    "Ref" => self.ref_(arg, &fat),
                    k if k.starts_with("Fn::") => self.function(k, arg, &fat),
                    _ => self.object(m, at),
                }
            }
            Json::Object(m) => self.object(m, at),
            Json::Array(a) => V::List(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| self.eval(v, &at.index(i)))
                    .filter(|v| *v != V::NoValue)
                    .collect(),
            ),
            Json::String(s) if s.contains("{{resolve:") => V::unknown(
                format!("`{s}` is a dynamic reference, resolved at deploy"),
                at,
            ),
            other => from_json(other),
        }
    }

    fn object(&self, m: &[(std::borrow::Cow<'_, str>, Json<'_>)], at: &Pointer) -> V {
        V::Map(
            m.iter()
                .map(|(k, v)| (k.to_string(), self.eval(v, &at.key(k))))
                .filter(|(_, v)| *v != V::NoValue)
                .collect(),
        )
    }

    /// A string argument (resolved), or why it is not one.
    fn string(&self, j: &Json<'_>, at: &Pointer, what: &str) -> Result<String, V> {
        match self.eval(j, at) {
            V::Unknown(u) => Err(V::Unknown(u)),
            v => v
                .scalar_text()
                .ok_or_else(|| self.bad(at, format!("{what} must be a string"))),
        }
    }

    fn ref_(&self, arg: &Json<'_>, at: &Pointer) -> V {
        let Some(name) = arg.as_str() else {
            return self.bad(at, "`Ref` takes the name of a parameter or resource".into());
        };
        self.ref_name(name, at)
    }

    /// The value of `Ref` to `name` (also a `${name}` of `Fn::Sub`).
    pub fn ref_name(&self, name: &str, at: &Pointer) -> V {
        if let Some(pseudo) = name.strip_prefix("AWS::") {
            return self.pseudo(pseudo, at);
        }
        if let Some(v) = self.params.get(name) {
            return match v {
                V::Unknown(u) => V::Unknown(Box::new(super::value::Unknown {
                    at: at.clone(),
                    ..(**u).clone()
                })),
                v => v.clone(),
            };
        }
        if self.resources.contains_key(name) {
            return self.guarded(at, |s| super::names::ref_value(s, name, at));
        }
        self.bad(
            at,
            format!("`{name}` is neither a parameter nor a resource"),
        )
    }

    fn guarded(&self, at: &Pointer, f: impl FnOnce(&Self) -> V) -> V {
        if self.depth.get() >= MAX_DEPTH {
            return self.bad(at, "references go around in a circle".into());
        }
        self.depth.set(self.depth.get() + 1);
        let v = f(self);
        self.depth.set(self.depth.get() - 1);
        v
    }

    fn pseudo(&self, name: &str, at: &Pointer) -> V {
        let known = |v: Option<&str>, why: &str| match v {
            Some(v) => V::Str(v.to_owned()),
            None => V::unknown(why.to_owned(), at),
        };
        match name {
            "AccountId" => known(
                self.account.as_deref(),
                "`AWS::AccountId` is unknown: name the account with `--account`",
            ),
            "Region" => known(
                self.region.as_deref(),
                "`AWS::Region` is unknown: name the region with `--region`",
            ),
            "Partition" => V::Str(self.partition().to_owned()),
            "URLSuffix" => V::Str(url_suffix(self.partition()).to_owned()),
            "StackName" => known(
                self.stack_name.as_deref(),
                "`AWS::StackName` is chosen at deploy",
            ),
            "StackId" => V::unknown("`AWS::StackId` is set at deploy", at),
            "NotificationARNs" => V::unknown("`AWS::NotificationARNs` are set at deploy", at),
            "NoValue" => V::NoValue,
            other => self.bad(at, format!("`AWS::{other}` is not a pseudo parameter")),
        }
    }

    /// The value of condition `name`: a boolean, or unknown.
    pub fn condition(&self, name: &str, at: &Pointer) -> V {
        if let Some(done) = self.conditions.borrow().get(name) {
            return match done {
                Some(v) => v.clone(),
                None => self.bad(at, format!("condition `{name}` depends on itself")),
            };
        }
        let Some(def) = self.root.get("Conditions").and_then(|c| c.get(name)) else {
            return self.bad(at, format!("no condition `{name}`"));
        };
        self.conditions.borrow_mut().insert(name.to_owned(), None);
        let cat = Pointer::root().key("Conditions").key(name);
        let v = match self.cond_value(def, &cat) {
            V::Unknown(u) => {
                V::unknown(format!("condition `{name}` is unknown ({})", u.why), &u.at)
            }
            v => v,
        };
        self.conditions
            .borrow_mut()
            .insert(name.to_owned(), Some(v.clone()));
        v
    }

    /// A condition expression: a boolean function or `{"Condition": name}`.
    fn cond_value(&self, j: &Json<'_>, at: &Pointer) -> V {
        if let Some(name) = j.get("Condition").and_then(Json::as_str) {
            if j.as_object().is_some_and(|m| m.len() == 1) {
                return self.condition(name, &at.key("Condition"));
            }
        }
        match self.eval(j, at) {
            v @ (V::Bool(_) | V::Unknown(_)) => v,
            V::Str(s) if s == "true" => V::Bool(true),
            V::Str(s) if s == "false" => V::Bool(false),
            _ => self.bad(at, "a condition must be a boolean function".into()),
        }
    }

    /// Whether a resource is created: `None` when its condition is unknown.
    pub fn exists(&self, res: &Json<'_>, at: &Pointer) -> Result<bool, V> {
        match res.get("Condition") {
            None => Ok(true),
            Some(Json::String(c)) => match self.condition(c, &at.key("Condition")) {
                V::Bool(b) => Ok(b),
                other => Err(other),
            },
            Some(_) => Err(self.bad(
                &at.key("Condition"),
                "a resource's `Condition` names a condition".into(),
            )),
        }
    }

    fn function(&self, f: &str, arg: &Json<'_>, at: &Pointer) -> V {
        let a = args(arg);
        let arity = |n: usize| -> Result<(), V> {
            if a.len() == n {
                Ok(())
            } else {
                Err(self.bad(at, format!("`{f}` takes a list of {n}")))
            }
        };
        macro_rules! need {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(v) => return v,
                }
            };
        }
        match f {
            "Fn::GetAtt" => {
                let (res, attr) = match arg {
                    Json::String(s) => match s.split_once('.') {
                        Some((r, at)) => (r.to_owned(), at.to_owned()),
                        None => {
                            return self.bad(at, "`Fn::GetAtt` takes `Resource.Attribute`".into())
                        }
                    },
                    _ => {
                        need!(arity(2));
                        let Some(r) = a[0].as_str() else {
                            return self.bad(at, "`Fn::GetAtt` names a resource".into());
                        };
                        (
                            r.to_owned(),
                            need!(self.string(&a[1], &at.index(1), "an attribute")),
                        )
                    }
                };
                self.get_att(&res, &attr, at)
            }
            "Fn::Sub" => self.sub(arg, at),
            "Fn::Join" => {
                need!(arity(2));
                let delim = need!(self.string(&a[0], &at.index(0), "the delimiter"));
                match self.eval(&a[1], &at.index(1)) {
                    V::List(items) => {
                        let mut parts = Vec::with_capacity(items.len());
                        for (i, v) in items.iter().enumerate() {
                            match v {
                                V::Unknown(u) => return V::Unknown(u.clone()),
                                v => match v.scalar_text() {
                                    Some(t) => parts.push(t),
                                    None => {
                                        return self.bad(
                                            &at.index(1).index(i),
                                            "`Fn::Join` joins strings".into(),
                                        )
                                    }
                                },
                            }
                        }
                        V::Str(parts.join(&delim))
                    }
                    u @ V::Unknown(_) => u,
                    _ => self.bad(at, "`Fn::Join` joins a list".into()),
                }
            }
            "Fn::Select" => {
                need!(arity(2));
                let index = need!(self.string(&a[0], &at.index(0), "the index"));
                let Ok(i) = index.parse::<usize>() else {
                    return self.bad(at, format!("`{index}` is not an index"));
                };
                match self.eval(&a[1], &at.index(1)) {
                    V::List(items) => match items.into_iter().nth(i) {
                        Some(v) => v,
                        None => self.bad(at, format!("index {i} is past the end of the list")),
                    },
                    u @ V::Unknown(_) => u,
                    _ => self.bad(at, "`Fn::Select` selects from a list".into()),
                }
            }
            "Fn::Split" => {
                need!(arity(2));
                let delim = need!(self.string(&a[0], &at.index(0), "the delimiter"));
                let text = need!(self.string(&a[1], &at.index(1), "the source"));
                if delim.is_empty() {
                    return self.bad(at, "`Fn::Split` needs a delimiter".into());
                }
                V::List(text.split(&delim).map(|s| V::Str(s.to_owned())).collect())
            }
            "Fn::If" => {
                need!(arity(3));
                let Some(name) = a[0].as_str() else {
                    return self.bad(at, "`Fn::If` names a condition".into());
                };
                match self.condition(name, &at.index(0)) {
                    V::Bool(true) => self.eval(&a[1], &at.index(1)),
                    V::Bool(false) => self.eval(&a[2], &at.index(2)),
                    V::Unknown(u) => V::Unknown(u),
                    _ => self.bad(at, format!("condition `{name}` is not a boolean")),
                }
            }
            "Fn::Equals" => {
                need!(arity(2));
                let x = self.eval(&a[0], &at.index(0));
                let y = self.eval(&a[1], &at.index(1));
                match (&x, &y) {
                    (V::Unknown(u), _) | (_, V::Unknown(u)) => V::Unknown(u.clone()),
                    _ => match (x.scalar_text(), y.scalar_text()) {
                        (Some(p), Some(q)) => V::Bool(p == q),
                        _ => V::Bool(x == y),
                    },
                }
            }
            "Fn::Not" => {
                need!(arity(1));
                match self.cond_value(&a[0], &at.index(0)) {
                    V::Bool(b) => V::Bool(!b),
                    other => other,
                }
            }
            "Fn::And" | "Fn::Or" => {
                if a.len() < 2 || a.len() > 10 {
                    return self.bad(at, format!("`{f}` takes 2 to 10 conditions"));
                }
                // A false (for And) or true (for Or) decides, whatever the unknowns.
                let decides = f == "Fn::Or";
                let mut unknown = None;
                for (i, c) in a.iter().enumerate() {
                    match self.cond_value(c, &at.index(i)) {
                        V::Bool(b) if b == decides => return V::Bool(decides),
                        V::Bool(_) => {}
                        u @ V::Unknown(_) => {
                            unknown.get_or_insert(u);
                        }
                        _ => return self.bad(&at.index(i), "not a condition".into()),
                    }
                }
                unknown.unwrap_or(V::Bool(!decides))
            }
            "Fn::FindInMap" => self.find_in_map(a, at),
            "Fn::Base64" => {
                let text = need!(self.string(arg, at, "`Fn::Base64`'s argument"));
                V::Str(base64::engine::general_purpose::STANDARD.encode(text))
            }
            "Fn::GetAZs" => {
                let region = need!(self.string(arg, at, "the region"));
                let region = if region.is_empty() {
                    self.region
                        .clone()
                        .unwrap_or_else(|| "the stack's region".into())
                } else {
                    region
                };
                V::unknown(
                    format!(
                        "the availability zones of `{region}` are known only to AWS (`Fn::GetAZs`)"
                    ),
                    at,
                )
            }
            "Fn::Cidr" => self.cidr(a, at),
            "Fn::ImportValue" => match self.eval(arg, at) {
                V::Unknown(u) => V::Unknown(u),
                v => V::unknown(
                    format!(
                        "`{}` is an export of another stack (`Fn::ImportValue`)",
                        v.scalar_text().unwrap_or_default()
                    ),
                    at,
                ),
            },
            "Fn::Length" => match self.eval(arg, at) {
                V::List(l) => V::Num(l.len().into()),
                u @ V::Unknown(_) => u,
                _ => self.bad(at, "`Fn::Length` takes a list".into()),
            },
            "Fn::ToJsonString" => {
                let v = self.eval(arg, at);
                match v.to_json_text() {
                    Ok(t) => V::Str(t),
                    Err(u) => V::Unknown(Box::new(u.clone())),
                }
            }
            "Fn::Transform" => V::unknown(
                "the output of a macro (`Fn::Transform`) is made at deploy",
                at,
            ),
            other => self.bad(
                at,
                format!("`{other}` is not an intrinsic function CloudFormation evaluates here"),
            ),
        }
    }

    fn get_att(&self, res: &str, attr: &str, at: &Pointer) -> V {
        if !self.resources.contains_key(res) {
            return self.bad(at, format!("no resource `{res}`"));
        }
        self.guarded(at, |s| super::names::attr_value(s, res, attr, at))
    }

    fn sub(&self, arg: &Json<'_>, at: &Pointer) -> V {
        let (text, vars) = match arg {
            Json::String(s) => (s.as_ref(), None),
            Json::Array(a) if a.len() == 2 => match (&a[0], &a[1]) {
                (Json::String(s), Json::Object(m)) => (s.as_ref(), Some(m)),
                _ => return self.bad(at, "`Fn::Sub` takes a string and a map of variables".into()),
            },
            _ => return self.bad(at, "`Fn::Sub` takes a string, or a string and a map".into()),
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                // `${!Literal}` is written as `${Literal}`.
                out.push_str("${");
                rest = lit;
                continue;
            }
            let Some(end) = after.find('}') else {
                return self.bad(at, format!("`${{` without `}}` in `{text}`"));
            };
            let name = after[..end].trim();
            let v = match vars.and_then(|m| m.iter().position(|(k, _)| k == name)) {
                Some(i) => {
                    let vat = at.index(1).key(name);
                    match vars.map(|m| &m[i].1) {
                        Some(j) => self.eval(j, &vat),
                        None => V::Null,
                    }
                }
                None => match name.split_once('.') {
                    Some((r, a)) if !name.starts_with("AWS::") => self.get_att(r, a, at),
                    _ => self.ref_name(name, at),
                },
            };
            match v {
                V::Unknown(u) => return V::Unknown(u),
                v => match v.scalar_text() {
                    Some(t) => out.push_str(&t),
                    None => return self.bad(at, format!("`${{{name}}}` is not a string")),
                },
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        if out.contains("{{resolve:") {
            return V::unknown(
                format!("`{out}` is a dynamic reference, resolved at deploy"),
                at,
            );
        }
        V::Str(out)
    }

    fn find_in_map(&self, a: &[Json<'_>], at: &Pointer) -> V {
        if a.len() != 3 && a.len() != 4 {
            return self.bad(
                at,
                "`Fn::FindInMap` takes a map, a key and a second key".into(),
            );
        }
        let mut keys = Vec::with_capacity(3);
        for (i, j) in a.iter().take(3).enumerate() {
            match self.string(j, &at.index(i), "a key") {
                Ok(k) => keys.push(k),
                Err(v) => return v,
            }
        }
        let found = self
            .root
            .get("Mappings")
            .and_then(|m| m.get(&keys[0]))
            .and_then(|m| m.get(&keys[1]))
            .and_then(|m| m.get(&keys[2]));
        match found {
            Some(v) => {
                let vat = Pointer::root()
                    .key("Mappings")
                    .key(&keys[0])
                    .key(&keys[1])
                    .key(&keys[2]);
                self.eval(v, &vat)
            }
            None => match a.get(3).and_then(|d| d.get("DefaultValue")) {
                Some(d) => self.eval(d, &at.index(3).key("DefaultValue")),
                None => self.bad(
                    at,
                    format!("mapping `{}` has no `{}` / `{}`", keys[0], keys[1], keys[2]),
                ),
            },
        }
    }

    fn cidr(&self, a: &[Json<'_>], at: &Pointer) -> V {
        if a.len() != 3 {
            return self.bad(at, "`Fn::Cidr` takes a block, a count and a size".into());
        }
        let mut s = Vec::with_capacity(3);
        for (i, j) in a.iter().enumerate() {
            match self.string(j, &at.index(i), "an argument") {
                Ok(t) => s.push(t),
                Err(v) => return v,
            }
        }
        let Ok(block) = s[0].parse::<ipnet::IpNet>() else {
            return self.bad(at, format!("`{}` is not a CIDR block", s[0]));
        };
        let (Ok(count), Ok(bits)) = (s[1].parse::<usize>(), s[2].parse::<u8>()) else {
            return self.bad(at, "the count and the size are numbers".into());
        };
        let max = block.max_prefix_len();
        let Some(prefix) = max.checked_sub(bits).filter(|p| *p >= block.prefix_len()) else {
            return self.bad(at, format!("{bits} host bits do not fit in `{}`", s[0]));
        };
        let Ok(subnets) = block.subnets(prefix) else {
            return self.bad(at, "no such subnets".into());
        };
        let list: Vec<V> = subnets.take(count).map(|n| V::Str(n.to_string())).collect();
        if list.len() < count || count == 0 || count > 256 {
            return self.bad(
                at,
                format!("`{}` has no {count} subnets of that size", s[0]),
            );
        }
        V::List(list)
    }
}
