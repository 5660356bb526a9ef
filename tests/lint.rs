//! `xacct lint`: every rule against its fixtures, the seed guide's defects, the inventory
//! layout, golden outputs (table, JSON, SARIF validated against the official schema), exit
//! codes, and bad input that must never panic.
//!
//! Golden files live in `tests/golden/lint/`; run with `UPDATE_GOLDEN=1` to rewrite them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use xacct::lint::config::Config;
use xacct::lint::{lint, LintOptions, LintReport, RULES};
use xacct::policy::DocKind;

use crate::util::{golden, validate_sarif, xacct};

const BIN: &str = env!("CARGO_BIN_EXE_xacct");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(paths: &[String], opts: &LintOptions) -> LintReport {
    lint(paths, opts).expect("lint runs")
}

/// (file name relative to `dir`, code, pointer as printed).
type Found = BTreeSet<(String, String, String)>;

fn found(report: &LintReport, dir: &Path) -> Found {
    let dir = dir.to_string_lossy().replace('\\', "/");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let f = d.primary.file.to_string();
            let rel = f
                .strip_prefix(&dir)
                .map(|r| r.trim_start_matches('/').to_owned())
                .unwrap_or(f);
            (rel, d.code.to_owned(), d.primary.pointer_text())
        })
        .collect()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    kind: Option<String>,
    #[serde(default)]
    config: std::collections::BTreeMap<String, String>,
    expect: std::collections::BTreeMap<String, Vec<Expected>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    code: String,
    pointer: String,
    file: Option<String>,
}

fn kind(name: &str) -> DocKind {
    <DocKind as clap::ValueEnum>::from_str(name, false).expect("a kind")
}

#[test]
fn every_rule_has_fixtures_that_give_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for rule in RULES {
        let code = rule.meta().code;
        let dir = PathBuf::from("fixtures/lint").join(code);
        let expect_path = root().join(&dir).join("expect.json");
        let text = std::fs::read_to_string(&expect_path)
            .unwrap_or_else(|e| panic!("{code}: {}: {e}", expect_path.display()));
        let expect: Expect = serde_json::from_str(&text).expect("expect.json parses");
        let mut files: Vec<String> = std::fs::read_dir(root().join(&dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json") && n != "expect.json")
            .collect();
        files.sort();
        assert!(
            files.iter().any(|f| f.starts_with("clean")),
            "{code}: needs a clean fixture"
        );
        assert!(
            expect
                .expect
                .values()
                .any(|v| v.iter().any(|e| e.code == code)),
            "{code}: needs a flagged fixture that expects {code}"
        );
        for name in &files {
            assert!(
                name.starts_with("clean") || expect.expect.contains_key(name),
                "{code}: {name} has no entry in expect.json"
            );
            let config = match expect.config.get(name) {
                Some(c) => Config::load(&dir.join(c).to_string_lossy()).unwrap(),
                None => Config::default(),
            };
            let opts = LintOptions {
                kind: expect.kind.as_deref().map(kind),
                config,
                ..LintOptions::default()
            };
            let path = dir.join(name).to_string_lossy().into_owned();
            let report = run(&[path], &opts);
            assert!(
                report.input_errors.is_empty(),
                "{code}/{name}: {:?}",
                report.input_errors
            );
            let got = found(&report, &dir);
            let want: Found = expect
                .expect
                .get(name)
                .map(|v| {
                    v.iter()
                        .map(|e| {
                            (
                                e.file.clone().unwrap_or_else(|| name.clone()),
                                e.code.clone(),
                                e.pointer.clone(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            if got != want {
                failures.push(format!(
                    "{code}/{name}:\n  expected {want:?}\n  found    {got:?}\n  messages {:?}",
                    report
                        .diagnostics
                        .iter()
                        .map(|d| &d.message)
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every defect of the semantics reference §10 that can be seen in the guide's policies.
#[test]
fn seed_guide_defects_are_all_found() {
    let dir = PathBuf::from("fixtures/lint/seed");
    let report = run(
        &[dir.to_string_lossy().into_owned()],
        &LintOptions::default(),
    );
    let got = found(&report, &dir);
    let want: &[(&str, &str, &str, &str)] = &[
        // §10 #1: "Resource: arn:aws:s3:::{bucket}" is not an ARN.
        (
            "#1",
            "222222222222/s3/your-bucket-name.policy.json",
            "XA0106",
            "/Statement/0/Resource/1",
        ),
        // §10 #2: plain strings, not f-strings: `{bucket}` sent literally.
        (
            "#2",
            "222222222222/s3/your-bucket-name.policy.json",
            "XA0107",
            "/Statement/0/Resource/0",
        ),
        (
            "#2",
            "222222222222/s3/your-bucket-name.policy.json",
            "XA0107",
            "/Statement/0/Resource/1",
        ),
        (
            "#2",
            "samples/s3-policy-example.json",
            "XA0107",
            "/Statement/0/Resource",
        ),
        (
            "#2",
            "samples/s3-policy-example.json",
            "XA0107",
            "/Statement/0/Principal/AWS",
        ),
        (
            "#2",
            "samples/ecr-policy-example.json",
            "XA0107",
            "/Statement/0/Principal/AWS",
        ),
        (
            "#2",
            "samples/kms-policy-example.json",
            "XA0107",
            "/Statement/0/Principal/AWS",
        ),
        // §10 #3: s3:GetBucketAcl on the object ARN only: S3 rejects the bucket policy.
        (
            "#3",
            "222222222222/s3/your-bucket-name.policy.json",
            "XA0105",
            "/Statement/0/Action/1",
        ),
        (
            "#3",
            "samples/s3-policy-example.json",
            "XA0105",
            "/Statement/0/Action/1",
        ),
        // §10 #4: no ecr:GetDownloadUrlForLayer; ecr:Describe* adds nothing for pulling.
        (
            "#4",
            "222222222222/us-east-2/ecr/decision-trees-sample.json",
            "XA0209",
            "/Statement/0/Action/0",
        ),
        (
            "#4",
            "222222222222/us-east-2/ecr/decision-trees-sample.json",
            "XA0210",
            "/Statement/0/Action/1",
        ),
        (
            "#4",
            "samples/ecr-policy-example.json",
            "XA0209",
            "/Statement/0/Action/0",
        ),
        (
            "#4",
            "samples/ecr-policy-example.json",
            "XA0210",
            "/Statement/0/Action/1",
        ),
        // §10 #5: GranteePrincipal is the bare account id.
        (
            "#5",
            "222222222222/us-east-2/kms/1234abcd-12ab-34cd-56ef-1234567890ab.create-grant.json",
            "XA0110",
            "/GranteePrincipal",
        ),
        (
            "#5",
            "222222222222/us-east-2/kms/1234abcd-12ab-34cd-56ef-1234567890ab.grants.json",
            "XA0110",
            "/Grants/0/GranteePrincipal",
        ),
        // §10 #9: the sample key policy has only R's statement: no IAM delegation for T.
        (
            "#9",
            "samples/kms-policy-example.json",
            "XA0207",
            "/Statement",
        ),
    ];
    let want: Found = want
        .iter()
        .map(|(_, f, c, p)| (f.to_string(), c.to_string(), p.to_string()))
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(missing.is_empty(), "§10 defects not found: {missing:?}");
    assert!(extra.is_empty(), "findings beyond §10: {extra:?}");
    // The registry-side group policy, rendered with f-strings, is clean.
    assert!(!got.iter().any(|(f, _, _)| f.contains("sagemaker")));
}

#[test]
fn inventory_layout_and_exports_decide_kinds() {
    let dir = PathBuf::from("fixtures/lint/inventory");
    let report = run(
        &[dir.to_string_lossy().into_owned()],
        &LintOptions::default(),
    );
    let kinds: BTreeSet<(String, String, String)> = report
        .files
        .iter()
        .flat_map(|f| {
            f.documents.iter().map(move |d| {
                (
                    f.file.rsplit('/').next().unwrap_or_default().to_owned(),
                    d.pointer.clone(),
                    serde_json::to_value(d.kind)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            })
        })
        .collect();
    let k = |f: &str, p: &str, kind: &str| (f.to_owned(), p.to_owned(), kind.to_owned());
    let want: BTreeSet<_> = [
        k(
            "iam.json",
            "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
            "identity",
        ),
        k(
            "iam.json",
            "/RoleDetailList/0/AssumeRolePolicyDocument#",
            "trust",
        ),
        k(
            "iam.json",
            "/RoleDetailList/0/RolePolicyList/0/PolicyDocument",
            "identity",
        ),
        k(
            "iam.json",
            "/Policies/0/PolicyVersionList/0/Document",
            "managed",
        ),
        k("logs.policy.json", "/Policy#", "bucket"),
        k("app.json", "/policyText#", "repository"),
        k(
            "1234abcd-12ab-34cd-56ef-1234567890ab.policy.json",
            "/Policy#",
            "key",
        ),
        k("p-deny-leave.json", "/Policy/Content#", "scp"),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, want);
    let skipped = report.files.iter().filter(|f| f.skipped.is_some()).count();
    assert_eq!(
        skipped, 3,
        "location, key metadata and the org roots are skipped"
    );
    let got = found(&report, &dir);
    let want: Found = [
        (
            "123456789012/iam.json",
            "XA0108",
            "/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0/Principal",
        ),
        // The trust policy is URL-encoded in the file (raw IAM API form).
        (
            "123456789012/iam.json",
            "XA0208",
            "/RoleDetailList/0/AssumeRolePolicyDocument#/Statement/0/Principal/AWS/1",
        ),
        (
            "123456789012/iam.json",
            "XA0201",
            "/Policies/0/PolicyVersionList/0/Document/Statement/0/NotAction",
        ),
        (
            "123456789012/s3/logs.policy.json",
            "XA0202",
            "/Policy#/Statement/0/Principal",
        ),
        (
            "123456789012/us-east-1/ecr/team/app.json",
            "XA0213",
            "/policyText#/Version",
        ),
    ]
    .iter()
    .map(|(f, c, p)| (f.to_string(), c.to_string(), p.to_string()))
    .collect();
    assert_eq!(
        got, want,
        "non-default versions and AWS managed policies are not linted"
    );
    // `--kind` applies to policy documents; `iam.json` keeps the kinds it states, and
    // exports without a policy stay skipped.
    let forced = run(
        &[dir.to_string_lossy().into_owned()],
        &LintOptions {
            kind: Some(DocKind::Bucket),
            ..LintOptions::default()
        },
    );
    let iam = forced
        .files
        .iter()
        .find(|f| f.file.ends_with("iam.json"))
        .unwrap();
    assert!(iam.documents.iter().any(|d| d.kind == DocKind::Managed));
    assert_eq!(
        forced.files.iter().filter(|f| f.skipped.is_some()).count(),
        3
    );
    // Locations inside a policy carried as a JSON string point into the string.
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == "XA0213")
        .unwrap();
    let text = std::fs::read_to_string(root().join(&*d.primary.file)).unwrap();
    let line = text.lines().nth(d.primary.line.unwrap() - 1).unwrap();
    let col = d.primary.column.unwrap();
    let at: String = line.chars().skip(col - 1).take(10).collect();
    assert_eq!(at, "\\\"Version\\", "{line}");
}

#[test]
fn golden_outputs_for_the_seed_guide() {
    for (format, file) in [
        ("table", "seed.txt"),
        ("json", "seed.json"),
        ("sarif", "seed.sarif"),
    ] {
        let o = xacct(&["lint", "fixtures/lint/seed", "--format", format]);
        assert_eq!(o.code, 1, "{format}: {}", o.err);
        golden(&format!("lint/{file}"), &o.out);
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let o = xacct(&[
        "lint",
        "fixtures/lint/seed",
        "fixtures/lint/inventory",
        "--format",
        "sarif",
    ]);
    let log: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    // Structure we rely on, checked without Python.
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
    // The official schema, with Python's jsonschema.
    validate_sarif(o.out.as_bytes());
}

#[test]
fn exit_codes() {
    let clean = "fixtures/lint/XA0101/clean.json";
    assert_eq!(xacct(&["lint", clean]).code, 0);
    // Warnings only: exit 0 by default, 1 with --fail-on warning.
    let warn = "fixtures/lint/XA0213/flagged.json";
    assert_eq!(xacct(&["lint", warn]).code, 0);
    assert_eq!(xacct(&["lint", warn, "--fail-on", "warning"]).code, 1);
    assert_eq!(xacct(&["lint", warn, "--severity", "XA0213=error"]).code, 1);
    assert_eq!(
        xacct(&["lint", warn, "--fail-on", "warning", "--ignore", "XA02"]).code,
        0
    );
    assert_eq!(
        xacct(&["lint", warn, "--fail-on", "warning", "--select", "XA01"]).code,
        0
    );
    let o = xacct(&[
        "lint",
        "fixtures/lint/XA0107/flagged.json",
        "--kind",
        "bucket",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.out.contains("XA0107"));
    // Could not run.
    for args in [
        &["lint", "fixtures/lint/no-such-file.json"][..],
        &["lint", "fixtures/lint/nothing-*.json"],
        &["lint", clean, "--select", "XA9999"],
        &["lint", clean, "--ignore", "no-such-rule"],
        &["lint", clean, "--severity", "XA0213=fatal"],
        &["lint", clean, "--config", "fixtures/lint/no-such.toml"],
        &["lint", clean, "--threads", "0"],
        &["lint", clean, "--kind", "bucket-policy"],
        &["rule", "XA9999"],
        &["rules", "--format", "sarif"],
        &[
            "simulate",
            "--principal",
            "arn:aws:iam::111111111111:root",
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
            "--format",
            "sarif",
        ],
    ] {
        let o = xacct(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.err);
        assert!(!o.err.contains("panicked"), "{args:?}");
    }
    // A file that is not JSON: exit 2 even next to clean files, with file, line and column.
    let o = xacct(&["lint", clean, "fixtures/lint/XA0100/flagged.json"]);
    assert_eq!(o.code, 2);
    assert!(
        o.err.contains("fixtures/lint/XA0100/flagged.json"),
        "{}",
        o.err
    );
    assert!(
        o.out.contains("fixtures/lint/XA0100/flagged.json:5:1"),
        "{}",
        o.out
    );
}

#[test]
fn rules_and_rule_print_the_registry() {
    let o = xacct(&["rules"]);
    assert_eq!(o.code, 0);
    let text = o.out;
    for m in xacct::diagnostic::codes::ALL {
        assert!(text.contains(m.code) && text.contains(m.name));
    }
    let o = xacct(&["rules", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        xacct::diagnostic::codes::ALL.len()
    );
    // Every code the tool can emit is documented, whichever command emits it.
    for key in ["XC0001", "XE0001", "XR0004", "XL0001", "XA0901"] {
        let o = xacct(&["rule", key]);
        assert_eq!(o.code, 0, "{key}");
        assert!(o.out.starts_with(&format!("# {key} ")), "{key}");
    }
    for key in [
        "XA0105",
        "xa0105",
        "bucket-policy-action-applies-to-no-resource",
    ] {
        let o = xacct(&["rule", key]);
        assert_eq!(o.code, 0, "{key}");
        let text = o.out;
        assert!(text.starts_with("# XA0105 bucket-policy-action-applies-to-no-resource"));
        for s in xacct::diagnostic::DOC_SECTIONS {
            assert!(text.contains(s), "{key}: {s}");
        }
    }
}

#[test]
fn config_file_select_severity_and_suppressions() {
    let dir = crate::util::scratch("lint-config");
    let cfg = dir.join("xacct.toml");
    std::fs::write(
        &cfg,
        r#"[lint]
fail-on = "warning"

[lint.severity]
XA0209 = "info"

[[lint.suppress]]
code = "XA0107"
file = "fixtures/lint/seed/samples/*.json"
pointer = "/Statement/0/Principal"

[[lint.suppress]]
code = "XA0110"
file = "fixtures/lint/seed/**/*.create-grant.json"
reason = "the request; list-grants shows the same"
"#,
    )
    .unwrap();
    let cfg = cfg.to_string_lossy().into_owned();
    let o = xacct(&[
        "lint",
        "fixtures/lint/seed",
        "--config",
        &cfg,
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1);
    let d: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    assert_eq!(d["summary"]["suppressed"], 4);
    assert_eq!(d["summary"]["fail_on"], "warning");
    let diags = d["diagnostics"].as_array().unwrap();
    assert!(diags.iter().all(|x| !(x["code"] == "XA0107"
        && x["location"]["pointer"]
            .as_str()
            .unwrap()
            .starts_with("/Statement/0/Principal"))));
    assert!(diags
        .iter()
        .filter(|x| x["code"] == "XA0209")
        .all(|x| x["severity"] == "info"));
    assert!(!diags.iter().any(|x| x["code"] == "XA0900"));
    // A suppression that matches nothing is reported at its place in the config file.
    std::fs::write(
        dir.join("stale.toml"),
        "[[lint.suppress]]\ncode = \"XA0202\"\nfile = \"nowhere.json\"\n",
    )
    .unwrap();
    let stale = dir.join("stale.toml").to_string_lossy().into_owned();
    let o = xacct(&[
        "lint",
        "fixtures/lint/XA0101/clean.json",
        "--config",
        &stale,
    ]);
    assert_eq!(o.code, 0, "a warning does not fail by default");
    assert!(o.out.contains("XA0900"), "{}", o.out);
    assert!(o.out.contains("stale.toml:1:1"), "{}", o.out);
    // Invalid configuration: exit 2 with the file named.
    std::fs::write(
        dir.join("bad.toml"),
        "[[lint.suppress]]\ncode = \"XA9\"\nfile = \"x\"\n",
    )
    .unwrap();
    let bad = dir.join("bad.toml").to_string_lossy().into_owned();
    let o = xacct(&["lint", "fixtures/lint/XA0101/clean.json", "--config", &bad]);
    assert_eq!(o.code, 2);
    assert!(o.err.contains("bad.toml"), "{}", o.err);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Bad input of every shape: exit 2 (or a finding), a file and a location, never a panic.
#[test]
fn bad_input_never_panics() {
    let dir = crate::util::scratch("lint-bad");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let cases: Vec<(&str, Vec<u8>, i32)> = vec![
        ("empty.json", b"".to_vec(), 2),
        ("truncated.json", br#"{"Statement": [{"Effect": "Allow""#.to_vec(), 2),
        ("not-utf8.json", vec![b'{', 0xff, 0xfe, b'}'], 2),
        ("deep.json", deep.into_bytes(), 2),
        ("trailing.json", br#"{"Statement": []} x"#.to_vec(), 2),
        ("embedded-bad.json", br#"{"Policy": "{\"Statement\": ["}"#.to_vec(), 2),
        ("embedded-url-bad.json", br#"{"PolicyDocument": "%7B%22Statement%22%3A"}"#.to_vec(), 2),
        ("null.json", b"null".to_vec(), 0),
        ("array.json", b"[1, 2]".to_vec(), 0),
        ("number-statement.json", br#"{"Version": "2012-10-17", "Statement": 5}"#.to_vec(), 1),
        ("weird-values.json", br#"{"Version": 1, "Statement": [5, {"Effect": ["Allow"], "Action": {}, "Resource": 3, "Principal": 7, "Condition": []}, {"Effect": "Allow", "Action": "", "Resource": "", "Condition": {"StringEquals": 5, "Bool": {"a": {}}}}]}"#.to_vec(), 1),
        ("grants-bad.json", br#"{"Grants": [5, {"GranteePrincipal": 5, "Operations": "Decrypt"}, {}]}"#.to_vec(), 1),
        ("grants-not-array.json", br#"{"Grants": 5}"#.to_vec(), 0),
        ("policy-number.json", br#"{"Policy": 5}"#.to_vec(), 0),
        ("iam-weird.json", br#"{"RoleDetailList": [5, {"AssumeRolePolicyDocument": 5, "RolePolicyList": [5, {"PolicyDocument": "%%%"}]}], "Policies": 5}"#.to_vec(), 2),
        // IAM accepts only ASCII letters and digits in a `Sid` (XA0112): the next two are
        // errors.
        ("unicode.json", "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"é🙂\", \"Effect\": \"Allow\", \"Action\": \"s3:Get🙂\", \"Resource\": \"arn:aws:s3:::b/🙂/*\"}]}".as_bytes().to_vec(), 1),
        ("escapes.json", br#"{"Policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"\\u00e9\\ud83d\\ude42\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}]}"}"#.to_vec(), 1),
    ];
    for (name, bytes, want) in &cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let p = path.to_string_lossy().into_owned();
        let o = xacct(&["lint", &p]);
        let err = o.err;
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(o.code, *want, "{name}: {}{err}", o.out);
        if *want == 2 {
            assert!(err.contains(name), "{name}: stderr names the file: {err}");
        }
    }
    // Every format, and every kind so that kind-specific rules see the bad shapes too.
    let d = dir.to_string_lossy().into_owned();
    let mut runs: Vec<Vec<&str>> = ["json", "sarif"]
        .iter()
        .map(|f| vec!["lint", d.as_str(), "--format", f])
        .collect();
    for k in [
        "identity",
        "managed",
        "bucket",
        "repository",
        "key",
        "grants",
        "trust",
        "scp",
        "rcp",
    ] {
        runs.push(vec!["lint", d.as_str(), "--kind", k]);
    }
    for args in &runs {
        let o = xacct(args);
        assert!(!o.err.contains("panicked"), "{args:?}: {}", o.err);
        assert_eq!(o.code, 2, "{args:?}");
    }
    // Invalid JSON is reported with its line and column.
    let o = xacct(&[
        "lint",
        &dir.join("truncated.json").to_string_lossy(),
        "--format",
        "json",
    ]);
    let d: serde_json::Value = serde_json::from_str(&o.out).unwrap();
    let diag = &d["diagnostics"][0];
    assert_eq!(diag["code"], "XA0100");
    assert_eq!(diag["location"]["line"], 1);
    assert!(diag["location"]["column"].as_u64().unwrap() > 1);
    // An unreadable argument does not stop the others.
    let o = xacct(&[
        "lint",
        "fixtures/lint/XA0108/flagged.json",
        "--kind",
        "identity",
        "fixtures/lint/missing.json",
    ]);
    assert_eq!(o.code, 2);
    assert!(o.out.contains("XA0108"));
    assert!(o.err.contains("fixtures/lint/missing.json"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn standard_input_and_threads() {
    use std::io::Write as _;
    let mut child = Command::new(BIN)
        .args(["lint", "-", "--kind", "identity", "--format", "json"])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["diagnostics"][0]["location"]["file"], "<stdin>");
    assert_eq!(d["diagnostics"][0]["code"], "XA0108");
    // Sequential and parallel runs give the same report.
    let a = xacct(&["lint", "fixtures/lint", "--jobs", "1", "--format", "json"]).out;
    let b = xacct(&[
        "lint",
        "fixtures/lint",
        "--threads",
        "2",
        "--format",
        "json",
    ])
    .out;
    assert_eq!(a, b);
}

#[test]
fn aws_managed_rcp_full_access_is_not_a_wildcard_finding() {
    // RCPFullAWSAccess allows `*` to everyone; customer RCPs can only deny, so it is no
    // finding, in an organization export as exported.
    let o = xacct(&[
        "lint",
        "fixtures/org-example/org/policies/p-RCPFullAWSAccess.json",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(o.code, 0, "{}", o.out);
    // The same document as a bucket policy is one.
    let o = xacct(&[
        "lint",
        "fixtures/org-example/org/policies/p-RCPFullAWSAccess.json",
        "--kind",
        "bucket",
        "--fail-on",
        "warning",
        "--select",
        "XA0202",
    ]);
    assert_eq!(o.code, 1, "{}", o.out);
}
