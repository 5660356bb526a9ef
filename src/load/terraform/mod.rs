//! Terraform plans (`terraform show -json PLAN`), read for what they will apply
//! (docs/semantics.md §9.2).
//!
//! Each `resource_changes` entry of a supported type becomes the same items an AWS CLI export
//! gives: policies, roles, attachments, bucket settings, keys and grants, SCPs. A value that
//! is known only after apply (`after_unknown`) stays unknown ([`Known::Unknown`] or a
//! [`Pending`] entry), with the configuration's references saying where it comes from; it is
//! never guessed. A plan's items are merged after every export: they say what will be.
//!
//! Every format version Terraform writes is read (0.1 and 0.2 from Terraform 0.12 to 0.15,
//! 1.x since): the parts read have the same shape in all of them. A `terraform show -json` of
//! a *state* is refused (`XL0008`): read as a plan, it would be a plan that changes nothing.
//!
//! Accounts: from the resource's own ARN when the plan knows it, else `--terraform-account`,
//! else the account folder the plan sits in, else what the plan says (`account`: the
//! provider's `allowed_account_ids` or `assume_role` ARN, `data.aws_caller_identity`, the ARNs
//! of resources that exist). Otherwise the account is [`UNKNOWN_ACCOUNT`] (`XL0010`): the
//! resources are still read, and every account their policies name counts as outside.
//! Regions: from ARNs, the resource's `region` attribute, or the provider's constant
//! `region`. New buckets get AWS's documented defaults for new buckets
//! (`BucketOwnerEnforced`, all Block Public Access flags on) unless the plan sets them.
//!
//! What carries a policy and cannot be evaluated (a value or a target known only after
//! apply) is counted in one `XL0009` line per plan, and kept in the inventory's list of what
//! was not evaluated, so that no gate passes over it.

mod account;
mod documents;
mod ecr;
mod iam;
mod kms;
mod org;
mod s3;
mod shared;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::aws_cli::kms::key_parts;
use super::aws_cli::{policy_at, str_at};
use super::layout::Place;
use super::{LoadOptions, PlanSide};
use crate::arn::{is_account_id, Arn};
use crate::diagnostic::{codes, Diagnostic};
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::inventory::merge::{BucketFact, FileOutput, Item, KeyFact, Owner};
use crate::inventory::org::{OrgPolicy, OrgPolicyType};
use crate::inventory::{
    AccessKey, Encryption, Group, KeyMetadata, Known, ManagedPolicy, ModelPackageGroup, Pending,
    Provenance, Repository, Role, Unevaluated, User, UNKNOWN_ACCOUNT,
};
use crate::json::{Json, Pointer};
use crate::load::classify::{classify, FileKind};
use crate::policy::{DocKind, Grant, Origin};

/// Whether a document is a `terraform show -json` output: a plan, or a state (which
/// [`read_plan`] refuses).
pub(crate) fn is_plan(json: &Json<'_>) -> bool {
    matches!(
        classify(json),
        FileKind::TerraformPlan | FileKind::TerraformState
    )
}

pub use documents::{plan_documents, PlanDocument};

/// The format versions read: `0.1` and `0.2` (Terraform 0.12 to 0.15) and `1.x`.
fn supported_version(version: &str) -> bool {
    let mut parts = version.split('.');
    matches!(
        (parts.next(), parts.next()),
        (Some("0"), Some("1" | "2")) | (Some("1"), _)
    )
}

/// How to make a plan, for the message that refuses a state.
pub const MAKE_A_PLAN: &str =
    "terraform plan -out tf.plan && terraform show -json tf.plan > plan.json";

/// Types read first, so that what refers to them finds them.
const FIRST: [&str; 9] = [
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_iam_role",
    "aws_iam_user",
    "aws_iam_group",
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
    pub(super) fn s(&self, k: &str) -> Option<&'j str> {
        str_at(self.after, k).filter(|s| !s.is_empty())
    }

    pub(super) fn is_unknown(&self, k: &str) -> bool {
        matches!(self.unknown.and_then(|u| u.get(k)), Some(Json::Bool(true)))
    }

    pub(super) fn ptr(&self, k: &str) -> Pointer {
        self.at.key(k)
    }

    /// The first element of a nested block (`rule[0]`), and whether it is unknown.
    pub(super) fn block(&self, k: &str) -> (Option<&'j Json<'a>>, bool) {
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

    pub(super) fn block_unknown(&self, k: &str, inner: &str) -> bool {
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
    /// The account of every resource whose ARN does not say it, when known.
    account: Option<String>,
    /// Accounts by provider configuration key, when the plan's providers name several.
    provider_accounts: BTreeMap<String, String>,
    /// Provider configuration key by resource address.
    provider_keys: BTreeMap<String, String>,
    /// Resources placed in [`UNKNOWN_ACCOUNT`].
    unknown_account: usize,
    region: Option<String>,
    out: FileOutput,
    /// Everything of the plan that carries a policy and could not be evaluated.
    not_evaluated: Vec<Unevaluated>,
    /// Planned SCPs/RCPs by id or address, and their targets.
    org_policies: BTreeMap<String, (OrgPolicy, Vec<String>)>,
    /// Policies made of statements (Lambda permissions) or shares (snapshots), by ARN.
    made: crate::inventory::resources::MadePolicies,
}

/// Reads a plan.
pub(crate) fn read_plan(
    json: &Json<'_>,
    file: &Arc<str>,
    place: &Place,
    opts: &LoadOptions,
) -> FileOutput {
    let mut out = FileOutput::default();
    if classify(json) == FileKind::TerraformState {
        out.problems.push(Diagnostic {
            help: Some(format!("make a plan and show it: `{MAKE_A_PLAN}`")),
            ..Diagnostic::in_file(
                &codes::TERRAFORM_STATE_NOT_PLAN,
                file,
                None,
                format!("this is a Terraform state (`terraform show -json` without a plan file), not a plan: it says what exists, not what the next apply changes; make a plan with `{MAKE_A_PLAN}`"),
            )
        });
        return out;
    }
    let version = str_at(json, "format_version").unwrap_or("");
    if !supported_version(version) {
        out.problems.push(Diagnostic::in_file(
            &codes::MALFORMED_EXPORT,
            file,
            Some(Pointer::root().key("format_version")),
            format!("unsupported plan format version `{version}` (xacct reads 0.1, 0.2 and 1.x)"),
        ));
        return out;
    }
    let mut refs = HashMap::new();
    let mut provider_keys = BTreeMap::new();
    if let Some(root) = json.get("configuration").and_then(|c| c.get("root_module")) {
        collect_refs(root, "", &mut refs);
        account::provider_keys(root, "", &mut provider_keys);
    }
    let said = account::plan_accounts(json);
    let folder = match place {
        Place::Account { account, .. } => Some(account.clone()),
        _ => None,
    };
    let account = opts.terraform_account.clone().or(folder).or(said.all);
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
            let before = opts.plan_side == PlanSide::Before;
            let side = if before { "before" } else { "after" };
            let after = match change.get(side) {
                Some(a @ Json::Object(_)) => a,
                // Deleted (or forgotten), or not yet created: nothing of it on this side.
                _ => continue,
            };
            if !before && (actions == ["delete"] || actions == ["forget"]) {
                continue;
            }
            res.push(Res {
                addr,
                ty,
                after,
                // What exists before apply is known.
                unknown: if before {
                    None
                } else {
                    change.get("after_unknown")
                },
                at: changes_at.index(i).key("change").key(side),
                creates: !before && actions.contains(&"create"),
            });
        }
    }
    // Resources that others refer to first.
    res.sort_by_key(|r| !(FIRST.contains(&r.ty) || shared::is_parent(r.ty)));
    let by_addr = res.iter().enumerate().map(|(i, r)| (r.addr, i)).collect();
    let mut plan = Plan {
        file: file.clone(),
        refs,
        by_addr,
        res,
        account,
        provider_accounts: said.by_provider,
        provider_keys,
        unknown_account: 0,
        region,
        out,
        not_evaluated: Vec::new(),
        org_policies: BTreeMap::new(),
        made: Default::default(),
    };
    for i in 0..plan.res.len() {
        plan.resource(i);
    }
    plan.finish_made();
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
    plan.summarize();
    plan.out
}

/// `module.m["a"].aws_s3_bucket.b[0]` → `module.m.aws_s3_bucket.b`: how the configuration
/// names a resource instance.
fn strip_instance_keys(addr: &str) -> String {
    let mut out = String::with_capacity(addr.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in addr.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
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

impl<'j, 'a> Plan<'j, 'a> {
    pub(super) fn prov(&self, p: Pointer) -> Provenance {
        Provenance::at(&self.file, p)
    }

    pub(super) fn warn(&mut self, p: Pointer, msg: String) {
        self.out.problems.push(Diagnostic::in_file(
            &codes::EXPORT_NOT_USED,
            &self.file,
            Some(p),
            msg,
        ));
    }

    /// Why `attr` of `addr` is unknown, for messages.
    pub(super) fn why(&self, addr: &str, attr: &str) -> String {
        match self.config(addr).and_then(|a| a.get(attr)) {
            Some(r) if !r.is_empty() => format!(
                "`{addr}.{attr}` is known only after apply (from {})",
                r.join(", ")
            ),
            _ => format!("`{addr}.{attr}` is known only after apply"),
        }
    }

    /// The configured attributes (and their references) of the resource at `addr`.
    fn config(&self, addr: &str) -> Option<&BTreeMap<String, Vec<String>>> {
        self.refs
            .get(addr)
            .or_else(|| self.refs.get(&strip_instance_keys(addr)))
    }

    /// The resource of type `ty` that `attr` of `addr` refers to.
    pub(super) fn referenced(&self, addr: &str, attr: &str, ty: &str) -> Option<&Res<'j, 'a>> {
        let refs = self.config(addr)?.get(attr)?;
        refs.iter().find_map(|r| {
            // `aws_kms_key.k.arn`, `module.m.aws_kms_key.k`, `aws_kms_key.k[0]`…
            let pos = r.find(&format!("{ty}."))?;
            let (module, rest) = r.split_at(pos);
            let mut parts = rest.splitn(3, '.');
            let t = parts.next()?;
            let name = parts.next()?;
            let (name, key) = match name.split_once('[') {
                Some((n, k)) => (n, Some(k)),
                None => (name, None),
            };
            let target = format!("{module}{t}.{name}");
            let exact = match key {
                Some(k) => format!("{target}[{k}"),
                None => target.clone(),
            };
            let i = self.by_addr.get(exact.as_str()).copied().or_else(|| {
                // `aws_kms_key.k` of a counted resource: its first instance.
                self.res
                    .iter()
                    .position(|r| r.ty == ty && strip_instance_keys(r.addr) == target)
            })?;
            Some(&self.res[i])
        })
    }

    /// The account of resource `r`: its ARN's (`arn_attr`), or the plan's, or its provider's;
    /// [`UNKNOWN_ACCOUNT`] when nothing says.
    pub(super) fn account_of(&mut self, r: usize, arn_attr: Option<&str>) -> String {
        let res = &self.res[r];
        if let Some(a) = arn_attr
            .and_then(|k| res.s(k))
            .and_then(Arn::parse)
            .map(|a| a.account)
            .filter(|a| is_account_id(a))
        {
            return a.to_owned();
        }
        if let Some(a) = &self.account {
            return a.clone();
        }
        // A module's resources name their own address in the configuration without the
        // instance keys (`aws_s3_bucket.b[0]` is configured as `aws_s3_bucket.b`).
        let config_addr = strip_instance_keys(res.addr);
        if let Some(a) = self
            .provider_keys
            .get(&config_addr)
            .and_then(|k| self.provider_accounts.get(k))
        {
            return a.clone();
        }
        self.unknown_account += 1;
        UNKNOWN_ACCOUNT.to_owned()
    }

    /// Something of the plan that carries a policy could not be evaluated; `dropped`: it is
    /// not in the model at all (its target cannot be told).
    pub(super) fn not_evaluated(&mut self, at: Pointer, what: String, why: String, dropped: bool) {
        let u = Unevaluated {
            what,
            why,
            at: self.prov(at),
        };
        if dropped {
            self.out.dropped.push(u.clone());
        }
        self.not_evaluated.push(u);
    }

    /// The plan's summary lines: the account it applies to, when unknown (`XL0010`), and
    /// what could not be evaluated (`XL0009`).
    fn summarize(&mut self) {
        if self.unknown_account > 0 {
            self.out.problems.push(Diagnostic {
                help: Some("give `--terraform-account ACCOUNT`, put the plan in the account's folder, or set `allowed_account_ids` on the AWS provider".into()),
                ..Diagnostic::in_file(
                    &codes::PLAN_ACCOUNT_UNKNOWN,
                    &self.file,
                    None,
                    format!(
                        "the plan does not say which account it applies to: {} of its resources are read under account `{UNKNOWN_ACCOUNT}`, and every account their policies name counts as outside it",
                        self.unknown_account
                    ),
                )
            });
        }
        if self.not_evaluated.is_empty() {
            return;
        }
        let n = self.not_evaluated.len();
        let first = &self.not_evaluated[0];
        let more = match n {
            1 => String::new(),
            n => format!(" (and {} more, listed with their places)", n - 1),
        };
        let mut d = Diagnostic::in_file(
            &codes::POLICY_NOT_EVALUATED,
            &self.file,
            None,
            format!(
                "{n} {} of this plan could not be evaluated: {}: {}{more}",
                if n == 1 { "policy" } else { "policies" },
                first.what,
                first.why
            ),
        );
        d.related = self
            .not_evaluated
            .iter()
            .map(|u| crate::diagnostic::Related {
                location: u.at.clone(),
                message: format!("{}: {}", u.what, u.why),
            })
            .collect();
        self.out.problems.push(d);
    }

    pub(super) fn region_of(&self, r: usize, arn_attr: Option<&str>) -> String {
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
    pub(super) fn policy(
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
            let what = format!("the {} `{name}`", kind.label());
            self.not_evaluated(at.clone(), what, why.clone(), false);
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
                None,
                &mut self.out.problems,
            ),
        }
    }

    /// A string attribute, following references to `ty`'s `target_attr` when unknown. A
    /// resource the plan creates whose name is known only after apply (`name_prefix`…) is
    /// named by its address until then.
    pub(super) fn name_via(
        &self,
        r: usize,
        attr: &str,
        ty: &str,
        target_attr: &str,
    ) -> Option<String> {
        let res = &self.res[r];
        if let Some(s) = res.s(attr) {
            return Some(s.to_owned());
        }
        self.referenced(res.addr, attr, ty)
            .map(|t| t.s(target_attr).unwrap_or(t.addr).to_owned())
    }

    /// The name of a resource of the plan: `attr`, or its address while the name is known
    /// only after apply.
    pub(super) fn own_name(&self, r: usize, attr: &str) -> String {
        let res = &self.res[r];
        res.s(attr).unwrap_or(res.addr).to_owned()
    }

    /// A resource whose policy cannot be placed: which resource it is for is known only
    /// after apply. It is counted as not evaluated.
    pub(super) fn target_unknown(&mut self, r: usize, attr: &str, which: &str) {
        let res = &self.res[r];
        let (at, why) = (res.ptr(attr), self.why(res.addr, attr));
        let what = format!("`{}` ({which} it is for is unknown)", res.addr);
        self.not_evaluated(at, what, why, true);
    }

    pub(super) fn resource(&mut self, r: usize) {
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
            "aws_iam_user" => self.user(r),
            "aws_iam_group" => self.group(r),
            "aws_iam_role_policy" => self.inline_policy(r, "role"),
            "aws_iam_user_policy" => self.inline_policy(r, "user"),
            "aws_iam_group_policy" => self.inline_policy(r, "group"),
            "aws_iam_policy" => self.managed_policy(r),
            "aws_iam_role_policy_attachment" => self.attachment(r, "role"),
            "aws_iam_user_policy_attachment" => self.attachment(r, "user"),
            "aws_iam_group_policy_attachment" => self.attachment(r, "group"),
            "aws_iam_policy_attachment" => self.exclusive_attachment(r),
            "aws_iam_user_group_membership" | "aws_iam_group_membership" => self.membership(r),
            "aws_iam_access_key" => self.access_key(r),
            "aws_organizations_policy" => self.org_policy(r),
            "aws_organizations_policy_attachment" => self.org_attachment(r),
            ty if shared::is_shared(ty) => self.shared(r),
            _ => {}
        }
    }
}
