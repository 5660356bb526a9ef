//! Templates that make one resource of each type of the generic model, opened to everyone
//! (YAML with short-form tags) and to another account (JSON): `audit` names each, with the
//! account given and without it (read under the unknown account, not skipped).

use crate::util::xacct;

const EVERYONE: &str = "fixtures/cloudformation/resources/open-to-everyone.yaml";
const OTHER: &str = "fixtures/cloudformation/resources/open-to-another-account.json";

/// Every resource the templates open, as `audit` labels it (`{}`: the name's suffix, `{L}`
/// the logical id's prefix of a resource whose id is set at deploy).
const LABELS: &[&str] = &[
    "S3 directory bucket `open{}--use1-az4--x-s3`",
    "S3 access point `open{}-access-point`",
    "S3 table bucket `open{}-tables`",
    "S3 table `open{}-tables/table/t1`",
    "Lambda function `open{}-function`",
    "Lambda layer version `open{}-layer:1`",
    "SQS queue `open{}-queue`",
    "SQS queue `open{}-inline-queue`",
    "SNS topic `open{}-topic`",
    "SNS topic `open{}-inline-topic`",
    "Secrets Manager secret `<{L}Secret>`",
    "EFS file system `<{L}FileSystem>`",
    "DynamoDB table `open{}-table`",
    "DynamoDB stream `open{}-table/stream/<StreamLabel>`",
    "Kinesis stream `<{L}Stream>`",
    "OpenSearch domain `open{}-search`",
    "Backup vault `open{}-vault`",
    "CodeArtifact domain `open{}-artifacts`",
    "API Gateway REST API `<{L}Api>`",
];

/// The external-access findings of `audit` on `args`: (code, message).
fn audit(args: &[&str]) -> (i32, Vec<(String, String)>, String) {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let run = xacct(&all);
    let v: serde_json::Value =
        serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("{e}: {}{}", run.out, run.err));
    let found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    (run.code, found, run.err)
}

fn assert_named(found: &[(String, String)], code: &str, suffix: &str, who: &str) {
    let logical = if suffix.is_empty() { "" } else { "Shared" };
    for label in LABELS {
        let label = label.replace("{}", suffix).replace("{L}", logical);
        assert!(
            found
                .iter()
                .any(|(c, m)| c == code && m.contains(&label) && m.contains(who)),
            "{label} is not named as {code} with {who}: {found:#?}"
        );
    }
}

#[test]
fn audit_names_every_type_a_template_opens_to_everyone() {
    let (code, found, err) = audit(&[
        "--account",
        "333333333333",
        "--region",
        "us-east-1",
        EVERYONE,
    ]);
    assert_eq!(code, 1, "{err}");
    assert_named(&found, "XE0001", "", "everyone");
}

#[test]
fn audit_names_every_type_a_template_opens_to_another_account() {
    let (code, found, err) = audit(&["--account", "333333333333", "--region", "us-east-1", OTHER]);
    // Warnings only: the audit passes, and names each.
    assert_eq!(code, 0, "{err}");
    assert_named(&found, "XE0002", "-shared", "444444444444");
    assert!(
        !found.iter().any(|(c, _)| c == "XE0001"),
        "nothing is open to everyone: {found:#?}"
    );
}

#[test]
fn a_template_without_an_account_is_read_under_the_unknown_account() {
    // No `--account` and no account folder: the resources are still read, what is open to
    // everyone or to a named account is still reported, and the run says why.
    let (code, found, err) = audit(&["--region", "us-east-1", EVERYONE, OTHER]);
    assert_eq!(code, 1, "{err}");
    assert_named(&found, "XE0001", "", "everyone");
    assert_named(&found, "XE0002", "-shared", "444444444444");
    assert!(err.contains("XL0010"), "{err}");
    assert!(!err.contains("are not used"), "{err}");
}

#[test]
fn who_can_sees_a_template_resource_open_to_everyone() {
    let run = xacct(&[
        "who-can",
        "--inventory",
        EVERYONE,
        "--account",
        "333333333333",
        "--region",
        "us-east-1",
        "--action",
        "sns:Publish",
        "--resource",
        "arn:aws:sns:us-east-1:333333333333:open-topic",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    let doc: serde_json::Value = serde_json::from_str(&run.out).unwrap();
    let rows = doc["principals"].as_array().unwrap();
    assert!(
        rows.iter().any(|p| p["principal"] == "anonymous"),
        "{rows:#?}"
    );
}

#[test]
fn lint_reads_the_resource_policies_of_a_template() {
    let run = xacct(&[
        "lint",
        "--account",
        "333333333333",
        "--region",
        "us-east-1",
        "--format",
        "json",
        EVERYONE,
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("{e}: {}{}", run.out, run.err));
    let places: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "XA0202")
        .map(|d| d["location"]["pointer"].as_str().unwrap_or("").to_owned())
        .collect();
    for at in [
        "/Resources/Table/Properties/ResourcePolicy/PolicyDocument",
        "/Resources/Table/Properties/StreamSpecification/ResourcePolicy/PolicyDocument",
        "/Resources/Vault/Properties/AccessPolicy",
        "/Resources/FileSystem/Properties/FileSystemPolicy",
    ] {
        assert!(
            places.iter().any(|p| p.starts_with(at)),
            "{at}: {places:#?}"
        );
    }
}
