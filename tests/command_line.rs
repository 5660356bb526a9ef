//! The command line as people use it: tables that fit `COLUMNS`, colour only when asked or
//! on a terminal, warnings on standard error only, one way to pass exports (with the older
//! `--inventory` still read), `--jobs`, `--quiet` and `--output` on every subcommand, every
//! advertised `--format` value working, shell completions and manual pages; `who-can`'s
//! not-verified answers and `simulate`'s explanations.

use std::path::Path;

use crate::util::{copy_tree, scratch, who_can_json, xacct, xacct_env, Run};

const CALLER: &str = "arn:aws:iam::222222222222:role/SageMakerTrainingRole";
const CONSUMER: &str = "arn:aws:iam::111111111111:role/ModelRegistryDeployRole";
const OBJECT: &str = "arn:aws:s3:::training-artifacts-222222222222/models/m.tar.gz";

/// The columns a line takes on a terminal (escapes take none).
fn width(line: &str) -> usize {
    let mut n = 0;
    let mut escape = false;
    for c in line.chars() {
        match (escape, c) {
            (false, '\u{1b}') => escape = true,
            (true, c) if c.is_ascii_alphabetic() => escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

fn is_table_line(line: &str) -> bool {
    line.starts_with(['╭', '│', '├', '╰'])
}

/// The arguments of every command that prints a table, on the bundled fixtures.
fn table_commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "check",
            vec![
                "check",
                "--request",
                "fixtures/seed-example/create-model-package.json",
                "--caller",
                CALLER,
                "--consumer",
                CONSUMER,
                "fixtures/seed-example",
            ],
        ),
        (
            "audit",
            vec![
                "audit",
                "fixtures/audit/exports",
                "--audit-file",
                "fixtures/audit/audit.json",
            ],
        ),
        ("lint", vec!["lint", "fixtures/seed-example"]),
        (
            "who-can",
            vec![
                "who-can",
                "fixtures/org-example",
                "--action",
                "s3:GetObject",
                "--resource",
                OBJECT,
                "--all",
            ],
        ),
        (
            "diff",
            vec!["diff", "--plan", "fixtures/audit/data-share.tfplan.json"],
        ),
        (
            "simulate",
            vec![
                "simulate",
                "fixtures/org-example",
                "--principal",
                "arn:aws:sts::111111111111:assumed-role/ModelRegistryDeployRole/s",
                "--action",
                "s3:GetObject",
                "--resource",
                OBJECT,
            ],
        ),
    ]
}

#[test]
fn every_table_fits_in_the_columns_it_is_given() {
    for columns in ["100", "72"] {
        let max: usize = columns.parse().unwrap();
        for (name, args) in table_commands() {
            let r = xacct_env(&args, &[("COLUMNS", Some(columns))]);
            assert!(r.code <= 1, "{name}: {}", r.err);
            let table: Vec<&str> = r.out.lines().filter(|l| is_table_line(l)).collect();
            assert!(!table.is_empty(), "{name} printed no table:\n{}", r.out);
            for line in table {
                assert!(
                    width(line) <= max,
                    "{name} under COLUMNS={columns}: {} columns:\n{line}",
                    width(line)
                );
            }
            // At 100 columns no header is cut.
            if max < 100 {
                continue;
            }
            let wide = xacct(&args);
            for word in ["principal", "result", "level", "effect", "scope"] {
                assert_eq!(
                    wide.out.contains(word),
                    r.out.contains(word),
                    "{name}: `{word}`"
                );
            }
        }
        // The registry's list keeps its columns at 100.
        if max < 100 {
            continue;
        }
        let rules = xacct_env(&["rules"], &[("COLUMNS", Some(columns))]);
        assert_eq!(rules.code, 0);
        for line in rules.out.lines() {
            assert!(width(line) <= max, "rules: {line}");
        }
        assert!(rules
            .out
            .lines()
            .any(|l| l.starts_with("XA0100  invalid-json")
                && l.contains("a file or an embedded policy text")));
    }
}

#[test]
fn every_line_of_check_fits_in_the_columns_it_is_given() {
    // The prose under the table too: the fixes, the policies to change with their commands,
    // the unknowns, the workflow of a chain.
    let (_, seed) = table_commands().remove(0);
    let scp = "fixtures/seed-variants/training-scp-denies-create-model-package";
    let scp_request = format!("{scp}/create-model-package.json");
    let variant = vec![
        "check",
        "--request",
        &scp_request,
        "--caller",
        CALLER,
        "--consumer",
        CONSUMER,
        scp,
    ];
    let pipeline = vec![
        "check",
        "--request",
        "fixtures/workflows/pipeline/broken/pipeline.json",
        "--consumer",
        CONSUMER,
        "--approver",
        "arn:aws:iam::333333333333:role/ModelApprover",
        "--deployer",
        "arn:aws:iam::444444444444:role/ModelDeployer",
        "fixtures/workflows/pipeline/broken/inventory",
    ];
    for columns in ["100", "80"] {
        let max: usize = columns.parse().unwrap();
        for args in [&seed, &variant, &pipeline] {
            let r = xacct_env(args, &[("COLUMNS", Some(columns))]);
            assert_eq!(r.code, 1, "{args:?}: {}", r.err);
            assert!(r.out.contains("policies to change"), "{}", r.out);
            for line in r.out.lines() {
                assert!(
                    width(line) <= max,
                    "{args:?} under COLUMNS={columns}: {} columns:\n{line}",
                    width(line)
                );
            }
            // Commands cut across lines still paste as one.
            let wide = xacct(args);
            let long_command = wide
                .out
                .lines()
                .any(|l| l.trim_start().starts_with("aws ") && width(l) > max);
            if long_command {
                assert!(r.out.lines().any(|l| l.ends_with(" \\")), "{}", r.out);
            }
        }
    }
}

#[test]
fn the_rule_list_fits_in_80_columns_with_every_summary_whole() {
    let wide = xacct(&["rules"]);
    for columns in ["80", "60"] {
        let max: usize = columns.parse().unwrap();
        let r = xacct_env(&["rules"], &[("COLUMNS", Some(columns))]);
        assert_eq!(r.code, 0);
        for line in r.out.lines() {
            assert!(width(line) <= max, "rules under COLUMNS={columns}: {line}");
        }
        // Nothing lost: every code, and every word of every summary.
        let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_owned).collect() };
        assert_eq!(words(&r.out), words(&wide.out), "COLUMNS={columns}");
        assert!(r.out.lines().any(|l| l.starts_with("XA0104")));
    }
}

#[test]
fn without_columns_a_pipe_gets_whole_rows() {
    // The golden files are written this way: one row a line, whatever the width.
    let (_, args) = table_commands().remove(3);
    let r = xacct(&args);
    assert!(r.out.lines().any(|l| is_table_line(l) && width(l) > 100));
    assert!(!r.out.contains('\u{1b}'), "no colour into a pipe");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let (_, args) = table_commands().remove(0);
    let mut always = args.clone();
    always.extend(["--color", "always"]);
    let r = xacct(&always);
    assert!(r.out.contains("\u{1b}["), "{}", r.out);
    // The coloured table has the same text.
    let plain = xacct(&args);
    let stripped: String = {
        let mut s = String::new();
        let mut escape = false;
        for c in r.out.chars() {
            match (escape, c) {
                (false, '\u{1b}') => escape = true,
                (true, c) if c.is_ascii_alphabetic() => escape = false,
                (true, _) => {}
                (false, c) => s.push(c),
            }
        }
        s
    };
    assert_eq!(stripped, plain.out);
    let mut never = args.clone();
    never.extend(["--color", "never"]);
    assert!(!xacct(&never).out.contains('\u{1b}'));
    let mut auto = args.clone();
    auto.extend(["--color", "auto"]);
    assert!(!xacct_env(&auto, &[("NO_COLOR", Some("1"))])
        .out
        .contains('\u{1b}'));
    let bad = xacct(&["rules", "--color", "sometimes"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn warnings_go_to_standard_error_only() {
    // The audit exports hold a bucket policy AWS rejects (a warning when loaded).
    let r = xacct(&["diff", "fixtures/audit/exports", "fixtures/audit/exports"]);
    assert!(r.code <= 1, "{}", r.err);
    assert!(r.err.contains("warning"), "{}", r.err);
    assert!(!r.out.contains("warning"), "{}", r.out);
    let q = xacct(&[
        "diff",
        "fixtures/audit/exports",
        "fixtures/audit/exports",
        "--quiet",
    ]);
    assert_eq!(q.code, r.code);
    assert_eq!(q.out, r.out);
    assert!(q.err.is_empty(), "{}", q.err);
    // Errors are still said.
    let e = xacct(&["lint", "--quiet", "no/such/file.json"]);
    assert_eq!(e.code, 2);
    assert!(e.err.contains("error"), "{}", e.err);
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = scratch("output");
    let file = dir.join("rules.txt");
    let f = file.to_str().unwrap();
    let r = xacct(&["rules", "--output", f]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.is_empty());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        xacct(&["rules"]).out
    );
    // Before the subcommand too, and for a command that fails.
    let file2 = dir.join("who.json");
    let r = xacct(&[
        "-o",
        file2.to_str().unwrap(),
        "who-can",
        "fixtures/org-example",
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--format",
        "json",
    ]);
    assert!(r.code <= 1, "{}", r.err);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file2).unwrap()).unwrap();
    assert!(doc["principals"].is_array());
    let bad = xacct(&["rules", "--output", "/no/such/dir/x.txt"]);
    assert_eq!(bad.code, 2);
    assert!(bad.err.contains("--output"), "{}", bad.err);
}

#[test]
fn exports_are_passed_the_same_way_everywhere() {
    let who = |how: &[&'static str]| -> Run {
        let mut a = vec![
            "who-can",
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--format",
            "json",
        ];
        a.extend_from_slice(how);
        xacct(&a)
    };
    let positional = who(&["fixtures/org-example"]);
    let flag = who(&["--inventory", "fixtures/org-example"]);
    assert!(positional.code <= 1, "{}", positional.err);
    assert_eq!(positional.out, flag.out);
    let graph = xacct(&["graph", "fixtures/org-example", "--format", "json"]);
    let graph_flag = xacct(&[
        "graph",
        "--inventory",
        "fixtures/org-example",
        "--format",
        "json",
    ]);
    assert_eq!(graph.code, 0, "{}", graph.err);
    assert_eq!(graph.out, graph_flag.out);
    let check = |how: &[&'static str]| -> Run {
        let mut a = vec![
            "check",
            "--request",
            "fixtures/seed-example-fixed/create-model-package.json",
            "--caller",
            CALLER,
            "--consumer",
            CONSUMER,
            "--format",
            "json",
        ];
        a.extend_from_slice(how);
        xacct(&a)
    };
    let c1 = check(&["fixtures/seed-example-fixed"]);
    let c2 = check(&["--inventory", "fixtures/seed-example-fixed"]);
    assert_eq!(c1.code, 0, "{}", c1.err);
    assert_eq!(c1.out, c2.out);
    // No exports at all is a usage error naming them.
    let none = xacct(&["who-can", "--action", "s3:GetObject", "--resource", OBJECT]);
    assert_eq!(none.code, 2);
    assert!(none.err.contains("PATH"), "{}", none.err);
    // The plan's shared exports, positional.
    let d1 = xacct(&[
        "diff",
        "--plan",
        "fixtures/audit/data-share.tfplan.json",
        "fixtures/audit/exports",
        "--format",
        "json",
    ]);
    let d2 = xacct(&[
        "diff",
        "--plan",
        "fixtures/audit/data-share.tfplan.json",
        "--inventory",
        "fixtures/audit/exports",
        "--format",
        "json",
    ]);
    assert!(d1.code <= 1, "{}", d1.err);
    assert_eq!(d1.out, d2.out);
}

#[test]
fn jobs_and_quiet_are_taken_by_every_subcommand() {
    for (name, args) in table_commands() {
        for extra in [["--jobs", "1"], ["--jobs", "2"]] {
            let mut a = args.clone();
            a.extend(extra);
            a.push("--quiet");
            let r = xacct(&a);
            assert!(r.code <= 1, "{name} {extra:?}: {}", r.err);
        }
    }
    // Before the subcommand, and the older `--threads`.
    assert_eq!(
        xacct(&["--jobs", "1", "lint", "fixtures/seed-example-fixed"]).code,
        xacct(&["lint", "--threads", "1", "fixtures/seed-example-fixed"]).code
    );
    assert_eq!(xacct(&["rules", "--jobs", "0"]).code, 2);
}

#[test]
fn every_advertised_format_works() {
    use xacct::report::Format;
    let cases: Vec<(Vec<&str>, &[Format])> = vec![
        (table_commands()[0].1.clone(), xacct::report::check::FORMATS),
        (table_commands()[1].1.clone(), xacct::report::audit::FORMATS),
        (table_commands()[2].1.clone(), xacct::report::lint::FORMATS),
        (
            table_commands()[3].1.clone(),
            xacct::report::who_can::FORMATS,
        ),
        (table_commands()[4].1.clone(), xacct::report::diff::FORMATS),
        (
            table_commands()[5].1.clone(),
            xacct::report::simulate::FORMATS,
        ),
        (
            vec!["graph", "fixtures/org-example"],
            xacct::report::graph::FORMATS,
        ),
        (vec!["rules"], xacct::report::rules::FORMATS),
        (vec!["rule", "XA0105"], xacct::report::rules::FORMATS),
    ];
    for (args, formats) in cases {
        let help = xacct(&[args[0], "--help"]);
        for f in Format::ALL {
            let mut a = args.clone();
            a.extend(["--format", f.name()]);
            let r = xacct(&a);
            if formats.contains(&f) {
                assert!(r.code <= 1, "{a:?}: {}", r.err);
                assert!(!r.out.trim().is_empty(), "{a:?} wrote nothing");
                if f == Format::Json {
                    serde_json::from_str::<serde_json::Value>(&r.out)
                        .unwrap_or_else(|e| panic!("{a:?}: {e}"));
                }
            } else {
                // Not offered: refused as a usage error, and not in --help.
                assert_eq!(r.code, 2, "{a:?} accepted an unlisted format");
                let values = help
                    .out
                    .lines()
                    .skip_while(|l| !l.contains("--format"))
                    .take(6)
                    .collect::<String>();
                assert!(
                    !values.contains(&format!(" {},", f.name()))
                        && !values.contains(&format!(" {}]", f.name())),
                    "{}: --help offers {}",
                    args[0],
                    f.name()
                );
            }
        }
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = xacct(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.err);
        for word in ["who-can", "simulate", "format", "output", "color"] {
            assert!(r.out.contains(word), "{shell}: no `{word}`");
        }
    }
    assert_eq!(xacct(&["completions", "tcsh"]).code, 2);
}

#[test]
fn manual_pages() {
    let r = xacct(&["man"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.starts_with(".ie") || r.out.contains(".TH xacct"),
        "{}",
        &r.out[..200.min(r.out.len())]
    );
    for sub in ["check", "who\\-can", "completions"] {
        assert!(r.out.contains(sub), "no `{sub}` in the page");
    }
    let check = xacct(&["man", "check"]);
    assert_eq!(check.code, 0, "{}", check.err);
    assert!(check.out.contains("xacct\\-check"), "{}", check.out);
    assert!(check.out.contains("\\-\\-request"));
    let bad = xacct(&["man", "nope"]);
    assert_eq!(bad.code, 2);
    assert!(bad.err.contains("`nope`"), "{}", bad.err);
}

fn verdict_of<'a>(doc: &'a serde_json::Value, principal: &str) -> &'a str {
    doc["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["principal"] == principal)
        .unwrap_or_else(|| panic!("no row for {principal}: {doc:#}"))["verdict"]
        .as_str()
        .unwrap()
}

#[test]
fn who_can_does_not_deny_what_it_cannot_see() {
    // A bucket in no export: its owner and policy are unknown.
    let doc = who_can_json(
        Path::new("fixtures/org-example"),
        "s3:GetObject",
        "arn:aws:s3:::bucket-in-no-export/x",
    );
    let rows = doc["principals"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["verdict"] != "denied" || r["why"].to_string().contains("explicit deny")),
        "{doc:#}"
    );
    assert!(
        rows.iter().any(|r| r["verdict"] == "not-verified"),
        "{doc:#}"
    );
    // The table says what could change the answers.
    let t = xacct(&[
        "who-can",
        "fixtures/org-example",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::bucket-in-no-export/x",
    ]);
    assert!(t.out.contains("could change these answers"), "{}", t.out);
}

#[test]
fn who_can_names_everyone_and_truncated_exports() {
    // The audit calls this bucket public (XE0001): everyone is listed, and not denied.
    let doc = who_can_json(
        Path::new("fixtures/audit/exports"),
        "s3:GetObject",
        "arn:aws:s3:::sandbox-site-100000000003/index.html",
    );
    assert_ne!(verdict_of(&doc, "anonymous"), "denied", "{doc:#}");
    let t = xacct(&[
        "who-can",
        "fixtures/audit/exports",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::sandbox-site-100000000003/index.html",
    ]);
    assert!(t.out.contains("everyone (anonymous)"), "{}", t.out);

    let dir = scratch("who-can-truncated");
    copy_tree("fixtures/org-example", &dir);
    let iam = dir.join("111111111111/iam.json");
    let text = std::fs::read_to_string(&iam).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["IsTruncated"] = true.into();
    json["Marker"] = "page-2".into();
    std::fs::write(&iam, json.to_string()).unwrap();
    let doc = who_can_json(&dir, "s3:GetObject", OBJECT);
    let incomplete = doc["incomplete"].to_string();
    assert!(
        incomplete.contains("111111111111") && incomplete.contains("IsTruncated"),
        "{doc:#}"
    );
    let t = xacct(&[
        "who-can",
        dir.to_str().unwrap(),
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
    ]);
    assert!(t.out.contains("truncated"), "{}", t.out);
}

#[test]
fn who_can_names_the_missing_key_policy() {
    let dir = scratch("who-can-grants-only");
    copy_tree("fixtures/org-example", &dir);
    let kms = dir.join("222222222222/us-east-1/kms");
    let key = "1234abcd-12ab-34cd-56ef-1234567890ab";
    std::fs::remove_file(kms.join(format!("{key}.policy.json"))).unwrap();
    let arn = format!("arn:aws:kms:us-east-1:222222222222:key/{key}");
    let t = xacct(&[
        "who-can",
        dir.to_str().unwrap(),
        "--action",
        "kms:Decrypt",
        "--resource",
        &arn,
    ]);
    assert!(t.code <= 1, "{}", t.err);
    assert!(t.out.contains("key policy"), "{}", t.out);
    // The key's own account is not denied: its key policy could allow it.
    let doc = who_can_json(&dir, "kms:Decrypt", &arn);
    let rows = doc["principals"].as_array().unwrap();
    assert!(
        rows.iter()
            .filter(|r| r["account"] == "222222222222")
            .all(|r| r["verdict"] != "denied"),
        "{doc:#}"
    );
    assert!(
        rows.iter().any(|r| r["verdict"] == "not-verified"),
        "{doc:#}"
    );
}

fn simulate_flags(format: &str) -> Run {
    xacct(&[
        "simulate",
        "--principal",
        "arn:aws:sts::111111111111:assumed-role/Deploy/endpoint",
        "--action",
        "ecr:GetDownloadUrlForLayer",
        "--resource",
        "arn:aws:ecr:us-east-1:222222222222:repository/fraud-model",
        "--identity-policy",
        "fixtures/simulate/deploy-role-policy.json",
        "--resource-policy",
        "fixtures/simulate/ecr-repository-policy.json",
        "--format",
        format,
    ])
}

#[test]
fn simulate_explains_an_implicit_deny_by_the_nearest_statements() {
    let t = simulate_flags("table");
    assert_eq!(t.code, 1, "{}", t.err);
    assert!(t.out.contains("nearest statements"), "{}", t.out);
    assert!(
        t.out
            .contains("matches the caller and the resource but not the action"),
        "{}",
        t.out
    );
    let j: serde_json::Value = serde_json::from_str(&simulate_flags("json").out).unwrap();
    let near = j["nearest_statements"].as_array().unwrap();
    assert!(!near.is_empty());
    assert_eq!(near[0]["requirement"]["requirement"], "resource-policy");
    assert_eq!(near[0]["missed"][0]["element"], "action");
}

#[test]
fn simulate_from_flags_says_what_it_assumed_absent() {
    let j: serde_json::Value = serde_json::from_str(&simulate_flags("json").out).unwrap();
    let assumed = j["assumed_absent"].to_string();
    for what in [
        "no SCP",
        "no RCP",
        "no permissions boundary",
        "VPC endpoint",
    ] {
        assert!(assumed.contains(what), "{what}: {assumed}");
    }
    assert!(!assumed.contains("no identity policy"), "{assumed}");
    // An anonymous read of a public bucket policy: allowed only as far as nothing else is
    // there, and said so.
    let dir = scratch("simulate-public");
    let policy = dir.join("public.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#,
    )
    .unwrap();
    let r = xacct(&[
        "simulate",
        "--principal",
        "anonymous",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::site/index.html",
        "--resource-account",
        "111111111111",
        "--resource-policy",
        policy.to_str().unwrap(),
    ]);
    assert!(r.out.contains("assumed absent"), "{}", r.out);
    assert!(r.out.contains("Block Public Access"), "{}", r.out);
    // From exports nothing is assumed: what is missing is unknown instead.
    let inv: serde_json::Value = serde_json::from_str(
        &xacct(&[
            "simulate",
            "fixtures/org-example",
            "--principal",
            "arn:aws:sts::111111111111:assumed-role/ModelRegistryDeployRole/s",
            "--action",
            "s3:GetObject",
            "--resource",
            OBJECT,
            "--format",
            "json",
        ])
        .out,
    )
    .unwrap();
    assert_eq!(inv["assumed_absent"], serde_json::json!([]));
}
