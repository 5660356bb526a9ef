//! Properties of the decision and of the one validation, over generated policy sets and
//! requests, on the case path (what `simulate --cases` and `--identity-policy` read) and the
//! inventory path (what `check`, `who-can`, `audit` and `diff` read):
//!
//! * making any one statement defective never turns a non-`Allow` into `Allow`;
//! * adding a `Deny` never turns a denial into `Allow`;
//! * removing an `Allow` never turns a denial into `Allow` (S3's `RestrictPublicBuckets`, under
//!   which removing a public statement does lift the block, is left out of these cases);
//! * the order of statements, policies and files never changes a decision;
//! * lint's errors on a policy are exactly the one validation's.
//!
//! `XACCT_PROPTEST_CASES` scales every property (the default runs about 100,000 cases in all).

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use xacct::eval::{authorize, Decision, Principal};
use xacct::load::cases::parse_case;
use xacct::load::LoadOptions;
use xacct::policy::{DocKind, Origin};

const A: &str = "111111111111";
const B: &str = "222222222222";

const ACTIONS: [&str; 7] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "kms:Decrypt",
    "*",
    "sagemaker:CreateModelPackage",
];
const RESOURCES: [&str; 7] = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::other/*",
    "arn:aws:kms:us-east-1:222222222222:key/k1",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:sagemaker:us-east-1:222222222222:model-package/g/*",
];
const PRINCIPALS: [&str; 6] = [
    "\"111111111111\"",
    "\"arn:aws:iam::111111111111:role/r\"",
    "\"arn:aws:iam::111111111111:user/alice\"",
    "\"222222222222\"",
    "\"*\"",
    "\"arn:aws:iam::111111111111:root\"",
];
const CONDITIONS: [&str; 7] = [
    "",
    r#"{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#,
    r#"{"StringNotEquals":{"aws:PrincipalTag/team":"${aws:username}"}}"#,
    r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
    r#"{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}"#,
    r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
    r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/r"}}"#,
];
/// What a defect replaces in one statement.
const DEFECTS: usize = 9;

/// One statement, as parts that render to JSON text (so that duplicate keys can be written).
#[derive(Debug, Clone)]
struct St {
    allow: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    not_principal: bool,
    principals: Vec<usize>,
    condition: usize,
}

impl St {
    /// The statement as JSON text, for a policy that takes principals or not, with `defect`
    /// applied.
    fn text(&self, principals: bool, resource: bool, defect: Option<usize>) -> String {
        let list = |items: Vec<String>| format!("[{}]", items.join(","));
        let effect = if self.allow { "Allow" } else { "Deny" };
        let mut parts = Vec::new();
        match defect {
            // The same key twice, disagreeing.
            Some(5) => parts.push(format!(
                r#""Effect":"{}","Effect":"{effect}""#,
                if self.allow { "Deny" } else { "Allow" }
            )),
            _ => parts.push(format!(r#""Effect":"{effect}""#)),
        }
        let actions = list(
            self.actions
                .iter()
                .map(|a| format!("\"{}\"", ACTIONS[*a]))
                .collect(),
        );
        let action_key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        match defect {
            Some(3) => parts.push(format!(r#""{action_key}":7"#)),
            Some(4) => parts.push(format!(
                r#""{action_key}":["s3GetObject",{}]"#,
                &actions[1..actions.len() - 1]
            )),
            _ => parts.push(format!(r#""{action_key}":{actions}"#)),
        }
        if resource {
            let resources = list(
                self.resources
                    .iter()
                    .map(|r| format!("\"{}\"", RESOURCES[*r]))
                    .collect(),
            );
            let key = if self.not_resource {
                "NotResource"
            } else {
                "Resource"
            };
            match defect {
                Some(0) => parts.push(format!(r#""{key}":"arn:aws""#)),
                Some(1) => parts.push(format!(r#""{key}":5"#)),
                Some(2) => parts.push(format!(
                    r#""{key}":["arn:aws:s3:::b/${{aws:username",{}]"#,
                    &resources[1..resources.len() - 1]
                )),
                _ => parts.push(format!(r#""{key}":{resources}"#)),
            }
        }
        if principals {
            let key = if self.not_principal {
                "NotPrincipal"
            } else {
                "Principal"
            };
            let values = list(
                self.principals
                    .iter()
                    .map(|p| PRINCIPALS[*p].to_owned())
                    .collect(),
            );
            parts.push(format!(r#""{key}":{{"AWS":{values}}}"#));
        }
        let condition = CONDITIONS[self.condition];
        match defect {
            Some(6) => parts.push(r#""Condition":{"Bool":{"aws:SecureTransport":"maybe"}}"#.into()),
            Some(7) if !condition.is_empty() => parts.push(format!(r#""Condtion":{condition}"#)),
            Some(7) => parts.push(r#""Condtion":{}"#.into()),
            _ if !condition.is_empty() => parts.push(format!(r#""Condition":{condition}"#)),
            _ => {}
        }
        if defect == Some(8) {
            return "5".into();
        }
        format!("{{{}}}", parts.join(","))
    }
}

fn statement() -> impl Strategy<Value = St> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTIONS.len(), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::bool::weighted(0.1),
        prop::collection::vec(0..PRINCIPALS.len(), 1..3),
        0..CONDITIONS.len(),
    )
        .prop_map(
            |(
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                not_principal,
                principals,
                condition,
            )| St {
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                not_principal,
                principals,
                condition,
            },
        )
}

/// The policies of one case.
#[derive(Debug, Clone)]
struct Set {
    identity: Vec<Vec<St>>,
    resource: Option<Vec<St>>,
    scp: Option<Vec<St>>,
    boundary: Option<Vec<St>>,
}

/// Where a statement sits: (policy list, policy, statement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Identity(usize, usize),
    Resource(usize),
    Scp(usize),
    Boundary(usize),
}

impl Set {
    fn slots(&self) -> Vec<Slot> {
        let mut out = Vec::new();
        for (p, sts) in self.identity.iter().enumerate() {
            out.extend((0..sts.len()).map(|s| Slot::Identity(p, s)));
        }
        if let Some(r) = &self.resource {
            out.extend((0..r.len()).map(Slot::Resource));
        }
        if let Some(s) = &self.scp {
            out.extend((0..s.len()).map(Slot::Scp));
        }
        if let Some(b) = &self.boundary {
            out.extend((0..b.len()).map(Slot::Boundary));
        }
        out
    }

    fn get_mut(&mut self, slot: Slot) -> Option<&mut Vec<St>> {
        match slot {
            Slot::Identity(p, _) => self.identity.get_mut(p),
            Slot::Resource(_) => self.resource.as_mut(),
            Slot::Scp(_) => self.scp.as_mut(),
            Slot::Boundary(_) => self.boundary.as_mut(),
        }
    }

    fn index(slot: Slot) -> usize {
        match slot {
            Slot::Identity(_, s) | Slot::Resource(s) | Slot::Scp(s) | Slot::Boundary(s) => s,
        }
    }
}

fn doc(sts: &[St], principals: bool, defect: Option<(usize, usize)>) -> String {
    let body: Vec<String> = sts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.text(
                principals,
                true,
                defect.filter(|(at, _)| *at == i).map(|(_, d)| d),
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        body.join(",")
    )
}

fn set() -> impl Strategy<Value = Set> {
    (
        prop::collection::vec(prop::collection::vec(statement(), 1..4), 1..3),
        prop::option::of(prop::collection::vec(statement(), 1..4)),
        prop::option::weighted(0.3, prop::collection::vec(statement(), 1..3)),
        prop::option::weighted(0.2, prop::collection::vec(statement(), 1..3)),
    )
        .prop_map(|(identity, resource, scp, boundary)| Set {
            identity,
            resource,
            scp,
            boundary,
        })
}

/// One request.
#[derive(Debug, Clone)]
struct Req {
    principal: usize,
    action: usize,
    resource: usize,
    owner_b: bool,
    secure: Option<bool>,
    team: bool,
    mfa_age: bool,
}

const REQ_PRINCIPALS: [&str; 2] = [
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:sts::111111111111:assumed-role/r/s",
];
const REQ_ACTIONS: [&str; 4] = [
    "s3:GetObject",
    "s3:PutObject",
    "kms:Decrypt",
    "sagemaker:CreateModelPackage",
];
const REQ_RESOURCES: [&str; 4] = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/alice/x",
    "arn:aws:kms:us-east-1:222222222222:key/k1",
    "arn:aws:sagemaker:us-east-1:222222222222:model-package/g/1",
];

fn request() -> impl Strategy<Value = Req> {
    (
        0..REQ_PRINCIPALS.len(),
        0..REQ_ACTIONS.len(),
        0..REQ_RESOURCES.len(),
        any::<bool>(),
        prop::option::of(any::<bool>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(principal, action, resource, owner_b, secure, team, mfa_age)| Req {
                principal,
                action,
                resource,
                owner_b,
                secure,
                team,
                mfa_age,
            },
        )
}

impl Req {
    fn context(&self) -> Vec<(String, String)> {
        let mut c = Vec::new();
        if let Some(s) = self.secure {
            c.push(("aws:SecureTransport".into(), s.to_string()));
        }
        if self.team {
            c.push(("aws:PrincipalTag/team".into(), "x".into()));
        }
        if self.mfa_age {
            c.push(("aws:MultiFactorAuthAge".into(), "100".into()));
        }
        c
    }

    fn owner(&self) -> &'static str {
        if self.owner_b {
            B
        } else {
            A
        }
    }
}

/// The case line, with `defect` applied to the statement at a slot.
fn case_line(set: &Set, req: &Req, defect: Option<(Slot, usize)>) -> String {
    let d = |slot: Slot| {
        defect
            .filter(|(s, _)| *s == slot)
            .map(|(s, d)| (Set::index(s), d))
    };
    let which = |f: &dyn Fn(usize) -> Slot, len: usize| (0..len).find_map(|i| d(f(i)));
    let identity: Vec<String> = set
        .identity
        .iter()
        .enumerate()
        .map(|(p, sts)| doc(sts, false, which(&|s| Slot::Identity(p, s), sts.len())))
        .collect();
    let context: Vec<String> = req
        .context()
        .into_iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    let mut line = format!(
        r#"{{"id":"p","request":{{"principal":"{}","action":"{}","resource":"{}","resourceAccount":"{}","context":{{{}}}}},"identityPolicies":[{}]"#,
        REQ_PRINCIPALS[req.principal],
        REQ_ACTIONS[req.action],
        REQ_RESOURCES[req.resource],
        req.owner(),
        context.join(","),
        identity.join(",")
    );
    if let Some(r) = &set.resource {
        line.push_str(&format!(
            r#","resourcePolicy":{}"#,
            doc(r, true, which(&Slot::Resource, r.len()))
        ));
    }
    if let Some(s) = &set.scp {
        line.push_str(&format!(
            r#","scps":[[{}]]"#,
            doc(s, false, which(&Slot::Scp, s.len()))
        ));
    }
    if let Some(b) = &set.boundary {
        line.push_str(&format!(
            r#","permissionBoundaries":[{}]"#,
            doc(b, false, which(&Slot::Boundary, b.len()))
        ));
    }
    if REQ_RESOURCES[req.resource].starts_with("arn:aws:s3") {
        line.push_str(r#","bucket":{"objectOwnership":"BucketOwnerEnforced","publicAccessBlock":{"BlockPublicAcls":false,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}}"#);
    }
    line.push('}');
    line
}

fn decide(line: &str) -> (Decision, bool) {
    let file: Arc<str> = Arc::from("cases.jsonl");
    let case = parse_case(line, &file, 1).unwrap_or_else(|e| panic!("{e}: {line}"));
    let r = case.decide();
    (r.decision, r.is_indeterminate())
}

fn cases(default: u32) -> u32 {
    let scale: f64 = std::env::var("XACCT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(1.0, |n: f64| n / 100_000.0);
    ((f64::from(default) * scale) as u32).max(1)
}

fn runner(default: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: cases(default),
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn a_defective_statement_never_turns_a_denial_into_an_allow() {
    let strategy = (set(), request(), any::<prop::sample::Index>(), 0..DEFECTS);
    runner(30_000)
        .run(&strategy, |(set, req, at, defect)| {
            let slots = set.slots();
            let slot = slots[at.index(slots.len())];
            let before = decide(&case_line(&set, &req, None));
            let line = case_line(&set, &req, Some((slot, defect)));
            let after = decide(&line);
            if before.0 != Decision::Allow {
                prop_assert_ne!(after.0, Decision::Allow, "{}", line);
            }
            prop_assert!(!(after.0 == Decision::Allow && after.1));
            Ok(())
        })
        .unwrap();
}

#[test]
fn adding_a_deny_never_turns_a_denial_into_an_allow() {
    let strategy = (set(), request(), any::<prop::sample::Index>(), statement());
    runner(20_000)
        .run(&strategy, |(set, req, at, mut deny)| {
            deny.allow = false;
            let before = decide(&case_line(&set, &req, None));
            let mut after_set = set.clone();
            let slots = set.slots();
            let slot = slots[at.index(slots.len())];
            if let Some(sts) = after_set.get_mut(slot) {
                sts.push(deny);
            }
            let line = case_line(&after_set, &req, None);
            let after = decide(&line);
            if before.0 != Decision::Allow {
                prop_assert_ne!(after.0, Decision::Allow, "{}", line);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn removing_an_allow_never_turns_a_denial_into_an_allow() {
    let strategy = (set(), request(), any::<prop::sample::Index>());
    runner(20_000)
        .run(&strategy, |(set, req, at)| {
            let before = decide(&case_line(&set, &req, None));
            let slots: Vec<Slot> = set
                .slots()
                .into_iter()
                .filter(|s| {
                    let mut c = set.clone();
                    c.get_mut(*s)
                        .and_then(|v| v.get(Set::index(*s)).map(|st| st.allow))
                        == Some(true)
                })
                .collect();
            if slots.is_empty() {
                return Ok(());
            }
            let slot = slots[at.index(slots.len())];
            let mut after_set = set.clone();
            if let Some(sts) = after_set.get_mut(slot) {
                sts.remove(Set::index(slot));
            }
            let line = case_line(&after_set, &req, None);
            let after = decide(&line);
            if before.0 != Decision::Allow {
                prop_assert_ne!(after.0, Decision::Allow, "{}", line);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_order_of_statements_and_policies_never_changes_a_decision() {
    let strategy = (
        set(),
        request(),
        any::<u64>(),
        prop::option::of((any::<prop::sample::Index>(), 0..DEFECTS)),
    );
    runner(10_000)
        .run(&strategy, |(set, req, seed, defect)| {
            let defect = defect.map(|(at, d)| {
                let slots = set.slots();
                (slots[at.index(slots.len())], d)
            });
            let before = decide(&case_line(&set, &req, defect));
            // A permutation that keeps the defect on its statement: move it along.
            let mut shuffled = set.clone();
            let mut moved = defect;
            let mut rng = seed;
            let mut next = || {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (rng >> 33) as usize
            };
            let mut permute = |sts: &mut Vec<St>,
                               slot_of: &dyn Fn(usize) -> Slot,
                               moved: &mut Option<(Slot, usize)>| {
                let n = sts.len();
                let mut order: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    order.swap(i, next() % (i + 1));
                }
                let old = sts.clone();
                let target = *moved;
                for (new, from) in order.iter().enumerate() {
                    sts[new] = old[*from].clone();
                    if let Some((s, d)) = target {
                        if s == slot_of(*from) {
                            *moved = Some((slot_of(new), d));
                        }
                    }
                }
            };
            let policies = shuffled.identity.len();
            let mut done = moved;
            for p in 0..policies {
                permute(
                    &mut shuffled.identity[p],
                    &|s| Slot::Identity(p, s),
                    &mut done,
                );
            }
            if let Some(r) = shuffled.resource.as_mut() {
                permute(r, &Slot::Resource, &mut done);
            }
            if let Some(s) = shuffled.scp.as_mut() {
                permute(s, &Slot::Scp, &mut done);
            }
            moved = done;
            // And the identity policies themselves, reversed.
            shuffled.identity.reverse();
            let moved = moved.map(|(s, d)| match s {
                Slot::Identity(p, i) => (Slot::Identity(policies - 1 - p, i), d),
                other => (other, d),
            });
            let after = decide(&case_line(&shuffled, &req, moved));
            prop_assert_eq!(before, after);
            Ok(())
        })
        .unwrap();
}

/// The same policies as exports: the role and user of account A carry the identity
/// policies inline, bucket `b` (with its facts), key `k1` and group `g` of account B carry
/// the resource policy.
fn inventory_files(set: &Set, defect: Option<(Slot, usize)>) -> Vec<(String, Vec<u8>)> {
    let d = |slot: Slot| {
        defect
            .filter(|(s, _)| *s == slot)
            .map(|(s, d)| (Set::index(s), d))
    };
    let which = |f: &dyn Fn(usize) -> Slot, len: usize| (0..len).find_map(|i| d(f(i)));
    let inline: Vec<String> = set
        .identity
        .iter()
        .enumerate()
        .map(|(p, sts)| {
            format!(
                r#"{{"PolicyName":"p{p}","PolicyDocument":{}}}"#,
                doc(sts, false, which(&|s| Slot::Identity(p, s), sts.len()))
            )
        })
        .collect();
    let inline = inline.join(",");
    let iam = format!(
        r#"{{"UserDetailList":[{{"UserName":"alice","UserId":"AIDAEXAMPLEEXAMPLE01","Arn":"arn:aws:iam::{A}:user/alice","Path":"/","UserPolicyList":[{inline}],"GroupList":[],"AttachedManagedPolicies":[]}}],
"GroupDetailList":[],
"RoleDetailList":[{{"RoleName":"r","RoleId":"AROAEXAMPLEEXAMPLE01","Arn":"arn:aws:iam::{A}:role/r","Path":"/","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"sagemaker.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}},"RolePolicyList":[{inline}],"AttachedManagedPolicies":[]}}],
"Policies":[],"IsTruncated":false}}"#
    );
    let mut files = vec![(format!("{A}/iam.json"), iam.into_bytes())];
    if let Some(r) = &set.resource {
        let text = doc(r, true, which(&Slot::Resource, r.len()));
        let wrapped = serde_json::json!({ "Policy": text }).to_string();
        files.push((
            format!("{B}/s3/b.policy.json"),
            wrapped.clone().into_bytes(),
        ));
        files.push((
            format!("{B}/us-east-1/kms/k1.policy.json"),
            serde_json::json!({"Policy": text, "PolicyName": "default"})
                .to_string()
                .into_bytes(),
        ));
        files.push((
            format!("{B}/us-east-1/sagemaker/g.json"),
            serde_json::json!({"ResourcePolicy": text})
                .to_string()
                .into_bytes(),
        ));
    }
    files.push((
        format!("{B}/s3/b.ownership.json"),
        br#"{"OwnershipControls":{"Rules":[{"ObjectOwnership":"BucketOwnerEnforced"}]}}"#.to_vec(),
    ));
    files.push((format!("{B}/s3/b.public-access-block.json"), br#"{"PublicAccessBlockConfiguration":{"BlockPublicAcls":false,"IgnorePublicAcls":false,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}}"#.to_vec()));
    files
}

fn decide_in(files: &[(String, Vec<u8>)], req: &Req) -> (Decision, bool) {
    let inv = xacct::load::inventory_in_memory(files, &LoadOptions::default(), false);
    let principal = Principal::parse(REQ_PRINCIPALS[req.principal]).unwrap();
    let a = inv.request_context(
        &principal,
        REQ_ACTIONS[req.action],
        REQ_RESOURCES[req.resource],
    );
    let mut ctx = xacct::eval::Context::default();
    for (k, v) in req.context() {
        ctx.insert(&k, xacct::eval::ContextValue::Single(v));
    }
    let request = a.request(REQ_ACTIONS[req.action], ctx);
    let r = authorize(&request, &a.policy_set());
    (r.decision, r.is_indeterminate())
}

#[test]
fn on_the_inventory_path_a_defect_never_allows_and_file_order_does_not_matter() {
    let strategy = (set(), request(), any::<prop::sample::Index>(), 0..DEFECTS);
    runner(10_000)
        .run(&strategy, |(mut set, req, at, defect)| {
            // Exports have no SCP or boundary files here.
            set.scp = None;
            set.boundary = None;
            let slots = set.slots();
            let slot = slots[at.index(slots.len())];
            let before = decide_in(&inventory_files(&set, None), &req);
            let mut files = inventory_files(&set, Some((slot, defect)));
            let after = decide_in(&files, &req);
            if before.0 != Decision::Allow {
                prop_assert_ne!(after.0, Decision::Allow);
            }
            files.reverse();
            prop_assert_eq!(decide_in(&files, &req), after);
            Ok(())
        })
        .unwrap();
}

#[test]
fn lint_errors_are_the_validation_errors() {
    let kinds = [
        DocKind::Identity,
        DocKind::Bucket,
        DocKind::Scp,
        DocKind::Trust,
        DocKind::Key,
        DocKind::Resource,
    ];
    let catalog = xacct::catalog::catalog().unwrap();
    let strategy = (
        prop::collection::vec(statement(), 1..4),
        0..kinds.len(),
        prop::option::of((0..4usize, 0..DEFECTS)),
    );
    runner(10_000)
        .run(&strategy, |(sts, k, defect)| {
            let kind = kinds[k];
            let principals = kind.needs_principal();
            let text = doc(&sts, principals, defect.map(|(at, d)| (at % sts.len(), d)));
            let opts = xacct::lint::LintOptions {
                kind: Some(kind),
                ..xacct::lint::LintOptions::default()
            };
            let linted = xacct::lint::lint_text("p.json", &text, &opts, catalog);
            let mut lint: Vec<(String, String)> = linted
                .diagnostics
                .iter()
                .filter(|d| d.severity == xacct::diagnostic::Severity::Error)
                .map(|d| (d.code.to_owned(), d.primary.pointer.to_string()))
                .collect();
            lint.sort();
            lint.dedup();
            let json = xacct::json::Json::parse(&text).unwrap();
            let origin = Origin {
                file: Some(Arc::from("p.json")),
                ..Origin::default()
            };
            let facts = xacct::rules::doc::DocFacts::default();
            let (policy, errors) =
                xacct::rules::read_policy(&json, kind, origin, Some(&text), None, &facts);
            let mut validation: Vec<(String, String)> = match &policy {
                Some(p) => p
                    .defects
                    .iter()
                    .map(|d| (d.code.to_owned(), d.pointer.to_string()))
                    .collect(),
                None => errors
                    .iter()
                    .map(|e| (e.code().to_owned(), e.pointer.to_string()))
                    .collect(),
            };
            validation.sort();
            validation.dedup();
            prop_assert_eq!(lint, validation, "{} as {:?}", text, kind);
            Ok(())
        })
        .unwrap();
}
