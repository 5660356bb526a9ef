//! `xacct graph`: the access graph as Graphviz DOT, Mermaid ([`super::diagram`]) and JSON.
//!
//! Accounts are clusters (subgraphs); principals and resources sit in their account's
//! cluster; principals with no account (services, everyone) sit outside. Cross-account
//! edges are drawn thick and red, same-account edges thin and grey, so that a reviewer sees
//! at a glance who reaches into which account. Ownership is what the clusters show; it is
//! drawn only in JSON.

use std::collections::BTreeMap;
use std::io::{self, Write};

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;

use super::diagram::{self, Cluster, Diagram, Line, Shape};
use super::{schema, Format};
use crate::graph::{Edge, EdgeKind, Graph, Node, NodeKind};

/// The formats `xacct graph` writes.
pub const FORMATS: &[Format] = &[Format::Dot, Format::Mermaid, Format::Json];

/// What to draw.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Only cross-account edges (and the nodes they join).
    pub cross_account_only: bool,
    /// Only edges that touch this account.
    pub account: Option<String>,
}

/// Writes `g` in `format`.
pub fn render(
    g: &Graph,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (nodes, edges) = select(g, opts, format == Format::Json);
    match format {
        Format::Json => json(g, &nodes, &edges, out),
        Format::Mermaid => diagram::mermaid(&draw(g, &nodes, &edges), out),
        _ => diagram::dot(&draw(g, &nodes, &edges), out),
    }
}

/// The nodes and edges to draw, in a stable order.
fn select(g: &Graph, opts: &RenderOptions, with_owns: bool) -> (Vec<NodeIndex>, Vec<EdgeIndex>) {
    let gr = &g.graph;
    let touches = |n: NodeIndex| {
        opts.account
            .as_deref()
            .is_none_or(|a| gr[n].account.as_deref() == Some(a))
    };
    let mut edges: Vec<EdgeIndex> = gr
        .edge_references()
        .filter(|e| with_owns || e.weight().kind != EdgeKind::Owns)
        .filter(|e| !opts.cross_account_only || e.weight().cross_account)
        .filter(|e| touches(e.source()) || touches(e.target()))
        .map(|e| e.id())
        .collect();
    let key = |e: &EdgeIndex| {
        let (a, b) = gr.edge_endpoints(*e).unwrap_or_default();
        let w = &gr[*e];
        (gr[a].id.clone(), gr[b].id.clone(), w.kind, w.via.clone())
    };
    edges.sort_by_cached_key(key);
    let filtered = opts.cross_account_only || opts.account.is_some();
    let mut nodes: Vec<NodeIndex> = if filtered {
        let mut v: Vec<NodeIndex> = edges
            .iter()
            .filter_map(|e| gr.edge_endpoints(*e))
            .flat_map(|(a, b)| [a, b])
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        gr.node_indices().collect()
    };
    nodes.retain(|n| with_owns || gr[*n].kind != NodeKind::Account);
    nodes.sort_by_cached_key(|n| {
        let x = &gr[*n];
        (x.account.clone(), x.kind, x.id.clone())
    });
    (nodes, edges)
}

fn edge_label(e: &Edge) -> String {
    let mut actions: Vec<&str> = e.actions.iter().map(String::as_str).collect();
    let more = actions.len().saturating_sub(3);
    actions.truncate(3);
    let mut s = e.kind.label().to_owned();
    if !actions.is_empty() {
        s.push_str(": ");
        s.push_str(&actions.join(", "));
        if more > 0 {
            s.push_str(&format!(" +{more}"));
        }
    }
    if e.conditional {
        s.push_str(" (if conditions hold)");
    }
    if e.undecided {
        s.push_str(" (not verified: defective policy)");
    }
    s
}

fn cluster_label(g: &Graph, account: &str) -> String {
    let loaded = g
        .node(&format!("account:{account}"))
        .is_some_and(|i| g.graph[i].loaded);
    let mut s = format!("account {account}");
    if let Some(org) = g.org_of.get(account) {
        s.push_str(&format!(" · {org}"));
    } else {
        s.push_str(" · outside the loaded organizations");
    }
    if !loaded {
        s.push_str(" · not loaded");
    }
    s
}

fn by_account(
    g: &Graph,
    nodes: &[NodeIndex],
) -> (BTreeMap<String, Vec<NodeIndex>>, Vec<NodeIndex>) {
    let mut clusters: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    let mut loose = Vec::new();
    for &n in nodes {
        match &g.graph[n].account {
            Some(a) => clusters.entry(a.clone()).or_default().push(n),
            None => loose.push(n),
        }
    }
    (clusters, loose)
}

fn shape(k: NodeKind) -> Shape {
    match k {
        NodeKind::Bucket => Shape::Cylinder,
        NodeKind::Repository => Shape::Box3d,
        NodeKind::Key => Shape::Note,
        NodeKind::ModelPackageGroup => Shape::Folder,
        NodeKind::Everyone | NodeKind::Invalid => Shape::Octagon,
        NodeKind::Service => Shape::Hexagon,
        NodeKind::Account => Shape::Rect,
        _ => Shape::Ellipse,
    }
}

/// The diagram of the selected nodes and edges: accounts as clusters (blue inside a loaded
/// organization, orange outside), cross-account edges thick and red.
fn draw(g: &Graph, nodes: &[NodeIndex], edges: &[EdgeIndex]) -> Diagram {
    let gr = &g.graph;
    let node = |n: NodeIndex| {
        let x: &Node = &gr[n];
        diagram::Node {
            id: format!("n{}", n.index()),
            label: x.label.clone(),
            tooltip: x.id.clone(),
            shape: shape(x.kind),
            dashed: !x.loaded,
            alert: matches!(x.kind, NodeKind::Everyone | NodeKind::Invalid),
        }
    };
    let (clusters, loose) = by_account(g, nodes);
    let clusters = clusters
        .iter()
        .map(|(account, members)| Cluster {
            id: account.clone(),
            label: cluster_label(g, account),
            dashed: !g
                .node(&format!("account:{account}"))
                .is_some_and(|i| gr[i].loaded),
            color: Some(if g.org_of.contains_key(account) {
                "#1f77b4"
            } else {
                "#ff7f0e"
            }),
            nodes: members.iter().map(|&n| node(n)).collect(),
        })
        .collect();
    let edges = edges
        .iter()
        .filter_map(|&e| {
            let (a, b) = gr.edge_endpoints(e)?;
            let w = &gr[e];
            let mut tooltip = w.via.as_ref().map(|v| v.to_string()).unwrap_or_default();
            if let Some(sid) = &w.sid {
                tooltip.push_str(&format!(" ({sid})"));
            }
            Some(diagram::Edge {
                from: format!("n{}", a.index()),
                to: format!("n{}", b.index()),
                label: edge_label(w),
                tooltip: Some(tooltip),
                line: match w.kind {
                    EdgeKind::Trust => Line::Dashed,
                    EdgeKind::KmsGrant => Line::Dotted,
                    _ => Line::Solid,
                },
                color: if w.cross_account {
                    "#d62728"
                } else {
                    "#7f7f7f"
                },
                width: if w.cross_account { "2.5" } else { "1" },
                arrow: match (w.cross_account, w.kind) {
                    (true, _) => "==>",
                    (false, EdgeKind::Trust | EdgeKind::KmsGrant) => "-.->",
                    (false, _) => "-->",
                },
                highlight: w
                    .cross_account
                    .then(|| "stroke:#d62728,stroke-width:3px".to_owned()),
            })
        })
        .collect();
    Diagram {
        name: "xacct".into(),
        title: None,
        clusters,
        loose: loose.iter().map(|&n| node(n)).collect(),
        edges,
        font_sizes: Some((10, 8)),
    }
}

#[derive(Serialize)]
struct JsonNode<'a> {
    #[serde(flatten)]
    node: &'a Node,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    #[serde(flatten)]
    edge: &'a Edge,
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    schema_version: u32,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

fn json(
    g: &Graph,
    nodes: &[NodeIndex],
    edges: &[EdgeIndex],
    out: &mut dyn Write,
) -> io::Result<()> {
    let gr = &g.graph;
    let doc = JsonGraph {
        schema_version: schema::GRAPH,
        nodes: nodes
            .iter()
            .map(|&n| JsonNode {
                node: &gr[n],
                organization: gr[n]
                    .account
                    .as_deref()
                    .and_then(|a| g.org_of.get(a))
                    .map(String::as_str),
            })
            .collect(),
        edges: edges
            .iter()
            .filter_map(|&e| {
                let (a, b) = gr.edge_endpoints(e)?;
                Some(JsonEdge {
                    from: &gr[a].id,
                    to: &gr[b].id,
                    edge: &gr[e],
                })
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
