//! S3 facts that change what a bucket policy can grant (docs/semantics.md §6): object
//! ownership (with ACLs enabled an object written by another account belongs to it, and
//! the bucket policy alone cannot grant it) and Block Public Access (`RestrictPublicBuckets`
//! confines a bucket with a public policy to its own account and AWS services).

use crate::policy::{Policy, Statement, Values};

/// `ObjectOwnership` of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ObjectOwnership {
    /// ACLs disabled; the bucket owner owns every object (default for new buckets).
    BucketOwnerEnforced,
    /// ACLs enabled; uploads with `bucket-owner-full-control` become the bucket owner's.
    BucketOwnerPreferred,
    /// ACLs enabled; the writer owns the object.
    ObjectWriter,
}

/// The four Block Public Access flags, bucket and account settings combined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PublicAccessBlock {
    /// `BlockPublicAcls`.
    pub block_public_acls: bool,
    /// `IgnorePublicAcls`.
    pub ignore_public_acls: bool,
    /// `BlockPublicPolicy`.
    pub block_public_policy: bool,
    /// `RestrictPublicBuckets`.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four settings on: what S3 sets on every new bucket since April 2023.
    pub const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// The most restrictive combination of two settings (bucket and account).
    pub fn combine(self, other: PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}

/// Who owns the object a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectOwner {
    /// The bucket owner (always so with `BucketOwnerEnforced`).
    BucketOwner,
    /// Another account, which wrote it while ACLs were enabled.
    Account(String),
    /// Not known.
    Unknown,
}

/// What is known about the bucket of an S3 request. Absent facts stay `None`: unknown, not
/// "default".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketFacts {
    /// Object ownership setting, when exported.
    pub ownership: Option<ObjectOwnership>,
    /// Block Public Access (bucket and account combined), when exported.
    pub public_access_block: Option<PublicAccessBlock>,
    /// Owner of the requested object.
    pub object_owner: ObjectOwner,
}

/// Condition keys whose fixed values make a grant to `*` non-public (S3 Block Public Access
/// documentation, "The meaning of public").
const NARROWING_KEYS: [&str; 12] = [
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "aws:principalorgid",
    "aws:principalaccount",
];

/// Is this bucket policy "public" in S3's sense: does some `Allow` reach everyone (`*` or
/// `NotPrincipal`) without a fixed-value condition on a narrowing key?
pub fn is_public_policy(policy: &Policy) -> bool {
    policy.statements.iter().any(is_public_statement)
}

fn is_public_statement(s: &Statement) -> bool {
    // A statement whose effect cannot be read might be the public one: fail closed (a public
    // policy under `RestrictPublicBuckets` grants less).
    if !s.may_allow() {
        return false;
    }
    let everyone = match &s.principal {
        Some(p) if p.negated => true,
        Some(p) => p.everyone,
        None => false,
    };
    if !everyone {
        return false;
    }
    !s.conditions.iter().any(|c| {
        NARROWING_KEYS.contains(&&*c.key_lc)
            && !c.op.base.is_negated()
            && c.op.set.is_none()
            && !c.op.if_exists
            && fixed_values(&c.values)
    })
}

fn fixed_values(v: &Values) -> bool {
    use crate::policy::{ArnValue, LikeValue, StrValue};
    match v {
        Values::Strings(s) => s
            .iter()
            .all(|v| matches!(v, StrValue::Plain(p) if !p.contains('*'))),
        Values::Likes(l) => l
            .iter()
            .all(|v| matches!(v, LikeValue::Plain(g) if g.is_literal())),
        Values::Arns(a) => a.iter().all(|v| matches!(v, ArnValue::Plain(_))),
        Values::Ips(ips) => ips.iter().all(|n| match n {
            ipnet::IpNet::V4(n) => n.prefix_len() >= 8,
            ipnet::IpNet::V6(n) => n.prefix_len() >= 32,
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Origin;

    fn public(text: &str) -> bool {
        is_public_policy(
            &Policy::parse_text(text, crate::policy::DocKind::Resource, Origin::default()).unwrap(),
        )
    }

    #[test]
    fn public_policy_test() {
        assert!(public(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
        ));
        assert!(!public(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
        ));
        assert!(!public(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}}"#
        ));
        assert!(public(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}}}"#
        ));
        assert!(public(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}}}"#
        ));
        assert!(!public(
            r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}}"#
        ));
    }
}
