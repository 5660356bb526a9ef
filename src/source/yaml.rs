//! CloudFormation YAML, read into the crate's JSON tree ([`Json`]) with the line and column of
//! every node, so that a finding in a YAML template points at its line as one in a JSON file
//! does.
//!
//! The parser is `saphyr-parser`: a YAML 1.2 event parser (the `yaml-rust2` line, maintained,
//! two small dependencies) whose events carry their position and their tag. `serde_yaml` is
//! no longer maintained, and its forks (`serde_yml`, `serde_norway`) build serde values, which
//! lose both the positions and the short-form tags. Scalars are typed by YAML 1.2's core
//! schema (so `Version: 2012-10-17` stays a string, and an unquoted `012345678901` is the
//! number CloudFormation also reads). Short-form tags become the JSON form of their function:
//! `!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, `!Sub …` →
//! `{"Fn::Sub": …}`, `!Condition C` → `{"Condition": "C"}`. Aliases are copied (with a bound on
//! the copies, so that a few lines cannot expand into gigabytes); a stream of several
//! documents, a key that is not a scalar and an unknown tag are errors.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::LineCol;
use crate::json::{Json, Pointer, Seq};

/// The short-form tags CloudFormation reads, and the key of the function each stands for.
const FUNCTIONS: [(&str, &str); 22] = [
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("ImportValue", "Fn::ImportValue"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("GetAZs", "Fn::GetAZs"),
    ("Cidr", "Fn::Cidr"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("ForEach", "Fn::ForEach"),
    ("ValueOf", "Fn::ValueOf"),
];

/// How deep collections may nest (as deep as the JSON reader allows).
const MAX_DEPTH: usize = 120;

/// The most nodes aliases may add: far more than any template has.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// A YAML document that could not be read, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// Where (1-based).
    pub at: LineCol,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.at.line, self.at.column
        )
    }
}

/// A parsed YAML document and where each of its nodes is.
#[derive(Debug)]
pub struct Parsed {
    /// The document as a JSON tree.
    pub json: Json<'static>,
    /// Pointer text → position: the key of an object member, the start of an element.
    pub positions: HashMap<String, LineCol>,
}

impl Parsed {
    /// Where `pointer` is: the node itself, or else the nearest enclosing node that was
    /// written in the text (a value inside an alias copy, or a pointer past a resolved
    /// function).
    pub fn locate(&self, pointer: &Pointer) -> Option<LineCol> {
        let mut p = pointer.as_str();
        loop {
            if let Some(lc) = self.positions.get(p) {
                return Some(*lc);
            }
            // Nothing of the path below the document itself: not there.
            p = &p[..p.rfind('/').filter(|i| *i > 0)?];
        }
    }
}

fn line_col(span: &Span) -> LineCol {
    LineCol {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// One open collection.
struct Frame {
    /// Pointer of the node's own content (inside its function wrapper, if tagged).
    inner: String,
    /// The function key a short-form tag wraps the node in.
    wrap: Option<&'static str>,
    /// Anchor id (0: none).
    anchor: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq(Vec<Json<'static>>),
    Map {
        members: Vec<(Cow<'static, str>, Json<'static>)>,
        key: Option<String>,
    },
}

/// What a tag means here.
enum TagMeaning {
    /// No tag, or a core-schema tag that says nothing more.
    Plain,
    /// `!!str`: the scalar is a string whatever it looks like.
    Str,
    /// A short-form function.
    Function(&'static str),
}

fn meaning(tag: Option<&Tag>) -> Result<TagMeaning, String> {
    let Some(tag) = tag else {
        return Ok(TagMeaning::Plain);
    };
    if tag.is_yaml_core_schema() {
        return Ok(match tag.suffix.as_str() {
            "str" => TagMeaning::Str,
            _ => TagMeaning::Plain,
        });
    }
    if tag.handle == "!" {
        if let Some((_, f)) = FUNCTIONS.iter().find(|(t, _)| *t == tag.suffix) {
            return Ok(TagMeaning::Function(f));
        }
    }
    Err(format!(
        "unknown tag `{}{}` (CloudFormation reads the short forms of its functions, such as `!Ref`)",
        tag.handle, tag.suffix
    ))
}

/// A plain scalar typed by YAML 1.2's core schema.
fn plain_scalar(text: &str) -> Json<'static> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.trim_start_matches('+').parse::<i64>() {
            return Json::Number(i.into());
        }
        if let Ok(u) = text.trim_start_matches('+').parse::<u64>() {
            return Json::Number(u.into());
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(u) = u64::from_str_radix(hex, 16) {
            return Json::Number(u.into());
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(u) = u64::from_str_radix(oct, 8) {
            return Json::Number(u.into());
        }
    }
    let is_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if is_float {
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Json::Number(n);
        }
    }
    Json::String(Cow::Owned(text.to_owned()))
}

fn count_nodes(j: &Json<'_>) -> usize {
    match j {
        Json::Array(a) => 1 + a.iter().map(count_nodes).sum::<usize>(),
        Json::Object(m) => 1 + m.iter().map(|(_, v)| count_nodes(v)).sum::<usize>(),
        _ => 1,
    }
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Json<'static>>,
    positions: HashMap<String, LineCol>,
    root: Option<Json<'static>>,
    alias_nodes: usize,
}

impl Builder {
    /// The pointer of the next node, and records its position (for a map value, the key's
    /// position was recorded with the key).
    fn next_pointer(&mut self, at: LineCol) -> Result<String, String> {
        let Some(top) = self.stack.last() else {
            self.positions.insert(String::new(), at);
            return Ok(String::new());
        };
        match &top.kind {
            FrameKind::Seq(items) => {
                let p = Pointer::from_escaped(top.inner.clone()).index(items.len());
                let p = p.as_str().to_owned();
                self.positions.insert(p.clone(), at);
                Ok(p)
            }
            FrameKind::Map { key: Some(k), .. } => Ok(Pointer::from_escaped(top.inner.clone())
                .key(k)
                .as_str()
                .to_owned()),
            FrameKind::Map { key: None, .. } => Err("a mapping key must be a scalar".into()),
        }
    }

    /// Adds a finished node to its parent (or makes it the document).
    fn push(&mut self, value: Json<'static>, anchor: usize) -> Result<(), String> {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame {
                kind: FrameKind::Seq(items),
                ..
            }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame {
                kind: FrameKind::Map { members, key },
                ..
            }) => match key.take() {
                Some(k) => {
                    members.push((Cow::Owned(k), value));
                    Ok(())
                }
                None => Err("a mapping key must be a scalar".into()),
            },
        }
    }

    /// Whether the next scalar is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map { key: None, .. },
                ..
            })
        )
    }

    fn set_key(&mut self, k: String, at: LineCol) {
        if let Some(top) = self.stack.last_mut() {
            let p = Pointer::from_escaped(top.inner.clone()).key(&k);
            self.positions.insert(p.as_str().to_owned(), at);
            if let FrameKind::Map { key, .. } = &mut top.kind {
                *key = Some(k);
            }
        }
    }

    fn open(
        &mut self,
        tag: Option<&Tag>,
        anchor: usize,
        at: LineCol,
        kind: FrameKind,
    ) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        let ptr = self.next_pointer(at)?;
        let wrap = match meaning(tag)? {
            TagMeaning::Function(f) => Some(f),
            _ => None,
        };
        let inner = match wrap {
            Some(f) => {
                let p = Pointer::from_escaped(ptr).key(f).as_str().to_owned();
                self.positions.insert(p.clone(), at);
                p
            }
            None => ptr,
        };
        self.stack.push(Frame {
            inner,
            wrap,
            anchor,
            kind,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let Some(frame) = self.stack.pop() else {
            return Err("unbalanced collection".into());
        };
        let value = match frame.kind {
            FrameKind::Seq(items) => Json::Array(items.into()),
            FrameKind::Map { members, .. } => Json::Object(members.into()),
        };
        let value = wrap(frame.wrap, value);
        self.push(value, frame.anchor)
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: LineCol,
    ) -> Result<(), String> {
        let m = meaning(tag)?;
        if self.expects_key() {
            if matches!(m, TagMeaning::Function(_)) {
                return Err("a mapping key cannot be a function".into());
            }
            self.set_key(text.into_owned(), at);
            return Ok(());
        }
        let ptr = self.next_pointer(at)?;
        let value = match m {
            TagMeaning::Function(f) => {
                let p = Pointer::from_escaped(ptr).key(f);
                self.positions.insert(p.as_str().to_owned(), at);
                let arg = if f == "Fn::GetAtt" {
                    // `!GetAtt Resource.Attribute`: the attribute may itself contain dots.
                    match text.split_once('.') {
                        Some((r, a)) => Json::Array(Seq::Owned(vec![
                            Json::String(Cow::Owned(r.to_owned())),
                            Json::String(Cow::Owned(a.to_owned())),
                        ])),
                        None => Json::String(Cow::Owned(text.into_owned())),
                    }
                } else {
                    Json::String(Cow::Owned(text.into_owned()))
                };
                wrap(Some(f), arg)
            }
            TagMeaning::Str => Json::String(Cow::Owned(text.into_owned())),
            TagMeaning::Plain if style == ScalarStyle::Plain => plain_scalar(&text),
            TagMeaning::Plain => Json::String(Cow::Owned(text.into_owned())),
        };
        self.push(value, anchor)
    }

    fn alias(&mut self, id: usize, at: LineCol) -> Result<(), String> {
        let value = self
            .anchors
            .get(&id)
            .cloned()
            .ok_or_else(|| "an alias to an unknown anchor".to_owned())?;
        self.alias_nodes += count_nodes(&value);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(format!(
                "aliases expand to more than {MAX_ALIAS_NODES} nodes"
            ));
        }
        if self.expects_key() {
            return match value {
                Json::String(s) => {
                    self.set_key(s.into_owned(), at);
                    Ok(())
                }
                _ => Err("a mapping key must be a scalar".into()),
            };
        }
        self.next_pointer(at)?;
        self.push(value, 0)
    }
}

fn wrap(f: Option<&'static str>, value: Json<'static>) -> Json<'static> {
    match f {
        Some(f) => Json::Object(vec![(Cow::Borrowed(f), value)].into()),
        None => value,
    }
}

/// Parses one YAML document.
pub fn parse(text: &str) -> Result<Parsed, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        positions: HashMap::new(),
        root: None,
        alias_nodes: 0,
    };
    let mut documents = 0;
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(|e| YamlError {
            message: e.info().to_owned(),
            at: LineCol {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
        })?;
        let at = line_col(&span);
        let r = match ev {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    Err("more than one YAML document".to_owned())
                } else {
                    Ok(())
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                b.scalar(text, style, anchor, tag.as_deref(), at)
            }
            Event::SequenceStart(anchor, tag) => {
                b.open(tag.as_deref(), anchor, at, FrameKind::Seq(Vec::new()))
            }
            Event::MappingStart(anchor, tag) => b.open(
                tag.as_deref(),
                anchor,
                at,
                FrameKind::Map {
                    members: Vec::new(),
                    key: None,
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => b.close(),
            Event::Alias(id) => b.alias(id, at),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        };
        r.map_err(|message| YamlError { message, at })?;
    }
    Ok(Parsed {
        json: b.root.unwrap_or(Json::Null),
        positions: b.positions,
    })
}

/// Whether `text` is YAML rather than JSON: its first character that is not white space
/// opens no JSON object or array.
pub fn is_yaml_text(text: &str) -> bool {
    !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

/// The line and column of each pointer in a YAML template's `text`; `None` when the text is
/// JSON, or not a template (the JSON locator reads it).
pub fn locate_many(text: &str, pointers: &[Pointer]) -> Option<Vec<Option<LineCol>>> {
    if !is_yaml_text(text) || !text.contains("Resources") {
        return None;
    }
    Some(match parse(text) {
        Ok(p) => pointers.iter().map(|ptr| p.locate(ptr)).collect(),
        Err(_) => vec![None; pointers.len()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub '${AWS::StackName}-role'
      Arn: !GetAtt Bucket.Arn
      List: !Join
        - ''
        - [a, !Ref B]
      Version: 2012-10-17
      Account: 012345678901
      Flag: true
      Quoted: 'true'
";

    #[test]
    fn short_tags_become_functions_and_scalars_follow_the_core_schema() {
        let p = parse(T).unwrap();
        let props = p
            .json
            .get("Resources")
            .and_then(|r| r.get("Role"))
            .and_then(|r| r.get("Properties"))
            .unwrap();
        assert_eq!(
            props.get("RoleName").unwrap().to_value(),
            serde_json::json!({"Fn::Sub": "${AWS::StackName}-role"})
        );
        assert_eq!(
            props.get("Arn").unwrap().to_value(),
            serde_json::json!({"Fn::GetAtt": ["Bucket", "Arn"]})
        );
        assert_eq!(
            props.get("List").unwrap().to_value(),
            serde_json::json!({"Fn::Join": ["", ["a", {"Ref": "B"}]]})
        );
        assert_eq!(props.get("Version").unwrap().as_str(), Some("2012-10-17"));
        assert_eq!(
            props.get("Account").unwrap().to_value(),
            serde_json::json!(12345678901u64)
        );
        assert_eq!(props.get("Flag"), Some(&Json::Bool(true)));
        assert_eq!(props.get("Quoted").unwrap().as_str(), Some("true"));
    }

    #[test]
    fn every_node_has_its_line_and_column() {
        let p = parse(T).unwrap();
        let at = |s: &str| {
            p.locate(&Pointer::parse(s).unwrap())
                .map(|l| (l.line, l.column))
        };
        assert_eq!(at("/Resources"), Some((2, 1)));
        assert_eq!(at("/Resources/Role/Properties/RoleName"), Some((6, 7)));
        assert_eq!(
            at("/Resources/Role/Properties/List/Fn::Join/1/1"),
            Some((10, 15))
        );
        // Past the text: the nearest node written.
        assert_eq!(
            at("/Resources/Role/Properties/Arn/Fn::GetAtt/0"),
            Some((7, 12))
        );
        assert_eq!(at("/Nope"), None);
    }

    #[test]
    fn bad_yaml_and_unknown_tags_are_errors_with_a_place() {
        let e = parse("a: !Bogus x\n").unwrap_err();
        assert!(e.message.contains("unknown tag `!Bogus`"), "{e}");
        assert_eq!(e.at.line, 1);
        assert!(parse("a: [1\n").is_err());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
        assert!(parse("? [a]\n: b\n").is_err());
    }

    #[test]
    fn aliases_are_copied_and_bounded() {
        let p = parse("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(
            p.json.get("b").unwrap().to_value(),
            serde_json::json!({"k": "v"})
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
                p = i - 1
            ));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("aliases expand"));
    }

    #[test]
    fn json_text_is_left_to_the_json_locator() {
        assert!(locate_many("{\"a\": 1}", &[Pointer::root()]).is_none());
        let got = locate_many(
            "Resources:\n  b: 1\n",
            &[Pointer::parse("/Resources/b").unwrap()],
        )
        .unwrap();
        assert_eq!(got, vec![Some(LineCol { line: 2, column: 3 })]);
    }
}
