//! Line and column for lint locations, including inside a policy that an export carries as a
//! JSON string: the pointer is found in the decoded policy text, and the offset is mapped
//! back through the string's escape sequences to the file. (For a URL-encoded string the
//! location is the start of the string.)

use super::{line_col, locate, LineCol};
use crate::json::Pointer;

/// The byte offset of a line and column (1-based, column in characters) in `text`.
fn offset_of(text: &str, at: LineCol) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..at.line {
        line_start += text.get(line_start..)?.find('\n')? + 1;
    }
    let rest = text.get(line_start..)?;
    let col = rest
        .char_indices()
        .nth(at.column - 1)
        .map_or(rest.len(), |(i, _)| i);
    Some(line_start + col)
}

/// Where the value at `pointer` starts (for an object member, after its key and colon).
fn value_offset(text: &str, pointer: &Pointer) -> Option<usize> {
    let start = offset_of(text, locate(text, pointer)?)?;
    let b = text.as_bytes();
    if pointer.as_str().is_empty() || b.get(start) != Some(&b'"') {
        return Some(start);
    }
    let end = string_end(b, start)?;
    let mut pos = end;
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    if b.get(pos) != Some(&b':') {
        return Some(start);
    }
    pos += 1;
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    Some(pos)
}

/// The offset just after the string literal that starts at `pos`.
fn string_end(b: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match *b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// For the JSON string literal starting at `pos` in `text`, the file offset of every byte of
/// its decoded value (plus one past the end).
fn decoded_offsets(text: &str, pos: usize) -> Option<Vec<usize>> {
    let b = text.as_bytes();
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    let mut map = Vec::new();
    let mut i = pos + 1;
    loop {
        match *b.get(i)? {
            b'"' => {
                map.push(i);
                return Some(map);
            }
            b'\\' => {
                let esc = *b.get(i + 1)?;
                if esc == b'u' {
                    let hex = text.get(i + 2..i + 6)?;
                    let unit = u32::from_str_radix(hex, 16).ok()?;
                    let (len, raw) = if (0xD800..0xDC00).contains(&unit) {
                        (4, 12) // a surrogate pair: one 4-byte character, two escapes
                    } else {
                        (char::from_u32(unit).map_or(3, char::len_utf8), 6)
                    };
                    map.extend(std::iter::repeat_n(i, len));
                    i += raw;
                } else {
                    map.push(i);
                    i += 2;
                }
            }
            c => {
                let len = match c {
                    0x00..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                for k in 0..len {
                    map.push(i + k);
                }
                i += len;
            }
        }
    }
}

/// The line and column of a location in a file's `text`. With `embedded`, `pointer` names
/// a string holding `inner` (the decoded policy text) and `embedded` points into it;
/// `url_encoded` says the string was URL-encoded, so only its start can be given.
pub fn resolve(
    text: &str,
    pointer: &Pointer,
    embedded: Option<(&Pointer, &str, bool)>,
) -> Option<LineCol> {
    let Some((inner_ptr, inner, url_encoded)) = embedded else {
        return locate(text, pointer);
    };
    let start = value_offset(text, pointer)?;
    let fallback = Some(line_col(text, start));
    if url_encoded {
        return fallback;
    }
    let Some(inner_at) = locate(inner, inner_ptr).and_then(|lc| offset_of(inner, lc)) else {
        return fallback;
    };
    match decoded_offsets(text, start) {
        Some(map) => map.get(inner_at).map(|o| line_col(text, *o)).or(fallback),
        None => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_through_escapes() {
        let inner = "{\"Statement\": [{\"Sid\": \"é\", \"Effect\": \"Allow\"}]}";
        let file = format!(
            "{{\n  \"Policy\": {}\n}}",
            serde_json::to_string(inner).unwrap()
        );
        let ptr = Pointer::root().key("Policy");
        let inner_ptr = Pointer::root().key("Statement").index(0).key("Effect");
        let at = resolve(&file, &ptr, Some((&inner_ptr, inner, false))).unwrap();
        // `  "Policy": "{\"Statement\": [{\"Sid\": \"é\", \"` is 46 characters.
        let line = file.lines().nth(1).unwrap();
        let col = line.find("\\\"Effect").unwrap();
        assert_eq!(
            at,
            LineCol {
                line: 2,
                column: line[..col].chars().count() + 1
            }
        );
        let at = resolve(&file, &ptr, Some((&inner_ptr, inner, true))).unwrap();
        assert_eq!(
            at,
            LineCol {
                line: 2,
                column: 13
            }
        );
    }

    #[test]
    fn unicode_escapes_count_as_their_bytes() {
        let file = r#"{"P": "\u00e9x"}"#;
        let map = decoded_offsets(file, 6).unwrap();
        assert_eq!(map, vec![7, 7, 13, 14]);
    }
}
