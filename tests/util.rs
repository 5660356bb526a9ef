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

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub out: String,
    /// Standard error.
    pub err: String,
}

/// Runs the `xacct` binary with `args` from the crate's root (without `COLUMNS`, so that
/// text reports are as wide as their content, as in a pipe).
pub fn xacct(args: &[&str]) -> Run {
    xacct_env(args, &[])
}

/// [`xacct`] with environment variables set (`Some`) or removed (`None`); `COLUMNS` and
/// `NO_COLOR` are removed unless given, so that outputs do not depend on the terminal.
pub fn xacct_env(args: &[&str], vars: &[(&str, Option<&str>)]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xacct"));
    c.env_remove("COLUMNS").env_remove("NO_COLOR");
    for (k, v) in vars {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let o = c
        .args(args)
        .current_dir(root())
        .output()
        .expect("run xacct");
    Run {
        code: o.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A fresh, empty folder for one test, under the target directory's scratch space (emptied
/// when the test next runs; `cargo clean` removes it). `name` is unique among the tests and
/// may hold `/`.
pub fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Copies a folder of the repository (relative to the crate's root) to `to`.
pub fn copy_tree(from: &str, to: &std::path::Path) {
    lay(&root().join(from), to);
}

/// Copies every file below `from` to the same relative path below `to`, over what is there
/// (an inventory with a fix folder laid over it).
pub fn lay(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            lay(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// `xacct who-can DIR --action A --resource R --all --format json`, parsed (exit 0 or 1).
pub fn who_can_json(dir: &std::path::Path, action: &str, resource: &str) -> serde_json::Value {
    let r = who_can_all(dir, action, resource, &[]);
    assert!(r.code <= 1, "{}", r.err);
    serde_json::from_str(&r.out).unwrap()
}

/// `who-can DIR --action ACTION --resource RESOURCE --all --format json`, then `extra`.
pub fn who_can_all(dir: &std::path::Path, action: &str, resource: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "who-can",
        dir.to_str().unwrap(),
        "--action",
        action,
        "--resource",
        resource,
        "--all",
        "--format",
        "json",
    ];
    args.extend(extra);
    xacct(&args)
}

/// `text` as Windows PowerShell's `>` writes it (UTF-16 little endian with a byte order
/// mark), big endian, and UTF-8 with a byte order mark.
pub fn encodings(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let utf16 =
        |le: bool| -> Vec<u8> {
            let mark = if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] };
            mark.into_iter()
                .chain(text.encode_utf16().flat_map(move |u| {
                    if le {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                }))
                .collect()
        };
    vec![
        ("utf-8", text.as_bytes().to_vec()),
        ("utf-8-bom", bom),
        ("utf-16le", utf16(true)),
        ("utf-16be", utf16(false)),
    ]
}
