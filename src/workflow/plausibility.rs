//! The plausibility checks of a request (one Region, the group exists, names that cannot
//! be resources) and the policy files a run touches.

use super::*;

impl Run<'_> {
    /// The resource policies and grants of every account the workflow touches: the caller's,
    /// the consumer's, the group's, and the images' and artifacts' owners.
    pub(super) fn involved_policy_files(&self) -> Vec<Arc<str>> {
        let accounts = self.involved_accounts();
        let mut files: Vec<Arc<str>> = Vec::new();
        let mut push = |p: Option<&crate::inventory::Provenance>| {
            if let Some(p) = p {
                if !files.contains(&p.file) {
                    files.push(p.file.clone());
                }
            }
        };
        for id in &accounts {
            let Some(acct) = self.inv.accounts.get(id) else {
                continue;
            };
            for b in acct.buckets.values() {
                push(b.policy.provenance());
            }
            for r in acct.repositories.values() {
                push(r.policy.provenance());
            }
            for k in acct.keys.values() {
                push(k.policy.provenance());
                push(k.grants.provenance());
            }
            for g in acct.model_package_groups.values() {
                push(g.policy.provenance());
            }
        }
        files
    }

    /// What the report assumes about the organizations of the accounts it involves (an
    /// account in none, stated by its export or by `--no-organization`).
    pub(super) fn assumptions(&self) -> Vec<String> {
        self.involved_accounts()
            .iter()
            .filter_map(|a| self.inv.membership(a).assumption(a))
            .collect()
    }

    /// The accounts the workflow touches: the caller's, the consumer's, the group's, and the
    /// images' and artifacts' owners.
    fn involved_accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> = Vec::new();
        let mut add = |a: Option<&str>| {
            if let Some(a) = a {
                if !accounts.iter().any(|x| x == a) {
                    accounts.push(a.to_owned());
                }
            }
        };
        add(self.caller.account());
        add(self.consumer.account());
        add(self.request.group.account.as_deref());
        for c in &self.request.containers {
            add(c.image.as_ref().map(|i| i.account.as_str()));
            if let Some(a) = &c.artifact {
                add(self
                    .inv
                    .bucket_owner(&a.bucket)
                    .map(|(acct, _)| acct.id.as_str()));
            }
        }
        accounts
    }

    pub(super) fn plausibility(&self) -> Vec<Plausibility> {
        let mut out = Vec::new();
        let req = self.request;
        for p in &req.problems {
            out.push(Plausibility {
                check: "request".into(),
                ok: (!p.undecided).then_some(false),
                message: p.message.clone(),
                at: Some(Place {
                    location: p.location(),
                    sid: None,
                    policy: "request".into(),
                }),
            });
        }
        // Image, artifact and group in one Region.
        let group_region = req.group.region.clone();
        for c in &req.containers {
            let mut regions: Vec<(String, String)> = Vec::new();
            if let Some(r) = &group_region {
                regions.push(("the model package group".into(), r.clone()));
            }
            if let Some(i) = &c.image {
                regions.push((format!("container {}'s image", c.index), i.region.clone()));
            }
            if let Some(a) = &c.artifact {
                match self.inv.bucket_owner(&a.bucket).map(|(_, b)| &b.region) {
                    Some(Known::Present(r, _)) => regions.push((format!("container {}'s artifact bucket", c.index), r.clone())),
                    _ => out.push(Plausibility {
                        check: "same-region".into(),
                        ok: None,
                        message: format!("the Region of bucket `{}` is unknown (no `get-bucket-location` export)", a.bucket),
                        at: None,
                    }),
                }
            }
            let distinct: std::collections::BTreeSet<&str> =
                regions.iter().map(|(_, r)| r.as_str()).collect();
            if distinct.len() > 1 {
                out.push(Plausibility {
                    check: "same-region".into(),
                    ok: Some(false),
                    message: format!(
                        "the image, the artifact and the group must be in one Region: {}",
                        regions
                            .iter()
                            .map(|(w, r)| format!("{w} in {r}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    at: None,
                });
            } else if regions.len() > 1 {
                out.push(Plausibility {
                    check: "same-region".into(),
                    ok: Some(true),
                    message: format!(
                        "container {}: image, artifact and group are in {}",
                        c.index, regions[0].1
                    ),
                    at: None,
                });
            }
        }
        // The group exists when the registry account is loaded.
        let g = &req.group;
        if let (Some(account), Some(region)) = (&g.account, &g.region) {
            match self.inv.accounts.get(account) {
                Some(a) => {
                    let exists = a.model_package_groups.contains_key(&(region.clone(), g.name.clone()));
                    out.push(Plausibility {
                        check: "group-exists".into(),
                        ok: Some(exists),
                        message: if exists {
                            format!("model package group `{}` is in the registry account's export", g.name)
                        } else {
                            format!("model package group `{}` is not in account {account}'s export for {region}", g.name)
                        },
                        at: None,
                    });
                }
                None => out.push(Plausibility {
                    check: "group-exists".into(),
                    ok: None,
                    message: format!("account {account} (the registry) is not loaded: the group cannot be verified"),
                    at: None,
                }),
            }
        }
        if g.arn.is_none() && !g.written.is_empty() {
            out.push(Plausibility {
                check: "group-arn".into(),
                ok: Some(true),
                message: "`ModelPackageGroupName` is a name, so the group is in the caller's account; a cross-account registration must give the group's ARN"
                    .into(),
                at: Some(Place::request(
                    &req.file,
                    Pointer::root().key("ModelPackageGroupName"),
                )),
            });
        }
        out
    }
}
