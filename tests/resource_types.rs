//! Every resource type with a resource-based policy that IAM Access Analyzer analyzes, from a
//! Terraform plan that opens one of each to everyone and to another account
//! (`fixtures/terraform/every-type.json`) and from an export tree opened and closed
//! (`fixtures/resources/{open,closed}`): `audit` names each, `who-can`, `graph` and `diff` see
//! each with the statement that opens it, and IAM users and groups come with their policies.

use crate::util::xacct;

const PLAN: &str = "fixtures/terraform/every-type.json";
const OPEN: &str = "fixtures/resources/open";
const CLOSED: &str = "fixtures/resources/closed";
const PARTNER: &str = "222222222222";

/// Every type, as the findings' `resource_type` says, and what the plan's resource is called
/// in messages.
const TYPES: [(&str, &str); 27] = [
    ("bucket", "bucket `public-reports`"),
    ("role", "role `"),
    ("key", "key `"),
    ("repository", "repository `app`"),
    ("model-package-group", "model package group `models`"),
    (
        "s3-directory-bucket",
        "S3 directory bucket `data--use1-az4--x-s3`",
    ),
    ("s3-access-point", "S3 access point `shared-ap`"),
    ("s3-table-bucket", "S3 table bucket `analytics`"),
    ("s3-table", "S3 table `analytics/table/sales/orders`"),
    ("lambda-function", "Lambda function `orders-api`"),
    ("lambda-layer", "Lambda layer version `shared-libs"),
    ("sqs-queue", "SQS queue `orders`"),
    ("sns-topic", "SNS topic `events`"),
    ("secretsmanager-secret", "Secrets Manager secret `api-token"),
    ("efs-file-system", "EFS file system `"),
    ("dynamodb-table", "DynamoDB table `orders`"),
    ("dynamodb-stream", "DynamoDB stream `orders/stream/"),
    ("kinesis-stream", "Kinesis stream `clicks`"),
    ("kinesis-consumer", "Kinesis stream consumer `"),
    ("opensearch-domain", "OpenSearch domain `search`"),
    ("backup-vault", "Backup vault `main`"),
    ("codeartifact-domain", "CodeArtifact domain `packages`"),
    ("api-gateway-rest-api", "API Gateway REST API `"),
    ("glacier-vault", "Glacier vault `archive`"),
    ("ebs-snapshot", "EBS snapshot `"),
    ("rds-snapshot", "RDS snapshot `orders-nightly`"),
    (
        "rds-cluster-snapshot",
        "RDS cluster snapshot `orders-cluster-nightly`",
    ),
];

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// One external-access finding: (code, resource type, principal, message).
type Found = (String, String, String, String);

/// The external-access findings of an audit.
fn external(args: &[&str]) -> (i32, Vec<Found>, String) {
    let mut all = vec!["audit", "--format", "json", "--jobs", "1"];
    all.extend_from_slice(args);
    let r = xacct(&all);
    let doc = json(&r.out);
    let found = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "external-access")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["access"]["resource_type"].as_str().unwrap().to_owned(),
                f["access"]["principal"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (r.code, found, r.err)
}

fn named(
    found: &[(String, String, String, String)],
    ty: &str,
    label: &str,
    principal: &str,
) -> bool {
    found
        .iter()
        .any(|(_, t, p, m)| t == ty && p == principal && m.starts_with(label))
}

#[test]
fn a_plan_opening_every_type_is_named_with_and_without_the_account() {
    for account in [None, Some("111111111111")] {
        let mut args = vec![PLAN];
        if let Some(a) = account {
            args.extend(["--terraform-account", a]);
        }
        let (code, found, err) = external(&args);
        assert_eq!(code, 1, "{err}");
        for (ty, label) in TYPES {
            let partner = format!("arn:aws:iam::{PARTNER}:root");
            assert!(
                named(&found, ty, label, &partner),
                "{account:?}: {ty} to the partner: {found:#?}"
            );
            // Terraform cannot share an EBS snapshot with everyone.
            if ty != "ebs-snapshot" {
                assert!(
                    named(&found, ty, label, "*"),
                    "{account:?}: {ty} to everyone: {found:#?}"
                );
            }
        }
        assert!(!err.contains("not used"), "{err}");
    }
}

#[test]
fn the_gate_fails_on_a_plan_opening_every_type() {
    let r = xacct(&["diff", "--plan", PLAN, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.err);
    let doc = json(&r.out);
    let gained = doc["gained"].as_array().unwrap();
    let public: Vec<&str> = gained
        .iter()
        .filter(|c| c["scope"] == "public")
        .map(|c| c["resource"].as_str().unwrap())
        .collect();
    for arn_part in [
        ":sns:",
        ":sqs:",
        ":lambda:",
        ":layer:",
        ":secretsmanager:",
        ":elasticfilesystem:",
        ":table/orders",
        "/stream/",
        ":kinesis:",
        "/consumer/",
        ":es:",
        ":backup:",
        ":codeartifact:",
        ":execute-api:",
        ":glacier:",
        ":s3express:",
        ":accesspoint/",
        ":s3tables:",
        ":snapshot:",
        ":cluster-snapshot:",
        ":ecr:",
        ":kms:",
        ":sagemaker:",
    ] {
        assert!(
            public.iter().any(|a| a.contains(arn_part)),
            "{arn_part}: {public:#?}"
        );
    }
    // Each with the statement (or the attribute entry) that opens it.
    let rds = gained
        .iter()
        .find(|c| {
            c["resource"]
                .as_str()
                .unwrap()
                .contains(":snapshot:orders-nightly")
                && c["scope"] == "public"
        })
        .unwrap();
    assert_eq!(rds["kind"], "shared-attribute");
    assert!(
        rds["via"][0]
            .as_str()
            .unwrap()
            .ends_with("/change/after/shared_accounts/0"),
        "{rds}"
    );
    let lambda = gained
        .iter()
        .find(|c| {
            c["resource"]
                .as_str()
                .unwrap()
                .contains(":function:orders-api")
                && c["scope"] == "public"
        })
        .unwrap();
    assert!(
        lambda["via"][0].as_str().unwrap().contains("/change/after"),
        "{lambda}"
    );
}

#[test]
fn exports_of_every_type_open_and_closed() {
    let (code, open, err) = external(&[OPEN]);
    assert_eq!(code, 1, "{err}");
    for (ty, _) in TYPES {
        let partner = format!("arn:aws:iam::{PARTNER}:root");
        assert!(
            open.iter().any(|(_, t, p, _)| t == ty && p == &partner),
            "{ty}: {open:#?}"
        );
        assert!(
            open.iter().any(|(_, t, p, _)| t == ty && p == "*"),
            "{ty}: {open:#?}"
        );
    }
    // The KMS grant too.
    assert!(open
        .iter()
        .any(|(_, t, _, m)| t == "key" && m.contains("through a KMS grant")));
    let (code, closed, err) = external(&[CLOSED]);
    assert!(closed.is_empty(), "{closed:#?}");
    assert!(code <= 1, "{err}");
    // What says "no policy" is no lint error either.
    let r = xacct(&["audit", CLOSED, "--format", "json"]);
    let doc = json(&r.out);
    let errors: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("XA01"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!r.err.contains("XL0"), "{}", r.err);
}

#[test]
fn who_can_sees_each_open_resource() {
    let cases = [
        ("sns:Publish", "arn:aws:sns:us-east-1:111111111111:events"),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:111111111111:function:orders-api",
        ),
        (
            "execute-api:Invoke",
            "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/prod/GET/orders",
        ),
        (
            "ec2:CreateVolume",
            "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
        ),
        (
            "rds:RestoreDBInstanceFromDBSnapshot",
            "arn:aws:rds:us-east-1:111111111111:snapshot:orders-nightly",
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:us-east-1:111111111111:accesspoint/shared-ap/object/report.csv",
        ),
        (
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-east-1:111111111111:secret:api-token-AbCdEf",
        ),
    ];
    for (action, resource) in cases {
        for (tree, open) in [(OPEN, true), (CLOSED, false)] {
            let r = xacct(&[
                "who-can",
                "--inventory",
                tree,
                "--action",
                action,
                "--resource",
                resource,
                "--format",
                "json",
            ]);
            assert_eq!(r.code, 0, "{action} {resource}: {}", r.err);
            let doc = json(&r.out);
            let rows = doc["principals"].as_array().unwrap();
            let anyone = rows.iter().any(|p| p["principal"] == "anonymous");
            let partner = rows
                .iter()
                .any(|p| p["principal"] == format!("arn:aws:iam::{PARTNER}:root"));
            assert_eq!(anyone, open, "{tree} {action} {resource}: {rows:#?}");
            assert_eq!(partner, open, "{tree} {action} {resource}: {rows:#?}");
            assert_eq!(doc["resource_account"], "111111111111", "{resource}");
        }
    }
    // In a plan, the resource is found whatever account its ARN is given with.
    let r = xacct(&[
        "who-can",
        "--inventory",
        PLAN,
        "--action",
        "sqs:SendMessage",
        "--resource",
        "arn:aws:sqs:us-east-1:111111111111:orders",
        "--format",
        "json",
    ]);
    let doc = json(&r.out);
    assert!(
        doc["principals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["principal"] == "anonymous"),
        "{doc}"
    );
}

#[test]
fn the_graph_has_every_type_with_its_opening_edges() {
    let r = xacct(&["graph", "--inventory", OPEN, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.err);
    let doc = json(&r.out);
    let nodes = doc["nodes"].as_array().unwrap();
    let edges = doc["edges"].as_array().unwrap();
    for (ty, _) in TYPES.iter().skip(5) {
        let node = nodes
            .iter()
            .find(|n| {
                n["kind"] == "resource"
                    && n["label"].as_str().unwrap().starts_with(&format!("{ty}: "))
            })
            .unwrap_or_else(|| panic!("{ty}: {nodes:#?}"));
        let id = &node["id"];
        let from_everyone = edges
            .iter()
            .any(|e| e["to"] == *id && e["from"] == "*" && e["cross_account"] == true);
        assert!(from_everyone, "{ty}: {edges:#?}");
    }
    // A user with an active access key says so.
    assert!(
        nodes
            .iter()
            .any(|n| n["label"] == "user/deployer (1 active access key)"),
        "{nodes:#?}"
    );
}

#[test]
fn iam_users_and_groups_from_a_plan_and_exports() {
    // The plan's user has an inline `iam:*` and a group's policy through its membership.
    for inputs in [
        vec![PLAN, "--terraform-account", "111111111111"],
        vec![OPEN],
    ] {
        let mut args = vec!["who-can", "--inventory"];
        args.extend(&inputs);
        args.extend([
            "--action",
            "iam:CreateUser",
            "--resource",
            "arn:aws:iam::111111111111:user/x",
            "--format",
            "json",
        ]);
        let r = xacct(&args);
        let doc = json(&r.out);
        let rows = doc["principals"].as_array().unwrap();
        assert!(
            rows.iter()
                .any(|p| p["principal"] == "arn:aws:iam::111111111111:user/deployer"),
            "{inputs:?}: {rows:#?}"
        );
    }
    let r = xacct(&[
        "simulate",
        "--inventory",
        PLAN,
        "--terraform-account",
        "111111111111",
        "--principal",
        "arn:aws:iam::111111111111:user/deployer",
        "--action",
        "sqs:ReceiveMessage",
        "--resource",
        "arn:aws:sqs:us-east-1:111111111111:orders",
        "--format",
        "json",
    ]);
    let doc = json(&r.out);
    assert!(
        r.out.contains("read-orders"),
        "the group's policy applies: {doc}"
    );
}

#[test]
fn an_export_that_failed_is_never_closed() {
    // The topic's export was refused: its policy is unknown, so nothing says it is closed.
    let dir = crate::util::scratch("resources-denied");
    crate::util::copy_tree(CLOSED, &dir);
    let topic = dir.join("111111111111/us-east-1/sns-topic/events.json");
    std::fs::write(
        &topic,
        r#"{"Error": {"Code": "AccessDenied", "Message": "User is not authorized to perform: SNS:GetTopicAttributes"}}"#,
    )
    .unwrap();
    let after = dir.to_string_lossy().into_owned();
    let r = xacct(&["diff", CLOSED, &after]);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(
        r.out
            .contains("NOT VERIFIED: 1 policy could not be evaluated"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("the policy of SNS topic `events`"),
        "{}",
        r.out
    );
    let r = xacct(&[
        "who-can",
        "--inventory",
        &after,
        "--action",
        "sns:Publish",
        "--resource",
        "arn:aws:sns:us-east-1:111111111111:events",
        "--format",
        "json",
    ]);
    let doc = json(&r.out);
    let unknowns = doc["resource_unknowns"].as_array().unwrap();
    assert!(
        unknowns
            .iter()
            .any(|u| u["message"].as_str().unwrap().contains("AccessDenied")),
        "{doc}"
    );
    assert!(
        doc["principals"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["verdict"] != "allowed"),
        "{doc}"
    );
}

#[test]
fn the_export_script_writes_every_type_where_the_layout_reads_it() {
    let script = std::fs::read_to_string("scripts/export-account.sh").unwrap();
    let written: std::collections::BTreeSet<&str> = script
        .match_indices("\"$r/")
        .filter_map(|(i, _)| script[i + 4..].split('/').next())
        .collect();
    let types: std::collections::BTreeSet<&str> = xacct::inventory::resources::TYPES
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(written, types);
    assert!(script.contains("iam-access-keys/$user.json"));
}

#[test]
fn a_default_topic_policy_opens_nothing_to_another_account() {
    // A new topic with SNS's default policy (everyone, as long as the topic's owner is the
    // source): no new access for the gate, nothing for the audit.
    let dir = crate::util::scratch("resources-new-topic");
    crate::util::copy_tree(CLOSED, &dir);
    let topics = dir.join("111111111111/us-east-1/sns-topic");
    let default = std::fs::read_to_string(topics.join("events.json"))
        .unwrap()
        .replace("events", "alerts");
    std::fs::write(topics.join("alerts.json"), default).unwrap();
    let after = dir.to_string_lossy().into_owned();
    let r = xacct(&["diff", CLOSED, &after]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    assert!(
        r.out.contains("no new cross-account or external access"),
        "{}",
        r.out
    );
    let (_, found, _) = external(&[&after]);
    assert!(found.is_empty(), "{found:#?}");
}
