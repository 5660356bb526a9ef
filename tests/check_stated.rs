//! `xacct check` for accounts outside AWS Organizations: the `<account>/organization.json`
//! that `describe-organization` (or its `AWSOrganizationsNotInUseException` error) leaves,
//! `--no-organization`, and the assumptions the report states.

use std::path::Path;

use serde_json::Value;

use crate::util::{copy_tree, lay, scratch, xacct, Run};

const CALLER: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";
const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];

/// What `scripts/export-account.sh` writes when the account is in no organization.
const NOT_IN_USE: &str = r#"{"Error": {"Code": "AWSOrganizationsNotInUseException", "Message": "Your account is not a member of an organization."}}"#;

/// A copy of a fixture without its `org/` folder, each account with `organization` as its
/// `organization.json` (none when `None`).
fn without_org(fixture: &str, name: &str, organization: Option<&str>) -> std::path::PathBuf {
    let dir = scratch(name);
    copy_tree(fixture, &dir);
    std::fs::remove_dir_all(dir.join("org")).unwrap();
    if let Some(text) = organization {
        for a in ACCOUNTS {
            std::fs::write(dir.join(a).join("organization.json"), text).unwrap();
        }
    }
    dir
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let request = dir.join("create-model-package.json");
    let request = request.to_str().unwrap();
    let mut args = vec![
        "check",
        "--request",
        request,
        "--caller",
        CALLER,
        "--consumer",
        CONSUMER,
    ];
    args.extend_from_slice(extra);
    args.push(dir.to_str().unwrap());
    xacct(&args)
}

fn json(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = extra.to_vec();
    args.extend(["--format", "json"]);
    let o = check(dir, &args);
    (o.code, serde_json::from_str(&o.out).unwrap(), o.err)
}

/// (step, action, status) of every required outcome that is not allowed.
fn failures(report: &Value) -> Vec<(String, String, String)> {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["required"] == true && o["status"] != "allowed")
        .map(|o| {
            (
                o["step"].as_str().unwrap().to_owned(),
                o["action"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn two_accounts_in_no_organization_make_the_fixed_example_possible() {
    let dir = without_org(
        "fixtures/seed-example-fixed",
        "stated-fixed",
        Some(NOT_IN_USE),
    );
    let (code, report, err) = json(&dir, &[]);
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["verdict"], "possible");
    assert!(failures(&report).is_empty());
    // No warning about the markers, and every assumption is in the report.
    assert!(!err.contains("organization"), "{err}");
    let assumed = report["assumptions"].as_array().unwrap();
    assert_eq!(assumed.len(), 2, "{assumed:?}");
    for a in ACCOUNTS {
        assert!(
            assumed.iter().any(|x| {
                let x = x.as_str().unwrap();
                x.contains(a) && x.contains("AWSOrganizationsNotInUseException")
            }),
            "{a}: {assumed:?}"
        );
    }
    // The table says it too.
    let table = check(&dir, &[]);
    assert_eq!(table.code, 0);
    assert!(table.out.contains("assumed:"), "{}", table.out);
    assert!(table.out.contains("is in no organization"));
}

#[test]
fn two_accounts_in_no_organization_give_exactly_the_real_causes_on_the_broken_example() {
    let stated = without_org("fixtures/seed-example", "stated-broken", Some(NOT_IN_USE));
    let (code, report, _) = json(&stated, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "not-possible");
    let got = failures(&report);
    let want: Vec<(String, String, String)> = [
        (
            "create-model-package",
            "sagemaker:CreateModelPackage",
            "denied",
        ),
        (
            "ecr-authorization-token",
            "ecr:GetAuthorizationToken",
            "denied",
        ),
        ("ecr-pull-image", "ecr:BatchGetImage", "denied"),
        ("ecr-pull-image", "ecr:GetDownloadUrlForLayer", "denied"),
        ("s3-read-artifact", "s3:GetObject", "not-verified"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(got, want);
    // The same causes as with the organization exported.
    let (_, with_org, _) = {
        let o = xacct(&[
            "check",
            "--request",
            "fixtures/seed-example/create-model-package.json",
            "--caller",
            CALLER,
            "--consumer",
            CONSUMER,
            "--format",
            "json",
            "fixtures/seed-example",
        ]);
        (
            o.code,
            serde_json::from_str::<Value>(&o.out).unwrap(),
            o.err,
        )
    };
    assert_eq!(failures(&with_org), want);
    // No step names an unknown organization.
    assert!(!report.to_string().contains("SCPs are unknown"));
}

#[test]
fn the_flag_states_what_no_export_says() {
    let dir = without_org("fixtures/seed-example-fixed", "stated-flag", None);
    // Without it, the organizations are unknown: not verified.
    let (code, report, _) = json(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "not-verified");
    assert!(report.to_string().contains("SCPs are unknown"));
    let (code, report, err) = json(
        &dir,
        &[
            "--no-organization",
            "111111111111",
            "--no-organization",
            "222222222222",
        ],
    );
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["verdict"], "possible");
    let assumed = report["assumptions"].to_string();
    assert!(
        assumed.contains("--no-organization 111111111111"),
        "{assumed}"
    );
    assert!(
        assumed.contains("--no-organization 222222222222"),
        "{assumed}"
    );
    // One account stated, the other not: still not verified, naming the other.
    let (code, report, _) = json(&dir, &["--no-organization", "111111111111"]);
    assert_eq!(code, 1);
    let text = report.to_string();
    assert!(text.contains("no loaded organization lists account 222222222222"));
    assert!(!text.contains("no loaded organization lists account 111111111111"));
    // A bad account id is a usage error.
    let o = check(&dir, &["--no-organization", "12345"]);
    assert_eq!(o.code, 2);
    assert!(o.err.contains("--no-organization"), "{}", o.err);
}

#[test]
fn a_member_account_without_its_org_folder_is_not_verified_and_says_which_organization() {
    let member = r#"{"Organization": {"Id": "o-k3v8x2m5q7", "Arn": "arn:aws:organizations::999999999999:organization/o-k3v8x2m5q7", "FeatureSet": "ALL", "MasterAccountArn": "arn:aws:organizations::999999999999:account/o-k3v8x2m5q7/999999999999", "MasterAccountId": "999999999999", "MasterAccountEmail": "aws-management@example.com"}}"#;
    let dir = without_org("fixtures/seed-example-fixed", "stated-member", Some(member));
    let (code, report, _) = json(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "not-verified");
    let text = report.to_string();
    assert!(
        text.contains("is a member of organization o-k3v8x2m5q7"),
        "{text}"
    );
    // Another error leaves it unknown, with the reason.
    let denied = r#"{"Error": {"Code": "AccessDeniedException", "Message": "You don't have permissions to access this resource."}}"#;
    let dir = without_org("fixtures/seed-example-fixed", "stated-denied", Some(denied));
    let (code, report, _) = json(&dir, &[]);
    assert_eq!(code, 1);
    assert!(report.to_string().contains("AccessDeniedException"));
}

#[test]
fn the_marker_in_an_org_folder_says_where_it_belongs() {
    let dir = without_org("fixtures/seed-example-fixed", "stated-misplaced", None);
    std::fs::create_dir_all(dir.join("org")).unwrap();
    std::fs::write(dir.join("org/organization.json"), NOT_IN_USE).unwrap();
    let o = check(&dir, &[]);
    assert!(
        o.err.contains("<account-id>/organization.json"),
        "{}",
        o.err
    );
    assert!(
        !o.err.contains("does not belong in an `org/` folder"),
        "{}",
        o.err
    );
}

#[test]
fn without_any_organization_data_each_step_still_shows_its_policy_decision() {
    let dir = without_org("fixtures/seed-example-fixed", "decision-no-org", None);
    let (code, report, _) = json(&dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["verdict"], "not-verified");
    assert_eq!(report["schema_version"], 2);
    for o in report["outcomes"].as_array().unwrap() {
        let step = o["step"].as_str().unwrap();
        // The loaded policies allow every step; the organizations could still deny.
        assert_eq!(o["decision"], "Allow", "{step}: {o:#}");
        assert_eq!(o["status"], "not-verified", "{step}");
        let reasons = o["reasons"].to_string();
        assert!(reasons.contains("allowed by"), "{step}: {reasons}");
        assert!(!reasons.contains("unknown"), "{step}: {reasons}");
        let unknowns = o["unknowns"].to_string();
        assert!(unknowns.contains("could deny"), "{step}: {unknowns}");
    }
    // The identity statement that allows the registration is named, with its file.
    let create = &report["outcomes"][0];
    assert!(create["allowed_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["file"]
            .as_str()
            .unwrap()
            .ends_with("222222222222/iam.json")));
    // Each unknown once in the report's list, every row counted.
    let all = report["unknowns"].as_array().unwrap();
    let mut dedup = all.clone();
    dedup.dedup();
    assert_eq!(all.len(), dedup.len());
    assert_eq!(report["summary"]["not_verified"], 6);
    assert_eq!(report["summary"]["advisory"]["not_verified"], 1);
    // The table: the verdict first, each decision, each unknown said once.
    let t = check(&dir, &[]);
    assert!(t.out.starts_with("verdict: "), "{}", t.out);
    assert!(t.out.contains("allowed by identity policy"), "{}", t.out);
    assert!(t.out.contains("could change: [1]"), "{}", t.out);
    let scp = "no loaded organization lists account 222222222222: its SCPs are unknown";
    assert_eq!(t.out.matches(scp).count(), 1, "{}", t.out);
    assert!(t.out.contains("1 advisory"), "{}", t.out);
}

#[test]
fn a_step_that_does_not_apply_is_counted_as_skipped() {
    // The aws-owned-image fixture's artifact is not encrypted with KMS: its KMS step is
    // skipped, and the verdict says so.
    let dir = without_org(
        "fixtures/seed-example-fixed",
        "skipped-kms",
        Some(NOT_IN_USE),
    );
    let enc = dir.join("222222222222/s3/sagemaker-training-artifacts-222222222222.encryption.json");
    std::fs::write(
        &enc,
        r#"{"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]}}"#,
    )
    .unwrap();
    let (_, report, _) = json(&dir, &[]);
    assert_eq!(report["summary"]["skipped"], 1, "{report:#}");
    assert!(report["skipped"]
        .to_string()
        .contains("kms-decrypt-artifact"));
    let t = check(&dir, &[]);
    assert!(
        t.out.lines().next().unwrap().contains("1 skipped"),
        "{}",
        t.out
    );
}

#[test]
fn without_a_consumer_the_registry_account_is_the_consumer_with_a_note_per_role() {
    let dir = without_org(
        "fixtures/seed-example-fixed",
        "consumer-fixed",
        Some(NOT_IN_USE),
    );
    let request = dir.join("create-model-package.json");
    let run = |d: &Path| {
        let request = d.join("create-model-package.json");
        let o = xacct(&[
            "check",
            "--request",
            request.to_str().unwrap(),
            "--caller",
            CALLER,
            "--format",
            "json",
            d.to_str().unwrap(),
        ]);
        (o.code, serde_json::from_str::<Value>(&o.out).unwrap())
    };
    let (code, report) = run(&dir);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["consumer"], "arn:aws:iam::111111111111:root");
    let note = report["consumer_note"].as_str().unwrap();
    assert!(note.contains("registry account as a whole"), "{note}");
    // The role that could complete every consumer step is named as such, and the other
    // with the step it fails.
    assert!(
        note.contains(
            "the roles that could complete every consumer step: `ModelRegistryDeployRole`;"
        ),
        "{note}"
    );
    assert!(
        note.contains("the others fail: `OrganizationAccountAccessRole` (kms-decrypt-artifact)"),
        "{note}"
    );
    // The table says it under the consumer.
    let table = xacct(&[
        "check",
        "--request",
        request.to_str().unwrap(),
        "--caller",
        CALLER,
        dir.to_str().unwrap(),
    ]);
    assert!(
        table.out.contains(
            "consumer: arn:aws:iam::111111111111:root\n          (no --consumer was named"
        ),
        "{}",
        table.out
    );
    // The broken example: the account's own causes, not those of the best role.
    let broken = without_org("fixtures/seed-example", "consumer-broken", Some(NOT_IN_USE));
    let (code, report) = run(&broken);
    assert_eq!(code, 1);
    assert_eq!(report["consumer"], "arn:aws:iam::111111111111:root");
    // No role completes every step: none is named as one that could, each with its failures.
    let note = report["consumer_note"].as_str().unwrap();
    assert!(
        note.contains("none of its 2 roles completes every consumer step"),
        "{note}"
    );
    assert!(!note.contains("could complete every"), "{note}");
    assert!(
        note.contains("where each fails: `ModelRegistryDeployRole` (ecr-authorization-token, ecr-pull-image, s3-read-artifact)"),
        "{note}"
    );
    let pull = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["action"] == "ecr:GetDownloadUrlForLayer")
        .unwrap();
    assert_eq!(pull["status"], "denied", "{pull:#}");
    assert!(pull["reasons"]
        .to_string()
        .contains("the resource policy does not allow the caller"));
    // The repository policy fix names the account root, as the guide does.
    assert!(pull["fixes"]
        .to_string()
        .contains("arn:aws:iam::111111111111:root"));
}

#[test]
fn the_fixes_written_with_fix_dir_make_every_broken_variant_pass() {
    // Every broken variant whose fix is a change to an export (aws-managed-key needs the
    // training job to use another key: no export can say that).
    for variant in [
        "bucket-policy-explicit-deny",
        "consumer-without-get-authorization-token",
        "group-policy-version-1-only",
        "key-policy-without-root",
        "training-scp-denies-create-model-package",
    ] {
        let src = format!("fixtures/seed-variants/{variant}");
        let inv = scratch(&format!("fix-inv-{variant}"));
        copy_tree(&src, &inv);
        let fixes = scratch(&format!("fix-dir-{variant}"));
        let o = check(&inv, &["--fix-dir", fixes.to_str().unwrap()]);
        assert_eq!(o.code, 1, "{variant}: {}", o.out);
        assert!(
            o.out
                .contains("with these changes applied to the same exports: workflow possible"),
            "{variant}: {}",
            o.out
        );
        assert!(o.out.contains("\"Version\": \"2012-10-17\""), "{variant}");
        // Lay the written exports over the inventory: the same check passes.
        assert!(
            std::fs::read_dir(&fixes).unwrap().next().is_some(),
            "{variant}: nothing written"
        );
        lay(&fixes, &inv);
        let again = check(&inv, &[]);
        assert_eq!(again.code, 0, "{variant}: {}{}", again.out, again.err);
    }
}
