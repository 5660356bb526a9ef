//! What lint reads in each file: its policy documents, each with a kind, and its KMS
//! grants. What a file is comes from the one classifier ([`crate::load::classify`]) and its
//! place from the one layout reader ([`crate::load::layout`]); this module only decides, for
//! each document, which kind of policy it is checked as. First rule that applies:
//! 1. `--kind` (for policy documents; structural exports such as `iam.json` keep theirs);
//! 2. the export: `policyText` (ECR), `ResourcePolicy` (SageMaker), `describe-policy`'s
//!    `PolicySummary.Type` (Organizations), `PolicyName` next to `Policy` (KMS
//!    `get-key-policy`), `PolicyVersion` (managed), `PolicyDocument` (inline), `get-role`
//!    (trust), `list-grants` and `create-grant` (KMS), `get-account-authorization-details`
//!    (every document inside, each with its kind);
//! 3. the layout: `<account>/s3/<bucket>.policy.json`, `<account>/<region>/ecr/<repository>.json`,
//!    `<region>/ecr-registry-policy.json`, `<region>/kms/<key>.policy.json`,
//!    `<key>.grants.json`, `<region>/sagemaker/<group>.json`, and bare documents in
//!    `org/**/scp*/` or `org/**/rcp*/` folders;
//! 4. the content: principals, actions and resources of the statements.
//!
//! Exports that hold no policy (bucket settings, `describe-key`, organization listings,
//! Terraform states…) are skipped and listed as skipped. A Terraform plan's documents are its
//! resources' policy attributes, each of the kind its resource type says.

use std::path::{Path, PathBuf};

use crate::load::fs;

use serde::Serialize;

use crate::json::{Json, Pointer};
use crate::load::classify::{self, decode_document, looks_like_policy, FileKind};
use crate::load::layout::{self, BucketFile, KeyFile, Place, Slot};
use crate::policy::DocKind;
use crate::rules::doc::DocFacts;

/// Where a document's kind came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KindSource {
    /// `--kind`.
    Flag,
    /// The export's shape.
    Wrapper,
    /// The file's place in the inventory layout.
    Path,
    /// The statements themselves.
    Content,
}

/// How a document sits in its file.
#[derive(Debug)]
pub enum Carrier<'j, 'a> {
    /// The whole file is the document.
    File,
    /// A JSON object inside the file.
    Object(&'j Json<'a>),
    /// A JSON string inside the file, holding the policy text (decoded; `url_encoded` when
    /// the string was URL-encoded).
    Text {
        /// The policy text.
        text: String,
        /// Whether it was URL-encoded in the file.
        url_encoded: bool,
    },
}

/// One policy document found in a file.
#[derive(Debug)]
pub struct DocSpec<'j, 'a> {
    /// Pointer of the document (or of the string that carries it) in the file.
    pub pointer: Pointer,
    /// How it is carried.
    pub carrier: Carrier<'j, 'a>,
    /// Its kind, when the flag, wrapper or path says; otherwise decided from content.
    pub kind: Option<(DocKind, KindSource)>,
    /// Account, region, name.
    pub facts: DocFacts,
}

/// What a file holds.
#[derive(Debug)]
pub enum FileClass<'j, 'a> {
    /// Policy documents and KMS grants (pointers of grant objects).
    Lint {
        /// The documents.
        docs: Vec<DocSpec<'j, 'a>>,
        /// The grants.
        grants: Vec<Pointer>,
    },
    /// A known export that holds no policy (bucket location, key metadata…).
    Skip(String),
    /// JSON that is neither a policy nor a known export.
    Unrecognized(String),
}

/// What a path tells about a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathHint {
    /// The kind the layout gives.
    pub kind: Option<DocKind>,
    /// `iam.json`.
    pub authorization_details: bool,
    /// Under `org/`.
    pub org: bool,
    /// Account, region, name.
    pub facts: DocFacts,
}

/// Reads what a path's place in the export layout says of the documents in the file.
pub fn path_hint(path: &str) -> PathHint {
    let mut hint = PathHint::default();
    match layout::place(Path::new(path)) {
        Place::Account { account, slot } => {
            hint.facts.account = Some(account);
            let mut set = |kind: DocKind, region: Option<&str>, name: Option<&str>| {
                hint.kind = Some(kind);
                hint.facts.region = region.map(str::to_owned);
                hint.facts.name = name.map(str::to_owned);
            };
            match &slot {
                Slot::Iam => hint.authorization_details = true,
                Slot::Bucket {
                    bucket,
                    what: BucketFile::Policy,
                } => set(DocKind::Bucket, None, Some(bucket)),
                Slot::Repository { region, name } => {
                    set(DocKind::Repository, Some(region), Some(name))
                }
                Slot::RegistryPolicy { region } => set(DocKind::Registry, Some(region), None),
                Slot::Key {
                    region,
                    key_id,
                    what: KeyFile::Policy,
                } => set(DocKind::Key, Some(region), Some(key_id)),
                Slot::Key {
                    region,
                    key_id,
                    what: KeyFile::Grants,
                } => set(DocKind::Grants, Some(region), Some(key_id)),
                Slot::ModelPackageGroup { region, name } => {
                    set(DocKind::ModelPackageGroup, Some(region), Some(name))
                }
                Slot::Resource { region, name, .. } => {
                    set(DocKind::Resource, Some(region), Some(name))
                }
                _ => {}
            }
        }
        Place::Org { .. } => {
            hint.org = true;
            // Bare SCPs and RCPs kept in `scp*` or `rcp*` folders of an `org/` folder.
            let dirs: Vec<&str> = path.split(['/', '\\']).collect();
            for d in dirs.iter().rev().skip(1) {
                let d = d.to_ascii_lowercase();
                if d.starts_with("scp") || d == "service-control-policies" {
                    hint.kind = Some(DocKind::Scp);
                    break;
                }
                if d.starts_with("rcp") || d == "resource-control-policies" {
                    hint.kind = Some(DocKind::Rcp);
                    break;
                }
                if d == "org" {
                    break;
                }
            }
        }
        Place::Elsewhere => {}
    }
    hint
}

/// Why lint skips an export of `kind`: it holds no policy document. `None` for kinds that
/// hold policies or grants.
fn without_policy(kind: FileKind) -> Option<&'static str> {
    Some(match kind {
        FileKind::ErrorMarker => {
            "an export's answer that the thing does not exist (or could not be read)"
        }
        FileKind::PublicAccessBlock => "a public access block setting",
        FileKind::Acl => "an S3 ACL",
        FileKind::Ownership | FileKind::Encryption | FileKind::Location => {
            "an `s3api` export that holds no policy"
        }
        FileKind::DescribeKey => "`kms describe-key` output holds no policy",
        FileKind::AccessKeys => "`iam list-access-keys` output holds no policy",
        FileKind::ModelPackageGroup => {
            "`sagemaker describe-model-package-group` output holds no policy"
        }
        FileKind::TerraformState => {
            "a Terraform state (`terraform show -json` without a plan file): it holds no plan"
        }
        FileKind::SnapshotAttribute | FileKind::DbSnapshotAttributes => {
            "a snapshot shared by an attribute: it holds no policy document"
        }
        FileKind::CloudAssembly => "a file of a CDK cloud assembly, beside its templates",
        FileKind::OrgRoots
        | FileKind::OrgOus
        | FileKind::OrgAccounts
        | FileKind::OrgTargets
        | FileKind::OrgOrganization
        | FileKind::OrgListPolicies => "organization data without a policy document",
        _ => return None,
    })
}

/// Decides what a parsed file holds. `flag` is `--kind`.
pub fn classify<'j, 'a>(
    root: &'j Json<'a>,
    hint: &PathHint,
    flag: Option<DocKind>,
) -> FileClass<'j, 'a> {
    if root.as_object().is_none() {
        return FileClass::Unrecognized(format!(
            "expected a policy document or an AWS CLI export, found {}",
            root.type_name()
        ));
    }
    let file_kind = classify::classify(root);
    if file_kind == FileKind::CloudFormationTemplate {
        return template(root, hint);
    }
    if let Some(why) = without_policy(file_kind) {
        return FileClass::Skip(why.into());
    }
    let with_flag = |kind: Option<(DocKind, KindSource)>| match flag {
        Some(f) if f != DocKind::Grants => Some((f, KindSource::Flag)),
        _ => kind,
    };
    let path_kind = hint
        .kind
        .filter(|k| *k != DocKind::Grants)
        .map(|k| (k, KindSource::Path));

    // KMS grants: `list-grants` output, or one `CreateGrant` request.
    if flag == Some(DocKind::Grants)
        || hint.kind == Some(DocKind::Grants)
        || matches!(file_kind, FileKind::ListGrants | FileKind::GrantRequest)
    {
        let grants = match root.get("Grants") {
            Some(Json::Array(items)) => (0..items.len())
                .map(|i| Pointer::root().key("Grants").index(i))
                .collect(),
            Some(_) => {
                return FileClass::Unrecognized("`Grants` is not an array".into());
            }
            None => vec![Pointer::root()],
        };
        return FileClass::Lint {
            docs: Vec::new(),
            grants,
        };
    }

    let whole_file = || FileClass::Lint {
        docs: vec![DocSpec {
            pointer: Pointer::root(),
            carrier: Carrier::File,
            kind: with_flag(path_kind),
            facts: hint.facts.clone(),
        }],
        grants: Vec::new(),
    };
    match file_kind {
        FileKind::Document => return whole_file(),
        FileKind::AuthorizationDetails => {
            return FileClass::Lint {
                docs: authorization_details(root, hint),
                grants: Vec::new(),
            }
        }
        FileKind::TerraformPlan => {
            return FileClass::Lint {
                docs: plan_documents(root, hint),
                grants: Vec::new(),
            }
        }
        FileKind::Unrecognized if flag.is_some() => return whole_file(),
        FileKind::Unrecognized => return unrecognized_or_skip(hint),
        _ => {}
    }
    let Some((pointer, value)) = classify::document(root, file_kind) else {
        if file_kind.document_path().is_some() {
            // A known export without its policy: the resource has none.
            return FileClass::Skip(format!("`{}` output without a policy", file_kind.command()));
        }
        return unrecognized_or_skip(hint);
    };
    let mut facts = hint.facts.clone();
    let wrapper = match file_kind {
        FileKind::OrgDescribePolicy => {
            let summary = root.get("Policy").and_then(|p| p.get("PolicySummary"));
            facts.name = summary
                .and_then(|s| s.get("Name"))
                .and_then(Json::as_str)
                .map(str::to_owned)
                .or(facts.name);
            match summary.and_then(|s| s.get("Type")).and_then(Json::as_str) {
                Some("SERVICE_CONTROL_POLICY") => Some(DocKind::Scp),
                Some("RESOURCE_CONTROL_POLICY") => Some(DocKind::Rcp),
                Some(other) => {
                    return FileClass::Skip(format!(
                        "an Organizations `{other}` is not an IAM policy"
                    ))
                }
                None => None,
            }
        }
        FileKind::PolicyWrapper if root.get("PolicyName").is_some() => Some(DocKind::Key),
        FileKind::RepositoryPolicy => {
            if let Some(r) = root.get("repositoryName").and_then(Json::as_str) {
                facts.name = Some(r.to_owned());
            }
            Some(DocKind::Repository)
        }
        FileKind::RegistryPolicy => Some(DocKind::Registry),
        FileKind::GroupPolicy => Some(DocKind::ModelPackageGroup),
        FileKind::InlinePolicy => Some(DocKind::Identity),
        FileKind::PolicyVersion => Some(DocKind::Managed),
        FileKind::GetRole => Some(DocKind::Trust),
        _ => None,
    };
    if let Some(acct) = root
        .get("registryId")
        .and_then(Json::as_str)
        .filter(|a| crate::arn::is_account_id(a))
    {
        facts.account = Some(acct.to_owned());
    }
    let kind = with_flag(wrapper.map(|k| (k, KindSource::Wrapper)).or(path_kind));
    let carrier = match value {
        // What the services print when no policy is set.
        Json::String(t) if matches!(t.trim(), "" | "{}") => {
            return FileClass::Skip(format!("`{}` output without a policy", file_kind.command()))
        }
        Json::Object(m) if m.is_empty() => {
            return FileClass::Skip(format!("`{}` output without a policy", file_kind.command()))
        }
        Json::Object(_) if !looks_like_policy(value) => return unrecognized_or_skip(hint),
        v => match carrier(v) {
            Some(c) => c,
            None => return unrecognized_or_skip(hint),
        },
    };
    FileClass::Lint {
        docs: vec![DocSpec {
            pointer,
            carrier,
            kind,
            facts,
        }],
        grants: Vec::new(),
    }
}

fn unrecognized_or_skip<'j, 'a>(hint: &PathHint) -> FileClass<'j, 'a> {
    if hint.org {
        FileClass::Skip("organization data without a policy document".into())
    } else {
        FileClass::Unrecognized(
            "neither a policy document (no `Statement`) nor a known AWS CLI export".into(),
        )
    }
}

/// A policy carried in a file: an object, or a JSON string holding its text (perhaps
/// URL-encoded).
fn carrier<'j, 'a>(json: &'j Json<'a>) -> Option<Carrier<'j, 'a>> {
    match json {
        Json::Object(_) => Some(Carrier::Object(json)),
        Json::String(s) => {
            let text = decode_document(s).into_owned();
            Some(Carrier::Text {
                url_encoded: text != s.as_ref(),
                text,
            })
        }
        _ => None,
    }
}

/// Every policy document a Terraform plan carries in its resources' attributes
/// ([`crate::load::terraform::plan_documents`]), each with its kind.
fn plan_documents<'j, 'a>(root: &'j Json<'a>, hint: &PathHint) -> Vec<DocSpec<'j, 'a>> {
    crate::load::terraform::plan_documents(root)
        .into_iter()
        .filter_map(|d| {
            Some(DocSpec {
                pointer: d.pointer,
                carrier: carrier(d.value)?,
                kind: Some((d.kind, KindSource::Wrapper)),
                facts: DocFacts {
                    name: Some(d.address.to_owned()),
                    ..hint.facts.clone()
                },
            })
        })
        .collect()
}

/// The policy documents of a CloudFormation template whose values are known (the template as
/// [`crate::load::cloudformation::lint::lint_view`] resolves it).
fn template<'j, 'a>(root: &'j Json<'a>, hint: &PathHint) -> FileClass<'j, 'a> {
    let docs = crate::load::cloudformation::lint::lint_documents(root)
        .into_iter()
        .map(|(d, json)| DocSpec {
            pointer: d.pointer,
            carrier: match crate::load::cloudformation::lint::text_of(json) {
                Some(text) => Carrier::Text {
                    url_encoded: text != json.as_str().unwrap_or_default(),
                    text: text.into_owned(),
                },
                None => Carrier::Object(json),
            },
            kind: Some((d.kind, KindSource::Wrapper)),
            facts: DocFacts {
                name: Some(d.name),
                ..hint.facts.clone()
            },
        })
        .collect();
    FileClass::Lint {
        docs,
        grants: Vec::new(),
    }
}

/// Every document of `aws iam get-account-authorization-details`: inline user, group and
/// role policies, trust policies, and the default version of customer managed policies
/// (AWS managed policies are AWS's to fix and are left out).
fn authorization_details<'j, 'a>(root: &'j Json<'a>, hint: &PathHint) -> Vec<DocSpec<'j, 'a>> {
    let mut docs = Vec::new();
    let mut push = |json: &'j Json<'a>, pointer: Pointer, kind: DocKind, name: Option<&str>| {
        let Some(carrier) = carrier(json) else {
            return;
        };
        docs.push(DocSpec {
            pointer,
            carrier,
            kind: Some((kind, KindSource::Wrapper)),
            facts: DocFacts {
                name: name.map(str::to_owned),
                ..hint.facts.clone()
            },
        });
    };
    let items = |key: &str| -> Vec<(usize, &'j Json<'a>)> {
        match root.get(key) {
            Some(Json::Array(a)) => a.iter().enumerate().collect(),
            _ => Vec::new(),
        }
    };
    let lists = [
        ("UserDetailList", "UserName", "UserPolicyList"),
        ("GroupDetailList", "GroupName", "GroupPolicyList"),
        ("RoleDetailList", "RoleName", "RolePolicyList"),
    ];
    for (list, name_key, policies) in lists {
        let at = Pointer::root().key(list);
        for (i, entity) in items(list) {
            let e_at = at.index(i);
            let name = entity.get(name_key).and_then(Json::as_str);
            if let Some(trust) = entity.get("AssumeRolePolicyDocument") {
                push(
                    trust,
                    e_at.key("AssumeRolePolicyDocument"),
                    DocKind::Trust,
                    name,
                );
            }
            if let Some(Json::Array(ps)) = entity.get(policies) {
                for (j, p) in ps.iter().enumerate() {
                    if let Some(doc) = p.get("PolicyDocument") {
                        let pname = p.get("PolicyName").and_then(Json::as_str);
                        push(
                            doc,
                            e_at.key(policies).index(j).key("PolicyDocument"),
                            DocKind::Identity,
                            pname.or(name),
                        );
                    }
                }
            }
        }
    }
    let at = Pointer::root().key("Policies");
    for (i, policy) in items("Policies") {
        let arn = policy.get("Arn").and_then(Json::as_str).unwrap_or("");
        if arn.contains(":iam::aws:policy/") {
            continue;
        }
        let name = policy.get("PolicyName").and_then(Json::as_str);
        if let Some(Json::Array(versions)) = policy.get("PolicyVersionList") {
            for (j, v) in versions.iter().enumerate() {
                let default = matches!(v.get("IsDefaultVersion"), Some(Json::Bool(true)));
                if let (true, Some(doc)) = (default, v.get("Document")) {
                    push(
                        doc,
                        at.index(i)
                            .key("PolicyVersionList")
                            .index(j)
                            .key("Document"),
                        DocKind::Managed,
                        name,
                    );
                }
            }
        }
    }
    docs
}

/// Decides a document's kind from its statements when nothing else said.
pub fn kind_from_content(json: &Json<'_>) -> DocKind {
    let statements: Vec<&Json<'_>> = match json.get("Statement") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(s @ Json::Object(_)) => vec![s],
        _ => Vec::new(),
    };
    let with_principal = statements
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    if !with_principal {
        return DocKind::Identity;
    }
    let strings = |key: &str| -> Vec<String> {
        let mut out = Vec::new();
        for s in &statements {
            match s.get(key) {
                Some(Json::String(v)) => out.push(v.to_string()),
                Some(Json::Array(items)) => {
                    out.extend(items.iter().filter_map(Json::as_str).map(str::to_owned))
                }
                _ => {}
            }
        }
        out
    };
    let actions: Vec<String> = strings("Action")
        .into_iter()
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let resources = strings("Resource");
    let no_resource = statements
        .iter()
        .all(|s| s.get("Resource").is_none() && s.get("NotResource").is_none());
    let all_actions =
        |prefix: &str| !actions.is_empty() && actions.iter().all(|a| a.starts_with(prefix));
    if all_actions("sts:") && no_resource {
        DocKind::Trust
    } else if all_actions("kms:") && resources.iter().all(|r| r == "*") {
        DocKind::Key
    } else if all_actions("ecr:") && no_resource {
        DocKind::Repository
    } else if all_actions("s3:")
        && !resources.is_empty()
        && resources.iter().all(|r| r.starts_with("arn:aws:s3:::"))
    {
        DocKind::Bucket
    } else if all_actions("sagemaker:")
        && !resources.is_empty()
        && resources.iter().all(|r| r.contains(":model-package"))
    {
        DocKind::ModelPackageGroup
    } else {
        DocKind::Resource
    }
}

/// Files to lint: each argument is a file, a directory (every `*.json` below it, hidden
/// folders left out), a glob, or `-` (standard input), found by the one walk
/// ([`crate::load::fs::discover`]). Sorted, without duplicates. Arguments that name nothing
/// are returned as errors `(argument, message)`.
pub fn discover(args: &[String]) -> (Vec<PathBuf>, Vec<(String, String)>) {
    let (files, errors) = fs::discover(args, fs::Filter::Json);
    (
        files,
        errors.into_iter().map(|e| (e.path, e.message)).collect(),
    )
}

/// A path as lint reports it: with `/` separators and without a leading `./`.
pub fn display_path(p: &Path) -> String {
    let p = fs::display(p).replace('\\', "/");
    p.strip_prefix("./").map(str::to_owned).unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_inventory_layout() {
        let h = path_hint("inv/111111111111/s3/my-bucket.policy.json");
        assert_eq!(h.kind, Some(DocKind::Bucket));
        assert_eq!(h.facts.account.as_deref(), Some("111111111111"));
        assert_eq!(h.facts.name.as_deref(), Some("my-bucket"));
        let h = path_hint("111111111111/us-east-2/ecr/team/app.json");
        assert_eq!(h.kind, Some(DocKind::Repository));
        assert_eq!(h.facts.name.as_deref(), Some("team/app"));
        assert_eq!(h.facts.region.as_deref(), Some("us-east-2"));
        assert_eq!(
            path_hint("a/111111111111/eu-west-1/kms/k1.grants.json").kind,
            Some(DocKind::Grants)
        );
        assert_eq!(
            path_hint("a/111111111111/us-gov-west-1/sagemaker/g.json").kind,
            Some(DocKind::ModelPackageGroup)
        );
        assert_eq!(path_hint("x/org/scps/deny.json").kind, Some(DocKind::Scp));
        assert!(path_hint("x/111111111111/iam.json").authorization_details);
        assert_eq!(path_hint("policy.json"), PathHint::default());
    }

    #[test]
    fn wrappers_name_their_kind() {
        let doc = r#"{\"Version\":\"2012-10-17\",\"Statement\":[]}"#;
        let cases = [
            (
                format!(r#"{{"policyText":"{doc}","repositoryName":"r"}}"#),
                DocKind::Repository,
            ),
            (format!(r#"{{"policyText":"{doc}"}}"#), DocKind::Registry),
            (
                format!(r#"{{"ResourcePolicy":"{doc}"}}"#),
                DocKind::ModelPackageGroup,
            ),
            (
                format!(r#"{{"Policy":"{doc}","PolicyName":"default"}}"#),
                DocKind::Key,
            ),
            (
                format!(
                    r#"{{"Policy":{{"PolicySummary":{{"Type":"RESOURCE_CONTROL_POLICY"}},"Content":"{doc}"}}}}"#
                ),
                DocKind::Rcp,
            ),
        ];
        for (text, want) in cases {
            let j = Json::parse(&text).unwrap();
            let FileClass::Lint { docs, .. } = classify(&j, &PathHint::default(), None) else {
                panic!("{text}")
            };
            assert_eq!(docs[0].kind, Some((want, KindSource::Wrapper)), "{text}");
        }
    }

    #[test]
    fn content_decides_last() {
        let k = |t: &str| kind_from_content(&Json::parse(t).unwrap());
        assert_eq!(
            k(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#),
            DocKind::Identity
        );
        assert_eq!(
            k(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}}"#),
            DocKind::Repository
        );
        assert_eq!(
            k(
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"x"},"Action":"sts:AssumeRole"}}"#
            ),
            DocKind::Trust
        );
    }

    #[test]
    fn inventory_exports_without_policies_are_skipped() {
        for text in [
            r#"{"Error": {"Code": "NoSuchBucketPolicy", "Message": "The bucket policy does not exist"}}"#,
            r#"{"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}"#,
            r#"{"Owner": {"ID": "abc"}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"}]}"#,
            r#"{"format_version": "1.0", "terraform_version": "1.9.0", "values": {}}"#,
            r#"{"LocationConstraint":"eu-west-1"}"#,
            r#"{"KeyMetadata": {"KeyId": "k"}}"#,
            r#"{"Roots": [{"Id": "r-1"}]}"#,
            r#"{"Accounts": []}"#,
        ] {
            let json = Json::parse(text).unwrap();
            assert!(
                matches!(
                    classify(&json, &PathHint::default(), None),
                    FileClass::Skip(_)
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn non_objects_and_unknown_objects_are_unrecognized() {
        let j = Json::parse("[1]").unwrap();
        assert!(matches!(
            classify(&j, &PathHint::default(), None),
            FileClass::Unrecognized(_)
        ));
        let j = Json::parse(r#"{"todo":["export more"]}"#).unwrap();
        assert!(matches!(
            classify(&j, &PathHint::default(), None),
            FileClass::Unrecognized(_)
        ));
    }
}
