//! Line and column for many JSON pointers into one file, in one pass.
//!
//! Locating each pointer by a scan from the start of the text made an account's
//! `iam.json` of a few hundred kilobytes with a trust finding for every tenth role made that
//! a fifth of the audit's time. Here the pointers of one file are resolved together: the
//! walk descends only into members and elements some pointer goes through and skips the
//! rest, and lines are counted once, in offset order. The result is the same as
//! [`crate::source::locate`]'s one pointer at a time (a test holds them together).

use super::LineCol;
use crate::diagnostic::Part;
use crate::json::Pointer;

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// The offset after the string that starts at `pos` (its opening quote).
fn string_end(b: &[u8], pos: usize) -> Option<usize> {
    let mut at = pos + 1;
    loop {
        let rest = b.get(at..)?;
        let i = memchr::memchr2(b'"', b'\\', rest)?;
        match rest.get(i)? {
            b'"' => return Some(at + i + 1),
            // An escape: skip the backslash and the character it escapes.
            _ => at += i + 2,
        }
    }
}

/// The string at `pos`, unescaped, and the offset after it.
fn read_string(b: &[u8], pos: usize) -> Option<(std::borrow::Cow<'_, str>, usize)> {
    if *b.get(pos)? != b'"' {
        return None;
    }
    let end = string_end(b, pos)?;
    let raw = b.get(pos + 1..end - 1)?;
    if !raw.contains(&b'\\') {
        return Some((
            std::borrow::Cow::Borrowed(std::str::from_utf8(raw).ok()?),
            end,
        ));
    }
    let quoted = std::str::from_utf8(b.get(pos..end)?).ok()?;
    let s: String = serde_json::from_str(quoted).ok()?;
    Some((std::borrow::Cow::Owned(s), end))
}

/// Bytes that open or close a value or a string.
const STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// Skips one value without recursion: a scalar up to its delimiter, a string to its closing
/// quote, a container by counting brackets and jumping over strings (the hot path: most of
/// an export is members and elements no pointer goes through).
fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    let mut pos = skip_ws(b, pos);
    match *b.get(pos)? {
        b'"' => return string_end(b, pos),
        b'{' | b'[' => {}
        _ => {
            while matches!(b.get(pos), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                pos += 1;
            }
            return Some(pos);
        }
    }
    let mut depth = 0usize;
    loop {
        while !STRUCTURAL[usize::from(*b.get(pos)?)] {
            pos += 1;
        }
        match *b.get(pos)? {
            b'"' => pos = string_end(b, pos)?,
            b'{' | b'[' => {
                depth += 1;
                pos += 1;
            }
            _ => {
                depth = depth.checked_sub(1)?;
                pos += 1;
                if depth == 0 {
                    return Some(pos);
                }
            }
        }
    }
}

/// One token of a target pointer: the text, and the array index it names (if a number).
struct Token {
    text: String,
    index: Option<usize>,
}

/// The targets still to find below the value at `pos`: each its tokens and its index.
type Targets<'t> = Vec<(&'t [Token], usize)>;

/// Walks the value at `pos` for the targets whose first `depth` tokens lead to it; returns
/// the offset after the value. Recursion is bounded by the longest pointer.
fn walk(
    b: &[u8],
    pos: usize,
    depth: usize,
    targets: &Targets<'_>,
    out: &mut [Option<usize>],
) -> Option<usize> {
    let deeper: Targets<'_> = targets
        .iter()
        .filter(|(t, _)| t.len() > depth)
        .copied()
        .collect();
    if deeper.is_empty() {
        return skip_value(b, pos);
    }
    let mut pos = pos;
    match *b.get(pos)? {
        b'{' => {
            pos = skip_ws(b, pos + 1);
            if *b.get(pos)? == b'}' {
                return Some(pos + 1);
            }
            // Only the first member of a name counts, as `source::locate` reads it.
            let mut seen: Vec<std::borrow::Cow<'_, str>> = Vec::new();
            loop {
                let key_start = pos;
                let (key, after) = read_string(b, pos)?;
                pos = skip_ws(b, after);
                if *b.get(pos)? != b':' {
                    return None;
                }
                pos = skip_ws(b, pos + 1);
                let first = !seen.contains(&key);
                let here: Targets<'_> = if first {
                    deeper
                        .iter()
                        .filter(|(t, _)| t.get(depth).is_some_and(|k| k.text == key))
                        .copied()
                        .collect()
                } else {
                    Vec::new()
                };
                if first && !here.is_empty() {
                    seen.push(key);
                }
                for (t, i) in &here {
                    if t.len() == depth + 1 {
                        if let Some(slot) = out.get_mut(*i) {
                            slot.get_or_insert(key_start);
                        }
                    }
                }
                pos = skip_ws(b, walk(b, pos, depth + 1, &here, out)?);
                match *b.get(pos)? {
                    b',' => pos = skip_ws(b, pos + 1),
                    b'}' => return Some(pos + 1),
                    _ => return None,
                }
            }
        }
        b'[' => {
            pos = skip_ws(b, pos + 1);
            if *b.get(pos)? == b']' {
                return Some(pos + 1);
            }
            let mut index = 0usize;
            loop {
                let here: Targets<'_> = deeper
                    .iter()
                    .filter(|(t, _)| t.get(depth).is_some_and(|k| k.index == Some(index)))
                    .copied()
                    .collect();
                for (t, i) in &here {
                    if t.len() == depth + 1 {
                        if let Some(slot) = out.get_mut(*i) {
                            slot.get_or_insert(pos);
                        }
                    }
                }
                pos = skip_ws(b, walk(b, pos, depth + 1, &here, out)?);
                match *b.get(pos)? {
                    b',' => pos = skip_ws(b, pos + 1),
                    b']' => return Some(pos + 1),
                    _ => return None,
                }
                index += 1;
            }
        }
        _ => skip_value(b, pos),
    }
}

/// Where each pointer points in `text`: the start of the member's key for an object member,
/// the start of the element for an array element; `None` when the text is not JSON along that
/// path or the pointer names nothing.
pub fn locate_many(text: &str, pointers: &[Pointer]) -> Vec<Option<LineCol>> {
    if let Some(found) = super::yaml::locate_many(text, pointers) {
        return found;
    }
    let offsets = offsets_many(text, pointers);
    lines_of(text, &offsets)
}

/// The byte offsets of [`locate_many`]'s places in a JSON `text`.
fn offsets_many(text: &str, pointers: &[Pointer]) -> Vec<Option<usize>> {
    let b = text.as_bytes();
    let tokens: Vec<Vec<Token>> = pointers
        .iter()
        .map(|p| {
            p.tokens()
                .map(|text| Token {
                    // As `source::locate` reads an index: what `usize` parses.
                    index: text.parse().ok(),
                    text,
                })
                .collect()
        })
        .collect();
    let mut offsets: Vec<Option<usize>> = vec![None; pointers.len()];
    let start = skip_ws(b, 0);
    let targets: Targets<'_> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_slice(), i))
        .collect();
    for (t, i) in &targets {
        if t.is_empty() {
            if let Some(o) = offsets.get_mut(*i) {
                *o = Some(start);
            }
        }
    }
    let _ = walk(b, start, 0, &targets, &mut offsets);
    offsets
}

/// The line and column of each offset, counted in one pass in offset order.
fn lines_of(text: &str, offsets: &[Option<usize>]) -> Vec<Option<LineCol>> {
    let b = text.as_bytes();
    let mut order: Vec<(usize, usize)> = offsets
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.map(|o| (o, i)))
        .collect();
    order.sort_unstable();
    let mut out = vec![None; offsets.len()];
    let (mut line, mut line_start, mut at) = (1usize, 0usize, 0usize);
    for (offset, i) in order {
        let offset = offset.min(b.len());
        let segment = b.get(at..offset).unwrap_or_default();
        for k in memchr::memchr_iter(b'\n', segment) {
            line += 1;
            line_start = at + k + 1;
        }
        at = offset;
        let column = text
            .get(line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(LineCol { line, column });
        }
    }
    out
}

/// The byte range (quotes included) of the string at the place `pointer` names in the JSON
/// `text`: the member's name for [`Part::Key`], the member's value or the array element for
/// [`Part::Value`]. `None` when that is not a string, or the text is not JSON along the path.
pub fn string_span(text: &str, pointer: &Pointer, part: Part) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let at = offsets_many(text, std::slice::from_ref(pointer))
        .pop()
        .flatten()?;
    if b.get(at) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, at)?;
    let colon = skip_ws(b, end);
    let member = b.get(colon) == Some(&b':') && !pointer.as_str().is_empty();
    match (part, member) {
        (Part::Key, true) | (Part::Value, false) => Some((at, end)),
        (Part::Key, false) => None,
        (Part::Value, true) => {
            let value = skip_ws(b, colon + 1);
            (b.get(value) == Some(&b'"')).then_some(())?;
            Some((value, string_end(b, value)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"a\", \"b\\\"]\"]},\n    {\n      \"Effect\": \"Deny\",\n      \"Condition\": {\"String/Like\": {}, \"é\": [1, {\"x\": 2}]}\n    }\n  ],\n  \"Version\": 3\n}";

    #[test]
    fn all_pointers_at_once_are_where_each_is_alone() {
        // Columns count characters (`é` is one); the first of two members of a name counts.
        let expected: [(&str, Option<(usize, usize)>); 11] = [
            ("", Some((1, 1))),
            ("/Version", Some((2, 3))),
            ("/Statement", Some((3, 3))),
            ("/Statement/0", Some((4, 5))),
            ("/Statement/0/Action/1", Some((4, 41))),
            ("/Statement/1/Effect", Some((6, 7))),
            ("/Statement/1/Condition/String~1Like", Some((7, 21))),
            ("/Statement/1/Condition/é/1/x", Some((7, 50))),
            ("/Statement/2", None),
            ("/Nope", None),
            ("/Version/0", None),
        ];
        let pointers: Vec<Pointer> = expected
            .iter()
            .map(|(p, _)| Pointer::parse(p).unwrap())
            .collect();
        let many = locate_many(TEXT, &pointers);
        for ((p, want), got) in expected.iter().zip(&many) {
            assert_eq!(got.map(|l| (l.line, l.column)), *want, "{p}");
        }
        for (p, got) in pointers.iter().zip(many) {
            assert_eq!(got, crate::source::locate(TEXT, p), "{p}");
        }
    }

    #[test]
    fn string_spans_of_keys_values_and_elements() {
        let text = "{\"a\": \"x\\\"y\", \"b\": [\"é\", 1], \"c\": 2}";
        let p = |s: &str| Pointer::parse(s).unwrap();
        let span = |ptr: &str, part| string_span(text, &p(ptr), part).map(|(s, e)| &text[s..e]);
        assert_eq!(span("/a", Part::Key), Some("\"a\""));
        assert_eq!(span("/a", Part::Value), Some("\"x\\\"y\""));
        assert_eq!(span("/b/0", Part::Value), Some("\"é\""));
        assert_eq!(span("/b/0", Part::Key), None);
        assert_eq!(span("/b/1", Part::Value), None);
        assert_eq!(span("/c", Part::Value), None);
        assert_eq!(span("/d", Part::Value), None);
    }
}
