//! The external-access report of one account: every bucket, repository, key (its policy
//! and each grant), model package group, role trust policy and resource of the generic
//! model ([`crate::inventory::resources`]: topics, queues, functions, snapshots shared by
//! attribute…) that names a principal
//! outside the account, classified by how far outside it is (another account of the
//! organization, outside the organization, or everyone), with the statement or grant that
//! opens it.
//!
//! It reads what policies *name*, as the account graph ([`crate::graph`]) does and with the
//! same rules: `Allow` statements (and, marked as not verified, statements of defective
//! policies that might allow), trust statements only when they concern
//! `sts:` actions, service principals left out (they act for the account that calls them).
//! It walks one account's resources directly rather than building the graph, whose
//! identity-policy edges the report does not need and which cost most of its time.

use super::finding::{Access, Finding, Kind};
use crate::catalog::{ArnKey, Catalog, ResourceType};
use crate::diagnostic::codes;
use crate::diagnostic::Location;
use crate::inventory::{Account, Known, Organization, UNKNOWN_ACCOUNT};
use crate::lint::RuleMeta;
use crate::policy::names::{self, Named};
use crate::policy::{BaseOp, Grantee, Policy, PrincipalSet, Statement};

/// Who a statement or grant names, outside the account's own principals.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reach {
    /// `*`, a principal ARN, `arn:aws:iam::A:root`, `federated:P`.
    principal: String,
    /// The principal's account.
    account: Option<String>,
    /// Everyone (`*` or `NotPrincipal`).
    everyone: bool,
    /// A federated identity provider.
    federated: bool,
}

/// Who `set` names, as the report counts them ([`names::principals`]): service principals
/// act for the account that calls them and a deleted principal's id reaches nothing, so both
/// are left out.
fn reaches(named: Vec<Named>) -> Vec<Reach> {
    named
        .into_iter()
        .filter_map(|n| {
            let (everyone, federated) = match &n {
                Named::Everyone => (true, false),
                Named::Federated(_) => (false, true),
                Named::Service(_) | Named::UniqueId(_) => return None,
                Named::FederatedUser { account: None, .. } => return None,
                _ => (false, false),
            };
            Some(Reach {
                principal: n.text(),
                account: n.account().map(str::to_owned),
                everyone,
                federated,
            })
        })
        .collect()
}

/// The organizations a statement's conditions pin the caller to, when one of them does
/// (`aws:PrincipalOrgID` or `aws:PrincipalOrgPaths` with a positive string operator).
fn pinned_orgs(s: &Statement) -> Option<Vec<String>> {
    let mut out: Option<Vec<String>> = None;
    for c in &s.conditions {
        let paths = match &*c.key_lc {
            "aws:principalorgid" => false,
            "aws:principalorgpaths" => true,
            _ => continue,
        };
        let positive = matches!(
            c.op.base,
            BaseOp::StringEquals | BaseOp::StringEqualsIgnoreCase | BaseOp::StringLike
        ) && !c.op.if_exists;
        if !positive {
            continue;
        }
        let values = names::plain_values(&c.values);
        let orgs: Vec<String> = values
            .iter()
            .map(|v| {
                if paths {
                    v.split('/').next().unwrap_or_default().to_owned()
                } else {
                    v.clone()
                }
            })
            .collect();
        if !orgs.is_empty() {
            out.get_or_insert_with(Vec::new).extend(orgs);
        }
    }
    out
}

/// Who a statement names ([`names::statement_principals`]: everyone narrowed to the accounts
/// its conditions pin; the resource's own account is no reach, see [`finding`]).
fn reaches_of(set: &PrincipalSet, s: &Statement) -> Vec<Reach> {
    reaches(names::statement_principals(set, s))
}

/// How far outside the account a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Public,
    OutsideOrganization,
    OrganizationUnknown,
    OtherAccount,
}

impl Scope {
    fn text(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::OutsideOrganization => "outside-organization",
            Scope::OrganizationUnknown => "organization-unknown",
            Scope::OtherAccount => "other-account",
        }
    }

    fn rule(self) -> &'static RuleMeta {
        match self {
            Scope::Public => &codes::RESOURCE_OPEN_TO_EVERYONE,
            Scope::OutsideOrganization | Scope::OrganizationUnknown => {
                &codes::RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION
            }
            Scope::OtherAccount => &codes::RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT,
        }
    }
}

/// What the report needs about the organizations.
pub struct AccessContext<'c> {
    /// The organizations, whole.
    pub orgs: &'c [Organization],
}

impl AccessContext<'_> {
    fn org_of(&self, account: &str) -> Option<&Organization> {
        self.orgs.iter().find(|o| o.contains(account))
    }
}

/// One opening: a resource, the statement or grant, who it lets in.
struct Opening<'a> {
    resource: String,
    resource_type: &'static str,
    label: String,
    /// `resource-policy`, `trust-policy`, `kms-grant`, or `shared-attribute` (with the
    /// attribute's name after a colon).
    via: &'static str,
    actions: Vec<String>,
    /// The actions for the message, each with the statement's resources it applies to.
    described: String,
    sid: Option<String>,
    conditional: bool,
    /// The statement cannot be decided (its policy is defective): it may open the resource.
    undecided: bool,
    statement: Option<&'a Statement>,
    /// The statement or grant.
    place: Location,
}

/// `` `a`, `b` ``.
fn quoted(items: impl IntoIterator<Item = String>) -> String {
    items
        .into_iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which of `resources` an action as written applies to, as AWS's action data says (an object
/// action to the object ARNs, a bucket action to the bucket ARN); all of them when it cannot
/// be told (an unknown action, no action data).
fn applies_to<'r>(
    action: &str,
    resources: &'r [String],
    catalog: Option<&'static Catalog>,
) -> Vec<&'r str> {
    let all = || resources.iter().map(String::as_str).collect();
    let Some(catalog) = catalog else {
        return all();
    };
    // The resource types of every action the pattern covers, each once (a wildcard covers
    // many actions on a few types), each matched to the resources through the memo the
    // lint's rules fill for the same statements.
    let mut types: Vec<&'static ResourceType> = Vec::new();
    for (svc, a) in catalog.matching_actions(action) {
        for t in a
            .resource_types
            .iter()
            .filter_map(|t| svc.resource_type_of(t))
        {
            if !types.iter().any(|k| std::ptr::eq(*k, t)) {
                types.push(t);
            }
        }
    }
    let found: Vec<&str> = resources
        .iter()
        .filter(|r| {
            let key = ArnKey::new(r);
            types.iter().any(|t| crate::catalog::type_matches(t, &key))
        })
        .map(String::as_str)
        .collect();
    if found.is_empty() {
        all()
    } else {
        found
    }
}

/// A statement's actions as written, each with the resources it applies to, for messages:
/// `` `s3:GetObject` on `arn:aws:s3:::b/*`, `s3:ListBucket` on `arn:aws:s3:::b` ``. A statement
/// on `*` (or on what its policy is attached to: no `Resource`) names the actions alone.
fn actions_on(s: &Statement, catalog: Option<&'static Catalog>) -> String {
    let actions = names::action_texts(&s.action);
    let resources: Vec<String> = match &s.resource {
        Some(r) if !r.negated => r
            .patterns
            .iter()
            .filter(|v| &*v.written != "*")
            .map(|v| v.written.to_string())
            .collect(),
        _ => Vec::new(),
    };
    if resources.is_empty() || s.action.as_ref().is_some_and(|a| a.negated) {
        return quoted(actions);
    }
    // Consecutive actions on the same resources are written together.
    let mut groups: Vec<(Vec<String>, Vec<&str>)> = Vec::new();
    for a in actions {
        let on = applies_to(&a, &resources, catalog);
        match groups.last_mut() {
            Some((names, last)) if *last == on => names.push(a),
            _ => groups.push((vec![a], on)),
        }
    }
    groups
        .into_iter()
        .map(|(names, on)| {
            format!(
                "{} on {}",
                quoted(names),
                quoted(on.iter().map(|r| r.to_string()))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The external-access findings of `acct`.
pub fn external_access(acct: &Account, cx: &AccessContext<'_>) -> Vec<Finding> {
    let catalog = crate::catalog::catalog().ok();
    let mut out = Vec::new();
    let id = acct.id.as_str();
    let org = cx.org_of(id);
    let policy = |p: &Policy,
                  resource: &str,
                  resource_type: &'static str,
                  label: &str,
                  via: &'static str,
                  out: &mut Vec<Finding>| {
        for s in &p.statements {
            // A statement of a policy AWS rejects, or one that cannot be read, may still open
            // the resource: it is reported, marked as not verified (fail closed).
            if !s.may_allow() {
                continue;
            }
            let undecided = names::undecided(p, s);
            let Some(set) = &s.principal else {
                continue;
            };
            if via == "trust-policy" && !names::concerns_sts(s) {
                continue;
            }
            // Only principals of other accounts make findings: a statement without any is
            // not described (most statements of an account name its own principals).
            let reaches: Vec<Reach> = reaches_of(set, s)
                .into_iter()
                .filter(|r| r.account.as_deref() != Some(id))
                .collect();
            if reaches.is_empty() {
                continue;
            }
            let opening = Opening {
                resource: resource.to_owned(),
                resource_type,
                label: label.to_owned(),
                via,
                actions: names::action_texts(&s.action),
                described: actions_on(s, catalog),
                sid: s.sid.as_deref().map(String::from),
                conditional: !s.conditions.is_empty() || s.conditions_partial,
                undecided,
                statement: Some(s),
                place: p.origin.location(&s.pointer()),
            };
            for r in &reaches {
                if let Some(f) = finding(id, org, &opening, r) {
                    out.push(f);
                }
            }
        }
    };
    for (name, b) in &acct.buckets {
        if let Known::Present(p, _) = &b.policy {
            let arn = format!("arn:aws:s3:::{name}");
            policy(
                p,
                &arn,
                "bucket",
                &format!("bucket `{name}`"),
                "resource-policy",
                &mut out,
            );
        }
    }
    for ((region, name), r) in &acct.repositories {
        if let Known::Present(p, _) = &r.policy {
            let arn = format!("arn:aws:ecr:{region}:{id}:repository/{name}");
            policy(
                p,
                &arn,
                "repository",
                &format!("repository `{name}`"),
                "resource-policy",
                &mut out,
            );
        }
    }
    for ((region, name), g) in &acct.model_package_groups {
        if let Known::Present(p, _) = &g.policy {
            let arn = format!("arn:aws:sagemaker:{region}:{id}:model-package-group/{name}");
            policy(
                p,
                &arn,
                "model-package-group",
                &format!("model package group `{name}`"),
                "resource-policy",
                &mut out,
            );
        }
    }
    for ((region, key_id), key) in &acct.keys {
        let arn = key
            .arn
            .clone()
            .unwrap_or_else(|| format!("arn:aws:kms:{region}:{id}:key/{key_id}"));
        let label = format!("key `{key_id}`");
        if let Known::Present(p, _) = &key.policy {
            policy(p, &arn, "key", &label, "resource-policy", &mut out);
        }
        if let Known::Present(grants, _) = &key.grants {
            for g in grants {
                let Grantee::Principal(set) = &g.grantee else {
                    // Service grantees act for the account; a grantee that is no principal
                    // ARN is a lint finding (XA0110).
                    continue;
                };
                let opening = Opening {
                    resource: arn.clone(),
                    resource_type: "key",
                    label: label.clone(),
                    via: "kms-grant",
                    actions: g.operations.iter().map(|o| format!("kms:{o}")).collect(),
                    described: quoted(g.operations.iter().map(|o| format!("kms:{o}"))),
                    sid: Some(g.id.clone()).filter(|s| !s.is_empty()),
                    conditional: g.constraints.equals.is_some() || g.constraints.subset.is_some(),
                    undecided: false,
                    statement: None,
                    place: g.origin.location(&g.origin.pointer),
                };
                for r in reaches(names::principals(set)) {
                    if let Some(f) = finding(id, org, &opening, &r) {
                        out.push(f);
                    }
                }
            }
        }
    }
    for r in acct.resources.values() {
        if let Known::Present(p, _) = &r.policy {
            let via = match &r.ty.shared_by {
                Some(_) => "shared-attribute",
                None => "resource-policy",
            };
            policy(p, &r.arn, r.ty.id, &r.label(), via, &mut out);
        }
    }
    if let Some(iam) = &acct.iam {
        for role in iam.roles.values() {
            if let Known::Present(p, _) = &role.trust {
                let label = format!("role `{}`", role.name);
                policy(p, &role.arn, "role", &label, "trust-policy", &mut out);
            }
        }
    }
    out
}

fn finding(
    account: &str,
    org: Option<&Organization>,
    o: &Opening<'_>,
    r: &Reach,
) -> Option<Finding> {
    if r.account.as_deref() == Some(account) {
        return None;
    }
    let org_id = org.map(Organization::label);
    let scope = if r.federated {
        Scope::OutsideOrganization
    } else if r.everyone {
        match (o.statement.and_then(pinned_orgs), &org_id) {
            (Some(pinned), Some(mine)) if pinned.iter().all(|p| p == mine) => Scope::OtherAccount,
            (Some(_), Some(_)) => Scope::OutsideOrganization,
            (Some(_), None) => Scope::OrganizationUnknown,
            (None, _) if o.conditional => Scope::OutsideOrganization,
            (None, _) => Scope::Public,
        }
    } else {
        match (org, &r.account) {
            (Some(org), Some(a)) if org.contains(a) => Scope::OtherAccount,
            (Some(_), _) => Scope::OutsideOrganization,
            (None, _) => Scope::OrganizationUnknown,
        }
    };
    let who = if r.everyone {
        match scope {
            Scope::OtherAccount => format!(
                "every account of organization {}",
                org_id.as_deref().unwrap_or("?")
            ),
            _ => "everyone (`*`)".to_owned(),
        }
    } else if r.federated {
        format!(
            "identities of the federated provider `{}`",
            r.principal
                .strip_prefix("federated:")
                .unwrap_or(&r.principal)
        )
    } else if r.principal.ends_with(":root") {
        format!("account {}", r.account.as_deref().unwrap_or("?"))
    } else {
        format!("`{}`", r.principal)
    };
    let where_ = match scope {
        Scope::Public => String::new(),
        Scope::OutsideOrganization if r.everyone || r.federated => String::new(),
        Scope::OutsideOrganization => match &org_id {
            Some(id) => format!(", outside organization {id}"),
            None => String::new(),
        },
        Scope::OrganizationUnknown if account == UNKNOWN_ACCOUNT => {
            ", outside the account it is deployed to, whatever it is (its plan or template does not say which account that is)".to_owned()
        }
        Scope::OrganizationUnknown => {
            format!(" (no loaded organization lists account {account}, so it counts as outside)")
        }
        Scope::OtherAccount if r.everyone => String::new(),
        Scope::OtherAccount => String::new(),
    };
    let via = match o.via {
        "kms-grant" => format!(
            "a KMS grant{}",
            o.sid
                .as_deref()
                .map(|s| format!(" (`{}`)", abbreviate(s)))
                .unwrap_or_default()
        ),
        "trust-policy" => "its trust policy".to_owned(),
        "shared-attribute" => match crate::inventory::resources::type_of_arn(&o.resource)
            .and_then(|t| t.shared_by.as_ref())
        {
            Some(by) => format!("its `{}` attribute", by.attribute),
            None => "its sharing attribute".to_owned(),
        },
        _ => "its policy".to_owned(),
    };
    let condition = match (o.conditional, o.via) {
        (false, _) => "",
        (true, "kms-grant") => " within the grant's constraints",
        (true, _) => " when the statement's conditions hold",
    };
    let message = format!(
        "{} {} from {who}{where_} through {via}{condition}: {}",
        o.label,
        if o.undecided {
            "may be reachable (not verified: the policy is defective, see its lint errors)"
        } else {
            "is reachable"
        },
        o.described
    );
    // Ids stay what they were: a statement's actions lowercased, a grant's operations as
    // AWS spells them.
    let mut actions: Vec<String> = match o.via {
        "kms-grant" => o.actions.clone(),
        _ => o.actions.iter().map(|a| a.to_ascii_lowercase()).collect(),
    };
    actions.sort();
    // The statement's own pointer (inside an embedded policy text, that text's), as the id
    // has always been made.
    let handle = o.sid.clone().unwrap_or_else(|| {
        o.place
            .embedded
            .as_ref()
            .unwrap_or(&o.place.pointer)
            .to_string()
    });
    let joined = actions.join(",");
    let rule = scope.rule();
    let mut f = Finding::new(
        rule,
        Kind::ExternalAccess,
        Some(account.to_owned()),
        message,
        // Lines come later, for every finding of a file at once.
        o.place.clone(),
        &[
            &o.resource,
            &r.principal,
            o.via,
            &handle,
            &joined,
            if o.conditional { "conditional" } else { "" },
        ],
    );
    f.help = Some(match scope {
        Scope::Public => "name the principals, or pin the organization with `aws:PrincipalOrgID`; if it is intended, trust principal `*` for this resource in the audit file".to_owned(),
        _ if r.everyone || r.federated => format!(
            "if it is intended, trust principal `{}` for this resource in the audit file",
            r.principal
        ),
        _ => format!(
            "if it is intended, trust account {} in the audit file",
            r.account.as_deref().unwrap_or("?")
        ),
    });
    f.access = Some(Access {
        resource: o.resource.clone(),
        resource_type: o.resource_type.to_owned(),
        principal: r.principal.clone(),
        principal_account: r.account.clone(),
        via: o.via.to_owned(),
        actions: o.actions.clone(),
        sid: o.sid.clone(),
        conditional: o.conditional,
        undecided: o.undecided,
        scope: scope.text().to_owned(),
        organization: org_id,
    });
    Some(f)
}

/// A grant id is 64 hex digits: the first 12 name it well enough in a message.
fn abbreviate(s: &str) -> String {
    if s.len() > 16 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{}…", s.get(..12).unwrap_or(s))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{DocKind, Origin};

    fn statement(text: &str) -> Statement {
        let p = Policy::parse_text(text, DocKind::Resource, Origin::default()).unwrap();
        p.statements.into_iter().next().unwrap()
    }

    #[test]
    fn actions_are_shown_as_written_on_the_resources_they_apply_to() {
        let cat = crate::catalog::catalog().ok();
        let s = statement(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","S3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#,
        );
        assert_eq!(
            actions_on(&s, cat),
            "`s3:GetObject`, `S3:PutObject` on `arn:aws:s3:::b/*`, `s3:ListBucket` on `arn:aws:s3:::b`"
        );
        let s = statement(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#,
        );
        assert_eq!(actions_on(&s, cat), "`sqs:SendMessage`");
    }

    #[test]
    fn a_statement_pinned_to_the_account_is_not_external() {
        let s = statement(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"AWS:SourceOwner":"111111111111"}}}]}"#,
        );
        let set = s.principal.clone().unwrap();
        let reach = reaches_of(&set, &s);
        assert_eq!(reach.len(), 1);
        assert!(!reach[0].everyone);
        assert_eq!(reach[0].account.as_deref(), Some("111111111111"));
    }
}
