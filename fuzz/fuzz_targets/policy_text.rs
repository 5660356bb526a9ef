//! Policy text: the strict parser for every document kind, the policy file reader of
//! `simulate` (bare or wrapped documents), the one validation (`rules::read_policy`), the
//! linter, and the evaluator on what was read.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use xacct::eval::{authorize, Context, ContextValue, PolicySet, Principal, Request};
use xacct::json::Json;
use xacct::lint::{lint_text, LintOptions};
use xacct::load::policy_file::parse_policy_text;
use xacct::policy::{DocKind, Origin, Policy, PolicyKind};
use xacct::rules::doc::DocFacts;

const KINDS: [DocKind; 16] = [
    DocKind::Identity,
    DocKind::Managed,
    DocKind::AwsManaged,
    DocKind::Boundary,
    DocKind::Session,
    DocKind::Trust,
    DocKind::Bucket,
    DocKind::Repository,
    DocKind::Registry,
    DocKind::Key,
    DocKind::Grants,
    DocKind::ModelPackageGroup,
    DocKind::Scp,
    DocKind::Rcp,
    DocKind::VpcEndpoint,
    DocKind::Resource,
];

/// Fixed requests the policies read are evaluated against: a cross-account object read
/// with conditions' keys set, a key use, a registration, and an action without a resource.
const REQUESTS: [(&str, &str, &str); 4] = [
    (
        "arn:aws:sts::222222222222:assumed-role/Deploy/s1",
        "s3:GetObject",
        "arn:aws:s3:::bucket-111111111111/models/a.tar.gz",
    ),
    (
        "arn:aws:iam::111111111111:role/service/Training",
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    (
        "arn:aws:iam::111111111111:user/alice",
        "sagemaker:CreateModelPackage",
        "arn:aws:sagemaker:us-east-1:333333333333:model-package/models/1",
    ),
    ("sagemaker.amazonaws.com", "ecr:GetAuthorizationToken", "*"),
];

fn context() -> Context {
    let mut c = Context::default();
    let s = |v: &str| ContextValue::Single(v.to_owned());
    c.insert("aws:PrincipalOrgID", s("o-abcdefghij"));
    c.insert("aws:SourceIp", s("203.0.113.7"));
    c.insert("aws:SecureTransport", s("true"));
    c.insert("aws:CurrentTime", s("2026-01-02T03:04:05Z"));
    c.insert("aws:PrincipalTag/team", s("ml"));
    c.insert("s3:x-amz-server-side-encryption", s("aws:kms"));
    c.insert(
        "aws:TagKeys",
        ContextValue::Multi(vec!["team".into(), "Stage".into()]),
    );
    c
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file: Arc<str> = Arc::from("policy.json");
    let origin = || Origin {
        file: Some(file.clone()),
        ..Origin::default()
    };
    for kind in KINDS {
        let _ = Policy::parse_text(text, kind, origin());
    }
    // As `simulate` reads a policy file: bare, or in the AWS CLI output that exported it.
    let mut wrapped = Vec::new();
    for kind in [
        DocKind::Identity,
        DocKind::Trust,
        DocKind::Bucket,
        DocKind::Key,
    ] {
        if let Ok(p) = parse_policy_text(text, file.clone(), kind) {
            wrapped.push((kind, p));
        }
    }
    if let Ok(catalog) = xacct::catalog::catalog() {
        let _ = lint_text("policy.json", text, &LintOptions::default(), catalog);
    }
    let arena = bumpalo::Bump::new();
    let Ok((json, bound)) = Json::parse_in(text, &arena) else {
        return;
    };
    let facts = DocFacts {
        account: Some("111111111111".into()),
        region: Some("us-east-1".into()),
        name: Some("bucket-111111111111".into()),
    };
    let mut read = wrapped;
    for kind in KINDS {
        let (policy, _errors) =
            xacct::rules::read_policy(&json, kind, origin(), Some(text), None, &facts);
        // The parse's bound on the tree's size spares measuring it, never changes a verdict.
        let defects = |bound| {
            let (p, errors) = xacct::rules::read_policy(&json, kind, origin(), None, bound, &facts);
            let found = p.map(|p| {
                p.defects
                    .iter()
                    .map(|d| (d.code, d.pointer.to_string()))
                    .collect::<Vec<_>>()
            });
            (found, errors.len())
        };
        assert_eq!(defects(None), defects(Some(bound)), "{kind:?}");
        if let Some(p) = policy {
            read.push((kind, p));
        }
    }
    // One set with every policy read in the slot its kind plays.
    let mut set = PolicySet::default();
    for (kind, p) in &read {
        match kind.role() {
            PolicyKind::Identity => set.identity.push(p),
            PolicyKind::Boundary => set.boundary.push(p),
            PolicyKind::Session => set.session = Some(p),
            PolicyKind::Resource => set.resource = Some(p),
            PolicyKind::Scp => set.scps.push(vec![p]),
            PolicyKind::Rcp => set.rcps.push(vec![p]),
            PolicyKind::VpcEndpoint => set.vpc_endpoint.push(p),
        }
    }
    for (principal, action, resource) in REQUESTS {
        let Ok(principal) = Principal::parse(principal) else {
            continue;
        };
        let mut req = Request::new(principal, action, resource, None, context());
        req.derive_context();
        let response = authorize(&req, &set);
        let _ = xacct::report::decision_table(&req, &response);
        let _ = xacct::report::simulate::decision_json(&req, &response);
    }
});
