//! Terraform plans (`terraform show -json PLAN`), read for what they will apply
//! (docs/semantics.md §9.2).
//!
//! Each `resource_changes` entry of a supported type becomes the same items an AWS CLI export
//! gives: policies, roles, attachments, bucket settings, keys and grants, SCPs. A value that
//! is known only after apply (`after_unknown`) stays unknown ([`Known::Unknown`] or a
//! [`Pending`] entry), with the configuration's references saying where it comes from; it is
//! never guessed. A plan's items are merged after every export: they say what will be.
//!
//! Accounts: from the resource's own ARN when the plan knows it, else `--terraform-account`,
//! else the account folder the plan sits in, else `data.aws_caller_identity` in
//! `prior_state`. Regions: from ARNs, the resource's `region` attribute, or the provider's
//! constant `region`. New buckets get AWS's documented defaults for new buckets
//! (`BucketOwnerEnforced`, all Block Public Access flags on) unless the plan sets them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::aws_cli::kms::key_parts;
use super::aws_cli::{policy_at, str_at};
use super::layout::Place;
use super::LoadOptions;
use crate::arn::{is_account_id, Arn};
use crate::diagnostic::{codes, Diagnostic};
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::inventory::merge::{BucketFact, FileOutput, Item, KeyFact};
use crate::inventory::org::{OrgPolicy, OrgPolicyType};
use crate::inventory::{Encryption, KeyMetadata, Known, ManagedPolicy, Pending, Provenance, Role};
use crate::json::{Json, Pointer};
use crate::policy::{DocKind, Grant, Origin};

/// Whether a document is a Terraform plan in JSON.
pub(crate) fn is_plan(json: &Json<'_>) -> bool {
    json.get("format_version").is_some()
        && (json.get("resource_changes").is_some()
            || json.get("planned_values").is_some()
            || json.get("terraform_version").is_some())
}

/// Types read first, so that what refers to them finds them.
const FIRST: [&str; 7] = [
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_ecr_repository",
    "aws_sagemaker_model_package_group",
    "aws_organizations_policy",
];

/// One resource change.
struct Res<'j, 'a> {
    addr: &'j str,
    ty: &'j str,
    after: &'j Json<'a>,
    unknown: Option<&'j Json<'a>>,
    at: Pointer,
    creates: bool,
}

impl<'j, 'a> Res<'j, 'a> {
    fn s(&self, k: &str) -> Option<&'j str> {
        str_at(self.after, k).filter(|s| !s.is_empty())
    }

    fn is_unknown(&self, k: &str) -> bool {
        matches!(self.unknown.and_then(|u| u.get(k)), Some(Json::Bool(true)))
    }

    fn ptr(&self, k: &str) -> Pointer {
        self.at.key(k)
    }

    /// The first element of a nested block (`rule[0]`), and whether it is unknown.
    fn block(&self, k: &str) -> (Option<&'j Json<'a>>, bool) {
        let v = match self.after.get(k) {
            Some(Json::Array(a)) => a.first(),
            _ => None,
        };
        let unknown = match self.unknown.and_then(|u| u.get(k)) {
            Some(Json::Bool(true)) => true,
            Some(Json::Array(a)) => matches!(a.first(), Some(Json::Bool(true))),
            _ => false,
        };
        (v, unknown)
    }

    fn block_unknown(&self, k: &str, inner: &str) -> bool {
        match self.unknown.and_then(|u| u.get(k)) {
            Some(Json::Bool(true)) => true,
            Some(Json::Array(a)) => a.first().is_some_and(|b| {
                matches!(b, Json::Bool(true)) || matches!(b.get(inner), Some(Json::Bool(true)))
            }),
            _ => false,
        }
    }
}

struct Plan<'j, 'a> {
    file: Arc<str>,
    /// address → attribute → references.
    refs: HashMap<String, BTreeMap<String, Vec<String>>>,
    /// address → resource change.
    by_addr: HashMap<&'j str, usize>,
    res: Vec<Res<'j, 'a>>,
    account: Option<String>,
    region: Option<String>,
    out: FileOutput,
    /// Planned SCPs/RCPs by id or address, and their targets.
    org_policies: BTreeMap<String, (OrgPolicy, Vec<String>)>,
}

/// Reads a plan.
pub(crate) fn read_plan(
    json: &Json<'_>,
    file: &Arc<str>,
    place: &Place,
    opts: &LoadOptions,
) -> FileOutput {
    let mut out = FileOutput::default();
    let version = str_at(json, "format_version").unwrap_or("");
    if version.split('.').next() != Some("1") {
        out.problems.push(Diagnostic::in_file(
            &codes::MALFORMED_EXPORT,
            file,
            Some(Pointer::root().key("format_version")),
            format!("unsupported plan format version `{version}` (xacct reads 1.x)"),
        ));
        return out;
    }
    let mut refs = HashMap::new();
    if let Some(root) = json.get("configuration").and_then(|c| c.get("root_module")) {
        collect_refs(root, "", &mut refs);
    }
    let folder = match place {
        Place::Account { account, .. } => Some(account.clone()),
        _ => None,
    };
    let account = opts
        .terraform_account
        .clone()
        .or(folder)
        .or_else(|| caller_identity(json));
    let region = json
        .get("configuration")
        .and_then(|c| c.get("provider_config"))
        .and_then(|p| p.get("aws"))
        .and_then(|a| a.get("expressions"))
        .and_then(|e| e.get("region"))
        .and_then(|r| str_at(r, "constant_value"))
        .map(str::to_owned);
    let mut res = Vec::new();
    let changes_at = Pointer::root().key("resource_changes");
    if let Some(Json::Array(changes)) = json.get("resource_changes") {
        for (i, rc) in changes.iter().enumerate() {
            if str_at(rc, "mode") != Some("managed") {
                continue;
            }
            let (Some(addr), Some(ty), Some(change)) =
                (str_at(rc, "address"), str_at(rc, "type"), rc.get("change"))
            else {
                out.problems.push(Diagnostic::in_file(
                    &codes::MALFORMED_EXPORT,
                    file,
                    Some(changes_at.index(i)),
                    "a resource change without `address`, `type` or `change`",
                ));
                continue;
            };
            let actions: Vec<&str> = match change.get("actions") {
                Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            let after = match change.get("after") {
                Some(a @ Json::Object(_)) => a,
                // Deleted (or forgotten): nothing of it remains after apply.
                _ => continue,
            };
            if actions == ["delete"] || actions == ["forget"] {
                continue;
            }
            res.push(Res {
                addr,
                ty,
                after,
                unknown: change.get("after_unknown"),
                at: changes_at.index(i).key("change").key("after"),
                creates: actions.contains(&"create"),
            });
        }
    }
    // Resources that others refer to first.
    res.sort_by_key(|r| !FIRST.contains(&r.ty));
    let by_addr = res.iter().enumerate().map(|(i, r)| (r.addr, i)).collect();
    let mut plan = Plan {
        file: file.clone(),
        refs,
        by_addr,
        res,
        account,
        region,
        out,
        org_policies: BTreeMap::new(),
    };
    for i in 0..plan.res.len() {
        plan.resource(i);
    }
    for (_, (policy, targets)) in std::mem::take(&mut plan.org_policies) {
        if targets.is_empty() {
            plan.out.problems.push(Diagnostic::in_file(
                &codes::EXPORT_NOT_USED,
                file,
                Some(policy.at.pointer.clone()),
                format!(
                    "{} `{}` is not attached anywhere in the plan: not used",
                    policy.kind.label(),
                    policy.name
                ),
            ));
            continue;
        }
        plan.out.items.push(Item::PlannedOrgPolicy {
            policy: Box::new(policy),
            targets,
        });
    }
    plan.out
}

fn collect_refs(
    module: &Json<'_>,
    prefix: &str,
    refs: &mut HashMap<String, BTreeMap<String, Vec<String>>>,
) {
    if let Some(Json::Array(resources)) = module.get("resources") {
        for r in resources {
            let Some(addr) = str_at(r, "address") else {
                continue;
            };
            let mut attrs = BTreeMap::new();
            if let Some(Json::Object(exprs)) = r.get("expressions") {
                for (attr, e) in exprs {
                    let mut found = Vec::new();
                    gather(e, prefix, &mut found);
                    // Every configured attribute is recorded, with or without references.
                    attrs.insert(attr.to_string(), found);
                }
            }
            refs.insert(format!("{prefix}{addr}"), attrs);
        }
    }
    if let Some(Json::Object(calls)) = module.get("module_calls") {
        for (name, call) in calls {
            if let Some(m) = call.get("module") {
                collect_refs(m, &format!("{prefix}module.{name}."), refs);
            }
        }
    }
}

fn gather(e: &Json<'_>, prefix: &str, out: &mut Vec<String>) {
    match e {
        Json::Object(m) => {
            for (k, v) in m {
                if k == "references" {
                    if let Json::Array(a) = v {
                        out.extend(a.iter().filter_map(Json::as_str).map(|s| {
                            if s.starts_with("var.") || s.starts_with("local.") {
                                s.to_owned()
                            } else {
                                format!("{prefix}{s}")
                            }
                        }));
                    }
                } else {
                    gather(v, prefix, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|v| gather(v, prefix, out)),
        _ => {}
    }
}

fn caller_identity(json: &Json<'_>) -> Option<String> {
    let root = json.get("prior_state")?.get("values")?.get("root_module")?;
    match root.get("resources")? {
        Json::Array(rs) => rs
            .iter()
            .filter(|r| str_at(r, "type") == Some("aws_caller_identity"))
            .find_map(|r| str_at(r.get("values")?, "account_id"))
            .filter(|a| is_account_id(a))
            .map(str::to_owned),
        _ => None,
    }
}

impl<'j, 'a> Plan<'j, 'a> {
    fn prov(&self, p: Pointer) -> Provenance {
        Provenance::at(&self.file, p)
    }

    fn warn(&mut self, p: Pointer, msg: String) {
        self.out.problems.push(Diagnostic::in_file(
            &codes::EXPORT_NOT_USED,
            &self.file,
            Some(p),
            msg,
        ));
    }

    /// Why `attr` of `addr` is unknown, for messages.
    fn why(&self, addr: &str, attr: &str) -> String {
        match self.refs.get(addr).and_then(|a| a.get(attr)) {
            Some(r) if !r.is_empty() => format!(
                "`{addr}.{attr}` is known only after apply (from {})",
                r.join(", ")
            ),
            _ => format!("`{addr}.{attr}` is known only after apply"),
        }
    }

    /// The resource of type `ty` that `attr` of `addr` refers to.
    fn referenced(&self, addr: &str, attr: &str, ty: &str) -> Option<&Res<'j, 'a>> {
        let refs = self.refs.get(addr)?.get(attr)?;
        refs.iter().find_map(|r| {
            // `aws_kms_key.k.arn`, `module.m.aws_kms_key.k`, `aws_kms_key.k[0]`…
            let pos = r.find(&format!("{ty}."))?;
            let (module, rest) = r.split_at(pos);
            let mut parts = rest.splitn(3, '.');
            let t = parts.next()?;
            let name = parts.next()?;
            let target = format!("{module}{t}.{name}");
            self.by_addr.get(target.as_str()).map(|&i| &self.res[i])
        })
    }

    fn account_of(&mut self, r: usize, arn_attr: Option<&str>) -> Option<String> {
        let res = &self.res[r];
        if let Some(a) = arn_attr
            .and_then(|k| res.s(k))
            .and_then(Arn::parse)
            .map(|a| a.account)
            .filter(|a| is_account_id(a))
        {
            return Some(a.to_owned());
        }
        if self.account.is_none() {
            let (addr, at) = (res.addr.to_owned(), res.at.clone());
            self.warn(
                at,
                format!("the account of `{addr}` is unknown (its ARN is known only after apply): name it with `--terraform-account`; not used"),
            );
        }
        self.account.clone()
    }

    fn region_of(&self, r: usize, arn_attr: Option<&str>) -> String {
        let res = &self.res[r];
        arn_attr
            .and_then(|k| res.s(k))
            .and_then(Arn::parse)
            .map(|a| a.region.to_owned())
            .filter(|r| !r.is_empty())
            .or_else(|| res.s("region").map(str::to_owned))
            .or_else(|| self.region.clone())
            .unwrap_or_default()
    }

    /// A policy-valued attribute.
    fn policy(
        &mut self,
        r: usize,
        attr: &str,
        kind: DocKind,
        name: &str,
    ) -> Known<crate::policy::Policy> {
        let res = &self.res[r];
        let at = res.ptr(attr);
        if res.is_unknown(attr) {
            let why = self.why(res.addr, attr);
            return Known::Unknown(self.prov(at), why);
        }
        match res.after.get(attr) {
            Some(Json::Null) | None => Known::Absent(self.prov(at)),
            Some(doc) => policy_at(
                doc,
                &at,
                &self.file,
                kind,
                Some(Arc::from(name)),
                &mut self.out.problems,
            ),
        }
    }

    /// A string attribute, following references to `ty`'s `target_attr` when unknown.
    fn name_via(&self, r: usize, attr: &str, ty: &str, target_attr: &str) -> Option<String> {
        let res = &self.res[r];
        if let Some(s) = res.s(attr) {
            return Some(s.to_owned());
        }
        self.referenced(res.addr, attr, ty)
            .and_then(|t| t.s(target_attr))
            .map(str::to_owned)
    }

    fn resource(&mut self, r: usize) {
        let ty = self.res[r].ty;
        match ty {
            "aws_s3_bucket" => self.bucket(r),
            "aws_s3_bucket_policy"
            | "aws_s3_bucket_public_access_block"
            | "aws_s3_bucket_ownership_controls"
            | "aws_s3_bucket_server_side_encryption_configuration" => self.bucket_setting(r),
            "aws_kms_key" => self.kms_key(r),
            "aws_kms_key_policy" => self.kms_key_policy(r),
            "aws_kms_grant" => self.kms_grant(r),
            "aws_ecr_repository" | "aws_ecr_repository_policy" => self.repository(r),
            "aws_ecr_registry_policy" => self.registry_policy(r),
            "aws_sagemaker_model_package_group" | "aws_sagemaker_model_package_group_policy" => {
                self.model_package_group(r)
            }
            "aws_iam_role" => self.role(r),
            "aws_iam_role_policy" => self.role_policy(r),
            "aws_iam_policy" => self.managed_policy(r),
            "aws_iam_role_policy_attachment" => self.attachment(r),
            "aws_organizations_policy" => self.org_policy(r),
            "aws_organizations_policy_attachment" => self.org_attachment(r),
            _ => {}
        }
    }

    fn bucket_name(&mut self, r: usize) -> Option<String> {
        let name = self.name_via(r, "bucket", "aws_s3_bucket", "bucket");
        if name.is_none() {
            let res = &self.res[r];
            let (at, why) = (res.ptr("bucket"), self.why(res.addr, "bucket"));
            self.warn(
                at,
                format!("{why}: which bucket it is for is unknown; not used"),
            );
        }
        name
    }

    fn bucket(&mut self, r: usize) {
        let Some(bucket) = self.bucket_name(r) else {
            return;
        };
        let Some(account) = self.account_of(r, None) else {
            return;
        };
        let res = &self.res[r];
        let at = self.prov(res.at.clone());
        let mut facts = vec![BucketFact::Exists(at.clone())];
        if res.creates {
            // A new bucket has no policy, and AWS's defaults for new buckets.
            facts.push(BucketFact::Policy(Known::Absent(at.clone())));
            facts.push(BucketFact::Ownership(Known::Present(
                ObjectOwnership::BucketOwnerEnforced,
                at.clone(),
            )));
            facts.push(BucketFact::PublicAccessBlock(Known::Present(
                PublicAccessBlock {
                    block_public_acls: true,
                    ignore_public_acls: true,
                    block_public_policy: true,
                    restrict_public_buckets: true,
                },
                at.clone(),
            )));
        }
        if let Some(region) = res.s("region").map(str::to_owned).or(self.region.clone()) {
            facts.push(BucketFact::Region(Known::Present(region, at)));
        }
        for fact in facts {
            self.out.items.push(Item::Bucket {
                account: account.clone(),
                bucket: bucket.clone(),
                fact,
            });
        }
    }

    fn bucket_setting(&mut self, r: usize) {
        let Some(bucket) = self.bucket_name(r) else {
            return;
        };
        let Some(account) = self.account_of(r, None) else {
            return;
        };
        let res = &self.res[r];
        let (ty, addr) = (res.ty, res.addr);
        let fact = match ty {
            "aws_s3_bucket_policy" => {
                BucketFact::Policy(self.policy(r, "policy", DocKind::Bucket, &bucket))
            }
            "aws_s3_bucket_public_access_block" => {
                let flags = [
                    "block_public_acls",
                    "ignore_public_acls",
                    "block_public_policy",
                    "restrict_public_buckets",
                ];
                if let Some(k) = flags.iter().find(|k| res.is_unknown(k)) {
                    let why = self.why(addr, k);
                    BucketFact::PublicAccessBlock(Known::Unknown(self.prov(res.ptr(k)), why))
                } else {
                    let f = |k: &str| matches!(res.after.get(k), Some(Json::Bool(true)));
                    BucketFact::PublicAccessBlock(Known::Present(
                        PublicAccessBlock {
                            block_public_acls: f(flags[0]),
                            ignore_public_acls: f(flags[1]),
                            block_public_policy: f(flags[2]),
                            restrict_public_buckets: f(flags[3]),
                        },
                        self.prov(res.at.clone()),
                    ))
                }
            }
            "aws_s3_bucket_ownership_controls" => {
                let (rule, unknown) = res.block("rule");
                let at = self.prov(res.ptr("rule").index(0).key("object_ownership"));
                if unknown || res.block_unknown("rule", "object_ownership") {
                    BucketFact::Ownership(Known::Unknown(at, self.why(addr, "rule")))
                } else {
                    match rule.and_then(|r| str_at(r, "object_ownership")) {
                        Some("BucketOwnerEnforced") => BucketFact::Ownership(Known::Present(
                            ObjectOwnership::BucketOwnerEnforced,
                            at,
                        )),
                        Some("BucketOwnerPreferred") => BucketFact::Ownership(Known::Present(
                            ObjectOwnership::BucketOwnerPreferred,
                            at,
                        )),
                        Some("ObjectWriter") => {
                            BucketFact::Ownership(Known::Present(ObjectOwnership::ObjectWriter, at))
                        }
                        other => {
                            self.out.problems.push(Diagnostic::in_file(
                                &codes::MALFORMED_EXPORT,
                                &self.file,
                                Some(at.pointer.clone()),
                                format!("unknown object ownership `{}`", other.unwrap_or("")),
                            ));
                            return;
                        }
                    }
                }
            }
            _ => {
                // aws_s3_bucket_server_side_encryption_configuration
                let (rule, unknown) = res.block("rule");
                let at = self.prov(res.ptr("rule"));
                if unknown {
                    BucketFact::Encryption(Known::Unknown(at, self.why(addr, "rule")))
                } else {
                    let default =
                        rule.and_then(|r| match r.get("apply_server_side_encryption_by_default") {
                            Some(Json::Array(a)) => a.first(),
                            _ => None,
                        });
                    let key = default
                        .and_then(|d| str_at(d, "kms_master_key_id"))
                        .filter(|k| !k.is_empty());
                    // A key the plan creates: its id is its address until apply.
                    let key = key.map(str::to_owned).or_else(|| {
                        self.referenced(addr, "rule", "aws_kms_key").map(|k| {
                            k.s("arn")
                                .map(str::to_owned)
                                .unwrap_or_else(|| k.addr.to_owned())
                        })
                    });
                    BucketFact::Encryption(Known::Present(
                        Encryption {
                            algorithm: default
                                .and_then(|d| str_at(d, "sse_algorithm"))
                                .unwrap_or("AES256")
                                .to_owned(),
                            kms_key: key,
                            bucket_key: matches!(
                                rule.and_then(|r| r.get("bucket_key_enabled")),
                                Some(Json::Bool(true))
                            ),
                        },
                        at,
                    ))
                }
            }
        };
        self.out.items.push(Item::Bucket {
            account,
            bucket,
            fact,
        });
    }

    /// (account, region, id) of a planned or existing key.
    fn key_of(&mut self, r: usize) -> Option<(String, String, String)> {
        let res = &self.res[r];
        if let Some((a, reg, id)) = res.s("arn").and_then(key_parts) {
            return Some((a, reg, id));
        }
        let account = self.account_of(r, Some("arn"))?;
        let region = self.region_of(r, Some("arn"));
        let res = &self.res[r];
        let id = res.s("key_id").unwrap_or(res.addr).to_owned();
        Some((account, region, id))
    }

    fn kms_key(&mut self, r: usize) {
        let Some((account, region, id)) = self.key_of(r) else {
            return;
        };
        let res = &self.res[r];
        let addr = res.addr;
        let policy = match self.policy(r, "policy", DocKind::Key, &id) {
            // No policy: AWS applies the default key policy (the account root, `kms:*`).
            Known::Absent(at) => {
                let text = format!(
                    r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                );
                match crate::policy::Policy::parse_text(
                    &text,
                    DocKind::Key,
                    Origin {
                        file: Some(Arc::from(format!(
                            "{} (default key policy of {addr})",
                            self.file
                        ))),
                        name: Some(Arc::from(id.as_str())),
                        pointer: Pointer::root(),
                        embedded: false,
                    },
                ) {
                    Ok(p) => Known::Present(p, at),
                    Err(_) => Known::Unknown(at, "the default key policy".to_owned()),
                }
            }
            other => other,
        };
        let res = &self.res[r];
        let meta = KeyMetadata {
            arn: res.s("arn").map(str::to_owned),
            key_manager: Some("CUSTOMER".to_owned()),
            key_state: None,
            enabled: match res.after.get("is_enabled") {
                Some(Json::Bool(b)) => Some(*b),
                _ => None,
            },
            key_spec: res.s("customer_master_key_spec").map(str::to_owned),
            multi_region: match res.after.get("multi_region") {
                Some(Json::Bool(b)) => Some(*b),
                _ => None,
            },
            description: res.s("description").map(str::to_owned),
        };
        let at = self.prov(res.at.clone());
        let mut facts = vec![
            KeyFact::Policy(policy),
            KeyFact::Metadata(Known::Present(meta, at)),
        ];
        if let Some(arn) = res.s("arn") {
            facts.push(KeyFact::Arn(arn.to_owned()));
        }
        for fact in facts {
            self.out.items.push(Item::Key {
                account: account.clone(),
                region: region.clone(),
                key_id: id.clone(),
                fact,
            });
        }
    }

    /// The key that `key_id` of resource `r` names: an ARN, an id, or a planned key.
    fn key_ref(&mut self, r: usize) -> Option<(String, String, String, Option<String>)> {
        let res = &self.res[r];
        let addr = res.addr;
        if let Some(k) = res.s("key_id") {
            if let Some((a, reg, id)) = key_parts(k) {
                return Some((a, reg, id, Some(k.to_owned())));
            }
            let account = self.account_of(r, None)?;
            let region = self.region_of(r, None);
            return Some((account, region, k.to_owned(), None));
        }
        let target = self.referenced(addr, "key_id", "aws_kms_key").map(|t| {
            let i = self.by_addr.get(t.addr).copied();
            (i, t.s("arn").map(str::to_owned))
        });
        match target {
            Some((Some(i), arn)) => {
                let (a, reg, id) = self.key_of(i)?;
                Some((a, reg, id, arn))
            }
            _ => {
                let res = &self.res[r];
                let (at, why) = (res.ptr("key_id"), self.why(addr, "key_id"));
                self.warn(
                    at,
                    format!("{why}: which key it is for is unknown; not used"),
                );
                None
            }
        }
    }

    fn kms_key_policy(&mut self, r: usize) {
        let Some((account, region, id, _)) = self.key_ref(r) else {
            return;
        };
        let policy = self.policy(r, "policy", DocKind::Key, &id);
        self.out.items.push(Item::Key {
            account,
            region,
            key_id: id,
            fact: KeyFact::Policy(policy),
        });
    }

    fn kms_grant(&mut self, r: usize) {
        let Some((account, region, id, arn)) = self.key_ref(r) else {
            return;
        };
        let res = &self.res[r];
        let addr = res.addr;
        let at = res.at.clone();
        if res.is_unknown("grantee_principal") || res.is_unknown("operations") {
            let attr = if res.is_unknown("grantee_principal") {
                "grantee_principal"
            } else {
                "operations"
            };
            let p = Pending {
                what: format!("grant `{addr}`"),
                why: self.why(addr, attr),
                at: self.prov(at),
            };
            self.out.items.push(Item::Key {
                account,
                region,
                key_id: id,
                fact: KeyFact::Pending(p),
            });
            return;
        }
        // The grant as list-grants would print it.
        let s = |v: &str| Json::String(std::borrow::Cow::Owned(v.to_owned()));
        let key_text = arn.unwrap_or_else(|| id.clone());
        let mut members = vec![("KeyId".into(), s(&key_text)), ("GrantId".into(), s(addr))];
        if let Some(n) = res.s("name") {
            members.push(("Name".into(), s(n)));
        }
        if let Some(g) = res.s("grantee_principal") {
            members.push(("GranteePrincipal".into(), s(g)));
        }
        if let Some(ops) = res.after.get("operations") {
            members.push(("Operations".into(), ops.clone()));
        }
        let (constraints, unknown_constraints) = res.block("constraints");
        if unknown_constraints {
            let why = self.why(addr, "constraints");
            self.out.items.push(Item::Key {
                account,
                region,
                key_id: id,
                fact: KeyFact::Pending(Pending {
                    what: format!("grant `{addr}`"),
                    why,
                    at: self.prov(at),
                }),
            });
            return;
        }
        if let Some(c) = constraints {
            let mut cm = Vec::new();
            for (tf, aws) in [
                ("encryption_context_equals", "EncryptionContextEquals"),
                ("encryption_context_subset", "EncryptionContextSubset"),
            ] {
                if let Some(m @ Json::Object(o)) = c.get(tf) {
                    if !o.is_empty() {
                        cm.push((aws.into(), m.clone()));
                    }
                }
            }
            if !cm.is_empty() {
                members.push(("Constraints".into(), Json::Object(cm)));
            }
        }
        let grant_json = Json::Object(members);
        let origin = Origin {
            file: Some(self.file.clone()),
            name: Some(Arc::from(addr)),
            pointer: at.clone(),
            embedded: false,
        };
        match Grant::from_json(&grant_json, origin) {
            Ok(g) => self.out.items.push(Item::Key {
                account,
                region,
                key_id: id,
                fact: KeyFact::PlannedGrant(Box::new(g), self.prov(at)),
            }),
            Err(errs) => {
                for e in errs.0 {
                    self.out.problems.push(Diagnostic::in_file(
                        &codes::MALFORMED_EXPORT,
                        &self.file,
                        Some(at.clone()),
                        e.kind.to_string(),
                    ));
                }
            }
        }
    }

    fn repository(&mut self, r: usize) {
        let res = &self.res[r];
        let (ty, creates) = (res.ty, res.creates);
        let name = if ty == "aws_ecr_repository" {
            res.s("name").map(str::to_owned)
        } else {
            self.name_via(r, "repository", "aws_ecr_repository", "name")
        };
        let Some(name) = name else {
            let res = &self.res[r];
            let attr = if ty == "aws_ecr_repository" {
                "name"
            } else {
                "repository"
            };
            let (at, why) = (res.ptr(attr), self.why(res.addr, attr));
            self.warn(
                at,
                format!("{why}: which repository it is is unknown; not used"),
            );
            return;
        };
        let Some(account) = self.account_of(r, Some("arn")) else {
            return;
        };
        let region = self.region_of(r, Some("arn"));
        let at = self.prov(self.res[r].at.clone());
        let policy = if ty == "aws_ecr_repository" {
            if creates {
                Known::Absent(at.clone())
            } else {
                Known::NotExported
            }
        } else {
            self.policy(r, "policy", DocKind::Repository, &name)
        };
        self.out.items.push(Item::Repository {
            account,
            region,
            name,
            policy,
            at,
        });
    }

    fn registry_policy(&mut self, r: usize) {
        let Some(account) = self.account_of(r, None) else {
            return;
        };
        let region = self.region_of(r, None);
        let policy = self.policy(r, "policy", DocKind::Registry, "registry policy");
        self.out.items.push(Item::RegistryPolicy {
            account,
            region,
            policy,
        });
    }

    fn model_package_group(&mut self, r: usize) {
        let res = &self.res[r];
        let (ty, creates) = (res.ty, res.creates);
        let name = if ty == "aws_sagemaker_model_package_group" {
            res.s("model_package_group_name").map(str::to_owned)
        } else {
            self.name_via(
                r,
                "model_package_group_name",
                "aws_sagemaker_model_package_group",
                "model_package_group_name",
            )
        };
        let Some(name) = name else {
            let res = &self.res[r];
            let (at, why) = (
                res.ptr("model_package_group_name"),
                self.why(res.addr, "model_package_group_name"),
            );
            self.warn(at, format!("{why}: which group it is is unknown; not used"));
            return;
        };
        let Some(account) = self.account_of(r, Some("arn")) else {
            return;
        };
        let region = self.region_of(r, Some("arn"));
        let at = self.prov(self.res[r].at.clone());
        let policy = if ty == "aws_sagemaker_model_package_group" {
            creates.then(|| Known::Absent(at.clone()))
        } else {
            Some(self.policy(r, "resource_policy", DocKind::ModelPackageGroup, &name))
        };
        self.out.items.push(Item::ModelPackageGroup {
            account,
            region,
            name,
            policy,
            at,
        });
    }

    fn role(&mut self, r: usize) {
        let res = &self.res[r];
        let Some(name) = res.s("name").map(str::to_owned) else {
            let (at, why) = (res.ptr("name"), self.why(res.addr, "name"));
            self.warn(at, format!("{why}: the role cannot be named; not used"));
            return;
        };
        let Some(account) = self.account_of(r, Some("arn")) else {
            return;
        };
        let res = &self.res[r];
        let addr = res.addr;
        let path = res.s("path").unwrap_or("/").to_owned();
        let arn = res
            .s("arn")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("arn:aws:iam::{account}:role{path}{name}"));
        let at = res.at.clone();
        let trust = self.policy(
            r,
            "assume_role_policy",
            DocKind::Trust,
            &format!("{name} trust policy"),
        );
        let res = &self.res[r];
        let mut pending = Vec::new();
        let mut inline = Vec::new();
        // `inline_policy` and `managed_policy_arns` are computed when the configuration leaves
        // them out (they then mirror attachments managed elsewhere): unknown only when set.
        let configured = |attr: &str| self.refs.get(addr).is_some_and(|a| a.contains_key(attr));
        if res.is_unknown("inline_policy") && configured("inline_policy") {
            pending.push(Pending {
                what: "inline policies".to_owned(),
                why: self.why(addr, "inline_policy"),
                at: self.prov(res.ptr("inline_policy")),
            });
        } else if let Some(Json::Array(list)) = res.after.get("inline_policy") {
            for (i, p) in list.iter().enumerate() {
                let pname = str_at(p, "name").unwrap_or("inline").to_owned();
                let ptr = res.ptr("inline_policy").index(i).key("policy");
                let unknown = res.block_unknown("inline_policy", "policy")
                    || matches!(
                        res.unknown
                            .and_then(|u| u.get("inline_policy"))
                            .and_then(|l| match l {
                                Json::Array(a) => a.get(i),
                                _ => None,
                            })
                            .and_then(|e| e.get("policy")),
                        Some(Json::Bool(true))
                    );
                if unknown {
                    pending.push(Pending {
                        what: format!("inline policy `{pname}`"),
                        why: self.why(addr, "inline_policy"),
                        at: self.prov(ptr),
                    });
                    continue;
                }
                match p.get("policy") {
                    Some(doc) if !matches!(doc, Json::Null) => {
                        if let Known::Present(pol, _) = policy_at(
                            doc,
                            &ptr,
                            &self.file,
                            DocKind::Identity,
                            Some(Arc::from(format!("{name}/{pname}"))),
                            &mut self.out.problems,
                        ) {
                            inline.push(pol);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut attached = Vec::new();
        if res.is_unknown("managed_policy_arns") && configured("managed_policy_arns") {
            pending.push(Pending {
                what: "attached managed policies".to_owned(),
                why: self.why(addr, "managed_policy_arns"),
                at: self.prov(res.ptr("managed_policy_arns")),
            });
        } else if let Some(Json::Array(list)) = res.after.get("managed_policy_arns") {
            attached.extend(list.iter().filter_map(Json::as_str).map(str::to_owned));
        }
        let boundary = res.s("permissions_boundary").map(str::to_owned);
        if res.is_unknown("permissions_boundary") {
            pending.push(Pending {
                what: "permissions boundary".to_owned(),
                why: self.why(addr, "permissions_boundary"),
                at: self.prov(res.ptr("permissions_boundary")),
            });
        }
        let tags = match res.after.get("tags") {
            Some(Json::Object(m)) => m
                .iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_owned())))
                .collect(),
            _ => Vec::new(),
        };
        let role = Role {
            name,
            arn,
            id: res.s("unique_id").map(str::to_owned),
            trust,
            inline,
            attached,
            boundary,
            tags,
            pending,
            at: self.prov(at),
        };
        self.out.items.push(Item::Role {
            account,
            role: Box::new(role),
        });
    }

    fn role_name(&mut self, r: usize) -> Option<String> {
        // `role` takes a role name (or, in older configurations, an ARN or id).
        let name = self
            .name_via(r, "role", "aws_iam_role", "name")
            .map(|n| n.rsplit('/').next().unwrap_or(&n).to_owned());
        if name.is_none() {
            let res = &self.res[r];
            let (at, why) = (res.ptr("role"), self.why(res.addr, "role"));
            self.warn(
                at,
                format!("{why}: which role it is for is unknown; not used"),
            );
        }
        name
    }

    fn role_policy(&mut self, r: usize) {
        let Some(role) = self.role_name(r) else {
            return;
        };
        let Some(account) = self.account_of(r, None) else {
            return;
        };
        let name = self.res[r].s("name").unwrap_or("inline").to_owned();
        let name = format!("{role}/{name}");
        let policy = self.policy(r, "policy", DocKind::Identity, &name);
        self.out.items.push(Item::RolePolicy {
            account,
            role,
            policy,
            name,
        });
    }

    /// The ARN a planned `aws_iam_policy` will have.
    fn policy_arn(&mut self, r: usize) -> Option<String> {
        let res = &self.res[r];
        if let Some(a) = res.s("arn") {
            return Some(a.to_owned());
        }
        let name = res.s("name")?.to_owned();
        let path = res.s("path").unwrap_or("/").to_owned();
        let account = self.account_of(r, None)?;
        Some(format!("arn:aws:iam::{account}:policy{path}{name}"))
    }

    fn managed_policy(&mut self, r: usize) {
        let Some(arn) = self.policy_arn(r) else {
            let res = &self.res[r];
            let (at, why) = (res.ptr("name"), self.why(res.addr, "name"));
            self.warn(at, format!("{why}: the policy cannot be named; not used"));
            return;
        };
        let Some(account) = Arn::parse(&arn).map(|a| a.account.to_owned()) else {
            return;
        };
        let document = self.policy(r, "policy", super::aws_cli::managed_kind(&arn), &arn);
        let res = &self.res[r];
        let policy = ManagedPolicy {
            name: res.s("name").unwrap_or_default().to_owned(),
            arn,
            default_version: None,
            document,
            at: self.prov(res.at.clone()),
        };
        self.out.items.push(Item::ManagedPolicy {
            account,
            policy: Box::new(policy),
        });
    }

    fn attachment(&mut self, r: usize) {
        let Some(role) = self.role_name(r) else {
            return;
        };
        let Some(account) = self.account_of(r, None) else {
            return;
        };
        let res = &self.res[r];
        let addr = res.addr;
        let at = self.prov(res.ptr("policy_arn"));
        let arn = match res.s("policy_arn") {
            Some(a) => Known::Present(a.to_owned(), at),
            None => {
                let target = self
                    .referenced(addr, "policy_arn", "aws_iam_policy")
                    .and_then(|t| self.by_addr.get(t.addr).copied());
                match target.and_then(|i| self.policy_arn(i)) {
                    Some(a) => Known::Present(a, at),
                    None => Known::Unknown(at, self.why(addr, "policy_arn")),
                }
            }
        };
        self.out
            .items
            .push(Item::RoleAttachment { account, role, arn });
    }

    fn org_policy(&mut self, r: usize) {
        let res = &self.res[r];
        let type_name = res.s("type").unwrap_or("SERVICE_CONTROL_POLICY");
        let Some(kind) = OrgPolicyType::parse(type_name) else {
            return;
        };
        let id = res.s("id").unwrap_or(res.addr).to_owned();
        let name = res.s("name").unwrap_or(&id).to_owned();
        let at = self.prov(res.at.clone());
        let pk = match kind {
            OrgPolicyType::Scp => DocKind::Scp,
            OrgPolicyType::Rcp => DocKind::Rcp,
        };
        let document = self.policy(r, "content", pk, &name);
        let key = self.res[r].addr.to_owned();
        self.org_policies.insert(
            key,
            (
                OrgPolicy {
                    id,
                    name,
                    kind,
                    aws_managed: false,
                    document,
                    at,
                },
                Vec::new(),
            ),
        );
    }

    fn org_attachment(&mut self, r: usize) {
        let res = &self.res[r];
        let addr = res.addr;
        let Some(target) = res.s("target_id").map(str::to_owned) else {
            let (at, why) = (res.ptr("target_id"), self.why(addr, "target_id"));
            self.warn(
                at,
                format!("{why}: where the policy is attached is unknown; not used"),
            );
            return;
        };
        // The planned policy this attaches, by reference or by id.
        let by_ref = self
            .referenced(addr, "policy_id", "aws_organizations_policy")
            .map(|t| t.addr.to_owned());
        let policy_id = res.s("policy_id").map(str::to_owned);
        let key = by_ref.or_else(|| {
            policy_id.as_ref().and_then(|id| {
                self.org_policies
                    .iter()
                    .find(|(_, (p, _))| &p.id == id)
                    .map(|(k, _)| k.clone())
            })
        });
        match key.and_then(|k| self.org_policies.get_mut(&k)) {
            Some((_, targets)) => targets.push(target),
            None => {
                let at = self.res[r].at.clone();
                self.warn(
                    at,
                    format!(
                        "`{addr}` attaches policy `{}`, which the plan does not define: not used",
                        policy_id.as_deref().unwrap_or("unknown")
                    ),
                );
            }
        }
    }
}
