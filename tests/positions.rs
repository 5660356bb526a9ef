//! Where JSON pointers are found in a file's text (`source::many::locate_many`, all of a
//! file's pointers in one pass), over generated JSON texts: nested arrays and objects,
//! strings with escapes, brackets and backslashes, non-ASCII characters written as they are
//! or as `\u` escapes, members of the same name, compact, pretty-printed (two and four
//! spaces) and irregular whitespace (tabs, CRLF). The expected place of every node is
//! recorded while the text is written, and a pointer is resolved in the generated tree (the
//! first member of a name counts; an index is what `usize` parses), so the answer does not
//! depend on the code under test. Every node's pointer is asked, with pointers that name
//! nothing, all at once, one at a time (`source::locate`), and from the starts of the
//! top-level lists' elements read off the parsed tree (`source::many::Anchors`).
//!
//! `XACCT_PROPTEST_CASES` scales the number of texts (default 400).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use xacct::json::{Json, Pointer};
use xacct::source::many::{locate_many, locate_many_from, Anchors};
use xacct::source::{line_col, locate, LineCol};

/// A generated JSON value.
#[derive(Debug, Clone)]
enum Node {
    Scalar(&'static str),
    Str(String),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

/// A written value: where its place is (a member's key, an element's first byte), and its
/// members or elements.
#[derive(Debug)]
struct Placed {
    at: usize,
    kids: Kids,
}

#[derive(Debug)]
enum Kids {
    None,
    Arr(Vec<Placed>),
    Obj(Vec<(String, Placed)>),
}

/// How whitespace is written.
#[derive(Debug, Clone)]
enum Style {
    /// Newline and this many spaces per level, `": "` after a key (as the AWS CLI writes).
    Pretty(usize),
    /// These, in turn, at every place whitespace may go.
    Cycle(Vec<&'static str>),
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Statement".to_owned()),
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("0".to_owned()),
        Just("12".to_owned()),
        Just("".to_owned()),
        Just("a/b".to_owned()),
        Just("t~n~1".to_owned()),
        Just("é".to_owned()),
        Just("😀y".to_owned()),
        Just("q\"u".to_owned()),
        Just("back\\slash".to_owned()),
        Just("{[".to_owned()),
        "[a-c]{1,3}",
    ]
}

fn text_value() -> impl Strategy<Value = String> {
    "[a-zY_ \"\\\\{}\\[\\]/:,é€😀\n\t\u{1}]{0,48}"
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Node::Scalar("null")),
        Just(Node::Scalar("true")),
        Just(Node::Scalar("false")),
        Just(Node::Scalar("0")),
        Just(Node::Scalar("-12.5e+3")),
        Just(Node::Scalar("1234567890123")),
        text_value().prop_map(Node::Str),
    ];
    leaf.prop_recursive(5, 96, 7, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..7).prop_map(Node::Arr),
            prop::collection::vec((key(), inner), 0..7).prop_map(Node::Obj),
        ]
    })
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        Just(Style::Pretty(4)),
        Just(Style::Pretty(2)),
        Just(Style::Cycle(vec![""])),
        prop::collection::vec(
            prop_oneof![
                Just(""),
                Just(" "),
                Just("\n"),
                Just("\t"),
                Just("\r\n"),
                Just("    "),
                Just("\n                "),
            ],
            1..9
        )
        .prop_map(Style::Cycle),
    ]
}

/// Writes generated values as JSON text, recording every node's place.
struct Writer {
    out: String,
    style: Style,
    turn: usize,
    /// Non-ASCII characters as `\u` escapes (surrogate pairs beyond the BMP).
    ascii: bool,
}

impl Writer {
    /// Whitespace at a place where it may go (`level` deep, before a member or element or
    /// a closing bracket when `line` is set).
    fn ws(&mut self, level: usize, line: bool) {
        match &self.style {
            Style::Pretty(n) => {
                if line {
                    self.out.push('\n');
                    self.out.push_str(&" ".repeat(n * level));
                }
            }
            Style::Cycle(all) => {
                let w = all[self.turn % all.len()];
                self.turn += 1;
                self.out.push_str(w);
            }
        }
    }

    fn string(&mut self, s: &str) {
        if !self.ascii {
            self.out.push_str(&serde_json::to_string(s).unwrap());
            return;
        }
        self.out.push('"');
        for ch in s.chars() {
            match ch {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                ' '..='~' => self.out.push(ch),
                _ => {
                    let mut units = [0u16; 2];
                    for u in ch.encode_utf16(&mut units) {
                        self.out.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
        }
        self.out.push('"');
    }

    /// Writes `node` (its place is `at`), `level` deep.
    fn value(&mut self, node: &Node, at: usize, level: usize) -> Placed {
        let kids = match node {
            Node::Scalar(s) => {
                self.out.push_str(s);
                Kids::None
            }
            Node::Str(s) => {
                self.string(s);
                Kids::None
            }
            Node::Arr(items) => {
                self.out.push('[');
                let mut placed = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.ws(level + 1, false);
                        self.out.push(',');
                    }
                    self.ws(level + 1, true);
                    let start = self.out.len();
                    placed.push(self.value(item, start, level + 1));
                }
                self.ws(level, !items.is_empty());
                self.out.push(']');
                Kids::Arr(placed)
            }
            Node::Obj(members) => {
                self.out.push('{');
                let mut placed = Vec::new();
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        self.ws(level + 1, false);
                        self.out.push(',');
                    }
                    self.ws(level + 1, true);
                    let start = self.out.len();
                    self.string(k);
                    self.ws(level + 1, false);
                    self.out.push(':');
                    if matches!(self.style, Style::Pretty(_)) {
                        self.out.push(' ');
                    }
                    self.ws(level + 1, false);
                    placed.push((k.clone(), self.value(v, start, level + 1)));
                }
                self.ws(level, !members.is_empty());
                self.out.push('}');
                Kids::Obj(placed)
            }
        };
        Placed { at, kids }
    }
}

/// Every node's path (members of a repeated name included), and paths that name nothing.
fn paths(p: &Placed, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    let mut missing = path.clone();
    missing.push("nope".to_owned());
    out.push(missing);
    match &p.kids {
        Kids::None => {
            let mut below = path.clone();
            below.push("0".to_owned());
            out.push(below);
        }
        Kids::Arr(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                paths(item, path, out);
                path.pop();
            }
            for past in [items.len().to_string(), "-".to_owned(), "01".to_owned()] {
                let mut beyond = path.clone();
                beyond.push(past);
                out.push(beyond);
            }
        }
        Kids::Obj(members) => {
            for (k, v) in members {
                path.push(k.clone());
                paths(v, path, out);
                path.pop();
            }
        }
    }
}

/// The place `path` names in the written tree: the first member of a name, the element at
/// the index `usize` parses.
fn resolve(p: &Placed, path: &[String]) -> Option<usize> {
    let Some((first, rest)) = path.split_first() else {
        return Some(p.at);
    };
    let next = match &p.kids {
        Kids::None => return None,
        Kids::Arr(items) => items.get(first.parse::<usize>().ok()?)?,
        Kids::Obj(members) => &members.iter().find(|(k, _)| k == first)?.1,
    };
    resolve(next, rest)
}

fn pointer(path: &[String]) -> Pointer {
    path.iter().fold(Pointer::root(), |p, t| p.key(t))
}

fn check(node: &Node, style: Style, ascii: bool, lead: &str) -> Result<(), TestCaseError> {
    let mut w = Writer {
        out: lead.to_owned(),
        style,
        turn: 0,
        ascii,
    };
    let placed = w.value(node, lead.len(), 0);
    w.ws(0, true);
    let text = w.out;
    // The writer writes JSON: the texts positions are asked of have parsed.
    prop_assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "{text}"
    );
    let mut all = Vec::new();
    paths(&placed, &mut Vec::new(), &mut all);
    let pointers: Vec<Pointer> = all.iter().map(|p| pointer(p)).collect();
    let want: Vec<Option<LineCol>> = all
        .iter()
        .map(|p| resolve(&placed, p).map(|at| line_col(&text, at)))
        .collect();
    let together = locate_many(&text, &pointers);
    for ((p, w), got) in pointers.iter().zip(&want).zip(&together) {
        prop_assert_eq!(got, w, "{} in {:?}", p, text);
        prop_assert_eq!(&locate(&text, p), w, "{} alone in {:?}", p, text);
    }
    // The order of the pointers, and asking one twice, change nothing.
    let mut reversed: Vec<Pointer> = pointers.iter().rev().cloned().collect();
    reversed.extend(pointers.first().cloned());
    let mut again = locate_many(&text, &reversed);
    let twice = again.pop().flatten();
    again.reverse();
    prop_assert_eq!(&again, &together);
    prop_assert_eq!(twice, together.first().copied().flatten());
    // Started at the elements of the top-level lists, their starts read off the tree parsed
    // in an arena (where names with escapes are, outside the text) or in vectors: the same.
    let arena = Json::arena_for(text.len());
    let in_arena = Json::parse_in(&text, &arena).map(|(json, _)| json);
    let in_vectors = Json::parse(&text);
    for json in [in_arena, in_vectors] {
        let json = json.map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        let anchors = Anchors::of(&text, &json);
        prop_assert_eq!(&locate_many_from(&text, &pointers, &anchors), &together);
    }
    Ok(())
}

fn cases(default: u32) -> u32 {
    std::env::var("XACCT_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(default, |n| n.clamp(1, default.saturating_mul(100)))
}

#[test]
fn every_nodes_place_is_found_all_at_once_and_alone() {
    let mut runner = TestRunner::new(Config {
        cases: cases(400),
        failure_persistence: None,
        ..Config::default()
    });
    let lead = prop_oneof![Just(""), Just(" "), Just("\n\t \r\n")];
    runner
        .run(
            &(node(), style(), any::<bool>(), lead),
            |(node, style, ascii, lead)| check(&node, style, ascii, lead),
        )
        .unwrap();
}

#[test]
fn places_past_many_blocks_of_escapes_and_brackets_in_strings() {
    // Long strings of escapes and brackets around 64-byte boundaries, before the places asked.
    for pad in 0..80 {
        for filler in ["\\\\", "\\\"", "{[", "]}", "\\u005c", "y_Y"] {
            let s = format!("{}{}", "x".repeat(pad), filler.repeat(pad % 7 + 1));
            let text = format!(
                "{{\n    \"skip\": [\n        {{\"s\": \"{s}\", \"t\": [\"{s}\", {{}}, []]}},\n        \"{s}\"\n    ],\n    \"Want\": [1, {{\"k\": \"{s}\"}}]\n}}"
            );
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{text}"
            );
            let ptr = |p: &str| Pointer::parse(p).unwrap();
            let pointers = [ptr("/Want/1/k"), ptr("/Want"), ptr("/skip/1"), ptr("/Nope")];
            let want = [
                text.find("\"k\"").map(|o| line_col(&text, o)),
                text.find("\"Want\"").map(|o| line_col(&text, o)),
                text.rfind(&format!("\"{s}\"\n"))
                    .map(|o| line_col(&text, o)),
                None,
            ];
            assert_eq!(locate_many(&text, &pointers), want, "{text}");
        }
    }
}
