//! The one writer of diagrams: a [`Diagram`] (accounts as clusters, principals and resources
//! as nodes, access as edges) written as Graphviz DOT, as a Mermaid flowchart, or drawn as
//! SVG for the HTML reports (one column an account, no renderer needed), with each format's
//! escaping done here and nowhere else. `graph`, `check` and `audit` build diagrams; this
//! module draws them.

use std::io::{self, Write};

/// A node's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A principal.
    Ellipse,
    /// A plain box.
    Rect,
    /// A bucket.
    Cylinder,
    /// A repository.
    Box3d,
    /// A key.
    Note,
    /// A model package group.
    Folder,
    /// Everyone, or something invalid.
    Octagon,
    /// A service.
    Hexagon,
}

impl Shape {
    fn dot(self) -> &'static str {
        match self {
            Shape::Ellipse => "ellipse",
            Shape::Rect => "box",
            Shape::Cylinder => "cylinder",
            Shape::Box3d => "box3d",
            Shape::Note => "note",
            Shape::Folder => "folder",
            Shape::Octagon => "octagon",
            Shape::Hexagon => "hexagon",
        }
    }

    /// Mermaid's opening and closing brackets.
    fn mermaid(self) -> (&'static str, &'static str) {
        match self {
            Shape::Ellipse => ("(", ")"),
            Shape::Cylinder => ("[(", ")]"),
            Shape::Rect | Shape::Box3d | Shape::Note | Shape::Folder => ("[", "]"),
            Shape::Octagon | Shape::Hexagon => ("{{", "}}"),
        }
    }
}

/// A line's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Solid.
    Solid,
    /// Dashed.
    Dashed,
    /// Dotted.
    Dotted,
    /// Bold.
    Bold,
}

impl Line {
    fn dot(self) -> &'static str {
        match self {
            Line::Solid => "solid",
            Line::Dashed => "dashed",
            Line::Dotted => "dotted",
            Line::Bold => "bold",
        }
    }
}

/// One node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its id, unique in the diagram (`n3`).
    pub id: String,
    /// What it shows.
    pub label: String,
    /// What hovering shows (DOT).
    pub tooltip: String,
    /// Its shape.
    pub shape: Shape,
    /// Drawn dashed (not loaded).
    pub dashed: bool,
    /// Drawn in red (everyone, invalid).
    pub alert: bool,
}

/// An account, drawn as a box around its nodes.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Its id, unique in the diagram (an account id).
    pub id: String,
    /// Its title.
    pub label: String,
    /// Drawn dashed (not loaded).
    pub dashed: bool,
    /// Its outline colour, when it has one.
    pub color: Option<&'static str>,
    /// Its nodes.
    pub nodes: Vec<Node>,
}

/// One edge.
#[derive(Debug, Clone)]
pub struct Edge {
    /// The source node's id.
    pub from: String,
    /// The target node's id.
    pub to: String,
    /// What it shows.
    pub label: String,
    /// What hovering shows (DOT).
    pub tooltip: Option<String>,
    /// Its style.
    pub line: Line,
    /// Its colour.
    pub color: &'static str,
    /// Its width in DOT.
    pub width: &'static str,
    /// Mermaid's arrow (`-->`, `-.->`, `==>`).
    pub arrow: &'static str,
    /// Mermaid's `linkStyle` for it, when it has one.
    pub highlight: Option<String>,
}

/// A whole diagram.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    /// The DOT graph's name.
    pub name: String,
    /// A title under the drawing, when there is one.
    pub title: Option<String>,
    /// The accounts.
    pub clusters: Vec<Cluster>,
    /// Nodes of no account.
    pub loose: Vec<Node>,
    /// The edges.
    pub edges: Vec<Edge>,
    /// DOT's node and edge font sizes, when set.
    pub font_sizes: Option<(u8, u8)>,
}

/// Accounts as clusters of their nodes, in the order given: each name is drawn once (in the
/// first account that lists it) with the id `nN`; returns the clusters and each name's id.
pub fn account_clusters(
    accounts: impl IntoIterator<Item = (String, Vec<(String, Shape)>)>,
) -> (Vec<Cluster>, std::collections::BTreeMap<String, String>) {
    let mut ids = std::collections::BTreeMap::new();
    let mut clusters = Vec::new();
    for (account, names) in accounts {
        let mut nodes = Vec::new();
        for (name, shape) in names {
            if ids.contains_key(&name) {
                continue;
            }
            let id = format!("n{}", ids.len());
            ids.insert(name.clone(), id.clone());
            nodes.push(Node {
                id,
                tooltip: name.clone(),
                label: name,
                shape,
                dashed: false,
                alert: false,
            });
        }
        clusters.push(Cluster {
            label: format!("account {account}"),
            id: account,
            dashed: false,
            color: None,
            nodes,
        });
    }
    (clusters, ids)
}

/// Escapes a DOT string (inside double quotes).
pub fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Escapes a Mermaid label (inside double quotes).
pub fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('|', "#124;")
}

/// Escapes text for XML, SVG and HTML (character data and quoted attribute values), and
/// drops the characters XML 1.0 cannot carry.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The SVG drawing's measures, in pixels.
const COLUMN: usize = 270;
const GAP: usize = 260;
const NODE_H: usize = 36;
const ROW: usize = 52;
/// Characters of a label that fit in a node (the whole label is its tooltip).
const LABEL_CHARS: usize = 40;

/// A `stroke-dasharray` attribute when `dashed`.
fn dashes(dashed: bool, pattern: &str) -> String {
    if dashed {
        format!(r#" stroke-dasharray="{pattern}""#)
    } else {
        String::new()
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let tail: String = label
        .chars()
        .rev()
        .take(LABEL_CHARS - 1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

/// Draws the diagram as one `<svg>` element. Each account is a box of its nodes stacked;
/// the accounts whose nodes mostly act (more edges leave than arrive) stand in a left
/// column and the others in a right one, so that most edges run left to right between
/// them (when every account is on one side, the accounts stand in a row). Each edge is a
/// curve with an arrow and its label; edges between the same two nodes fan out so that
/// their labels stay apart. Long labels are shortened; hovering shows them whole.
pub fn svg(d: &Diagram) -> String {
    use std::collections::HashMap;
    use std::fmt::Write as _;
    let mut groups: Vec<(Option<&Cluster>, &[Node])> = d
        .clusters
        .iter()
        .map(|c| (Some(c), c.nodes.as_slice()))
        .collect();
    if !d.loose.is_empty() {
        groups.push((None, d.loose.as_slice()));
    }
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (gi, (_, nodes)) in groups.iter().enumerate() {
        for n in *nodes {
            group_of.insert(n.id.as_str(), gi);
        }
    }
    let mut score = vec![0i64; groups.len()];
    for e in &d.edges {
        if let Some(s) = group_of
            .get(e.from.as_str())
            .and_then(|g| score.get_mut(*g))
        {
            *s += 1;
        }
        if let Some(s) = group_of.get(e.to.as_str()).and_then(|g| score.get_mut(*g)) {
            *s -= 1;
        }
    }
    let two = score.iter().any(|s| *s > 0) && score.iter().any(|s| *s <= 0);
    // Each group's column and top.
    let mut stack = [20usize, 20usize];
    let mut boxes: Vec<(usize, usize)> = Vec::new();
    let mut at: HashMap<&str, (usize, usize, usize)> = HashMap::new();
    let mut bottom = 0;
    for (gi, (_, nodes)) in groups.iter().enumerate() {
        let tall = nodes.len() * ROW + 56;
        let (col, y) = if two {
            let c = usize::from(score.get(gi).copied().unwrap_or(0) <= 0);
            let y = stack[c];
            stack[c] += tall + 24;
            (c, y)
        } else {
            (gi, 20)
        };
        boxes.push((col, y));
        bottom = bottom.max(y + tall);
        for (ni, n) in nodes.iter().enumerate() {
            at.insert(
                n.id.as_str(),
                (col, 20 + col * (COLUMN + GAP), y + 44 + ni * ROW),
            );
        }
    }
    let columns = if two { 2 } else { groups.len() };
    let width = 40 + columns * COLUMN + columns.saturating_sub(1) * GAP;
    let height = bottom + 50;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" font-family="system-ui, sans-serif" font-size="12">"#
    );
    if let Some(t) = &d.title {
        let _ = write!(o, "<title>{}</title>", xml_escape(t));
    }
    let mut colors: Vec<&str> = d.edges.iter().map(|e| e.color).collect();
    colors.sort_unstable();
    colors.dedup();
    o.push_str("<defs>");
    for (i, c) in colors.iter().enumerate() {
        let _ = write!(
            o,
            r#"<marker id="arrow{i}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{}"/></marker>"#,
            xml_escape(c)
        );
    }
    o.push_str("</defs>");
    for ((cluster, nodes), (col, y)) in groups.iter().zip(&boxes) {
        let x = 10 + col * (COLUMN + GAP);
        if let Some(c) = cluster {
            let _ = write!(
                o,
                r##"<g class="account"><rect x="{x}" y="{y}" width="{}" height="{}" rx="8" fill="#f7f7f9" stroke="{}"{}/><text x="{}" y="{}" font-weight="bold">{}</text></g>"##,
                COLUMN + 20,
                nodes.len() * ROW + 56,
                xml_escape(c.color.unwrap_or("#888")),
                dashes(c.dashed, "6 4"),
                x + 10,
                y + 22,
                xml_escape(&shorten(&c.label))
            );
        }
        for n in *nodes {
            let (_, nx, ny) = at.get(n.id.as_str()).copied().unwrap_or_default();
            let rx = match n.shape {
                Shape::Ellipse => 18,
                Shape::Octagon | Shape::Hexagon => 10,
                _ => 4,
            };
            let _ = write!(
                o,
                r#"<g class="node"><title>{}</title><rect x="{nx}" y="{ny}" width="{COLUMN}" height="{NODE_H}" rx="{rx}" fill="white" stroke="{}"{}/><text x="{}" y="{}">{}</text></g>"#,
                xml_escape(&n.tooltip),
                if n.alert { "#d62728" } else { "#333" },
                dashes(n.dashed, "5 3"),
                nx + 10,
                ny + 22,
                xml_escape(&shorten(&n.label))
            );
        }
    }
    let mut fan: HashMap<(&str, &str), usize> = HashMap::new();
    for e in &d.edges {
        let (Some(&(fc, fx, fy)), Some(&(tc, tx, ty))) =
            (at.get(e.from.as_str()), at.get(e.to.as_str()))
        else {
            continue;
        };
        let k = fan.entry((e.from.as_str(), e.to.as_str())).or_default();
        let spread = *k as f64 * 26.0;
        *k += 1;
        let (y1, y2) = ((fy + NODE_H / 2) as f64, (ty + NODE_H / 2) as f64);
        let (x1, x2, cx, cy) = if tc > fc {
            let (a, b) = ((fx + COLUMN) as f64, tx as f64);
            (a, b, (a + b) / 2.0, (y1 + y2) / 2.0 - 20.0 - spread)
        } else if tc < fc {
            let (a, b) = (fx as f64, (tx + COLUMN) as f64);
            (a, b, (a + b) / 2.0, (y1 + y2) / 2.0 + 20.0 + spread)
        } else {
            let a = (fx + COLUMN) as f64;
            (a, a, a + 60.0 + spread, (y1 + y2) / 2.0)
        };
        let marker = colors.iter().position(|c| *c == e.color).unwrap_or(0);
        let style = match e.line {
            Line::Solid => "",
            Line::Dashed => r#" stroke-dasharray="6 4""#,
            Line::Dotted => r#" stroke-dasharray="2 3""#,
            Line::Bold => r#" stroke-width="2.5""#,
        };
        // The curve's middle, where its label goes.
        let (mx, my) = ((x1 + 2.0 * cx + x2) / 4.0, (y1 + 2.0 * cy + y2) / 4.0);
        let _ = write!(
            o,
            r#"<g class="edge"><title>{}</title><path d="M{x1:.0},{y1:.0} Q{cx:.0},{cy:.0} {x2:.0},{y2:.0}" fill="none" stroke="{}"{style} marker-end="url(#arrow{marker})"/><text x="{mx:.0}" y="{:.0}" text-anchor="middle" font-size="11" fill="{}" stroke="white" stroke-width="3" paint-order="stroke">{}</text></g>"#,
            xml_escape(e.tooltip.as_deref().unwrap_or(&e.label)),
            xml_escape(e.color),
            my - 4.0,
            xml_escape(e.color),
            xml_escape(&shorten(&e.label))
        );
    }
    if let Some(t) = &d.title {
        let _ = write!(
            o,
            r#"<text x="20" y="{}" font-weight="bold">{}</text>"#,
            height - 16,
            xml_escape(t)
        );
    }
    o.push_str("</svg>");
    o
}

/// Writes the diagram as Graphviz DOT.
pub fn dot(d: &Diagram, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "digraph {} {{", d.name)?;
    writeln!(out, "  rankdir=LR;")?;
    match d.font_sizes {
        Some((n, e)) => {
            writeln!(out, "  node [fontname=\"Helvetica\", fontsize={n}];")?;
            writeln!(out, "  edge [fontname=\"Helvetica\", fontsize={e}];")?;
        }
        None => writeln!(out, "  node [fontname=\"Helvetica\"];")?,
    }
    let node = |n: &Node, out: &mut dyn Write| -> io::Result<()> {
        writeln!(
            out,
            "    {} [label=\"{}\", shape={}, style={}, color={}, tooltip=\"{}\"];",
            n.id,
            dot_escape(&n.label),
            n.shape.dot(),
            if n.dashed { "dashed" } else { "solid" },
            if n.alert { "\"#d62728\"" } else { "black" },
            dot_escape(&n.tooltip)
        )
    };
    for c in &d.clusters {
        writeln!(out, "  subgraph \"cluster_{}\" {{", dot_escape(&c.id))?;
        writeln!(out, "    label=\"{}\";", dot_escape(&c.label))?;
        writeln!(
            out,
            "    style=\"rounded{}\"; color=\"{}\";",
            if c.dashed { ",dashed" } else { "" },
            c.color.unwrap_or("black")
        )?;
        for n in &c.nodes {
            node(n, out)?;
        }
        writeln!(out, "  }}")?;
    }
    for n in &d.loose {
        node(n, out)?;
    }
    for e in &d.edges {
        writeln!(
            out,
            "  {} -> {} [label=\"{}\", style={}, color=\"{}\", fontcolor=\"{}\", penwidth={}, tooltip=\"{}\"];",
            e.from,
            e.to,
            dot_escape(&e.label),
            e.line.dot(),
            e.color,
            e.color,
            e.width,
            dot_escape(e.tooltip.as_deref().unwrap_or(""))
        )?;
    }
    if let Some(t) = &d.title {
        writeln!(out, "  label=\"{}\";", dot_escape(t))?;
    }
    writeln!(out, "}}")
}

/// Writes the diagram as a Mermaid flowchart.
pub fn mermaid(d: &Diagram, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "flowchart LR")?;
    let node = |n: &Node, indent: &str, out: &mut dyn Write| -> io::Result<()> {
        let (open, close) = n.shape.mermaid();
        writeln!(
            out,
            "{indent}{}{open}\"{}\"{close}",
            n.id,
            mermaid_escape(&n.label)
        )
    };
    for c in &d.clusters {
        writeln!(
            out,
            "  subgraph acct_{}[\"{}\"]",
            c.id,
            mermaid_escape(&c.label)
        )?;
        for n in &c.nodes {
            node(n, "    ", out)?;
        }
        writeln!(out, "  end")?;
    }
    for n in &d.loose {
        node(n, "  ", out)?;
    }
    // Edges with the same highlight share one `linkStyle` line, in order of first use.
    let mut styles: Vec<(&str, Vec<String>)> = Vec::new();
    for (i, e) in d.edges.iter().enumerate() {
        writeln!(
            out,
            "  {} {}|\"{}\"| {}",
            e.from,
            e.arrow,
            mermaid_escape(&e.label),
            e.to
        )?;
        if let Some(h) = &e.highlight {
            match styles.iter_mut().find(|(s, _)| s == h) {
                Some((_, ids)) => ids.push(i.to_string()),
                None => styles.push((h, vec![i.to_string()])),
            }
        }
    }
    for (style, ids) in styles {
        writeln!(out, "  linkStyle {} {style}", ids.join(","))?;
    }
    for c in &d.clusters {
        if let Some(color) = c.color {
            writeln!(out, "  style acct_{} stroke:{color}", c.id)?;
        }
    }
    if let Some(t) = &d.title {
        writeln!(out, "  %% {}", t.replace('\n', " "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagram {
        let node = |id: &str, label: &str| Node {
            id: id.into(),
            label: label.into(),
            tooltip: label.into(),
            shape: Shape::Rect,
            dashed: false,
            alert: false,
        };
        Diagram {
            name: "t".into(),
            title: Some("a \"title\"".into()),
            clusters: vec![Cluster {
                id: "111111111111".into(),
                label: "account <1>".into(),
                dashed: false,
                color: Some("#1f77b4"),
                nodes: vec![node("n0", "role \"a\" | b")],
            }],
            loose: vec![node("n1", r"c\d")],
            edges: vec![Edge {
                from: "n0".into(),
                to: "n1".into(),
                label: "s3:GetObject".into(),
                tooltip: None,
                line: Line::Solid,
                color: "red",
                width: "1",
                arrow: "-->",
                highlight: Some("stroke:red".into()),
            }],
            font_sizes: None,
        }
    }

    #[test]
    fn both_formats_escape_what_they_must() {
        let mut dot_out = Vec::new();
        dot(&sample(), &mut dot_out).unwrap();
        let text = String::from_utf8(dot_out).unwrap();
        assert!(text.contains(r#"label="role \"a\" | b""#), "{text}");
        assert!(text.contains(r#"label="c\\d""#), "{text}");
        assert!(text.contains(r#"label="a \"title\"";"#), "{text}");
        let mut m = Vec::new();
        mermaid(&sample(), &mut m).unwrap();
        let text = String::from_utf8(m).unwrap();
        assert!(
            text.contains("n0[\"role #quot;a#quot; #124; b\"]"),
            "{text}"
        );
        assert!(
            text.contains("acct_111111111111[\"account #lt;1#gt;\"]"),
            "{text}"
        );
        assert!(text.contains("linkStyle 0 stroke:red"), "{text}");
    }

    #[test]
    fn svg_draws_every_node_and_edge_escaped() {
        let text = svg(&sample());
        assert!(text.starts_with("<svg ") && text.ends_with("</svg>"));
        assert_eq!(text.matches(r#"<g class="node">"#).count(), 2);
        assert_eq!(text.matches(r#"<g class="edge">"#).count(), 1);
        assert!(text.contains("role &quot;a&quot; | b"), "{text}");
        assert!(text.contains("account &lt;1&gt;"), "{text}");
        assert!(text.contains(r#"marker-end="url(#arrow0)""#), "{text}");
        assert_eq!(xml_escape("a\u{1}<'b'>"), "a&lt;&#39;b&#39;&gt;");
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), LABEL_CHARS);
    }
}
