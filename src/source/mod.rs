//! Source locations: a JSON pointer into a file's text becomes a line and column, for
//! messages, tables and SARIF. Nothing upstream keeps offsets: locations are filled in from
//! the files' texts just before a report is rendered ([`fill`]), one pass per file
//! ([`many`]); a pointer into policy text that an export carries as a string is mapped back
//! through the string's escapes ([`embedded`]). A YAML text (CloudFormation's dialect) is
//! read here too ([`yaml`]), into the same JSON tree with every node's line and column, so
//! that its places are found the same way.

pub mod embedded;
pub mod many;
pub mod yaml;

use std::collections::BTreeMap;

use crate::diagnostic::Location;
use crate::json::Pointer;

/// A 1-based line and column (column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Finds where `pointer` points in the JSON `text`: the start of the member's key for an
/// object member, the start of the element for an array element. `None` when the text is
/// not JSON along that path or the pointer names nothing.
pub fn locate(text: &str, pointer: &Pointer) -> Option<LineCol> {
    many::locate_many(text, std::slice::from_ref(pointer))
        .into_iter()
        .next()
        .flatten()
}

/// The line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset.min(text.len())];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    LineCol {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Fills in the line and column of every location that has none, reading each file's text
/// from `text_of` once, and starting at the elements `anchors_of` knows of a file
/// ([`many::Anchors`]); a place inside policy text carried as a string is found inside it.
pub fn fill<'t, 'a>(
    locations: Vec<&mut Location>,
    text_of: &dyn Fn(&str) -> Option<&'t str>,
    anchors_of: &dyn Fn(&str) -> Option<&'a many::Anchors>,
) {
    let mut by_file: BTreeMap<String, Vec<&mut Location>> = BTreeMap::new();
    for l in locations.into_iter().filter(|l| l.line.is_none()) {
        by_file.entry(l.file.to_string()).or_default().push(l);
    }
    for (file, locs) in by_file {
        let Some(text) = text_of(&file) else { continue };
        let (mut inside, mut plain): (Vec<&mut Location>, Vec<&mut Location>) =
            locs.into_iter().partition(|l| l.embedded.is_some());
        let pointers: Vec<Pointer> = plain.iter().map(|l| l.pointer.clone()).collect();
        let found = match anchors_of(&file) {
            Some(anchors) => many::locate_many_from(text, &pointers, anchors),
            None => many::locate_many(text, &pointers),
        };
        for (l, lc) in plain.iter_mut().zip(found) {
            set(l, lc);
        }
        if inside.is_empty() {
            continue;
        }
        // A place inside policy text an export carries as a string: the statement itself,
        // found through the string's escapes (only the string's start when URL-encoded).
        // The strings are found in one walk, and the lines of the places counted in one pass.
        let json = crate::json::Json::parse(text).ok();
        let pointers: Vec<Pointer> = inside.iter().map(|l| l.pointer.clone()).collect();
        let starts = many::offsets(text, &pointers);
        let places: Vec<Option<usize>> = inside
            .iter()
            .zip(starts)
            .map(|(l, at)| {
                let inner = json
                    .as_ref()
                    .and_then(|j| j.at(&l.pointer))
                    .and_then(|j| j.as_str());
                match (inner, &l.embedded) {
                    (Some(inner), Some(inner_ptr)) => {
                        let url_encoded = inner.trim_start().starts_with('%');
                        embedded::offset_inside(
                            text,
                            &l.pointer,
                            at?,
                            inner_ptr,
                            inner,
                            url_encoded,
                        )
                    }
                    _ => at,
                }
            })
            .collect();
        for (l, lc) in inside.iter_mut().zip(many::lines_of(text, &places)) {
            set(l, lc);
        }
    }
}

fn set(l: &mut Location, lc: Option<LineCol>) {
    if let Some(lc) = lc {
        l.line = Some(lc.line);
        l.column = Some(lc.column);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"a\", \"b\\\"]\"]},\n    {\n      \"Effect\": \"Deny\",\n      \"Condition\": {\"String/Like\": {}}\n    }\n  ]\n}";

    fn at(p: &str) -> Option<(usize, usize)> {
        locate(TEXT, &Pointer::parse(p).unwrap()).map(|l| (l.line, l.column))
    }

    #[test]
    fn finds_members_and_elements() {
        assert_eq!(at(""), Some((1, 1)));
        assert_eq!(at("/Version"), Some((2, 3)));
        assert_eq!(at("/Statement/0"), Some((4, 5)));
        assert_eq!(at("/Statement/0/Action/1"), Some((4, 41)));
        assert_eq!(at("/Statement/1/Effect"), Some((6, 7)));
        assert_eq!(at("/Statement/1/Condition/String~1Like"), Some((7, 21)));
    }

    #[test]
    fn missing_paths_are_none() {
        assert_eq!(at("/Statement/2"), None);
        assert_eq!(at("/Nope"), None);
        assert_eq!(at("/Version/0"), None);
    }
}
