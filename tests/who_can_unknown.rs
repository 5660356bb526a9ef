//! `who-can` when the principal's side is loaded and the resource's side is not (its
//! policy not exported, its account not loaded, its owner unknown): "not verified", naming
//! what is missing, never "denied" on the resource side's account.

use std::path::Path;

use serde_json::Value;

use crate::util::{copy_tree, scratch, who_can_json};

const BUCKET: &str = "sagemaker-training-artifacts-222222222222";

fn who_can(dir: &Path, action: &str, resource: &str) -> Vec<Value> {
    who_can_json(dir, action, resource)["principals"]
        .as_array()
        .unwrap()
        .clone()
}

fn row<'r>(rows: &'r [Value], principal: &str) -> &'r Value {
    rows.iter()
        .find(|r| r["principal"] == principal)
        .unwrap_or_else(|| panic!("no row for {principal}: {rows:#?}"))
}

/// The fixed example with its bucket policy export removed.
fn without_bucket_policy(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    copy_tree("fixtures/seed-example-fixed", &dir);
    std::fs::remove_file(dir.join("create-model-package.json")).unwrap();
    std::fs::remove_file(dir.join(format!("222222222222/s3/{BUCKET}.policy.json"))).unwrap();
    dir
}

#[test]
fn a_resource_policy_not_exported_makes_the_cross_account_rows_not_verified() {
    let dir = without_bucket_policy("who-can-no-bucket-policy");
    let rows = who_can(
        &dir,
        "s3:GetObject",
        &format!("arn:aws:s3:::{BUCKET}/model.tar.gz"),
    );
    // The registry's role: its identity policies are loaded and allow the read; only the
    // bucket policy, which is not exported, decides.
    let deploy = row(
        &rows,
        "arn:aws:iam::111111111111:role/ModelRegistryDeployRole",
    );
    assert_eq!(deploy["verdict"], "not-verified", "{deploy:#}");
    let why = deploy["why"].to_string();
    assert!(
        why.contains(&format!("the bucket policy of `{BUCKET}` was not exported")),
        "{why}"
    );
    assert!(
        !why.contains("\"the resource policy does not allow"),
        "{why}"
    );
    // No row is denied: nothing loaded denies, and the missing policy could allow anyone.
    for r in &rows {
        assert_ne!(r["verdict"], "denied", "{r:#}");
    }
    // With the policy exported, the same row is allowed: the test sees the difference.
    let full = scratch("who-can-with-bucket-policy");
    copy_tree("fixtures/seed-example-fixed", &full);
    std::fs::remove_file(full.join("create-model-package.json")).unwrap();
    let rows = who_can(
        &full,
        "s3:GetObject",
        &format!("arn:aws:s3:::{BUCKET}/model.tar.gz"),
    );
    let deploy = row(
        &rows,
        "arn:aws:iam::111111111111:role/ModelRegistryDeployRole",
    );
    assert_eq!(deploy["verdict"], "allowed", "{deploy:#}");
}

#[test]
fn a_resource_in_an_account_not_loaded_is_not_verified_where_the_identity_side_allows() {
    let dir = without_bucket_policy("who-can-unloaded-account");
    let repo = "arn:aws:ecr:us-east-2:333333333333:repository/models";
    let rows = who_can(&dir, "ecr:BatchGetImage", repo);
    // An administrator role of another account: its identity side allows; the repository's
    // account is not loaded.
    let admin = row(
        &rows,
        "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
    );
    assert_eq!(admin["verdict"], "not-verified", "{admin:#}");
    let why = admin["why"].to_string();
    assert!(
        why.contains("nothing was loaded for account 333333333333"),
        "{why}"
    );
    // A role whose own loaded policies do not allow it is denied by its own side, which is
    // known; the resource side is not stated as a fact.
    let training = row(
        &rows,
        "arn:aws:iam::222222222222:role/SageMakerTrainingRole",
    );
    assert_eq!(training["verdict"], "denied", "{training:#}");
    let why: Vec<String> = training["why"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(why[0], "no identity policy allows it", "{why:?}");
    assert!(
        why.iter()
            .filter(|w| w.contains("resource policy"))
            .all(|w| w.contains("not verified")),
        "{why:?}"
    );
}

#[test]
fn with_the_owner_unknown_no_row_is_marked_cross_account() {
    let dir = without_bucket_policy("who-can-unknown-owner");
    let rows = who_can(
        &dir,
        "s3:GetObject",
        "arn:aws:s3:::bucket-no-export-names/k",
    );
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["verdict"], "not-verified", "{r:#}");
        let marks = r["marks"].to_string();
        assert!(!marks.contains("cross-account"), "{r:#}");
        assert!(
            r["why"]
                .to_string()
                .contains("no loaded account has bucket `bucket-no-export-names`"),
            "{r:#}"
        );
    }
}
