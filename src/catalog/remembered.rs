//! Answers about the catalogue remembered per thread, for the questions the lint's rules and
//! the audit ask of the same values in statement after statement and account after account:
//! which resource types an ARN can name (one bucket in every role's policy; matching an ARN
//! to a type's formats, [`ResourceType::shape_matches`], explores two patterns character by
//! character), and which condition key a name names (a global key, a service's, or one with
//! a variable part: [`Catalog::condition_key`] tries them in turn).

use std::borrow::Cow;
use std::cell::RefCell;

use super::{ArnShape, Catalog, ConditionKey, ResourceType};

/// An ARN as the memo keeps it: with an account segment of 12 digits written as
/// `000000000000`, so that the same ARN in account after account is tried once. Exact: no
/// ARN format of the catalog spells a digit where an account's digits could stand (only
/// variables and wildcards meet them, and those take any digits alike); a test holds the
/// catalog to that.
#[derive(Debug, Clone)]
pub struct ArnKey<'a>(Cow<'a, str>);

impl<'a> ArnKey<'a> {
    /// The key of `arn` (an ARN or ARN pattern as a policy writes it).
    pub fn new(arn: &'a str) -> ArnKey<'a> {
        ArnKey(any_account(arn))
    }
}

fn any_account(arn: &str) -> Cow<'_, str> {
    let mut colons = memchr::memchr_iter(b':', arn.as_bytes());
    let (Some(start), Some(end)) = (colons.nth(3), colons.next()) else {
        return arn.into();
    };
    match arn.get(start + 1..end) {
        Some(a) if a.len() == 12 && a != "000000000000" && crate::arn::is_account_id(a) => {
            let mut zeroed = arn.to_owned();
            zeroed.replace_range(start + 1..end, "000000000000");
            zeroed.into()
        }
        _ => arn.into(),
    }
}

/// Whether a resource of type `t` can be named by `arn`
/// ([`ResourceType::shape_matches`]), remembered per thread. `t` is `'static`: types are
/// told apart by address in the one catalog.
pub fn type_matches(t: &'static ResourceType, arn: &ArnKey<'_>) -> bool {
    TYPE_MATCHES.with(|memo| memo.borrow_mut().matches(t, &arn.0))
}

/// The condition key `name` names in `catalog` ([`Catalog::condition_key`]), remembered per
/// thread by the name as written. Bounded: emptied when it holds 4,096 names.
pub fn condition_key_of(catalog: &'static Catalog, name: &str) -> Option<&'static ConditionKey> {
    /// The catalogue's address, and what names were found to name in it.
    type Keys = (
        usize,
        foldhash::HashMap<Box<str>, Option<&'static ConditionKey>>,
    );
    thread_local! {
        static KEYS: RefCell<Keys> = RefCell::default();
    }
    const CAP: usize = 1 << 12;
    let id = std::ptr::from_ref(catalog) as usize;
    KEYS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.0 == id {
            if let Some(found) = memo.1.get(name) {
                return *found;
            }
        }
        let found = catalog.condition_key(name);
        if memo.0 != id || memo.1.len() >= CAP {
            memo.0 = id;
            memo.1.clear();
        }
        memo.1.insert(name.into(), found);
        found
    })
}

thread_local! {
    static TYPE_MATCHES: RefCell<TypeMatches> = RefCell::new(TypeMatches::default());
}

/// The memo: by ARN key. Bounded: emptied when it reaches [`TypeMatches::CAP`] ARNs.
#[derive(Default)]
struct TypeMatches {
    by_arn: foldhash::HashMap<Box<str>, Tried>,
}

/// What is known of one ARN: its shape, once a type was tried, and the types tried, by
/// address in the `'static` catalog, with the answer.
#[derive(Default)]
struct Tried {
    shape: Option<ArnShape>,
    types: Vec<(usize, bool)>,
}

impl TypeMatches {
    const CAP: usize = 1 << 16;

    fn matches(&mut self, t: &'static ResourceType, arn: &str) -> bool {
        if let Some(tried) = self.by_arn.get_mut(arn) {
            return tried.matches(t, arn);
        }
        if self.by_arn.len() >= Self::CAP {
            self.by_arn.clear();
        }
        let mut tried = Tried::default();
        let m = tried.matches(t, arn);
        self.by_arn.insert(arn.into(), tried);
        m
    }
}

impl Tried {
    fn matches(&mut self, t: &'static ResourceType, arn: &str) -> bool {
        let id = std::ptr::from_ref(t) as usize;
        if let Some((_, m)) = self.types.iter().find(|(x, _)| *x == id) {
            return *m;
        }
        let m = t.shape_matches(self.shape.get_or_insert_with(|| ArnShape::new(arn)));
        self.types.push((id, m));
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_stands_for_every_account() {
        let any = |a: &str| any_account(a).into_owned();
        assert_eq!(
            any("arn:aws:iam::123456789012:role/x"),
            "arn:aws:iam::000000000000:role/x"
        );
        assert_eq!(
            any("arn:aws:ecr:us-east-1:123456789012:repository/a:b"),
            "arn:aws:ecr:us-east-1:000000000000:repository/a:b"
        );
        for kept in [
            "arn:aws:s3:::bucket-123456789012/*",
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:iam::*:role/x",
            "arn:aws:iam::aws:policy/x",
            "arn:aws:iam::1234567890123:role/x",
            "*",
        ] {
            assert_eq!(any(kept), kept);
        }
    }

    /// What makes [`any_account`] exact: in every ARN format of the catalog, the text
    /// between variables and wildcards never holds digits that stand alone between colons
    /// (or at the run's ends), so only variables and wildcards can meet an account's digits.
    #[test]
    fn no_arn_format_spells_an_account_digit() {
        let catalog = crate::catalog::catalog().unwrap();
        let mut formats = 0;
        for service in catalog.services() {
            for t in service.resource_types() {
                for f in &t.arn_formats {
                    formats += 1;
                    let mut rest = f.as_str();
                    let mut runs = Vec::new();
                    while let Some(i) = rest.find(['$', '*', '?']) {
                        runs.push(&rest[..i]);
                        rest = &rest[i..];
                        rest = match rest.strip_prefix("${") {
                            Some(r) => r.split_once('}').map_or("", |(_, r)| r),
                            None => &rest[1..],
                        };
                    }
                    runs.push(rest);
                    for run in runs {
                        for part in run.split(':') {
                            let digits =
                                !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
                            assert!(
                                !digits,
                                "`{f}` spells `{part}` where an account could stand"
                            );
                        }
                    }
                }
            }
        }
        assert!(formats > 2000, "{formats}");
    }

    #[test]
    fn a_type_matches_an_arn_as_it_matches_it_in_any_account() {
        let catalog = crate::catalog::catalog().unwrap();
        let arns = [
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:ecr:us-east-1:123456789012:repository/repo",
            "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
            "arn:aws:kms:us-east-1:123456789012:key/1234",
            "arn:aws:s3:::b/k",
            "arn:aws:iam::123456789012:*",
        ];
        for service in catalog.services() {
            for t in service.resource_types() {
                for arn in arns {
                    let direct = t.shape_matches(&ArnShape::new(arn));
                    let any = t.shape_matches(&ArnShape::new(&any_account(arn)));
                    assert_eq!(direct, any, "{} {arn}", t.name);
                }
            }
        }
    }

    #[test]
    fn remembered_answers_are_the_direct_ones() {
        let catalog = crate::catalog::catalog().unwrap();
        let arns = [
            "arn:aws:s3:::b/k",
            "arn:aws:s3:::b",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::210987654321:role/x",
            "arn:aws:kms:*:123456789012:key/*",
        ];
        let s3 = catalog.service("s3").unwrap();
        let iam = catalog.service("iam").unwrap();
        let kms = catalog.service("kms").unwrap();
        let types: Vec<&'static ResourceType> = [s3, iam, kms]
            .into_iter()
            .flat_map(|s| s.resource_types())
            .collect();
        // Twice: the second round answers from the memo.
        for _ in 0..2 {
            for t in &types {
                for arn in arns {
                    assert_eq!(
                        type_matches(t, &ArnKey::new(arn)),
                        t.arn_matches(arn),
                        "{} {arn}",
                        t.name
                    );
                }
            }
        }
    }

    #[test]
    fn remembered_condition_keys_are_the_looked_up_ones() {
        let catalog = crate::catalog::catalog().unwrap();
        let names = [
            "aws:PrincipalOrgID",
            "AWS:principalorgid",
            "kms:ViaService",
            "kms:EncryptionContext:team",
            "s3:ExistingObjectTag/team",
            "aws:PrincipalTag/Team",
            "token.actions.githubusercontent.com:sub",
            "s3:NoSuchKey",
            "nosuch:Key",
            "PrincipalOrgID",
        ];
        for _ in 0..2 {
            for name in names {
                let direct = catalog.condition_key(name).map(|k| k.name.as_str());
                let remembered = condition_key_of(catalog, name).map(|k| k.name.as_str());
                assert_eq!(remembered, direct, "{name}");
            }
        }
        assert!(condition_key_of(catalog, "kms:ViaService").is_some());
        assert!(condition_key_of(catalog, "nosuch:Key").is_none());
    }
}
