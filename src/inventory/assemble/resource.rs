//! The resource's half of a request: its owner, its policy, KMS grants, S3's bucket facts
//! (ownership, Block Public Access), and the RCPs of its account's organization path.

use super::*;

impl Inventory {
    pub(super) fn resource_policy_of<'i>(
        a: &mut ResourceHalf<'i>,
        policy: &'i Known<Policy>,
        what: &str,
    ) {
        match policy {
            Known::Present(p, _) => a.resource_policy = Some(p),
            Known::Absent(_) => {}
            Known::NotExported => a.unknown(
                UnknownKind::ResourcePolicyNotExported,
                Side::Resource,
                Impact::Either,
                a.resource.clone(),
                format!("the {what} was not exported"),
                None,
            ),
            Known::Unknown(at, why) => a.unknown(
                if why.contains("after apply") {
                    UnknownKind::AfterApply
                } else {
                    UnknownKind::Unreadable
                },
                Side::Resource,
                Impact::Either,
                a.resource.clone(),
                format!("the {what} is unknown: {why}"),
                Some(at.clone()),
            ),
        }
    }

    /// `caller` is the caller's account, which owns the resource `*`.
    pub(super) fn resource_side<'i>(
        &'i self,
        a: &mut ResourceHalf<'i>,
        action: &str,
        caller: Option<&str>,
    ) {
        let resource = a.resource.clone();
        if resource == "*" {
            a.resource_kind = ResourceKind::Any;
            a.resource_account = caller.map(str::to_owned);
            a.caller = Some(a.resource_account.clone());
            return;
        }
        let Some(arn) = Arn::parse(&resource) else {
            a.notes.push(format!("`{resource}` is not an ARN"));
            return;
        };
        if is_account_id(arn.account) {
            a.resource_account = Some(arn.account.to_owned());
        }
        if !arn.region.is_empty() {
            a.region = Some(arn.region.to_owned());
        }
        if let Some(ty) = crate::inventory::resources::type_of_arn(&resource) {
            return self.policy_resource_side(a, ty);
        }
        let acct = self.accounts.get(arn.account);
        let not_loaded = |a: &mut ResourceHalf<'i>, what: &str| {
            let owner = arn.account;
            a.unknown(
                UnknownKind::AccountNotExported,
                Side::Resource,
                Impact::Either,
                owner,
                format!(
                    "nothing was loaded for account {owner}: the {what} of `{resource}` is unknown"
                ),
                None,
            );
        };
        match arn.service {
            "s3" => self.s3_side(a, arn.resource),
            "ecr" => {
                a.resource_kind = ResourceKind::Repository;
                let Some(name) = arn.resource.strip_prefix("repository/") else {
                    return;
                };
                let Some(acct) = acct else {
                    return not_loaded(a, "repository policy");
                };
                let repo = acct
                    .repositories
                    .get(&(arn.region.to_owned(), name.to_owned()))
                    .or_else(|| acct.repositories.get(&(String::new(), name.to_owned())));
                if let Some(Known::Present(p, _)) = acct.registry_policies.get(arn.region) {
                    a.registry_policy = Some(p);
                    a.notes.push("the registry policy is loaded but not evaluated: how it combines with a repository policy is not documented".to_owned());
                }
                match repo {
                    Some(r) => {
                        a.repository = Some(r);
                        Self::resource_policy_of(a, &r.policy, &format!("policy of repository `{name}`"));
                    }
                    None => a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("no repository policy export for repository `{name}` in {} of account {}", arn.region, arn.account),
                        None,
                    ),
                }
            }
            "kms" => {
                a.resource_kind = ResourceKind::Key;
                let Some(id) = arn.resource.strip_prefix("key/") else {
                    a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("`{resource}` is not a key ARN: which key an alias names is not exported"),
                        None,
                    );
                    return;
                };
                let Some(acct) = acct else {
                    return not_loaded(a, "key policy and grants");
                };
                let key = acct
                    .keys
                    .get(&(arn.region.to_owned(), id.to_owned()))
                    .or_else(|| acct.keys.get(&(String::new(), id.to_owned())));
                let Some(key) = key else {
                    a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("no export for key `{id}` in {} of account {}: its key policy and grants are unknown", arn.region, arn.account),
                        None,
                    );
                    return;
                };
                a.key = Some(key);
                Self::resource_policy_of(a, &key.policy, &format!("key policy of `{id}`"));
                match &key.grants {
                    Known::Present(gs, _) => a.grants.extend(gs.iter()),
                    Known::Absent(_) => {}
                    other => a.unknown(
                        UnknownKind::KeyGrants,
                        Side::Resource,
                        Impact::MayAllow,
                        &resource,
                        format!("the grants of key `{id}` are unknown ({})", other.why_unknown().unwrap_or_default()),
                        other.provenance().cloned(),
                    ),
                }
                for p in &key.pending {
                    a.unknown(
                        UnknownKind::AfterApply,
                        Side::Resource,
                        Impact::MayAllow,
                        &resource,
                        format!("{} on key `{id}` is unknown: {}", p.what, p.why),
                        Some(p.at.clone()),
                    );
                }
                if !key.metadata.is_known() {
                    let u = Unknown {
                        kind: UnknownKind::KeyMetadata,
                        side: Side::Resource,
                        impact: Impact::MayDeny,
                        subject: resource.clone(),
                        message: format!("whether key `{id}` is AWS managed (never usable by another account) is unknown: `describe-key` was not exported"),
                        at: None,
                    };
                    // It matters to callers from another account only.
                    a.record(u, Some(arn.account));
                }
            }
            "sagemaker" => {
                let group = arn
                    .resource
                    .strip_prefix("model-package-group/")
                    .or_else(|| {
                        arn.resource
                            .strip_prefix("model-package/")
                            .map(|r| r.split('/').next().unwrap_or(r))
                    });
                let Some(group) = group else {
                    return;
                };
                a.resource_kind = ResourceKind::ModelPackageGroup;
                let Some(acct) = acct else {
                    return not_loaded(a, "model package group policy");
                };
                let found = acct
                    .model_package_groups
                    .get(&(arn.region.to_owned(), group.to_owned()))
                    .or_else(|| {
                        // Names compare without regard to case (docs/semantics.md §8.1).
                        acct.model_package_groups.values().find(|g| {
                            (g.region == arn.region || g.region.is_empty())
                                && g.name.eq_ignore_ascii_case(group)
                        })
                    });
                match found {
                    Some(g) => {
                        a.model_package_group = Some(g);
                        Self::resource_policy_of(a, &g.policy, &format!("policy of model package group `{}`", g.name));
                    }
                    None => a.unknown(
                        UnknownKind::ResourceNotExported,
                        Side::Resource,
                        Impact::Either,
                        &resource,
                        format!("no export for model package group `{group}` in {} of account {}", arn.region, arn.account),
                        None,
                    ),
                }
            }
            "iam" if arn.resource.starts_with("role/") && action.to_ascii_lowercase().starts_with("sts:") => {
                a.resource_kind = ResourceKind::Role;
                let name = arn.resource.rsplit('/').next().unwrap_or_default();
                let Some(acct) = acct else {
                    return not_loaded(a, "trust policy");
                };
                match acct.iam.as_ref() {
                    None => a.unknown(
                        UnknownKind::IamNotExported,
                        Side::Resource,
                        Impact::Either,
                        arn.account,
                        format!("no IAM export for account {}: the trust policy of `{resource}` is unknown", arn.account),
                        None,
                    ),
                    Some(iam) => match iam.roles.get(name) {
                        Some(role) => Self::resource_policy_of(a, &role.trust, &format!("trust policy of role `{name}`")),
                        None if iam.complete() => a.notes.push(format!("role `{name}` is not in the IAM export of account {}: it does not exist", arn.account)),
                        None => a.unknown(
                            UnknownKind::PrincipalNotExported,
                            Side::Resource,
                            Impact::Either,
                            &resource,
                            format!("role `{name}` of account {} is unknown: its IAM export is incomplete", arn.account),
                            None,
                        ),
                    },
                }
            }
            service if UNREAD_RESOURCE_POLICIES.contains(&service) => a.unknown(
                UnknownKind::ResourcePolicyNotExported,
                Side::Resource,
                Impact::Either,
                &resource,
                format!("xacct does not read {service} resource policies: the policy of `{resource}` is unknown"),
                None,
            ),
            _ => {}
        }
    }

    /// A resource of the generic model: its owner and policy.
    fn policy_resource_side<'i>(
        &'i self,
        a: &mut ResourceHalf<'i>,
        ty: &'static crate::inventory::ResourceType,
    ) {
        a.resource_kind = ResourceKind::PolicyResource;
        let resource = a.resource.clone();
        let Some((acct, r)) = self.resource(&resource) else {
            let owner = a.resource_account.clone();
            let (kind, message) = match owner.as_deref().filter(|o| !self.accounts.contains_key(*o)) {
                Some(o) => (
                    UnknownKind::AccountNotExported,
                    format!("nothing was loaded for account {o}: the policy of {} `{resource}` is unknown", ty.label),
                ),
                None => (
                    UnknownKind::ResourceNotExported,
                    format!("no export has {} `{resource}`: its policy is unknown", ty.label),
                ),
            };
            a.unknown(
                kind,
                Side::Resource,
                Impact::Either,
                &resource,
                message,
                None,
            );
            return;
        };
        a.resource_account = Some(acct.id.clone());
        if a.region.is_none() && !r.region.is_empty() {
            a.region = Some(r.region.clone());
        }
        a.policy_resource = Some(r);
        Self::resource_policy_of(a, &r.policy, &format!("policy of {}", r.label()));
    }

    pub(super) fn s3_side<'i>(&'i self, a: &mut ResourceHalf<'i>, path: &str) {
        let (bucket_name, is_object) = match path.split_once('/') {
            Some((b, _)) => (b, true),
            None => (path, false),
        };
        a.resource_kind = if is_object {
            ResourceKind::Object
        } else {
            ResourceKind::Bucket
        };
        let Some((acct, bucket)) = self.bucket_owner(bucket_name) else {
            a.unknown(
                UnknownKind::ResourceNotExported,
                Side::Resource,
                Impact::Either,
                bucket_name,
                format!("no loaded account has bucket `{bucket_name}`: its owner, bucket policy and settings are unknown"),
                None,
            );
            a.bucket = Some(BucketFacts {
                ownership: None,
                public_access_block: None,
                object_owner: ObjectOwner::Unknown,
            });
            return;
        };
        a.resource_account = Some(acct.id.clone());
        a.bucket_info = Some(bucket);
        a.region = bucket.region.value().cloned();
        Self::resource_policy_of(
            a,
            &bucket.policy,
            &format!("bucket policy of `{bucket_name}`"),
        );
        let ownership = bucket.ownership.value().copied();
        if is_object && ownership.is_none() {
            a.unknown(
                UnknownKind::BucketSetting,
                Side::Resource,
                Impact::MayDeny,
                bucket_name,
                format!(
                    "the ownership controls of bucket `{bucket_name}` are unknown ({}): with ACLs enabled, an object written by another account is not the bucket owner's",
                    bucket.ownership.why_unknown().unwrap_or_default()
                ),
                bucket.ownership.provenance().cloned(),
            );
        }
        // Block Public Access: bucket and account settings, the most restrictive wins; an
        // absent configuration means all flags off.
        let part = |k: &Known<PublicAccessBlock>| match k {
            Known::Present(p, _) => Some(*p),
            Known::Absent(_) => Some(PublicAccessBlock::default()),
            _ => None,
        };
        let (b, acc) = (
            part(&bucket.public_access_block),
            part(&acct.public_access_block),
        );
        let known = b.unwrap_or_default().combine(acc.unwrap_or_default());
        let public_access_block = if known.restrict_public_buckets || (b.is_some() && acc.is_some())
        {
            Some(known)
        } else {
            let public = bucket
                .policy
                .value()
                .is_some_and(crate::eval::is_public_policy);
            if public {
                let which = match (b.is_some(), acc.is_some()) {
                    (false, false) => "the bucket's and the account's Block Public Access settings",
                    (false, true) => "the bucket's Block Public Access setting",
                    _ => "the account's Block Public Access setting (`s3control/public-access-block.json`)",
                };
                let u = Unknown {
                    kind: UnknownKind::BucketSetting,
                    side: Side::Resource,
                    impact: Impact::MayDeny,
                    subject: bucket_name.to_owned(),
                    message: format!("the bucket policy of `{bucket_name}` is public and {which} are unknown: `RestrictPublicBuckets` would confine it to account {}", acct.id),
                    at: None,
                };
                // It matters to callers from outside the bucket's account only.
                a.record(u, Some(acct.id.as_str()));
            }
            None
        };
        let object_owner = match ownership {
            Some(ObjectOwnership::BucketOwnerEnforced) => ObjectOwner::BucketOwner,
            _ => ObjectOwner::Unknown,
        };
        a.bucket = Some(BucketFacts {
            ownership,
            public_access_block,
            object_owner,
        });
    }

    pub(super) fn rcp_side<'i>(&'i self, a: &mut ResourceHalf<'i>, action: &str) {
        let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
        if !RCP_SERVICES.contains(&service.as_str()) {
            return;
        }
        let Some(account) = a.resource_account.clone() else {
            return;
        };
        if a.key
            .and_then(|k| k.metadata.value())
            .and_then(|m| m.key_manager.as_deref())
            == Some("AWS")
        {
            a.notes
                .push("RCPs do not apply to AWS managed KMS keys".to_owned());
            return;
        }
        let what = "the RCPs on its resources";
        if let Some(levels) = self.org_chain(a, &account, OrgPolicyType::Rcp, what) {
            a.rcps = levels;
        }
    }
}
