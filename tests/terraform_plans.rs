//! Terraform plans as teams have them: every format version Terraform writes, every encoding
//! `terraform show -json > plan.json` produces, a state given where a plan is read, plans
//! that say their account in each way a plan can (or not at all), and plans whose policies
//! cannot be evaluated. The fixtures are written by `fixtures/terraform/generate.py`.

use crate::util::{encodings, scratch, xacct};

const VERSIONS: [&str; 4] = ["0.1", "0.2", "1.0", "1.2"];

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The audit findings of `args` (JSON), by `(code, message)`.
fn audit(args: &[&str]) -> (i32, Vec<(String, String, String)>, String) {
    let mut all = vec!["audit", "--format", "json", "--jobs", "1"];
    all.extend_from_slice(args);
    let r = xacct(&all);
    let doc = json(&r.out);
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["account"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (r.code, findings, r.err)
}

fn has(findings: &[(String, String, String)], code: &str, needle: &str) -> bool {
    findings
        .iter()
        .any(|(c, _, m)| c == code && m.contains(needle))
}

#[test]
fn every_format_version_is_read() {
    for v in VERSIONS {
        let plan = format!("fixtures/terraform/versions/plan-{v}.json");
        for flag in [None, Some("111111111111")] {
            let mut args = vec![plan.as_str()];
            if let Some(a) = flag {
                args.extend(["--terraform-account", a]);
            }
            let (code, findings, err) = audit(&args);
            assert_eq!(code, 1, "{v} {flag:?}: {err}");
            assert!(
                has(
                    &findings,
                    "XE0001",
                    "bucket `public-reports` is reachable from everyone"
                ),
                "{v} {flag:?}: {findings:?}"
            );
            assert!(
                has(
                    &findings,
                    "XE0002",
                    "role `partner-audit` is reachable from account 222222222222"
                ),
                "{v} {flag:?}: {findings:?}"
            );
            let account = flag.unwrap_or("unknown");
            assert!(
                findings.iter().all(|(_, a, _)| a == account),
                "{findings:?}"
            );
            // Without the account, the plan says so once, not once per resource.
            let said = err.matches("[XL0010]").count();
            assert_eq!(said, usize::from(flag.is_none()), "{v}: {err}");
            assert!(!err.contains("not used"), "{v}: {err}");
        }
    }
}

#[test]
fn every_encoding_is_read() {
    let dir = scratch("tf-encodings");
    for v in VERSIONS {
        let text =
            std::fs::read_to_string(format!("fixtures/terraform/versions/plan-{v}.json")).unwrap();
        for (name, bytes) in encodings(&text) {
            let path = dir.join(format!("plan-{v}-{name}.json"));
            std::fs::write(&path, bytes).unwrap();
            let p = path.to_string_lossy().into_owned();
            let (code, findings, err) = audit(&[&p, "--terraform-account", "111111111111"]);
            assert_eq!(code, 1, "{v} {name}: {err}");
            assert_eq!(findings.len(), 3, "{v} {name}: {findings:?} {err}");
            // The gate reads it too.
            let r = xacct(&["diff", &p]);
            assert_eq!(r.code, 1, "{v} {name}: {}{}", r.out, r.err);
            assert!(r.out.contains("PUBLIC"), "{v} {name}: {}", r.out);
        }
    }
}

#[test]
fn a_state_is_refused_with_how_to_make_a_plan() {
    let state = "fixtures/terraform/state.json";
    for args in [
        vec!["audit", state],
        vec!["diff", state],
        vec!["diff", "--plan", state],
        vec!["graph", "--inventory", state],
        vec![
            "who-can",
            "--inventory",
            state,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::public-reports/x",
        ],
    ] {
        let r = xacct(&args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.out, r.err);
        let all = format!("{}{}", r.out, r.err);
        assert!(
            all.contains("[XL0008]") || all.contains("XL0008"),
            "{args:?}: {all}"
        );
        assert!(all.contains("Terraform state"), "{all}");
        assert!(
            all.contains("terraform plan -out tf.plan && terraform show -json tf.plan > plan.json"),
            "{all}"
        );
        assert!(!all.contains("no new cross-account"), "{args:?}: {all}");
    }
}

#[test]
fn the_account_is_taken_from_the_plan() {
    for name in [
        "allowed-account-ids",
        "assume-role",
        "caller-identity",
        "existing-arns",
    ] {
        let plan = format!("fixtures/terraform/accounts/{name}.json");
        let (code, findings, err) = audit(&[&plan]);
        assert_eq!(code, 1, "{name}: {err}");
        assert_eq!(findings.len(), 3, "{name}: {findings:?}");
        assert!(
            findings.iter().all(|(_, a, _)| a == "111111111111"),
            "{name}: {findings:?}"
        );
        assert!(!err.contains("XL0010"), "{name}: {err}");
        // `--terraform-account` still decides.
        let (_, findings, _) = audit(&[&plan, "--terraform-account", "333333333333"]);
        let role = findings
            .iter()
            .find(|(_, _, m)| m.contains("role `partner-audit`"))
            .unwrap();
        // A role that exists keeps the account of its ARN.
        let want = if name == "existing-arns" {
            "111111111111"
        } else {
            "333333333333"
        };
        assert_eq!(role.1, want, "{name}: {findings:?}");
    }
}

#[test]
fn a_plan_without_an_account_still_fails_the_gate() {
    let r = xacct(&[
        "diff",
        "--plan",
        "fixtures/terraform/versions/plan-1.2.json",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.err);
    let doc = json(&r.out);
    let gained = doc["gained"].as_array().unwrap();
    assert!(
        gained
            .iter()
            .any(|c| c["principal"] == "*" && c["scope"] == "public"),
        "{gained:?}"
    );
    assert!(gained
        .iter()
        .any(|c| c["principal"] == "arn:aws:iam::222222222222:root"
            && c["resource"] == "arn:aws:s3:::public-reports"));
}

#[test]
fn what_cannot_be_evaluated_fails_the_gate_with_the_reason() {
    let r = xacct(&["diff", "fixtures/terraform/unevaluated.json"]);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(!r.out.contains("no new cross-account"), "{}", r.out);
    assert!(
        r.out
            .contains("NOT VERIFIED: 2 policies could not be evaluated"),
        "{}",
        r.out
    );
    assert!(r.out.contains("aws_s3_bucket_policy.logs.policy` is known only after apply (from data.aws_iam_policy_document.logs.json"), "{}", r.out);
    // One summary line per plan counts them, with each place.
    assert_eq!(r.err.matches("[XL0009]").count(), 1, "{}", r.err);
    let r = xacct(&[
        "diff",
        "fixtures/terraform/unevaluated.json",
        "--format",
        "json",
    ]);
    let doc = json(&r.out);
    assert_eq!(doc["summary"]["unevaluated"], 2);
    assert_eq!(doc["summary"]["exit_code"], 1);
}

#[test]
fn messages_keep_actions_as_written_on_what_they_apply_to() {
    let (_, findings, _) = audit(&["fixtures/terraform/versions/plan-1.2.json"]);
    assert!(
        has(
            &findings,
            "XE0001",
            "through its policy: `s3:GetObject` on `arn:aws:s3:::public-reports/*`"
        ),
        "{findings:?}"
    );
    assert!(
        has(
            &findings,
            "XE0002",
            "`s3:ListBucket` on `arn:aws:s3:::public-reports`"
        ),
        "{findings:?}"
    );
    assert!(has(&findings, "XE0002", "`sts:AssumeRole`"), "{findings:?}");
    let r = xacct(&[
        "diff",
        "fixtures/terraform/versions/plan-1.2.json",
        "--format",
        "json",
    ]);
    let doc = json(&r.out);
    let actions: Vec<&serde_json::Value> = doc["gained"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["actions"].as_array().unwrap())
        .collect();
    assert!(actions.iter().any(|a| *a == "s3:GetObject"), "{actions:?}");
    assert!(
        actions
            .iter()
            .all(|a| a.as_str().unwrap() != "s3:getobject"),
        "{actions:?}"
    );
}

#[test]
fn lint_reads_the_policies_of_a_plan_and_points_into_it() {
    let r = xacct(&[
        "lint",
        "fixtures/terraform/every-type.json",
        "--format",
        "json",
    ]);
    let doc = json(&r.out);
    let file = &doc["files"][0];
    let pointers: Vec<&str> = file["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["pointer"].as_str().unwrap())
        .collect();
    assert!(pointers.len() >= 20, "{pointers:?}");
    assert!(
        pointers.iter().all(|p| p.starts_with("/resource_changes/")),
        "{pointers:?}"
    );
    // A public statement of the SNS topic policy, where it is: the attribute, then the
    // pointer inside the document, with its line.
    let sns = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["code"] == "XA0202"
                && d["location"]["pointer"]
                    .as_str()
                    .unwrap()
                    .ends_with("/change/after/policy")
        })
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(
        sns["location"]["embedded_pointer"],
        "/Statement/0/Principal"
    );
    assert!(sns["location"]["line"].as_u64().is_some(), "{sns}");
    // Every version and encoding.
    let dir = scratch("tf-lint");
    let text = std::fs::read_to_string("fixtures/terraform/versions/plan-0.1.json").unwrap();
    for (name, bytes) in encodings(&text) {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, bytes).unwrap();
        let r = xacct(&["lint", &path.to_string_lossy(), "--format", "json"]);
        let doc = json(&r.out);
        assert_eq!(
            doc["files"][0]["documents"].as_array().unwrap().len(),
            2,
            "{name}: {doc}"
        );
    }
    // A state holds no plan: it is skipped, not linted as nothing.
    let r = xacct(&["lint", "fixtures/terraform/state.json", "--format", "json"]);
    assert!(
        json(&r.out)["files"][0]["skipped"]
            .as_str()
            .unwrap()
            .contains("state"),
        "{}",
        r.out
    );
}
