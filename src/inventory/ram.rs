//! AWS RAM resource shares an account owns, as its `aws ram` exports list them (read by
//! [`crate::load::aws_cli::ram`]): the shares, the resources and principals associated with
//! them, their managed permissions and the permissions' policy templates. Each export is
//! kept as its own list; [`crate::workflow`] joins them when a step is decided with a share.

use std::collections::BTreeMap;

use super::Provenance;

/// One resource share (`get-resource-shares`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// `resourceShareArn`.
    pub arn: String,
    /// `name`.
    pub name: String,
    /// `status` (`ACTIVE`, `PENDING`, `FAILED`, `DELETING`, `DELETED`).
    pub status: String,
    /// `allowExternalPrincipals`; `None` when the export does not say.
    pub allow_external: Option<bool>,
    /// Where it was read.
    pub at: Provenance,
}

/// One resource associated with a share (`list-resources`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedResource {
    /// The resource's ARN.
    pub arn: String,
    /// `type` (`sagemaker:ModelPackageGroup`).
    pub kind: String,
    /// The share.
    pub share: String,
    /// `status` (`AVAILABLE`, `UNAVAILABLE`, `PENDING`…).
    pub status: String,
    /// Where it was read.
    pub at: Provenance,
}

/// One principal associated with a share (`list-principals`, or a `PRINCIPAL` association
/// of `get-resource-share-associations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharePrincipal {
    /// An account id, an organization or OU ARN, or an IAM role or user ARN.
    pub id: String,
    /// The share.
    pub share: String,
    /// `external`: outside the owner's organization (the principal must accept an
    /// invitation); `None` when the export does not say.
    pub external: Option<bool>,
    /// The association's `status` (`ASSOCIATED`…), when the export gives one.
    pub status: Option<String>,
    /// Where it was read.
    pub at: Provenance,
}

/// One managed permission attached to a share (`list-permission-associations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharePermission {
    /// The permission's ARN.
    pub arn: String,
    /// Its version, when the export names one.
    pub version: Option<String>,
    /// The share.
    pub share: String,
    /// The association's `status` (`ASSOCIATED`…), when the export gives one.
    pub status: Option<String>,
    /// Where it was read.
    pub at: Provenance,
}

/// A managed permission's policy template (`get-permission`): the `Effect`, `Action` and
/// `Condition` of the statement RAM writes for each principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionDocument {
    /// The permission's ARN.
    pub arn: String,
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: String,
    /// `defaultVersion`.
    pub default_version: bool,
    /// `resourceType`.
    pub resource_type: String,
    /// The template, as JSON text.
    pub template: String,
    /// Where it was read.
    pub at: Provenance,
}

/// One recognized piece of a RAM export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RamItem {
    /// `get-resource-shares` was exported (perhaps with no share).
    Exported,
    /// A share.
    Share(Share),
    /// A resource association.
    Resource(SharedResource),
    /// A principal association.
    Principal(SharePrincipal),
    /// A permission association.
    Permission(SharePermission),
    /// A permission's template.
    Document(PermissionDocument),
}

/// Everything an account's RAM exports say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ram {
    /// Whether `get-resource-shares` was exported for the account (without it, no share of
    /// the account is known to exist or not).
    pub exported: bool,
    /// The shares, by ARN.
    pub shares: BTreeMap<String, Share>,
    /// Resource associations.
    pub resources: Vec<SharedResource>,
    /// Principal associations.
    pub principals: Vec<SharePrincipal>,
    /// Permission associations.
    pub permissions: Vec<SharePermission>,
    /// Permission templates, by (ARN, version).
    pub documents: BTreeMap<(String, String), PermissionDocument>,
}

impl Ram {
    /// Adds one item.
    pub fn apply(&mut self, item: RamItem) {
        match item {
            RamItem::Exported => self.exported = true,
            RamItem::Share(s) => {
                self.exported = true;
                self.shares.insert(s.arn.clone(), s);
            }
            RamItem::Resource(r) => {
                if !self.resources.contains(&r) {
                    self.resources.push(r);
                }
            }
            RamItem::Principal(p) => {
                if !self.principals.contains(&p) {
                    self.principals.push(p);
                }
            }
            RamItem::Permission(p) => {
                if !self.permissions.contains(&p) {
                    self.permissions.push(p);
                }
            }
            RamItem::Document(d) => {
                self.documents.insert((d.arn.clone(), d.version.clone()), d);
            }
        }
    }
}
