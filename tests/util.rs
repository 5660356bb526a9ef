//! Helpers shared by the integration tests: golden files and SARIF schema validation.

use std::path::PathBuf;
use std::process::Command;

/// The crate's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces what changes between builds (the version) so golden files stay stable.
pub fn normalize(s: &str) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "VERSION")
}

/// Compares `actual` with `tests/golden/<name>`; `UPDATE_GOLDEN=1` rewrites the file.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    let actual = normalize(actual);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    if want != actual {
        let diff: Vec<String> = want
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  want {a}\n  got  {b}", i + 1))
            .collect();
        panic!(
            "{} differs (UPDATE_GOLDEN=1 rewrites it):\n{}\n(lengths {} vs {})",
            path.display(),
            diff.join("\n"),
            want.lines().count(),
            actual.lines().count()
        );
    }
}

/// Validates a SARIF log against the official 2.1.0 schema with Python's `jsonschema`.
/// Skips (with a message) when it is not installed, unless `XACCT_REQUIRE_SARIF_SCHEMA` is
/// set, as CI sets it.
pub fn validate_sarif(log: &[u8]) {
    let tmp = std::env::temp_dir().join(format!(
        "xacct-{}-{:?}.sarif",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&tmp, log).unwrap();
    let script = root().join("scripts/validate-sarif.py");
    let check = Command::new("python3").arg(&script).arg(&tmp).output();
    let _ = std::fs::remove_file(&tmp);
    let required = std::env::var_os("XACCT_REQUIRE_SARIF_SCHEMA").is_some();
    match check {
        Ok(out) if out.status.code() == Some(3) => {
            assert!(
                !required,
                "jsonschema is required: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            eprintln!(
                "skipped schema validation: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(out) => assert!(
            out.status.success(),
            "SARIF does not validate:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            assert!(!required, "python3: {e}");
            eprintln!("skipped schema validation: python3: {e}");
        }
    }
}
