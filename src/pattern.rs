//! IAM wildcard patterns, compiled once and matched many times.
//!
//! # Syntax
//!
//! * `*` matches any run of characters, including none. It crosses `/` and `:`; callers that
//!   must keep it inside one ARN segment split the ARN first (see [`crate::arn`]).
//! * `?` matches exactly one character (one Unicode scalar value, not one byte).
//! * Every other character matches itself. There are no character classes and no escapes:
//!   `[`, `]`, `{` and `\` are ordinary characters. Policy variables (`${...}`) are resolved
//!   before a pattern is built (see [`crate::policy`]); a resolved value is literal text.
//! * Case: [`Glob::new`] takes a [`Case`]. Actions are matched case-insensitively; resource
//!   ids, `StringLike` and `ArnLike` values case-sensitively.
//!
//! # Cost
//!
//! A pattern is split at its stars into pieces. The first piece is anchored at the start, the
//! last at the end, and every middle piece is found at its leftmost place after the previous
//! one. Leftmost placement is always safe for `*`-separated pieces, so nothing is ever
//! retried: a pattern without `?` matches in time linear in the input (each piece is found
//! with `memchr::memmem`), whatever the pattern, including adversarial ones like `*a*a*a*…b`.
//! A piece that contains `?` is searched naively, costing at most its length per position.

use memchr::memmem;

/// Whether `s` has an IAM wildcard (`*` or `?`).
pub fn has_wildcard(s: &str) -> bool {
    memchr::memchr2(b'*', b'?', s.as_bytes()).is_some()
}

/// Whether letters must match in case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `A` matches only `A`.
    Sensitive,
    /// `A` matches `a` (Unicode simple lowercase folding).
    Insensitive,
}

/// One unit of a pattern, for building a [`Glob`] from parts (see [`Glob::from_tokens`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// Literal text; `*` and `?` in it are ordinary characters.
    Lit(&'a str),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters.
    Any,
}

/// A run of the pattern between two stars; `None` stands for `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    units: Box<[Option<char>]>,
    /// The piece as bytes, when it is ASCII and has no `?` (searched with memmem).
    bytes: Option<Box<[u8]>>,
}

impl Piece {
    fn new(units: &[Option<char>]) -> Piece {
        let bytes = units
            .iter()
            .map(|u| u.filter(char::is_ascii).map(|c| c as u8))
            .collect::<Option<Box<[u8]>>>();
        Piece {
            units: units.into(),
            bytes,
        }
    }

    fn is_ascii(&self) -> bool {
        self.units.iter().all(|u| u.is_none_or(|c| c.is_ascii()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// `*`
    All,
    /// No wildcard: plain comparison (folded for case-insensitive patterns).
    Exact(Box<str>),
    /// Text then one trailing `*`: a prefix test.
    Prefix(Box<str>),
    /// Any other pattern: the pieces between stars (one piece: only `?` wildcards).
    General(Box<[Piece]>),
}

/// A compiled IAM wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    shape: Shape,
    case: Case,
}

impl Glob {
    /// Compiles `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str, case: Case) -> Glob {
        let fold = |s: &str| -> Box<str> {
            match case {
                Case::Insensitive if s.is_ascii() => {
                    let mut s = Box::<str>::from(s);
                    s.make_ascii_lowercase();
                    s
                }
                Case::Insensitive if s.chars().any(char::is_uppercase) => s.to_lowercase().into(),
                _ => s.into(),
            }
        };
        let shape = match memchr::memchr2(b'*', b'?', pattern.as_bytes()) {
            None => Shape::Exact(fold(pattern)),
            Some(_) if pattern.bytes().all(|b| b == b'*') => Shape::All,
            Some(i) if i + 1 == pattern.len() && pattern.ends_with('*') => {
                Shape::Prefix(fold(&pattern[..i]))
            }
            Some(_) => {
                let mut tokens = Vec::new();
                push_wild_tokens(pattern, &mut tokens);
                return Glob::from_tokens(&tokens, case);
            }
        };
        Glob { shape, case }
    }

    /// A pattern that matches `text` exactly.
    pub fn literal(text: &str, case: Case) -> Glob {
        Glob::from_tokens(&[Token::Lit(text)], case)
    }

    /// Compiles a pattern given as tokens.
    pub fn from_tokens(tokens: &[Token<'_>], case: Case) -> Glob {
        let fold = |s: &str| -> String {
            match case {
                Case::Sensitive => s.to_owned(),
                Case::Insensitive => s.to_lowercase(),
            }
        };
        let lits = |ts: &[Token<'_>]| -> String {
            let mut s = String::new();
            for t in ts {
                if let Token::Lit(l) = t {
                    s.push_str(l);
                }
            }
            fold(&s)
        };
        let wild = tokens
            .iter()
            .filter(|t| !matches!(t, Token::Lit(_)))
            .count();
        let shape = if wild == 0 {
            Shape::Exact(lits(tokens).into())
        } else if tokens.iter().all(|t| *t == Token::Any) {
            Shape::All
        } else if wild == 1 && tokens.last() == Some(&Token::Any) {
            Shape::Prefix(lits(tokens).into())
        } else {
            // Every unit in one buffer, with where each star ends a piece; each piece is
            // then allocated once, at its size.
            let mut units: Vec<Option<char>> = Vec::with_capacity(
                tokens
                    .iter()
                    .map(|t| match t {
                        Token::Lit(s) => s.len(),
                        _ => 1,
                    })
                    .sum(),
            );
            let mut ends = Vec::with_capacity(wild + 1);
            for t in tokens {
                match (t, case) {
                    (Token::Lit(s), Case::Sensitive) => units.extend(s.chars().map(Some)),
                    (Token::Lit(s), Case::Insensitive) => units.extend(fold(s).chars().map(Some)),
                    (Token::One, _) => units.push(None),
                    (Token::Any, _) => ends.push(units.len()),
                }
            }
            ends.push(units.len());
            let mut start = 0;
            let pieces = ends
                .into_iter()
                .map(|end| {
                    let piece = Piece::new(units.get(start..end).unwrap_or_default());
                    start = end;
                    piece
                })
                .collect();
            Shape::General(pieces)
        };
        Glob { shape, case }
    }

    /// The pattern as text (folded to lowercase when case-insensitive).
    pub fn pattern(&self) -> String {
        match &self.shape {
            Shape::All => "*".to_owned(),
            Shape::Exact(s) => s.to_string(),
            Shape::Prefix(p) => format!("{p}*"),
            Shape::General(pieces) => {
                let mut out = String::new();
                for (i, p) in pieces.iter().enumerate() {
                    if i > 0 {
                        out.push('*');
                    }
                    out.extend(p.units.iter().map(|u| u.unwrap_or('?')));
                }
                out
            }
        }
    }

    /// True for the pattern `*` (or `**`…), which matches everything.
    pub fn matches_everything(&self) -> bool {
        self.shape == Shape::All
    }

    /// True when the pattern has no wildcard.
    pub fn is_literal(&self) -> bool {
        matches!(self.shape, Shape::Exact(_))
    }

    /// Does `input` match the whole pattern?
    ///
    /// For a case-insensitive pattern, an input that is already lowercase is matched without
    /// allocating; callers on hot paths lowercase their input once.
    pub fn is_match(&self, input: &str) -> bool {
        if self.case == Case::Insensitive && input.chars().any(char::is_uppercase) {
            return self.is_match_folded(&input.to_lowercase());
        }
        self.is_match_folded(input)
    }

    /// Like [`Glob::is_match`] for an input the caller has already lowercased (for a
    /// case-insensitive pattern); skips the case scan on hot paths.
    pub fn is_match_lowercase(&self, input: &str) -> bool {
        self.is_match_folded(input)
    }

    fn is_match_folded(&self, input: &str) -> bool {
        match &self.shape {
            Shape::All => true,
            Shape::Exact(s) => **s == *input,
            Shape::Prefix(p) => input.starts_with(&**p),
            Shape::General(pieces) => {
                if input.is_ascii() && pieces.iter().all(Piece::is_ascii) {
                    match_pieces(input.as_bytes(), pieces)
                } else {
                    let chars: Vec<char> = input.chars().collect();
                    match_pieces(&chars, pieces)
                }
            }
        }
    }
}

/// An input unit: a byte of ASCII input or a char of any input.
trait Unit: Copy + Eq {
    fn code(self) -> u32;
    /// Leftmost place of `piece` in `hay`.
    fn find(hay: &[Self], piece: &Piece) -> Option<usize>;
}

impl Unit for u8 {
    fn code(self) -> u32 {
        u32::from(self)
    }
    fn find(hay: &[u8], piece: &Piece) -> Option<usize> {
        match &piece.bytes {
            Some(b) => memmem::find(hay, b),
            None => naive_find(hay, &piece.units),
        }
    }
}

impl Unit for char {
    fn code(self) -> u32 {
        u32::from(self)
    }
    fn find(hay: &[char], piece: &Piece) -> Option<usize> {
        naive_find(hay, &piece.units)
    }
}

fn piece_at<T: Unit>(hay: &[T], at: usize, piece: &[Option<char>]) -> bool {
    match hay.get(at..at + piece.len()) {
        Some(window) => window
            .iter()
            .zip(piece)
            .all(|(h, p)| p.is_none_or(|p| u32::from(p) == h.code())),
        None => false,
    }
}

fn naive_find<T: Unit>(hay: &[T], piece: &[Option<char>]) -> Option<usize> {
    if piece.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - piece.len()).find(|&at| piece_at(hay, at, piece))
}

fn match_pieces<T: Unit>(input: &[T], pieces: &[Piece]) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return input.is_empty();
    };
    let fv = &first.units;
    // Only `?` wildcards: one piece that must cover the whole input.
    let Some((last, middle)) = rest.split_last() else {
        return fv.len() == input.len() && piece_at(input, 0, fv);
    };
    // INVARIANT: with at least one star there are at least two pieces; the first is anchored
    // at the start and the last at the end (an empty piece anchors trivially).
    let lv = &last.units;
    if fv.len() + lv.len() > input.len() {
        return false;
    }
    let end = input.len() - lv.len();
    if !piece_at(input, 0, fv) || !piece_at(input, end, lv) {
        return false;
    }
    let mut pos = fv.len();
    for p in middle {
        let Some(window) = input.get(pos..end) else {
            return false;
        };
        match T::find(window, p) {
            Some(at) => pos += at + p.units.len(),
            None => return false,
        }
    }
    true
}

/// Splits written text into wildcard tokens.
pub fn push_wild_tokens<'a>(text: &'a str, out: &mut Vec<Token<'a>>) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '*' || c == '?' {
            if start < i {
                out.push(Token::Lit(&text[start..i]));
            }
            out.push(if c == '*' { Token::Any } else { Token::One });
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Token::Lit(&text[start..]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Glob::new(p, Case::Sensitive).is_match(s)
    }

    #[test]
    fn literals_and_stars() {
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abcd"));
        assert!(m("*", ""));
        assert!(m("*", "anything/at:all"));
        assert!(m("a*", "a"));
        assert!(m("a*c", "abbbc"));
        assert!(!m("a*c", "abbb"));
        assert!(m("*c", "abc"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(!m("a*b*c", "aXcYb"));
        assert!(m("bucket/*/test/*", "bucket/1/2/test/3/x"));
        assert!(m("bucket/*/test/*", "bucket//test/x"));
    }

    #[test]
    fn question_marks() {
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(!m("a?c", "abbc"));
        assert!(m("??", "é!"));
        assert!(m("*?", "x"));
        assert!(!m("*?", ""));
        assert!(m("a*?b", "axxb"));
        assert!(!m("a*?b", "ab"));
    }

    #[test]
    fn anchored_pieces_do_not_overlap() {
        assert!(!m("ab*ba", "aba"));
        assert!(m("ab*ba", "abba"));
        assert!(!m("aa*aa", "aaa"));
    }

    #[test]
    fn case_folding() {
        let g = Glob::new("s3:Get*", Case::Insensitive);
        assert!(g.is_match("S3:GETOBJECT"));
        assert!(g.is_match("s3:getobject"));
        assert!(!Glob::new("Bucket/*", Case::Sensitive).is_match("bucket/x"));
    }

    #[test]
    fn special_characters_are_literal() {
        assert!(m("a[b]{c}\\", "a[b]{c}\\"));
        assert!(!m("a[bc]", "ab"));
    }

    #[test]
    fn fast_paths_agree_with_the_general_matcher() {
        for (p, s) in [
            ("abc*", "abcdef"),
            ("abc*", "ab"),
            ("ABC*", "abcd"),
            ("*", ""),
            ("x", "x"),
            ("x", "X"),
        ] {
            let fast = Glob::new(p, Case::Insensitive);
            let mut toks = Vec::new();
            push_wild_tokens(p, &mut toks);
            toks.push(Token::Lit(""));
            let general = Glob::from_tokens(&toks, Case::Insensitive);
            assert_eq!(fast.is_match(s), general.is_match(s), "{p} vs {s}");
        }
        assert_eq!(Glob::new("a*b?c", Case::Sensitive).pattern(), "a*b?c");
    }

    #[test]
    fn tokens_keep_star_in_literal_text() {
        let g = Glob::from_tokens(&[Token::Lit("a*b"), Token::Any], Case::Sensitive);
        assert!(g.is_match("a*bxyz"));
        assert!(!g.is_match("aXbxyz"));
    }

    #[test]
    fn adversarial_pattern_is_fast() {
        // `*a*a*…*a*b` against a long run of `a`: exponential for a backtracking matcher.
        let pattern = format!("{}b", "*a".repeat(200));
        let input = "a".repeat(100_000);
        let g = Glob::new(&pattern, Case::Sensitive);
        assert!(!g.is_match(&input));
        assert!(g.is_match(&format!("{input}b")));
    }

    /// Whether `text` matches `pattern`, by the textbook table over both (a unit is `None`
    /// for `*`, `Some(None)` for `?`, a character otherwise).
    fn reference(pattern: &str, case: Case, text: &str) -> bool {
        let mut units: Vec<Option<Option<char>>> = Vec::new();
        let mut tokens = Vec::new();
        push_wild_tokens(pattern, &mut tokens);
        for t in tokens {
            match (t, case) {
                (Token::Lit(l), Case::Sensitive) => units.extend(l.chars().map(|c| Some(Some(c)))),
                (Token::Lit(l), Case::Insensitive) => {
                    units.extend(l.to_lowercase().chars().map(|c| Some(Some(c))));
                }
                (Token::One, _) => units.push(Some(None)),
                (Token::Any, _) => units.push(None),
            }
        }
        let text: Vec<char> = match case {
            Case::Sensitive => text.chars().collect(),
            Case::Insensitive => text.to_lowercase().chars().collect(),
        };
        // ok[j]: the units so far match the first j characters.
        let mut ok = vec![false; text.len() + 1];
        ok[0] = true;
        for u in &units {
            let mut next = vec![false; text.len() + 1];
            for j in 0..=text.len() {
                next[j] = match u {
                    None => ok[j] || (j > 0 && next[j - 1]),
                    Some(one) => j > 0 && ok[j - 1] && one.is_none_or(|c| text[j - 1] == c),
                };
            }
            ok = next;
        }
        ok[text.len()]
    }

    proptest::proptest! {
        /// Every pattern matches what the table over pattern and text says, in both case
        /// modes, ASCII or not (`Σ` lowercases by its place in a word).
        #[test]
        fn globs_match_as_the_table_says(
            pattern in "[aAbéÉΣσß*?]{0,8}",
            text in "[aAbéÉΣσßs]{0,9}",
        ) {
            for case in [Case::Sensitive, Case::Insensitive] {
                proptest::prop_assert_eq!(
                    Glob::new(&pattern, case).is_match(&text),
                    reference(&pattern, case, &text),
                    "{:?}", case
                );
            }
        }
    }
}
