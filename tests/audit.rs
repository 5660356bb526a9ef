//! `xacct audit` and `xacct diff` on `fixtures/audit/` (a small organization with every
//! finding kind) and on a generated one: each finding kind, the trusted accounts, the
//! baseline, shards merged against the unsharded run, `--jobs 1` against `--jobs 4`, SARIF,
//! and the diff of two inventories and of a Terraform plan.

#[expect(
    clippy::duplicate_mod,
    reason = "tests/inventory.rs includes the generator too, privately; one test binary"
)]
#[path = "../examples/gen_org.rs"]
mod gen_org_for_audit;

use crate::util::{encodings, lay, scratch, xacct, Run};
use std::path::{Path, PathBuf};

use serde_json::Value;
use xacct::audit::plan::{Layout, Shared};
use xacct::inventory::OrgPolicyType;
use xacct::load::LoadOptions;

const EXPORTS: &str = "fixtures/audit/exports";
const AUDIT_FILE: &str = "fixtures/audit/audit.json";

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn fixture_copy(name: &str) -> PathBuf {
    let dir = scratch(&format!("audit/{name}")).join("exports");
    lay(&Path::new(env!("CARGO_MANIFEST_DIR")).join(EXPORTS), &dir);
    dir
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn audit_json(extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "audit",
        EXPORTS,
        "--audit-file",
        AUDIT_FILE,
        "--format",
        "json",
        "-q",
    ];
    args.extend_from_slice(extra);
    let Run { code, out, err } = xacct(&args);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    (code, json(&out))
}

#[test]
fn every_finding_kind_appears_on_the_fixture_organization() {
    let (code, r) = audit_json(&[]);
    assert_eq!(code, 1, "errors are reported");
    for c in [
        "XA0105", "XA0202", "XE0001", "XE0002", "XE0003", "XE0900", "XR0001", "XR0002", "XR0003",
        "XR0004",
    ] {
        assert!(!with_code(&r, c).is_empty(), "no {c} finding");
    }
    let s = &r["summary"];
    assert_eq!(
        s["accounts"], 6,
        "five exported accounts and one named only"
    );
    assert_eq!(s["silenced"], 2, "the vendor's share and the public docs");
    assert_eq!(s["findings"].as_u64().unwrap() as usize, findings(&r).len());

    // The public sandbox site: everyone, unconditionally.
    let public = with_code(&r, "XE0001");
    assert_eq!(public.len(), 1);
    assert_eq!(
        public[0]["access"]["resource"],
        "arn:aws:s3:::sandbox-site-100000000003"
    );
    assert_eq!(public[0]["location"]["embedded_pointer"], "/Statement/0");
    // Outside the organization: a vendor's role on the group, a KMS grant, a trust policy,
    // and GitHub's identity provider.
    let outside: Vec<(&str, &str)> = with_code(&r, "XE0002")
        .iter()
        .map(|f| {
            (
                f["access"]["via"].as_str().unwrap(),
                f["access"]["principal"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        outside.contains(&("kms-grant", "arn:aws:iam::555555555555:role/VendorPipeline")),
        "{outside:?}"
    );
    assert!(
        outside.contains(&("trust-policy", "arn:aws:iam::555555555555:root")),
        "{outside:?}"
    );
    assert!(
        outside
            .iter()
            .any(|(v, p)| *v == "trust-policy" && p.starts_with("federated:")),
        "{outside:?}"
    );
    // Everyone in the organization through aws:PrincipalOrgID is inside it.
    assert!(with_code(&r, "XE0003")
        .iter()
        .any(|f| f["access"]["principal"] == "*"
            && f["access"]["resource"] == "arn:aws:iam::100000000004:role/OrgReader"));
    // Trusted: nothing about the data share or the public docs is reported.
    assert!(!findings(&r).iter().any(|f| f["access"]["resource"]
        .as_str()
        .is_some_and(|a| a.contains("data-share") || a.contains("public-docs"))));
    let unused = with_code(&r, "XE0900");
    assert_eq!(unused[0]["location"]["pointer"], "/trusted_accounts/2");

    // Registration paths the group opens, one per caller account.
    let open = with_code(&r, "XR0001");
    assert_eq!(
        open[0]["registration"]["caller"],
        "arn:aws:iam::100000000002:role/service/Training"
    );
    let denied = with_code(&r, "XR0002");
    assert_eq!(denied[0]["account"], "100000000003");
    assert!(
        denied[0]["message"]
            .as_str()
            .unwrap()
            .contains("SandboxNoModelRegistration"),
        "{}",
        denied[0]
    );
    assert!(denied[0]["related"][0]["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("org/policies/p-au01sandbox.json"));
    let unverified: Vec<&str> = with_code(&r, "XR0003")
        .iter()
        .map(|f| f["account"].as_str().unwrap())
        .collect();
    assert_eq!(unverified, ["100000000005", "555555555555"]);
    // The listed registration fails where its consumer lacks ecr:GetAuthorizationToken.
    let listed = with_code(&r, "XR0004");
    assert_eq!(
        listed[0]["registration"]["steps"][0]["action"],
        "ecr:GetAuthorizationToken"
    );
    assert!(listed[0]["help"]
        .as_str()
        .unwrap()
        .contains("\"ecr:GetAuthorizationToken\""));
}

#[test]
fn output_is_sorted_by_account_and_the_same_with_one_or_four_threads() {
    for format in ["json", "jsonl", "table", "sarif"] {
        let base = [
            "audit",
            EXPORTS,
            "--audit-file",
            AUDIT_FILE,
            "-q",
            "--format",
            format,
        ];
        let one = xacct(&[&base[..], &["--jobs", "1"]].concat());
        let four = xacct(&[&base[..], &["--jobs", "4"]].concat());
        assert_eq!(one.out, four.out, "{format}");
        assert_eq!(one.code, four.code);
    }
    let (_, r) = audit_json(&[]);
    let accounts: Vec<String> = findings(&r)
        .iter()
        .filter(|f| f["kind"] != "audit-file")
        .map(|f| f["account"].as_str().unwrap_or("").to_owned())
        .collect();
    let mut sorted = accounts.clone();
    sorted.sort();
    assert_eq!(accounts, sorted);
}

#[test]
fn shards_merged_equal_the_unsharded_run() {
    let dir = scratch("audit/shards");
    for n in [2usize, 3] {
        let Run { out: whole, .. } = xacct(&[
            "audit",
            EXPORTS,
            "--audit-file",
            AUDIT_FILE,
            "--format",
            "json",
            "-q",
        ]);
        let mut paths = Vec::new();
        let mut accounts = 0;
        for i in 1..=n {
            let shard = format!("{i}/{n}");
            let Run { code, out, err } = xacct(&[
                "audit",
                EXPORTS,
                "--audit-file",
                AUDIT_FILE,
                "--format",
                "json",
                "-q",
                "--shard",
                &shard,
            ]);
            assert!(code <= 1, "{err}");
            let r = json(&out);
            assert_eq!(r["shard"]["index"], i);
            assert!(
                with_code(&r, "XE0900").is_empty(),
                "unused entries need every shard"
            );
            accounts += r["summary"]["accounts"].as_u64().unwrap();
            let p = dir.join(format!("shard-{i}-of-{n}.json"));
            std::fs::write(&p, out).unwrap();
            paths.push(p.to_string_lossy().into_owned());
        }
        assert_eq!(accounts, 6);
        // Given in any order.
        paths.reverse();
        for format in ["json", "table"] {
            let mut args = vec!["audit", "merge", "--format", format];
            args.extend(paths.iter().map(String::as_str));
            let Run {
                code,
                out: merged,
                err,
            } = xacct(&args);
            assert_eq!(code, 1, "{err}");
            if format == "json" {
                assert_eq!(merged, whole, "{n} shards");
            } else {
                let Run { out: table, .. } =
                    xacct(&["audit", EXPORTS, "--audit-file", AUDIT_FILE, "-q"]);
                assert_eq!(merged, table);
            }
        }
        // A shard missing, or given twice, is an error.
        let Run { code, err, .. } = xacct(&["audit", "merge", &paths[0]]);
        assert_eq!(code, 2);
        assert!(err.contains("missing"), "{err}");
        let mut twice = vec!["audit", "merge"];
        twice.extend(paths.iter().map(String::as_str));
        twice.push(&paths[0]);
        let Run { code, err, .. } = xacct(&twice);
        assert_eq!(code, 2);
        assert!(err.contains("twice"), "{err}");
    }
}

#[test]
fn a_generated_organization_gives_the_same_report_sharded_and_on_any_thread_count() {
    let dir = scratch("audit/generated").join("org");
    gen_org_for_audit::generate(&dir, 6, 11).unwrap();
    let root = dir.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let mut args = vec!["audit", root.as_str(), "--format", "json", "-q"];
        args.extend_from_slice(extra);
        let Run { code, out, err } = xacct(&args);
        assert!(code <= 1, "{err}");
        out
    };
    let whole = run(&["--jobs", "1"]);
    assert_eq!(whole, run(&["--jobs", "4"]));
    let r = json(&whole);
    assert_eq!(r["summary"]["accounts"], 6);
    assert!(
        r["summary"]["by_code"]["XR0001"].as_u64().unwrap_or(0)
            + r["summary"]["by_code"]["XR0002"].as_u64().unwrap_or(0)
            > 0
    );
    let shards: Vec<String> = (1..=2)
        .map(|i| {
            let p = dir.parent().unwrap().join(format!("s{i}.json"));
            std::fs::write(&p, run(&["--shard", &format!("{i}/2")])).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let Run {
        out: merged, err, ..
    } = xacct(&["audit", "merge", "--format", "json", &shards[0], &shards[1]]);
    assert_eq!(merged, whole, "{err}");
}

#[test]
fn a_baseline_reports_only_new_findings_and_lists_fixed_ones() {
    let exports = fixture_copy("baseline");
    let root = exports.to_string_lossy().into_owned();
    let base = exports.parent().unwrap().join("base.json");
    let Run { out, .. } = xacct(&[
        "audit",
        &root,
        "--audit-file",
        AUDIT_FILE,
        "--format",
        "json",
        "-q",
    ]);
    std::fs::write(&base, out).unwrap();
    let base_path = base.to_string_lossy().into_owned();

    // Unchanged: nothing new, nothing fixed, exit 0.
    let Run { code, out, err } = xacct(&[
        "audit",
        &root,
        "--audit-file",
        AUDIT_FILE,
        "--format",
        "json",
        "-q",
        "--baseline",
        &base_path,
    ]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert!(findings(&r).is_empty());
    assert_eq!(r["baseline"]["fixed"], 0);
    let all = json(&std::fs::read_to_string(&base).unwrap());
    assert_eq!(
        r["baseline"]["unchanged"].as_u64().unwrap() as usize,
        findings(&all).len()
    );

    // The training bucket now also lets the vendor in; the sandbox site is gone.
    let policy = exports.join("100000000002/s3/training-artifacts-100000000002.policy.json");
    let text = std::fs::read_to_string(&policy).unwrap().replace(
        r#"\"AWS\": \"arn:aws:iam::100000000001:root\""#,
        r#"\"AWS\": [\"arn:aws:iam::100000000001:root\", \"arn:aws:iam::555555555555:root\"]"#,
    );
    assert!(text.contains("555555555555"));
    std::fs::write(&policy, text).unwrap();
    std::fs::remove_file(exports.join("100000000003/s3/sandbox-site-100000000003.policy.json"))
        .unwrap();
    // The exports moved (another checkout): ids do not depend on where they sit.
    let moved = exports.parent().unwrap().join("moved");
    lay(&exports, &moved);
    let moved = moved.to_string_lossy().into_owned();
    let Run { code, out, err } = xacct(&[
        "audit",
        &moved,
        "--audit-file",
        AUDIT_FILE,
        "--format",
        "json",
        "-q",
        "--baseline",
        &base_path,
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1, "{err}");
    let r = json(&out);
    let list = findings(&r);
    let new: Vec<(&str, &str)> = list
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["access"]["principal"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(new, [("XE0002", "arn:aws:iam::555555555555:root")]);
    let mut fixed: Vec<&str> = r["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    fixed.sort();
    assert_eq!(fixed, ["XA0202", "XE0001"], "{:#}", r["fixed"]);
    assert_eq!(r["baseline"]["new"], 1);
    // The table says the same.
    let Run { out: table, .. } = xacct(&[
        "audit",
        &moved,
        "--audit-file",
        AUDIT_FILE,
        "-q",
        "--baseline",
        &base_path,
    ]);
    assert!(
        table.contains("fixed since the baseline (2 of 2)"),
        "{table}"
    );
    assert!(table.contains("1 new finding"), "{table}");
    // A shard cannot be compared alone.
    let Run { code, err, .. } =
        xacct(&["audit", &moved, "--shard", "1/2", "--baseline", &base_path]);
    assert_eq!(code, 2);
    assert!(err.contains("merge"), "{err}");
}

#[test]
fn sarif_and_json_lines_hold_every_finding() {
    let (_, r) = audit_json(&[]);
    let n = findings(&r).len();
    let Run { out: lines, .. } = xacct(&[
        "audit",
        EXPORTS,
        "--audit-file",
        AUDIT_FILE,
        "--format",
        "jsonl",
        "-q",
    ]);
    let parsed: Vec<Value> = lines.lines().map(json).collect();
    assert_eq!(parsed.len(), n);
    assert_eq!(parsed, findings(&r));
    let Run { out: sarif, .. } = xacct(&[
        "audit",
        EXPORTS,
        "--audit-file",
        AUDIT_FILE,
        "--format",
        "sarif",
        "-q",
    ]);
    let s = json(&sarif);
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), n);
    let rules: Vec<&str> = s["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"XE0002") && rules.contains(&"XR0004") && rules.contains(&"XA0105"));
    crate::util::validate_sarif(sarif.as_bytes());
}

#[test]
fn ignore_and_bad_audit_files() {
    let (_, r) = audit_json(&["--ignore", "XE0003,XA02"]);
    assert!(with_code(&r, "XE0003").is_empty() && with_code(&r, "XA0202").is_empty());
    assert_eq!(
        r["summary"]["ignored"], 7,
        "XE0003 findings; XA02 rules do not run at all"
    );
    let Run { code, err, .. } = xacct(&["audit", EXPORTS, "--ignore", "XZ99"]);
    assert_eq!(code, 2);
    assert!(err.contains("`XZ99`"), "{err}");
    let dir = scratch("audit/bad-audit-file");
    let bad = dir.join("audit.json");
    std::fs::write(&bad, r#"{"schema_version": 1, "trusted_accounts": [{"account": "12345"}], "registrations": [{"request": "nope.json", "caller": "arn:aws:iam::100000000002:role/R"}]}"#).unwrap();
    let Run { code, err, .. } = xacct(&["audit", EXPORTS, "--audit-file", &bad.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("/trusted_accounts/0/account"), "{err}");
    assert!(err.contains("/registrations/0/request"), "{err}");
    // An unreadable export still gives a report, and exit 2.
    let exports = fixture_copy("broken");
    std::fs::write(
        exports.join("100000000003/s3/broken.policy.json"),
        "{not json",
    )
    .unwrap();
    let Run { code, out, .. } = xacct(&[
        "audit",
        &exports.to_string_lossy(),
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(code, 2);
    let r = json(&out);
    assert_eq!(r["summary"]["exit_code"], 2);
    assert_eq!(r["problems"][0]["code"], "XL0001");
    assert!(r["problems"][0]["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("broken.policy.json"));
}

#[test]
fn trimmed_organizations_keep_every_chain() {
    for fixture in ["fixtures/audit/exports", "fixtures/org-example"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
        let layout = Layout::discover(&[root.to_string_lossy().into_owned()]);
        let shared = Shared::load(&layout, &LoadOptions::default());
        let org = &shared.orgs[0];
        let mut accounts: Vec<&str> = org.accounts.keys().map(String::as_str).collect();
        accounts.push("444444444444");
        for a in &accounts {
            let trimmed = shared.trimmed_orgs(&[a]);
            for kind in [OrgPolicyType::Scp, OrgPolicyType::Rcp] {
                let names = |c: &xacct::inventory::org::Chain<'_>| -> Vec<Vec<String>> {
                    c.levels
                        .iter()
                        .map(|l| {
                            l.iter()
                                .map(|p| p.origin.name.as_deref().unwrap_or("-").to_owned())
                                .collect()
                        })
                        .collect()
                };
                let full = org.chain(a, kind);
                match trimmed.first() {
                    Some(t) => {
                        let cut = t.chain(a, kind);
                        assert_eq!(names(&full), names(&cut), "{fixture} {a} {kind:?}");
                        assert_eq!(full.unknown, cut.unknown, "{fixture} {a}");
                        assert_eq!((full.applies, &full.note), (cut.applies, &cut.note));
                    }
                    None => assert!(!org.contains(a)),
                }
            }
        }
    }
}

#[test]
fn diff_of_a_plan_puts_new_external_access_first_and_fails() {
    let Run { code, out, err } = xacct(&[
        "diff",
        "fixtures/audit/data-share.tfplan.json",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let r = json(&out);
    let gained = r["gained"].as_array().unwrap();
    assert_eq!(gained[0]["principal"], "arn:aws:iam::666666666666:root");
    assert_eq!(gained[0]["scope"], "organization-unknown");
    assert_eq!(gained[0]["actions"], serde_json::json!(["s3:PutObject"]));
    assert!(gained[0]["via"][0]
        .as_str()
        .unwrap()
        .contains("/change/after/policy"));
    let lost = r["lost"].as_array().unwrap();
    assert!(lost
        .iter()
        .any(|c| c["principal"] == "arn:aws:iam::555555555555:root"
            && c["kind"] == "trust"
            && c["via"][0].as_str().unwrap().contains("/change/before/")));
    // With the exports around it, the organization is known: the partner is outside it.
    let Run { code, out, .. } = xacct(&[
        "diff",
        "--plan",
        "fixtures/audit/data-share.tfplan.json",
        "--inventory",
        EXPORTS,
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("outside organization"), "{out}");
    assert!(
        out.contains("NEW cross-account or external access: 1"),
        "{out}"
    );
}

#[test]
fn diff_of_two_inventories() {
    let before = fixture_copy("diff-before");
    let after = fixture_copy("diff-after");
    let (b, a) = (
        before.to_string_lossy().into_owned(),
        after.to_string_lossy().into_owned(),
    );
    let Run { code, out, .. } = xacct(&["diff", &b, &a]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("access gained: 0") && out.contains("no new cross-account"),
        "{out}"
    );
    // The registry's group stops naming the sandbox: access lost only, exit 0.
    let group = after.join("100000000001/us-east-1/sagemaker/models.json");
    let text = std::fs::read_to_string(&group)
        .unwrap()
        .replace(r#"\"arn:aws:iam::100000000003:root\", "#, "");
    std::fs::write(&group, text).unwrap();
    let Run { code, out, .. } = xacct(&["diff", &b, &a]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("access gained: 0") && out.contains("access lost: 1 (1 cross-account)"),
        "{out}"
    );
    // And the data account's role trusts another account of the organization.
    let iam = after.join("100000000004/iam.json");
    let text = std::fs::read_to_string(&iam).unwrap().replace(
        r#""AWS": "arn:aws:iam::555555555555:root""#,
        r#""AWS": ["arn:aws:iam::555555555555:root", "arn:aws:iam::100000000002:root"]"#,
    );
    std::fs::write(&iam, text).unwrap();
    let Run { code, out, .. } = xacct(&["diff", &b, &a, "--format", "json"]);
    assert_eq!(code, 1);
    let r = json(&out);
    assert_eq!(r["summary"]["new_cross_account"], 1);
    assert_eq!(
        r["gained"][0]["principal"],
        "arn:aws:iam::100000000002:root"
    );
    assert_eq!(r["gained"][0]["scope"], "other-account");
    assert!(r["lost"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["principal"] == "arn:aws:iam::100000000003:root"));
    // The other way round, the sandbox's access comes back: exit 1 again.
    let Run { code, out, .. } = xacct(&["diff", "--before", &a, "--after", &b, "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        json(&out)["gained"][0]["principal"],
        "arn:aws:iam::100000000003:root"
    );
    let Run { code, err, .. } = xacct(&["diff", &b]);
    assert_eq!(code, 2);
    assert!(err.contains("not a Terraform plan"), "{err}");
}

#[test]
fn identity_center_roles_are_silenced_unless_asked_for() {
    let dir = scratch("identity-center");
    let account = dir.join("111111111111");
    std::fs::create_dir_all(&account).unwrap();
    let trust = |provider: &str| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::111111111111:saml-provider/{provider}")},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]})
    };
    let role = |path: &str, name: &str, provider: &str| {
        serde_json::json!({
            "Path": path, "RoleName": name, "RoleId": "AROAEXAMPLE",
            "Arn": format!("arn:aws:iam::111111111111:role{path}{name}"),
            "CreateDate": "2026-01-01T00:00:00+00:00",
            "AssumeRolePolicyDocument": trust(provider),
            "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": [], "Tags": []})
    };
    let iam = serde_json::json!({
    "UserDetailList": [], "GroupDetailList": [], "Policies": [],
    "RoleDetailList": [
        role("/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_ReadOnly_0123456789abcdef", "AWSSSO_0123456789abcdef_DO_NOT_DELETE"),
        role("/", "CorporateSaml", "Okta"),
    ]});
    std::fs::write(account.join("iam.json"), iam.to_string()).unwrap();
    let path = dir.to_string_lossy().into_owned();
    let principals = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["audit", &path, "--format", "json", "-q", "--no-lint"];
        args.extend_from_slice(extra);
        let Run { code, out, err } = xacct(&args);
        assert!(code == 0 || code == 1, "exit {code}: {err}");
        let r = json(&out);
        with_code(&r, "XE0002")
            .iter()
            .map(|f| f["access"]["resource"].as_str().unwrap().to_owned())
            .collect()
    };
    // The Identity Center role is silenced; a role trusting another SAML provider is not.
    assert_eq!(
        principals(&[]),
        ["arn:aws:iam::111111111111:role/CorporateSaml"]
    );
    let all = principals(&["--include-identity-center"]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().any(|r| r.contains("AWSReservedSSO_ReadOnly")));
}

/// A policy file is read in every encoding the exports come in (UTF-8 with or without a byte
/// order mark, UTF-16 with one), and the audit lints each as `lint` does: the same findings,
/// at the same lines and columns.
#[test]
fn policies_in_every_encoding_are_linted_alike() {
    let dir = scratch("audit/encodings");
    let accounts = [
        "111111111111",
        "222222222222",
        "333333333333",
        "444444444444",
    ];
    for (i, account) in accounts.iter().enumerate() {
        let s3 = dir.join(account).join("s3");
        std::fs::create_dir_all(&s3).unwrap();
        let policy = format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\n    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"Action\": \"s3:GetObjekt\",\n    \"Resource\": \"arn:aws:s3:::b{i}/*\"\n  }}]\n}}\n"
        );
        let (_, bytes) = encodings(&policy).swap_remove(i);
        std::fs::write(s3.join(format!("b{i}.policy.json")), bytes).unwrap();
    }
    let Run { code, out, err } = xacct(&["audit", dir.to_str().unwrap(), "--format", "json", "-q"]);
    assert_eq!(code, 1, "{err}");
    let report = json(&out);
    let lint_of = |account: &str| -> Vec<(String, String, i64, i64)> {
        let mut v: Vec<_> = findings(&report)
            .iter()
            .filter(|f| f["account"] == account && f["kind"] == "lint")
            .map(|f| {
                let l = &f["location"];
                let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                let n = |v: &Value| v.as_i64().unwrap_or(-1);
                (
                    s(&f["code"]),
                    s(&l["pointer"]),
                    n(&l["line"]),
                    n(&l["column"]),
                )
            })
            .collect();
        v.sort();
        v
    };
    let plain = lint_of("111111111111");
    let at = |code: &str| plain.iter().find(|f| f.0 == code).cloned();
    assert_eq!(
        at("XA0104"),
        Some(("XA0104".into(), "/Statement/0/Action".into(), 6, 5)),
        "{plain:?}"
    );
    assert!(at("XA0202").is_some(), "{plain:?}");
    for account in &accounts[1..] {
        assert_eq!(lint_of(account), plain, "account {account}");
    }
}
