//! The account graph: accounts, principals and resources of an [`Inventory`] as a petgraph
//! [`DiGraph`], with an edge for every way one reaches another.
//!
//! Stage three of the pipeline (load → model → **graph** → evaluate / lint → report). Nodes
//! are accounts, principals (users, roles, account roots, service principals, everyone,
//! principals named in policies but not loaded) and resources (buckets, repositories, keys,
//! model package groups; roles double as trust targets). Edges point from who reaches to
//! what is reached, and each remembers the statement or grant that made it:
//!
//! * **owns**: an account owns its principals and resources;
//! * **trust**: a role's trust policy lets a principal assume it;
//! * **resource policy**: a resource's policy allows a principal;
//! * **KMS grant**: a grant allows its grantee operations on a key;
//! * **shared attribute**: a snapshot is shared with an account (or everyone);
//! * **identity policy**: a principal's own policy allows it actions on a loaded resource
//!   that the statement names by account or bucket (statements on `*`, or on every
//!   account, are not drawn: they say nothing about *which* account is reached).
//!
//! An edge is *cross-account* when its ends are in different accounts (or it reaches from
//! everyone). The graph says who is *named*; whether a request is allowed is the engine's
//! question ([`crate::eval`]).

use std::collections::{BTreeMap, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::arn::{Arn, RequestResource, ResourcePattern};
use crate::inventory::{Inventory, Known, Provenance};
use crate::policy::names::{self, Named};
use crate::policy::{Grantee, Policy, PrincipalSet, ResourceEntry, Statement};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An account.
    Account,
    /// An account root principal (`arn:aws:iam::A:root`): the account as a whole.
    AccountRoot,
    /// An IAM user.
    User,
    /// An IAM role (a principal, and a trust target).
    Role,
    /// A federated principal (identity provider or federated-user session).
    Federated,
    /// An AWS service principal.
    Service,
    /// Everyone (`"*"`, or a `NotPrincipal`).
    Everyone,
    /// A principal value that names no live principal (a unique id left by a deleted
    /// principal, or a KMS grantee that is not an ARN).
    Invalid,
    /// An S3 bucket.
    Bucket,
    /// An ECR repository.
    Repository,
    /// A KMS key.
    Key,
    /// A SageMaker model package group.
    ModelPackageGroup,
    /// Any other resource with a resource-based policy ([`crate::inventory::resources`]):
    /// its label names its type.
    Resource,
}

/// A node.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// A stable id: the ARN, `account:ID`, `service:NAME`, `*`.
    pub id: String,
    /// What it is.
    pub kind: NodeKind,
    /// The account it belongs to, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// A short label.
    pub label: String,
    /// Whether the inventory has it (false: only named by a policy or grant).
    pub loaded: bool,
}

/// What an edge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// The account owns the principal or resource.
    Owns,
    /// The principal may assume the role (its trust policy).
    Trust,
    /// The resource's policy allows the principal.
    ResourcePolicy,
    /// A KMS grant allows the grantee.
    KmsGrant,
    /// The principal's identity policy allows it actions on the resource.
    IdentityPolicy,
    /// The resource is shared with the principal's account by an attribute (a snapshot's
    /// `createVolumePermission` or `restore`).
    SharedAttribute,
}

impl EdgeKind {
    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Owns => "owns",
            EdgeKind::Trust => "trust",
            EdgeKind::ResourcePolicy => "resource policy",
            EdgeKind::KmsGrant => "KMS grant",
            EdgeKind::IdentityPolicy => "identity policy",
            EdgeKind::SharedAttribute => "shared attribute",
        }
    }
}

/// An edge, with the statement or grant that made it.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// What it says.
    pub kind: EdgeKind,
    /// The actions (patterns as written, or grant operations).
    pub actions: Vec<String>,
    /// The statement or grant (file and pointer); `None` for ownership.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<Provenance>,
    /// The statement's `Sid` or the grant's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The statement has conditions (or the grant constraints): the edge holds only when
    /// they do.
    pub conditional: bool,
    /// The ends are in different accounts, or the edge reaches from everyone.
    pub cross_account: bool,
    /// The statement cannot be decided (its policy is defective, AWS would reject it): the
    /// edge may exist. Drawn dashed; counted as access by `diff` (fail closed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undecided: bool,
}

/// The graph of an inventory.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The petgraph graph.
    pub graph: DiGraph<Node, Edge>,
    /// Node by id.
    index: HashMap<String, NodeIndex>,
    /// Organization label of each account that an organization lists.
    pub org_of: BTreeMap<String, String>,
}

/// A role's node key: its account and name (a role's ARN in a policy may leave out its
/// path, or the inventory may not know it).
fn role_key(account: &str, name: &str) -> String {
    format!("role:{account}:{name}")
}

fn service_of(arn: &str) -> String {
    Arn::parse(arn)
        .map(|a| a.service.to_owned())
        .unwrap_or_default()
}

fn statement_at(p: &Policy, s: &Statement) -> Provenance {
    p.origin.location(&s.pointer())
}

impl Graph {
    /// The node with this id (for a role, its ARN with or without the path).
    pub fn node(&self, id: &str) -> Option<NodeIndex> {
        if let Some(i) = self.index.get(id) {
            return Some(*i);
        }
        let a = Arn::parse(id)?;
        let name = a.resource.strip_prefix("role/")?.rsplit('/').next()?;
        self.index.get(&role_key(a.account, name)).copied()
    }

    /// Number of nodes and edges.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    fn add(&mut self, key: String, node: Node) -> NodeIndex {
        if let Some(&i) = self.index.get(&key) {
            if node.loaded && !self.graph[i].loaded {
                self.graph[i] = node;
            }
            return i;
        }
        let i = self.graph.add_node(node);
        self.index.insert(key, i);
        i
    }

    fn account(&mut self, id: &str, loaded: bool) -> NodeIndex {
        self.add(
            format!("account:{id}"),
            Node {
                id: format!("account:{id}"),
                kind: NodeKind::Account,
                account: Some(id.to_owned()),
                label: id.to_owned(),
                loaded,
            },
        )
    }

    fn owned(&mut self, key: String, node: Node) -> NodeIndex {
        let account = node.account.clone();
        let loaded = node.loaded;
        let i = self.add(key, node);
        if loaded {
            if let Some(a) = account {
                let ai = self.account(&a, true);
                self.graph.add_edge(
                    ai,
                    i,
                    Edge {
                        kind: EdgeKind::Owns,
                        actions: Vec::new(),
                        via: None,
                        sid: None,
                        conditional: false,
                        cross_account: false,
                        undecided: false,
                    },
                );
            }
        }
        i
    }

    fn root(&mut self, account: &str) -> NodeIndex {
        let arn = format!("arn:aws:iam::{account}:root");
        self.add(
            arn.clone(),
            Node {
                id: arn,
                kind: NodeKind::AccountRoot,
                account: Some(account.to_owned()),
                label: "account root".to_owned(),
                loaded: false,
            },
        )
    }

    fn role_node(&mut self, account: &str, name: &str, arn: &str, loaded: bool) -> NodeIndex {
        self.owned(
            role_key(account, name),
            Node {
                id: arn.to_owned(),
                kind: NodeKind::Role,
                account: Some(account.to_owned()),
                label: format!("role/{name}"),
                loaded,
            },
        )
    }

    fn simple(
        &mut self,
        id: &str,
        kind: NodeKind,
        account: Option<&str>,
        label: String,
    ) -> NodeIndex {
        self.add(
            id.to_owned(),
            Node {
                id: id.to_owned(),
                kind,
                account: account.map(str::to_owned),
                label,
                loaded: false,
            },
        )
    }

    /// The nodes a principal element names ([`names::principals`]).
    fn principals(&mut self, set: &PrincipalSet) -> Vec<NodeIndex> {
        self.named(names::principals(set))
    }

    /// The nodes of named principals.
    fn named(&mut self, named: Vec<Named>) -> Vec<NodeIndex> {
        named
            .into_iter()
            .map(|n| match n {
                Named::Everyone => {
                    self.simple("*", NodeKind::Everyone, None, "everyone (*)".to_owned())
                }
                Named::Account(a) => self.root(&a),
                Named::User { arn, account, name } => {
                    self.simple(&arn, NodeKind::User, Some(&account), format!("user/{name}"))
                }
                Named::Role { arn, account, name } => self.role_node(&account, &name, &arn, false),
                Named::FederatedUser { arn, account } => {
                    self.simple(&arn, NodeKind::Federated, account.as_deref(), arn.clone())
                }
                Named::UniqueId(id) => self.simple(
                    &id,
                    NodeKind::Invalid,
                    None,
                    format!("{id} (deleted principal)"),
                ),
                Named::Service(s) => {
                    self.simple(&format!("service:{s}"), NodeKind::Service, None, s)
                }
                Named::Federated(f) => {
                    self.simple(&format!("federated:{f}"), NodeKind::Federated, None, f)
                }
            })
            .collect()
    }

    fn is_cross(&self, from: NodeIndex, to: NodeIndex) -> bool {
        let (a, b) = (&self.graph[from], &self.graph[to]);
        match (&a.account, &b.account) {
            (Some(x), Some(y)) => x != y,
            (None, _) => a.kind == NodeKind::Everyone || a.kind == NodeKind::Invalid,
            _ => false,
        }
    }

    fn connect(&mut self, from: NodeIndex, to: NodeIndex, mut edge: Edge) {
        edge.cross_account = self.is_cross(from, to);
        self.graph.add_edge(from, to, edge);
    }

    /// Edges from every principal an `Allow` statement of `policy` names to `target`.
    /// `only`: for trust policies, the statement must concern `sts:` actions.
    fn policy_edges(&mut self, policy: &Policy, target: NodeIndex, kind: EdgeKind) {
        for s in &policy.statements {
            if !s.may_allow() {
                continue;
            }
            let Some(set) = &s.principal else {
                continue;
            };
            if kind == EdgeKind::Trust && !names::concerns_sts(s) {
                continue;
            }
            let actions = names::action_texts(&s.action);
            for from in self.named(names::statement_principals(set, s)) {
                self.connect(
                    from,
                    target,
                    Edge {
                        kind,
                        actions: actions.clone(),
                        via: Some(statement_at(policy, s)),
                        sid: s.sid.as_deref().map(String::from),
                        conditional: !s.conditions.is_empty() || s.conditions_partial,
                        cross_account: false,
                        undecided: names::undecided(policy, s),
                    },
                );
            }
        }
    }

    /// Builds the graph of an inventory.
    pub fn build(inv: &Inventory) -> Graph {
        let mut g = Graph::default();
        for org in &inv.orgs {
            let label = org.label();
            for a in org.accounts.keys().chain(org.management_account.iter()) {
                g.org_of.insert(a.clone(), label.clone());
                let loaded = inv.accounts.contains_key(a);
                g.account(a, loaded);
            }
        }
        // Nodes first, so that edges find loaded nodes.
        let mut buckets: BTreeMap<&str, NodeIndex> = BTreeMap::new();
        let mut by_account: HashMap<&str, Vec<(NodeIndex, RequestResource, String)>> =
            HashMap::new();
        for (id, acct) in &inv.accounts {
            g.account(id, true);
            if let Some(iam) = &acct.iam {
                for u in iam.users.values() {
                    g.owned(
                        u.arn.clone(),
                        Node {
                            id: u.arn.clone(),
                            kind: NodeKind::User,
                            account: Some(id.clone()),
                            label: match u.access_keys.iter().filter(|k| k.is_active()).count() {
                                0 => format!("user/{}", u.name),
                                n => format!(
                                    "user/{} ({n} active access key{})",
                                    u.name,
                                    if n == 1 { "" } else { "s" }
                                ),
                            },
                            loaded: true,
                        },
                    );
                }
                for r in iam.roles.values() {
                    g.role_node(id, &r.name, &r.arn, true);
                }
            }
            for name in acct.buckets.keys() {
                let arn = format!("arn:aws:s3:::{name}");
                let i = g.owned(
                    arn.clone(),
                    Node {
                        id: arn.clone(),
                        kind: NodeKind::Bucket,
                        account: Some(id.clone()),
                        label: format!("s3: {name}"),
                        loaded: true,
                    },
                );
                buckets.insert(name.as_str(), i);
                // A bucket is reached through patterns on it and on its objects.
                let objects = RequestResource::new(&format!("{arn}/x"));
                let list = by_account.entry(id).or_default();
                list.push((i, RequestResource::new(&arn), "s3".to_owned()));
                list.push((i, objects, "s3".to_owned()));
            }
            for (region, name) in acct.repositories.keys() {
                let arn = format!("arn:aws:ecr:{region}:{id}:repository/{name}");
                let i = g.owned(
                    arn.clone(),
                    Node {
                        id: arn.clone(),
                        kind: NodeKind::Repository,
                        account: Some(id.clone()),
                        label: format!("ecr: {name}"),
                        loaded: true,
                    },
                );
                by_account.entry(id).or_default().push((
                    i,
                    RequestResource::new(&arn),
                    service_of(&arn),
                ));
            }
            for ((region, key_id), key) in &acct.keys {
                let arn = key
                    .arn
                    .clone()
                    .unwrap_or_else(|| format!("arn:aws:kms:{region}:{id}:key/{key_id}"));
                let managed =
                    key.metadata.value().and_then(|m| m.key_manager.as_deref()) == Some("AWS");
                let i = g.owned(
                    arn.clone(),
                    Node {
                        id: arn.clone(),
                        kind: NodeKind::Key,
                        account: Some(id.clone()),
                        label: format!(
                            "kms: {key_id}{}",
                            if managed { " (AWS managed)" } else { "" }
                        ),
                        loaded: true,
                    },
                );
                by_account.entry(id).or_default().push((
                    i,
                    RequestResource::new(&arn),
                    service_of(&arn),
                ));
            }
            for r in acct.resources.values() {
                let i = g.owned(
                    r.arn.clone(),
                    Node {
                        id: r.arn.clone(),
                        kind: NodeKind::Resource,
                        account: Some(id.clone()),
                        label: format!("{}: {}", r.ty.id, r.name),
                        loaded: true,
                    },
                );
                by_account.entry(id).or_default().push((
                    i,
                    RequestResource::new(&r.arn),
                    r.ty.service.to_owned(),
                ));
            }
            for (region, name) in acct.model_package_groups.keys() {
                let arn = format!("arn:aws:sagemaker:{region}:{id}:model-package-group/{name}");
                let i = g.owned(
                    arn.clone(),
                    Node {
                        id: arn.clone(),
                        kind: NodeKind::ModelPackageGroup,
                        account: Some(id.clone()),
                        label: format!("sagemaker: {name}"),
                        loaded: true,
                    },
                );
                by_account.entry(id).or_default().push((
                    i,
                    RequestResource::new(&arn),
                    service_of(&arn),
                ));
            }
        }
        // Resource-side edges.
        for (id, acct) in &inv.accounts {
            if let Some(iam) = &acct.iam {
                for r in iam.roles.values() {
                    if let Known::Present(trust, _) = &r.trust {
                        let target = g.role_node(id, &r.name, &r.arn, true);
                        g.policy_edges(trust, target, EdgeKind::Trust);
                    }
                }
            }
            for (name, b) in &acct.buckets {
                if let (Known::Present(p, _), Some(&i)) = (&b.policy, buckets.get(name.as_str())) {
                    g.policy_edges(p, i, EdgeKind::ResourcePolicy);
                }
            }
            for ((region, name), r) in &acct.repositories {
                let arn = format!("arn:aws:ecr:{region}:{id}:repository/{name}");
                if let (Known::Present(p, _), Some(i)) = (&r.policy, g.node(&arn)) {
                    g.policy_edges(p, i, EdgeKind::ResourcePolicy);
                }
            }
            for r in acct.resources.values() {
                if let (Known::Present(p, _), Some(i)) = (&r.policy, g.node(&r.arn)) {
                    let kind = match r.ty.shared_by {
                        Some(_) => EdgeKind::SharedAttribute,
                        None => EdgeKind::ResourcePolicy,
                    };
                    g.policy_edges(p, i, kind);
                }
            }
            for ((region, name), grp) in &acct.model_package_groups {
                let arn = format!("arn:aws:sagemaker:{region}:{id}:model-package-group/{name}");
                if let (Known::Present(p, _), Some(i)) = (&grp.policy, g.node(&arn)) {
                    g.policy_edges(p, i, EdgeKind::ResourcePolicy);
                }
            }
            for ((region, key_id), key) in &acct.keys {
                let arn = key
                    .arn
                    .clone()
                    .unwrap_or_else(|| format!("arn:aws:kms:{region}:{id}:key/{key_id}"));
                let Some(i) = g.node(&arn) else {
                    continue;
                };
                if let Known::Present(p, _) = &key.policy {
                    g.policy_edges(p, i, EdgeKind::ResourcePolicy);
                }
                if let Known::Present(grants, _) = &key.grants {
                    for grant in grants {
                        let froms = match &grant.grantee {
                            Grantee::Principal(set) => g.principals(set),
                            Grantee::Service(s) => vec![g.simple(
                                &format!("service:{s}"),
                                NodeKind::Service,
                                None,
                                s.clone(),
                            )],
                            Grantee::Invalid(text) => vec![g.simple(
                                &format!("invalid:{text}"),
                                NodeKind::Invalid,
                                None,
                                format!("{text} (not a principal ARN)"),
                            )],
                        };
                        let constrained = grant.constraints.equals.is_some()
                            || grant.constraints.subset.is_some();
                        for from in froms {
                            g.connect(
                                from,
                                i,
                                Edge {
                                    kind: EdgeKind::KmsGrant,
                                    actions: grant
                                        .operations
                                        .iter()
                                        .map(|o| format!("kms:{o}"))
                                        .collect(),
                                    via: Some(grant.origin.location(&grant.origin.pointer)),
                                    sid: Some(grant.id.clone()).filter(|s| !s.is_empty()),
                                    conditional: constrained,
                                    cross_account: false,
                                    undecided: false,
                                },
                            );
                        }
                    }
                }
            }
        }
        // Identity reach, toward the resources of the principal's own account and of the
        // accounts whose resource policies or grants name its account or its principals: an
        // identity grant into any other account is cut off by the resource side (resources
        // open to everyone show as edges from everyone instead).
        let mut connected: HashMap<String, std::collections::BTreeSet<String>> = HashMap::new();
        for e in g.graph.edge_indices() {
            let Some((a, b)) = g.graph.edge_endpoints(e) else {
                continue;
            };
            if g.graph[e].kind == EdgeKind::Owns {
                continue;
            }
            let (from, to) = (&g.graph[a], &g.graph[b]);
            if let (Some(p), Some(owner)) = (&from.account, &to.account) {
                if p != owner {
                    connected
                        .entry(p.clone())
                        .or_default()
                        .insert(owner.clone());
                }
            }
        }
        for (id, acct) in &inv.accounts {
            let Some(iam) = &acct.iam else {
                continue;
            };
            // Candidates by service, so that a statement only tries the services it names.
            let mut candidates: BTreeMap<&str, Vec<(NodeIndex, &RequestResource)>> =
                BTreeMap::new();
            let mut accounts: Vec<&str> = vec![id.as_str()];
            accounts.extend(connected.get(id).into_iter().flatten().map(String::as_str));
            for a in accounts {
                for (i, r, svc) in by_account.get(a).into_iter().flatten() {
                    candidates.entry(svc.as_str()).or_default().push((*i, r));
                }
            }
            if candidates.is_empty() {
                continue;
            }
            let mut holders: Vec<(NodeIndex, Vec<&Policy>)> = Vec::new();
            for u in iam.users.values() {
                let Some(i) = g.node(&u.arn) else { continue };
                let mut ps: Vec<&Policy> = u.inline.iter().collect();
                for arn in &u.attached {
                    if let Some(p) = inv.managed_policy(id, arn).and_then(|m| m.document.value()) {
                        ps.push(p);
                    }
                }
                for grp in u.groups.iter().filter_map(|n| iam.groups.get(n)) {
                    ps.extend(grp.inline.iter());
                    for arn in &grp.attached {
                        if let Some(p) =
                            inv.managed_policy(id, arn).and_then(|m| m.document.value())
                        {
                            ps.push(p);
                        }
                    }
                }
                holders.push((i, ps));
            }
            for r in iam.roles.values() {
                let Some(i) = g.node(&role_key(id, &r.name)) else {
                    continue;
                };
                let mut ps: Vec<&Policy> = r.inline.iter().collect();
                for arn in &r.attached {
                    if let Some(p) = inv.managed_policy(id, arn).and_then(|m| m.document.value()) {
                        ps.push(p);
                    }
                }
                holders.push((i, ps));
            }
            for (from, policies) in holders {
                for p in policies {
                    for s in &p.statements {
                        g.reach(from, p, s, &candidates);
                    }
                }
            }
        }
        g
    }

    /// Identity-policy edges from `from` for one `Allow` statement, to the candidate
    /// resources it names (statements on `*` are not drawn).
    fn reach(
        &mut self,
        from: NodeIndex,
        policy: &Policy,
        s: &Statement,
        candidates: &BTreeMap<&str, Vec<(NodeIndex, &RequestResource)>>,
    ) {
        if !s.may_allow() {
            return;
        }
        let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
            return;
        };
        if actions.negated || resources.negated {
            return;
        }
        let services: Vec<String> = actions
            .patterns
            .iter()
            .map(|p| p.glob.pattern().split(':').next().unwrap_or("").to_owned())
            .collect();
        let all = services.iter().any(|s| crate::pattern::has_wildcard(s));
        let mut targets: Vec<NodeIndex> = Vec::new();
        for (service, list) in candidates {
            if !all && !services.iter().any(|s| s.eq_ignore_ascii_case(service)) {
                continue;
            }
            for (i, res) in list {
                let hit = resources.patterns.iter().any(|value| match &value.entry {
                    ResourceEntry::Static(p) => {
                        !matches!(p, ResourcePattern::All) && p.matches(res)
                    }
                    _ => false,
                });
                if hit {
                    targets.push(*i);
                }
            }
        }
        targets.sort();
        targets.dedup();
        let actions_text = names::action_texts(&s.action);
        for to in targets {
            self.connect(
                from,
                to,
                Edge {
                    kind: EdgeKind::IdentityPolicy,
                    actions: actions_text.clone(),
                    via: Some(statement_at(policy, s)),
                    sid: s.sid.as_deref().map(String::from),
                    conditional: !s.conditions.is_empty() || s.conditions_partial,
                    cross_account: false,
                    undecided: names::undecided(policy, s),
                },
            );
        }
    }
}
