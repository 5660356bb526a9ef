//! The resources of a template that hold data and carry a resource policy, as the items
//! an export or a plan gives: S3 buckets (with AWS's defaults for new buckets: object
//! ownership enforced, Block Public Access on, SSE-S3) and their bucket policies, KMS keys
//! (the default key policy when the template gives none), ECR repositories and SageMaker
//! model package groups.

use std::sync::Arc;

use super::reader::{handle, Reader, Res};
use super::value::V;
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::inventory::merge::{BucketFact, Item, KeyFact};
use crate::inventory::{Encryption, KeyMetadata, Known, ModelPackageGroup, Repository};
use crate::json::Pointer;
use crate::policy::{DocKind, Origin, Policy};

impl Reader<'_, '_, '_> {
    fn bucket_name_of(&mut self, res: &Res<'_, '_>, key: &str) -> Option<String> {
        match self
            .prop(res, key)
            .map(|v| self.named(&v, "AWS::S3::Bucket"))
        {
            Some(Ok(b)) => Some(b),
            Some(Err(why)) => {
                self.warn(
                    res.ptr(key),
                    format!(
                        "which bucket `{}` is for is unknown ({why}); not used",
                        res.logical
                    ),
                );
                None
            }
            None => {
                self.stack
                    .problem(&res.at, format!("`{}` has no `{key}`", res.logical));
                None
            }
        }
    }

    fn bucket_fact(&mut self, bucket: &str, fact: BucketFact) {
        self.later.push(Item::Bucket {
            account: self.account.clone(),
            bucket: bucket.to_owned(),
            fact,
        });
    }

    pub(super) fn bucket(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let at = self.prov(res.at.clone());
        self.bucket_fact(&name, BucketFact::Exists(at.clone()));
        // A new bucket has no policy until a bucket policy gives it one.
        self.bucket_fact(&name, BucketFact::Policy(Known::Absent(at.clone())));
        if !self.region.is_empty() {
            self.bucket_fact(
                &name,
                BucketFact::Region(Known::Present(self.region.clone(), at.clone())),
            );
        }
        let ownership = match self.prop(res, "OwnershipControls") {
            None => Known::Present(ObjectOwnership::BucketOwnerEnforced, at.clone()),
            Some(v) => {
                let oat = self.prov(res.ptr("OwnershipControls"));
                match v
                    .get("Rules")
                    .and_then(|r| match r {
                        V::List(l) => l.first(),
                        _ => None,
                    })
                    .and_then(|r| r.get("ObjectOwnership"))
                {
                    Some(V::Str(s)) if s == "BucketOwnerEnforced" => {
                        Known::Present(ObjectOwnership::BucketOwnerEnforced, oat)
                    }
                    Some(V::Str(s)) if s == "BucketOwnerPreferred" => {
                        Known::Present(ObjectOwnership::BucketOwnerPreferred, oat)
                    }
                    Some(V::Str(s)) if s == "ObjectWriter" => {
                        Known::Present(ObjectOwnership::ObjectWriter, oat)
                    }
                    Some(V::Unknown(u)) => super::unknown(&self.file, u),
                    _ => Known::Unknown(oat, "the object ownership cannot be read".into()),
                }
            }
        };
        self.bucket_fact(&name, BucketFact::Ownership(ownership));
        let pab = match self.prop(res, "PublicAccessBlockConfiguration") {
            None => Known::Present(PublicAccessBlock::ALL, at.clone()),
            Some(v) => match v.first_unknown() {
                Some(u) => super::unknown(&self.file, u),
                None => {
                    // A flag the configuration leaves out is off.
                    let f = |k: &str| {
                        matches!(v.get(k), Some(V::Bool(true)))
                            || v.get(k).and_then(V::as_str) == Some("true")
                    };
                    Known::Present(
                        PublicAccessBlock {
                            block_public_acls: f("BlockPublicAcls"),
                            ignore_public_acls: f("IgnorePublicAcls"),
                            block_public_policy: f("BlockPublicPolicy"),
                            restrict_public_buckets: f("RestrictPublicBuckets"),
                        },
                        self.prov(res.ptr("PublicAccessBlockConfiguration")),
                    )
                }
            },
        };
        self.bucket_fact(&name, BucketFact::PublicAccessBlock(pab));
        let enc = self.encryption(res);
        self.bucket_fact(&name, BucketFact::Encryption(enc));
        if let Some(acl) = self.prop(res, "AccessControl") {
            let acl = self.canned_acl(res, &acl);
            self.bucket_fact(&name, BucketFact::Acl(acl));
        }
    }

    fn canned_acl(&self, res: &Res<'_, '_>, v: &V) -> Known<crate::inventory::BucketAcl> {
        use crate::inventory::{AclGrant, BucketAcl};
        let at = self.prov(res.ptr("AccessControl"));
        let grant = |who: &str, p: &str| AclGrant {
            grantee_type: "Group".into(),
            grantee: format!("http://acs.amazonaws.com/groups/global/{who}"),
            permission: p.into(),
        };
        let grants = match v {
            V::Unknown(u) => return super::unknown(&self.file, u),
            V::Str(s) => match s.as_str() {
                "PublicRead" => vec![grant("AllUsers", "READ")],
                "PublicReadWrite" => vec![grant("AllUsers", "READ"), grant("AllUsers", "WRITE")],
                "AuthenticatedRead" => vec![grant("AuthenticatedUsers", "READ")],
                "Private"
                | "BucketOwnerRead"
                | "BucketOwnerFullControl"
                | "LogDeliveryWrite"
                | "AwsExecRead" => Vec::new(),
                _ => return Known::Unknown(at, format!("`{s}` is not a canned ACL")),
            },
            _ => return Known::Unknown(at, "`AccessControl` is not a string".into()),
        };
        Known::Present(
            BucketAcl {
                owner: None,
                grants,
            },
            at,
        )
    }

    fn encryption(&self, res: &Res<'_, '_>) -> Known<Encryption> {
        let at = self.prov(res.ptr("BucketEncryption"));
        let Some(v) = self.prop(res, "BucketEncryption") else {
            // Every new bucket encrypts with SSE-S3 by default.
            return Known::Present(
                Encryption {
                    algorithm: "AES256".into(),
                    kms_key: None,
                    bucket_key: false,
                },
                self.prov(res.at.clone()),
            );
        };
        let rule = match v.get("ServerSideEncryptionConfiguration") {
            Some(V::List(l)) => l.first().cloned(),
            Some(V::Unknown(u)) => return super::unknown(&self.file, u),
            _ => None,
        };
        let Some(rule) = rule else {
            return Known::Unknown(
                at,
                "`ServerSideEncryptionConfiguration` cannot be read".into(),
            );
        };
        let default = rule.get("ServerSideEncryptionByDefault");
        let algorithm = match default.and_then(|d| d.get("SSEAlgorithm")) {
            Some(V::Str(s)) => s.clone(),
            Some(V::Unknown(u)) => return super::unknown(&self.file, u),
            _ => "AES256".into(),
        };
        let kms_key = match default.and_then(|d| d.get("KMSMasterKeyID")) {
            None | Some(V::Null) => None,
            Some(v) => match self.named(v, "AWS::KMS::Key") {
                Ok(k) => Some(k),
                Err(why) => return Known::Unknown(at, why),
            },
        };
        let bucket_key = matches!(rule.get("BucketKeyEnabled"), Some(V::Bool(true)))
            || rule.get("BucketKeyEnabled").and_then(V::as_str) == Some("true");
        Known::Present(
            Encryption {
                algorithm,
                kms_key,
                bucket_key,
            },
            at,
        )
    }

    pub(super) fn bucket_policy(&mut self, res: &Res<'_, '_>) {
        let Some(bucket) = self.bucket_name_of(res, "Bucket") else {
            return;
        };
        let policy = self.policy(res, "PolicyDocument", DocKind::Bucket, &bucket);
        self.bucket_fact(&bucket, BucketFact::Policy(policy));
    }

    pub(super) fn key(&mut self, res: &Res<'_, '_>) {
        let id = handle(res.logical);
        let at = self.prov(res.at.clone());
        let policy = match self.policy(res, "KeyPolicy", DocKind::Key, &id) {
            // Without a key policy, KMS gives the key its default policy (the account, `kms:*`).
            Known::Absent(pat) => {
                let text = format!(
                    r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:{}:iam::{}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#,
                    self.stack.partition(),
                    self.account
                );
                let origin = Origin {
                    file: Some(Arc::from(format!(
                        "{} (default key policy of {})",
                        self.file, res.logical
                    ))),
                    name: Some(Arc::from(id.as_str())),
                    pointer: Pointer::root(),
                    embedded: false,
                };
                match Policy::parse_text(&text, DocKind::Key, origin) {
                    Ok(p) => Known::Present(p, pat),
                    Err(_) => Known::Unknown(pat, "the default key policy".to_owned()),
                }
            }
            other => other,
        };
        let flag = |v: Option<V>| match v {
            Some(V::Bool(b)) => Some(b),
            Some(V::Str(s)) => s.parse().ok(),
            _ => None,
        };
        let meta = KeyMetadata {
            arn: None,
            key_manager: Some("CUSTOMER".into()),
            key_state: None,
            enabled: flag(self.prop(res, "Enabled")).or(Some(true)),
            key_spec: self.text(res, "KeySpec").ok().flatten(),
            multi_region: flag(self.prop(res, "MultiRegion")),
            description: self.text(res, "Description").ok().flatten(),
        };
        for fact in [
            KeyFact::Policy(policy),
            KeyFact::Metadata(Known::Present(meta, at)),
        ] {
            self.later.push(Item::Key {
                account: self.account.clone(),
                region: self.region.clone(),
                key_id: id.clone(),
                fact,
            });
        }
    }

    pub(super) fn repository(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let policy = self.policy(res, "RepositoryPolicyText", DocKind::Repository, &name);
        self.later.push(Item::Repository {
            account: self.account.clone(),
            repository: Box::new(Repository {
                region: self.region.clone(),
                name,
                policy,
                at: self.prov(res.at.clone()),
            }),
        });
    }

    pub(super) fn model_package_group(&mut self, res: &Res<'_, '_>) {
        let name = self.name_or_handle(res);
        let policy = self.policy(
            res,
            "ModelPackageGroupPolicy",
            DocKind::ModelPackageGroup,
            &name,
        );
        self.later.push(Item::ModelPackageGroup {
            account: self.account.clone(),
            group: Box::new(ModelPackageGroup {
                region: self.region.clone(),
                name,
                policy,
                at: self.prov(res.at.clone()),
            }),
        });
    }
}
