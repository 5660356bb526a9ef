//! The inventory: each loader, unknown versus empty, bad input, Terraform unknowns, the
//! assembly API, and the `simulate --inventory`, `who-can` and `graph` commands on
//! `fixtures/org-example/`.

#[path = "../examples/gen_org.rs"]
mod gen_org;

use crate::util::{xacct, Run};
use std::path::{Path, PathBuf};

use xacct::diagnostic::{Diagnostic, Severity};
use xacct::eval::{authorize, Context, Decision, ObjectOwnership, Principal};
use xacct::graph::{EdgeKind, Graph};
use xacct::inventory::{Inventory, Known, UnknownKind};
use xacct::load::LoadOptions;

const REG: &str = "111111111111";
const TRN: &str = "222222222222";
const KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn fixture() -> String {
    format!("{}/fixtures/org-example", env!("CARGO_MANIFEST_DIR"))
}

fn load(paths: &[&str]) -> Inventory {
    let inputs: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
    xacct::load::inventory(&inputs, &LoadOptions::default())
}

fn example() -> Inventory {
    let inv = load(&[&fixture()]);
    // The plan's policies known only after apply are counted in one line (XL0009).
    let problems: Vec<&Diagnostic> = inv.problems.iter().filter(|p| p.code != "XL0009").collect();
    assert!(problems.is_empty(), "{problems:#?}");
    inv
}

/// A scratch folder ([`crate::util::scratch`]) with helpers to fill it.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        Scratch(crate::util::scratch(&format!("inventory/{name}")))
    }

    fn write(&self, rel: &str, text: &str) -> String {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    fn copy(&self, rel: &str) {
        let text = std::fs::read_to_string(Path::new(&fixture()).join(rel)).unwrap();
        self.write(rel, &text);
    }

    fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn principal(s: &str) -> Principal {
    Principal::parse(s).unwrap()
}

#[test]
fn loads_the_example_organization() {
    let inv = example();
    let ids: Vec<&str> = inv.accounts.keys().map(String::as_str).collect();
    assert_eq!(ids, [REG, TRN, "333333333333", "444444444444"]);
    assert_eq!(inv.orgs.len(), 1);
    let org = &inv.orgs[0];
    assert_eq!(org.id.as_deref(), Some("o-a1b2c3d4e5"));
    assert_eq!(org.management_account.as_deref(), Some("999999999999"));
    assert!(org.contains(TRN) && !org.contains("444444444444"));
    assert_eq!(
        org.path(TRN).unwrap(),
        ["r-ab12", "ou-ab12-11111111", "ou-ab12-44444444", TRN]
    );
}

#[test]
fn gaad_pages_merge_and_url_encoded_documents_decode() {
    let inv = example();
    let iam = inv.accounts[TRN].iam.as_ref().unwrap();
    assert_eq!(iam.pages.len(), 2);
    assert!(iam.complete() && !iam.truncated());
    let roles: Vec<&str> = iam.roles.keys().map(String::as_str).collect();
    assert_eq!(
        roles,
        [
            "DataScientist",
            "OrganizationAccountAccessRole",
            "Training",
            "VendorAudit"
        ]
    );
    // Page 2 carries URL-encoded documents (the raw API form).
    let audit = &iam.roles["VendorAudit"];
    assert!(matches!(&audit.trust, Known::Present(p, _) if p.statements.len() == 1));
    assert_eq!(audit.inline.len(), 1);
    assert_eq!(iam.users["alice"].groups, ["ml-engineers"]);
    assert_eq!(
        iam.roles["Training"].boundary.as_deref(),
        Some("arn:aws:iam::222222222222:policy/MLBoundary")
    );
}

#[test]
fn managed_policies_use_their_default_version() {
    let inv = example();
    let p = &inv.accounts[TRN].iam.as_ref().unwrap().policies
        ["arn:aws:iam::222222222222:policy/TrainingAccess"];
    assert_eq!(p.default_version.as_deref(), Some("v2"));
    let doc = p.document.value().unwrap();
    let sids: Vec<&str> = doc
        .statements
        .iter()
        .filter_map(|s| s.sid.as_deref())
        .collect();
    assert_eq!(
        sids,
        [
            "TrainingJobs",
            "PassTrainingRole",
            "PullOwnImages",
            "PullOwnRepo"
        ]
    );
}

#[test]
fn a_truncated_export_leaves_missing_principals_unknown() {
    let s = Scratch::new("truncated");
    s.copy("222222222222/iam.json");
    let inv = load(&[&s.path()]);
    assert!(inv.problems.is_empty(), "{:#?}", inv.problems);
    let iam = inv.accounts[TRN].iam.as_ref().unwrap();
    assert!(iam.truncated() && !iam.complete());
    let a = inv.request_context(
        &principal("arn:aws:iam::222222222222:role/VendorAudit"),
        "s3:GetObject",
        "arn:aws:s3:::training-artifacts-222222222222/reports/x",
    );
    assert!(a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::PrincipalNotExported));
    // With the whole export, a missing role is known not to exist.
    let inv = example();
    let a = inv.request_context(
        &principal("arn:aws:iam::222222222222:role/Nobody"),
        "s3:GetObject",
        "*",
    );
    assert!(
        a.notes.iter().any(|n| n.contains("does not exist")),
        "{:?}",
        a.notes
    );
    assert!(!a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::PrincipalNotExported));
}

#[test]
fn absent_data_is_unknown_and_exported_absence_is_known() {
    let inv = example();
    let logs = &inv.accounts[REG].buckets["registry-logs-111111111111"];
    // `NoSuchBucketPolicy`: known to have none. Ownership: not exported, unknown.
    assert!(matches!(logs.policy, Known::Absent(_)));
    assert!(matches!(logs.ownership, Known::NotExported));
    assert_eq!(logs.region.value().map(String::as_str), Some("us-east-1"));
    let a = inv.request_context(
        &principal("arn:aws:iam::111111111111:role/RegistryAdmin"),
        "s3:GetObject",
        "arn:aws:s3:::registry-logs-111111111111/2024/01/log.gz",
    );
    assert!(a.resource_policy.is_none());
    assert!(!a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::ResourcePolicyNotExported));
    assert!(a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::BucketSetting
            && u.message
                .contains("ownership controls of bucket `registry-logs-111111111111`")));
    // The registry policy marker makes "none" known too.
    assert!(matches!(
        inv.accounts[REG].registry_policies["us-east-1"],
        Known::Absent(_)
    ));
    // An account that is only in the organization: its principals are unknown.
    let a = inv.request_context(
        &principal("arn:aws:iam::999999999999:role/Admin"),
        "s3:GetObject",
        "arn:aws:s3:::training-artifacts-222222222222/models/m",
    );
    assert!(a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::AccountNotExported && u.subject == "999999999999"));
    // A bucket nobody exported.
    let a = inv.request_context(
        &principal("arn:aws:iam::111111111111:role/ModelDeploy"),
        "s3:GetObject",
        "arn:aws:s3:::elsewhere/x",
    );
    assert!(a.resource_account.is_none());
    assert!(a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::ResourceNotExported));
}

#[test]
fn bucket_ecr_kms_and_sagemaker_exports_load() {
    let inv = example();
    let t = &inv.accounts[TRN];
    let b = &t.buckets["training-artifacts-222222222222"];
    assert_eq!(
        b.ownership.value(),
        Some(&ObjectOwnership::BucketOwnerEnforced)
    );
    assert!(
        b.public_access_block
            .value()
            .unwrap()
            .restrict_public_buckets
    );
    let enc = b.encryption.value().unwrap();
    assert_eq!(
        (enc.algorithm.as_str(), enc.kms_key.as_deref()),
        ("aws:kms", Some(KEY))
    );
    assert_eq!(b.acl.value().unwrap().grants.len(), 1);
    assert!(t.public_access_block.value().is_some());
    let repo = &t.repositories[&("us-east-1".to_owned(), "ml/inference".to_owned())];
    assert!(repo.policy.value().is_some());
    let key = t
        .keys
        .values()
        .find(|k| k.id == "1234abcd-12ab-34cd-56ef-1234567890ab")
        .unwrap();
    assert_eq!(key.arn.as_deref(), Some(KEY));
    assert_eq!(key.grants.value().unwrap().len(), 1);
    assert_eq!(
        key.metadata.value().unwrap().key_manager.as_deref(),
        Some("CUSTOMER")
    );
    let g = &inv.accounts[REG].model_package_groups[&("us-east-1".to_owned(), "models".to_owned())];
    assert_eq!(g.policy.value().unwrap().statements.len(), 2);
}

#[test]
fn the_assembly_puts_everything_together() {
    let inv = example();
    let caller = principal("arn:aws:sts::111111111111:assumed-role/ModelDeploy/deploy-1");
    let a = inv.request_context(&caller, "kms:Decrypt", KEY);
    assert_eq!(a.resource_account.as_deref(), Some(TRN));
    assert_eq!(a.identity.len(), 1);
    assert_eq!(a.grants.len(), 1);
    assert!(a.resource_policy.is_some());
    // SCPs of the caller's path (root, Workloads, Prod, account), RCPs of the key's.
    assert_eq!(a.scps.len(), 4);
    assert_eq!(a.rcps.len(), 4);
    assert!(a.unknowns.is_empty(), "{:#?}", a.unknowns);
    let mut ctx = Context::default();
    ctx.insert(
        "kms:EncryptionContext:aws:s3:arn",
        xacct::eval::ContextValue::Single(
            "arn:aws:s3:::training-artifacts-222222222222/models/model.tar.gz".into(),
        ),
    );
    let req = a.request("kms:Decrypt", ctx);
    assert_eq!(
        req.context.single("aws:principalarn"),
        Some("arn:aws:iam::111111111111:role/ModelDeploy")
    );
    let resp = authorize(&req, &a.policy_set());
    assert_eq!(resp.decision, Decision::Allow);
    assert_eq!(resp.trace.grants.len(), 1);
}

#[test]
fn organization_policies_apply_along_the_path() {
    let inv = example();
    // The Dev OU's region lock denies a training role outside us-east-1.
    let a = inv.request_context(
        &principal("arn:aws:iam::222222222222:role/service/Training"),
        "s3:PutObject",
        "arn:aws:s3:::vendor-drop-444444444444/x",
    );
    let mut ctx = Context::default();
    ctx.insert(
        "aws:RequestedRegion",
        xacct::eval::ContextValue::Single("eu-west-1".into()),
    );
    let resp = authorize(&a.request("s3:PutObject", ctx), &a.policy_set());
    assert_eq!(resp.decision, Decision::ExplicitDeny);
    // The management account: SCPs do not apply.
    let org = &inv.orgs[0];
    let chain = org.chain("999999999999", xacct::inventory::OrgPolicyType::Scp);
    assert!(!chain.applies && chain.note.is_some());
    // An account outside every loaded organization: its SCPs are unknown.
    let a = inv.request_context(
        &principal("arn:aws:iam::444444444444:role/VendorScanner"),
        "s3:GetObject",
        "arn:aws:s3:::shared-datasets-333333333333/public/x",
    );
    assert!(a
        .unknowns
        .iter()
        .any(|u| u.kind == UnknownKind::Organization));
    // The RCP on the Security OU denies it (explicitly), whatever else holds.
    let resp = authorize(
        &a.request("s3:GetObject", Context::default()),
        &a.policy_set(),
    );
    assert_eq!(resp.decision, Decision::ExplicitDeny);
    assert!(a.relevant_unknowns(resp.decision).is_empty());
}

#[test]
fn a_broken_file_is_reported_with_path_and_pointer_and_the_others_load() {
    let s = Scratch::new("broken");
    s.copy("111111111111/iam.json");
    let not_json = s.write("111111111111/s3/b1.policy.json", "{\"Policy\": ");
    let bad_op = s.write(
        "111111111111/s3/b2.policy.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b2/*","Condition":{"StringEqualz":{"aws:SourceVpc":"vpc-1"}}}]}"#,
    );
    s.write(
        "111111111111/s3/b3.policy.json",
        r#"{"Policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"222222222222\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b3/*\"}]}"}"#,
    );
    let inv = load(&[&s.path()]);
    let errors: Vec<String> = inv
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(&format!("error: {not_json}: invalid JSON")),
        "{errors:?}"
    );
    // A policy AWS would reject is read, named in a warning, and kept with its defects.
    let warnings: Vec<String> = inv
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        vec![format!("warning: {bad_op}: /Statement/0/Condition/StringEqualz: AWS rejects this bucket policy: unknown condition operator `StringEqualz` (XA0102); decisions that depend on it are not verified [XL0007]")]
    );
    let acct = &inv.accounts[REG];
    assert!(acct.iam.is_some());
    assert!(acct.buckets["b3"].policy.value().is_some());
    // The defective statement is kept so that it fails closed.
    assert!(acct.buckets["b2"].policy.value().is_some());
    // The command still answers, and exits 2.
    let Run { code, out, err } = xacct(&[
        "who-can",
        "--inventory",
        &s.path(),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b3/x",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("unknown condition operator `StringEqualz`"),
        "{err}"
    );
    assert!(out.contains("who can s3:GetObject"), "{out}");
}

#[test]
fn an_unrecognized_file_is_named_in_a_warning() {
    let s = Scratch::new("unrecognized");
    s.copy("444444444444/iam.json");
    let odd = s.write(
        "444444444444/notes/todo.json",
        r#"{"todo": ["export more"]}"#,
    );
    let misplaced = s.write("misplaced/policy.json", r#"{"Policy": "{}"}"#);
    let inv = load(&[&s.path()]);
    let warnings: Vec<&Diagnostic> = inv
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| *w.primary.file == *odd && w.message.contains("unrecognized file")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| *w.primary.file == *misplaced
                && w.message.contains("put it where the layout says")),
        "{warnings:#?}"
    );
    assert!(!inv.has_errors());
    assert!(inv.accounts["444444444444"].iam.is_some());
}

#[test]
fn globs_select_files_and_a_pattern_matching_nothing_is_an_error() {
    let inv = load(&[&format!("{}/*/iam*.json", fixture())]);
    assert_eq!(inv.accounts.len(), 4);
    assert!(inv.orgs.is_empty());
    assert!(inv.problems.is_empty(), "{:#?}", inv.problems);
    let inv = load(&[&format!("{}/nothing-*.json", fixture())]);
    assert!(inv.has_errors());
}

#[test]
fn terraform_values_known_only_after_apply_are_unknown() {
    let inv = example();
    let reg = &inv.accounts[REG];
    let iam = reg.iam.as_ref().unwrap();
    let monitor = &iam.roles["ModelMonitor"];
    assert_eq!(monitor.arn, "arn:aws:iam::111111111111:role/ModelMonitor");
    assert_eq!(
        monitor.attached,
        ["arn:aws:iam::111111111111:policy/MonitorRead"]
    );
    assert_eq!(monitor.pending.len(), 1, "{:#?}", monitor.pending);
    assert!(monitor.pending[0]
        .why
        .contains("data.aws_iam_policy_document.monitor_reports.json"));
    assert!(iam.policies["arn:aws:iam::111111111111:policy/MonitorRead"]
        .document
        .value()
        .is_some());
    // The bucket policy comes from a data source the plan cannot read yet.
    let bucket = &reg.buckets["monitoring-reports-111111111111"];
    assert!(matches!(&bucket.policy, Known::Unknown(_, why) if why.contains("after apply")));
    assert_eq!(
        bucket.ownership.value(),
        Some(&ObjectOwnership::BucketOwnerEnforced)
    );
    // The planned key has no id yet; its grant's grantee is unknown.
    let key = reg
        .keys
        .values()
        .find(|k| k.id == "aws_kms_key.monitoring")
        .unwrap();
    assert!(key.arn.is_none() && key.policy.value().is_some());
    assert_eq!(key.pending.len(), 1);
    let a = inv.request_context(
        &principal("arn:aws:iam::111111111111:role/ModelMonitor"),
        "s3:PutObject",
        "arn:aws:s3:::monitoring-reports-111111111111/r.json",
    );
    let kinds: Vec<UnknownKind> = a.unknowns.iter().map(|u| u.kind).collect();
    assert!(
        kinds
            .iter()
            .filter(|k| **k == UnknownKind::AfterApply)
            .count()
            >= 2,
        "{:#?}",
        a.unknowns
    );
    assert!(a.unknowns.iter().any(|u| u
        .at
        .as_ref()
        .is_some_and(|p| p.file.ends_with("registry.tfplan.json"))));
}

#[test]
fn the_graph_has_every_kind_of_edge_and_marks_cross_account_ones() {
    let inv = example();
    let g = Graph::build(&inv);
    let gr = &g.graph;
    let edge = |from: &str, to: &str, kind: EdgeKind| {
        let (a, b) = (g.node(from).unwrap(), g.node(to).unwrap());
        gr.edges_connecting(a, b)
            .find(|e| e.weight().kind == kind)
            .map(|e| e.weight().clone())
    };
    let trust = edge(
        "arn:aws:iam::444444444444:role/VendorScanner",
        "arn:aws:iam::222222222222:role/VendorAudit",
        EdgeKind::Trust,
    )
    .unwrap();
    assert!(trust.cross_account && trust.conditional);
    let via = trust.via.unwrap();
    assert_eq!(
        via.pointer.as_str(),
        "/RoleDetailList/0/AssumeRolePolicyDocument"
    );
    assert_eq!(via.embedded.unwrap().as_str(), "/Statement/0");
    let grant = edge(
        "arn:aws:iam::111111111111:role/ModelDeploy",
        KEY,
        EdgeKind::KmsGrant,
    )
    .unwrap();
    assert!(grant.cross_account);
    assert!(grant.via.unwrap().pointer.as_str().starts_with("/Grants/0"));
    assert!(edge(
        "arn:aws:iam::111111111111:root",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/models",
        EdgeKind::ResourcePolicy
    )
    .is_none());
    assert!(edge(
        "arn:aws:iam::222222222222:root",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/models",
        EdgeKind::ResourcePolicy
    )
    .is_some());
    let reach = edge(
        "arn:aws:iam::222222222222:role/service/Training",
        "arn:aws:s3:::vendor-drop-444444444444",
        EdgeKind::IdentityPolicy,
    )
    .unwrap();
    assert!(reach.cross_account);
    assert!(edge(
        "account:444444444444",
        "arn:aws:s3:::vendor-drop-444444444444",
        EdgeKind::Owns
    )
    .is_some());
    assert!(g.org_of.contains_key(TRN) && !g.org_of.contains_key("444444444444"));
}

#[test]
fn cli_simulate_inventory() {
    let f = fixture();
    let Run { code, out, err } = xacct(&[
        "simulate",
        "--inventory",
        &f,
        "--principal",
        "arn:aws:iam::222222222222:role/service/Training",
        "--action",
        "sagemaker:CreateModelPackage",
        "--resource",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package/models/3",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Allow — ALLOWED"), "{out}");
    assert!(out.contains("TrainingRegisters"), "{out}");
    // The vendor's own account is loaded, but no organization lists it: its SCPs could
    // deny, so an allow is not verified.
    let Run { code, out, .. } = xacct(&[
        "simulate",
        "--inventory",
        &f,
        "--principal",
        "arn:aws:iam::444444444444:role/VendorScanner",
        "--action",
        "sts:AssumeRole",
        "--resource",
        "arn:aws:iam::222222222222:role/VendorAudit",
        "--context",
        "sts:ExternalId=vendor-7f3a",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["decision"], "Allow");
    assert_eq!(v["inventory"]["verified"], false);
    assert_eq!(v["inventory"]["unknowns"][0]["kind"], "organization");
    // A policy flag replaces what the inventory has.
    let s = Scratch::new("override");
    let deny = s.write(
        "deny.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sagemaker:*","Resource":"*"}]}"#,
    );
    let Run { code, out, .. } = xacct(&[
        "simulate",
        "--inventory",
        &f,
        "--resource-policy",
        &deny,
        "--principal",
        "arn:aws:iam::222222222222:role/service/Training",
        "--action",
        "sagemaker:CreateModelPackage",
        "--resource",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package/models/3",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("ExplicitDeny"), "{out}");
    // --cases and --inventory do not mix.
    let Run { code, .. } = xacct(&["simulate", "--inventory", &f, "--cases", "x.jsonl"]);
    assert_eq!(code, 2);
}

#[test]
fn cli_who_can_marks_outsiders() {
    let f = fixture();
    let Run { code, out, err } = xacct(&[
        "who-can",
        "--inventory",
        &f,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::training-artifacts-222222222222/models/model.tar.gz",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["resource_account"], TRN);
    let rows = v["principals"].as_array().unwrap();
    let row = |p: &str| rows.iter().find(|r| r["principal"] == p).cloned();
    let deploy = row("arn:aws:iam::111111111111:role/ModelDeploy").unwrap();
    assert_eq!(deploy["verdict"], "allowed");
    assert_eq!(deploy["marks"], serde_json::json!(["cross-account"]));
    assert!(row("arn:aws:iam::444444444444:role/VendorScanner").is_none());
    // With --all, the vendor is listed as denied, outside the organization.
    let Run { out, .. } = xacct(&[
        "who-can",
        "--inventory",
        &f,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::shared-datasets-333333333333/public/data.csv",
        "--all",
    ]);
    let line = out
        .lines()
        .find(|l| {
            l.trim_start_matches('│')
                .trim_start()
                .starts_with("arn:aws:iam::444444444444:role/VendorScanner")
        })
        .unwrap();
    assert!(
        line.contains("denied") && line.contains("outside-organization"),
        "{line}"
    );
    // An external account named by a policy but not loaded: the resource side allows it.
    let Run { out, .. } = xacct(&[
        "who-can",
        "--inventory",
        &format!("{f}/222222222222"),
        "--action",
        "ecr:BatchGetImage",
        "--resource",
        "arn:aws:ecr:us-east-1:222222222222:repository/ml/inference",
    ]);
    let line = out
        .lines()
        .find(|l| {
            l.trim_start_matches('│')
                .trim_start()
                .starts_with("arn:aws:iam::111111111111:root")
        })
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("not-loaded") && line.contains("organization-unknown"),
        "{line}"
    );
}

#[test]
fn cli_graph_formats() {
    let f = fixture();
    let Run {
        code,
        out: dot,
        err,
    } = xacct(&["graph", "--inventory", &f]);
    assert_eq!(code, 0, "{err}");
    assert!(dot.starts_with("digraph xacct {"));
    assert!(dot.contains("subgraph \"cluster_444444444444\""));
    assert!(dot.contains("outside the loaded organizations"));
    assert!(dot.contains("color=\"#d62728\""));
    let Run {
        code, out: mermaid, ..
    } = xacct(&["graph", "--inventory", &f, "--format", "mermaid"]);
    assert_eq!(code, 0);
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("subgraph acct_222222222222"));
    assert!(mermaid.contains("==>") && mermaid.contains("linkStyle"));
    let Run {
        code, out: json, ..
    } = xacct(&[
        "graph",
        "--inventory",
        &f,
        "--format",
        "json",
        "--cross-account-only",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 1);
    let edges = v["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    assert!(edges.iter().all(|e| e["cross_account"] == true));
    assert!(edges.iter().any(
        |e| e["from"] == "arn:aws:iam::444444444444:role/VendorScanner"
            && e["kind"] == "trust"
            && e["via"]["file"]
                .as_str()
                .unwrap()
                .ends_with("222222222222/iam.page-2.json")
            && e["via"]["pointer"] == "/RoleDetailList/0/AssumeRolePolicyDocument"
    ));
    let Run { code, err, .. } = xacct(&["graph", "--inventory", "/no/such/place"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("/no/such/place: no such file or folder"),
        "{err}"
    );
}

#[test]
fn the_generator_writes_what_the_loader_reads() {
    let s = Scratch::new("generated");
    let bytes = gen_org::generate(&s.0, 3, 11).unwrap();
    assert!(bytes > 300_000, "{bytes}");
    let inv = load(&[&s.path()]);
    assert!(
        inv.problems.is_empty(),
        "{:#?}",
        &inv.problems[..inv.problems.len().min(5)]
    );
    assert_eq!(inv.accounts.len(), 3);
    let acct = inv.accounts.values().next().unwrap();
    assert!(acct.iam.as_ref().unwrap().roles.len() >= 40);
    assert_eq!(acct.buckets.len(), 6);
    assert_eq!(acct.keys.len(), 4);
    let g = Graph::build(&inv);
    assert!(g.graph.edge_references().any(|e| e.weight().cross_account));
    // Two loads of the same bytes give the same inventory.
    let again = load(&[&s.path()]);
    assert_eq!(again.bytes, inv.bytes);
}
