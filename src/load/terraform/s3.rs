//! S3: buckets (`aws_s3_bucket`) and their policies and settings (`aws_s3_bucket_policy`,
//! `…_public_access_block`, `…_ownership_controls`, `…_server_side_encryption_configuration`).

use super::*;

impl Plan<'_, '_> {
    pub(super) fn bucket_name(&mut self, r: usize) -> Option<String> {
        let name = self.name_via(r, "bucket", "aws_s3_bucket", "bucket");
        if name.is_none() {
            self.target_unknown(r, "bucket", "which bucket");
        }
        name
    }

    pub(super) fn bucket(&mut self, r: usize) {
        let bucket = self.own_name(r, "bucket");
        let account = self.account_of(r, None);
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
                PublicAccessBlock::ALL,
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

    pub(super) fn bucket_setting(&mut self, r: usize) {
        let Some(bucket) = self.bucket_name(r) else {
            return;
        };
        if bucket.ends_with("--x-s3") {
            // A directory bucket (S3 Express One Zone): only its policy is read.
            if self.res[r].ty == "aws_s3_bucket_policy" {
                self.directory_bucket_policy(r, &bucket);
            }
            return;
        }
        let account = self.account_of(r, None);
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
}
