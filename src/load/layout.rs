//! The documented export layout: what a file's place in the tree says about it.
//!
//! Some exports do not name the resource they belong to (`get-bucket-policy` prints only
//! `{"Policy": "..."}`), so the path does. This module reads paths only; [`super::aws_cli`]
//! reads contents. The layout (documented in `docs/inventory.md`):
//!
//! ```text
//! <any folder>/
//!   <account-id>/                              12 digits; everything below belongs to it
//!     iam.json, iam.*.json                     get-account-authorization-details (pages)
//!     organization.json                        organizations describe-organization (or the
//!                                              AWSOrganizationsNotInUseException marker)
//!     s3control/public-access-block.json       s3control get-public-access-block (account)
//!     s3/<bucket>.<what>.json                  what = policy | location | encryption |
//!                                              ownership | public-access-block | acl
//!     <region>/ecr/<repository>.json           get-repository-policy ('/' nests folders)
//!     <region>/ecr-registry-policy.json        get-registry-policy
//!     <region>/kms/<key-id>.<what>.json        what = policy | grants | key
//!     <region>/sagemaker/<group>.json          get-model-package-group-policy
//!     <region>/<type>/<name>.json              a resource of the generic model: <type> is
//!                                              its id (`sns-topic`, `lambda-function`…, see
//!                                              `inventory::resources::TYPES`); '/' nests
//!   org/                                       the organization (see [`super::org`])
//!     roots.json, organization.json
//!     ous/<parent-id>.json                     list-organizational-units-for-parent
//!     accounts/<parent-id>.json                list-accounts-for-parent
//!     policies/<policy-id>.json                describe-policy
//!     targets/<policy-id>.json                 list-targets-for-policy
//! ```
//!
//! The nearest enclosing folder that is an account id or is named `org` decides: a file
//! below `111111111111/org/` belongs to the organization folder.

use std::path::Path;

use crate::arn::is_account_id;
use crate::inventory::resources::by_id;

/// What a file's place in the tree says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Under an account folder.
    Account {
        /// The account id.
        account: String,
        /// What the rest of the path says.
        slot: Slot,
    },
    /// Under an `org/` folder.
    Org {
        /// The `org` folder itself (files of one folder describe one organization).
        dir: String,
        /// What the rest of the path says.
        slot: OrgSlot,
    },
    /// Anywhere else (Terraform plans, self-describing exports).
    Elsewhere,
}

/// A path below an account folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// `iam.json` or `iam.<page>.json`.
    Iam,
    /// `organization.json`: `describe-organization` in this account.
    Organization,
    /// `s3control/public-access-block.json`.
    AccountPublicAccessBlock,
    /// `s3/<bucket>.<what>.json`.
    Bucket {
        /// The bucket name.
        bucket: String,
        /// Which export.
        what: BucketFile,
    },
    /// `<region>/ecr/<repository>.json`.
    Repository {
        /// The region.
        region: String,
        /// The repository name (may contain `/`).
        name: String,
    },
    /// `<region>/ecr-registry-policy.json`.
    RegistryPolicy {
        /// The region.
        region: String,
    },
    /// `<region>/kms/<key-id>.<what>.json`.
    Key {
        /// The region.
        region: String,
        /// The key id.
        key_id: String,
        /// Which export.
        what: KeyFile,
    },
    /// `<region>/sagemaker/<group>.json`.
    ModelPackageGroup {
        /// The region.
        region: String,
        /// The group name.
        name: String,
    },
    /// `<region>/<type>/<name>.json`: a resource of the generic model
    /// ([`crate::inventory::resources`]).
    Resource {
        /// The region.
        region: String,
        /// The type's id (`sns-topic`).
        ty: &'static str,
        /// The name (folder levels joined as the type says).
        name: String,
    },
    /// Some other path below the account (its content may still say what it is).
    Other,
}

/// The per-bucket exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketFile {
    /// `get-bucket-policy`.
    Policy,
    /// `get-bucket-location`.
    Location,
    /// `get-bucket-encryption`.
    Encryption,
    /// `get-bucket-ownership-controls`.
    Ownership,
    /// `get-public-access-block`.
    PublicAccessBlock,
    /// `get-bucket-acl`.
    Acl,
}

/// The per-key exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFile {
    /// `get-key-policy`.
    Policy,
    /// `list-grants`.
    Grants,
    /// `describe-key`.
    Key,
}

/// A path below an `org/` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgSlot {
    /// `ous/<parent-id>.json`.
    OusOf(String),
    /// `accounts/<parent-id>.json`.
    AccountsOf(String),
    /// `policies/<policy-id>.json`.
    Policy(String),
    /// `targets/<policy-id>.json`.
    TargetsOf(String),
    /// Anything else (`roots.json`, `organization.json`: their content says what they are).
    Other,
}

const BUCKET_SUFFIXES: [(&str, BucketFile); 6] = [
    (".public-access-block.json", BucketFile::PublicAccessBlock),
    (".policy.json", BucketFile::Policy),
    (".location.json", BucketFile::Location),
    (".encryption.json", BucketFile::Encryption),
    (".ownership.json", BucketFile::Ownership),
    (".acl.json", BucketFile::Acl),
];

const KEY_SUFFIXES: [(&str, KeyFile); 3] = [
    (".policy.json", KeyFile::Policy),
    (".grants.json", KeyFile::Grants),
    (".key.json", KeyFile::Key),
];

/// An AWS region name: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`…
pub fn is_region(s: &str) -> bool {
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let (Some((area, _)), Some((middle, number))) = (s.split_once('-'), s.rsplit_once('-')) else {
        return false;
    };
    // `area-…-number` with at least one part between them.
    let Some(middle) = middle.get(area.len() + 1..) else {
        return false;
    };
    area.len() == 2
        && lower(area)
        && middle.split('-').all(lower)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Reads what `path`'s place in the tree says.
pub fn place(path: &Path) -> Place {
    // The path's names, split at separators as `Path::components` splits it (`.` and `..`
    // name no folder of the layout), each a slice of the path's text.
    let text = path.to_string_lossy();
    let name = |p: &&str| !matches!(*p, "" | "." | "..");
    let parts: Vec<&str> = match std::path::MAIN_SEPARATOR {
        // `/` alone (Unix): a vectorised search.
        '/' => text.split('/').filter(name).collect(),
        _ => text.split(std::path::is_separator).filter(name).collect(),
    };
    let Some(file_index) = parts.len().checked_sub(1) else {
        return Place::Elsewhere;
    };
    // The nearest enclosing folder that is an account id or `org`.
    for i in (0..file_index).rev() {
        let dir = parts[i];
        if dir == "org" {
            // The path up to and with this folder.
            let end = dir.as_ptr() as usize - text.as_ptr() as usize + dir.len();
            return Place::Org {
                dir: text.get(..end).unwrap_or_default().to_owned(),
                slot: org_slot(&parts[i + 1..]),
            };
        }
        if is_account_id(dir) {
            return Place::Account {
                account: dir.to_owned(),
                slot: account_slot(&parts[i + 1..]),
            };
        }
    }
    Place::Elsewhere
}

fn org_slot(rest: &[&str]) -> OrgSlot {
    let stem = |f: &str| f.strip_suffix(".json").map(str::to_owned);
    match rest {
        &[dir, file] => match (dir, stem(file)) {
            ("ous", Some(id)) => OrgSlot::OusOf(id),
            ("accounts", Some(id)) => OrgSlot::AccountsOf(id),
            ("policies", Some(id)) => OrgSlot::Policy(id),
            ("targets", Some(id)) => OrgSlot::TargetsOf(id),
            _ => OrgSlot::Other,
        },
        _ => OrgSlot::Other,
    }
}

fn account_slot(rest: &[&str]) -> Slot {
    match *rest {
        [file] if file == "iam.json" || (file.starts_with("iam.") && file.ends_with(".json")) => {
            Slot::Iam
        }
        ["organization.json"] => Slot::Organization,
        [dir, file] if dir == "s3control" && file == "public-access-block.json" => {
            Slot::AccountPublicAccessBlock
        }
        ["s3", file] => BUCKET_SUFFIXES
            .iter()
            .find_map(|(suffix, what)| {
                let bucket = file.strip_suffix(suffix)?;
                (!bucket.is_empty()).then(|| Slot::Bucket {
                    bucket: bucket.to_owned(),
                    what: *what,
                })
            })
            .unwrap_or(Slot::Other),
        [region, file] if is_region(region) && file == "ecr-registry-policy.json" => {
            Slot::RegistryPolicy {
                region: region.to_owned(),
            }
        }
        [region, dir, ref names @ ..] if is_region(region) && dir == "ecr" && !names.is_empty() => {
            let joined = names.join("/");
            match joined.strip_suffix(".json") {
                Some(name) if !name.is_empty() => Slot::Repository {
                    region: region.to_owned(),
                    name: name.to_owned(),
                },
                _ => Slot::Other,
            }
        }
        [region, dir, file] if is_region(region) && dir == "kms" => KEY_SUFFIXES
            .iter()
            .find_map(|(suffix, what)| {
                let key_id = file.strip_suffix(suffix)?;
                (!key_id.is_empty()).then(|| Slot::Key {
                    region: region.to_owned(),
                    key_id: key_id.to_owned(),
                    what: *what,
                })
            })
            .unwrap_or(Slot::Other),
        [region, dir, ref names @ ..]
            if is_region(region) && !names.is_empty() && by_id(dir).is_some() =>
        {
            let joined = names.join("/");
            match (by_id(dir), joined.strip_suffix(".json")) {
                (Some(ty), Some(name)) if !name.is_empty() => Slot::Resource {
                    region: region.to_owned(),
                    ty: ty.id,
                    name: ty.name_from_path(name),
                },
                _ => Slot::Other,
            }
        }
        [region, dir, file] if is_region(region) && dir == "sagemaker" => {
            match file.strip_suffix(".json") {
                Some(name) if !name.is_empty() => Slot::ModelPackageGroup {
                    region: region.to_owned(),
                    name: name.to_owned(),
                },
                _ => Slot::Other,
            }
        }
        _ => Slot::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(p: &str) -> Slot {
        match place(Path::new(p)) {
            Place::Account { slot, .. } => slot,
            other => panic!("{p}: {other:?}"),
        }
    }

    proptest::proptest! {
        /// `is_region` says what splitting the name at every `-` says: a two-letter area,
        /// one or more lowercase words, then a number.
        #[test]
        fn regions_are_read_part_by_part(s in "[a-z0-9é-]{0,14}|[a-zé1]{1,3}(-[a-z1]{0,4}){0,3}-[0-9a]{0,2}") {
            let parts: Vec<&str> = s.split('-').collect();
            let word = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
            let want = parts.len() >= 3
                && parts[0].len() == 2
                && parts[0].bytes().all(|b| b.is_ascii_lowercase())
                && parts[1..parts.len() - 1].iter().all(|p| word(p))
                && parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            proptest::prop_assert_eq!(is_region(&s), want, "{}", s);
        }
    }

    #[test]
    fn reads_the_account_layout() {
        assert_eq!(slot("x/111111111111/iam.json"), Slot::Iam);
        assert_eq!(slot("111111111111/iam.page-2.json"), Slot::Iam);
        assert_eq!(slot("x/111111111111/organization.json"), Slot::Organization);
        assert_eq!(
            slot("x/111111111111/s3/my.bucket.public-access-block.json"),
            Slot::Bucket {
                bucket: "my.bucket".into(),
                what: BucketFile::PublicAccessBlock
            }
        );
        assert_eq!(
            slot("/a/111111111111/us-east-1/ecr/team/app.json"),
            Slot::Repository {
                region: "us-east-1".into(),
                name: "team/app".into()
            }
        );
        assert_eq!(
            slot("111111111111/eu-west-1/kms/1234abcd.grants.json"),
            Slot::Key {
                region: "eu-west-1".into(),
                key_id: "1234abcd".into(),
                what: KeyFile::Grants
            }
        );
        assert_eq!(
            slot("111111111111/us-gov-west-1/sagemaker/grp.json"),
            Slot::ModelPackageGroup {
                region: "us-gov-west-1".into(),
                name: "grp".into()
            }
        );
        assert_eq!(
            slot("111111111111/us-east-1/lambda-layer/shared-libs/3.json"),
            Slot::Resource {
                region: "us-east-1".into(),
                ty: "lambda-layer",
                name: "shared-libs:3".into()
            }
        );
        assert_eq!(
            slot("111111111111/eu-west-1/sns-topic/events.json"),
            Slot::Resource {
                region: "eu-west-1".into(),
                ty: "sns-topic",
                name: "events".into()
            }
        );
        assert_eq!(slot("111111111111/notes/readme.json"), Slot::Other);
        assert_eq!(place(Path::new("plan.json")), Place::Elsewhere);
    }

    #[test]
    fn the_nearest_folder_decides() {
        assert!(matches!(
            place(Path::new("f/111111111111/org/ous/r-ab12.json")),
            Place::Org { slot: OrgSlot::OusOf(ref id), ref dir } if id == "r-ab12" && dir == "f/111111111111/org"
        ));
        assert!(matches!(
            place(Path::new("org/222222222222/iam.json")),
            Place::Account {
                slot: Slot::Iam,
                ..
            }
        ));
    }

    /// [`place`] as `Path::components` and `Path::ancestors` read a path.
    fn place_by_components(path: &Path) -> Place {
        let parts: Vec<String> = path
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let file_index = parts.len().saturating_sub(1);
        for i in (0..file_index).rev() {
            if parts[i] == "org" {
                let dir = path.ancestors().nth(file_index - i).unwrap();
                return Place::Org {
                    dir: dir.to_string_lossy().into_owned(),
                    slot: org_slot(&parts[i + 1..]),
                };
            }
            if is_account_id(parts[i]) {
                return Place::Account {
                    account: parts[i].to_owned(),
                    slot: account_slot(&parts[i + 1..]),
                };
            }
        }
        Place::Elsewhere
    }

    proptest::proptest! {
        /// Folders and names are read from a path as `Path::components` reads them, with
        /// `.`, repeated separators and absolute paths. (A walk of the tree gives no `..`;
        /// `place` skips it, where `Path::ancestors` would keep it in the `org` folder.)
        #[test]
        fn paths_split_as_components_split_them(
            root in "/?|\\./",
            names in proptest::collection::vec(
                "org|111111111111|x|\\.|s3|kms|ecr|us-east-1|policies|ous|iam\\.json|b\\.policy\\.json|k\\.key\\.json|r-1\\.json",
                0..7,
            ),
            seps in proptest::collection::vec("/|//", 7),
        ) {
            let mut path = root.clone();
            for (i, n) in names.iter().enumerate() {
                path.push_str(n);
                if i + 1 < names.len() {
                    path.push_str(&seps[i]);
                }
            }
            let path = Path::new(&path);
            proptest::prop_assert_eq!(place(path), place_by_components(path), "{:?}", path);
        }
    }

    #[test]
    fn regions() {
        assert!(is_region("us-east-1"));
        assert!(is_region("ap-southeast-2"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("ecr"));
        assert!(!is_region("us-east"));
    }
}
