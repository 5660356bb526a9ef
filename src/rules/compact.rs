//! The size of a policy document as IAM counts it: without insignificant whitespace, in
//! bytes and in characters, from its text or, for a document that has none of its own (one
//! inside a larger JSON file), as serde_json writes its tree.

use crate::json::Json;

/// The length of a JSON document written without insignificant whitespace, in bytes and in
/// characters (IAM counts policy sizes without whitespace).
pub fn compact_size(text: Option<&str>, json: &Json<'_>) -> (usize, usize) {
    match text {
        Some(t) => compact_text_size(t),
        None => {
            let mut size = (0, 0);
            compact_len(json, &mut size);
            size
        }
    }
}

/// [`compact_size`] of a text: its length without the whitespace outside strings, in one
/// pass that jumps from quote to quote inside strings.
fn compact_text_size(t: &str) -> (usize, usize) {
    let b = t.as_bytes();
    let (mut skipped_bytes, mut skipped_chars) = (0, 0);
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'"' {
            // Inside a string every character counts: find its closing quote (a
            // backslash escapes the character after it, whatever it is).
            i += 1;
            loop {
                match b
                    .get(i..)
                    .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                {
                    Some(k) if b.get(i + k) == Some(&b'\\') => i += k + 2,
                    Some(k) => {
                        i += k + 1;
                        break;
                    }
                    // An unterminated string runs to the end of the text.
                    None => {
                        i = b.len();
                        break;
                    }
                }
            }
        } else if c.is_ascii() {
            if char::from(c).is_whitespace() {
                skipped_bytes += 1;
                skipped_chars += 1;
            }
            i += 1;
        } else {
            let Some(ch) = t.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            if ch.is_whitespace() {
                skipped_bytes += ch.len_utf8();
                skipped_chars += 1;
            }
            i += ch.len_utf8();
        }
    }
    (b.len() - skipped_bytes, t.chars().count() - skipped_chars)
}

/// Adds the length of `json` as [`write_compact`] writes it, in bytes and in characters,
/// to `size`, without writing it.
fn compact_len(json: &Json<'_>, size: &mut (usize, usize)) {
    let mut ascii = |n: usize| {
        size.0 += n;
        size.1 += n;
    };
    match json {
        Json::Null => ascii(4),
        Json::Bool(b) => ascii(if *b { 4 } else { 5 }),
        Json::Number(n) => ascii(n.to_string().len()),
        Json::String(s) => quoted_len(s, size),
        Json::Array(items) => {
            size.0 += 2 + items.len().saturating_sub(1);
            size.1 += 2 + items.len().saturating_sub(1);
            for j in items {
                compact_len(j, size);
            }
        }
        Json::Object(members) => {
            // Braces, commas between members, and a colon in each.
            let n = 2 + members.len().saturating_sub(1) + members.len();
            size.0 += n;
            size.1 += n;
            for (k, v) in members.iter() {
                quoted_len(k, size);
                compact_len(v, size);
            }
        }
    }
}

/// The length of `s` quoted as serde_json writes it (`\"`, `\\`, the short escapes of
/// `\b \f \n \r \t`, `\u00XX` for other control characters), added to `size`.
fn quoted_len(s: &str, size: &mut (usize, usize)) {
    // Most strings need no escape: two quotes and the text.
    if plain_ascii(s.as_bytes()) {
        size.0 += s.len() + 2;
        size.1 += s.len() + 2;
        return;
    }
    let (mut bytes, mut chars) = (2, 2);
    for c in s.chars() {
        let n = match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            c if (c as u32) < 0x20 => 6,
            c => {
                bytes += c.len_utf8();
                chars += 1;
                continue;
            }
        };
        bytes += n;
        chars += n;
    }
    size.0 += bytes;
    size.1 += chars;
}

/// Whether every byte is printable ASCII other than `"` and `\\` (serde_json writes such a
/// string as it is). Eight bytes at a time: a word has a byte below `n` (at most 0x80), or
/// equal to `c`, exactly when the word tests below are not zero.
fn plain_ascii(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let equal = |x: u64, c: u8| below(x ^ (ONES * u64::from(c)), 1);
    let plain = |x: u64| (x & HIGH) | below(x, 0x20) | equal(x, b'"') | equal(x, b'\\') == 0;
    let mut words = b.chunks_exact(8);
    for w in words.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(w);
        if !plain(u64::from_ne_bytes(word)) {
            return false;
        }
    }
    // The last bytes: the last eight, overlapping the words already tested (a copy of a
    // length not known in advance would call `memcpy`), or, in a shorter string, one word
    // filled up with a plain byte.
    let rest = words.remainder();
    let mut word = [b' '; 8];
    match b.len().checked_sub(8) {
        _ if rest.is_empty() => return true,
        Some(from) => word.copy_from_slice(&b[from..]),
        None => word[..rest.len()].copy_from_slice(rest),
    }
    plain(u64::from_ne_bytes(word))
}

/// Writes `json` without insignificant whitespace, strings quoted as serde_json quotes them.
pub fn write_compact(json: &Json<'_>, out: &mut String) {
    let quote = |s: &str, out: &mut String| match serde_json::to_string(s) {
        Ok(q) => out.push_str(&q),
        Err(_) => out.push_str(s),
    };
    match json {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => quote(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, j) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(j, out);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                write_compact(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_sizes_ignore_whitespace() {
        let text = "{ \"a\" : [ 1, \"x y\" ] }";
        let j = Json::parse(text).unwrap();
        assert_eq!(compact_size(Some(text), &j), (15, 15));
        assert_eq!(compact_size(None, &j), (15, 15));
    }

    /// The definition [`compact_text_size`] follows, one character at a time.
    fn compact_chars(t: &str) -> (usize, usize) {
        let (mut bytes, mut chars) = (0, 0);
        let (mut in_string, mut escaped) = (false, false);
        for c in t.chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
            } else if c.is_whitespace() {
                continue;
            } else if c == '"' {
                in_string = true;
            }
            bytes += c.len_utf8();
            chars += 1;
        }
        (bytes, chars)
    }

    #[test]
    fn compact_text_sizes_agree_with_the_character_walk() {
        let texts = [
            "",
            "{ \"a\" : [ 1, \"x y\" ] }",
            "{\"k\u{e9}\": \"\\\"é \\\\\", \"b\":\t\r\n\u{b}\u{c} 2}",
            "\u{a0}{\u{3000}\"é\u{a0}\" :\u{85}\"x\"}\u{2028}",
            "{\"unterminated: é  \\",
            "{\"ends with a backslash\\",
            "\"\\é\" \"\\\\\" \"a\\\"b\"",
        ];
        for t in texts {
            assert_eq!(compact_text_size(t), compact_chars(t), "{t:?}");
        }
    }

    proptest::proptest! {
        /// The word-at-a-time test says what a byte-at-a-time one says: plain text with up
        /// to two bytes set, at any position of a word, to a byte at the edge of a class.
        #[test]
        fn plain_ascii_is_the_bytewise_test(
            len in 0usize..40,
            set in proptest::collection::vec((
                0usize..40,
                proptest::sample::select(vec![
                    0u8, 0x1f, 0x20, 0x21, b'"', b'#', b'[', b'\\', b']', 0x7e, 0x7f, 0x80,
                    0xc3, 0xff,
                ]),
            ), 0..3),
        ) {
            let mut b = vec![b'a'; len];
            for (at, byte) in set {
                if let Some(slot) = b.get_mut(at) {
                    *slot = byte;
                }
            }
            let bytewise = b.iter().all(|&c| (0x20..0x80).contains(&c) && c != b'"' && c != b'\\');
            proptest::prop_assert_eq!(plain_ascii(&b), bytewise, "{:?}", b);
        }
    }

    /// Every short length (where the last bytes are read in overlapping pieces), every
    /// position, every byte at the edge of a class.
    #[test]
    fn plain_ascii_tests_each_byte_of_a_short_string() {
        let edges = [0u8, 0x1f, 0x20, b'"', b'\\', 0x7e, 0x7f, 0x80, 0xff];
        for len in 0..=17 {
            for at in 0..len {
                for byte in edges {
                    let mut b = vec![b'a'; len];
                    b[at] = byte;
                    let plain = (0x20..0x80).contains(&byte) && byte != b'"' && byte != b'\\';
                    assert_eq!(plain_ascii(&b), plain, "{b:?}");
                }
            }
        }
    }

    #[test]
    fn compact_sizes_count_what_serde_json_writes() {
        let text = r#"{"k\u0001\"": [null, true, false, -1.5e3, {}, [], "é\n\t\\ \u007f \u001f ✓"], "": {"x": 0}}"#;
        let j = Json::parse(text).unwrap();
        let mut s = String::new();
        write_compact(&j, &mut s);
        assert_eq!(compact_size(None, &j), (s.len(), s.chars().count()));
        assert!(s.len() > s.chars().count());
    }
}
