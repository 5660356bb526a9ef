//! The one writer of diagrams: a [`Diagram`] (accounts as clusters, principals and resources
//! as nodes, access as edges) written as Graphviz DOT or as a Mermaid flowchart, with each
//! format's escaping done here and nowhere else. `graph` and `check` build diagrams; this
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
}
