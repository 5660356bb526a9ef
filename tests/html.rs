//! `audit --format html` and `check --format html`: one self-contained page (nothing loaded
//! from anywhere: inline style and script under a content security policy), with the
//! summaries, the drawing and every finding. In a headless Chromium (Debian's `chromium`)
//! the page loads without errors, its filter hides the rows that do not match, and a
//! screenshot of each page goes to `target/html/`.
//!
//! The browser test runs where `chromium` (or the browser `XACCT_CHROMIUM` names) is found;
//! elsewhere it says it is skipped, unless `XACCT_REQUIRE_CHROMIUM` is set, when it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::sarif::{AUDIT, SEED_CHECK};
use crate::util::{root, xacct};

fn page(args: &[&str]) -> String {
    let mut a = args.to_vec();
    a.extend(["--format", "html"]);
    let r = xacct(&a);
    assert_eq!(r.code, 1, "{}", r.err);
    r.out
}

fn rows(html: &str, table: &str) -> usize {
    let start = html.find(&format!(r#"id="{table}""#)).unwrap();
    let end = start + html[start..].find("</table>").unwrap();
    html[start..end].matches("<tr data-level=").count()
}

/// Nothing on the page is fetched: no external script, style, image, font or frame.
fn self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for bad in [
        "<script src",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "url(http",
        "src=\"http",
    ] {
        assert!(!html.contains(bad), "the page loads something: `{bad}`");
    }
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn audit_page_holds_every_finding_and_the_summaries() {
    let html = page(AUDIT);
    self_contained(&html);
    let mut a = AUDIT.to_vec();
    a.extend(["--format", "json"]);
    let report: Value = serde_json::from_str(&xacct(&a).out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(rows(&html, "findings"), findings.len());
    for f in findings {
        assert!(html.contains(f["code"].as_str().unwrap()));
        if let Some(acct) = f["account"].as_str() {
            assert!(html.contains(&format!("<td>{acct}</td>")), "{acct}");
        }
    }
    assert!(html.contains("Findings by account") && html.contains("Findings by code"));
    assert!(
        html.contains("<g class=\"edge\">"),
        "the registration paths are drawn"
    );
}

#[test]
fn check_page_holds_the_steps_fixes_and_drawing() {
    let html = page(SEED_CHECK);
    self_contained(&html);
    assert!(html.contains("verdict: registration NOT possible"));
    assert_eq!(rows(&html, "steps"), 6, "one row a step");
    assert!(
        html.contains("&quot;Sid&quot;: &quot;AllowCreateModelPackage&quot;"),
        "fixes"
    );
    assert!(html.contains("account 111111111111") && html.contains("account 222222222222"));
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("XACCT_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Runs the browser headless on `url` with `args`; returns standard output and error.
fn browse(browser: &Path, url: &str, args: &[&str]) -> (String, String) {
    let profile = std::env::temp_dir().join(format!("xacct-chromium-{}", std::process::id()));
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("run the browser");
    let _ = std::fs::remove_dir_all(&profile);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn pages_load_filter_and_are_screenshot_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("XACCT_REQUIRE_CHROMIUM").is_none(),
            "XACCT_REQUIRE_CHROMIUM is set, and no chromium was found"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium; or set XACCT_CHROMIUM)");
        return;
    };
    let out = root().join("target/html");
    std::fs::create_dir_all(&out).unwrap();
    for (name, args, filter, want) in [
        ("audit", AUDIT, "XE0002", "findings-count\">4 of 21 shown"),
        (
            "check",
            SEED_CHECK,
            "ecr:BatchGetImage",
            "steps-count\">1 of 6 shown",
        ),
    ] {
        let file = out.join(format!("{name}.html"));
        std::fs::write(&file, page(args)).unwrap();
        let url = format!("file://{}", file.display());
        // Loaded with a filter in the address: the script ran, raised nothing, and hid the
        // rows that do not match.
        let (dom, log) = browse(&browser, &format!("{url}#filter={filter}"), &["--dump-dom"]);
        assert!(
            dom.contains("data-ready=\"yes\""),
            "{name}: the script did not finish\n{log}"
        );
        assert!(
            !dom.contains("data-errors="),
            "{name}: the page raised an error\n{dom}"
        );
        for line in log.lines().filter(|l| l.contains("CONSOLE")) {
            assert!(
                !line.contains("ERROR") && !line.contains("Uncaught"),
                "{name}: {line}"
            );
        }
        assert!(
            dom.contains(want),
            "{name}: the filter did not apply ({want})"
        );
        assert!(dom.contains(" hidden=\""), "{name}: no row was hidden");
        // And without a filter nothing is hidden.
        let (dom, _) = browse(&browser, &url, &["--dump-dom"]);
        assert!(
            !dom.contains(" hidden=\""),
            "{name}: rows hidden without a filter"
        );
        let shot = out.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&shot);
        browse(
            &browser,
            &url,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1400,2000",
            ],
        );
        let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
        assert!(size > 20_000, "{name}: no screenshot at {}", shot.display());
        eprintln!("screenshot: {} ({size} bytes)", shot.display());
    }
}
