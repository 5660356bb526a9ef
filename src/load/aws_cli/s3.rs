//! S3 exports: a bucket's policy and settings (`s3/<bucket>.<what>.json`) and the account's
//! public access block (`s3control/public-access-block.json`).

use std::sync::Arc;

use super::{array_at, bool_at, document_of, error_marker, policy_at, str_at, unrecognized};
use crate::diagnostic::{codes, Diagnostic};
use crate::eval::{ObjectOwnership, PublicAccessBlock};
use crate::inventory::merge::{BucketFact, FileOutput, Item};
use crate::inventory::{AclGrant, BucketAcl, Encryption, Known, Provenance};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::load::layout::BucketFile;
use crate::policy::DocKind;

/// A file at `<account>/s3/<bucket>.<what>.json`.
pub(super) fn bucket_file(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    account: &str,
    bucket: &str,
    what: BucketFile,
    out: &mut FileOutput,
) {
    let fact = match (kind, what) {
        (FileKind::ErrorMarker, what) => Some(match what {
            BucketFile::Policy => BucketFact::Policy(error_marker(json, file)),
            BucketFile::Location => BucketFact::Region(error_marker(json, file)),
            BucketFile::Encryption => BucketFact::Encryption(error_marker(json, file)),
            BucketFile::Ownership => BucketFact::Ownership(error_marker(json, file)),
            BucketFile::PublicAccessBlock => {
                BucketFact::PublicAccessBlock(error_marker(json, file))
            }
            BucketFile::Acl => BucketFact::Acl(error_marker(json, file)),
        }),
        (FileKind::PolicyWrapper | FileKind::Document, BucketFile::Policy) => {
            let (doc, at) = document_of(json, kind);
            Some(BucketFact::Policy(policy_at(
                doc,
                &at,
                file,
                DocKind::Bucket,
                Some(Arc::from(bucket)),
                None,
                &mut out.problems,
            )))
        }
        (FileKind::Ownership, _) => Some(BucketFact::Ownership(ownership(json, file, out))),
        (FileKind::PublicAccessBlock, _) => Some(BucketFact::PublicAccessBlock(
            public_access_block(json, file, out),
        )),
        (FileKind::Encryption, _) => Some(BucketFact::Encryption(encryption(json, file))),
        (FileKind::Location, _) => Some(BucketFact::Region(location(json, file))),
        (FileKind::Acl, _) => Some(BucketFact::Acl(acl(json, file))),
        _ => None,
    };
    match fact {
        Some(fact) => out.items.push(Item::Bucket {
            account: account.to_owned(),
            bucket: bucket.to_owned(),
            fact,
        }),
        None => unrecognized(
            out,
            file,
            kind,
            &format!("does not belong at `s3/{bucket}.…json`"),
        ),
    }
}

/// `<account>/s3control/public-access-block.json`.
pub(super) fn account_public_access_block(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    account: &str,
    out: &mut FileOutput,
) {
    let value = match kind {
        FileKind::PublicAccessBlock => public_access_block(json, file, out),
        FileKind::ErrorMarker => error_marker(json, file),
        _ => {
            return unrecognized(
                out,
                file,
                kind,
                "does not belong at `s3control/public-access-block.json`",
            )
        }
    };
    out.items.push(Item::AccountPublicAccessBlock {
        account: account.to_owned(),
        value,
    });
}

fn ownership(json: &Json<'_>, file: &Arc<str>, out: &mut FileOutput) -> Known<ObjectOwnership> {
    let prov = Provenance::file(file);
    let rules = json
        .get("OwnershipControls")
        .map(|o| array_at(o, "Rules"))
        .unwrap_or_default();
    let value = rules.first().and_then(|r| str_at(r, "ObjectOwnership"));
    match value {
        Some("BucketOwnerEnforced") => Known::Present(ObjectOwnership::BucketOwnerEnforced, prov),
        Some("BucketOwnerPreferred") => Known::Present(ObjectOwnership::BucketOwnerPreferred, prov),
        Some("ObjectWriter") => Known::Present(ObjectOwnership::ObjectWriter, prov),
        other => {
            out.problems.push(Diagnostic::in_file(
                &codes::MALFORMED_EXPORT,
                file,
                Some(
                    Pointer::root()
                        .key("OwnershipControls")
                        .key("Rules")
                        .index(0)
                        .key("ObjectOwnership"),
                ),
                format!(
                    "expected `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`, found `{}`",
                    other.unwrap_or("nothing")
                ),
            ));
            Known::Unknown(prov, "the ownership controls could not be read".to_owned())
        }
    }
}

fn public_access_block(
    json: &Json<'_>,
    file: &Arc<str>,
    out: &mut FileOutput,
) -> Known<PublicAccessBlock> {
    let prov = Provenance::file(file);
    let Some(c) = json.get("PublicAccessBlockConfiguration") else {
        return Known::Unknown(prov, "no configuration".to_owned());
    };
    let at = Pointer::root().key("PublicAccessBlockConfiguration");
    let mut flag = |k: &str| match c.get(k) {
        Some(Json::Bool(b)) => *b,
        None => false,
        Some(other) => {
            out.problems.push(Diagnostic::in_file(
                &codes::MALFORMED_EXPORT,
                file,
                Some(at.key(k)),
                format!("expected a boolean, found {}", other.type_name()),
            ));
            false
        }
    };
    Known::Present(
        PublicAccessBlock {
            block_public_acls: flag("BlockPublicAcls"),
            ignore_public_acls: flag("IgnorePublicAcls"),
            block_public_policy: flag("BlockPublicPolicy"),
            restrict_public_buckets: flag("RestrictPublicBuckets"),
        },
        prov,
    )
}

fn encryption(json: &Json<'_>, file: &Arc<str>) -> Known<Encryption> {
    let prov = Provenance::file(file);
    let rule = json
        .get("ServerSideEncryptionConfiguration")
        .map(|c| array_at(c, "Rules"))
        .unwrap_or_default()
        .first();
    let Some(rule) = rule else {
        return Known::Absent(prov);
    };
    let default = rule.get("ApplyServerSideEncryptionByDefault");
    Known::Present(
        Encryption {
            algorithm: default
                .and_then(|d| str_at(d, "SSEAlgorithm"))
                .unwrap_or("AES256")
                .to_owned(),
            kms_key: default
                .and_then(|d| str_at(d, "KMSMasterKeyID"))
                .map(str::to_owned),
            bucket_key: bool_at(rule, "BucketKeyEnabled").unwrap_or(false),
        },
        prov,
    )
}

fn location(json: &Json<'_>, file: &Arc<str>) -> Known<String> {
    let prov = Provenance::file(file);
    let region = match json.get("LocationConstraint") {
        Some(Json::String(s)) if s == "EU" => "eu-west-1".to_owned(),
        Some(Json::String(s)) if !s.is_empty() => s.to_string(),
        // `null` (or empty) means us-east-1.
        _ => "us-east-1".to_owned(),
    };
    Known::Present(region, prov)
}

fn acl(json: &Json<'_>, file: &Arc<str>) -> Known<BucketAcl> {
    let grants = array_at(json, "Grants")
        .iter()
        .map(|g| {
            let grantee = g.get("Grantee");
            let s = |k: &str| grantee.and_then(|e| str_at(e, k));
            AclGrant {
                grantee_type: s("Type").unwrap_or_default().to_owned(),
                grantee: s("ID")
                    .or_else(|| s("URI"))
                    .or_else(|| s("EmailAddress"))
                    .unwrap_or_default()
                    .to_owned(),
                permission: str_at(g, "Permission").unwrap_or_default().to_owned(),
            }
        })
        .collect();
    Known::Present(
        BucketAcl {
            owner: json
                .get("Owner")
                .and_then(|o| str_at(o, "ID"))
                .map(str::to_owned),
            grants,
        },
        Provenance::file(file),
    )
}
