//! `xacct audit --cache DIR`: an unchanged tree reused whole with the same bytes out; after
//! an edit to one account, one SCP or the audit file, exactly the accounts it affects
//! audited again and the output equal to an uncached run; a corrupt or foreign cache
//! ignored with a warning.

#[expect(
    clippy::duplicate_mod,
    reason = "tests/audit.rs and tests/inventory.rs include the generator too; one test binary"
)]
#[path = "../examples/gen_org.rs"]
mod gen_org_for_cache;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::util::{copy_tree, scratch, xacct, Run};
use serde_json::Value;

/// `audit ROOT --format json [--cache CACHE] EXTRA...`, not quiet (stderr says what the
/// cache gave).
fn audit(root: &Path, cache: Option<&Path>, extra: &[&str]) -> Run {
    let root = root.to_string_lossy().into_owned();
    let mut args: Vec<String> = vec!["audit".into(), root, "--format".into(), "json".into()];
    if let Some(c) = cache {
        args.push("--cache".into());
        args.push(c.to_string_lossy().into_owned());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = xacct(&args);
    assert!(r.code <= 1, "{}", r.err);
    r
}

/// (reused, audited) from stderr.
fn counts(err: &str) -> (usize, usize) {
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("cache: "))
        .unwrap_or_else(|| panic!("no cache line in {err}"));
    let n: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (n[0], n[1])
}

/// Runs with the cache and checks the report equals the uncached run's; returns (reused,
/// audited) and the report.
fn cached_equals_uncached(root: &Path, cache: &Path, extra: &[&str]) -> ((usize, usize), String) {
    let with = audit(root, Some(cache), extra);
    let without = audit(root, None, extra);
    assert_eq!(with.out, without.out, "cached run differs: {}", with.err);
    assert_eq!(with.code, without.code);
    (counts(&with.err), with.out)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The (caller, registry) accounts of the registration paths group policies open.
fn registrations(report: &str) -> BTreeSet<(String, String)> {
    json(report)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["registration"]["source"] == "group-policy")
        .map(|f| {
            let r = &f["registration"];
            let s = |k: &str| r[k].as_str().unwrap().to_owned();
            (s("caller_account"), s("registry_account"))
        })
        .collect()
}

/// Every id (OU or account) under `node` in an exported `org/` folder (`ous/PARENT.json`,
/// `accounts/PARENT.json`).
fn accounts_under(org: &Path, node: &str) -> BTreeSet<String> {
    fn ids(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(id)) = m.get("Id") {
                    out.push(id.clone());
                }
                m.values().for_each(|x| ids(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| ids(x, out)),
            _ => {}
        }
    }
    let children = |parent: &str| {
        let mut out = Vec::new();
        for sub in ["ous", "accounts"] {
            if let Ok(t) = std::fs::read_to_string(org.join(sub).join(format!("{parent}.json"))) {
                ids(&json(&t), &mut out);
            }
        }
        out
    };
    let mut all = BTreeSet::new();
    let mut todo = vec![node.to_owned()];
    while let Some(n) = todo.pop() {
        for c in children(&n) {
            if all.insert(c.clone()) {
                todo.push(c);
            }
        }
    }
    all
}

/// Replaces the first `from` in the file with `to`.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "`{from}` not in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

fn first_file(dir: &Path, suffix: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    found.sort();
    found.into_iter().next().unwrap()
}

#[test]
fn a_cache_reuses_what_did_not_change_and_gives_the_report_of_an_uncached_run() {
    let base = scratch("cache-generated");
    let root = base.join("org");
    gen_org_for_cache::generate(&root, 6, 11).unwrap();
    let cache = base.join("cache");
    let n = json(&audit(&root, None, &[]).out)["summary"]["accounts"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(n, 6);

    // First run: nothing to reuse. Second: everything, byte for byte.
    let (c, first) = cached_equals_uncached(&root, &cache, &[]);
    assert_eq!(c, (0, n));
    let second = audit(&root, Some(&cache), &[]);
    assert_eq!(counts(&second.err), (n, 0));
    assert_eq!(second.out, first);

    // A file written again with the same bytes: read again, found unchanged.
    let accounts: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().is_some_and(|n| {
                    n.len() == 12 && n.to_string_lossy().bytes().all(|b| b.is_ascii_digit())
                })
            })
            .collect();
        v.sort();
        v
    };
    let iam = accounts[0].join("iam.json");
    std::fs::write(&iam, std::fs::read(&iam).unwrap()).unwrap();
    let (c, _) = cached_equals_uncached(&root, &cache, &[]);
    assert_eq!(c, (n, 0));

    // One account's bucket policy: that account alone.
    let s3 = accounts[1].join("s3");
    let policy = first_file(&s3, ".policy.json");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text + "\n").unwrap();
    let (c, _) = cached_equals_uncached(&root, &cache, &[]);
    assert_eq!(c, (n - 1, 1));

    // An SCP attached to one OU: the accounts whose registration paths read a chain
    // through it (the caller's or a registry's).
    let target = json(&std::fs::read_to_string(root.join("org/targets/p-00001002.json")).unwrap());
    let ou = target["Targets"][0]["TargetId"]
        .as_str()
        .unwrap()
        .to_owned();
    let under = accounts_under(&root.join("org"), &ou);
    let report = audit(&root, None, &[]).out;
    let affected: BTreeSet<String> = registrations(&report)
        .into_iter()
        .filter(|(caller, registry)| under.contains(caller) || under.contains(registry))
        .map(|(caller, _)| caller)
        .collect();
    assert!(!affected.is_empty() && affected.len() < n, "{affected:?}");
    let scp = root.join("org/policies/p-00001002.json");
    edit(&scp, "ec2:CreateVpc", "ec2:CreateVpc*");
    let (c, _) = cached_equals_uncached(&root, &cache, &[]);
    assert_eq!(c, (n - affected.len(), affected.len()));

    // Nothing changed since.
    let (c, _) = cached_equals_uncached(&root, &cache, &[]);
    assert_eq!(c, (n, 0));

    // Other options: nothing is reused; the cache follows the last run.
    let (c, _) = cached_equals_uncached(&root, &cache, &["--no-lint"]);
    assert_eq!(c.0, 0);
    let r = audit(&root, Some(&cache), &["--no-lint"]);
    assert_eq!(counts(&r.err), (n, 0));
    assert!(!r.err.contains("warning: ignoring"), "{}", r.err);
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_with_a_warning() {
    let base = scratch("cache-corrupt");
    let root = base.join("exports");
    copy_tree("fixtures/audit/exports", &root);
    let cache = base.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let file = cache.join("audit.json");
    for bad in [
        "not json at all".to_owned(),
        r#"{"schema_version": 1, "findings": []}"#.to_owned(),
        r#"{"format": "xacct-audit-cache", "format_version": 1, "xacct": "0.0.0", "key": "other", "stamps": {}, "accounts": {}}"#.to_owned(),
    ] {
        std::fs::write(&file, &bad).unwrap();
        let with = audit(&root, Some(&cache), &[]);
        let without = audit(&root, None, &[]);
        assert_eq!(with.out, without.out);
        assert!(with.err.contains("warning: ignoring the cache"), "{}", with.err);
        assert_eq!(counts(&with.err).0, 0);
        // Written again, and used.
        let again = audit(&root, Some(&cache), &[]);
        assert!(!again.err.contains("warning: ignoring"), "{}", again.err);
        assert_eq!(counts(&again.err).1, 0);
        assert_eq!(again.out, without.out);
    }
}

#[test]
fn audit_file_edits_audit_again_only_the_accounts_they_name() {
    let base = scratch("cache-audit-file");
    let root = base.join("exports");
    copy_tree("fixtures/audit/exports", &root);
    std::fs::copy(
        crate::util::root().join("fixtures/audit/create-model-package.json"),
        base.join("create-model-package.json"),
    )
    .unwrap();
    let audit_file = base.join("audit.json");
    std::fs::copy(
        crate::util::root().join("fixtures/audit/audit.json"),
        &audit_file,
    )
    .unwrap();
    let af = audit_file.to_string_lossy().into_owned();
    let cache = base.join("cache");
    let args = ["--audit-file", af.as_str()];
    let (c, _) = cached_equals_uncached(&root, &cache, &args);
    assert_eq!(c.0, 0);
    let n = c.1;

    // The trusted accounts apply after the cache: nothing is audited again.
    edit(&audit_file, "\"555555555555\"", "\"555555555556\"");
    let (c, _) = cached_equals_uncached(&root, &cache, &args);
    assert_eq!(c, (n, 0));

    // A listed registration: its caller's account alone.
    edit(
        &audit_file,
        "arn:aws:iam::100000000002:role/service/Training",
        "arn:aws:iam::100000000002:role/service/Other",
    );
    let (c, _) = cached_equals_uncached(&root, &cache, &args);
    assert_eq!(c, (n - 1, 1));

    // A file of an account the listed registration loads: that account and the caller's.
    let policy = first_file(&root.join("100000000001/s3"), ".policy.json");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text + "\n").unwrap();
    let (c, _) = cached_equals_uncached(&root, &cache, &args);
    assert_eq!(c, (n - 2, 2));
}
