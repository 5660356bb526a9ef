//! KMS grants, as `aws kms list-grants` prints them (docs/semantics.md §5).
//!
//! A grant allows (never denies) one grantee a list of operations on one key, optionally
//! only for requests whose encryption context equals, or contains, given pairs. The grantee
//! must be a principal ARN; a bare account id is not one (the documented contract), so such
//! a grant is kept with [`Grantee::Invalid`] and grants nothing.

use std::collections::BTreeMap;

use super::err::{ParseError, ParseErrorKind as K, ParseErrors};
use super::model::{AwsPrincipal, Origin, PrincipalSet};
use super::parse::aws_principal;
use crate::arn::Arn;
use crate::json::{Json, Pointer};

/// Who a grant is for.
#[derive(Debug, Clone)]
pub enum Grantee {
    /// A principal ARN (account root, user, role, assumed-role or federated session).
    Principal(PrincipalSet),
    /// A service principal (`GranteeServicePrincipal`).
    Service(String),
    /// Not a principal ARN (for example a bare account id): grants nothing.
    Invalid(String),
}

/// Encryption-context constraints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantConstraints {
    /// The request's encryption context must be exactly this.
    pub equals: Option<BTreeMap<String, String>>,
    /// The request's encryption context must contain these pairs.
    pub subset: Option<BTreeMap<String, String>>,
}

/// One grant.
#[derive(Debug, Clone)]
pub struct Grant {
    /// `GrantId`.
    pub id: String,
    /// `Name`.
    pub name: Option<String>,
    /// `KeyId` (an ARN in `list-grants` output).
    pub key: String,
    /// The grantee as written (`GranteePrincipal` or `GranteeServicePrincipal`).
    pub grantee_text: String,
    /// The grantee.
    pub grantee: Grantee,
    /// `Operations`, such as `Decrypt`.
    pub operations: Vec<String>,
    /// `Constraints`.
    pub constraints: GrantConstraints,
    /// Where the grant came from; `origin.pointer` points at the grant object.
    pub origin: Origin,
}

/// The operations a grant may list (the KMS API's `GrantOperation` enum).
pub const GRANT_OPERATIONS: [&str; 17] = [
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
];

impl Grant {
    /// Reads one entry of `list-grants`' `Grants` array. `origin.pointer` is where the entry
    /// is in its file.
    pub fn from_json(json: &Json<'_>, origin: Origin) -> Result<Grant, ParseErrors> {
        let at = origin.pointer.clone();
        let mut errors = Vec::new();
        let mut err = |pointer: Pointer, kind| {
            errors.push(ParseError {
                file: origin.file.clone(),
                carrier: None,
                pointer,
                kind,
            })
        };
        if json.as_object().is_none() {
            err(
                at.clone(),
                K::WrongType {
                    expected: "an object",
                    found: json.type_name(),
                },
            );
            return Err(ParseErrors(errors));
        }
        let string = |key: &str| json.get(key).and_then(Json::as_str).map(str::to_owned);
        let key = string("KeyId").unwrap_or_default();
        if key.is_empty() {
            err(at.clone(), K::Missing("KeyId"));
        }
        let (grantee_text, grantee) = match (
            string("GranteePrincipal"),
            string("GranteeServicePrincipal"),
        ) {
            (Some(p), _) => {
                let g = match aws_principal(&p) {
                    // A bare 12-digit id parses as an account principal in a policy, but a
                    // grantee must be an ARN.
                    Some(a)
                        if Arn::parse(&p).is_some() || matches!(a, AwsPrincipal::UniqueId(_)) =>
                    {
                        Grantee::Principal(PrincipalSet {
                            aws: vec![a],
                            ..PrincipalSet::default()
                        })
                    }
                    _ => Grantee::Invalid(p.clone()),
                };
                (p, g)
            }
            (None, Some(s)) => (s.clone(), Grantee::Service(s)),
            (None, None) => {
                err(at.clone(), K::Missing("GranteePrincipal"));
                (String::new(), Grantee::Invalid(String::new()))
            }
        };
        let mut operations = Vec::new();
        match json.get("Operations") {
            Some(Json::Array(ops)) => {
                for (i, op) in ops.iter().enumerate() {
                    match op.as_str() {
                        Some(s) => operations.push(s.to_owned()),
                        None => err(
                            at.key("Operations").index(i),
                            K::WrongType {
                                expected: "a string",
                                found: op.type_name(),
                            },
                        ),
                    }
                }
            }
            Some(other) => err(
                at.key("Operations"),
                K::WrongType {
                    expected: "an array",
                    found: other.type_name(),
                },
            ),
            None => err(at.clone(), K::Missing("Operations")),
        }
        let mut constraints = GrantConstraints::default();
        if let Some(c) = json.get("Constraints") {
            let map = |j: Option<&Json<'_>>, p: Pointer, err: &mut dyn FnMut(Pointer, K)| {
                let m = j?.as_object();
                let Some(m) = m else {
                    err(
                        p,
                        K::WrongType {
                            expected: "an object",
                            found: "another type",
                        },
                    );
                    return None;
                };
                Some(
                    m.iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| (k.to_string(), v.to_owned())))
                        .collect::<BTreeMap<_, _>>(),
                )
            };
            let cp = at.key("Constraints");
            constraints.equals = map(
                c.get("EncryptionContextEquals"),
                cp.key("EncryptionContextEquals"),
                &mut err,
            );
            constraints.subset = map(
                c.get("EncryptionContextSubset"),
                cp.key("EncryptionContextSubset"),
                &mut err,
            );
        }
        if !errors.is_empty() {
            return Err(ParseErrors(errors));
        }
        Ok(Grant {
            id: string("GrantId").unwrap_or_default(),
            name: string("Name"),
            key,
            grantee_text,
            grantee,
            operations,
            constraints,
            origin,
        })
    }

    /// Does the grant list this operation (`Decrypt` for `kms:Decrypt`)?
    pub fn allows_operation(&self, action: &str) -> bool {
        let op = action
            .strip_prefix("kms:")
            .or_else(|| action.strip_prefix("KMS:"))
            .unwrap_or(action);
        self.operations.iter().any(|o| o.eq_ignore_ascii_case(op))
    }

    /// Does `key_arn` name the grant's key? (`KeyId` may be an ARN or a bare key id.)
    pub fn is_for_key(&self, key_arn: &str) -> bool {
        if self.key == key_arn {
            return true;
        }
        let id = |s: &str| -> Option<String> {
            match Arn::parse(s) {
                Some(a) => a.resource.strip_prefix("key/").map(str::to_owned),
                None => Some(s.to_owned()),
            }
        };
        match (id(&self.key), id(key_arn)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(text: &str) -> Result<Grant, ParseErrors> {
        Grant::from_json(&Json::parse(text).unwrap(), Origin::default())
    }

    #[test]
    fn reads_list_grants_entries() {
        let g = grant(
            r#"{"KeyId":"arn:aws:kms:us-east-1:222222222222:key/k1","GrantId":"g1","Name":"",
                "GranteePrincipal":"arn:aws:iam::111111111111:role/Deploy","IssuingAccount":"arn:aws:iam::222222222222:root",
                "Operations":["Decrypt","DescribeKey"],"Constraints":{"EncryptionContextSubset":{"aws:s3:arn":"arn:aws:s3:::b/m"}},
                "CreationDate":1700000000.0}"#,
        )
        .unwrap();
        assert!(matches!(g.grantee, Grantee::Principal(_)));
        assert!(g.allows_operation("kms:Decrypt"));
        assert!(!g.allows_operation("kms:Encrypt"));
        assert!(g.is_for_key("arn:aws:kms:us-east-1:222222222222:key/k1"));
        assert_eq!(g.constraints.subset.unwrap().len(), 1);
    }

    #[test]
    fn a_bare_account_id_is_not_a_grantee() {
        let g =
            grant(r#"{"KeyId":"k1","GranteePrincipal":"111111111111","Operations":["Decrypt"]}"#)
                .unwrap();
        assert!(matches!(g.grantee, Grantee::Invalid(ref s) if s == "111111111111"));
    }

    #[test]
    fn reports_missing_fields() {
        let e = grant(r#"{"GranteePrincipal":"arn:aws:iam::111111111111:root"}"#).unwrap_err();
        let msgs: Vec<String> = e.0.iter().map(ToString::to_string).collect();
        assert_eq!(msgs, vec!["/: missing `KeyId`", "/: missing `Operations`"]);
    }
}
