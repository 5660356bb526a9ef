//! Golden outputs of every command in every format it writes, on the bundled fixtures. A
//! change of behaviour shows here as a diff; `UPDATE_GOLDEN=1` rewrites the files.

use crate::util::{golden, xacct};

/// Runs `args`, checks the exit code, and compares standard output with the golden file.
fn case(name: &str, code: i32, args: &[&str]) {
    let r = xacct(args);
    assert_eq!(r.code, code, "{args:?}\n{}{}", r.out, r.err);
    assert!(!r.err.contains("panicked"), "{}", r.err);
    golden(name, &r.out);
}

const DEPLOY: &str = "arn:aws:sts::111111111111:assumed-role/Deploy/endpoint";

#[test]
fn simulate() {
    let flags = [
        "simulate",
        "--principal",
        DEPLOY,
        "--action",
        "ecr:GetDownloadUrlForLayer",
        "--resource",
        "arn:aws:ecr:us-east-1:222222222222:repository/fraud-model",
        "--identity-policy",
        "fixtures/simulate/deploy-role-policy.json",
        "--resource-policy",
        "fixtures/simulate/ecr-repository-policy.json",
    ];
    for format in ["table", "json"] {
        let mut args = flags.to_vec();
        args.extend(["--format", format]);
        case(&format!("simulate/flags.{format}"), 1, &args);
    }
    case(
        "simulate/cases.jsonl",
        0,
        &[
            "simulate",
            "--cases",
            "fixtures/simulate/registration.jsonl",
        ],
    );
    let inventory = [
        "simulate",
        "--inventory",
        "fixtures/org-example",
        "--principal",
        "arn:aws:sts::111111111111:assumed-role/ModelRegistryDeployRole/s",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::training-artifacts-222222222222/models/m.tar.gz",
    ];
    for format in ["table", "json"] {
        let mut args = inventory.to_vec();
        args.extend(["--format", format]);
        let r = xacct(&args);
        assert!(r.code <= 1, "{}", r.err);
        golden(&format!("simulate/inventory.{format}"), &r.out);
    }
}

#[test]
fn who_can() {
    for format in ["table", "json"] {
        let r = xacct(&[
            "who-can",
            "--inventory",
            "fixtures/org-example",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::training-artifacts-222222222222/models/m.tar.gz",
            "--all",
            "--format",
            format,
        ]);
        assert!(r.code <= 2, "{}", r.err);
        golden(&format!("who-can/org-example.{format}"), &r.out);
    }
}

#[test]
fn graph() {
    for format in ["dot", "mermaid", "json"] {
        let r = xacct(&[
            "graph",
            "--inventory",
            "fixtures/org-example",
            "--format",
            format,
        ]);
        assert!(r.code <= 2, "{}", r.err);
        golden(&format!("graph/org-example.{format}"), &r.out);
    }
}

#[test]
fn audit() {
    for format in ["table", "json", "jsonl", "sarif"] {
        let r = xacct(&[
            "audit",
            "fixtures/audit/exports",
            "--audit-file",
            "fixtures/audit/audit.json",
            "--format",
            format,
            "--jobs",
            "1",
        ]);
        assert_eq!(r.code, 1, "{}", r.err);
        golden(&format!("audit/exports.{format}"), &r.out);
    }
}

#[test]
fn diff() {
    for format in ["table", "json"] {
        let r = xacct(&[
            "diff",
            "--plan",
            "fixtures/audit/data-share.tfplan.json",
            "--format",
            format,
        ]);
        assert!(r.code <= 1, "{}", r.err);
        golden(&format!("diff/data-share.{format}"), &r.out);
    }
}

#[test]
fn rules_and_rule() {
    for format in ["table", "json"] {
        case(
            &format!("rules/rules.{format}"),
            0,
            &["rules", "--format", format],
        );
        case(
            &format!("rules/xa0105.{format}"),
            0,
            &["rule", "XA0105", "--format", format],
        );
    }
}
