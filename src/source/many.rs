//! Line and column for many JSON pointers into one file, in one pass.
//!
//! Locating each pointer by a scan from the start of the text made an account's
//! `iam.json` of a few hundred kilobytes with a trust finding for every tenth role made that
//! a fifth of the audit's time. Here the pointers of one file are resolved together: the
//! walk descends only into members and elements some pointer goes through, skips the rest,
//! and stops once every pointer is found; lines are counted once, in offset order. A skipped
//! container is classified 64 bytes at a time and read only at its quotes, backslashes and
//! brackets; strings are read eight bytes at a time. A caller that still has the file's
//! parsed tree can give the starts of its top-level lists' elements ([`Anchors`]): a pointer
//! through one of them is then walked from there. The result is the same as
//! [`crate::source::locate`]'s one pointer at a time (a test holds them together, and
//! `tests/positions.rs` holds both to places recorded while generated texts were written).

use super::LineCol;
use crate::diagnostic::Part;
use crate::json::Pointer;

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while matches!(b.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// Eight bytes at a time: the text is read in little-endian words, and a word's bytes of
/// interest are found with a few integer operations instead of a test per byte.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes at `pos`, as a word (byte `pos` lowest); `None` near the end.
fn word(b: &[u8], pos: usize) -> Option<u64> {
    b.get(pos..)
        .and_then(<[u8]>::first_chunk::<8>)
        .map(|w| u64::from_le_bytes(*w))
}

/// The high bit of each byte of `x` that equals `c` (exact: no carry crosses bytes).
fn equal_bytes(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * u64::from(c));
    !(((y & !HIGH) + !HIGH) | y) & HIGH
}

/// The index in its word of the first byte a mask marks.
fn first_marked(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The offset after the string that starts at `pos` (its opening quote).
fn string_end(b: &[u8], pos: usize) -> Option<usize> {
    let mut at = pos + 1;
    loop {
        match word(b, at) {
            Some(x) => {
                let mask = equal_bytes(x, b'"') | equal_bytes(x, b'\\');
                if mask == 0 {
                    at += 8;
                    continue;
                }
                at += first_marked(mask);
            }
            None => {
                while !matches!(*b.get(at)?, b'"' | b'\\') {
                    at += 1;
                }
            }
        }
        match b.get(at)? {
            b'"' => return Some(at + 1),
            // An escape: skip the backslash and the character it escapes.
            _ => at += 2,
        }
    }
}

/// The classes of bytes a container is skipped by, as bit numbers: a byte is in one class
/// at most, and its class byte has that bit set.
const QUOTE: u32 = 0;
const ESCAPE: u32 = 1;
const OPEN: u32 = 2;
const CLOSE: u32 = 3;

/// The class byte of one byte (`{` and `[`, `}` and `]` differ only in bit 5).
fn class(c: u8) -> u8 {
    (u8::from(c == b'"') << QUOTE)
        | (u8::from(c == b'\\') << ESCAPE)
        | (u8::from(c & 0xDF == b'[') << OPEN)
        | (u8::from(c & 0xDF == b']') << CLOSE)
}

/// The class byte of each byte of a block: written so that the compiler classifies sixteen
/// bytes per instruction.
fn classes(block: &[u8; 64]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (o, c) in out.iter_mut().zip(block) {
        *o = class(*c);
    }
    out
}

/// Where a container skip is: inside a string or not, how deep, and the offset before which
/// a byte is passed over (the one after a backslash in a string).
struct Skip {
    in_string: bool,
    depth: usize,
    escaped_until: usize,
}

impl Skip {
    /// Reads the byte of class `kind` at `at`; the offset after the container once it is
    /// closed.
    #[inline(always)]
    fn step(&mut self, kind: u32, at: usize) -> Option<usize> {
        if at < self.escaped_until {
            return None;
        }
        match (self.in_string, kind) {
            (true, QUOTE) => self.in_string = false,
            (true, ESCAPE) => self.escaped_until = at + 2,
            (false, QUOTE) => self.in_string = true,
            (false, OPEN) => self.depth += 1,
            (false, CLOSE) => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        None
    }
}

/// The offset after the container that opens at `start`, counting brackets outside strings
/// (the hot path: most of an export is members and elements no pointer goes through). The
/// text is classified 64 bytes at a time, and only its quotes, backslashes and brackets are
/// looked at one by one.
fn skip_container(b: &[u8], start: usize) -> Option<usize> {
    let mut skip = Skip {
        in_string: false,
        depth: 0,
        escaped_until: start,
    };
    let mut pos = start;
    while let Some(block) = b.get(pos..).and_then(<[u8]>::first_chunk::<64>) {
        let codes = classes(block);
        for (k, eight) in codes.chunks_exact(8).enumerate() {
            let mut w = eight
                .first_chunk::<8>()
                .map_or(0, |e| u64::from_le_bytes(*e));
            let base = pos + 8 * k;
            // One bit per marked byte: take them lowest first.
            while w != 0 {
                let bit = w.trailing_zeros();
                w &= w - 1;
                if let Some(end) = skip.step(bit % 8, base + (bit / 8) as usize) {
                    return Some(end);
                }
            }
        }
        pos += 64;
    }
    for (at, c) in b.iter().enumerate().skip(pos) {
        let c = class(*c);
        if c != 0 {
            if let Some(end) = skip.step(c.trailing_zeros(), at) {
                return Some(end);
            }
        }
    }
    None
}

/// Skips one value without recursion: a scalar up to its delimiter, a string to its closing
/// quote, a container to its closing bracket.
fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    let mut pos = skip_ws(b, pos);
    match *b.get(pos)? {
        b'"' => string_end(b, pos),
        b'{' | b'[' => skip_container(b, pos),
        _ => {
            while matches!(b.get(pos), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                pos += 1;
            }
            Some(pos)
        }
    }
}

/// One token of a target pointer: the text, and the array index it names (if a number).
struct Token<'p> {
    text: std::borrow::Cow<'p, str>,
    index: Option<usize>,
}

impl<'p> Token<'p> {
    /// The tokens of `pointer`, unescaped as [`Pointer::tokens`] does (`~1` then `~0`),
    /// borrowed when there is nothing to unescape.
    fn all(pointer: &'p Pointer) -> Vec<Token<'p>> {
        pointer
            .as_str()
            .split('/')
            .skip(1)
            .map(|raw| {
                let text = if raw.contains('~') {
                    std::borrow::Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
                } else {
                    std::borrow::Cow::Borrowed(raw)
                };
                Token {
                    // As `source::locate` reads an index: what `usize` parses.
                    index: text.parse().ok(),
                    text,
                }
            })
            .collect()
    }
}

/// A target: its tokens, and its place in the answer.
type Target<'t> = (&'t [Token<'t>], usize);

/// One walk over a text: the answer so far, and how many places are still to find (when
/// none is, the walk stops: nothing further could change the answer).
struct Walk<'o> {
    b: &'o [u8],
    out: &'o mut [Option<usize>],
    pending: usize,
}

impl Walk<'_> {
    /// Records that target `i` is at `at` unless it was found before; `None` once every
    /// target has been found.
    fn found(&mut self, i: usize, at: usize) -> Option<()> {
        if let Some(slot @ None) = self.out.get_mut(i) {
            *slot = Some(at);
            self.pending -= 1;
        }
        (self.pending > 0).then_some(())
    }

    /// Records the targets of `here` that end at depth `depth + 1` (at `at`); the others
    /// go on below.
    fn arrive<'t>(
        &mut self,
        here: Vec<Target<'t>>,
        depth: usize,
        at: usize,
    ) -> Option<Vec<Target<'t>>> {
        let mut below = Vec::new();
        for (t, i) in here {
            if t.len() == depth + 1 {
                self.found(i, at)?;
            } else {
                below.push((t, i));
            }
        }
        Some(below)
    }

    /// Walks the value at `pos` for `targets` (whose first `depth` tokens lead to it, each
    /// with more tokens); returns the offset after the value. Recursion is bounded by the
    /// longest pointer.
    fn walk(&mut self, pos: usize, depth: usize, targets: &[Target<'_>]) -> Option<usize> {
        let b = self.b;
        if targets.is_empty() {
            return skip_value(b, pos);
        }
        let mut pos = pos;
        match *b.get(pos)? {
            b'{' => {
                pos = skip_ws(b, pos + 1);
                if *b.get(pos)? == b'}' {
                    return Some(pos + 1);
                }
                // Only the first member of a name counts, as `source::locate` reads it: a
                // target is done with once a member of its name has been seen.
                let mut open: Vec<Target<'_>> = targets.to_vec();
                loop {
                    let key_start = pos;
                    if *b.get(pos)? != b'"' {
                        return None;
                    }
                    let end = string_end(b, pos)?;
                    let raw = b.get(pos + 1..end - 1)?;
                    pos = skip_ws(b, end);
                    if *b.get(pos)? != b':' {
                        return None;
                    }
                    pos = skip_ws(b, pos + 1);
                    let mut here = Vec::new();
                    if !open.is_empty() {
                        let unescaped = unescape(b, key_start, end, raw)?;
                        let key = unescaped.as_deref().unwrap_or(raw);
                        open.retain(|target| {
                            let hit = target
                                .0
                                .get(depth)
                                .is_some_and(|k| k.text.as_bytes() == key);
                            if hit {
                                here.push(*target);
                            }
                            !hit
                        });
                    } else {
                        unescape(b, key_start, end, raw)?;
                    }
                    let below = self.arrive(here, depth, key_start)?;
                    pos = skip_ws(b, self.walk(pos, depth + 1, &below)?);
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
                    let here: Vec<Target<'_>> = targets
                        .iter()
                        .filter(|(t, _)| t.get(depth).is_some_and(|k| k.index == Some(index)))
                        .copied()
                        .collect();
                    let below = self.arrive(here, depth, pos)?;
                    pos = skip_ws(b, self.walk(pos, depth + 1, &below)?);
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
}

/// A member's name with escapes, read as JSON reads it (`raw` is its text between the
/// quotes at `start` and `end - 1`): `Some(None)` when it has none (`raw` is the name),
/// `None` when an escape is not JSON.
fn unescape(b: &[u8], start: usize, end: usize, raw: &[u8]) -> Option<Option<Vec<u8>>> {
    if !raw.contains(&b'\\') {
        return Some(None);
    }
    let quoted = std::str::from_utf8(b.get(start..end)?).ok()?;
    let s: String = serde_json::from_str(quoted).ok()?;
    Some(Some(s.into_bytes()))
}

/// Where each pointer points in `text`: the start of the member's key for an object member,
/// the start of the element for an array element; `None` when the text is not JSON along that
/// path or the pointer names nothing.
pub fn locate_many(text: &str, pointers: &[Pointer]) -> Vec<Option<LineCol>> {
    locate_many_from(text, pointers, &Anchors::default())
}

/// [`locate_many`], starting each pointer that goes through an element of `anchors` at that
/// element instead of at the top of the text.
pub fn locate_many_from(
    text: &str,
    pointers: &[Pointer],
    anchors: &Anchors,
) -> Vec<Option<LineCol>> {
    if let Some(found) = super::yaml::locate_many(text, pointers) {
        return found;
    }
    let offsets = offsets_from(text, pointers, anchors);
    lines_of(text, &offsets)
}

/// Where the object elements of a JSON text's top-level lists start (an export's
/// `RoleDetailList`, `Policies`, …), read off its parsed tree. A place inside one of them is
/// then found by walking that element alone, not every element before it: in an account's
/// `iam.json`, that walk had been most of the work of finding the places of the audit's
/// findings.
///
/// An element's start is read from its first member's name, which a tree parsed from the
/// text borrows from it: the name's address, less the text's, is where the name starts.
/// The opening brace is found before it, past its quote and any whitespace, and checked. An
/// element whose first name is not in the text (it had escapes, or the tree was not parsed
/// from this text) or that has no member gets no start: places in it are found from the
/// top.
#[derive(Debug, Default)]
pub struct Anchors {
    /// Each top-level list's name and the start of each of its elements. A name is that of
    /// the first member of its name, as pointers read it, and only when that is a list.
    lists: std::collections::HashMap<String, Vec<Option<usize>>>,
}

impl Anchors {
    /// The starts of the elements of `json`'s top-level lists, `json` parsed from `text`.
    pub fn of(text: &str, json: &crate::json::Json<'_>) -> Anchors {
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut lists = std::collections::HashMap::new();
        for (name, value) in json.as_object().unwrap_or_default() {
            if !seen.insert(name) {
                continue;
            }
            if let crate::json::Json::Array(items) = value {
                let starts = items.iter().map(|item| object_start(text, item)).collect();
                lists.insert(name.to_string(), starts);
            }
        }
        Anchors { lists }
    }

    /// The start of element `index` of the top-level list `name`, when known.
    fn start(&self, name: &str, index: usize) -> Option<usize> {
        self.lists.get(name)?.get(index).copied().flatten()
    }
}

/// Where the object `item` of a tree parsed from `text` starts in it: the brace before its
/// first member's name, when that name is borrowed from `text`.
fn object_start(text: &str, item: &crate::json::Json<'_>) -> Option<usize> {
    let (name, _) = item.as_object()?.first()?;
    let std::borrow::Cow::Borrowed(name) = name else {
        return None;
    };
    // Addresses only: a name held elsewhere (an arena) is outside the text's range.
    let offset = (name.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    if offset + name.len() > text.len() {
        return None;
    }
    let b = text.as_bytes();
    let quote = offset.checked_sub(1)?;
    if b.get(quote) != Some(&b'"') {
        return None;
    }
    let brace = b
        .get(..quote)?
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'))?;
    (b.get(brace) == Some(&b'{')).then_some(brace)
}

/// The byte offsets of [`locate_many`]'s places (in a YAML template, through their lines
/// and columns).
pub fn offsets(text: &str, pointers: &[Pointer]) -> Vec<Option<usize>> {
    match super::yaml::locate_many(text, pointers) {
        Some(found) => found
            .into_iter()
            .map(|lc| lc.and_then(|lc| offset_of(text, lc)))
            .collect(),
        None => offsets_many(text, pointers),
    }
}

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

/// The byte offsets of [`locate_many`]'s places in a JSON `text`.
fn offsets_many(text: &str, pointers: &[Pointer]) -> Vec<Option<usize>> {
    offsets_from(text, pointers, &Anchors::default())
}

/// [`offsets_many`], each pointer through an element of `anchors` walked from the element's
/// start, the others from the top: one walk for each start.
fn offsets_from(text: &str, pointers: &[Pointer], anchors: &Anchors) -> Vec<Option<usize>> {
    let b = text.as_bytes();
    let tokens: Vec<Vec<Token<'_>>> = pointers.iter().map(Token::all).collect();
    let mut offsets: Vec<Option<usize>> = vec![None; pointers.len()];
    let top = skip_ws(b, 0);
    // Where each pointer's walk starts, with the tokens left from there.
    let mut from: Vec<(usize, &[Token<'_>], usize)> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| match t.as_slice() {
            [list, element, rest @ ..] => {
                match element.index.and_then(|k| anchors.start(&list.text, k)) {
                    Some(at) => (at, rest, i),
                    None => (top, t.as_slice(), i),
                }
            }
            all => (top, all, i),
        })
        .collect();
    from.sort_by_key(|(at, _, _)| *at);
    for group in from.chunk_by(|x, y| x.0 == y.0) {
        let Some(&(at, _, _)) = group.first() else {
            continue;
        };
        let mut targets: Vec<Target<'_>> = Vec::with_capacity(group.len());
        for &(_, rest, i) in group {
            if rest.is_empty() {
                if let Some(o) = offsets.get_mut(i) {
                    *o = Some(at);
                }
            } else {
                targets.push((rest, i));
            }
        }
        if !targets.is_empty() {
            let mut walk = Walk {
                b,
                pending: targets.len(),
                out: &mut offsets,
            };
            let _ = walk.walk(at, 0, &targets);
        }
    }
    offsets
}

/// The number of newlines in `s`, counted in blocks of 128 bytes into one-byte counters (a
/// form the compiler makes a vector loop of).
fn count_newlines(s: &[u8]) -> usize {
    let mut blocks = s.chunks_exact(128);
    let mut n = 0usize;
    for block in &mut blocks {
        let mut in_block = 0u8;
        for c in block {
            in_block += u8::from(*c == b'\n');
        }
        n += usize::from(in_block);
    }
    n + blocks.remainder().iter().filter(|c| **c == b'\n').count()
}

/// The line and column of each offset, counted in one pass in offset order.
pub fn lines_of(text: &str, offsets: &[Option<usize>]) -> Vec<Option<LineCol>> {
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
        // A plain count (the compiler makes it a vector loop), then the last newline.
        let newlines = count_newlines(segment);
        if newlines > 0 {
            line += newlines;
            line_start = at + memchr::memrchr(b'\n', segment).map_or(0, |k| k + 1);
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
    fn places_from_the_starts_of_list_elements_are_the_places_from_the_top() {
        // Elements: two objects (the second after a tab and a line end), an empty object, a
        // number, an object whose first name has an escape; a second list of the same name
        // (pointers read the first); a list below the top (no starts).
        let text = "{\"A\": [ {\"x\": 1},\n\t{\"y\": [2, {\"z\": 3}]}, {}, 3, {\"\\u0061\": 4, \"b\": 5} ],\n \"A\": [{\"w\": 6}], \"B\": {\"k\": [ {\"m\": 7} ]}}";
        let arena = crate::json::Json::arena_for(text.len());
        let (in_arena, _) = crate::json::Json::parse_in(text, &arena).unwrap();
        let in_vectors = crate::json::Json::parse(text).unwrap();
        let pointers: Vec<Pointer> = [
            "/A/0/x",
            "/A/1",
            "/A/1/y/1/z",
            "/A/2",
            "/A/3",
            "/A/4/a",
            "/A/4/b",
            "/A/5",
            "/A/0/nope",
            "/B/k/0/m",
            "",
            "/A",
        ]
        .iter()
        .map(|p| Pointer::parse(p).unwrap())
        .collect();
        let want = locate_many(text, &pointers);
        assert_eq!(want.iter().filter(|w| w.is_some()).count(), 10, "{want:?}");
        for json in [&in_arena, &in_vectors] {
            let anchors = Anchors::of(text, json);
            assert_eq!(anchors.start("A", 0), text.find("{\"x\""));
            assert_eq!(anchors.start("A", 1), text.find("{\"y\""));
            assert_eq!(anchors.start("A", 2), None);
            assert_eq!(anchors.start("A", 3), None);
            assert_eq!(anchors.start("A", 4), None);
            assert_eq!(anchors.start("A", 5), None);
            assert_eq!(anchors.start("B", 0), None);
            assert_eq!(locate_many_from(text, &pointers, &anchors), want);
        }
        // The first member of a name is not a list: the later list of that name is not one
        // pointers go through.
        let shadowed = "{\"L\": null, \"L\": [{\"a\": 1}]}";
        let json = crate::json::Json::parse(shadowed).unwrap();
        let anchors = Anchors::of(shadowed, &json);
        assert_eq!(anchors.start("L", 0), None);
        let inside = [Pointer::parse("/L/0/a").unwrap()];
        assert_eq!(locate_many_from(shadowed, &inside, &anchors), vec![None]);
        // A tree of another text gives no starts in this one.
        let other = text.replace("1}", "1 }");
        let (elsewhere, _) = crate::json::Json::parse_in(&other, &arena).unwrap();
        let anchors = Anchors::of(text, &elsewhere);
        assert_eq!(anchors.start("A", 0), None);
        assert_eq!(locate_many_from(text, &pointers, &anchors), want);
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
