//! Source locations: a JSON pointer into a file's text becomes a line and column, for
//! messages, tables and SARIF. Nothing upstream keeps offsets: locations are filled in from
//! the files' texts just before a report is rendered ([`fill`]), one pass per file
//! ([`many`]); a pointer into policy text that an export carries as a string is mapped back
//! through the string's escapes ([`embedded`]).

pub mod embedded;
pub mod many;

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
/// from `text_of` once; a place inside policy text carried as a string is found inside it.
pub fn fill<'t>(locations: Vec<&mut Location>, text_of: &dyn Fn(&str) -> Option<&'t str>) {
    let mut by_file: BTreeMap<String, Vec<&mut Location>> = BTreeMap::new();
    for l in locations.into_iter().filter(|l| l.line.is_none()) {
        by_file.entry(l.file.to_string()).or_default().push(l);
    }
    for (file, locs) in by_file {
        let Some(text) = text_of(&file) else { continue };
        let (mut inside, mut plain): (Vec<&mut Location>, Vec<&mut Location>) =
            locs.into_iter().partition(|l| l.embedded.is_some());
        let pointers: Vec<Pointer> = plain.iter().map(|l| l.pointer.clone()).collect();
        for (l, lc) in plain.iter_mut().zip(many::locate_many(text, &pointers)) {
            set(l, lc);
        }
        if inside.is_empty() {
            continue;
        }
        // A place inside policy text an export carries as a string: the statement itself,
        // found through the string's escapes (only the string's start when URL-encoded).
        let json = crate::json::Json::parse(text).ok();
        for l in &mut inside {
            let inner = json
                .as_ref()
                .and_then(|j| j.at(&l.pointer))
                .and_then(|j| j.as_str());
            let lc = match (inner, &l.embedded) {
                (Some(inner), Some(at)) => {
                    let url_encoded = inner.trim_start().starts_with('%');
                    embedded::resolve(text, &l.pointer, Some((at, inner, url_encoded)))
                }
                _ => locate(text, &l.pointer),
            };
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

/// The locator `many` replaced, kept to check it against.
#[cfg(test)]
pub(crate) mod oracle {
    use crate::json::Pointer;

    /// As [`super::locate`].
    pub fn locate(text: &str, pointer: &Pointer) -> Option<super::LineCol> {
        let offset = offset_of(text.as_bytes(), pointer)?;
        Some(super::line_col(text, offset))
    }

    fn offset_of(b: &[u8], pointer: &Pointer) -> Option<usize> {
        let mut pos = skip_ws(b, 0);
        let mut anchor = pos;
        for token in pointer.tokens() {
            match b.get(pos)? {
                b'{' => {
                    pos = skip_ws(b, pos + 1);
                    loop {
                        if *b.get(pos)? == b'}' {
                            return None;
                        }
                        let key_start = pos;
                        let (key, after) = read_string(b, pos)?;
                        pos = skip_ws(b, after);
                        if *b.get(pos)? != b':' {
                            return None;
                        }
                        pos = skip_ws(b, pos + 1);
                        if key == token {
                            anchor = key_start;
                            break;
                        }
                        pos = skip_ws(b, skip_value(b, pos)?);
                        match b.get(pos)? {
                            b',' => pos = skip_ws(b, pos + 1),
                            _ => return None,
                        }
                    }
                }
                b'[' => {
                    let index: usize = token.parse().ok()?;
                    pos = skip_ws(b, pos + 1);
                    for _ in 0..index {
                        if *b.get(pos)? == b']' {
                            return None;
                        }
                        pos = skip_ws(b, skip_value(b, pos)?);
                        match b.get(pos)? {
                            b',' => pos = skip_ws(b, pos + 1),
                            _ => return None,
                        }
                    }
                    if *b.get(pos)? == b']' {
                        return None;
                    }
                    anchor = pos;
                }
                _ => return None,
            }
        }
        Some(anchor)
    }

    fn skip_ws(b: &[u8], mut pos: usize) -> usize {
        while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            pos += 1;
        }
        pos
    }

    /// Reads a string starting at its opening quote; returns it unescaped and the offset after it.
    fn read_string(b: &[u8], pos: usize) -> Option<(String, usize)> {
        if *b.get(pos)? != b'"' {
            return None;
        }
        let mut end = pos + 1;
        let mut escaped = false;
        while let Some(&c) = b.get(end) {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => break,
                _ => {}
            }
            end += 1;
        }
        let raw = std::str::from_utf8(b.get(pos..=end)?).ok()?;
        let s: String = serde_json::from_str(raw).ok()?;
        Some((s, end + 1))
    }

    /// Skips one value without recursion (deeply nested input cannot overflow the stack).
    fn skip_value(b: &[u8], mut pos: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            pos = skip_ws(b, pos);
            match *b.get(pos)? {
                b'"' => pos = read_string_end(b, pos)?,
                b'{' | b'[' => {
                    depth += 1;
                    pos += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    pos += 1;
                }
                b',' | b':' => {
                    pos += 1;
                    continue;
                }
                _ => {
                    while matches!(b.get(pos), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    {
                        pos += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(pos);
            }
        }
    }

    fn read_string_end(b: &[u8], pos: usize) -> Option<usize> {
        let mut end = pos + 1;
        let mut escaped = false;
        loop {
            let c = *b.get(end)?;
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => return Some(end + 1),
                _ => {}
            }
            end += 1;
        }
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
