//! The fix for a denial: the minimal statement to add (least privilege, real ARNs), on the
//! exact policy that lacks it, or the statement to remove, or the `create-grant` call.

use serde::Serialize;
use serde_json::{json, Value};

use super::Place;
use crate::arn::Arn;
use crate::diagnostic::Location;
use crate::eval::{Context, ContextValue, Principal, Requirement};
use crate::inventory::Assembled;
use crate::scenario::Step;

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    /// Add `statement` to the policy `target` names.
    AddStatement,
    /// Remove or narrow the statement at `file`/`pointer`.
    RemoveStatement,
    /// Keep the statement at `file`/`pointer` and merge `condition` into its `Condition`
    /// block: an exception for the principal only.
    AddException,
    /// Run `command`.
    CreateGrant,
    /// Correct the policy so that AWS accepts it.
    CorrectPolicy,
    /// Encrypt with a customer managed key.
    UseCustomerManagedKey,
    /// A change that needs a decision by the organization's administrators.
    OrganizationPolicy,
    /// Share the resource with the principal through AWS RAM (or attach a permission).
    ShareWithPrincipal,
}

/// Which policy a fix changes, as the command that applies it names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applies {
    /// An inline policy of this role.
    Role {
        /// The role's name.
        name: String,
    },
    /// The bucket policy.
    Bucket {
        /// The bucket.
        name: String,
    },
    /// The repository policy.
    Repository {
        /// The registry (account).
        registry: String,
        /// The Region.
        region: String,
        /// The repository.
        name: String,
    },
    /// The key policy.
    Key {
        /// The key's ARN.
        arn: String,
    },
    /// The model package group policy.
    Group {
        /// The Region.
        region: String,
        /// The group.
        name: String,
    },
    /// The principals of an AWS RAM share (the `list-principals` export beside the share's).
    Share {
        /// The share's ARN.
        arn: String,
        /// The account to associate.
        account: String,
    },
    /// An SCP or RCP.
    OrgPolicy {
        /// `p-…`.
        id: String,
    },
    /// Another policy.
    Other,
}

impl Applies {
    /// The resource policy of `resource` (an ARN).
    pub fn resource(resource: &str) -> Applies {
        let Some(a) = Arn::parse(resource) else {
            return Applies::Other;
        };
        match a.service {
            "s3" => Applies::Bucket {
                name: a
                    .resource
                    .split('/')
                    .next()
                    .unwrap_or(a.resource)
                    .to_owned(),
            },
            "ecr" => Applies::Repository {
                registry: a.account.to_owned(),
                region: a.region.to_owned(),
                name: a.resource.trim_start_matches("repository/").to_owned(),
            },
            "kms" => Applies::Key {
                arn: resource.to_owned(),
            },
            "sagemaker" => Applies::Group {
                region: a.region.to_owned(),
                name: a
                    .resource
                    .split('/')
                    .nth(1)
                    .unwrap_or(a.resource)
                    .to_owned(),
            },
            _ => Applies::Other,
        }
    }
}

/// One change that would remove a denial.
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    /// What to change, for humans.
    pub target: String,
    /// Where it goes: the policy (or the statement to remove), when known.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The kind of change.
    pub kind: FixKind,
    /// The statement to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Value>,
    /// The condition to merge into the denying statement's `Condition` block (the operators
    /// and keys it has keep their values, these are added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Value>,
    /// The command to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// A note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Which policy it changes, when a whole new document can be written for it.
    #[serde(skip)]
    pub applies: Option<Applies>,
}

impl Fix {
    /// Replaces the resource `from` with `to` in the statement and command (a fix found for
    /// one package version must cover every version).
    pub fn widen_resource(&mut self, from: &str, to: &str) {
        if let Some(s) = &mut self.statement {
            replace_strings(s, from, to);
        }
        if let Some(c) = &mut self.command {
            *c = c.replace(from, to);
        }
        // Notes quote resources in backticks.
        if let Some(n) = &mut self.note {
            *n = n.replace(&format!("`{from}`"), &format!("`{to}`"));
        }
    }
}

fn replace_strings(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.to_owned(),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_strings(x, from, to)),
        Value::Object(m) => m.values_mut().for_each(|x| replace_strings(x, from, to)),
        _ => {}
    }
}

/// What a denial needs.
pub struct Needs<'a> {
    /// The action.
    pub action: &'a str,
    /// The resource.
    pub resource: &'a str,
    /// Who acts.
    pub principal: &'a Principal,
    /// The role's ARN (with its path) when the principal is a role session the inventory
    /// knows.
    pub principal_role_arn: Option<&'a str>,
    /// Whether a specific principal was named (else the account root is the grantee).
    pub consumer_given: bool,
    /// The missing required allows.
    pub missing: &'a [Requirement],
    /// The statements that denied.
    pub denied_by: &'a [Place],
    /// Where the resource's policy is (or would be).
    pub resource_policy_file: Option<&'a Location>,
    /// Where the principal's identity policies are (the role's export).
    pub identity_file: Option<&'a Location>,
    /// The key is an AWS managed key.
    pub managed_key: bool,
    /// The resource policy has errors AWS rejects.
    pub policy_rejected: bool,
    /// The request context (for KMS conditions and grant constraints).
    pub context: &'a Context,
    /// The AWS RAM share that decides the resource side, when the step is decided with one.
    pub share: Option<&'a str>,
    /// The step.
    pub step: &'a Step,
}

/// A `Sid` for an added statement: `Allow` and the action's name.
fn sid(action: &str) -> String {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    format!(
        "Allow{}",
        name.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    )
}

/// The ARN a resource policy should name for the principal: its role (not the session), the
/// user, or the account root when no specific principal was named.
fn grantee(n: &Needs<'_>) -> String {
    if !n.consumer_given {
        if let Some(a) = n.principal.account() {
            return format!("arn:aws:iam::{a}:root");
        }
    }
    match n.principal {
        Principal::RoleSession { role_arn, .. } => {
            n.principal_role_arn.unwrap_or(role_arn).to_owned()
        }
        other => other.principal_arn().unwrap_or_else(|| other.display()),
    }
}

fn ctx(n: &Needs<'_>, key: &str) -> Option<String> {
    match n.context.get(&key.to_lowercase()) {
        Some(ContextValue::Single(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The statement to add to the resource's policy.
fn resource_statement(n: &Needs<'_>) -> Value {
    let service = Arn::parse(n.resource)
        .map(|a| a.service.to_owned())
        .unwrap_or_default();
    let mut s = json!({
        "Sid": sid(n.action),
        "Effect": "Allow",
        "Principal": {"AWS": grantee(n)},
        "Action": n.action,
    });
    match service.as_str() {
        // A repository policy applies to its repository: no `Resource`.
        "ecr" => {}
        // In a key policy `*` means this key; S3's encryption requests carry kms:ViaService.
        "kms" => {
            s["Resource"] = json!("*");
            if let Some(via) = ctx(n, "kms:ViaService") {
                s["Condition"] = json!({"StringEquals": {"kms:ViaService": via}});
            }
        }
        _ => s["Resource"] = json!(n.resource),
    }
    s
}

fn identity_statement(n: &Needs<'_>) -> Value {
    json!({
        "Sid": sid(n.action),
        "Effect": "Allow",
        "Action": n.action,
        "Resource": n.resource,
    })
}

fn who(n: &Needs<'_>) -> String {
    match n.principal {
        Principal::RoleSession { role_arn, .. } => {
            format!("role `{}`", n.principal_role_arn.unwrap_or(role_arn))
        }
        Principal::Root { account, .. } => {
            format!("the principals of account {account} that will use it")
        }
        other => format!("`{}`", other.display()),
    }
}

/// The condition that exempts the principal from a deny statement, and who it exempts: its
/// role (`aws:PrincipalArn` names a role session by its role, path included), user, or
/// account when no specific principal was named. `None` for a principal no key names.
fn exception(n: &Needs<'_>) -> Option<(Value, String)> {
    match n.principal {
        Principal::AnyOf { account, .. } => Some((
            json!({"StringNotEquals": {"aws:PrincipalAccount": account}}),
            format!("the principals of account {account}"),
        )),
        Principal::Root { account, .. } if !n.consumer_given => Some((
            json!({"StringNotEquals": {"aws:PrincipalAccount": account}}),
            format!("the principals of account {account}"),
        )),
        Principal::RoleSession { role_arn, .. } => {
            let arn = n.principal_role_arn.unwrap_or(role_arn);
            Some((
                json!({"ArnNotLike": {"aws:PrincipalArn": arn}}),
                format!("role `{arn}`"),
            ))
        }
        other => other.principal_arn().map(|arn| {
            (
                json!({"ArnNotLike": {"aws:PrincipalArn": arn}}),
                format!("`{arn}`"),
            )
        }),
    }
}

/// Where the resource's policy lives (or would live) in the inventory.
pub fn resource_policy_home(a: &Assembled<'_>) -> Option<Location> {
    if let Some(b) = a.bucket_info {
        if let Some(p) = b.policy.provenance() {
            return Some(p.clone());
        }
    }
    if let Some(r) = a.repository {
        return Some(r.at.clone());
    }
    if let Some(k) = a.key {
        if let Some(p) = k.policy.provenance() {
            return Some(p.clone());
        }
    }
    a.model_package_group.map(|g| g.at.clone())
}

fn resource_label(resource: &str) -> String {
    match Arn::parse(resource) {
        Some(a) if a.service == "s3" => {
            let bucket = a.resource.split('/').next().unwrap_or(a.resource);
            format!("the bucket policy of `{bucket}`")
        }
        Some(a) if a.service == "ecr" => format!(
            "the repository policy of `{}`",
            a.resource.trim_start_matches("repository/")
        ),
        Some(a) if a.service == "kms" => format!(
            "the key policy of `{resource}`",
            resource = a.resource.trim_start_matches("key/")
        ),
        Some(a) if a.service == "sagemaker" => {
            let group = a.resource.split('/').nth(1).unwrap_or(a.resource);
            format!("the model package group policy of `{group}`")
        }
        Some(a) if a.service == "iam" => format!("the trust policy of `{}`", a.resource),
        _ => format!("the resource policy of `{resource}`"),
    }
}

/// The changes that would remove a denial.
pub fn fixes(n: &Needs<'_>) -> Vec<Fix> {
    let mut out = Vec::new();
    if n.managed_key {
        out.push(Fix {
            target: "the training job's output encryption".into(),
            location: None,
            kind: FixKind::UseCustomerManagedKey,
            statement: None,
            condition: None,
            command: None,
            applies: None,
            note: Some(
                "write the artifact with a customer managed key (`OutputDataConfig.KmsKeyId`, or the bucket's default `KMSMasterKeyID`), then give the registry account `kms:Decrypt` on it through its key policy or a grant; AWS managed keys cannot be shared"
                    .into(),
            ),
        });
        return out;
    }
    for d in n.denied_by {
        let org = d.policy.starts_with("SCP") || d.policy.starts_with("RCP");
        let applies = if org {
            std::path::Path::new(&*d.location.file)
                .file_stem()
                .map(|id| Applies::OrgPolicy {
                    id: id.to_string_lossy().into_owned(),
                })
        } else if d.policy.starts_with("resource policy") || d.policy.starts_with("key policy") {
            Some(Applies::resource(n.resource))
        } else {
            None
        };
        let sid = d
            .sid
            .as_deref()
            .map(|s| format!(" (`{s}`)"))
            .unwrap_or_default();
        // An organization's deny guards every account below it, and a deny in a resource's
        // own policy guards the resource (other accounts, other networks): either stays, with
        // an exception for this principal only. A deny in the principal's own policies is its
        // owner's to remove or narrow.
        let guards = org || applies.is_some();
        if let Some((condition, exempted)) = exception(n).filter(|_| guards) {
            out.push(Fix {
                target: format!("{} in {}", d.policy, d.location.file),
                location: Some(d.location.clone()),
                kind: FixKind::AddException,
                statement: None,
                condition: Some(condition),
                command: None,
                applies,
                note: Some(format!(
                    "keep statement {}{sid}: merge this condition into its `Condition` block (the conditions it has stay) so that it no longer denies `{}` on `{}` to {exempted} and still denies it to every other principal",
                    d.location.pointer_text(),
                    n.action,
                    n.resource,
                )),
            });
            continue;
        }
        out.push(Fix {
            target: format!("{} in {}", d.policy, d.location.file),
            location: Some(d.location.clone()),
            kind: FixKind::RemoveStatement,
            statement: None,
            condition: None,
            command: None,
            applies,
            note: Some(format!(
                "remove or narrow statement {}{sid} so that it no longer denies `{}` on `{}` to {}",
                d.location.pointer_text(),
                n.action,
                n.resource,
                who(n)
            )),
        });
    }
    if !n.denied_by.is_empty() {
        return out;
    }
    let resource_side = n.policy_rejected
        || n.missing.iter().any(|m| {
            matches!(
                m,
                Requirement::ResourcePolicy | Requirement::KeyPolicy | Requirement::TrustPolicy
            )
        });
    if let (true, Some(share)) = (resource_side, n.share) {
        let account = n.principal.account().unwrap_or_default();
        let command = if share.contains(":resource-share/") {
            format!("aws ram associate-resource-share --resource-share-arn {share} --principals {account}")
        } else {
            format!("aws ram create-resource-share --name <name> --resource-arns {share} --principals {account}")
        };
        out.push(Fix {
            target: "the AWS RAM share of the group".into(),
            location: n.resource_policy_file.cloned(),
            kind: FixKind::ShareWithPrincipal,
            statement: None,
            condition: None,
            command: Some(command),
            applies: share
                .contains(":resource-share/")
                .then(|| Applies::Share {
                    arn: share.to_owned(),
                    account: account.to_owned(),
                }),
            note: Some(format!(
                "the share's managed permission must allow `{}`; attach one that does (`aws ram replace-permission-associations` or `associate-resource-share-permission`) if it does not",
                n.action
            )),
        });
    } else if resource_side {
        let statement = resource_statement(n);
        out.push(Fix {
            target: resource_label(n.resource),
            location: n.resource_policy_file.cloned(),
            kind: if n.policy_rejected { FixKind::CorrectPolicy } else { FixKind::AddStatement },
            statement: Some(statement),
            condition: None,
            command: None,
            applies: Some(Applies::resource(n.resource)),
            note: if n.policy_rejected {
                Some("correct the policy so that AWS accepts it (see the policy errors), with this statement for the step".into())
            } else if !n.consumer_given {
                Some("naming the account root delegates to its IAM policies; name the consuming role instead for least privilege".into())
            } else {
                None
            },
        });
        if n.resource.starts_with("arn:aws:kms:") || n.resource.contains(":kms:") {
            let op = n.action.split_once(':').map_or(n.action, |(_, o)| o);
            let constraint = ctx(n, "kms:EncryptionContext:aws:s3:arn")
                .map(|obj| format!(" --constraints 'EncryptionContextSubset={{aws:s3:arn={obj}}}'"))
                .unwrap_or_default();
            out.push(Fix {
                target: format!("a grant on `{}` (instead of the key policy)", n.resource),
                location: None,
                kind: FixKind::CreateGrant,
                applies: None,
                statement: None,
                condition: None,
                command: Some(format!(
                    "aws kms create-grant --key-id {} --grantee-principal {} --operations {op}{constraint}",
                    n.resource,
                    grantee(n)
                )),
                note: Some("the grantee must be a principal ARN, not a bare account id".into()),
            });
        }
    }
    if n.missing.iter().any(|m| {
        matches!(
            m,
            Requirement::IdentityPolicy | Requirement::IdentityOrResourcePolicy
        )
    }) {
        let role = match n.principal {
            Principal::RoleSession { role_arn, .. } => n
                .principal_role_arn
                .unwrap_or(role_arn)
                .rsplit('/')
                .next()
                .map(|name| Applies::Role {
                    name: name.to_owned(),
                }),
            _ => None,
        };
        out.push(Fix {
            target: format!("an identity policy of {}", who(n)),
            location: n.identity_file.cloned(),
            kind: FixKind::AddStatement,
            statement: Some(identity_statement(n)),
            condition: None,
            command: None,
            applies: role.filter(|_| n.identity_file.is_some()),
            note: (n.step.sides == crate::scenario::Sides::Identity)
                .then(|| "this action has no resource type: only an identity policy can grant it, on `\"Resource\": \"*\"`".into()),
        });
    }
    if n.missing.contains(&Requirement::PermissionsBoundary) {
        out.push(Fix {
            target: format!("the permissions boundary of {}", who(n)),
            location: None,
            kind: FixKind::AddStatement,
            statement: Some(identity_statement(n)),
            condition: None,
            command: None,
            applies: None,
            note: None,
        });
    }
    for m in n.missing {
        if let Requirement::Scp { level } = m {
            out.push(Fix {
                target: format!("the SCPs at level {level} of the caller's organization path"),
                location: None,
                kind: FixKind::OrganizationPolicy,
                statement: Some(json!({"Effect": "Allow", "Action": n.action, "Resource": "*"})),
                condition: None,
                command: None,
                applies: None,
                note: Some("every level from the root to the account must allow the action".into()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_are_alphanumeric() {
        assert_eq!(
            sid("ecr:GetDownloadUrlForLayer"),
            "AllowGetDownloadUrlForLayer"
        );
        assert_eq!(sid("s3:Get*"), "AllowGet");
    }

    #[test]
    fn widening_replaces_the_resource_everywhere() {
        let mut f = Fix {
            target: String::new(),
            location: None,
            kind: FixKind::AddStatement,
            statement: Some(json!({"Resource": "arn:x/1", "Action": "a"})),
            condition: None,
            command: Some("--resource arn:x/1".into()),
            note: None,
            applies: None,
        };
        f.note = Some("denies `a` on `arn:x/1` and `arn:x/10`".into());
        f.widen_resource("arn:x/1", "arn:x/*");
        assert_eq!(
            f.note.as_deref(),
            Some("denies `a` on `arn:x/*` and `arn:x/10`")
        );
        assert_eq!(f.statement.unwrap()["Resource"], "arn:x/*");
        assert_eq!(f.command.unwrap(), "--resource arn:x/*");
    }
}
