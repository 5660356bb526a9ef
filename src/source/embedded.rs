//! Line and column for lint locations, including inside a policy that an export carries as a
//! JSON string: the pointer is found in the decoded policy text, and the offset is mapped
//! back through the string's escape sequences to the file. (For a URL-encoded string the
//! location is the start of the string.)

use super::{line_col, locate, many, LineCol};
use crate::json::Pointer;

/// Where the value at `pointer` starts (for an object member, after its key and colon),
/// given `start`, where [`many::offsets`] puts the pointer.
fn value_offset(text: &str, pointer: &Pointer, start: usize) -> Option<usize> {
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

/// For the JSON string literal starting at `pos` in `text`, the file offset of byte `at` of
/// its decoded value (one past the last byte: the closing quote), read through the escapes
/// up to it and no further.
fn decoded_offset(text: &str, pos: usize, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    // `decoded`: bytes of the value before the one at `i`.
    let mut decoded = 0usize;
    let mut i = pos + 1;
    loop {
        let (len, raw) = match *b.get(i)? {
            b'"' => return (decoded == at).then_some(i),
            b'\\' => match *b.get(i + 1)? {
                b'u' => {
                    let hex = text.get(i + 2..i + 6)?;
                    let unit = u32::from_str_radix(hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&unit) {
                        (4, 12) // a surrogate pair: one 4-byte character, two escapes
                    } else {
                        (char::from_u32(unit).map_or(3, char::len_utf8), 6)
                    }
                }
                _ => (1, 2),
            },
            // A character as it is: each of its bytes is at its own place.
            c => {
                let len = match c {
                    0x00..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                if at < decoded + len {
                    return Some(i + (at - decoded));
                }
                decoded += len;
                i += len;
                continue;
            }
        };
        // An escape: every byte of what it decodes to is at the backslash.
        if at < decoded + len {
            return Some(i);
        }
        decoded += len;
        i += raw;
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
    let at = many::offsets(text, std::slice::from_ref(pointer))
        .pop()
        .flatten()?;
    offset_inside(text, pointer, at, inner_ptr, inner, url_encoded).map(|o| line_col(text, o))
}

/// [`resolve`]'s place as a byte offset of `text`, given `at`, where [`many::offsets`] puts
/// `pointer`: the place inside the string, or the string's start when it cannot be told.
pub(super) fn offset_inside(
    text: &str,
    pointer: &Pointer,
    at: usize,
    inner_ptr: &Pointer,
    inner: &str,
    url_encoded: bool,
) -> Option<usize> {
    let start = value_offset(text, pointer, at)?;
    if url_encoded {
        return Some(start);
    }
    let inner_at = many::offsets(inner, std::slice::from_ref(inner_ptr))
        .pop()
        .flatten();
    Some(
        inner_at
            .and_then(|i| decoded_offset(text, start, i))
            .unwrap_or(start),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `s` as a JSON string literal that escapes every character outside printable ASCII
    /// as `\\uXXXX` (astral characters as a surrogate pair), as some writers do.
    fn ascii_literal(s: &str) -> String {
        let mut out = String::from("\"");
        for ch in s.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                ' '..='~' => out.push(ch),
                _ => {
                    let mut units = [0u16; 2];
                    for u in ch.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
        }
        out.push('"');
        out
    }

    proptest::proptest! {
        #[test]
        fn every_character_is_where_the_literal_writes_it(
            s in "[a-z \"\\\\\n\t\u{1}é€😀/]{0,24}"
        ) {
            let plain = serde_json::to_string(&s).unwrap();
            for lit in [plain, ascii_literal(&s)] {
                let text = format!("{{\"P\": {lit}}}");
                let pos = 6;
                let mut last = pos;
                for (at, ch) in s.char_indices() {
                    let o = decoded_offset(&text, pos, at).unwrap();
                    proptest::prop_assert!(o > last, "{lit} {at}");
                    let raw = &text[o..];
                    proptest::prop_assert!(raw.starts_with(ch) || raw.starts_with('\\'), "{lit} {at}");
                    last = o;
                }
                // One past the value is the closing quote; further is nothing.
                proptest::prop_assert_eq!(decoded_offset(&text, pos, s.len()), Some(pos + lit.len() - 1));
                proptest::prop_assert_eq!(decoded_offset(&text, pos, s.len() + 1), None);
            }
        }
    }

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
        let map: Vec<Option<usize>> = (0..5).map(|at| decoded_offset(file, 6, at)).collect();
        assert_eq!(map, vec![Some(7), Some(7), Some(13), Some(14), None]);
    }
}
