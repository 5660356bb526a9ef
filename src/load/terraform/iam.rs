//! IAM: roles (`aws_iam_role`), users (`aws_iam_user`, their access keys
//! `aws_iam_access_key`), groups (`aws_iam_group`) and memberships
//! (`aws_iam_user_group_membership`, `aws_iam_group_membership`), inline policies
//! (`aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`), managed policies
//! (`aws_iam_policy`) and their attachments (`aws_iam_*_policy_attachment`,
//! `aws_iam_policy_attachment`).

use super::*;

impl Plan<'_, '_> {
    pub(super) fn role(&mut self, r: usize) {
        let name = self.own_name(r, "name");
        let account = self.account_of(r, Some("arn"));
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
        let config = self.config(addr).cloned().unwrap_or_default();
        let configured = |attr: &str| config.contains_key(attr);
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
                            None,
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

    /// Tags of a planned IAM entity.
    fn tags(&self, r: usize) -> Vec<(String, String)> {
        match self.res[r].after.get("tags") {
            Some(Json::Object(m)) => m
                .iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_owned())))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The ARN of a planned IAM entity of `kind` (`user`, `group`).
    fn entity_arn(&mut self, r: usize, kind: &str, name: &str) -> (String, String) {
        let account = self.account_of(r, Some("arn"));
        let res = &self.res[r];
        let path = res.s("path").unwrap_or("/");
        let arn = res
            .s("arn")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("arn:aws:iam::{account}:{kind}{path}{name}"));
        (account, arn)
    }

    pub(super) fn user(&mut self, r: usize) {
        let name = self.own_name(r, "name");
        let (account, arn) = self.entity_arn(r, "user", &name);
        let tags = self.tags(r);
        let res = &self.res[r];
        let mut pending = Vec::new();
        if res.is_unknown("permissions_boundary") {
            pending.push(Pending {
                what: "permissions boundary".to_owned(),
                why: self.why(res.addr, "permissions_boundary"),
                at: self.prov(res.ptr("permissions_boundary")),
            });
        }
        let user = User {
            name,
            arn,
            id: res.s("unique_id").map(str::to_owned),
            inline: Vec::new(),
            attached: Vec::new(),
            groups: Vec::new(),
            boundary: res.s("permissions_boundary").map(str::to_owned),
            tags,
            access_keys: Vec::new(),
            pending,
            at: self.prov(res.at.clone()),
        };
        self.out.items.push(Item::User {
            account,
            user: Box::new(user),
        });
    }

    pub(super) fn group(&mut self, r: usize) {
        let name = self.own_name(r, "name");
        let (account, arn) = self.entity_arn(r, "group", &name);
        let group = Group {
            name,
            arn,
            inline: Vec::new(),
            attached: Vec::new(),
            pending: Vec::new(),
            at: self.prov(self.res[r].at.clone()),
        };
        self.out.items.push(Item::Group {
            account,
            group: Box::new(group),
        });
    }

    /// The IAM entity that `attr` of resource `r` names: a name (or, in older
    /// configurations, an ARN), or a planned entity it refers to.
    fn owner(&mut self, r: usize, attr: &str) -> Option<Owner> {
        let (tf, make): (&str, fn(String) -> Owner) = match attr {
            "role" => ("aws_iam_role", Owner::Role),
            "user" => ("aws_iam_user", Owner::User),
            _ => ("aws_iam_group", Owner::Group),
        };
        let name = self
            .name_via(r, attr, tf, "name")
            .map(|n| n.rsplit('/').next().unwrap_or(&n).to_owned());
        if name.is_none() {
            self.target_unknown(r, attr, &format!("which {attr}"));
        }
        name.map(make)
    }

    /// `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`.
    pub(super) fn inline_policy(&mut self, r: usize, attr: &str) {
        let Some(owner) = self.owner(r, attr) else {
            return;
        };
        let account = self.account_of(r, None);
        let (Owner::Role(entity) | Owner::User(entity) | Owner::Group(entity)) = &owner;
        let name = self.res[r].s("name").unwrap_or("inline").to_owned();
        let name = format!("{entity}/{name}");
        let policy = self.policy(r, "policy", DocKind::Identity, &name);
        self.out.items.push(Item::InlinePolicy {
            account,
            owner,
            policy,
            name,
        });
    }

    /// The ARN a planned `aws_iam_policy` will have.
    pub(super) fn policy_arn(&mut self, r: usize) -> Option<String> {
        let res = &self.res[r];
        if let Some(a) = res.s("arn") {
            return Some(a.to_owned());
        }
        let name = res.s("name")?.to_owned();
        let path = res.s("path").unwrap_or("/").to_owned();
        let account = self.account_of(r, None);
        Some(format!("arn:aws:iam::{account}:policy{path}{name}"))
    }

    pub(super) fn managed_policy(&mut self, r: usize) {
        let Some(arn) = self.policy_arn(r) else {
            self.target_unknown(r, "name", "which policy");
            return;
        };
        let Some(account) = Arn::parse(&arn).map(|a| a.account.to_owned()) else {
            return;
        };
        let document = self.policy(r, "policy", crate::load::aws_cli::managed_kind(&arn), &arn);
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

    /// The ARN `policy_arn` of resource `r` names (a planned policy's, until apply).
    fn attached_arn(&mut self, r: usize) -> Known<String> {
        let res = &self.res[r];
        let addr = res.addr;
        let at = self.prov(res.ptr("policy_arn"));
        match res.s("policy_arn") {
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
        }
    }

    /// `aws_iam_role_policy_attachment`, `aws_iam_user_policy_attachment`,
    /// `aws_iam_group_policy_attachment`.
    pub(super) fn attachment(&mut self, r: usize, attr: &str) {
        let Some(owner) = self.owner(r, attr) else {
            return;
        };
        let account = self.account_of(r, None);
        let arn = self.attached_arn(r);
        self.out.items.push(Item::Attachment {
            account,
            owner,
            arn,
        });
    }

    /// The names of a list attribute; `None` (counted as not evaluated) when the list is
    /// known only after apply.
    fn names(&mut self, r: usize, attr: &str, what: &str) -> Option<Vec<String>> {
        let res = &self.res[r];
        if res.is_unknown(attr) {
            let (at, why) = (res.ptr(attr), self.why(res.addr, attr));
            let what = format!("the {what} of `{}`", res.addr);
            self.not_evaluated(at, what, why, true);
            return None;
        }
        Some(match res.after.get(attr) {
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(Json::as_str)
                .map(|n| n.rsplit('/').next().unwrap_or(n).to_owned())
                .collect(),
            _ => Vec::new(),
        })
    }

    /// `aws_iam_policy_attachment`: one policy attached to users, roles and groups.
    pub(super) fn exclusive_attachment(&mut self, r: usize) {
        let account = self.account_of(r, None);
        let arn = self.attached_arn(r);
        for (attr, make) in [
            ("users", Owner::User as fn(String) -> Owner),
            ("roles", Owner::Role),
            ("groups", Owner::Group),
        ] {
            for name in self.names(r, attr, attr).unwrap_or_default() {
                self.out.items.push(Item::Attachment {
                    account: account.clone(),
                    owner: make(name),
                    arn: arn.clone(),
                });
            }
        }
    }

    /// `aws_iam_user_group_membership` (`user`, `groups`) and `aws_iam_group_membership`
    /// (`group`, `users`).
    pub(super) fn membership(&mut self, r: usize) {
        let account = self.account_of(r, None);
        let at = self.prov(self.res[r].at.clone());
        let pairs: Vec<(String, String)> = if self.res[r].ty == "aws_iam_group_membership" {
            let Some(Owner::Group(group)) = self.owner(r, "group") else {
                return;
            };
            let users = self.names(r, "users", "users").unwrap_or_default();
            users.into_iter().map(|u| (u, group.clone())).collect()
        } else {
            let Some(Owner::User(user)) = self.owner(r, "user") else {
                return;
            };
            let groups = self.names(r, "groups", "groups").unwrap_or_default();
            groups.into_iter().map(|g| (user.clone(), g)).collect()
        };
        for (user, group) in pairs {
            self.out.items.push(Item::Membership {
                account: account.clone(),
                user,
                group,
                at: at.clone(),
            });
        }
    }

    /// `aws_iam_access_key`.
    pub(super) fn access_key(&mut self, r: usize) {
        let Some(Owner::User(user)) = self.owner(r, "user") else {
            return;
        };
        let account = self.account_of(r, None);
        let res = &self.res[r];
        let key = AccessKey {
            id: res.s("id").map(str::to_owned),
            status: res.s("status").unwrap_or("Active").to_owned(),
            at: self.prov(res.at.clone()),
        };
        self.out.items.push(Item::AccessKey { account, user, key });
    }
}
