//! The principal's half of a request: its identity policies (its own and its groups', inline
//! and managed), its permissions boundary, and the SCPs of its organization path.

use super::*;
use crate::inventory::Pending;

impl Inventory {
    pub(super) fn identity_side<'i>(&'i self, a: &mut Assembled<'i>) {
        let Some(account) = a.principal.account().map(str::to_owned) else {
            return;
        };
        let shown = a.principal.display();
        if let Some(org) = self.org_of(&account) {
            a.principal_org = org.id.clone();
        }
        if matches!(a.principal, Principal::Root { .. }) {
            return;
        }
        let Some(acct) = self.accounts.get(&account) else {
            a.unknown(
                UnknownKind::AccountNotExported,
                Side::Principal,
                Impact::Either,
                &account,
                format!("nothing was loaded for account {account}: the identity side of `{shown}` is unknown"),
                None,
            );
            return;
        };
        let Some(iam) = &acct.iam else {
            a.unknown(
                UnknownKind::IamNotExported,
                Side::Principal,
                Impact::Either,
                &account,
                format!("no IAM export for account {account}: the identity policies of `{shown}` are unknown"),
                None,
            );
            return;
        };
        let missing = |a: &mut Assembled<'i>, what: &str, name: &str| {
            if iam.complete() {
                a.notes.push(format!(
                    "{what} `{name}` is not in the IAM export of account {account}: it does not exist"
                ));
            } else {
                let why = if iam.truncated() {
                    "the IAM export is truncated"
                } else {
                    "only a Terraform plan describes its IAM"
                };
                a.unknown(
                    UnknownKind::PrincipalNotExported,
                    Side::Principal,
                    Impact::Either,
                    &shown,
                    format!("{what} `{name}` of account {account} is unknown: {why}"),
                    None,
                );
            }
        };
        match &a.principal {
            Principal::User { name, arn, .. } => {
                let (name, arn) = (name.clone(), arn.clone());
                let Some(user) = iam.users.get(&name) else {
                    missing(a, "user", &name);
                    return;
                };
                if user.arn != arn {
                    a.notes.push(format!(
                        "the IAM export names the user `{}`, not `{arn}`",
                        user.arn
                    ));
                }
                a.user = Some(user);
                a.principal_tags = user.tags.clone();
                a.identity.extend(user.inline.iter());
                let owner = format!("user `{name}`");
                for arn in &user.attached {
                    self.managed(a, &account, arn, &owner, false);
                }
                for g in &user.groups {
                    match iam.groups.get(g) {
                        Some(group) => {
                            a.identity.extend(group.inline.iter());
                            let owner = format!("group `{g}`");
                            for arn in &group.attached {
                                self.managed(a, &account, arn, &owner, false);
                            }
                        }
                        None => a.unknown(
                            UnknownKind::PrincipalNotExported,
                            Side::Principal,
                            Impact::Either,
                            g,
                            format!("group `{g}` of user `{name}` is not in the IAM export of account {account}"),
                            Some(user.at.clone()),
                        ),
                    }
                }
                if let Some(b) = &user.boundary {
                    self.managed(a, &account, b, &owner, true);
                }
                let mut pending: Vec<(String, &Pending)> =
                    user.pending.iter().map(|p| (owner.clone(), p)).collect();
                for g in user.groups.iter().filter_map(|g| iam.groups.get(g)) {
                    let whose = format!("group `{}`", g.name);
                    pending.extend(g.pending.iter().map(|p| (whose.clone(), p)));
                }
                for (whose, p) in pending {
                    a.unknown(
                        UnknownKind::AfterApply,
                        Side::Principal,
                        Impact::Either,
                        &user.arn,
                        format!("the {} of {whose} is unknown: {}", p.what, p.why),
                        Some(p.at.clone()),
                    );
                }
            }
            Principal::RoleSession {
                role_name,
                role_arn,
                role_path_known,
                ..
            } => {
                let (role_name, role_arn, path_known) =
                    (role_name.clone(), role_arn.clone(), *role_path_known);
                let Some(role) = iam.roles.get(&role_name) else {
                    missing(a, "role", &role_name);
                    return;
                };
                if path_known && role.arn != role_arn {
                    a.notes.push(format!(
                        "the IAM export names the role `{}`, not `{role_arn}`",
                        role.arn
                    ));
                }
                a.role = Some(role);
                a.principal_tags = role.tags.clone();
                a.identity.extend(role.inline.iter());
                let owner = format!("role `{role_name}`");
                for arn in &role.attached {
                    self.managed(a, &account, arn, &owner, false);
                }
                if let Some(b) = &role.boundary {
                    self.managed(a, &account, b, &owner, true);
                }
                for p in &role.pending {
                    a.unknown(
                        UnknownKind::AfterApply,
                        Side::Principal,
                        Impact::Either,
                        &role.arn,
                        format!("the {} of role `{role_name}` is unknown: {}", p.what, p.why),
                        Some(p.at.clone()),
                    );
                }
            }
            Principal::FederatedUser { arn, .. } => {
                let arn = arn.clone();
                a.unknown(
                    UnknownKind::PrincipalNotExported,
                    Side::Principal,
                    Impact::Either,
                    &arn,
                    format!("which IAM user created the federated session `{arn}` (and its session policy) is not exported"),
                    None,
                );
            }
            Principal::Root { .. }
            | Principal::AnyOf { .. }
            | Principal::Service(_)
            | Principal::Anonymous => {}
        }
    }

    pub(super) fn scp_side<'i>(&'i self, a: &mut Assembled<'i>, chains: &mut ScpChains<'i>) {
        let Some(account) = a.principal.account().map(str::to_owned) else {
            return;
        };
        if a.principal.is_service_linked_role() {
            return;
        }
        if !chains.0.contains_key(&account) {
            let mut chained = Chained::default();
            chained.levels = self.org_chain(&mut chained, &account, OrgPolicyType::Scp, "its SCPs");
            chains.0.insert(account.clone(), chained);
        }
        if let Some(chained) = chains.0.get(&account) {
            chained.say_to(a);
        }
    }
}
