//! CloudFormation templates and CDK cloud assemblies as inputs: the registration fixtures give
//! the verdicts the exports give, parameters come from files in both forms, what only the
//! deploy can tell is never allowed, templates that are not templates stop the run, and
//! findings point at their line in YAML.

use crate::util::{scratch, xacct, Run};

const CALLER: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";

fn check(request: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--request",
        request,
        "--caller",
        CALLER,
        "--consumer",
        CONSUMER,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    xacct(&args)
}

/// The verdict and each step's status.
fn outcome(run: &Run) -> (String, Vec<String>) {
    let v: serde_json::Value =
        serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("{e}: {}\n{}", run.out, run.err));
    let steps = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| format!("{} {}", o["action"], o["status"]))
        .collect();
    (v["verdict"].as_str().unwrap().to_owned(), steps)
}

fn templates(variant: &str, params: bool) -> Vec<String> {
    let dir = format!("fixtures/cloudformation/{variant}");
    let mut a = vec![
        format!("--account={dir}/training.yaml@222222222222"),
        format!("--account={dir}/registry.json@111111111111"),
        "--region=us-east-2".to_owned(),
    ];
    if params {
        a.push(format!(
            "--parameters={dir}/registry.json@fixtures/cloudformation/parameters/registry.json"
        ));
    }
    a.push(dir);
    a
}

#[test]
fn the_registration_as_templates_gets_the_verdicts_of_the_exports() {
    for (variant, exports, code) in [
        ("registration", "seed-example", 1),
        ("registration-fixed", "seed-example-fixed", 0),
    ] {
        let request = format!("fixtures/{exports}/create-model-package.json");
        let want = check(&request, &[&format!("fixtures/{exports}/")]);
        let args = templates(variant, variant.ends_with("fixed"));
        let org = format!("fixtures/{exports}/org");
        let mut extra: Vec<&str> = args.iter().map(String::as_str).collect();
        extra.push(&org);
        let got = check(&request, &extra);
        assert_eq!(got.code, code, "{variant}: {}", got.err);
        assert_eq!(outcome(&got), outcome(&want), "{variant}");
        // And as the CDK synthesizes it (accounts and regions from the manifest).
        let cdk = format!("fixtures/cdk/{variant}/cdk.out");
        let got = check(&request, &[&cdk, &org]);
        assert_eq!(got.code, code, "cdk {variant}: {}", got.err);
        assert_eq!(outcome(&got), outcome(&want), "cdk {variant}");
    }
}

#[test]
fn parameter_files_in_both_forms_and_a_missing_value_is_not_verified() {
    let request = "fixtures/seed-example-fixed/create-model-package.json";
    let org = "fixtures/seed-example-fixed/org";
    let d = scratch("cfn-params");
    let map = d.join("map.json");
    std::fs::write(
        &map,
        r#"{"ArtifactBucketName": "sagemaker-training-artifacts-222222222222"}"#,
    )
    .unwrap();
    let with = |params: &str| {
        let mut args = templates("registration-fixed", false);
        args.push(format!(
            "--parameters=fixtures/cloudformation/registration-fixed/registry.json@{params}"
        ));
        args.push(org.to_owned());
        let extra: Vec<&str> = args.iter().map(String::as_str).collect();
        check(request, &extra)
    };
    for file in [
        "fixtures/cloudformation/parameters/registry.json",
        map.to_str().unwrap(),
    ] {
        let run = with(file);
        assert_eq!(run.code, 0, "{file}: {}", run.err);
        assert_eq!(outcome(&run).0, "possible");
    }
    // Without a value the identity policy that reads the artifact is unknown: never allowed.
    let mut args = templates("registration-fixed", false);
    args.push(org.to_owned());
    let extra: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = check(request, &extra);
    assert_eq!(run.code, 1, "{}", run.err);
    let (verdict, steps) = outcome(&run);
    assert_eq!(verdict, "not-verified");
    assert!(
        steps.contains(&"\"s3:GetObject\" \"not-verified\"".to_owned()),
        "{steps:?}"
    );
    assert!(run
        .out
        .contains("parameter `ArtifactBucketName` has no default"));
    // A parameter file that is not one: exit 2, one line.
    let bad = d.join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let run = with(bad.to_str().unwrap());
    assert_eq!(run.code, 2);
    assert_eq!(run.err.lines().count(), 1, "{}", run.err);
    assert!(run.err.contains("ParameterKey"), "{}", run.err);
}

#[test]
fn an_unknown_value_in_a_policy_makes_decisions_not_verified() {
    let d = scratch("cfn-unknown");
    let t = d.join("bucket.yaml");
    std::fs::write(
        &t,
        "Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: b}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: '*'
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
            Condition: {StringNotEquals: {aws:SourceVpce: !ImportValue vpce-id}}
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111111111111:root}
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
",
    )
    .unwrap();
    let run = xacct(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111111111111:root",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--inventory",
        t.to_str().unwrap(),
        "--account",
        "222222222222",
        "--region",
        "us-east-1",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    assert_ne!(v["decision"], "Allow", "{}", run.out);
    assert_eq!(v["inventory"]["verified"], false, "{}", run.out);
    assert!(run.out.contains("`vpce-id` is an export of another stack"));
    assert!(run.out.contains("/Fn::ImportValue"));
}

#[test]
fn templates_that_are_not_templates_stop_the_run() {
    let d = scratch("cfn-not-templates");
    let cases = [
        (
            "no-resources.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\n",
            "it has no `Resources`",
        ),
        (
            "bad.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R: [unclosed\n",
            "invalid YAML",
        ),
        (
            "tag.yaml",
            "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Bogus x}\n",
            "unknown tag `!Bogus`",
        ),
        (
            "resources.json",
            r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": []}"#,
            "`Resources` must be an object",
        ),
    ];
    for (name, text, want) in cases {
        let f = d.join(name);
        std::fs::write(&f, text).unwrap();
        let run = xacct(&[
            "who-can",
            "--inventory",
            f.to_str().unwrap(),
            "--account",
            "111111111111",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ]);
        assert_eq!(run.code, 2, "{name}: {}", run.err);
        let lines: Vec<&str> = run.err.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: {}", run.err);
        assert!(
            lines[0].contains(name) && lines[0].contains(want),
            "{name}: {}",
            run.err
        );
    }
    // Other YAML in a folder is passed over with a warning, as other JSON is.
    let f = d.join("ci");
    std::fs::create_dir_all(&f).unwrap();
    std::fs::write(f.join("workflow.yml"), "on: push\njobs: {}\n").unwrap();
    std::fs::write(f.join("policy.json"), r#"{"Statement": []}"#).unwrap();
    let run = xacct(&["graph", "--inventory", f.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(
        run.err.contains("not a CloudFormation template"),
        "{}",
        run.err
    );
}

#[test]
fn audit_names_every_resource_a_template_opens_to_everyone() {
    let run = xacct(&[
        "audit",
        "--quiet",
        "--account",
        "333333333333",
        "--region",
        "us-east-1",
        "--format",
        "json",
        "fixtures/cloudformation/public/",
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    let v: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let open: Vec<String> = findings
        .iter()
        .filter(|f| f["code"] == "XE0001")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect();
    for name in [
        "role `public-role`",
        "bucket `public-bucket-333333333333`",
        "key `<PublicKey>`",
        "repository `public-repository`",
        "model package group `public-group`",
    ] {
        assert!(open.iter().any(|m| m.contains(name)), "{name}: {open:#?}");
    }
    // Findings point at their line in the YAML template.
    let role = findings
        .iter()
        .find(|f| f["code"] == "XE0001" && f["message"].as_str().unwrap().contains("public-role"))
        .unwrap();
    assert_eq!(role["location"]["line"], 14, "{role}");
    // Access points, topics, queues, functions and secrets are read into the generic model
    // and named like the others.
    for name in [
        "S3 access point `public-access-point`",
        "SNS topic `public-topic`",
        "SQS queue `public-queue`",
        "Lambda function `public-function`",
        "Secrets Manager secret `public-secret-AbCdEf`",
    ] {
        assert!(open.iter().any(|m| m.contains(name)), "{name}: {open:#?}");
    }
}

#[test]
fn lint_and_diff_read_templates() {
    let run = xacct(&[
        "lint",
        "--account",
        "222222222222",
        "--region",
        "us-east-2",
        "--format",
        "json",
        "fixtures/cloudformation/registration/training.yaml",
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    let v: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let placeholder = diags
        .iter()
        .find(|d| d["code"] == "XA0107")
        .unwrap_or_else(|| panic!("{}", run.out));
    assert_eq!(placeholder["location"]["line"], 114, "{placeholder}");
    assert_eq!(placeholder["location"]["column"], 17, "{placeholder}");
    // Broken to fixed: new cross-account access (exit 1).
    let mut args = vec!["diff".to_owned()];
    for v in ["registration", "registration-fixed"] {
        args.extend(
            templates(v, false)
                .into_iter()
                .filter(|a| a.starts_with("--")),
        );
    }
    args.push("--parameters=fixtures/cloudformation/registration-fixed/registry.json@fixtures/cloudformation/parameters/registry.json".into());
    args.push("fixtures/cloudformation/registration".into());
    args.push("fixtures/cloudformation/registration-fixed".into());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = xacct(&a);
    assert_eq!(run.code, 1, "{}\n{}", run.out, run.err);
    assert!(run.out.contains("ModelRegistryDeployRole"), "{}", run.out);
}
