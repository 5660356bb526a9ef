//! AWS's published SCP and RCP examples (fixtures/aws-samples, MIT-0, placeholders filled)
//! pass `lint` as what they are: AWS Organizations accepts them, so an error is a false
//! alarm. Every finding allowed here is named with the AWS documentation that justifies it.

use std::collections::BTreeSet;

use xacct::diagnostic::Severity;
use xacct::lint::{lint, LintOptions};
use xacct::policy::DocKind;

use crate::util::root;

/// (file, code, pointer) of each finding.
type Found = BTreeSet<(String, String, String)>;

fn findings(folder: &str, kind: DocKind) -> (usize, Found, Vec<String>) {
    let dir = root().join("fixtures/aws-samples").join(folder);
    let report = lint(
        &[dir.to_string_lossy().into_owned()],
        &LintOptions {
            kind: Some(kind),
            ..LintOptions::default()
        },
    )
    .expect("lint runs");
    assert!(report.input_errors.is_empty(), "{:?}", report.input_errors);
    let documents = report.files.iter().map(|f| f.documents.len()).sum();
    let found = report
        .diagnostics
        .iter()
        .map(|d| {
            let file = d.primary.file.rsplit('/').next().unwrap_or_default();
            (file.to_owned(), d.code.to_owned(), d.primary.pointer_text())
        })
        .collect();
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{} {}: {}", d.code, d.primary.file, d.message))
        .collect();
    (documents, found, errors)
}

#[test]
fn aws_scp_examples_draw_no_error() {
    let (documents, found, errors) = findings("scp", DocKind::Scp);
    assert_eq!(documents, 6);
    assert!(errors.is_empty(), "{errors:#?}");
    // No warning either: nothing in these examples needs a justification.
    assert_eq!(found, Found::new());
}

#[test]
fn aws_rcp_examples_draw_no_error() {
    let (documents, found, errors) = findings("rcp", DocKind::Rcp);
    assert_eq!(documents, 6);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(found, Found::new());
}

/// The same documents as the wrong kind are rejected: the tests above can fail.
#[test]
fn aws_examples_as_the_wrong_kind_are_errors() {
    // An RCP names `Principal`, which an SCP may not.
    let (_, _, errors) = findings("rcp", DocKind::Scp);
    assert_eq!(errors.len(), 6, "{errors:#?}");
    assert!(
        errors.iter().all(|e| e.starts_with("XA0108")),
        "{errors:#?}"
    );
}
