//! A borrowed JSON tree and JSON pointers: the first stage of loading.
//!
//! `serde_json::Value` keeps the last of two duplicate keys and copies every string. Policy
//! files need both facts: AWS rejects a statement with two `Effect` keys, and the case files
//! that `simulate --cases` reads are large. [`Json`] keeps object members in document order,
//! duplicates included, and borrows every string that has no escape sequence. Inputs are
//! parsed into an arena ([`Json::parse_in`]): a tree's containers and escaped strings are
//! allocated together and freed at once, and the parse bounds the size of the policies in
//! the text; trees built in code keep their containers in vectors ([`Seq`]).
//!
//! [`Pointer`] is an RFC 6901 JSON pointer that parse errors carry; the renderers turn it
//! into a line and column with [`crate::source`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// One JSON value, borrowing from the text it was parsed from where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// Any number, kept as the number it was parsed to.
    Number(serde_json::Number),
    /// A string.
    String(Cow<'a, str>),
    /// An array: its elements in an arena when parsed into one ([`Json::parse_in`]).
    Array(Seq<'a, Json<'a>>),
    /// An object: members in document order, duplicate keys kept (in an arena when parsed
    /// into one).
    Object(Seq<'a, (Cow<'a, str>, Json<'a>)>),
}

/// The elements of an array or the members of an object: in a vector of their own, or in
/// an arena the tree borrows ([`Json::parse_in`]). A `Cow<'a, [T]>` would do the same but
/// fix `'a` (its owned form is named through a trait), and trees are read at shorter
/// lifetimes than they were parsed with.
#[derive(Debug)]
pub enum Seq<'a, T> {
    /// In an arena.
    Borrowed(&'a [T]),
    /// In a vector of their own.
    Owned(Vec<T>),
}

impl<T> std::ops::Deref for Seq<'_, T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Seq::Borrowed(s) => s,
            Seq::Owned(v) => v,
        }
    }
}

impl<T: Clone> Seq<'_, T> {
    /// The items, to change: copied out of the arena first if they are in one.
    pub fn make_mut(&mut self) -> &mut [T] {
        if let Seq::Borrowed(s) = *self {
            *self = Seq::Owned(s.to_vec());
        }
        match self {
            Seq::Owned(v) => v,
            // Not reached: the items were just copied into a vector.
            Seq::Borrowed(_) => &mut [],
        }
    }

    /// The items as a vector of their own.
    pub fn into_owned(self) -> Vec<T> {
        match self {
            Seq::Borrowed(s) => s.to_vec(),
            Seq::Owned(v) => v,
        }
    }
}

impl<T: Clone> Clone for Seq<'_, T> {
    fn clone(&self) -> Self {
        match self {
            Seq::Borrowed(s) => Seq::Borrowed(s),
            Seq::Owned(v) => Seq::Owned(v.clone()),
        }
    }
}

impl<T: PartialEq> PartialEq for Seq<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T> From<Vec<T>> for Seq<'_, T> {
    fn from(v: Vec<T>) -> Self {
        Seq::Owned(v)
    }
}

impl<T> FromIterator<T> for Seq<'_, T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Seq::Owned(iter.into_iter().collect())
    }
}

impl<'s, T> IntoIterator for &'s Seq<'_, T> {
    type Item = &'s T;
    type IntoIter = std::slice::Iter<'s, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> Json<'a> {
    /// Parses `text` into a tree that borrows from it, its containers each in a vector.
    pub fn parse(text: &'a str) -> Result<Json<'a>, serde_json::Error> {
        Json::build(text, None).map(|(json, _)| json)
    }

    /// Parses `text` into a tree held in `arena`: its containers and the strings with escape
    /// sequences are put there, so that the tree costs nothing to drop (the arena goes at
    /// once). With the tree comes an upper bound on the length in bytes of any value of the
    /// tree written without whitespace as serde_json writes it (the size IAM counts,
    /// [`crate::rules::compact`]): a reader that knows it need not measure a policy inside
    /// the text against a larger limit.
    ///
    /// Written so, nothing is longer than in the text but numbers. Whitespace goes;
    /// brackets, commas and colons stay as they are; `null`, `true` and `false` are
    /// unchanged; a string is written as read, or with shorter escapes (a raw string has no
    /// control character, quote or backslash, the only characters serde_json escapes); an
    /// integer is written with the same digits. A number read as a float (`1e5`, `-0`, one
    /// too large for 64 bits) is written in at most 24 bytes, and took at least one: the
    /// bound is the text's length plus 23 bytes for each such number.
    pub fn parse_in(
        text: &'a str,
        arena: &'a bumpalo::Bump,
    ) -> Result<(Json<'a>, usize), serde_json::Error> {
        Json::build(text, Some(arena))
    }

    /// An arena for the tree of a text of `len` bytes ([`Json::parse_in`]): about the
    /// tree's size (a node takes more room than its text), so that one allocation holds most
    /// trees, but at most 64 MiB at first; a larger tree adds room as it grows.
    pub fn arena_for(len: usize) -> bumpalo::Bump {
        const MOST: usize = 64 << 20;
        bumpalo::Bump::with_capacity(len.saturating_mul(3).min(MOST))
    }

    fn build(
        text: &'a str,
        arena: Option<&'a bumpalo::Bump>,
    ) -> Result<(Json<'a>, usize), serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        let mut stack = Stack::new(arena);
        let value = Builder(&mut stack).deserialize(&mut de)?;
        de.end()?;
        let bound = stack.floats.saturating_mul(23).saturating_add(text.len());
        Ok((value, bound))
    }

    /// The JSON type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The first member named `key` (exact case), if this is an object.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value `pointer` names (through the first member of each name), if any.
    pub fn at(&self, pointer: &Pointer) -> Option<&Json<'a>> {
        let mut cur = self;
        for t in pointer.tokens() {
            cur = match cur {
                Json::Object(_) => cur.get(&t)?,
                Json::Array(items) => items.get(t.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Converts to an owned `serde_json::Value` (the last duplicate key wins, as serde does).
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::Value::Number(n.clone()),
            Json::String(s) => serde_json::Value::String(s.to_string()),
            Json::Array(a) => serde_json::Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Converts an owned tree to one with a `'static` lifetime.
    pub fn into_owned(self) -> Json<'static> {
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Number(n) => Json::Number(n),
            Json::String(s) => Json::String(Cow::Owned(s.into_owned())),
            Json::Array(a) => {
                Json::Array(a.into_owned().into_iter().map(Json::into_owned).collect())
            }
            Json::Object(m) => Json::Object(
                m.into_owned()
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Builder(&mut Stack::new(None)).deserialize(deserializer)
    }
}

/// The members and elements of the containers being read, one stack for the whole tree,
/// and the arena the tree goes in, if any.
///
/// JSON does not say how many members an object has, so a container read into its own
/// vector grows it a few times; here its members go on the shared stack and are moved off
/// into a vector (or an arena slice) of exactly their number when it closes.
struct Stack<'de> {
    elements: Vec<Json<'de>>,
    members: Vec<(Cow<'de, str>, Json<'de>)>,
    /// Numbers read as floats so far (for the bound of [`Json::parse_in`]).
    floats: usize,
    /// Where containers and unescaped strings go ([`Json::parse_in`]); `None`: vectors and
    /// strings of their own. Nothing that owns memory elsewhere may go in the arena, which
    /// drops nothing.
    arena: Option<&'de bumpalo::Bump>,
}

impl<'de> Stack<'de> {
    /// A stack with room for the open containers of a usual document (a policy's statement
    /// inside its array, inside the document, inside an export's list), so that it is
    /// allocated once rather than grown a few times per text.
    fn new(arena: Option<&'de bumpalo::Bump>) -> Self {
        Stack {
            elements: Vec::with_capacity(32),
            members: Vec::with_capacity(32),
            floats: 0,
            arena,
        }
    }

    /// A string that could not be borrowed from the text (it had escape sequences).
    fn string(&self, s: &str) -> Cow<'de, str> {
        match self.arena {
            Some(arena) => Cow::Borrowed(arena.alloc_str(s)),
            None => Cow::Owned(s.to_owned()),
        }
    }
}

/// Reads one value, its containers' contents through the [`Stack`].
struct Builder<'s, 'de>(&'s mut Stack<'de>);

impl<'de> DeserializeSeed<'de> for Builder<'_, 'de> {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An object's key: borrowed from the text when serde can hand out a slice of it, else
/// kept as [`Stack::string`] keeps it.
struct Key<'s, 'de>(&'s Stack<'de>);

impl<'de> DeserializeSeed<'de> for Key<'_, 'de> {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, 'de> {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.string(v))
    }
}

impl<'de> Visitor<'de> for Builder<'_, 'de> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.0.floats += 1;
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::String(self.0.string(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let start = self.0.elements.len();
        while let Some(v) = seq.next_element_seed(Builder(&mut *self.0))? {
            self.0.elements.push(v);
        }
        let items = match self.0.arena {
            Some(arena) => {
                Seq::Borrowed(arena.alloc_slice_fill_iter(self.0.elements.drain(start..)))
            }
            None => Seq::Owned(self.0.elements.split_off(start)),
        };
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let start = self.0.members.len();
        while let Some(k) = map.next_key_seed(Key(self.0))? {
            let v = map.next_value_seed(Builder(&mut *self.0))?;
            self.0.members.push((k, v));
        }
        let members = match self.0.arena {
            Some(arena) => {
                Seq::Borrowed(arena.alloc_slice_fill_iter(self.0.members.drain(start..)))
            }
            None => Seq::Owned(self.0.members.split_off(start)),
        };
        Ok(Json::Object(members))
    }
}

/// An RFC 6901 JSON pointer such as `/Statement/2/Condition/StringLike`.
///
/// The empty pointer names the whole document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document.
    pub fn root() -> Pointer {
        Pointer(String::new())
    }

    /// This pointer followed by an object key (escaped as RFC 6901 requires).
    pub fn key(&self, key: &str) -> Pointer {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        Pointer::escape_into(key, &mut s);
        Pointer(s)
    }

    /// This pointer followed by an array index.
    pub fn index(&self, index: usize) -> Pointer {
        let mut s = String::with_capacity(self.0.len() + 4);
        s.push_str(&self.0);
        s.push('/');
        s.push_str(itoa::Buffer::new().format(index));
        Pointer(s)
    }

    /// Appends one reference token to `out`, escaped (`~` → `~0`, `/` → `~1`).
    pub fn escape_into(token: &str, out: &mut String) {
        if memchr::memchr2(b'~', b'/', token.as_bytes()).is_none() {
            out.push_str(token);
            return;
        }
        for c in token.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    }

    /// A pointer from text that is already escaped (built by a parser walking a document).
    pub(crate) fn from_escaped(text: String) -> Pointer {
        Pointer(text)
    }

    /// The pointer text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses pointer text; `None` unless it is empty or starts with `/`.
    pub fn parse(text: &str) -> Option<Pointer> {
        (text.is_empty() || text.starts_with('/')).then(|| Pointer(text.to_owned()))
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

impl serde::Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Pointer {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pointer, D::Error> {
        let text = String::deserialize(d)?;
        Pointer::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a JSON pointer")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_duplicate_keys_in_order() {
        let j = Json::parse(r#"{"Effect":"Allow","Effect":"Deny"}"#).unwrap();
        let m = j.as_object().unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].1.as_str(), Some("Deny"));
    }

    #[test]
    fn borrows_plain_strings_and_owns_escaped_ones() {
        let j = Json::parse(r#"["plain", "esc\"aped"]"#).unwrap();
        let Json::Array(a) = j else { panic!() };
        assert!(matches!(&a[0], Json::String(Cow::Borrowed("plain"))));
        assert!(matches!(&a[1], Json::String(Cow::Owned(s)) if s == "esc\"aped"));
    }

    #[test]
    fn rejects_trailing_garbage() {
        assert!(Json::parse(r#"{"a":1} x"#).is_err());
    }

    /// Text for a tree whose leaves are raw tokens: numbers as written (`1e5`, `-0`), and
    /// strings with some characters escaped (`\u` forms, `\/`) and whitespace between
    /// tokens.
    fn text_of(node: &Raw, ws: &str, out: &mut String) {
        match node {
            Raw::Token(t) => out.push_str(t),
            Raw::Str(s, escape_all) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '/' if *escape_all => out.push_str("\\/"),
                        c if (c as u32) < 0x20 || (*escape_all && !c.is_ascii()) => {
                            let mut units = [0u16; 2];
                            for u in c.encode_utf16(&mut units) {
                                out.push_str(&format!("\\u{u:04x}"));
                            }
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            Raw::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(ws);
                    text_of(item, ws, out);
                }
                out.push_str(ws);
                out.push(']');
            }
            Raw::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(ws);
                    text_of(&Raw::Str(k.clone(), false), ws, out);
                    out.push_str(ws);
                    out.push(':');
                    text_of(v, ws, out);
                }
                out.push('}');
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Raw {
        Token(&'static str),
        Str(String, bool),
        Arr(Vec<Raw>),
        Obj(Vec<(String, Raw)>),
    }

    fn raw() -> impl proptest::strategy::Strategy<Value = Raw> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            prop::sample::select(vec![
                "null",
                "true",
                "false",
                "0",
                "7",
                "-3",
                "1e5",
                "1E5",
                "9e15",
                "1e22",
                "-0",
                "-0.0",
                "0.1",
                "5e-7",
                "1e300",
                "-2.2250738585072014e-308",
                "1.50",
                "18446744073709551615",
                "18446744073709551616",
                "-9223372036854775809",
                "123456789012345678901234567890",
            ])
            .prop_map(Raw::Token),
            ("[a-z\"\\\\/é€😀\n\t\u{1}\u{7f}]{0,12}", any::<bool>())
                .prop_map(|(s, e)| Raw::Str(s, e)),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Raw::Arr),
                prop::collection::vec(("[a-zA-Z\"é]{0,6}", inner), 0..6).prop_map(Raw::Obj),
            ]
        })
    }

    /// Every value of the tree, the root first.
    fn values<'j, 'a>(json: &'j Json<'a>, out: &mut Vec<&'j Json<'a>>) {
        out.push(json);
        match json {
            Json::Array(items) => items.iter().for_each(|j| values(j, out)),
            Json::Object(members) => members.iter().for_each(|(_, j)| values(j, out)),
            _ => {}
        }
    }

    proptest::proptest! {
        /// The bound is never below the written size of any value in the tree, however the
        /// text spells its numbers and strings: were it below, a policy over its size limit
        /// would pass unmeasured.
        #[test]
        fn bounds_the_written_size_of_every_value(
            node in raw(),
            ws in proptest::sample::select(vec!["", " ", "\n    ", "\t"]),
        ) {
            let mut text = String::new();
            text_of(&node, ws, &mut text);
            let arena = bumpalo::Bump::new();
            let (json, bound) = Json::parse_in(&text, &arena).unwrap();
            proptest::prop_assert_eq!(&json, &Json::parse(&text).unwrap());
            let mut all = Vec::new();
            values(&json, &mut all);
            for v in all {
                let (bytes, chars) = crate::rules::compact::compact_size(None, v);
                proptest::prop_assert!(bytes <= bound && chars <= bytes, "{text}: {bytes} > {bound}");
            }
        }
    }

    #[test]
    fn an_arena_is_about_its_tree_but_starts_at_most_64_mib() {
        assert!(Json::arena_for(1_000).chunk_capacity() >= 3_000);
        // A file at the largest size read (512 MiB) does not take 1.5 GiB at once.
        let big = Json::arena_for(512 << 20);
        assert!(big.allocated_bytes() <= (64 << 20) + 4096);
        // A tree larger than the first chunk still fits.
        let text = format!("[{}\"x\"]", "\"a\\n\",".repeat(10_000));
        let arena = bumpalo::Bump::with_capacity(16);
        let (json, _) = Json::parse_in(&text, &arena).unwrap();
        assert_eq!(json, Json::parse(&text).unwrap());
    }

    #[test]
    fn the_bound_counts_what_floats_gain_when_written() {
        // `1e15` is four bytes and written as `1000000000000000.0`, eighteen.
        let arena = bumpalo::Bump::new();
        let (json, bound) = Json::parse_in("[1e15,1e15]", &arena).unwrap();
        let (bytes, _) = crate::rules::compact::compact_size(None, &json);
        assert_eq!(bytes, 39);
        assert!(bytes > "[1e15,1e15]".len());
        assert_eq!(bound, 11 + 2 * 23);
        // Whitespace and escapes only shrink: the bound is the text's length.
        let text = "{ \"a\" : \"\\u00e9\\/\" }";
        let (json, bound) = Json::parse_in(text, &arena).unwrap();
        assert_eq!(bound, text.len());
        assert!(crate::rules::compact::compact_size(None, &json).0 < bound);
    }

    #[test]
    fn pointer_escapes_and_round_trips() {
        let p = Pointer::root().key("Statement").index(2).key("a/b~c");
        assert_eq!(p.as_str(), "/Statement/2/a~1b~0c");
        let toks: Vec<_> = p.tokens().collect();
        assert_eq!(toks, vec!["Statement", "2", "a/b~c"]);
        assert_eq!(Pointer::root().to_string(), "/");
    }
}
