//! Lint inputs: which files to read (paths, directories, globs, `-`), and what each file
//! holds (policy documents of which kind, KMS grants, or nothing to lint).
//!
//! A document's kind is decided, first rule that applies:
//! 1. `--kind` (for policy documents; structural exports such as `iam.json` keep theirs);
//! 2. the export wrapper: `policyText` (ECR), `ResourcePolicy` (SageMaker),
//!    `Policy.Content` with `PolicySummary.Type` (Organizations), `PolicyName` next to
//!    `Policy` (KMS `get-key-policy`), `PolicyVersion` (managed), `PolicyDocument` (inline),
//!    `Role.AssumeRolePolicyDocument` (trust), `Grants` (KMS `list-grants`),
//!    `get-account-authorization-details` (every document inside, each with its kind);
//! 3. the inventory layout (issue 3): `<account>/s3/<bucket>.policy.json`,
//!    `<account>/<region>/ecr/<repository>.json`, `<region>/ecr-registry-policy.json`,
//!    `<region>/kms/<key>.policy.json`, `<key>.grants.json`, `<region>/sagemaker/<group>.json`,
//!    `iam.json`, `org/**/scp*/…`, `org/**/rcp*/…`;
//! 4. the content: principals, actions and resources of the statements.

use std::path::{Path, PathBuf};

use crate::load::fs;

use serde::Serialize;

use crate::json::{Json, Pointer};
use crate::load::policy_file::{decode_document, embedded_document, Embedded};
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
    /// A known export without a policy: why it is skipped.
    pub skip: Option<&'static str>,
    /// `iam.json`.
    pub authorization_details: bool,
    /// Under `org/`.
    pub org: bool,
    /// Account, region, name.
    pub facts: DocFacts,
}

fn is_region(s: &str) -> bool {
    // us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4, cn-north-1, il-central-1
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts
            .first()
            .is_some_and(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Reads the inventory layout from a path.
pub fn path_hint(path: &str) -> PathHint {
    let comps: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let mut hint = PathHint::default();
    let Some((&file, dirs)) = comps.split_last() else {
        return hint;
    };
    let parent = dirs.last().copied().unwrap_or("");
    hint.facts.account = dirs
        .iter()
        .rev()
        .find(|c| crate::arn::is_account_id(c))
        .map(|s| (*s).to_owned());
    hint.facts.region = dirs
        .iter()
        .rev()
        .find(|c| is_region(c))
        .map(|s| (*s).to_owned());
    let stem = |suffix: &str| file.strip_suffix(suffix).map(str::to_owned);
    hint.org = dirs.contains(&"org");
    if file == "iam.json" {
        hint.authorization_details = true;
    } else if parent == "s3" {
        const NO_POLICY: [&str; 5] = [
            ".location.json",
            ".encryption.json",
            ".ownership.json",
            ".public-access-block.json",
            ".acl.json",
        ];
        if let Some(name) = stem(".policy.json") {
            hint.kind = Some(DocKind::Bucket);
            hint.facts.name = Some(name);
        } else if NO_POLICY.iter().any(|s| file.ends_with(s)) {
            hint.skip = Some("an `s3api` export that holds no policy");
        }
    } else if parent == "kms" {
        if let Some(name) = stem(".policy.json") {
            hint.kind = Some(DocKind::Key);
            hint.facts.name = Some(name);
        } else if let Some(name) = stem(".grants.json") {
            hint.kind = Some(DocKind::Grants);
            hint.facts.name = Some(name);
        } else if file.ends_with(".key.json") {
            hint.skip = Some("`kms describe-key` output holds no policy");
        }
    } else if file == "ecr-registry-policy.json" {
        hint.kind = Some(DocKind::Registry);
    } else if parent == "sagemaker" {
        hint.kind = Some(DocKind::ModelPackageGroup);
        hint.facts.name = stem(".json");
    } else if let Some(i) = dirs.iter().position(|c| *c == "ecr") {
        if i > 0 && dirs.get(i - 1).is_some_and(|r| is_region(r)) {
            hint.kind = Some(DocKind::Repository);
            let mut name: Vec<&str> = dirs[i + 1..].to_vec();
            let last = file.strip_suffix(".json").unwrap_or(file);
            name.push(last);
            hint.facts.name = Some(name.join("/"));
        }
    }
    if hint.org && hint.kind.is_none() {
        for d in dirs.iter().rev() {
            let d = d.to_ascii_lowercase();
            if d.starts_with("scp") || d == "service-control-policies" {
                hint.kind = Some(DocKind::Scp);
                break;
            }
            if d.starts_with("rcp") || d == "resource-control-policies" {
                hint.kind = Some(DocKind::Rcp);
                break;
            }
        }
    }
    hint
}

fn looks_like_policy(json: &Json<'_>) -> bool {
    json.as_object().is_some_and(|m| {
        m.iter().any(|(k, _)| {
            let k = k.to_ascii_lowercase();
            k == "version" || k.starts_with("stat")
        })
    })
}

/// Decides what a parsed file holds. `flag` is `--kind`.
pub fn classify<'j, 'a>(
    root: &'j Json<'a>,
    hint: &PathHint,
    flag: Option<DocKind>,
) -> FileClass<'j, 'a> {
    let Some(members) = root.as_object() else {
        return FileClass::Unrecognized(format!(
            "expected a policy document or an AWS CLI export, found {}",
            root.type_name()
        ));
    };
    let has = |k: &str| members.iter().any(|(m, _)| m == k);
    if let Some(why) = known_without_policy(root, &has) {
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
        || has("Grants")
        || has("GranteePrincipal")
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

    if has("Statement") {
        return FileClass::Lint {
            docs: vec![DocSpec {
                pointer: Pointer::root(),
                carrier: Carrier::File,
                kind: with_flag(path_kind),
                facts: hint.facts.clone(),
            }],
            grants: Vec::new(),
        };
    }

    if hint.authorization_details
        || ["UserDetailList", "GroupDetailList", "RoleDetailList"]
            .iter()
            .any(|k| has(k))
    {
        return FileClass::Lint {
            docs: authorization_details(root, hint),
            grants: Vec::new(),
        };
    }

    if let Some((pointer, embedded)) = embedded_document(root) {
        let mut facts = hint.facts.clone();
        let wrapper = match pointer.as_str() {
            "/Policy/Content" => {
                let ty = root
                    .get("Policy")
                    .and_then(|p| p.get("PolicySummary"))
                    .and_then(|s| s.get("Type"))
                    .and_then(Json::as_str);
                facts.name = root
                    .get("Policy")
                    .and_then(|p| p.get("PolicySummary"))
                    .and_then(|s| s.get("Name"))
                    .and_then(Json::as_str)
                    .map(str::to_owned)
                    .or(facts.name);
                match ty {
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
            "/Policy" if has("PolicyName") => Some(DocKind::Key),
            "/policyText" => {
                if let Some(r) = root.get("repositoryName").and_then(Json::as_str) {
                    facts.name = Some(r.to_owned());
                    Some(DocKind::Repository)
                } else {
                    Some(DocKind::Registry)
                }
            }
            "/ResourcePolicy" => Some(DocKind::ModelPackageGroup),
            "/PolicyDocument" => Some(DocKind::Identity),
            "/PolicyVersion/Document" => Some(DocKind::Managed),
            "/Role/AssumeRolePolicyDocument" => Some(DocKind::Trust),
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
        let carrier = match embedded {
            Embedded::Object(j) => {
                if !looks_like_policy(j) {
                    return unrecognized_or_skip(hint);
                }
                Carrier::Object(j)
            }
            Embedded::Text(text) => {
                let raw = value_at(root, &pointer).and_then(Json::as_str);
                Carrier::Text {
                    url_encoded: raw.is_some_and(|r| r != text),
                    text,
                }
            }
        };
        return FileClass::Lint {
            docs: vec![DocSpec {
                pointer,
                carrier,
                kind,
                facts,
            }],
            grants: Vec::new(),
        };
    }

    if hint.org && !looks_like_policy(root) {
        return unrecognized_or_skip(hint);
    }
    if looks_like_policy(root) || flag.is_some() {
        return FileClass::Lint {
            docs: vec![DocSpec {
                pointer: Pointer::root(),
                carrier: Carrier::File,
                kind: with_flag(path_kind),
                facts: hint.facts.clone(),
            }],
            grants: Vec::new(),
        };
    }
    unrecognized_or_skip(hint)
}

/// Exports the inventory reads that hold no policy, recognized by their content wherever they
/// sit: "there is none" markers, S3 settings (including the account-level public access
/// block), bucket ACLs (whose `Grants` are not KMS grants) and Terraform plans.
fn known_without_policy(root: &Json<'_>, has: &dyn Fn(&str) -> bool) -> Option<&'static str> {
    if root.get("Error").and_then(|e| e.get("Code")).is_some() {
        return Some("an export's answer that the thing does not exist (or could not be read)");
    }
    if has("PublicAccessBlockConfiguration") {
        return Some("a public access block setting");
    }
    if has("Owner") && has("Grants") {
        return Some("an S3 ACL");
    }
    if has("format_version") && (has("resource_changes") || has("planned_values")) {
        return Some("a Terraform plan (`xacct check` and `xacct audit` read plans)");
    }
    None
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

fn value_at<'j, 'a>(root: &'j Json<'a>, pointer: &Pointer) -> Option<&'j Json<'a>> {
    let mut cur = root;
    for t in pointer.tokens() {
        cur = match cur {
            Json::Object(_) => cur.get(&t)?,
            Json::Array(items) => items.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Every document of `aws iam get-account-authorization-details`: inline user, group and
/// role policies, trust policies, and the default version of customer managed policies
/// (AWS managed policies are AWS's to fix and are left out).
fn authorization_details<'j, 'a>(root: &'j Json<'a>, hint: &PathHint) -> Vec<DocSpec<'j, 'a>> {
    let mut docs = Vec::new();
    let mut push = |json: &'j Json<'a>, pointer: Pointer, kind: DocKind, name: Option<&str>| {
        let carrier = match json {
            Json::Object(_) => Carrier::Object(json),
            Json::String(s) => {
                let text = decode_document(s).into_owned();
                Carrier::Text {
                    url_encoded: text != s.as_ref(),
                    text,
                }
            }
            _ => return,
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
        assert!(path_hint("a/111111111111/s3/b.acl.json").skip.is_some());
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
            r#"{"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": []}"#,
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
        let j = Json::parse(r#"{"LocationConstraint":"eu-west-1"}"#).unwrap();
        assert!(matches!(
            classify(&j, &PathHint::default(), None),
            FileClass::Unrecognized(_)
        ));
    }
}
