//! The fixes `xacct check` proposes, proven: an organization's deny keeps denying everyone
//! but the principal it exempts, and the exports `--fix-dir` writes make every bundled
//! broken workflow pass when laid over its inventory.

use std::path::Path;

use serde_json::Value;

use crate::util::{copy_tree, scratch, xacct, Run};

const CALLER: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";

/// Copies every file below `from` to the same relative path below `to`.
fn lay(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&t).unwrap();
            lay(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

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
    assert!(fix["note"]
        .as_str()
        .unwrap()
        .contains("every other principal"));
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
