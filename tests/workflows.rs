//! The model registry workflow (`fixtures/workflows/`): every input kind and scenario,
//! broken and fixed, gets the verdict its `expected.json` names; golden outputs; the bundled
//! example read as a pipeline definition and a training job gives the request's verdicts;
//! `xacct scenarios`; and what must fail closed.

use serde_json::Value;

use crate::util::{golden, validate_sarif, xacct, Run};

const TRAINING: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const DEPLOY: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";
const GROUP: &str = "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/decision-trees";

/// Every fixture folder with an `expected.json`: (folder, expected).
fn fixtures() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let root = crate::util::root().join("fixtures/workflows");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    for case in cases.iter().filter(|c| c.is_dir()) {
        for variant in ["broken", "fixed"] {
            let f = case.join(variant).join("expected.json");
            if f.exists() {
                let name = format!("{}/{variant}", case.file_name().unwrap().to_string_lossy());
                let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
                out.push((name, v));
            }
        }
    }
    out
}

fn args(expected: &Value) -> Vec<String> {
    expected["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

fn run(args: &[String], extra: &[&str]) -> Run {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend_from_slice(extra);
    xacct(&all)
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.out).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.out, r.err))
}

/// The reports of a `check --format json` output: a chain's, or the one report.
fn reports(v: &Value) -> Vec<Value> {
    match v.get("reports") {
        Some(Value::Array(r)) => r.clone(),
        _ => vec![v.clone()],
    }
}

/// (stage, step, action, status) of every outcome of every report.
fn outcomes(v: &Value) -> Vec<(String, String, String, String)> {
    reports(v)
        .iter()
        .flat_map(|r| {
            let stage = r["stage"].as_str().unwrap_or("register").to_owned();
            r["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |o| {
                    (
                        stage.clone(),
                        o["step"].as_str().unwrap().to_owned(),
                        o["action"].as_str().unwrap().to_owned(),
                        o["status"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn outcome<'a>(v: &'a Value, stage: &str, action: &str) -> &'a Value {
    let rs = v.get("reports").and_then(Value::as_array);
    let found = match rs {
        Some(rs) => rs
            .iter()
            .filter(|r| r["stage"] == stage)
            .flat_map(|r| r["outcomes"].as_array().unwrap())
            .find(|o| o["action"] == action),
        None => v["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["action"] == action),
    };
    found.unwrap_or_else(|| panic!("no {stage} outcome for {action}"))
}

#[test]
fn every_input_kind_and_scenario_gets_its_verdict_broken_and_fixed() {
    let all = fixtures();
    assert!(all.len() >= 14, "{} fixtures", all.len());
    for (name, expected) in &all {
        let r = run(&args(expected), &["--format", "json"]);
        let v = json(&r);
        assert_eq!(
            Some(i64::from(r.code)),
            expected["exit"].as_i64(),
            "{name}: {}",
            r.err
        );
        assert_eq!(v["verdict"], expected["verdict"], "{name}");
        assert!(!r.err.contains("error"), "{name}: {}", r.err);
        // A fixed fixture fails nowhere.
        if name.ends_with("fixed") {
            let failed: Vec<_> = outcomes(&v)
                .into_iter()
                .filter(|(_, _, _, s)| s != "allowed")
                .collect();
            assert!(failed.is_empty(), "{name}: {failed:?}");
        }
    }
}

#[test]
fn golden_outputs_of_every_workflow_fixture() {
    for (name, expected) in fixtures() {
        let r = run(&args(&expected), &[]);
        golden(&format!("workflows/{}.txt", name.replace('/', "-")), &r.out);
    }
    let (_, pipeline) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "pipeline/broken")
        .unwrap();
    let r = run(&args(&pipeline), &["--format", "json"]);
    golden("workflows/pipeline-broken.json", &r.out);
    let r = run(&args(&pipeline), &["--format", "sarif"]);
    validate_sarif(r.out.as_bytes());
    golden("workflows/pipeline-broken.sarif", &r.out);
    let r = run(&args(&pipeline), &["--format", "mermaid"]);
    golden("workflows/pipeline-broken.mmd", &r.out);
    // The formats for CI carry every stage's steps too.
    for format in ["junit", "github", "html"] {
        let r = run(&args(&pipeline), &["--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.err);
        for step in [
            "kms-decrypt-artifact",
            "update-approval-status",
            "create-model-from-package",
        ] {
            assert!(r.out.contains(step), "{format}: no {step}");
        }
    }
}

#[test]
fn a_pipeline_answers_train_register_approve_deploy_in_order_and_says_where_it_breaks() {
    let (_, e) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "pipeline/broken")
        .unwrap();
    let v = json(&run(&args(&e), &["--format", "json"]));
    let stages: Vec<&str> = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["train", "register", "approve", "deploy"]);
    assert!(v["breaks_at"].as_str().unwrap().starts_with("register"));
    // The caller of the registration is the pipeline's execution role.
    let reg = &v["reports"][1];
    assert_eq!(
        reg["caller"],
        "arn:aws:iam::222222222222:role/ModelBuildPipelineRole"
    );
    assert!(reg["caller_note"].as_str().unwrap().contains("RoleArn"));
    // The training step's output is the registered artifact, with a stand-in job name.
    let read = outcome(&v, "register", "s3:GetObject");
    assert_eq!(
        read["resource"],
        "arn:aws:s3:::sagemaker-training-artifacts-222222222222/decision-trees/<TrainDecisionTrees-job>/output/model.tar.gz"
    );
    // No KmsKeyId: the AWS managed key fails the cross-account steps, and says why.
    let decrypt = outcome(&v, "register", "kms:Decrypt");
    assert_eq!(decrypt["status"], "denied");
    let why = decrypt["reasons"].to_string();
    assert!(
        why.contains("names no `OutputDataConfig.KmsKeyId`"),
        "{why}"
    );
    assert!(why.contains("AWS managed key"), "{why}");
    assert_eq!(
        outcome(&v, "train", "kms:GenerateDataKey")["status"],
        "allowed",
        "the training role may use its own account's aws/s3 through S3"
    );
    assert_eq!(
        outcome(&v, "approve", "sagemaker:UpdateModelPackage")["status"],
        "denied"
    );
    assert_eq!(
        outcome(&v, "deploy", "sagemaker:CreateModel")["status"],
        "denied"
    );
}

#[test]
fn the_definition_in_every_form_gives_the_same_answer() {
    let dir = "fixtures/workflows/pipeline/fixed";
    let inv = format!("{dir}/inventory");
    let role = "arn:aws:iam::222222222222:role/ModelBuildPipelineRole";
    let mut seen = Vec::new();
    for (file, caller) in [
        ("pipeline.json", None),
        ("pipeline-definition.json", Some(role)),
        ("execution-definition.json", Some(role)),
    ] {
        let req = format!("{dir}/{file}");
        let mut a = vec![
            "check",
            "--request",
            &req,
            "--consumer",
            DEPLOY,
            "--format",
            "json",
        ];
        if let Some(c) = caller {
            a.extend(["--caller", c]);
        }
        a.push(&inv);
        let r = xacct(&a);
        assert_eq!(r.code, 0, "{file}: {}", r.err);
        seen.push(outcomes(&json(&r)));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0], seen[2]);
    // Without a role in the input, the caller must be named.
    let req = format!("{dir}/pipeline-definition.json");
    let r = xacct(&["check", "--request", &req, &inv]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("--caller"), "{}", r.err);
}

/// The request's outcomes and the pipeline's and the training job's, on one inventory.
fn seed_forms(name: &str) -> [Value; 4] {
    let inv = format!("fixtures/{name}/");
    let dir = format!("fixtures/workflows/{name}");
    let request = format!("fixtures/{name}/create-model-package.json");
    let pipeline = format!("{dir}/pipeline.json");
    let definition = format!("{dir}/pipeline-definition.json");
    let job = format!("{dir}/training-job.json");
    let run = |input: &str, extra: &[&str]| {
        let mut a = vec![
            "check",
            "--request",
            input,
            "--consumer",
            DEPLOY,
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        a.push(&inv);
        xacct(&a)
    };
    let runs = [
        run(&request, &["--caller", TRAINING]),
        run(&pipeline, &[]),
        run(&definition, &["--caller", TRAINING]),
        run(&job, &["--group", GROUP, "--caller", TRAINING]),
    ];
    runs.map(|r| json(&r))
}

#[test]
fn the_bundled_example_as_a_pipeline_and_a_training_job_gives_the_requests_verdicts() {
    for name in ["seed-example", "seed-example-fixed"] {
        let [request, pipeline, definition, job] = seed_forms(name);
        // The pipeline in both forms: every step as with the hand-written request.
        assert_eq!(outcomes(&request), outcomes(&pipeline), "{name}");
        assert_eq!(outcomes(&request), outcomes(&definition), "{name}");
        assert_eq!(request["verdict"], pipeline["verdict"], "{name}");
        let reg = &pipeline["reports"][0];
        assert_eq!(
            reg["caller"], TRAINING,
            "describe-pipeline's RoleArn is the caller"
        );
        // The training job: its training step, then the registration.
        let rs = reports(&job);
        assert_eq!(rs[0]["stage"], "train");
        assert_eq!(rs[0]["verdict"], "possible", "{name}");
        let artifact = |s: &str| s.starts_with("s3-read") || s.starts_with("kms-decrypt");
        let same = |v: &Value| -> Vec<_> {
            outcomes(v)
                .into_iter()
                .filter(|(stage, step, _, _)| stage == "register" && !artifact(step))
                .collect()
        };
        assert_eq!(same(&request), same(&job), "{name}");
        let read = outcome(&job, "register", "s3:GetObject");
        let decrypt = outcome(&job, "register", "kms:Decrypt");
        if name == "seed-example" {
            assert_eq!(request["verdict"], "not-possible");
            assert_eq!(job["verdict"], "not-possible");
            // The real object is decided where the literal `{bucket}` could not be.
            assert_eq!(read["status"], "denied");
            assert_eq!(decrypt["status"], "denied");
        } else {
            assert_eq!(request["verdict"], "possible");
            assert_eq!(read["status"], "allowed");
            // The fixed grant is constrained to the guide's object; a job writes elsewhere.
            assert_eq!(decrypt["status"], "denied");
            assert!(decrypt["resource"]
                .as_str()
                .unwrap()
                .ends_with("7c1e9a52-3d84-4b6f-a0e2-5f9b8c3d1e47"));
        }
    }
}

#[test]
fn images_in_sagemakers_own_registries_are_decided_with_the_documentation_date() {
    let (_, e) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "aws-owned-image/fixed")
        .unwrap();
    let v = json(&run(&args(&e), &["--format", "json"]));
    let pull = outcome(&v, "register", "ecr:BatchGetImage");
    assert_eq!(pull["status"], "allowed");
    let why = pull["reasons"].to_string();
    assert!(why.contains("257758044811 is AWS-owned"), "{why}");
    assert!(
        why.contains("sagemaker-algo-docker-registry-paths"),
        "{why}"
    );
    assert!(why.contains("read 20"), "{why}");
    assert!(
        v["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["action"] != "ecr:GetAuthorizationToken"),
        "no token is needed for SageMaker's own images"
    );
    assert!(!v.to_string().contains("not loaded"));
}

#[test]
fn a_group_shared_through_ram_is_decided_with_the_share_and_fails_closed_without_it() {
    let (_, broken) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "ram-share/broken")
        .unwrap();
    let v = json(&run(&args(&broken), &["--format", "json"]));
    let create = outcome(&v, "register", "sagemaker:CreateModelPackage");
    assert_eq!(create["status"], "denied");
    assert!(create["reasons"]
        .to_string()
        .contains("no active AWS RAM share of account 111111111111 shares the group with account 222222222222"));
    assert!(create["fixes"]
        .to_string()
        .contains("aws ram associate-resource-share"));
    // No `aws ram` export for the owner: not verified, never allowed by the group policy.
    let r = xacct(&[
        "check",
        "--request",
        "fixtures/workflows/deploy/fixed/create-model-package.json",
        "--scenario",
        "sagemaker-model-package-group-ram-share",
        "--caller",
        TRAINING,
        "--format",
        "json",
        "fixtures/workflows/deploy/fixed/inventory",
    ]);
    let v = json(&r);
    assert_eq!(v["verdict"], "not-verified");
    assert!(v.to_string().contains("AWS RAM shares are not exported"));
}

#[test]
fn scenarios_are_listed_with_their_stage_and_sources() {
    let r = xacct(&["scenarios"]);
    assert_eq!(r.code, 0, "{}", r.err);
    for (id, stage) in [
        ("sagemaker-training-output", "[train]"),
        ("sagemaker-cross-account-model-registration", "[register]"),
        ("sagemaker-cross-account-model-approval", "[approve]"),
        ("sagemaker-cross-account-model-deployment", "[deploy]"),
        ("sagemaker-model-package-group-ram-share", "[-]"),
    ] {
        let line = r
            .out
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id}"));
        assert!(line.contains(stage), "{line}");
    }
    let r = xacct(&["scenarios", "--format", "json"]);
    let all: Value = serde_json::from_str(&r.out).unwrap();
    for s in all.as_array().unwrap() {
        for step in s["steps"].as_array().unwrap() {
            let src = step["source"].as_str().unwrap_or_default();
            assert!(
                src.starts_with("https://docs.aws.amazon.com/"),
                "{}: {}",
                s["id"],
                step["id"]
            );
        }
    }
    let r = xacct(&["scenarios", "--steps"]);
    assert!(r.out.contains(
        "source: https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-deploy.html"
    ));
}

#[test]
fn the_scenarios_folder_flag_and_its_old_name_read_user_scenarios() {
    let dir = crate::util::scratch("workflow-scenarios");
    std::fs::write(
        dir.join("mine.json"),
        r#"{"schema_version": 1, "id": "read-only", "title": "read", "steps": [{"id": "read", "title": "read", "actor": "consumer", "for_each": "container", "actions": [{"action": "s3:GetObject"}], "resource": "{artifact.object_arn}"}]}"#,
    )
    .unwrap();
    let d = dir.to_string_lossy().into_owned();
    for flag in ["--scenarios", "--rules"] {
        let r = xacct(&["scenarios", flag, &d]);
        assert!(r.out.contains("read-only  [-]  read"), "{flag}: {}", r.out);
    }
    // A user scenario may not reuse a built-in id.
    std::fs::write(
        dir.join("mine.json"),
        r#"{"schema_version": 1, "id": "sagemaker-training-output", "title": "read", "steps": [{"id": "read", "title": "read", "actor": "consumer", "actions": [{"action": "s3:GetObject"}], "resource": "*"}]}"#,
    )
    .unwrap();
    let r = xacct(&["scenarios", "--scenarios", &d]);
    assert_eq!(r.code, 2);
    assert!(
        r.err
            .contains("/id: scenario `sagemaker-training-output` is already defined"),
        "{}",
        r.err
    );
}

#[test]
fn inputs_that_cannot_be_read_are_exit_2_with_file_and_pointer() {
    let dir = crate::util::scratch("workflow-inputs");
    let bad = dir.join("pipeline.json");
    std::fs::write(
        &bad,
        r#"{"PipelineArn": "x", "PipelineDefinition": "{not json"}"#,
    )
    .unwrap();
    let b = bad.to_string_lossy().into_owned();
    let r = xacct(&[
        "check",
        "--request",
        &b,
        "--caller",
        TRAINING,
        "fixtures/seed-example-fixed",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.err
            .contains("pipeline.json: /PipelineDefinition: the definition is not JSON"),
        "{}",
        r.err
    );
    // A Studio user profile without an execution role points at its domain.
    std::fs::write(&bad, r#"{"UserProfileArn": "x", "UserSettings": {}}"#).unwrap();
    let r = xacct(&[
        "check",
        "--request",
        "fixtures/seed-example-fixed/create-model-package.json",
        "--request",
        &b,
        "fixtures/seed-example-fixed",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("/UserSettings/ExecutionRole"), "{}", r.err);
    assert!(r.err.contains("describe-domain"), "{}", r.err);
    // An export is not a request.
    let r = xacct(&[
        "check",
        "--request",
        "fixtures/seed-example-fixed/111111111111/iam.json",
        "--caller",
        TRAINING,
        "fixtures/seed-example-fixed",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("is not an input of `check`"), "{}", r.err);
}

#[test]
fn a_parameter_without_a_default_is_not_verified_rather_than_wrong() {
    let dir = crate::util::scratch("workflow-parameter");
    let text = std::fs::read_to_string(
        crate::util::root().join("fixtures/workflows/pipeline/fixed/pipeline-definition.json"),
    )
    .unwrap();
    let mut def: Value = serde_json::from_str(&text).unwrap();
    def["Parameters"][0]
        .as_object_mut()
        .unwrap()
        .remove("DefaultValue");
    let f = dir.join("definition.json");
    std::fs::write(&f, def.to_string()).unwrap();
    let f = f.to_string_lossy().into_owned();
    let r = xacct(&[
        "check",
        "--request",
        &f,
        "--caller",
        "arn:aws:iam::222222222222:role/ModelBuildPipelineRole",
        "--consumer",
        DEPLOY,
        "--format",
        "json",
        "fixtures/workflows/pipeline/fixed/inventory",
    ]);
    let v = json(&r);
    assert_eq!(v["verdict"], "not-verified", "{}", r.out);
    let reg = &v["reports"][1];
    let p = reg["plausibility"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .contains("ModelApprovalStatus")
        })
        .unwrap();
    assert!(p["ok"].is_null(), "{p}");
    assert!(p["message"]
        .as_str()
        .unwrap()
        .contains("given when the pipeline starts"));
}

/// The registration findings of `audit` over `inventory` with an audit file of `pairs`.
fn audit_pairs(name: &str, pairs: &str, inventory: &str) -> (i32, Vec<Value>) {
    let dir = crate::util::scratch(name);
    let file = dir.join("audit.json");
    std::fs::write(
        &file,
        format!(r#"{{"schema_version": 1, "scenario_pairs": {pairs}}}"#),
    )
    .unwrap();
    let f = file.to_string_lossy().into_owned();
    let r = xacct(&[
        "audit",
        "--audit-file",
        &f,
        "--format",
        "json",
        "-q",
        inventory,
    ]);
    if r.code == 2 {
        return (2, vec![Value::String(r.err)]);
    }
    let v = json(&r);
    let found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["registration"]["scenario"].is_null())
        .cloned()
        .collect();
    (r.code, found)
}

const PAIRS: &str = r#"[
    {"scenario": "sagemaker-cross-account-model-deployment", "caller_account": "444444444444", "registry_account": "111111111111"},
    {"scenario": "sagemaker-cross-account-model-approval", "caller_account": "333333333333", "registry_account": "111111111111",
     "caller": "arn:aws:iam::333333333333:role/ModelApprover", "reason": "governance"}]"#;

#[test]
fn an_audit_file_names_pairs_of_accounts_per_scenario() {
    let (_, fixed) = audit_pairs(
        "pairs-fixed",
        PAIRS,
        "fixtures/workflows/deploy/fixed/inventory",
    );
    let got: Vec<(&str, &str, &str)> = fixed
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["registration"]["scenario"].as_str().unwrap(),
                f["registration"]["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "XR0001",
                "sagemaker-cross-account-model-approval",
                "possible"
            ),
            (
                "XR0001",
                "sagemaker-cross-account-model-deployment",
                "possible"
            ),
        ]
    );
    assert_eq!(
        fixed[1]["registration"]["caller"], "arn:aws:iam::444444444444:role/ModelDeployer",
        "the production role whose identity policy allows the first step"
    );
    let (code, broken) = audit_pairs(
        "pairs-broken",
        PAIRS,
        "fixtures/workflows/deploy/broken/inventory",
    );
    assert_eq!(code, 1);
    let deploy = broken
        .iter()
        .find(|f| f["registration"]["scenario"] == "sagemaker-cross-account-model-deployment")
        .unwrap();
    assert_eq!(deploy["code"], "XR0004");
    assert!(deploy["message"]
        .as_str()
        .unwrap()
        .contains("`sagemaker:DescribeModelPackage` denied"));
    assert!(deploy["location"]["pointer"]
        .as_str()
        .unwrap()
        .ends_with("/scenario_pairs/0"));
    // Unknown scenarios, bad account ids and scenarios that need a request are exit 2.
    let (code, err) = audit_pairs(
        "pairs-bad",
        r#"[{"scenario": "nope", "caller_account": "1", "registry_account": "111111111111"},
            {"scenario": "sagemaker-training-output", "caller_account": "444444444444", "registry_account": "111111111111"}]"#,
        "fixtures/workflows/deploy/fixed/inventory",
    );
    assert_eq!(code, 2);
    let err = err[0].as_str().unwrap();
    assert!(
        err.contains("/scenario_pairs/0/scenario: no built-in scenario `nope`"),
        "{err}"
    );
    assert!(
        err.contains("/scenario_pairs/0/caller_account: `1` is not a 12-digit account id"),
        "{err}"
    );
    assert!(err.contains("/scenario_pairs/1/scenario: scenario `sagemaker-training-output` cannot be checked between two accounts"), "{err}");
}

#[test]
fn a_deny_on_the_job_names_pipelines_give_is_not_missed() {
    let dir = crate::util::scratch("workflow-job-deny");
    crate::util::copy_tree("fixtures/workflows/pipeline/fixed/inventory", &dir);
    let file = dir.join("222222222222/s3/sagemaker-training-artifacts-222222222222.policy.json");
    let export: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut policy: Value = serde_json::from_str(export["Policy"].as_str().unwrap()).unwrap();
    policy["Statement"].as_array_mut().unwrap().push(serde_json::json!({
        "Sid": "NoPipelineOutputsOutside",
        "Effect": "Deny",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::sagemaker-training-artifacts-222222222222/decision-trees/pipelines-*"
    }));
    std::fs::write(
        &file,
        serde_json::json!({"Policy": policy.to_string()}).to_string(),
    )
    .unwrap();
    let inv = dir.to_string_lossy().into_owned();
    let r = xacct(&[
        "check",
        "--request",
        "fixtures/workflows/pipeline/fixed/pipeline.json",
        "--consumer",
        DEPLOY,
        "--format",
        "json",
        &inv,
    ]);
    let v = json(&r);
    assert_eq!(v["verdict"], "not-possible", "{}", r.err);
    let read = outcome(&v, "register", "s3:GetObject");
    assert_eq!(read["status"], "denied");
    let why = read["reasons"].to_string();
    assert!(why.contains("fails for 1 of 2 tried values"), "{why}");
    assert!(why.contains("NoPipelineOutputsOutside"), "{why}");
    assert!(read["resource"]
        .as_str()
        .unwrap()
        .contains("/pipelines-<execution-id>-TrainDecisionTrees-<suffix>/"));
}
