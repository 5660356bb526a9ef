//! The resources of a template that carry policies, as the items an export or a plan gives:
//! IAM roles (trust, inline policies, managed policy ARNs, boundary), users, groups, inline
//! (`AWS::IAM::Policy`) and managed policies with what they attach to, and the ECR registry
//! policy; buckets, keys, repositories and model package groups are read by
//! [`super::storage`], and every other resource with a resource-based policy by
//! [`super::shared`] into the generic model.
//!
//! A resource whose name CloudFormation generates (no `RoleName`, `BucketName`…) and every
//! KMS key (whose id is random) is entered under its handle `<LogicalId>`, which no AWS name
//! can be: what names it in the same template (`Ref`, `Fn::GetAtt`) finds it, while a policy
//! that would need its real name or ARN is unknown, so decisions on it are not verified.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::intrinsic::Stack;
use super::reader::{Reader, Res};
use super::value::V;
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, IamPage, Item, Owner};
use crate::inventory::resources::MadePolicies;
use crate::inventory::{Group, Known, ManagedPolicy, Pending, Role, User, UNKNOWN_ACCOUNT};
use crate::json::{Json, Pointer};
use crate::load::aws_cli::managed_kind;
use crate::policy::{DocKind, Policy};

/// Reads every resource of `stack`.
pub(super) fn read_stack(stack: &Stack<'_, '_>, file: &Arc<str>, out: &mut FileOutput) {
    let root = stack.root;
    let transforms: Vec<String> = match root.get("Transform") {
        Some(Json::String(s)) => vec![s.to_string()],
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    for t in transforms
        .iter()
        .filter(|t| *t != "AWS::LanguageExtensions")
    {
        out.problems.push(Diagnostic::in_file(
            &codes::EXPORT_NOT_USED,
            file,
            Some(Pointer::root().key("Transform")),
            format!("the transform `{t}` makes resources at deploy (their roles and policies among them): what it makes is not read"),
        ));
    }
    let account = stack
        .account
        .clone()
        .unwrap_or_else(|| UNKNOWN_ACCOUNT.to_owned());
    let mut r = Reader {
        stack,
        file: file.clone(),
        account,
        region: stack.region.clone().unwrap_or_default(),
        out,
        first: Vec::new(),
        later: Vec::new(),
        users: BTreeMap::new(),
        groups: BTreeMap::new(),
        uncertain: None,
        permissions: MadePolicies::default(),
    };
    let Some(resources) = root.get("Resources").and_then(Json::as_object) else {
        return;
    };
    // Users and groups first: policies and memberships elsewhere add to them.
    let order = |ty: &str| match ty {
        "AWS::IAM::User" | "AWS::IAM::Group" => 0,
        _ => 1,
    };
    let mut list: Vec<(&str, &Json<'_>)> = resources.iter().map(|(k, v)| (k.as_ref(), v)).collect();
    list.sort_by_key(|(_, v)| order(v.get("Type").and_then(Json::as_str).unwrap_or("")));
    for (logical, json) in list {
        let at = Pointer::root().key("Resources").key(logical);
        if logical.starts_with("Fn::ForEach::") {
            r.warn(at, format!("`{logical}` (`Fn::ForEach`) is expanded at deploy: the resources it makes are not read"));
            continue;
        }
        let Some(ty) = json.get("Type").and_then(Json::as_str) else {
            r.stack
                .problem(&at, format!("resource `{logical}` has no `Type`"));
            continue;
        };
        r.uncertain = match stack.exists(json, &at) {
            Ok(true) => None,
            Ok(false) => continue,
            Err(v) => Some(match v.first_unknown() {
                Some(u) => format!("`{logical}` is created only if {}", u.why),
                None => format!("whether `{logical}` is created is unknown"),
            }),
        };
        let res = Res {
            logical,
            ty,
            json,
            at,
        };
        r.resource(&res);
    }
    r.finish();
}

impl<'s, 't, 'a> Reader<'s, 't, 'a> {
    fn resource(&mut self, res: &Res<'_, '_>) {
        match res.ty {
            "AWS::IAM::Role" => self.role(res),
            "AWS::IAM::User" => self.user(res),
            "AWS::IAM::Group" => self.group(res),
            "AWS::IAM::Policy" => self.inline_policy(res),
            "AWS::IAM::ManagedPolicy" => self.managed_policy(res),
            "AWS::IAM::UserToGroupAddition" => self.group_addition(res),
            "AWS::S3::Bucket" => self.bucket(res),
            "AWS::S3::BucketPolicy" => self.bucket_policy(res),
            "AWS::KMS::Key" => self.key(res),
            "AWS::ECR::Repository" => self.repository(res),
            "AWS::ECR::RegistryPolicy" => {
                let policy = self.policy(res, "PolicyText", DocKind::Registry, "registry policy");
                self.later.push(Item::RegistryPolicy {
                    account: self.account.clone(),
                    region: self.region.clone(),
                    policy,
                });
            }
            "AWS::SageMaker::ModelPackageGroup" => self.model_package_group(res),
            "AWS::CloudFormation::Stack" if res.json.get("Metadata").and_then(|m| m.get("aws:asset:path")).is_some() => {
                // A CDK nested stack: its template is read from the cloud assembly.
            }
            "AWS::CloudFormation::Stack" => self.warn(
                res.at.clone(),
                format!("nested stack `{}`: its template (`TemplateURL`) is not read; pass it as a file to read its resources", res.logical),
            ),
            ty if ty.starts_with("AWS::Serverless::") => self.warn(
                res.at.clone(),
                format!("`{}` ({ty}) is made by the SAM transform at deploy, with roles and policies that are not read", res.logical),
            ),
            _ => {
                self.shared(res);
            }
        }
    }

    fn role(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let arn = self.iam_arn(res.logical, "role", &name);
        let trust = self.policy(
            res,
            "AssumeRolePolicyDocument",
            DocKind::Trust,
            &format!("{name} trust policy"),
        );
        let mut pending = Vec::new();
        let (inline, p) = self.inline_list(res, &name);
        pending.extend(p);
        let (attached, p) = self.managed_arns(res);
        pending.extend(p);
        let (boundary, p) = self.boundary(res);
        pending.extend(p);
        if let Some(why) = &self.uncertain {
            pending.push(Pending {
                what: "role".to_owned(),
                why: why.clone(),
                at: self.prov(res.at.clone()),
            });
        }
        let role = Role {
            name,
            arn,
            id: None,
            trust,
            inline,
            attached,
            boundary,
            tags: self.tags(res),
            pending,
            at: self.prov(res.at.clone()),
        };
        self.first.push(Item::Role {
            account: self.account.clone(),
            role: Box::new(role),
        });
    }

    /// `Policies`: the inline policies, and those that are unknown.
    fn inline_list(&mut self, res: &Res<'_, '_>, owner: &str) -> (Vec<Policy>, Vec<Pending>) {
        let mut inline = Vec::new();
        let mut pending = Vec::new();
        for (at, p) in self.list(res, "Policies") {
            let pname = p
                .get("PolicyName")
                .and_then(V::scalar_text)
                .unwrap_or_else(|| "inline".into());
            let doc = p.get("PolicyDocument").cloned();
            let what = format!("inline policy `{pname}`");
            match self.policy_value(
                doc,
                at.key("PolicyDocument"),
                DocKind::Identity,
                &format!("{owner}/{pname}"),
            ) {
                Known::Present(pol, _) => inline.push(pol),
                Known::Unknown(at, why) => pending.push(Pending { what, why, at }),
                Known::Absent(_) | Known::NotExported => {}
            }
        }
        (inline, pending)
    }

    /// A list property of names of `ty` resources (`ManagedPolicyArns`, `Groups`): the
    /// names, and those that are unknown as pending `what`.
    fn names_in(
        &mut self,
        res: &Res<'_, '_>,
        key: &str,
        ty: &str,
        what: &str,
    ) -> (Vec<String>, Vec<Pending>) {
        let mut names = Vec::new();
        let mut pending = Vec::new();
        for (at, v) in self.list(res, key) {
            match self.named(&v, ty) {
                Ok(a) => names.push(a),
                Err(why) => pending.push(Pending {
                    what: what.to_owned(),
                    why,
                    at: self.prov(at),
                }),
            }
        }
        (names, pending)
    }

    fn managed_arns(&mut self, res: &Res<'_, '_>) -> (Vec<String>, Vec<Pending>) {
        self.names_in(
            res,
            "ManagedPolicyArns",
            "AWS::IAM::ManagedPolicy",
            "an attached managed policy",
        )
    }

    fn boundary(&mut self, res: &Res<'_, '_>) -> (Option<String>, Vec<Pending>) {
        match self.prop(res, "PermissionsBoundary") {
            None | Some(V::Null) => (None, Vec::new()),
            Some(v) => match self.named(&v, "AWS::IAM::ManagedPolicy") {
                Ok(a) => (Some(a), Vec::new()),
                Err(why) => (
                    None,
                    vec![Pending {
                        what: "permissions boundary".to_owned(),
                        why,
                        at: self.prov(res.ptr("PermissionsBoundary")),
                    }],
                ),
            },
        }
    }

    /// Users and groups have no place for unknown values: one with any is left out (and
    /// is then unknown), with why.
    fn user(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let arn = self.iam_arn(res.logical, "user", &name);
        let (inline, mut pending) = self.inline_list(res, &name);
        let (attached, p) = self.managed_arns(res);
        pending.extend(p);
        let (boundary, p) = self.boundary(res);
        pending.extend(p);
        let (groups, p) = self.names_in(res, "Groups", "AWS::IAM::Group", "a group");
        pending.extend(p);
        let why = self.uncertain.clone().or_else(|| {
            pending
                .first()
                .map(|p| format!("its {} is unknown: {}", p.what, p.why))
        });
        let user = User {
            name: name.clone(),
            arn,
            id: None,
            inline,
            attached,
            groups,
            boundary,
            tags: self.tags(res),
            access_keys: Vec::new(),
            pending: Vec::new(),
            at: self.prov(res.at.clone()),
        };
        self.users.insert(name, (user, why));
    }

    fn group(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let arn = self.iam_arn(res.logical, "group", &name);
        let (inline, mut pending) = self.inline_list(res, &name);
        let (attached, p) = self.managed_arns(res);
        pending.extend(p);
        let why = self.uncertain.clone().or_else(|| {
            pending
                .first()
                .map(|p| format!("its {} is unknown: {}", p.what, p.why))
        });
        let group = Group {
            name: name.clone(),
            arn,
            inline,
            attached,
            pending: Vec::new(),
            at: self.prov(res.at.clone()),
        };
        self.groups.insert(name, (group, why));
    }

    /// The principals (`Roles`, `Users`, `Groups`) an `AWS::IAM::Policy` or
    /// `AWS::IAM::ManagedPolicy` attaches to; one that cannot be named is reported.
    fn targets(&mut self, res: &Res<'_, '_>) -> Vec<(&'static str, String, Pointer)> {
        let mut out = Vec::new();
        for (key, ty) in [
            ("Roles", "AWS::IAM::Role"),
            ("Users", "AWS::IAM::User"),
            ("Groups", "AWS::IAM::Group"),
        ] {
            for (at, v) in self.list(res, key) {
                match self.named(&v, ty) {
                    // A role may be named by its ARN.
                    Ok(n) if n.starts_with("arn:") => {
                        out.push((key, n.rsplit('/').next().unwrap_or(&n).to_owned(), at))
                    }
                    Ok(n) => out.push((key, n, at)),
                    Err(why) => self.warn(
                        at,
                        format!(
                            "which principal `{}` is for is unknown ({why}); not used",
                            res.logical
                        ),
                    ),
                }
            }
        }
        out
    }

    fn attach_to_user_or_group(
        &mut self,
        key: &str,
        name: &str,
        at: Pointer,
        f: impl FnOnce(&mut Vec<Policy>, &mut Vec<String>),
    ) {
        let slot = match key {
            "Users" => self
                .users
                .get_mut(name)
                .map(|(u, _)| (&mut u.inline, &mut u.attached)),
            _ => self
                .groups
                .get_mut(name)
                .map(|(g, _)| (&mut g.inline, &mut g.attached)),
        };
        match slot {
            Some((inline, attached)) => f(inline, attached),
            None => self.warn(at, format!("{} `{name}` is not made by this template: a policy cannot be added to what the exports say of it; not used", if key == "Users" { "user" } else { "group" })),
        }
    }

    fn spoil(&mut self, key: &str, name: &str, why: String) {
        let slot = match key {
            "Users" => self.users.get_mut(name).map(|(_, w)| w),
            _ => self.groups.get_mut(name).map(|(_, w)| w),
        };
        if let Some(w) = slot {
            w.get_or_insert(why);
        }
    }

    fn inline_policy(&mut self, res: &Res<'_, '_>) {
        let pname = self
            .text(res, "PolicyName")
            .ok()
            .flatten()
            .unwrap_or_else(|| res.logical.to_owned());
        let policy = self.policy(res, "PolicyDocument", DocKind::Identity, &pname);
        for (key, name, at) in self.targets(res) {
            if key == "Roles" {
                self.later.push(Item::InlinePolicy {
                    account: self.account.clone(),
                    owner: Owner::Role(name.clone()),
                    policy: policy.clone(),
                    name: format!("{name}/{pname}"),
                });
                continue;
            }
            match &policy {
                Known::Present(p, _) => {
                    let p = p.clone();
                    self.attach_to_user_or_group(key, &name, at, |inline, _| inline.push(p));
                }
                Known::Unknown(_, why) => self.spoil(
                    key,
                    &name,
                    format!("inline policy `{pname}` is unknown: {why}"),
                ),
                _ => {}
            }
        }
    }

    fn managed_policy(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let arn = self.iam_arn(res.logical, "policy", &name);
        let document = self.policy(res, "PolicyDocument", managed_kind(&arn), &arn);
        for (key, t, at) in self.targets(res) {
            if key == "Roles" {
                self.later.push(Item::Attachment {
                    account: self.account.clone(),
                    owner: Owner::Role(t),
                    arn: Known::Present(arn.clone(), self.prov(at)),
                });
            } else {
                let a = arn.clone();
                self.attach_to_user_or_group(key, &t, at, |_, attached| attached.push(a));
            }
        }
        let policy = ManagedPolicy {
            name,
            arn,
            default_version: None,
            document,
            at: self.prov(res.at.clone()),
        };
        self.first.push(Item::ManagedPolicy {
            account: self.account.clone(),
            policy: Box::new(policy),
        });
    }

    fn group_addition(&mut self, res: &Res<'_, '_>) {
        let group = match self
            .prop(res, "GroupName")
            .map(|v| self.named(&v, "AWS::IAM::Group"))
        {
            Some(Ok(g)) => g,
            _ => {
                self.warn(
                    res.at.clone(),
                    format!(
                        "which group `{}` adds users to is unknown; not used",
                        res.logical
                    ),
                );
                return;
            }
        };
        for (at, v) in self.list(res, "Users") {
            match self.named(&v, "AWS::IAM::User") {
                Ok(u) => match self.users.get_mut(&u) {
                    Some((user, _)) => user.groups.push(group.clone()),
                    None => self.warn(
                        at,
                        format!("user `{u}` is not made by this template; not used"),
                    ),
                },
                Err(why) => self.warn(
                    at,
                    format!(
                        "which user `{}` adds is unknown ({why}); not used",
                        res.logical
                    ),
                ),
            }
        }
    }

    fn finish(&mut self) {
        self.finish_permissions();
        let mut page = IamPage::default();
        for (name, (user, why)) in std::mem::take(&mut self.users) {
            match why {
                None => page.users.push(user),
                Some(why) => self.warn(
                    user.at.pointer.clone(),
                    format!("user `{name}` is left out, so what it may do is unknown: {why}"),
                ),
            }
        }
        for (name, (group, why)) in std::mem::take(&mut self.groups) {
            match why {
                None => page.groups.push(group),
                Some(why) => self.warn(
                    group.at.pointer.clone(),
                    format!(
                        "group `{name}` is left out, so what its users may do is unknown: {why}"
                    ),
                ),
            }
        }
        if !page.users.is_empty() || !page.groups.is_empty() {
            self.first.insert(
                0,
                Item::IamPage {
                    account: self.account.clone(),
                    page: Box::new(page),
                },
            );
        }
        self.out.items.append(&mut self.first);
        self.out.items.append(&mut self.later);
    }
}
