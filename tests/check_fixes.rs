//! The fixes `xacct check` proposes, proven: an organization's deny keeps denying everyone
//! but the principal it exempts, and the exports `--fix-dir` writes make every bundled
//! broken workflow pass when laid over its inventory.

use std::path::Path;

use serde_json::Value;

use crate::util::{copy_tree, lay, scratch, xacct, Run};

const CALLER: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";

fn check(dir: &Path, extra: &[&str]) -> Run {
    let request = dir.join("create-model-package.json");
    let mut args = vec![
        "check",
        "--request",
        request.to_str().unwrap(),
        "--caller",
        CALLER,
        "--consumer",
        CONSUMER,
    ];
    args.extend_from_slice(extra);
    args.push(dir.to_str().unwrap());
    xacct(&args)
}

#[test]
fn an_scp_deny_is_kept_with_an_exception_for_the_caller_only() {
    let inv = scratch("scp-exception-inv");
    copy_tree(
        "fixtures/seed-variants/training-scp-denies-create-model-package",
        &inv,
    );
    let fixes = scratch("scp-exception-fixes");
    let o = check(
        &inv,
        &["--format", "json", "--fix-dir", fixes.to_str().unwrap()],
    );
    assert_eq!(o.code, 1, "{}{}", o.out, o.err);
    let report: Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(report["with_changes"], "possible", "{report:#}");
    let create = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["action"] == "sagemaker:CreateModelPackage")
        .unwrap();
    let fix = &create["fixes"][0];
    assert_eq!(fix["kind"], "add-exception", "{fix:#}");
    assert_eq!(
        fix["condition"]["ArnNotLike"]["aws:PrincipalArn"], CALLER,
        "{fix:#}"
    );
    let note = fix["note"].as_str().unwrap();
    assert!(note.contains("every other principal"), "{note}");
    // Every version the group will hold, as the step's resource says.
    assert!(
        note.contains(&format!("`{}`", create["resource"].as_str().unwrap())),
        "{note}"
    );
    // The new SCP: the statement is still there, still a deny of the same actions, with
    // the pipeline's exception and the caller's.
    let policy = |dir: &Path| -> Value {
        let text = std::fs::read_to_string(dir.join("org/policies/p-7q2ml0reg.json")).unwrap();
        let export: Value = serde_json::from_str(&text).unwrap();
        serde_json::from_str(export["Policy"]["Content"].as_str().unwrap()).unwrap()
    };
    let before = policy(&inv);
    let after = policy(&fixes);
    let statements = after["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{after:#}");
    let s = &statements[0];
    assert_eq!(s["Sid"], "OnlyTheReleasePipelineRegistersModels");
    assert_eq!(s["Effect"], "Deny");
    assert_eq!(s["Action"], before["Statement"][0]["Action"]);
    assert_eq!(s["Resource"], "*");
    assert_eq!(
        s["Condition"]["ArnNotLike"]["aws:PrincipalArn"],
        serde_json::json!(["arn:aws:iam::*:role/ml-release-pipeline", CALLER]),
        "{after:#}"
    );
    // Laid over the inventory: the registration is possible.
    lay(&fixes, &inv);
    let again = check(&inv, &[]);
    assert_eq!(again.code, 0, "{}{}", again.out, again.err);
    // And the SCP still denies another principal of the account, explicitly, by that
    // statement.
    let other = xacct(&[
        "simulate",
        "--principal",
        "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
        "--action",
        "sagemaker:CreateModelPackage",
        "--resource",
        create["resource"].as_str().unwrap(),
        "--format",
        "json",
        inv.to_str().unwrap(),
    ]);
    let sim: Value = serde_json::from_str(&other.out)
        .unwrap_or_else(|e| panic!("{e}: {}{}", other.out, other.err));
    let text = sim.to_string();
    assert!(text.contains("ExplicitDeny"), "{sim:#}");
    assert!(text.contains("p-7q2ml0reg.json"), "{sim:#}");
}

/// `file` below `dir` with `from` replaced by `to` (which must be there).
fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The report's policy change whose `source_change` names `resource`.
fn change_for<'r>(report: &'r Value, resource: &str) -> &'r Value {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source_change"]["resource"] == resource)
        .unwrap_or_else(|| panic!("no change for `{resource}`: {:#}", report["changes"]))
}

#[test]
fn a_policy_from_a_terraform_plan_is_fixed_in_terraform_terms() {
    let inv = scratch("tf-form");
    copy_tree("fixtures/seed-variants/terraform-registry-side", &inv);
    // The group policy no longer grants the registration (in both places of the plan).
    let plan = "terraform/registry.tfplan.json";
    for _ in 0..2 {
        edit(
            &inv,
            plan,
            r#"sagemaker:CreateModelPackage\"]"#,
            r#"sagemaker:DescribeModelPackage\"]"#,
        );
    }
    let o = check(&inv, &["--format", "json"]);
    assert_eq!(o.code, 1, "{}{}", o.out, o.err);
    let report: Value = serde_json::from_str(&o.out).unwrap();
    let c = change_for(
        &report,
        "aws_sagemaker_model_package_group_policy.decision_trees",
    );
    let sc = &c["source_change"];
    assert_eq!(sc["form"], "terraform");
    assert_eq!(sc["path"], "resource_policy");
    assert_eq!(sc["new"], false);
    let hcl = sc["text"].as_str().unwrap();
    assert!(hcl.starts_with("resource_policy = jsonencode({"), "{hcl}");
    assert!(
        hcl.contains(r#""Action" = "sagemaker:CreateModelPackage""#),
        "{hcl}"
    );
    // The statement that was there stays.
    assert!(
        hcl.contains(r#""Sid" = "AddPermModelPackageVersion""#),
        "{hcl}"
    );
    assert!(c["command"]
        .as_str()
        .unwrap()
        .contains("aws_sagemaker_model_package_group_policy.decision_trees"));
    // Proven on the plan with the change made.
    assert_eq!(report["with_changes"], "possible", "{report:#}");
    // The table prints it; --fix-dir writes no plan (a plan is changed in its configuration).
    let fixes = scratch("tf-form-fixes");
    let t = check(&inv, &["--fix-dir", fixes.to_str().unwrap()]);
    assert!(t
        .out
        .contains("terraform: in resource `aws_sagemaker_model_package_group_policy.decision_trees`, set `resource_policy`"),
        "{}", t.out);
    assert!(
        t.out.contains("resource_policy = jsonencode({"),
        "{}",
        t.out
    );
    assert!(std::fs::read_dir(&fixes).unwrap().next().is_none());
}

#[test]
fn a_role_of_a_terraform_plan_gets_a_new_aws_iam_role_policy() {
    let inv = scratch("tf-role-form");
    copy_tree("fixtures/seed-variants/terraform-registry-side", &inv);
    // The managed policy attached to the deploy role no longer grants the token.
    let plan = inv.join("terraform/registry.tfplan.json");
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("ecr:GetAuthorizationToken"));
    std::fs::write(
        &plan,
        text.replace("ecr:GetAuthorizationToken", "ecr:DescribeRegistry"),
    )
    .unwrap();
    let o = check(&inv, &["--format", "json"]);
    assert_eq!(o.code, 1, "{}{}", o.out, o.err);
    let report: Value = serde_json::from_str(&o.out).unwrap();
    let sc =
        &change_for(&report, "aws_iam_role_policy.xacct_cross_account_access")["source_change"];
    assert_eq!(sc["new"], true);
    let hcl = sc["text"].as_str().unwrap();
    assert!(
        hcl.starts_with(r#"resource "aws_iam_role_policy" "xacct_cross_account_access" {"#),
        "{hcl}"
    );
    assert!(
        hcl.contains(r#"role   = "ModelRegistryDeployRole""#),
        "{hcl}"
    );
    assert!(
        hcl.contains(r#""Action" = "ecr:GetAuthorizationToken""#),
        "{hcl}"
    );
    assert_eq!(report["with_changes"], "possible", "{report:#}");
}

#[test]
fn a_policy_from_a_cloudformation_template_is_fixed_in_template_terms() {
    let dir = scratch("cfn-form");
    copy_tree("fixtures/cloudformation/registration-fixed", &dir);
    // The YAML template's repository policy loses an action, the JSON template's group
    // policy the registration.
    edit(
        &dir,
        "training.yaml",
        "              - ecr:GetDownloadUrlForLayer\n",
        "",
    );
    edit(
        &dir,
        "registry.json",
        r#"["sagemaker:CreateModelPackage"]"#,
        r#"["sagemaker:DescribeModelPackage"]"#,
    );
    let d = dir.to_str().unwrap();
    let training = format!("--account={d}/training.yaml@222222222222");
    let registry = format!("--account={d}/registry.json@111111111111");
    let params =
        format!("--parameters={d}/registry.json@fixtures/cloudformation/parameters/registry.json");
    let run = |format: &str| {
        xacct(&[
            "check",
            "--request",
            "fixtures/seed-example-fixed/create-model-package.json",
            "--caller",
            CALLER,
            "--consumer",
            CONSUMER,
            &training,
            &registry,
            "--region=us-east-2",
            &params,
            "--format",
            format,
            d,
            "fixtures/seed-example-fixed/org",
        ])
    };
    let o = run("json");
    assert_eq!(o.code, 1, "{}{}", o.out, o.err);
    let report: Value = serde_json::from_str(&o.out).unwrap();
    let repo = &change_for(&report, "ImageRepository")["source_change"];
    assert_eq!(repo["form"], "cloudformation");
    assert_eq!(
        repo["path"],
        "Resources.ImageRepository.Properties.RepositoryPolicyText"
    );
    let doc: Value = serde_json::from_str(repo["text"].as_str().unwrap()).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    // The template's own statement, intrinsics and all, and the one added.
    assert!(
        statements[0]["Principal"]["AWS"]["Fn::If"].is_array(),
        "{doc:#}"
    );
    assert!(statements
        .iter()
        .any(|s| s["Action"] == "ecr:GetDownloadUrlForLayer" && s["Principal"]["AWS"] == CONSUMER));
    let group = &change_for(&report, "ModelGroup")["source_change"];
    assert_eq!(
        group["path"],
        "Resources.ModelGroup.Properties.ModelPackageGroupPolicy"
    );
    assert!(group["text"]
        .as_str()
        .unwrap()
        .contains("sagemaker:CreateModelPackage"));
    assert_eq!(report["with_changes"], "possible", "{report:#}");
    let t = run("table");
    assert!(
        t.out.contains(
            "cloudformation: set `Resources.ImageRepository.Properties.RepositoryPolicyText`"
        ),
        "{}",
        t.out
    );
}

#[test]
fn the_fixes_written_with_fix_dir_make_every_broken_workflow_pass_or_say_what_they_cannot_fix() {
    // (workflow, what no export change fixes: the step it names, or none)
    let cases: [(&str, Option<&str>); 7] = [
        ("approve", None),
        ("deploy", None),
        ("ram-share", None),
        ("studio", None),
        // The training job wrote the artifact with the AWS managed key: only the job's
        // output encryption can change that.
        (
            "training-job",
            Some("step `kms-decrypt-artifact` (`kms:Decrypt`)"),
        ),
        (
            "pipeline",
            Some("step `kms-decrypt-artifact` (`kms:Decrypt`)"),
        ),
        // The image is in another Region than the group: the request is wrong.
        (
            "aws-owned-image",
            Some("the request: the image, the artifact and the group"),
        ),
    ];
    let listed: Vec<String> = std::fs::read_dir(crate::util::root().join("fixtures/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("broken").is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        listed.len(),
        cases.len(),
        "a broken workflow is not covered: {listed:?}"
    );
    for (workflow, unfixable) in cases {
        let src = format!("fixtures/workflows/{workflow}/broken");
        let dir = scratch(&format!("wf-fix-{workflow}"));
        copy_tree(&src, &dir);
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let args: Vec<String> = expected["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().replace(&src, dir.to_str().unwrap()))
            .collect();
        let fixes = scratch(&format!("wf-fixes-{workflow}"));
        let mut with_dir: Vec<&str> = args.iter().map(String::as_str).collect();
        with_dir.extend(["--fix-dir", fixes.to_str().unwrap()]);
        let o = xacct(&with_dir);
        assert_eq!(o.code, 1, "{workflow}: {}{}", o.out, o.err);
        let again = |extra: &[&str]| {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend_from_slice(extra);
            xacct(&a)
        };
        lay(&fixes, &dir.join("inventory"));
        match unfixable {
            None => {
                assert!(
                    o.out.contains(
                        "with these changes applied to the same exports: workflow possible"
                    ),
                    "{workflow}: {}",
                    o.out
                );
                assert!(!o.out.contains("what no change to the exports fixes"));
                let r = again(&[]);
                assert_eq!(r.code, 0, "{workflow}: {}{}", r.out, r.err);
            }
            Some(what) => {
                // Said, and never presented as possible.
                assert!(
                    o.out.contains("what no change to the exports fixes"),
                    "{workflow}: {}",
                    o.out
                );
                assert!(o.out.contains(what), "{workflow}: {}", o.out);
                assert!(
                    !o.out.contains("workflow possible"),
                    "{workflow}: {}",
                    o.out
                );
                // Laid over, what is left is exactly what it said: no other step fails.
                let r = again(&["--format", "json"]);
                assert_eq!(r.code, 1, "{workflow}");
                let v: Value = serde_json::from_str(&r.out).unwrap();
                // The JSON says it too.
                assert!(
                    v["not_fixable"].to_string().contains(what),
                    "{workflow}: {:#}",
                    v["not_fixable"]
                );
                let reports: Vec<&Value> = match v["reports"].as_array() {
                    Some(all) => all.iter().collect(),
                    None => vec![&v],
                };
                for report in reports {
                    for f in report["outcomes"].as_array().unwrap() {
                        if f["required"] == true && f["status"] != "allowed" {
                            assert!(
                                what.contains(&format!("`{}`", f["step"].as_str().unwrap())),
                                "{workflow}: {f:#}"
                            );
                        }
                    }
                }
            }
        }
    }
}
