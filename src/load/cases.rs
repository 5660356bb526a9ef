//! Decision cases: one request per JSON line, with the policies that apply and, optionally,
//! the expected decision (the format of the conformance suite; see the README).
//!
//! A case whose policies have errors is still decided, on what could be read, and fails
//! closed: its errors are reported and it can never come out `Allow`.

use std::sync::Arc;

use crate::eval::{
    authorize, BucketFacts, Context, ContextValue, Decision, ObjectOwner, ObjectOwnership,
    PolicySet, Principal, PublicAccessBlock, Request, Response,
};
use crate::json::{Json, Pointer};
use crate::policy::{
    Defect, DocKind, Grant, Origin, ParseError, ParseErrorKind, Policy, PolicyKind,
    MAX_POLICY_BYTES,
};
use crate::rules::doc::DocFacts;
use crate::rules::read_policy;

/// One case, compiled.
#[derive(Debug, Clone)]
pub struct Case {
    /// `id`.
    pub id: String,
    /// The request.
    pub request: Request,
    /// The policies, compiled once.
    pub policies: CasePolicies,
    /// `expected`, when given.
    pub expected: Option<Decision>,
    /// Problems found in the case's policies (the decision then fails closed).
    pub errors: Vec<ParseError>,
}

/// The policies of a case, owned.
#[derive(Debug, Clone, Default)]
pub struct CasePolicies {
    /// `identityPolicies`.
    pub identity: Vec<Policy>,
    /// `permissionBoundaries`.
    pub boundary: Vec<Policy>,
    /// `sessionPolicy`.
    pub session: Option<Policy>,
    /// `resourcePolicy`.
    pub resource: Option<Policy>,
    /// `scps`, root level first.
    pub scps: Vec<Vec<Policy>>,
    /// `rcps`, root level first.
    pub rcps: Vec<Vec<Policy>>,
    /// `vpcEndpointPolicies`.
    pub vpc_endpoint: Vec<Policy>,
    /// `grants`: entries of `aws kms list-grants` for the requested key (an extension of the
    /// shared format).
    pub grants: Vec<Grant>,
    /// `bucket`: S3 facts (an extension of the shared format): `{"objectOwnership":
    /// "BucketOwnerEnforced"|…, "publicAccessBlock": {PublicAccessBlockConfiguration},
    /// "objectOwner": "bucket-owner"|ACCOUNT|"unknown"}`.
    pub bucket: Option<BucketFacts>,
}

impl CasePolicies {
    /// Borrows the policies as a [`PolicySet`].
    pub fn set(&self) -> PolicySet<'_> {
        PolicySet {
            identity: self.identity.iter().collect(),
            boundary: self.boundary.iter().collect(),
            session: self.session.as_ref(),
            resource: self.resource.as_ref(),
            scps: self.scps.iter().map(|l| l.iter().collect()).collect(),
            rcps: self.rcps.iter().map(|l| l.iter().collect()).collect(),
            vpc_endpoint: self.vpc_endpoint.iter().collect(),
            grants: self.grants.iter().collect(),
            bucket: self.bucket.as_ref(),
        }
    }
}

impl Case {
    /// Decides the case. A policy with errors carries them as defects: the decision fails
    /// closed on them like every other path's.
    pub fn decide(&self) -> Response<'_> {
        authorize(&self.request, &self.policies.set())
    }
}

/// A case line that could not be read at all (bad JSON, no request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {pointer}: {message}")]
pub struct CaseError {
    /// The file.
    pub file: Arc<str>,
    /// 1-based line number.
    pub line: usize,
    /// Where in the line's JSON.
    pub pointer: Pointer,
    /// What is wrong.
    pub message: String,
}

struct Reader<'f> {
    file: &'f Arc<str>,
    line: usize,
    /// `file:line`, shared by every policy of the case.
    origin_file: Arc<str>,
    /// An upper bound on the size without whitespace of any policy of the line
    /// ([`Json::parse_in`]): a policy is measured only where the bound is over a limit.
    bound: usize,
    errors: Vec<ParseError>,
}

impl Reader<'_> {
    fn wrong_type(&mut self, at: Pointer, expected: &'static str, found: &Json<'_>) {
        self.errors.push(ParseError {
            carrier: None,
            file: Some(self.file.clone()),
            pointer: at,
            kind: ParseErrorKind::WrongType {
                expected,
                found: found.type_name(),
            },
        });
    }

    fn fatal(&self, pointer: Pointer, message: impl Into<String>) -> CaseError {
        CaseError {
            file: self.file.clone(),
            line: self.line,
            pointer,
            message: message.into(),
        }
    }

    fn policy(&mut self, json: &Json<'_>, kind: PolicyKind, at: Pointer) -> Option<Policy> {
        // `{"name": ..., "policy": {...}}` or the policy itself.
        let (doc, name, at) = match (json.get("policy"), json.get("Statement")) {
            (Some(doc), None) => (
                doc,
                json.get("name").and_then(Json::as_str).map(Arc::from),
                at.key("policy"),
            ),
            _ => (json, None, at),
        };
        let origin = Origin {
            file: Some(self.origin_file.clone()),
            name,
            pointer: at,
            embedded: false,
        };
        let kind = DocKind::of_role(kind);
        // A document larger than any AWS policy is refused as the flags refuse it (only a
        // line whose bound is that large can hold one).
        if self.bound > MAX_POLICY_BYTES {
            let (bytes, _) = crate::rules::compact::compact_size(None, doc);
            if bytes > MAX_POLICY_BYTES {
                let e = ParseError {
                    carrier: None,
                    file: Some(self.file.clone()),
                    pointer: origin.pointer.clone(),
                    kind: ParseErrorKind::TooLarge(bytes),
                };
                let defects = vec![Defect::from(&e)];
                self.errors.push(e);
                return Some(Policy::unreadable(kind, origin, defects));
            }
        }
        // One validation for every path; a document with no usable shape stands as one of
        // which nothing can be read, so that it can still deny.
        let (policy, errors) = read_policy(
            doc,
            kind,
            origin.clone(),
            None,
            Some(self.bound),
            &DocFacts::default(),
        );
        let policy = policy.unwrap_or_else(|| {
            Policy::unreadable(kind, origin, errors.iter().map(Defect::from).collect())
        });
        self.errors.extend(errors);
        Some(policy)
    }

    /// The policies at `at`. Pointers are only built for what is there: most cases leave
    /// most kinds of policy out.
    fn policies(
        &mut self,
        json: Option<&Json<'_>>,
        kind: PolicyKind,
        at: impl FnOnce() -> Pointer,
    ) -> Vec<Policy> {
        match json {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => {
                let at = at();
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, j)| self.policy(j, kind, at.index(i)))
                    .collect()
            }
            Some(other) => {
                self.wrong_type(at(), "an array of policies", other);
                Vec::new()
            }
        }
    }

    fn levels(
        &mut self,
        json: Option<&Json<'_>>,
        kind: PolicyKind,
        at: impl FnOnce() -> Pointer,
    ) -> Vec<Vec<Policy>> {
        match json {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(levels)) => {
                let at = at();
                levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| self.policies(Some(l), kind, || at.index(i)))
                    .collect()
            }
            Some(other) => {
                self.wrong_type(at(), "an array of levels", other);
                // A level that cannot be read must not be skipped: one empty level denies.
                vec![Vec::new()]
            }
        }
    }
}

/// Reads one case from one line of text.
pub fn parse_case(text: &str, file: &Arc<str>, line: usize) -> Result<Case, CaseError> {
    let mut r = Reader {
        file,
        line,
        origin_file: Arc::from([file, ":", itoa::Buffer::new().format(line)].concat()),
        // Nothing is read before the line is parsed; until then, nothing is bounded.
        bound: usize::MAX,
        errors: Vec::new(),
    };
    let root = Pointer::root();
    let arena = Json::arena_for(text.len());
    let (json, bound) = Json::parse_in(text, &arena)
        .map_err(|e| r.fatal(root.clone(), format!("invalid JSON: {e}")))?;
    r.bound = bound;
    if json.as_object().is_none() {
        return Err(r.fatal(
            root,
            format!("expected an object, found {}", json.type_name()),
        ));
    }
    let id = match json.get("id") {
        Some(Json::String(s)) => s.to_string(),
        Some(Json::Number(n)) => n.to_string(),
        _ => format!("line-{line}"),
    };
    // Pointers are built only for an error.
    let req_at = || root.key("request");
    let req = json
        .get("request")
        .ok_or_else(|| r.fatal(root.clone(), "missing `request`"))?;
    let string = |r: &Reader<'_>, key: &'static str| -> Result<String, CaseError> {
        match req.get(key) {
            Some(Json::String(s)) => Ok(s.to_string()),
            Some(other) => Err(r.fatal(
                req_at().key(key),
                format!("expected a string, found {}", other.type_name()),
            )),
            None => Err(r.fatal(req_at(), format!("missing `{key}`"))),
        }
    };
    let principal_text = string(&r, "principal")?;
    let principal =
        Principal::parse(&principal_text).map_err(|e| r.fatal(req_at().key("principal"), e))?;
    let action = string(&r, "action")?;
    let resource = string(&r, "resource")?;
    Request::check_resource(&resource).map_err(|e| r.fatal(req_at().key("resource"), e))?;
    let resource_account = match req.get("resourceAccount") {
        Some(Json::String(s)) => Some(s.to_string()),
        None | Some(Json::Null) => None,
        Some(other) => {
            return Err(r.fatal(
                req_at().key("resourceAccount"),
                format!("expected a string, found {}", other.type_name()),
            ))
        }
    };
    let context = read_context(req.get("context"), || req_at().key("context"))
        .map_err(|(p, m)| r.fatal(p, m))?;
    let expected = match json.get("expected") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(match s.as_ref() {
            "Allow" => Decision::Allow,
            "ImplicitDeny" => Decision::ImplicitDeny,
            "ExplicitDeny" => Decision::ExplicitDeny,
            other => {
                return Err(r.fatal(
                    root.key("expected"),
                    format!(
                        "`expected` must be Allow, ImplicitDeny or ExplicitDeny, found `{other}`"
                    ),
                ))
            }
        }),
        Some(other) => {
            return Err(r.fatal(
                root.key("expected"),
                format!("expected a string, found {}", other.type_name()),
            ))
        }
    };

    let identity = r.policies(json.get("identityPolicies"), PolicyKind::Identity, || {
        root.key("identityPolicies")
    });
    let boundary = r.policies(
        json.get("permissionBoundaries"),
        PolicyKind::Boundary,
        || root.key("permissionBoundaries"),
    );
    let session = match json.get("sessionPolicy") {
        None | Some(Json::Null) => None,
        Some(p) => Some(
            r.policy(p, PolicyKind::Session, root.key("sessionPolicy"))
                // An unreadable session policy must still limit: an empty one allows nothing.
                .unwrap_or_else(|| empty_policy(PolicyKind::Session)),
        ),
    };
    let resource_policy = match json.get("resourcePolicy") {
        None | Some(Json::Null) => None,
        Some(p) => r.policy(p, PolicyKind::Resource, root.key("resourcePolicy")),
    };
    let scps = r.levels(json.get("scps"), PolicyKind::Scp, || root.key("scps"));
    let rcps = r.levels(json.get("rcps"), PolicyKind::Rcp, || root.key("rcps"));
    let vpc_endpoint = r.policies(
        json.get("vpcEndpointPolicies"),
        PolicyKind::VpcEndpoint,
        || root.key("vpcEndpointPolicies"),
    );
    let grants = r.grants(json.get("grants"), || root.key("grants"));
    let bucket = match json.get("bucket") {
        None | Some(Json::Null) => None,
        Some(b) => Some(read_bucket(b, &root.key("bucket")).map_err(|(p, m)| r.fatal(p, m))?),
    };
    let mut boundary = boundary;
    if boundary.is_empty()
        && json
            .get("permissionBoundaries")
            .is_some_and(|b| matches!(b, Json::Array(a) if !a.is_empty()))
    {
        boundary.push(empty_policy(PolicyKind::Boundary));
    }
    let request = Request::new(principal, &action, &resource, resource_account, context);
    Ok(Case {
        id,
        request,
        policies: CasePolicies {
            identity,
            boundary,
            session,
            resource: resource_policy,
            scps,
            rcps,
            vpc_endpoint,
            grants,
            bucket,
        },
        expected,
        errors: r.errors,
    })
}

impl Reader<'_> {
    fn grants(&mut self, json: Option<&Json<'_>>, at: impl FnOnce() -> Pointer) -> Vec<Grant> {
        let Some(Json::Array(items)) = json else {
            return Vec::new();
        };
        let at = at();
        let mut out = Vec::new();
        for (i, g) in items.iter().enumerate() {
            let origin = Origin {
                file: Some(self.origin_file.clone()),
                name: None,
                pointer: at.index(i),
                embedded: false,
            };
            match Grant::from_json(g, origin) {
                Ok(g) => out.push(g),
                Err(e) => self.errors.extend(e.0),
            }
        }
        out
    }
}

/// Reads the `bucket` facts of a case.
fn read_bucket(json: &Json<'_>, at: &Pointer) -> Result<BucketFacts, (Pointer, String)> {
    let ownership = match json.get("objectOwnership").and_then(Json::as_str) {
        None => None,
        Some("BucketOwnerEnforced") => Some(ObjectOwnership::BucketOwnerEnforced),
        Some("BucketOwnerPreferred") => Some(ObjectOwnership::BucketOwnerPreferred),
        Some("ObjectWriter") => Some(ObjectOwnership::ObjectWriter),
        Some(other) => {
            return Err((
                at.key("objectOwnership"),
                format!("unknown object ownership `{other}`"),
            ))
        }
    };
    let public_access_block = json.get("publicAccessBlock").map(|p| {
        let flag = |k: &str| matches!(p.get(k), Some(Json::Bool(true)));
        PublicAccessBlock {
            block_public_acls: flag("BlockPublicAcls"),
            ignore_public_acls: flag("IgnorePublicAcls"),
            block_public_policy: flag("BlockPublicPolicy"),
            restrict_public_buckets: flag("RestrictPublicBuckets"),
        }
    });
    let object_owner = match json.get("objectOwner").and_then(Json::as_str) {
        None | Some("unknown") => ObjectOwner::Unknown,
        Some("bucket-owner") => ObjectOwner::BucketOwner,
        Some(a) => ObjectOwner::Account(a.to_owned()),
    };
    Ok(BucketFacts {
        ownership,
        public_access_block,
        object_owner,
    })
}

fn empty_policy(kind: PolicyKind) -> Policy {
    Policy {
        kind,
        origin: Origin::default(),
        doc: DocKind::of_role(kind),
        version: crate::policy::Version::V2012_10_17,
        id: None,
        defects: Vec::new(),
        statements: Vec::new(),
    }
}

/// Reads a request context: a string is a single-valued key, an array a multi-valued one.
/// `at` gives the context's pointer, built only for an error.
pub fn read_context(
    json: Option<&Json<'_>>,
    at: impl Fn() -> Pointer,
) -> Result<Context, (Pointer, String)> {
    let members = match json {
        None | Some(Json::Null) => return Ok(Context::default()),
        Some(Json::Object(m)) => m,
        Some(other) => {
            return Err((
                at(),
                format!("expected an object, found {}", other.type_name()),
            ))
        }
    };
    let mut ctx = Context::with_capacity(members.len());
    let scalar = |j: &Json<'_>| -> Option<String> {
        match j {
            Json::String(s) => Some(s.to_string()),
            Json::Number(n) => Some(n.to_string()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    };
    for (k, v) in members {
        let value = match v {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(scalar(item).ok_or_else(|| {
                        (
                            at().key(k).index(i),
                            format!("expected a string, found {}", item.type_name()),
                        )
                    })?);
                }
                ContextValue::Multi(out)
            }
            other => ContextValue::Single(scalar(other).ok_or_else(|| {
                (
                    at().key(k),
                    format!("expected a string or an array, found {}", other.type_name()),
                )
            })?),
        };
        // A key given twice (in any case) is ambiguous: keep the first, as AWS never sends two.
        ctx.push_first(k, value);
    }
    Ok(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = r#""request":{"principal":"arn:aws:iam::111111111111:role/R","action":"s3:GetObject","resource":"arn:aws:s3:::b/k""#;
    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

    fn case(rest: &str, context: &str) -> Result<Case, CaseError> {
        let line = format!("{{{REQUEST}{context}}}{rest}}}");
        parse_case(&line, &Arc::from("cases.jsonl"), 3)
    }

    fn error_at(rest: &str, context: &str) -> String {
        match case(rest, context) {
            Ok(c) => format!("read, with errors at {:?}", pointers(&c)),
            Err(e) => e.pointer.to_string(),
        }
    }

    fn pointers(c: &Case) -> Vec<String> {
        c.errors.iter().map(|e| e.pointer.to_string()).collect()
    }

    #[test]
    fn every_part_of_a_case_is_located_where_it_is() {
        let g = r#"{"KeyId":"arn:aws:kms:us-east-1:111111111111:key/k","GranteePrincipal":"arn:aws:iam::111111111111:role/R","Operations":["Decrypt"]}"#;
        let rest = format!(
            r#","identityPolicies":[{POLICY},{POLICY}],"permissionBoundaries":[{POLICY}],"scps":[[{POLICY}],[{POLICY},{{"name":"n","policy":{POLICY}}}]],"rcps":[[{POLICY}]],"vpcEndpointPolicies":[{POLICY}],"sessionPolicy":{POLICY},"resourcePolicy":{POLICY},"grants":[{g},{g}]"#
        );
        let c = case(&rest, "").unwrap_or_else(|e| panic!("{e}"));
        let at = |p: &Policy| p.origin.pointer.to_string();
        let p = &c.policies;
        assert_eq!(at(&p.identity[1]), "/identityPolicies/1");
        assert_eq!(at(&p.boundary[0]), "/permissionBoundaries/0");
        assert_eq!(at(&p.scps[1][0]), "/scps/1/0");
        assert_eq!(at(&p.scps[1][1]), "/scps/1/1/policy");
        assert_eq!(at(&p.rcps[0][0]), "/rcps/0/0");
        assert_eq!(at(&p.vpc_endpoint[0]), "/vpcEndpointPolicies/0");
        assert_eq!(
            p.session.as_ref().map(at).as_deref(),
            Some("/sessionPolicy")
        );
        assert_eq!(
            p.resource.as_ref().map(at).as_deref(),
            Some("/resourcePolicy")
        );
        assert_eq!(p.grants[1].origin.pointer.to_string(), "/grants/1");
        assert_eq!(p.scps[1][0].origin.file.as_deref(), Some("cases.jsonl:3"));
    }

    /// A session policy (at most 2,048 characters) whose line is shorter than that, but
    /// which serde_json writes longer: `1e15` is written `1000000000000000.0`. Measured
    /// only when the line's bound says it may be over, it must still be found over.
    #[test]
    fn a_policy_that_floats_make_larger_is_still_measured() {
        let session = |value: &str| {
            let values = vec![value; 150].join(",");
            let policy = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"NumericEquals":{{"s3:max-keys":[{values}]}}}}}}]}}"#
            );
            let rest = format!(r#","sessionPolicy":{policy}"#);
            let c = case(&rest, "").unwrap();
            // The line as `case` writes it.
            let line = format!("{{{REQUEST}}}{rest}}}");
            assert!(line.len() < 2_048, "{}", line.len());
            let defects = c.policies.session.map(|p| p.defects).unwrap_or_default();
            defects.iter().map(|d| d.code).collect::<Vec<_>>()
        };
        assert_eq!(session("1e15"), ["XA0111"]);
        assert_eq!(session("1"), Vec::<&str>::new());
    }

    #[test]
    fn every_error_names_where_it_is() {
        let p = |rest: &str| error_at(rest, "");
        assert_eq!(
            p(r#","identityPolicies":{}"#),
            r#"read, with errors at ["/identityPolicies"]"#
        );
        assert_eq!(
            p(r#","vpcEndpointPolicies":1"#),
            r#"read, with errors at ["/vpcEndpointPolicies"]"#
        );
        assert_eq!(p(r#","scps":"x""#), r#"read, with errors at ["/scps"]"#);
        assert_eq!(
            p(r#","rcps":[[],7]"#),
            r#"read, with errors at ["/rcps/1"]"#
        );
        let c = |context: &str| error_at("", &format!(r#","context":{context}"#));
        assert_eq!(c("[]"), "/request/context");
        assert_eq!(c(r#"{"a/b":{}}"#), "/request/context/a~1b");
        assert_eq!(c(r#"{"k":["x",null]}"#), "/request/context/k/1");
        let bad = |field: &str, value: &str| {
            let line = REQUEST.replace(
                &format!(r#""{field}":"#),
                &format!(r#""{field}":{value},"was":"#),
            );
            match parse_case(&format!("{{{line}}}}}"), &Arc::from("f"), 1) {
                Ok(_) => "read".to_owned(),
                Err(e) => e.pointer.to_string(),
            }
        };
        assert_eq!(bad("action", "1"), "/request/action");
        assert_eq!(bad("principal", r#""nobody""#), "/request/principal");
        assert_eq!(bad("resource", r#""not an arn""#), "/request/resource");
        let missing = parse_case(r#"{"request":{}}"#, &Arc::from("f"), 1).map(|_| ());
        assert_eq!(
            missing.map_err(|e| e.pointer.to_string()),
            Err("/request".to_owned())
        );
    }
}
