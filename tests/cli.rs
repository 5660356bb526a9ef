//! The `xacct` binary: exit codes, output formats, and bad input (a clear one-line error
//! with file and location, exit 2, never a panic).

use std::path::PathBuf;

use crate::util::{xacct, Run};

/// Writes `text` to a fresh file under the target directory and returns its path.
fn temp_file(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const DEPLOY: &str = "arn:aws:sts::111111111111:assumed-role/Deploy/endpoint";
const REPO: &str = "arn:aws:ecr:us-east-1:222222222222:repository/fraud-model";

fn simulate_repo(action: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "simulate",
        "--principal",
        DEPLOY,
        "--action",
        action,
        "--resource",
        REPO,
        "--identity-policy",
        "fixtures/simulate/deploy-role-policy.json",
        "--resource-policy",
        "fixtures/simulate/ecr-repository-policy.json",
    ];
    args.extend_from_slice(extra);
    xacct(&args)
}

#[test]
fn allowed_request_exits_0_with_its_trace() {
    let o = simulate_repo("ecr:BatchGetImage", &[]);
    assert_eq!(Some(o.code), Some(0), "{}", o.err);
    let out = o.out;
    assert!(out.starts_with("decision:  Allow"), "{out}");
    assert!(
        out.contains("fixtures/simulate/ecr-repository-policy.json: /policyText#/Statement/0"),
        "{out}"
    );
    assert!(
        out.contains("fixtures/simulate/deploy-role-policy.json: /PolicyDocument/Statement/0"),
        "{out}"
    );
}

#[test]
fn denied_request_exits_1_and_names_the_missing_side() {
    let o = simulate_repo("ecr:GetDownloadUrlForLayer", &[]);
    assert_eq!(Some(o.code), Some(1));
    let out = o.out;
    assert!(out.starts_with("decision:  ImplicitDeny"), "{out}");
    assert!(
        out.contains("the resource policy does not allow the caller"),
        "{out}"
    );
}

#[test]
fn json_output_has_schema_version_decision_and_trace() {
    let o = simulate_repo("ecr:BatchGetImage", &["--format", "json"]);
    assert_eq!(Some(o.code), Some(0));
    let v: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["trace"]["same_account"], false);
    let matched = v["trace"]["matched"].as_array().unwrap();
    let types: Vec<&str> = matched
        .iter()
        .map(|m| m["policy_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["identity", "resource"]);
    assert_eq!(matched[1]["principal_match"], "account");
    // Derived context keys are reported with the request.
    assert_eq!(
        v["request"]["context"]["aws:PrincipalAccount"],
        "111111111111"
    );
    assert_eq!(
        v["request"]["context"]["aws:PrincipalArn"],
        "arn:aws:iam::111111111111:role/Deploy"
    );
}

#[test]
fn explicit_context_wins_over_derived_keys() {
    let o = simulate_repo(
        "ecr:BatchGetImage",
        &[
            "--format",
            "json",
            "--context",
            "aws:PrincipalAccount=333333333333",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(
        v["request"]["context"]["aws:PrincipalAccount"],
        "333333333333"
    );
}

#[test]
fn repeated_context_key_is_multi_valued() {
    let policy = temp_file(
        "tags.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
            "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]},"ForAnyValue:StringEquals":{"aws:TagKeys":"env"}}}]}"#,
    );
    let run = |tags: &[&str]| {
        let mut args = vec![
            "simulate",
            "--principal",
            "arn:aws:iam::111111111111:user/alice",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
            "--resource-account",
            "111111111111",
            "--identity-policy",
            &policy,
        ];
        for t in tags {
            args.push("--context");
            args.push(t);
        }
        Some(xacct(&args).code)
    };
    assert_eq!(run(&["aws:TagKeys=env", "aws:TagKeys=team"]), Some(0));
    assert_eq!(run(&["aws:TagKeys=env", "aws:TagKeys=cost"]), Some(1));
}

#[test]
fn cases_file_prints_one_line_per_case_and_the_tally() {
    let o = xacct(&[
        "simulate",
        "--cases",
        "fixtures/simulate/registration.jsonl",
    ]);
    assert_eq!(Some(o.code), Some(0), "{}", o.err);
    let out = o.out;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(
        lines[0],
        r#"{"id":"register-version-into-registry","decision":"Allow"}"#
    );
    assert_eq!(lines[8], "8 passed, 0 failed");
}

#[test]
fn cases_mismatch_exits_1() {
    let text = std::fs::read_to_string(format!(
        "{}/fixtures/simulate/registration.jsonl",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let first = text
        .lines()
        .next()
        .unwrap()
        .replace(r#""expected":"Allow""#, r#""expected":"ExplicitDeny""#);
    let path = temp_file("mismatch.jsonl", &first);
    let o = xacct(&["simulate", "--cases", &path]);
    assert_eq!(Some(o.code), Some(1));
    let out = o.out;
    assert!(
        out.contains(r#""decision":"Allow","expected":"ExplicitDeny""#),
        "{out}"
    );
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn conformance_suite_through_the_binary() {
    let o = xacct(&["simulate", "--cases", "tests/conformance/hand.jsonl"]);
    assert_eq!(Some(o.code), Some(0));
    assert!(o.out.ends_with("95 passed, 0 failed\n"));
}

/// `simulate --cases FILE` on every thread, checked to answer as it does on one.
fn same_on_one_thread(path: &str) -> Run {
    let all = xacct(&["simulate", "--cases", path]);
    let one = xacct(&["simulate", "--jobs", "1", "--cases", path]);
    assert_eq!(
        (all.code, &all.out, &all.err),
        (one.code, &one.out, &one.err)
    );
    all
}

/// Cases are decided in batches on every thread: the answers come out in the order of the
/// lines, the same as on one thread, across batch boundaries and around a broken line.
#[test]
fn many_cases_are_answered_in_order_on_any_number_of_threads() {
    let hand = std::fs::read_to_string("tests/conformance/hand.jsonl").unwrap();
    let mut ids = Vec::new();
    let mut lines = Vec::new();
    for round in 0..30 {
        for line in hand.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = format!("{}-{round}", v["id"].as_str().unwrap());
            lines.push(line.replacen(
                &format!(r#""id":{}"#, v["id"]),
                &format!(r#""id":"{id}""#),
                1,
            ));
            ids.push(id);
        }
    }
    lines.insert(1500, "not json".to_owned());
    let path = temp_file("many.jsonl", &lines.join("\n"));
    let all = same_on_one_thread(&path);
    assert_eq!(Some(all.code), Some(2), "{}", all.err);
    assert!(all.err.contains(&format!("{path}:1501: ")), "{}", all.err);
    let answered: Vec<String> = all
        .out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(answered, ids);
    assert!(all.out.ends_with("2850 passed, 0 failed\n"), "{}", all.out);
}

/// Long lines fill a batch before its count does: the answers still come in order.
#[test]
fn long_cases_are_answered_in_order() {
    let hand = std::fs::read_to_string("tests/conformance/hand.jsonl").unwrap();
    let first = hand.lines().next().unwrap();
    let pad = "x".repeat(3 << 20);
    let lines: Vec<String> = (0..6)
        .map(|i| {
            first
                .replacen(r#""id":""#, &format!(r#""id":"long-{i}-"#), 1)
                .replacen(
                    r#""context":{"#,
                    &format!(r#""context":{{"pad":"{pad}","#),
                    1,
                )
        })
        .collect();
    let all = same_on_one_thread(&temp_file("long.jsonl", &lines.join("\n")));
    let ids: Vec<&str> = all
        .out
        .lines()
        .filter_map(|l| l.split('"').nth(3))
        .collect();
    assert_eq!(ids.len(), 6, "{}", all.err);
    for (i, id) in ids.iter().enumerate() {
        assert!(id.starts_with(&format!("long-{i}-")), "{id}");
    }
}

/// A line that cannot be read stops the run with its place, after the answers to every
/// batch read before it, in order, on any number of threads (the next batch is read while
/// one is decided).
#[test]
fn an_unreadable_line_stops_the_cases_after_every_line_before_it() {
    let hand = std::fs::read_to_string("tests/conformance/hand.jsonl").unwrap();
    let lines: Vec<&str> = hand.lines().cycle().take(2500).collect();
    let mut bytes = lines[..1499].join("\n").into_bytes();
    bytes.extend_from_slice(b"\n{\"id\":\"\xff\"}\n");
    bytes.extend_from_slice(lines[1500..].join("\n").as_bytes());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("unreadable.jsonl");
    std::fs::write(&path, bytes).unwrap();
    let all = same_on_one_thread(&path.to_string_lossy());
    assert_eq!(Some(all.code), Some(2), "{}", all.err);
    assert!(
        all.err.contains("unreadable.jsonl:1500: not UTF-8"),
        "{}",
        all.err
    );
    let answered: Vec<&str> = all.out.lines().filter(|l| l.starts_with('{')).collect();
    // Every line before line 1,500 is answered, across the end of the first batch (1,024
    // lines), and none after it.
    assert_eq!(answered.len(), 1499);
    for (answer, line) in answered.iter().zip(&lines) {
        let id = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap()["id"].clone();
        assert_eq!(id(answer), id(line));
    }
    assert!(!all.out.contains(" passed, "), "{}", all.out);
}

/// A cases file in any encoding PowerShell, Python or an editor writes gives the same
/// answers: UTF-8 with or without a byte order mark, UTF-16 in either order with one.
#[test]
fn cases_are_read_in_every_encoding() {
    let hand = std::fs::read_to_string("tests/conformance/hand.jsonl").unwrap();
    let text: String = hand.lines().take(40).map(|l| format!("{l}\r\n")).collect();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let mut runs = Vec::new();
    for (name, bytes) in crate::util::encodings(&text) {
        let path = dir.join(format!("cases-{name}.jsonl"));
        std::fs::write(&path, bytes).unwrap();
        let r = same_on_one_thread(&path.to_string_lossy());
        runs.push((name, r.code, r.out));
    }
    let (_, code, out) = &runs[0];
    assert_eq!(
        out.lines().filter(|l| l.starts_with('{')).count(),
        40,
        "{out}"
    );
    for (name, c, o) in &runs[1..] {
        assert_eq!((c, o), (code, out), "{name}");
    }
}

/// Runs `simulate` with `text` as the identity policy; returns (exit code, stderr).
fn bad_policy(name: &str, text: &str) -> (Option<i32>, String) {
    let path = temp_file(name, text);
    let o = xacct(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111111111111:user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--identity-policy",
        &path,
    ]);
    let err = o.err;
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.out.is_empty(), "no decision on bad input");
    (Some(o.code), err)
}

#[test]
fn truncated_json_is_exit_2_with_file_and_position() {
    let (code, err) = bad_policy(
        "truncated.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","#,
    );
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("error: ")
            && err.contains("truncated.json: /: invalid JSON: EOF while parsing"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn wrong_types_are_all_reported_with_pointers() {
    let (code, err) = bad_policy(
        "types.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":true,"Action":["s3:GetObject",7],"Resource":{"a":1}}]}"#,
    );
    assert_eq!(code, Some(2));
    for want in [
        "types.json: /Statement/0/Effect: expected a string, found a boolean",
        "types.json: /Statement/0/Action/1: expected a string, found a number",
        "types.json: /Statement/0/Resource: expected a string or an array of strings, found an object",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
}

#[test]
fn unknown_operator_is_an_error_not_a_silent_answer() {
    let (code, err) = bad_policy(
        "operator.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualsAnyCase":{"aws:username":"alice"}}}]}"#,
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("operator.json: /Statement/0/Condition/StringEqualsAnyCase: unknown condition operator `StringEqualsAnyCase`"), "{err}");
}

#[test]
fn two_megabyte_policy_is_refused() {
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "a".repeat(2 * 1024 * 1024)
    );
    let (code, err) = bad_policy("big.json", &big);
    assert_eq!(code, Some(2));
    assert!(err.contains("big.json: /: the policy is 2097"), "{err}");
    assert!(err.contains("larger than any AWS policy can be"), "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{}{}}}]}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (code, err) = bad_policy("deep.json", &deep);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("deep.json: /: invalid JSON: recursion limit exceeded"),
        "{err}"
    );
}

#[test]
fn every_bad_file_is_reported_not_just_the_first() {
    let a = temp_file("first.json", "{");
    let b = temp_file(
        "second.json",
        r#"{"Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}"#,
    );
    let o = xacct(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111111111111:user/alice",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--identity-policy",
        &a,
        "--resource-policy",
        &b,
    ]);
    assert_eq!(Some(o.code), Some(2));
    let err = o.err;
    assert!(err.contains("first.json: /: invalid JSON"), "{err}");
    assert!(
        err.contains(
            "second.json: /Statement/0/Effect: `Effect` must be `Allow` or `Deny`, found `Maybe`"
        ),
        "{err}"
    );
}

#[test]
fn missing_file_and_bad_flags_exit_2() {
    let o = xacct(&[
        "simulate",
        "--principal",
        "bob",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(Some(o.code), Some(2));
    assert!(o.err.contains("--principal: `bob` is not a principal"));
    let o = xacct(&["simulate", "--cases", "no/such/file.jsonl"]);
    assert_eq!(Some(o.code), Some(2));
    assert!(o.err.starts_with("error: no/such/file.jsonl: "));
    let o = xacct(&["simulate", "--principal", DEPLOY]);
    assert_eq!(Some(o.code), Some(2));
    let o = xacct(&[
        "simulate",
        "--principal",
        DEPLOY,
        "--action",
        "GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(Some(o.code), Some(2));
}

#[test]
fn a_bad_case_line_is_reported_and_the_others_still_run() {
    let good = std::fs::read_to_string(format!(
        "{}/fixtures/simulate/registration.jsonl",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut lines: Vec<String> = good.lines().take(2).map(str::to_owned).collect();
    lines.insert(1, "{not json".to_owned());
    // A case whose policy has an unknown operator: decided fail-closed, reported, exit 2.
    lines.push(lines[0].replace("\"Action\":\"sagemaker:CreateModelPackage\",\"Resource\"", "\"Action\":\"sagemaker:CreateModelPackage\",\"Condition\":{\"Bogus\":{\"a\":\"b\"}},\"Resource\""));
    let path = temp_file("mixed.jsonl", &lines.join("\n"));
    let o = xacct(&["simulate", "--cases", &path]);
    assert_eq!(Some(o.code), Some(2));
    let err = o.err;
    assert!(err.contains("mixed.jsonl:2: /: invalid JSON"), "{err}");
    assert!(err.contains("unknown condition operator `Bogus`"), "{err}");
    let out = o.out;
    assert_eq!(
        out.lines().filter(|l| l.starts_with('{')).count(),
        3,
        "{out}"
    );
    let last: serde_json::Value = serde_json::from_str(out.lines().nth(2).unwrap()).unwrap();
    assert_eq!(
        last["decision"], "ImplicitDeny",
        "a broken policy never allows"
    );
    assert_eq!(last["indeterminate"], true);
}
