//! `xacct check` on the guide's setup as written, corrected, and in every variant: the
//! verdict, each step's outcome, the causes it names, the fixes, golden outputs in every
//! format, and SARIF against the official schema.

use serde_json::Value;

use crate::util::{encodings, golden, validate_sarif, xacct, Run};

const CALLER: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";

/// Runs `check` on a fixture folder (its own request), with extra flags.
fn check(dir: &str, extra: &[&str]) -> Run {
    let request = format!("{dir}/create-model-package.json");
    let mut args = vec![
        "check",
        "--request",
        &request,
        "--caller",
        CALLER,
        "--consumer",
        CONSUMER,
    ];
    args.extend_from_slice(extra);
    args.push(dir);
    xacct(&args)
}

fn json(dir: &str) -> (i32, Value) {
    let o = check(dir, &["--format", "json"]);
    let stderr = o.err.clone();
    assert!(!stderr.contains("error"), "{dir}: {stderr}");
    (o.code, serde_json::from_str(&o.out).unwrap())
}

/// (step, action, status) of every outcome.
fn outcomes(report: &Value) -> Vec<(String, String, String)> {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["step"].as_str().unwrap().to_owned(),
                o["action"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn status_of<'a>(report: &'a Value, action: &str) -> &'a Value {
    report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["action"] == action)
        .unwrap_or_else(|| panic!("no outcome for {action}"))
}

#[test]
fn the_guide_as_written_fails_and_names_every_cause() {
    let (code, r) = json("fixtures/seed-example");
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "not-possible");
    assert_eq!(r["schema_version"], 2);
    let got = outcomes(&r);
    let want = [
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
        (
            "ecr-pull-image",
            "ecr:BatchCheckLayerAvailability",
            "denied",
        ),
        ("s3-read-artifact", "s3:GetObject", "not-verified"),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect::<Vec<_>>()
    );
    // No identity policy on either side (the guide never shows them).
    let create = status_of(&r, "sagemaker:CreateModelPackage");
    assert_eq!(create["missing"][0]["requirement"], "identity-policy");
    // The repository policy grants BatchGetImage and Describe*, not the layers.
    let layers = status_of(&r, "ecr:GetDownloadUrlForLayer");
    let reqs: Vec<&str> = layers["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["requirement"].as_str().unwrap())
        .collect();
    assert_eq!(reqs, vec!["resource-policy", "identity-policy"]);
    // `{bucket}` in ModelDataUrl: the request names no real object.
    let bad: Vec<&Value> = r["plausibility"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ok"] == false)
        .collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(
        bad[0]["at"]["pointer"],
        "/InferenceSpecification/Containers/0/ModelDataUrl"
    );
    assert!(bad[0]["message"].as_str().unwrap().contains("`{bucket}`"));
    // The bucket policy AWS would reject, and the grant whose grantee is a bare account id.
    let mut codes: Vec<&str> = r["policy_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes, vec!["XA0105", "XA0106", "XA0107", "XA0110"]);
}

#[test]
fn fixes_are_ready_to_paste_with_real_arns() {
    let (_, r) = json("fixtures/seed-example");
    let layers = status_of(&r, "ecr:GetDownloadUrlForLayer");
    let fixes = layers["fixes"].as_array().unwrap();
    assert_eq!(
        fixes[0]["target"],
        "the repository policy of `decision-trees-sample`"
    );
    assert!(fixes[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("222222222222/us-east-2/ecr/decision-trees-sample.json"));
    assert_eq!(fixes[0]["pointer"], "/policyText");
    assert_eq!(
        fixes[0]["statement"],
        serde_json::json!({"Sid": "AllowGetDownloadUrlForLayer", "Effect": "Allow",
            "Principal": {"AWS": CONSUMER}, "Action": "ecr:GetDownloadUrlForLayer"})
    );
    assert_eq!(
        fixes[1]["statement"]["Resource"],
        "arn:aws:ecr:us-east-2:222222222222:repository/decision-trees-sample"
    );
    // A group policy fix must cover every future version, not the one tried.
    let create = status_of(&r, "sagemaker:CreateModelPackage");
    assert_eq!(
        create["fixes"][0]["statement"]["Resource"],
        "arn:aws:sagemaker:us-east-2:111111111111:model-package/decision-trees/*"
    );
    // Actions without a resource type are granted by identity policies on `*` only.
    let token = status_of(&r, "ecr:GetAuthorizationToken");
    assert_eq!(token["missing"][0]["requirement"], "identity-policy");
    assert_eq!(token["fixes"][0]["statement"]["Resource"], "*");
}

#[test]
fn the_corrected_setup_passes() {
    let (code, r) = json("fixtures/seed-example-fixed");
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["verdict"], "possible");
    assert!(outcomes(&r).iter().all(|(_, _, s)| s == "allowed"), "{r:#}");
    assert_eq!(
        outcomes(&r).len(),
        7,
        "6 required actions and the advisory layer check, plus KMS"
    );
}

/// The action that fails, how, and a phrase of the reason.
type Failure = Option<(&'static str, &'static str, &'static str)>;

/// (variant, expected exit, its failure)
const VARIANTS: &[(&str, i32, Failure)] = &[
    (
        "training-scp-denies-create-model-package",
        1,
        Some((
            "sagemaker:CreateModelPackage",
            "denied",
            "denied by SCP level 2",
        )),
    ),
    (
        "bucket-policy-explicit-deny",
        1,
        Some(("s3:GetObject", "denied", "DenyReadsFromOtherAccounts")),
    ),
    (
        "aws-managed-key",
        1,
        Some(("kms:Decrypt", "denied", "AWS managed key")),
    ),
    (
        "key-policy-without-root",
        1,
        Some(("kms:Decrypt", "denied", "the key policy does not allow it")),
    ),
    ("role-specific-principals", 0, None),
    (
        "group-policy-version-1-only",
        1,
        Some((
            "sagemaker:CreateModelPackage",
            "denied",
            "fails for 3 of 4 tried values",
        )),
    ),
    (
        "consumer-without-get-authorization-token",
        1,
        Some((
            "ecr:GetAuthorizationToken",
            "denied",
            "no identity policy allows it",
        )),
    ),
    ("terraform-registry-side", 0, None),
];

#[test]
fn every_variant_gets_its_verdict_and_reason() {
    for (variant, exit, failure) in VARIANTS {
        let dir = format!("fixtures/seed-variants/{variant}");
        let (code, r) = json(&dir);
        assert_eq!(code, *exit, "{variant}: {r:#}");
        let failing: Vec<&Value> = r["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["status"] != "allowed")
            .collect();
        match failure {
            None => {
                assert!(failing.is_empty(), "{variant}: {failing:#?}");
                assert_eq!(r["verdict"], "possible");
            }
            Some((action, status, phrase)) => {
                assert_eq!(failing.len(), 1, "{variant}: {failing:#?}");
                assert_eq!(failing[0]["action"], *action, "{variant}");
                assert_eq!(failing[0]["status"], *status, "{variant}");
                let reasons = failing[0]["reasons"].to_string();
                assert!(reasons.contains(phrase), "{variant}: {reasons}");
                assert!(
                    !failing[0]["fixes"].as_array().unwrap().is_empty(),
                    "{variant}: no fix"
                );
            }
        }
    }
}

#[test]
fn explicit_denials_name_the_statement_and_file() {
    let (_, r) = json("fixtures/seed-variants/bucket-policy-explicit-deny");
    let read = status_of(&r, "s3:GetObject");
    assert_eq!(read["explicit"], true);
    assert_eq!(read["denied_by"][0]["sid"], "DenyReadsFromOtherAccounts");
    assert!(read["denied_by"][0]["file"]
        .as_str()
        .unwrap()
        .contains("s3/sagemaker-training-artifacts-222222222222.policy.json"));
    // The bucket owner's deny stays: the fix exempts the consumer's role only.
    assert_eq!(read["fixes"][0]["kind"], "add-exception");
    assert_eq!(
        read["fixes"][0]["condition"]["ArnNotLike"]["aws:PrincipalArn"],
        CONSUMER
    );
}

#[test]
fn without_a_consumer_the_registry_roles_are_tried() {
    let dir = "fixtures/seed-example-fixed";
    let request = format!("{dir}/create-model-package.json");
    let o = xacct(&[
        "check",
        "--request",
        &request,
        "--caller",
        CALLER,
        "--format",
        "json",
        dir,
    ]);
    let r: Value = serde_json::from_str(&o.out).unwrap();
    // The registry account as a whole, with a note of which of its roles could use it.
    assert_eq!(r["consumer"], "arn:aws:iam::111111111111:root");
    let note = r["consumer_note"].as_str().unwrap();
    assert!(note.starts_with("no --consumer was named"), "{note}");
    assert!(note.contains("`ModelRegistryDeployRole`"), "{note}");
    assert_eq!(r["verdict"], "possible");
    assert_eq!(Some(o.code), Some(0));
}

#[test]
fn without_a_consumer_or_registry_iam_the_identity_side_is_not_verified() {
    // Only the training account and the organization: the registry's IAM is not loaded.
    let dir = "fixtures/seed-example-fixed";
    let request = format!("{dir}/create-model-package.json");
    let training = format!("{dir}/222222222222");
    let org = format!("{dir}/org");
    let o = xacct(&[
        "check",
        "--request",
        &request,
        "--caller",
        CALLER,
        "--format",
        "json",
        &training,
        &org,
    ]);
    let r: Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(r["consumer"], "arn:aws:iam::111111111111:root");
    let token = status_of(&r, "ecr:GetAuthorizationToken");
    assert_eq!(token["status"], "not-verified");
    assert_eq!(r["verdict"], "not-verified");
    assert_eq!(Some(o.code), Some(1));
    // With --fail-on deny, an unverified registration does not fail the gate.
    let o = xacct(&[
        "check",
        "--request",
        &request,
        "--caller",
        CALLER,
        "--fail-on",
        "deny",
        &training,
        &org,
    ]);
    assert_eq!(Some(o.code), Some(0), "{}", o.out.clone());
}

#[test]
fn golden_outputs_in_every_format() {
    for (format, file) in [
        ("table", "seed.txt"),
        ("json", "seed.json"),
        ("sarif", "seed.sarif"),
        ("dot", "seed.dot"),
        ("mermaid", "seed.mmd"),
    ] {
        let o = check("fixtures/seed-example", &["--format", format]);
        assert_eq!(Some(o.code), Some(1), "{format}");
        golden(&format!("check/{file}"), &o.out);
    }
}

#[test]
fn sarif_validates_and_points_at_policies() {
    let o = check("fixtures/seed-example", &["--format", "sarif"]);
    let log: Value = serde_json::from_str(&o.out).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"XC0001") && ids.contains(&"XC0004") && ids.contains(&"XA0110"),
        "{ids:?}"
    );
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/seed-example/"),
            "{r:#}"
        );
    }
    validate_sarif(o.out.as_bytes());
}

#[test]
fn user_scenarios_are_validated_with_file_and_pointer() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-rules");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.json"),
        r#"{"schema_version": 1, "id": "x", "title": "t", "steps": [{"id": "a", "title": "t", "actor": "caller", "actions": [{"action": "s3:GetObject"}], "resource": "{nope}"}]}"#,
    )
    .unwrap();
    let dir_s = dir.to_string_lossy().into_owned();
    let o = check("fixtures/seed-example-fixed", &["--rules", &dir_s]);
    assert_eq!(Some(o.code), Some(2));
    let err = o.err.clone();
    assert!(
        err.contains("bad.json: /steps/0/resource: unknown variable `{nope}`"),
        "{err}"
    );
    // A valid user scenario runs instead of the built-in.
    std::fs::write(
        dir.join("bad.json"),
        r#"{"schema_version": 1, "id": "read-artifact-only", "title": "registry reads the artifact", "steps": [{"id": "read", "title": "read", "actor": "consumer", "for_each": "container", "actions": [{"action": "s3:GetObject"}], "resource": "{artifact.object_arn}"}]}"#,
    )
    .unwrap();
    let o = check(
        "fixtures/seed-example-fixed",
        &[
            "--rules",
            &dir_s,
            "--scenario",
            "read-artifact-only",
            "--format",
            "json",
        ],
    );
    assert_eq!(Some(o.code), Some(0), "{}", o.err.clone());
    let r: Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(outcomes(&r).len(), 1);
}

#[test]
fn bad_request_file_is_exit_2() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let req = dir.join("req.json");
    std::fs::write(&req, "{\"ModelPackageGroupName\": ").unwrap();
    let req_s = req.to_string_lossy().into_owned();
    let o = xacct(&[
        "check",
        "--request",
        &req_s,
        "--caller",
        CALLER,
        "fixtures/seed-example-fixed",
    ]);
    assert_eq!(Some(o.code), Some(2));
    let err = o.err.clone();
    assert!(err.contains("req.json: /: invalid JSON"), "{err}");
    let o = xacct(&[
        "check",
        "--request",
        "fixtures/seed-example-fixed/create-model-package.json",
        "--caller",
        "nobody",
        "fixtures/seed-example-fixed",
    ]);
    assert_eq!(Some(o.code), Some(2));
}

/// The exports and the request re-encoded in every encoding AWS tools and shells write
/// (UTF-8 with or without a byte order mark, UTF-16 in either order with one) give the same
/// report, word for word: the same outcomes, the same policy errors at the same lines, the
/// same fixes.
#[test]
fn the_exports_in_any_encoding_give_the_same_check() {
    fn re_encode(dir: &std::path::Path, encoding: usize) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                re_encode(&path, encoding);
            } else if path.extension().is_some_and(|x| x == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let (_, bytes) = encodings(&text).swap_remove(encoding);
                std::fs::write(&path, bytes).unwrap();
            }
        }
    }
    let base = crate::util::scratch("check-encodings");
    let mut reports = Vec::new();
    for (i, (name, _)) in encodings("").into_iter().enumerate() {
        let dir = base.join(name);
        crate::util::copy_tree("fixtures/seed-example", &dir);
        re_encode(&dir, i);
        let dir = dir.to_str().unwrap();
        let Run { code, out, err } = check(dir, &["--format", "json"]);
        assert_eq!(code, 1, "{name}: {err}");
        reports.push((name, out.replace(dir, "DIR")));
    }
    let plain: Value = serde_json::from_str(&reports[0].1).unwrap();
    assert!(plain["policy_errors"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    assert!(plain["changes"].as_array().is_some_and(|c| !c.is_empty()));
    for (name, report) in &reports[1..] {
        assert_eq!(report, &reports[0].1, "{name}");
    }
}
