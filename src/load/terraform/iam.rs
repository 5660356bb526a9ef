//! IAM: roles (`aws_iam_role`), inline role policies (`aws_iam_role_policy`), managed
//! policies (`aws_iam_policy`) and their attachments (`aws_iam_role_policy_attachment`).

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

    pub(super) fn role_name(&mut self, r: usize) -> Option<String> {
        // `role` takes a role name (or, in older configurations, an ARN or id).
        let name = self
            .name_via(r, "role", "aws_iam_role", "name")
            .map(|n| n.rsplit('/').next().unwrap_or(&n).to_owned());
        if name.is_none() {
            self.target_unknown(r, "role", "which role");
        }
        name
    }

    pub(super) fn role_policy(&mut self, r: usize) {
        let Some(role) = self.role_name(r) else {
            return;
        };
        let account = self.account_of(r, None);
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

    pub(super) fn attachment(&mut self, r: usize) {
        let Some(role) = self.role_name(r) else {
            return;
        };
        let account = self.account_of(r, None);
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
}
