//! Drawing the graph: Graphviz DOT, Mermaid and JSON.
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

use super::{Edge, EdgeKind, Graph, Node, NodeKind};

/// Output formats of `xacct graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// JSON with a schema version: nodes and edges with their statements.
    Json,
}

/// What to draw.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Only cross-account edges (and the nodes they join).
    pub cross_account_only: bool,
    /// Only edges that touch this account.
    pub account: Option<String>,
}

/// Version of the JSON document `xacct graph --format json` writes.
pub const GRAPH_SCHEMA_VERSION: u32 = 1;

/// Writes `g` in `format`.
pub fn render(
    g: &Graph,
    format: GraphFormat,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (nodes, edges) = select(g, opts, format == GraphFormat::Json);
    match format {
        GraphFormat::Dot => dot(g, &nodes, &edges, out),
        GraphFormat::Mermaid => mermaid(g, &nodes, &edges, out),
        GraphFormat::Json => json(g, &nodes, &edges, out),
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

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn dot_shape(k: NodeKind) -> &'static str {
    match k {
        NodeKind::Bucket => "cylinder",
        NodeKind::Repository => "box3d",
        NodeKind::Key => "note",
        NodeKind::ModelPackageGroup => "folder",
        NodeKind::Everyone | NodeKind::Invalid => "octagon",
        NodeKind::Service => "hexagon",
        NodeKind::Account => "box",
        _ => "ellipse",
    }
}

fn dot(g: &Graph, nodes: &[NodeIndex], edges: &[EdgeIndex], out: &mut dyn Write) -> io::Result<()> {
    let gr = &g.graph;
    writeln!(out, "digraph xacct {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  node [fontname=\"Helvetica\", fontsize=10];")?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=8];")?;
    let node_line = |n: NodeIndex, out: &mut dyn Write| -> io::Result<()> {
        let x: &Node = &gr[n];
        let style = if x.loaded { "solid" } else { "dashed" };
        let color = match x.kind {
            NodeKind::Everyone | NodeKind::Invalid => "\"#d62728\"",
            _ => "black",
        };
        writeln!(
            out,
            "    n{} [label=\"{}\", shape={}, style={style}, color={color}, tooltip=\"{}\"];",
            n.index(),
            dot_escape(&x.label),
            dot_shape(x.kind),
            dot_escape(&x.id)
        )
    };
    let (clusters, loose) = by_account(g, nodes);
    for (account, members) in &clusters {
        let loaded = g
            .node(&format!("account:{account}"))
            .is_some_and(|i| gr[i].loaded);
        writeln!(out, "  subgraph \"cluster_{account}\" {{")?;
        writeln!(
            out,
            "    label=\"{}\";",
            dot_escape(&cluster_label(g, account))
        )?;
        writeln!(
            out,
            "    style=\"rounded{}\"; color=\"{}\";",
            if loaded { "" } else { ",dashed" },
            if g.org_of.contains_key(account) {
                "#1f77b4"
            } else {
                "#ff7f0e"
            }
        )?;
        for &n in members {
            node_line(n, out)?;
        }
        writeln!(out, "  }}")?;
    }
    for &n in &loose {
        node_line(n, out)?;
    }
    for &e in edges {
        let Some((a, b)) = gr.edge_endpoints(e) else {
            continue;
        };
        let w = &gr[e];
        let style = match w.kind {
            EdgeKind::Trust => "dashed",
            EdgeKind::KmsGrant => "dotted",
            _ => "solid",
        };
        let (color, width) = if w.cross_account {
            ("#d62728", "2.5")
        } else {
            ("#7f7f7f", "1")
        };
        let mut tooltip = w.via.as_ref().map(|v| v.to_string()).unwrap_or_default();
        if let Some(sid) = &w.sid {
            tooltip.push_str(&format!(" ({sid})"));
        }
        writeln!(
            out,
            "  n{} -> n{} [label=\"{}\", style={style}, color=\"{color}\", fontcolor=\"{color}\", penwidth={width}, tooltip=\"{}\"];",
            a.index(),
            b.index(),
            dot_escape(&edge_label(w)),
            dot_escape(&tooltip)
        )?;
    }
    writeln!(out, "}}")
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('|', "#124;")
}

fn mermaid(
    g: &Graph,
    nodes: &[NodeIndex],
    edges: &[EdgeIndex],
    out: &mut dyn Write,
) -> io::Result<()> {
    let gr = &g.graph;
    writeln!(out, "flowchart LR")?;
    let node_line = |n: NodeIndex, indent: &str, out: &mut dyn Write| -> io::Result<()> {
        let x: &Node = &gr[n];
        let label = mermaid_escape(&x.label);
        let text = match x.kind {
            NodeKind::Bucket => format!("n{}[(\"{label}\")]", n.index()),
            NodeKind::Key | NodeKind::Repository | NodeKind::ModelPackageGroup => {
                format!("n{}[\"{label}\"]", n.index())
            }
            NodeKind::Everyone | NodeKind::Invalid | NodeKind::Service => {
                format!("n{}{{{{\"{label}\"}}}}", n.index())
            }
            _ => format!("n{}(\"{label}\")", n.index()),
        };
        writeln!(out, "{indent}{text}")
    };
    let (clusters, loose) = by_account(g, nodes);
    for (account, members) in &clusters {
        writeln!(
            out,
            "  subgraph acct_{account}[\"{}\"]",
            mermaid_escape(&cluster_label(g, account))
        )?;
        for &n in members {
            node_line(n, "    ", out)?;
        }
        writeln!(out, "  end")?;
    }
    for &n in &loose {
        node_line(n, "  ", out)?;
    }
    let mut cross = Vec::new();
    for (i, &e) in edges.iter().enumerate() {
        let Some((a, b)) = gr.edge_endpoints(e) else {
            continue;
        };
        let w = &gr[e];
        let arrow = match (w.cross_account, w.kind) {
            (true, _) => "==>",
            (false, EdgeKind::Trust | EdgeKind::KmsGrant) => "-.->",
            (false, _) => "-->",
        };
        if w.cross_account {
            cross.push(i.to_string());
        }
        writeln!(
            out,
            "  n{} {arrow}|\"{}\"| n{}",
            a.index(),
            mermaid_escape(&edge_label(w)),
            b.index()
        )?;
    }
    if !cross.is_empty() {
        writeln!(
            out,
            "  linkStyle {} stroke:#d62728,stroke-width:3px",
            cross.join(",")
        )?;
    }
    for account in clusters.keys() {
        let color = if g.org_of.contains_key(account) {
            "#1f77b4"
        } else {
            "#ff7f0e"
        };
        writeln!(out, "  style acct_{account} stroke:{color}")?;
    }
    Ok(())
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
        schema_version: GRAPH_SCHEMA_VERSION,
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
