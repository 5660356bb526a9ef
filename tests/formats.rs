//! `--format junit` and `--format github` for `lint`, `check`, `audit` and `diff`: the JUnit
//! report is well-formed XML (read back with Python's XML parser) whose failures are what
//! makes the command exit 1; the annotations are workflow commands on files of the
//! repository, one a finding, and the counts agree with the JSON output.

use std::process::Command;

use serde_json::Value;

use crate::sarif::{AUDIT, SEED_CHECK};
use crate::util::{root, xacct, Run};

fn run(args: &[&str], format: &str) -> Run {
    let mut a = args.to_vec();
    a.extend(["--format", format]);
    let r = xacct(&a);
    assert!(r.code <= 1, "{a:?}: exit {}\n{}", r.code, r.err);
    r
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&run(args, "json").out).unwrap()
}

/// The JUnit report's counts, as Python's XML parser reads them: (tests, failures,
/// skipped), checked against the test cases themselves.
fn junit_counts(xml: &str) -> (usize, usize, usize) {
    let script = r#"
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1, len(suites)
s = suites[0]
cases = s.findall("testcase")
failures = sum(1 for c in cases if c.find("failure") is not None)
skipped = sum(1 for c in cases if c.find("skipped") is not None)
assert int(s.get("tests")) == len(cases), (s.get("tests"), len(cases))
assert int(s.get("failures")) == failures
assert int(s.get("skipped")) == skipped
assert all(c.get("classname") and c.get("name") for c in cases)
print(len(cases), failures, skipped)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "not well-formed JUnit: {}\n{xml}",
        String::from_utf8_lossy(&o.stderr)
    );
    let n: Vec<usize> = String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    (n[0], n[1], n[2])
}

/// The annotation lines (all but the last, plain summary line), checked: a level, a file
/// of the repository, a title with a code.
fn annotations(out: &str) -> Vec<&str> {
    let lines: Vec<&str> = out.lines().collect();
    let (summary, found) = lines.split_last().unwrap();
    assert!(
        !summary.starts_with("::"),
        "the last line is the summary: {summary}"
    );
    for l in found {
        let rest = ["::error ", "::warning ", "::notice "]
            .iter()
            .find_map(|p| l.strip_prefix(p))
            .unwrap_or_else(|| panic!("not an annotation: {l}"));
        let (props, message) = rest.split_once("::").unwrap();
        assert!(!message.is_empty() && !message.contains('\n'));
        let file = props
            .split(',')
            .find_map(|p| p.strip_prefix("file="))
            .unwrap();
        assert!(
            root().join(file).is_file(),
            "{file} is not a file of the repository"
        );
        assert!(props.contains(",title=X"), "{l}");
    }
    found.to_vec()
}

const PLAN: &[&str] = &["diff", "fixtures/audit/data-share.tfplan.json"];

#[test]
fn lint() {
    let args = ["lint", "fixtures/seed-example"];
    let report = json(&args);
    let errors = report["summary"]["errors"].as_u64().unwrap() as usize;
    let all = report["diagnostics"].as_array().unwrap().len();
    let j = run(&args, "junit");
    assert_eq!(j.code, 1);
    let (tests, failures, _) = junit_counts(&j.out);
    // The default --fail-on is error: the errors fail, the rest pass.
    assert_eq!(failures, errors);
    assert!(tests >= all, "a case a finding, and one a clean file");
    let g = run(&args, "github");
    assert_eq!(g.code, 1);
    let found = annotations(&g.out);
    assert_eq!(found.len(), all);
    assert!(found
        .iter()
        .any(|l| l.starts_with("::error file=fixtures/seed-example/") && l.contains(",line=")));
    // With --fail-on warning, the warnings fail too.
    let (_, more, _) = junit_counts(
        &run(
            &["lint", "fixtures/seed-example", "--fail-on", "warning"],
            "junit",
        )
        .out,
    );
    assert_eq!(
        more,
        errors + report["summary"]["warnings"].as_u64().unwrap() as usize
    );
}

#[test]
fn check() {
    let report = json(SEED_CHECK);
    let steps = report["outcomes"].as_array().unwrap();
    let j = run(SEED_CHECK, "junit");
    assert_eq!(j.code, 1);
    let (tests, failures, _) = junit_counts(&j.out);
    assert!(tests > steps.len(), "steps, then the other findings");
    assert!(failures >= 4, "{failures} failures\n{}", j.out);
    assert!(j.out.contains(r#"<failure type="XC0001""#), "{}", j.out);
    // The corrected example: every step passes.
    let fixed: Vec<String> = SEED_CHECK
        .iter()
        .map(|a| a.replace("seed-example", "seed-example-fixed"))
        .collect();
    let fixed: Vec<&str> = fixed.iter().map(String::as_str).collect();
    let j = run(&fixed, "junit");
    assert_eq!(j.code, 0, "{}", j.err);
    let (tests, failures, skipped) = junit_counts(&j.out);
    assert_eq!((failures, skipped), (0, 0), "{}", j.out);
    assert!(tests >= 5);
    let g = run(SEED_CHECK, "github");
    let found = annotations(&g.out);
    assert!(found
        .iter()
        .any(|l| l.contains("title=XC0001 workflow-step-denied")));
    assert!(g
        .out
        .lines()
        .last()
        .unwrap()
        .starts_with("verdict: registration NOT possible"));
}

#[test]
fn audit() {
    let report = json(AUDIT);
    let findings = report["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    let problems = report["problems"].as_array().unwrap();
    let failing_problems = problems.iter().filter(|p| p["severity"] == "error").count();
    let problems = problems.len();
    let j = run(AUDIT, "junit");
    assert_eq!(j.code, 1);
    let (tests, failures, _) = junit_counts(&j.out);
    assert_eq!(tests, findings.len() + problems);
    // The default --fail-on is error; a problem with the inputs fails when it is an error.
    assert_eq!(failures, errors + failing_problems);
    let g = run(AUDIT, "github");
    assert_eq!(annotations(&g.out).len(), findings.len() + problems);
    assert!(
        g.out.lines().last().unwrap().contains("exit code 1"),
        "{}",
        g.out
    );
}

#[test]
fn diff() {
    let report = json(PLAN);
    let new = report["summary"]["new_cross_account"].as_u64().unwrap() as usize;
    let changes =
        report["gained"].as_array().unwrap().len() + report["lost"].as_array().unwrap().len();
    assert!(new > 0);
    let j = run(PLAN, "junit");
    assert_eq!(j.code, 1);
    let (tests, failures, _) = junit_counts(&j.out);
    assert_eq!((tests, failures), (changes, new), "{}", j.out);
    let g = run(PLAN, "github");
    let found = annotations(&g.out);
    assert_eq!(found.len(), new);
    assert!(
        found
            .iter()
            .all(|l| l.contains("file=fixtures/audit/data-share.tfplan.json,line=")),
        "{found:?}"
    );
}

#[test]
fn every_command_lists_its_formats_and_refuses_others() {
    for (cmd, formats) in [
        ("lint", "table, json, sarif, junit, github"),
        (
            "check",
            "table, json, sarif, junit, github, html, dot, mermaid",
        ),
        ("audit", "table, json, jsonl, sarif, junit, github, html"),
        ("diff", "table, json, sarif, junit, github"),
    ] {
        let r = xacct(&[cmd, "--help"]);
        assert!(
            r.out.contains(&format!("[possible values: {formats}]")),
            "{cmd}: {}",
            r.out
        );
    }
    for args in [
        &["lint", "fixtures/seed-example", "--format", "html"][..],
        &[
            "diff",
            "fixtures/audit/data-share.tfplan.json",
            "--format",
            "html",
        ],
        &["rules", "--format", "junit"],
    ] {
        let r = xacct(args);
        assert_eq!(r.code, 2, "{args:?}");
    }
}
