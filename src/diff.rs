//! Which principals gain or lose which access between two inventories (two
//! export trees, or a Terraform plan's before and after), cross-account access first.
//!
//! Access is what the account graph ([`crate::graph`]) draws: every edge from a principal
//! to a resource (resource policies, KMS grants, trust policies, identity policies that name
//! a loaded resource), one entry per action (compared without regard to case, shown as the
//! policy writes it). An entry is new when no edge of the
//! before side has the same principal, resource, kind, action and conditionality; a
//! condition removed is therefore access gained. Like the graph, it compares what policies
//! name, not decisions: a `Deny` statement added elsewhere is not seen as access lost.
//! A statement of a policy AWS would reject (or one that cannot be read) may grant: its
//! access counts, marked undecided, so that the gate fails closed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::graph::{EdgeKind, Graph, NodeKind};
use crate::inventory::{Inventory, Unevaluated};
use crate::load::{FileData, LoadOptions};

/// How far outside the resource's account a principal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Everyone (`*`) with no condition.
    Public,
    /// Everyone under conditions (which may or may not pin the organization).
    EveryoneConditionally,
    /// An account no organization of the resource lists, or a federated provider.
    OutsideOrganization,
    /// No loaded organization lists the resource's account.
    OrganizationUnknown,
    /// Another account of the resource's organization.
    OtherAccount,
    /// The resource's own account.
    SameAccount,
    /// An AWS service.
    Service,
}

impl Scope {
    /// Whether access of this scope crosses the account boundary.
    pub fn is_cross_account(self) -> bool {
        !matches!(self, Scope::SameAccount | Scope::Service)
    }

    /// A label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Public => "PUBLIC",
            Scope::EveryoneConditionally => "everyone (conditional)",
            Scope::OutsideOrganization => "outside organization",
            Scope::OrganizationUnknown => "cross-account (organization unknown)",
            Scope::OtherAccount => "cross-account",
            Scope::SameAccount => "same account",
            Scope::Service => "service",
        }
    }
}

/// One access: a principal's actions on a resource through one kind of policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How far outside the resource's account the principal is.
    pub scope: Scope,
    /// The principal (its ARN, `*`, `service:…`, `federated:…`).
    pub principal: String,
    /// Its account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_account: Option<String>,
    /// The resource (its ARN).
    pub resource: String,
    /// Its account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// `trust`, `resource-policy`, `kms-grant`, `identity-policy`, `shared-attribute`.
    pub kind: EdgeKind,
    /// The actions gained or lost.
    pub actions: Vec<String>,
    /// Only when the statement's conditions (or the grant's constraints) hold.
    pub conditional: bool,
    /// Through a statement that cannot be decided (its policy is defective): the access may
    /// exist; the gate counts it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undecided: bool,
    /// The statements or grants (`file: pointer`).
    pub via: Vec<String>,
}

/// One side's inputs.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// What was loaded (paths; a plan's side says which of its values were read).
    pub inputs: Vec<String>,
    /// Files read.
    pub files: usize,
    /// Accounts loaded.
    pub accounts: usize,
    /// Problems with its inputs.
    pub problems: Vec<Diagnostic>,
}

/// The comparison.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// The before side.
    pub before: Side,
    /// The after side.
    pub after: Side,
    /// Access the after side has and the before side does not, cross-account first.
    pub gained: Vec<Change>,
    /// Access the before side has and the after side does not.
    pub lost: Vec<Change>,
    /// What the after side carries that could not be evaluated (a policy known only after
    /// apply, a failed export): whatever it opens is not in `gained`, so the gate cannot
    /// pass while it is not empty.
    pub unevaluated: Vec<Unevaluated>,
}

impl DiffReport {
    /// Whether the gate fails: new cross-account access, or anything that could not be
    /// evaluated (it may open anything).
    pub fn fails(&self) -> bool {
        self.new_cross_account() > 0 || !self.unevaluated.is_empty()
    }

    /// New access that crosses an account boundary (the gate).
    pub fn new_cross_account(&self) -> usize {
        self.gained
            .iter()
            .filter(|c| c.scope.is_cross_account())
            .count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    principal: String,
    resource: String,
    kind: EdgeKind,
    conditional: bool,
    undecided: bool,
}

#[derive(Debug, Clone)]
struct Value {
    /// The action as the (first) policy writes it.
    written: String,
    scope: Scope,
    principal_account: Option<String>,
    resource_account: Option<String>,
    via: BTreeSet<String>,
}

type Access = BTreeMap<(Key, String), Value>;

fn via_text(p: &crate::inventory::Provenance) -> String {
    let text = p.to_string();
    // The before side of a plan is read as a plan whose `after` is the `before`.
    if text.contains(" (before)") {
        text.replace("/change/after", "/change/before")
    } else {
        text
    }
}

/// Every access the inventory's graph draws, one entry per action.
fn access(inv: &Inventory) -> Access {
    let g = Graph::build(inv);
    let mut out: Access = BTreeMap::new();
    for e in g.graph.edge_indices() {
        let Some((a, b)) = g.graph.edge_endpoints(e) else {
            continue;
        };
        let edge = &g.graph[e];
        if edge.kind == EdgeKind::Owns {
            continue;
        }
        let (from, to) = (&g.graph[a], &g.graph[b]);
        if from.kind == NodeKind::Invalid {
            continue;
        }
        let org = |acct: &Option<String>| acct.as_ref().and_then(|x| g.org_of.get(x));
        let scope = match from.kind {
            NodeKind::Everyone if edge.conditional => Scope::EveryoneConditionally,
            NodeKind::Everyone => Scope::Public,
            NodeKind::Service => Scope::Service,
            NodeKind::Federated if from.account.is_none() => Scope::OutsideOrganization,
            _ if from.account == to.account => Scope::SameAccount,
            _ => match (org(&to.account), org(&from.account)) {
                (Some(x), Some(y)) if x == y => Scope::OtherAccount,
                (Some(_), _) => Scope::OutsideOrganization,
                (None, _) => Scope::OrganizationUnknown,
            },
        };
        let key = Key {
            principal: from.id.clone(),
            resource: to.id.clone(),
            kind: edge.kind,
            conditional: edge.conditional,
            undecided: edge.undecided,
        };
        for action in &edge.actions {
            // Actions compare without regard to case; they are shown as written.
            let v = out
                .entry((key.clone(), action.to_ascii_lowercase()))
                .or_insert_with(|| Value {
                    written: action.clone(),
                    scope,
                    principal_account: from.account.clone(),
                    resource_account: to.account.clone(),
                    via: BTreeSet::new(),
                });
            if let Some(p) = &edge.via {
                v.via.insert(via_text(p));
            }
        }
    }
    out
}

/// Groups the entries of `only` (present on one side only) per principal, resource, kind.
fn changes(only: Vec<((Key, String), Value)>) -> Vec<Change> {
    let mut grouped: BTreeMap<Key, Change> = BTreeMap::new();
    for ((key, _), v) in only {
        let c = grouped.entry(key.clone()).or_insert_with(|| Change {
            scope: v.scope,
            principal: key.principal.clone(),
            principal_account: v.principal_account.clone(),
            resource: key.resource.clone(),
            resource_account: v.resource_account.clone(),
            kind: key.kind,
            actions: Vec::new(),
            conditional: key.conditional,
            undecided: key.undecided,
            via: Vec::new(),
        });
        c.actions.push(v.written);
        for via in v.via {
            if !c.via.contains(&via) {
                c.via.push(via);
            }
        }
    }
    let mut out: Vec<Change> = grouped.into_values().collect();
    out.sort_by(|a, b| {
        (a.scope, &a.resource, &a.principal, a.kind, a.conditional).cmp(&(
            b.scope,
            &b.resource,
            &b.principal,
            b.kind,
            b.conditional,
        ))
    });
    out
}

fn side(inputs: Vec<String>, inv: &Inventory) -> Side {
    Side {
        inputs,
        files: inv.files,
        accounts: inv.accounts.len(),
        problems: inv.problems.clone(),
    }
}

/// Compares two loaded inventories.
pub fn diff(
    before: &Inventory,
    before_inputs: Vec<String>,
    after: &Inventory,
    after_inputs: Vec<String>,
) -> DiffReport {
    let (b, a) = rayon::join(|| access(before), || access(after));
    let gained = a
        .iter()
        .filter(|(k, _)| !b.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let lost = b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    DiffReport {
        before: side(before_inputs, before),
        after: side(after_inputs, after),
        gained: changes(gained),
        lost: changes(lost),
        unevaluated: after.unevaluated(),
    }
}

/// Reads the files `inputs` name (files, folders, globs).
pub fn read_inputs(inputs: &[String]) -> (Vec<FileData>, Vec<Diagnostic>) {
    let (paths, mut problems) = crate::load::discover(inputs);
    let (files, unreadable) = crate::load::read_all(&paths);
    problems.extend(unreadable);
    (files, problems)
}

/// Loads files held in memory, keeping the discovery problems.
pub fn load(files: &[FileData], problems: Vec<Diagnostic>, opts: &LoadOptions) -> Inventory {
    let mut inv = crate::load::inventory_in_memory(files, opts, true);
    inv.problems.splice(0..0, problems);
    crate::diagnostic::sort(&mut inv.problems);
    inv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(service: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
        )
    }

    #[test]
    fn a_plans_before_side_is_what_exists_before_it_applies() {
        let role = |name: &str, service: &str| {
            serde_json::json!({
                "name": name,
                "arn": format!("arn:aws:iam::111111111111:role/{name}"),
                "assume_role_policy": trust(service),
            })
        };
        let plan = serde_json::json!({"format_version": "1.2", "resource_changes": [
            {"address": "aws_iam_role.new", "type": "aws_iam_role", "mode": "managed",
             "change": {"actions": ["create"], "before": null, "after": role("new", "lambda.amazonaws.com"), "after_unknown": {}}},
            {"address": "aws_iam_role.old", "type": "aws_iam_role", "mode": "managed",
             "change": {"actions": ["update"], "before": role("old", "ec2.amazonaws.com"), "after": role("old", "lambda.amazonaws.com"), "after_unknown": {}}}
        ]});
        let files = vec![("plan.json".to_owned(), plan.to_string().into_bytes())];
        let side = |plan_side| {
            let opts = LoadOptions {
                plan_side,
                ..LoadOptions::default()
            };
            crate::load::inventory_in_memory(&files, &opts, false)
        };
        let before = side(crate::load::PlanSide::Before);
        let after = side(crate::load::PlanSide::After);
        let roles = |inv: &Inventory| -> Vec<String> {
            inv.accounts["111111111111"]
                .iam
                .as_ref()
                .map(|i| i.roles.keys().cloned().collect())
                .unwrap_or_default()
        };
        assert_eq!(roles(&before), vec!["old"]);
        assert_eq!(roles(&after), vec!["new", "old"]);
        let old = before.role("arn:aws:iam::111111111111:role/old").unwrap();
        let at = old.trust.provenance().unwrap();
        assert_eq!(
            at.pointer.as_str(),
            "/resource_changes/1/change/before/assume_role_policy"
        );
        let report = diff(&before, vec![], &after, vec![]);
        assert!(report.gained.iter().any(|c| c.principal.contains("lambda")));
        assert!(report.lost.iter().any(|c| c.principal.contains("ec2")));
    }
}
