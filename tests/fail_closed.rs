//! Fail closed on every path: a policy that cannot be read as one thing never yields an
//! allow, a "possible" or "0 not verified", whichever command reads it. Each test takes a
//! setup that the tool decides with certainty, breaks one element of one policy, and runs
//! the binary.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::util::{copy_tree, scratch, xacct};

const TRAINING_ROLE: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";
const SCP_VARIANT: &str = "fixtures/seed-variants/training-scp-denies-create-model-package";
const FIXED: &str = "fixtures/seed-example-fixed";

fn check(dir: &Path) -> crate::util::Run {
    let d = dir.to_string_lossy();
    let request = format!("{d}/create-model-package.json");
    xacct(&[
        "check",
        "--request",
        &request,
        "--caller",
        TRAINING_ROLE,
        "--consumer",
        CONSUMER,
        &d,
    ])
}

fn verdict(r: &crate::util::Run) -> String {
    r.out
        .lines()
        .find(|l| l.starts_with("verdict:"))
        .unwrap_or_default()
        .to_owned()
}

/// Rewrites a JSON file.
fn edit(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// Rewrites the policy document an export carries as a JSON string at `key`.
fn edit_text_policy(path: &Path, key: &[&str], f: impl FnOnce(&mut Value)) {
    edit(path, |v| {
        let mut slot = v;
        for k in key {
            slot = slot.get_mut(*k).unwrap();
        }
        let mut doc: Value = serde_json::from_str(slot.as_str().unwrap()).unwrap();
        f(&mut doc);
        *slot = Value::String(doc.to_string());
    });
}

/// The SCP variant with its deny's `Resource` replaced.
fn scp_with_resource(name: &str, resource: Value) -> PathBuf {
    let d = scratch(name);
    copy_tree(SCP_VARIANT, &d);
    edit_text_policy(
        &d.join("org/policies/p-7q2ml0reg.json"),
        &["Policy", "Content"],
        |doc| doc["Statement"][0]["Resource"] = resource,
    );
    d
}

/// The fixed setup with one more statement in the training role's first inline policy,
/// written as raw text so that it may hold duplicate keys.
fn training_role_with(name: &str, statement: &str) -> PathBuf {
    let d = scratch(name);
    copy_tree(FIXED, &d);
    let path = d.join("222222222222/iam.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let anchor = "\"Sid\": \"TrainingArtifacts\"";
    assert!(text.contains(anchor), "the fixture changed");
    let text = text.replacen(
        "{\n                                \"Sid\": \"TrainingArtifacts\"",
        &format!("{statement},{{\n                                \"Sid\": \"TrainingArtifacts\""),
        1,
    );
    assert!(text.contains(statement), "statement not inserted");
    std::fs::write(&path, text).unwrap();
    d
}

#[test]
fn the_unbroken_setups_are_decided() {
    let fixed = scratch("unbroken");
    copy_tree(FIXED, &fixed);
    let r = check(&fixed);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(verdict(&r).contains("registration possible"), "{}", r.out);
    let d = scratch("unbroken-scp");
    copy_tree(SCP_VARIANT, &d);
    let r = check(&d);
    assert_eq!(r.code, 1);
    assert!(verdict(&r).contains("NOT possible"), "{}", r.out);
}

/// Item 1: a `Resource` that is not an ARN is no prefix wildcard, and a `Deny` holding one
/// does not vanish.
#[test]
fn a_truncated_arn_in_an_scp_deny_is_not_verified() {
    for (i, resource) in ["arn:aws", "arn", "arn:aws:s3"].iter().enumerate() {
        let d = scp_with_resource(&format!("short-arn-{i}"), json!(resource));
        let r = check(&d);
        assert_eq!(r.code, 1, "{resource}: {}", r.out);
        let v = verdict(&r);
        assert!(!v.contains("possible ("), "{resource}: {v}");
        assert!(
            v.contains("NOT VERIFIED") && v.contains("p-7q2ml0reg.json") && v.contains("defective"),
            "{resource}: {v}"
        );
        assert!(r.out.contains("XA0106"), "{resource}: {}", r.out);
    }
}

#[test]
fn a_truncated_arn_in_an_identity_allow_grants_nothing() {
    let d = scratch("short-arn-allow");
    let case = json!({
        "id": "short",
        "request": {"principal": "arn:aws:iam::111111111111:user/alice", "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"},
        "identityPolicies": [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws"}]}]
    });
    let cases = d.join("cases.jsonl");
    std::fs::write(&cases, format!("{case}\n")).unwrap();
    let r = xacct(&["simulate", "--cases", &cases.to_string_lossy()]);
    let line: Value = serde_json::from_str(r.out.lines().next().unwrap()).unwrap();
    assert_ne!(line["decision"], "Allow", "{}", r.out);
    let policy = d.join("p.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws"}}"#,
    )
    .unwrap();
    let r = xacct(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111111111111:user/alice",
        "--action",
        "sagemaker:CreateModelPackage",
        "--resource",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/1",
        "--identity-policy",
        &policy.to_string_lossy(),
    ]);
    assert_eq!(r.code, 2, "simulate refuses the policy: {}{}", r.out, r.err);
    assert!(r.err.contains("`arn:aws` is not an ARN"), "{}", r.err);
}

/// Item 2: a `Deny` whose `Resource` or `Action` cannot be read still may deny, on every
/// inventory path.
#[test]
fn an_unreadable_deny_never_lets_the_registration_through() {
    let variants: [(&str, &str); 4] = [
        (
            "res-number",
            r#"{"Sid":"NoReg","Effect":"Deny","Action":"sagemaker:CreateModelPackage","Resource":5}"#,
        ),
        (
            "res-unterminated",
            r#"{"Sid":"NoReg","Effect":"Deny","Action":"sagemaker:CreateModelPackage","Resource":"arn:aws:sagemaker:*:*:model-package/${aws:username"}"#,
        ),
        (
            "act-number",
            r#"{"Sid":"NoReg","Effect":"Deny","Action":7,"Resource":"*"}"#,
        ),
        (
            "act-no-colon",
            r#"{"Sid":"NoReg","Effect":"Deny","Action":"sagemakerCreateModelPackage","Resource":"*"}"#,
        ),
    ];
    for (name, statement) in variants {
        let d = training_role_with(name, statement);
        let r = check(&d);
        assert_eq!(r.code, 1, "{name}: {}{}", r.out, r.err);
        let v = verdict(&r);
        assert!(
            v.contains("NOT VERIFIED") && v.contains("defective"),
            "{name}: {v}"
        );
        assert!(!v.contains("0 not verified"), "{name}: {v}");
        let inv = d.to_string_lossy();
        let r = xacct(&[
            "simulate",
            "--inventory",
            &inv,
            "--principal",
            "arn:aws:sts::222222222222:assumed-role/SageMakerTrainingRole/s",
            "--action",
            "sagemaker:CreateModelPackage",
            "--resource",
            "arn:aws:sagemaker:us-east-2:111111111111:model-package/decision-trees/3",
            "--format",
            "json",
        ]);
        let resp: Value =
            serde_json::from_str(&r.out).unwrap_or_else(|e| panic!("{name}: {e}: {}", r.out));
        assert_ne!(resp["decision"], "Allow", "{name}");
        assert_eq!(resp["indeterminate"], true, "{name}: {}", r.out);
    }
}

#[test]
fn audit_registration_paths_through_a_defective_scp_are_not_possible() {
    let d = scp_with_resource("audit-scp", json!(5));
    let r = xacct(&["audit", &d.to_string_lossy(), "--format", "json"]);
    let report: Value = serde_json::from_str(&r.out).unwrap_or_else(|e| panic!("{e}: {}", r.err));
    let paths: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap_or("").starts_with("XR"))
        .collect();
    assert!(!paths.is_empty(), "{}", r.out);
    for f in paths {
        assert_ne!(f["registration"]["verdict"], "possible", "{f}");
    }
}

/// Items 3 and 4: duplicated keys are read as one thing only when both copies agree.
#[test]
fn duplicate_keys_never_drop_a_deny() {
    let d = training_role_with(
        "dup-effect",
        r#"{"Sid":"NoReg","Effect":"Deny","Effect":"Allow","Action":"sagemaker:CreateModelPackage","Resource":"*"}"#,
    );
    let r = check(&d);
    assert!(verdict(&r).contains("NOT VERIFIED"), "{}", r.out);
    let d = scratch("dup-statement");
    let case = r#"{"id":"dup","request":{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111111111111"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}],"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}]}"#;
    let cases = d.join("cases.jsonl");
    std::fs::write(&cases, format!("{case}\n")).unwrap();
    let r = xacct(&["simulate", "--cases", &cases.to_string_lossy()]);
    let line: Value = serde_json::from_str(r.out.lines().next().unwrap()).unwrap();
    assert_eq!(line["decision"], "ExplicitDeny", "{}", r.out);
}

#[test]
fn a_duplicated_statement_key_in_an_authorization_details_export_keeps_both_arrays() {
    let d = scratch("dup-statement-gaad");
    copy_tree(FIXED, &d);
    let path = d.join("222222222222/iam.json");
    let text = std::fs::read_to_string(&path).unwrap();
    // The first inline policy gets a second `Statement` key holding a deny, before its own.
    let anchor = "\"PolicyDocument\": {\n";
    let at = text.find(anchor).expect("an inline policy") + anchor.len();
    let text = format!(
        "{}\"Statement\": [{{\"Effect\": \"Deny\", \"Action\": \"sagemaker:CreateModelPackage\", \"Resource\": \"*\"}}],\n{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&path, text).unwrap();
    let r = check(&d);
    assert_eq!(r.code, 1);
    assert!(!verdict(&r).contains("possible ("), "{}", verdict(&r));
}

/// Item 5: a `Bool` that is not a boolean is an error, and the `Deny` holding it may apply.
#[test]
fn a_bool_that_is_not_a_boolean_is_rejected_and_may_deny() {
    let d = training_role_with(
        "bool-maybe",
        r#"{"Sid":"NoReg","Effect":"Deny","Action":"sagemaker:CreateModelPackage","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"maybe"}}}"#,
    );
    let r = check(&d);
    assert!(verdict(&r).contains("NOT VERIFIED"), "{}", r.out);
    let r = xacct(&["lint", &d.join("222222222222/iam.json").to_string_lossy()]);
    assert_eq!(r.code, 1);
    assert!(
        r.out.contains("`Bool` takes `true` or `false`"),
        "{}",
        r.out
    );
}

/// Items 6, 7, 8: documented corners.
#[test]
fn documented_corners() {
    let d = scratch("corners");
    let cases = [
        // A variable without a value in a negated operator: AWS documents that the operator
        // matches, and that the statement might be invalid: an Allow is undecided...
        json!({"id": "var-allow", "expected": "ImplicitDeny",
            "request": {"principal": "arn:aws:iam::111111111111:role/r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                        "resourceAccount": "111111111111", "context": {"aws:PrincipalTag/team": "x"}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "${aws:username}"}}}]}]}),
        // ... and a Deny applies, as AWS's own example says.
        json!({"id": "var-deny", "expected": "ExplicitDeny",
            "request": {"principal": "arn:aws:iam::111111111111:role/r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                        "resourceAccount": "111111111111", "context": {"aws:PrincipalTag/team": "x"}},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/dept}"}}}]}]}),
        // NotPrincipal with Allow never grants.
        json!({"id": "notprincipal-allow", "expected": "ImplicitDeny",
            "request": {"principal": "arn:aws:iam::333333333333:user/alice", "action": "s3:GetBucketPolicy", "resource": "arn:aws:s3:::bkt",
                        "resourceAccount": "222222222222"},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetBucketPolicy", "Resource": "*"}]}],
            "resourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::333333333333:user/bob"},
                "Action": "s3:GetBucketPolicy", "Resource": "*"}]}}),
        // GetCallerIdentity needs no permission and no deny stops it.
        json!({"id": "get-caller-identity", "expected": "Allow",
            "request": {"principal": "arn:aws:sts::222222222222:assumed-role/Admin/jane", "action": "sts:GetCallerIdentity", "resource": "*",
                        "resourceAccount": "222222222222"},
            "identityPolicies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}]}),
    ];
    let path = d.join("cases.jsonl");
    let text: String = cases.iter().map(|c| format!("{c}\n")).collect();
    std::fs::write(&path, text).unwrap();
    let r = xacct(&["simulate", "--cases", &path.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(r.out.contains("4 passed, 0 failed"), "{}", r.out);
    let first: Value = serde_json::from_str(r.out.lines().next().unwrap()).unwrap();
    assert_eq!(first["indeterminate"], true, "{first}");
    // Lint says why the NotPrincipal statement grants nothing.
    let p = d.join("bucket.json");
    std::fs::write(&p, cases[2]["resourcePolicy"].to_string()).unwrap();
    let r = xacct(&["lint", "--kind", "bucket", &p.to_string_lossy()]);
    assert!(r.out.contains("not supported by AWS"), "{}", r.out);
}

/// Item 9: a resource that is no ARN is bad input.
#[test]
fn a_resource_that_is_not_an_arn_is_bad_input() {
    let r = xacct(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111111111111:user/a",
        "--action",
        "s3:GetObject",
        "--resource",
        "ARN",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.err.contains("--resource: `ARN` is not an ARN"),
        "{}",
        r.err
    );
    let r = xacct(&[
        "who-can",
        "--inventory",
        FIXED,
        "--action",
        "s3:GetObject",
        "--resource",
        "bucket/key",
    ]);
    assert_eq!(r.code, 2, "{}", r.err);
}

/// Item 10: hostile files never hang, never exhaust memory, never panic.
#[cfg(unix)]
#[test]
fn hostile_files_are_refused_one_line_each() {
    let d = scratch("hostile");
    copy_tree(FIXED, &d);
    let fifo = d.join("222222222222/fifo.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", d.join("222222222222/zero.json")).unwrap();
    let inv = d.to_string_lossy().into_owned();
    let runs: Vec<Vec<&str>> = vec![
        vec!["audit", &inv],
        vec![
            "who-can",
            "--inventory",
            &inv,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ],
        vec!["graph", "--inventory", &inv],
        vec!["lint", &inv],
        vec!["diff", &inv, &inv],
    ];
    for args in runs {
        let r = xacct(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.err);
        assert!(
            r.err.contains("fifo.json") && r.err.contains("a FIFO"),
            "{args:?}: {}",
            r.err
        );
        assert!(
            r.err.contains("zero.json") && r.err.contains("a device"),
            "{args:?}: {}",
            r.err
        );
        assert!(!r.err.contains("panicked"), "{}", r.err);
    }
    let fifo = fifo.to_string_lossy().into_owned();
    for flag in ["--cases", "--request"] {
        let args: Vec<&str> = if flag == "--cases" {
            vec!["simulate", "--cases", &fifo]
        } else {
            vec!["check", "--request", &fifo, "--caller", TRAINING_ROLE, &inv]
        };
        let r = xacct(&args);
        assert_eq!(r.code, 2, "{flag}: {}", r.err);
        assert!(r.err.contains("a FIFO"), "{flag}: {}", r.err);
    }
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_loaded() {
    use std::os::unix::ffi::OsStrExt;
    let d = scratch("non-utf8");
    copy_tree(FIXED, &d);
    let from = d.join("222222222222/iam.json");
    let to = d
        .join("222222222222")
        .join(std::ffi::OsStr::from_bytes(b"iam-\xe9t\xe9.json"));
    std::fs::rename(&from, &to).unwrap();
    let r = check(&d);
    assert!(!r.err.contains("No such file"), "{}", r.err);
    assert_eq!(r.code, 0, "the role's export is read: {}{}", r.out, r.err);
}

#[test]
fn a_shard_report_claiming_a_huge_count_is_refused() {
    let d = scratch("shards");
    let r = xacct(&["audit", FIXED, "--shard", "1/2", "--format", "json"]);
    let mut report: Value = serde_json::from_str(&r.out).unwrap();
    report["shard"]["index"] = json!(1u64);
    report["shard"]["count"] = json!(u64::MAX);
    let p = d.join("shard.json");
    std::fs::write(&p, report.to_string()).unwrap();
    let r = xacct(&["audit", "merge", &p.to_string_lossy()]);
    assert_eq!(r.code, 2, "{}", r.err);
    assert!(
        !r.err.contains("panicked") && !r.err.contains("capacity"),
        "{}",
        r.err
    );
    let r = xacct(&[
        "audit",
        FIXED,
        "--shard",
        "18446744073709551615/18446744073709551615",
    ]);
    assert_eq!(r.code, 2, "{}", r.err);
}

#[test]
fn documents_larger_than_any_aws_policy_are_refused_everywhere() {
    let d = scratch("large");
    let statements: Vec<Value> = (0..20_000)
        .map(|i| json!({"Sid": format!("S{i}"), "Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::b{i}/*")}))
        .collect();
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    let p = d.join("big.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let r = xacct(&["lint", &p.to_string_lossy(), "--format", "json"]);
    assert_eq!(r.code, 1);
    let report: Value = serde_json::from_str(&r.out).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["XA0111"], "the pairwise rules do not run on it");
    let case = json!({"id": "big", "request": {"principal": "arn:aws:iam::111111111111:user/a", "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b1/k", "resourceAccount": "111111111111"}, "identityPolicies": [doc]});
    let cases = d.join("cases.jsonl");
    std::fs::write(&cases, format!("{case}\n")).unwrap();
    let r = xacct(&["simulate", "--cases", &cases.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("larger than any AWS policy"), "{}", r.err);
    assert!(!r.out.contains("\"Allow\""), "{}", r.out);
}
