//! The assembly in two halves: the resource's half made once and joined with each
//! principal's gives what a whole assembly per principal gives (same unknowns in the same
//! order, notes, policies), and `who-can` answers as it did when it assembled each
//! principal's request whole (`tests/golden/who-can/halves-*.json`, written by that version).

use std::collections::BTreeSet;
use std::path::Path;

use xacct::eval::Principal;
use xacct::inventory::{Inventory, ScpChains};
use xacct::load::LoadOptions;

use crate::util::{golden, scratch, who_can_all, who_can_json};

const KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// Questions on `fixtures/org-example`: same account, cross account, a missing bucket, a
/// bucket of an account outside the organization, a key with grants and RCPs, a trust
/// policy, a repository, a model package group, the resource `*`.
const QUESTIONS: [(&str, &str, &str); 9] = [
    (
        "same-account",
        "s3:GetObject",
        "arn:aws:s3:::training-artifacts-222222222222/models/m.tar.gz",
    ),
    (
        "missing-bucket",
        "s3:GetObject",
        "arn:aws:s3:::no-such-bucket/key",
    ),
    (
        "rcp",
        "s3:GetObject",
        "arn:aws:s3:::shared-datasets-333333333333/public/x",
    ),
    (
        "outside-org",
        "s3:PutObject",
        "arn:aws:s3:::vendor-drop-444444444444/x",
    ),
    ("key", "kms:Decrypt", KEY),
    (
        "trust",
        "sts:AssumeRole",
        "arn:aws:iam::222222222222:role/VendorAudit",
    ),
    (
        "repository",
        "ecr:BatchGetImage",
        "arn:aws:ecr:us-east-1:222222222222:repository/ml/inference",
    ),
    (
        "model-package-group",
        "sagemaker:DescribeModelPackageGroup",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/models",
    ),
    ("any", "s3:ListAllMyBuckets", "*"),
];

fn load(path: &str) -> Inventory {
    xacct::load::inventory(&[path.to_owned()], &LoadOptions::default())
}

/// Every principal the inventory knows, and some it does not: roots, users, roles, role
/// sessions, an account nobody exported, a federated user, a service, anyone.
fn principals(inv: &Inventory) -> Vec<Principal> {
    let mut texts: BTreeSet<String> = BTreeSet::new();
    for (id, acct) in &inv.accounts {
        texts.insert(format!("arn:aws:iam::{id}:root"));
        if let Some(iam) = &acct.iam {
            texts.extend(iam.users.values().map(|u| u.arn.clone()));
            for r in iam.roles.values() {
                texts.insert(r.arn.clone());
                let name = r.arn.rsplit('/').next().unwrap();
                texts.insert(format!("arn:aws:sts::{id}:assumed-role/{name}/s"));
            }
        }
    }
    for org in &inv.orgs {
        texts.extend(
            org.accounts
                .keys()
                .map(|id| format!("arn:aws:iam::{id}:root")),
        );
    }
    texts.extend([
        "arn:aws:iam::555555555555:role/Elsewhere".to_owned(),
        "arn:aws:iam::222222222222:role/Nobody".to_owned(),
        "arn:aws:sts::222222222222:federated-user/fed".to_owned(),
        "s3.amazonaws.com".to_owned(),
        "anonymous".to_owned(),
    ]);
    let out: Vec<Principal> = texts.iter().map(|t| Principal::parse(t).unwrap()).collect();
    assert!(out.len() > 10, "{texts:?}");
    out
}

/// For every principal, the resource's half made once (remade only when it does not serve
/// the principal, as `who-can` does) and the SCP chains kept across principals and
/// questions give the whole assembly, field for field.
fn halves_match(inv: &Inventory, questions: &[(&str, &str, &str)]) {
    let principals = principals(inv);
    let mut chains = ScpChains::default();
    for (name, action, resource) in questions {
        let mut half = inv.resource_half(action, resource, None);
        let mut remade = 0;
        for p in &principals {
            if !half.serves(p) {
                half = inv.resource_half(action, resource, p.account());
                remade += 1;
            }
            let joined = inv.assemble(p, &half, &mut chains);
            let whole = inv.request_context(p, action, resource);
            assert_eq!(
                format!("{joined:#?}"),
                format!("{whole:#?}"),
                "{name}: {}",
                p.display()
            );
        }
        // Only the resource `*` belongs to the caller's account.
        assert_eq!(remade > 0, *resource == "*", "{name}");
    }
}

#[test]
fn halves_give_the_whole_assembly_on_the_example_organization() {
    let inv = load(&format!(
        "{}/fixtures/org-example",
        env!("CARGO_MANIFEST_DIR")
    ));
    halves_match(&inv, &QUESTIONS);
}

/// A public bucket whose Block Public Access settings are not exported and a key without
/// `describe-key`: unknowns that concern only callers from another account.
#[test]
fn unknowns_of_outsiders_only_are_kept_for_outsiders_only() {
    let root = format!("{}/fixtures/org-example", env!("CARGO_MANIFEST_DIR"));
    let dir = scratch("assemble-halves");
    let copy = |rel: &str| {
        let to = dir.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(format!("{root}/{rel}"), to).unwrap();
    };
    copy("222222222222/iam.json");
    copy("222222222222/iam.page-2.json");
    copy("111111111111/iam.json");
    copy("222222222222/us-east-1/kms/1234abcd-12ab-34cd-56ef-1234567890ab.policy.json");
    let bucket = dir.join("222222222222/s3/open-222222222222.policy.json");
    std::fs::create_dir_all(bucket.parent().unwrap()).unwrap();
    std::fs::write(
        &bucket,
        r#"{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::open-222222222222/*\"}]}"}"#,
    )
    .unwrap();
    let inv = load(dir.to_str().unwrap());
    assert!(inv.problems.is_empty(), "{:#?}", inv.problems);
    let questions = [
        ("public", "s3:GetObject", "arn:aws:s3:::open-222222222222/k"),
        ("key", "kms:Decrypt", KEY),
        ("any", "kms:ListKeys", "*"),
    ];
    halves_match(&inv, &questions);
    // The setting is unknown for a caller from another account only.
    let outsider = Principal::parse("arn:aws:iam::111111111111:role/ModelDeploy").unwrap();
    let insider = Principal::parse("arn:aws:iam::222222222222:role/DataScientist").unwrap();
    for (_, action, resource) in &questions[..2] {
        let half = inv.resource_half(action, resource, None);
        let count = |p: &Principal| {
            inv.assemble(p, &half, &mut ScpChains::default())
                .unknowns
                .iter()
                .filter(|u| u.side == xacct::inventory::Side::Resource)
                .count()
        };
        assert_eq!(count(&outsider), count(&insider) + 1, "{resource}");
    }
}

#[test]
fn who_can_answers_as_with_whole_assemblies() {
    for (name, action, resource) in QUESTIONS {
        let answer = who_can_json(Path::new("fixtures/org-example"), action, resource);
        assert!(
            answer["principals"].as_array().unwrap().len() > 10,
            "{name}"
        );
        let text = serde_json::to_string_pretty(&answer).unwrap() + "\n";
        golden(&format!("who-can/halves-{name}.json"), &text);
    }
}

/// Candidates are decided on every worker thread, each keeping the resource side of the
/// account it last needed: the answer is the one a single thread gives.
#[test]
fn who_can_answers_alike_on_one_thread_and_on_all() {
    for (name, action, resource) in QUESTIONS {
        let run =
            |jobs: &[&str]| who_can_all(Path::new("fixtures/org-example"), action, resource, jobs);
        let (all, one) = (run(&["--jobs", "4"]), run(&["--jobs", "1"]));
        assert!(all.code <= 1, "{name}: {}", all.err);
        assert_eq!((all.code, &all.out), (one.code, &one.out), "{name}");
    }
}
