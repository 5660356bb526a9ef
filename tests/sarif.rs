//! Every SARIF log xacct writes (`lint`, `check`, `audit`, `audit merge`, `diff`) against
//! the SARIF 2.1.0 schema and against what GitHub code scanning needs to ingest it cleanly:
//! fingerprints from the stable finding ids, unique in a run and the same wherever the
//! exports sit; a `helpUri` on every rule to its checked-in page; relative URIs under a
//! declared `uriBaseId` that name files of the repository; regions on the statement; and
//! GitHub's documented limits. Also: every code of the registry has its page, and no page
//! is left without a code.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;
use xacct::report::sarif::{FINGERPRINT_KEY, MAX_LOCATIONS, MAX_RESULTS, MAX_TAGS};

use crate::util::{copy_tree, root, scratch, validate_sarif, xacct, Run};

/// `check` on the guide as written (shared with the other format tests).
pub const SEED_CHECK: &[&str] = &[
    "check",
    "--request",
    "fixtures/seed-example/create-model-package.json",
    "--caller",
    "arn:aws:iam::222222222222:role/SageMakerTrainingRole",
    "--consumer",
    "arn:aws:iam::111111111111:role/ModelRegistryDeployRole",
    "fixtures/seed-example/",
];

/// `audit` of the fixture organization (shared with the other format tests).
pub const AUDIT: &[&str] = &[
    "audit",
    "fixtures/audit/exports",
    "--audit-file",
    "fixtures/audit/audit.json",
    "-q",
];

fn with_format(args: &[&str], format: &str) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    v.extend(["--format".to_owned(), format.to_owned()]);
    v
}

/// Runs xacct with owned arguments.
fn run(args: &[String]) -> Run {
    xacct(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Runs xacct and parses its SARIF; the exit code must be one of `codes`.
fn sarif(args: &[String], codes: &[i32]) -> Value {
    let r = run(args);
    assert!(
        codes.contains(&r.code),
        "{args:?}: exit {}\n{}",
        r.code,
        r.err
    );
    validate_sarif(r.out.as_bytes());
    serde_json::from_str(&r.out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", r.out))
}

/// Every log xacct writes for the bundled fixtures, by name.
fn logs() -> Vec<(&'static str, Value)> {
    let fixed: Vec<&str> = SEED_CHECK
        .iter()
        .map(|a| {
            if a.starts_with("fixtures/seed-example/") {
                Box::leak(
                    a.replace("seed-example", "seed-example-fixed")
                        .into_boxed_str(),
                )
            } else {
                *a
            }
        })
        .collect();
    vec![
        (
            "lint seed",
            sarif(
                &with_format(&["lint", "fixtures/seed-example"], "sarif"),
                &[1],
            ),
        ),
        (
            "lint lint fixtures",
            sarif(
                &with_format(
                    &["lint", "fixtures/lint/seed", "fixtures/lint/inventory"],
                    "sarif",
                ),
                &[1],
            ),
        ),
        ("check seed", sarif(&with_format(SEED_CHECK, "sarif"), &[1])),
        ("check fixed", sarif(&with_format(&fixed, "sarif"), &[0])),
        ("audit", sarif(&with_format(AUDIT, "sarif"), &[1])),
        (
            "diff plan",
            sarif(
                &with_format(&["diff", "fixtures/audit/data-share.tfplan.json"], "sarif"),
                &[1],
            ),
        ),
        (
            "diff plan with exports",
            sarif(
                &with_format(
                    &[
                        "diff",
                        "--plan",
                        "fixtures/audit/data-share.tfplan.json",
                        "--inventory",
                        "fixtures/audit/exports",
                    ],
                    "sarif",
                ),
                &[1],
            ),
        ),
    ]
}

fn text<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what}: not a string: {v}"))
}

/// What GitHub code scanning needs of a log, beyond the schema.
fn github_rules(name: &str, log: &Value) {
    assert_eq!(log["version"], "2.1.0", "{name}");
    let runs = log["runs"].as_array().unwrap();
    assert!((1..=20).contains(&runs.len()), "{name}: runs");
    for run in runs {
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(rules.len() <= 25_000, "{name}: rules");
        let mut ids = HashSet::new();
        for r in rules {
            let id = text(&r["id"], "rule id");
            assert!(ids.insert(id), "{name}: rule {id} twice");
            for field in ["name", "shortDescription", "fullDescription", "help"] {
                let t = if field == "name" {
                    &r[field]
                } else {
                    &r[field]["text"]
                };
                assert!(!text(t, field).is_empty(), "{name}: {id}: {field}");
            }
            let uri = text(&r["helpUri"], "helpUri");
            let page = format!("docs/rules/{id}.md");
            assert!(
                uri.starts_with("https://") && uri.ends_with(&page),
                "{name}: {id}: {uri}"
            );
            assert!(root().join(&page).is_file(), "{name}: {page} is missing");
            let tags = r["properties"]["tags"].as_array().map_or(0, Vec::len);
            assert!(tags <= MAX_TAGS, "{name}: {id}: {tags} tags");
            assert!(
                ["error", "warning", "note"]
                    .contains(&text(&r["defaultConfiguration"]["level"], "level")),
                "{name}: {id}"
            );
        }
        let bases = run["originalUriBaseIds"].as_object().unwrap();
        let results = run["results"].as_array().unwrap();
        assert!(results.len() <= MAX_RESULTS, "{name}: results");
        let mut prints = HashSet::new();
        for res in results {
            let rule = text(&res["ruleId"], "ruleId");
            assert!(ids.contains(rule), "{name}: {rule} is not among the rules");
            let i = res["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], res["ruleId"], "{name}: ruleIndex");
            assert!(["error", "warning", "note"].contains(&text(&res["level"], "level")));
            assert!(!text(&res["message"]["text"], "message").is_empty());
            let print = text(&res["partialFingerprints"][FINGERPRINT_KEY], "fingerprint");
            assert!(
                print.starts_with(rule),
                "{name}: {print} is not a {rule} id"
            );
            assert!(
                prints.insert(print.to_owned()),
                "{name}: fingerprint {print} twice"
            );
            let locations = res["locations"].as_array().unwrap();
            let related = res["relatedLocations"].as_array().map_or(0, Vec::len);
            assert_eq!(locations.len(), 1, "{name}");
            assert!(locations.len() + related <= MAX_LOCATIONS, "{name}");
            for l in locations
                .iter()
                .chain(res["relatedLocations"].as_array().into_iter().flatten())
            {
                let a = &l["physicalLocation"]["artifactLocation"];
                let uri = text(&a["uri"], "uri");
                match a["uriBaseId"].as_str() {
                    Some(base) => {
                        assert!(bases.contains_key(base), "{name}: {base} is not declared");
                        assert!(
                            !uri.contains("://")
                                && !uri.starts_with('/')
                                && !uri.split('/').any(|s| s == ".."),
                            "{name}: {uri} is not relative"
                        );
                        let path = uri.replace("%20", " ");
                        assert!(root().join(&path).is_file(), "{name}: {uri} names no file");
                    }
                    None => assert!(uri.starts_with("file:///"), "{name}: {uri}"),
                }
                let line = l["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap();
                assert!(line >= 1, "{name}");
            }
        }
    }
}

#[test]
fn every_log_is_valid_sarif_that_code_scanning_ingests() {
    let mut seen = BTreeSet::new();
    for (name, log) in logs() {
        github_rules(name, &log);
        for r in log["runs"][0]["results"].as_array().unwrap() {
            seen.insert(r["ruleId"].as_str().unwrap().get(..2).unwrap().to_owned());
        }
    }
    // Every family of codes was seen in some log.
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["XA", "XC", "XE", "XR"],
        "families"
    );
}

#[test]
fn results_point_at_the_statement_not_at_the_file() {
    let log = sarif(&with_format(SEED_CHECK, "sarif"), &[1]);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let l = &r["locations"][0];
        let pointer = l["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        let line = l["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap();
        if pointer != "/" {
            assert!(line > 1, "{r:#}");
        }
        // A step the identity side denies points into the role's entry of the export (the
        // primary location, or a related one when the resource side needs a fix too).
        let message = r["message"]["text"].as_str().unwrap();
        if r["ruleId"] == "XC0001" && message.contains("no identity policy allows it") {
            let places: Vec<&str> = std::iter::once(l)
                .chain(r["relatedLocations"].as_array().into_iter().flatten())
                .map(|l| {
                    l["logicalLocations"][0]["fullyQualifiedName"]
                        .as_str()
                        .unwrap()
                })
                .collect();
            assert!(
                places.iter().any(|p| p.starts_with("/RoleDetailList/")),
                "{r:#}"
            );
        }
    }
}

#[test]
fn fingerprints_are_the_audit_ids_and_do_not_depend_on_where_the_exports_are() {
    let prints = |log: &Value| -> BTreeSet<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"][FINGERPRINT_KEY].to_string())
            .collect()
    };
    let report: Value = serde_json::from_str(&run(&with_format(AUDIT, "json")).out).unwrap();
    let ids: BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].to_string())
        .collect();
    let here = prints(&sarif(&with_format(AUDIT, "sarif"), &[1]));
    assert_eq!(here, ids);
    // The same exports elsewhere on disk: the same fingerprints.
    let moved = scratch("sarif-moved");
    copy_tree("fixtures/audit/exports", &moved.join("exports"));
    let exports = moved.join("exports").to_string_lossy().into_owned();
    let mut args = AUDIT.to_vec();
    args[1] = &exports;
    assert_eq!(prints(&sarif(&with_format(&args, "sarif"), &[1])), here);
    let _ = std::fs::remove_dir_all(&moved);
}

#[test]
fn merged_shards_write_the_sarif_of_the_whole_run() {
    let dir = scratch("sarif-shards");
    let mut paths = Vec::new();
    for i in 1..=2 {
        let shard = format!("{i}/2");
        let mut args = AUDIT.to_vec();
        args.extend(["--shard", &shard, "--format", "json"]);
        let r = xacct(&args);
        let p = dir.join(format!("s{i}.json"));
        std::fs::write(&p, r.out).unwrap();
        paths.push(p.to_string_lossy().into_owned());
    }
    let mut args = vec!["audit", "merge", "--format", "sarif"];
    args.extend(paths.iter().map(String::as_str));
    let r = xacct(&args);
    validate_sarif(r.out.as_bytes());
    let whole = run(&with_format(AUDIT, "sarif"));
    assert_eq!(r.out, whole.out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_code_has_its_current_page_and_every_page_a_code() {
    let codes: BTreeSet<String> = xacct::diagnostic::codes::ALL
        .iter()
        .map(|m| m.code.to_owned())
        .collect();
    let pages: BTreeSet<String> = std::fs::read_dir(root().join("docs/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_owned))
        .collect();
    assert_eq!(pages, codes, "docs/rules/ and the registry differ");
    for m in xacct::diagnostic::codes::ALL {
        let page =
            std::fs::read_to_string(root().join(format!("docs/rules/{}.md", m.code))).unwrap();
        assert_eq!(
            page, m.docs,
            "{}: the page differs from the build's",
            m.code
        );
        assert!(
            page.starts_with(&format!("# {} {}\n", m.code, m.name)),
            "{}",
            m.code
        );
        // What `xacct rule CODE` prints is the page.
        let r = xacct(&["rule", m.code]);
        assert_eq!(r.code, 0, "{}", r.err);
        assert!(
            r.out.contains(page.lines().nth(2).unwrap_or_default()),
            "{}",
            m.code
        );
    }
}

/// Applies a SARIF log's fixes to `text` (regions in lines and columns of characters).
fn apply_fixes(text: &str, log: &Value) -> (String, usize) {
    let offset = |line: u64, column: u64| -> usize {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize - 1)
            .map(str::len)
            .sum();
        let rest = &text[start..];
        rest.char_indices()
            .nth(column as usize - 1)
            .map_or(text.len(), |(i, _)| start + i)
    };
    let mut edits = Vec::new();
    for r in log["runs"][0]["results"].as_array().unwrap() {
        for f in r["fixes"].as_array().into_iter().flatten() {
            for c in f["artifactChanges"].as_array().unwrap() {
                for rep in c["replacements"].as_array().unwrap() {
                    let d = &rep["deletedRegion"];
                    let n = |k: &str| d[k].as_u64().unwrap();
                    edits.push((
                        offset(n("startLine"), n("startColumn")),
                        offset(n("endLine"), n("endColumn")),
                        rep["insertedContent"]["text"].as_str().unwrap().to_owned(),
                    ));
                }
            }
        }
    }
    edits.sort();
    let mut out = text.to_owned();
    for (start, end, new) in edits.iter().rev() {
        out.replace_range(*start..*end, new);
    }
    (out, edits.len())
}

#[test]
fn fixes_that_are_text_changes_apply_and_leave_nothing_to_fix() {
    let dir = scratch("sarif-fixes");
    let file = dir.join("policy.json");
    let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Ünïcode", "Effect": "Allow", "Action": ["s3:GetObjct", "sagemakr:CreateModelPackage"],
     "Resource": "*", "Condition": {"StringEqulas": {"aws:PrincipalAccount": "111111111111"}}},
    {"Effect": "Allow", "Action": "kms:Decrpt", "Resource": "*"}
  ]
}
"#;
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap().to_owned();
    let args = |format: &str| {
        vec![
            "lint".to_owned(),
            path.clone(),
            "--format".into(),
            format.into(),
        ]
    };
    let log = sarif(&args("sarif"), &[0, 1]);
    let (fixed, applied) = apply_fixes(text, &log);
    assert_eq!(applied, 4, "{log:#}");
    assert!(
        fixed.contains(r#"["s3:GetObject", "sagemaker:CreateModelPackage"]"#),
        "{fixed}"
    );
    assert!(fixed.contains(r#""StringEquals": {"#), "{fixed}");
    assert!(fixed.contains(r#""Action": "kms:Decrypt""#), "{fixed}");
    std::fs::write(&file, &fixed).unwrap();
    let after = sarif(&args("sarif"), &[0, 1]);
    let codes: Vec<&str> = after["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    for c in ["XA0102", "XA0103", "XA0104"] {
        assert!(!codes.contains(&c), "{c} left after the fixes: {after:#}");
    }
}
