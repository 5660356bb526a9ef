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

/// A run of the pattern between two stars.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    /// `None` stands for `?`.
    chars: Vec<Option<char>>,
    /// The piece as bytes, when it is ASCII and has no `?` (searched with memmem).
    bytes: Option<Vec<u8>>,
    /// The piece as bytes with `?` as `None`, when it is ASCII.
    ascii: Option<Vec<Option<u8>>>,
}

impl Piece {
    fn new(chars: Vec<Option<char>>) -> Piece {
        let is_ascii = chars.iter().all(|c| c.is_none_or(|c| c.is_ascii()));
        let ascii: Option<Vec<Option<u8>>> =
            is_ascii.then(|| chars.iter().map(|c| c.map(|c| c as u8)).collect());
        let bytes = ascii
            .as_ref()
            .and_then(|a| a.iter().copied().collect::<Option<Vec<u8>>>());
        Piece {
            chars,
            bytes,
            ascii,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// `*`
    All,
    /// No wildcard: plain comparison.
    Exact(String),
    /// At least one wildcard.
    /// The pieces between stars: one piece means the pattern has only `?` wildcards.
    General(Vec<Piece>),
}

/// A compiled IAM wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    shape: Shape,
    case: Case,
    source: String,
}

impl Glob {
    /// Compiles `pattern`, where `*` and `?` are wildcards.
    pub fn new(pattern: &str, case: Case) -> Glob {
        let mut tokens = Vec::new();
        let mut lit_start = 0;
        for (i, c) in pattern.char_indices() {
            if c == '*' || c == '?' {
                if lit_start < i {
                    tokens.push(Token::Lit(&pattern[lit_start..i]));
                }
                tokens.push(if c == '*' { Token::Any } else { Token::One });
                lit_start = i + 1;
            }
        }
        if lit_start < pattern.len() {
            tokens.push(Token::Lit(&pattern[lit_start..]));
        }
        Glob::from_tokens(&tokens, case)
    }

    /// A pattern that matches `text` exactly.
    pub fn literal(text: &str, case: Case) -> Glob {
        Glob::from_tokens(&[Token::Lit(text)], case)
    }

    /// Compiles a pattern given as tokens.
    pub fn from_tokens(tokens: &[Token<'_>], case: Case) -> Glob {
        let fold = |s: &str| match case {
            Case::Sensitive => s.to_owned(),
            Case::Insensitive => s.to_lowercase(),
        };
        let mut source = String::new();
        for t in tokens {
            match t {
                Token::Lit(s) => source.push_str(s),
                Token::One => source.push('?'),
                Token::Any => source.push('*'),
            }
        }
        let has_wild = tokens.iter().any(|t| !matches!(t, Token::Lit(_)));
        let shape = if !has_wild {
            let mut s = String::new();
            for t in tokens {
                if let Token::Lit(l) = t {
                    s.push_str(l);
                }
            }
            Shape::Exact(fold(&s))
        } else if tokens.iter().all(|t| *t == Token::Any) {
            Shape::All
        } else {
            let mut pieces = Vec::new();
            let mut cur: Vec<Option<char>> = Vec::new();
            for t in tokens {
                match t {
                    Token::Lit(s) => cur.extend(fold(s).chars().map(Some)),
                    Token::One => cur.push(None),
                    Token::Any => pieces.push(Piece::new(std::mem::take(&mut cur))),
                }
            }
            pieces.push(Piece::new(cur));
            Shape::General(pieces)
        };
        Glob {
            shape,
            case,
            source,
        }
    }

    /// The pattern as written (with resolved literals).
    pub fn as_str(&self) -> &str {
        &self.source
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

    fn is_match_folded(&self, input: &str) -> bool {
        match &self.shape {
            Shape::All => true,
            Shape::Exact(s) => s == input,
            Shape::General(pieces) => {
                if input.is_ascii() && pieces.iter().all(|p| p.ascii.is_some()) {
                    match_pieces(input.as_bytes(), pieces, &ByteUnits)
                } else {
                    let chars: Vec<char> = input.chars().collect();
                    match_pieces(&chars, pieces, &CharUnits)
                }
            }
        }
    }
}

/// How pieces are seen over one kind of input unit (bytes for ASCII input, chars otherwise).
trait Units<T: Copy + Eq> {
    /// The piece as units, `None` standing for `?`.
    fn piece<'p>(&self, p: &'p Piece) -> &'p [Option<T>];
    /// Leftmost place of the piece in `hay`.
    fn find(&self, hay: &[T], p: &Piece) -> Option<usize>;
}

struct ByteUnits;
struct CharUnits;

impl Units<u8> for ByteUnits {
    fn piece<'p>(&self, p: &'p Piece) -> &'p [Option<u8>] {
        p.ascii.as_deref().unwrap_or(&[])
    }
    fn find(&self, hay: &[u8], p: &Piece) -> Option<usize> {
        match &p.bytes {
            Some(b) => memmem::find(hay, b),
            None => naive_find(hay, self.piece(p)),
        }
    }
}

impl Units<char> for CharUnits {
    fn piece<'p>(&self, p: &'p Piece) -> &'p [Option<char>] {
        &p.chars
    }
    fn find(&self, hay: &[char], p: &Piece) -> Option<usize> {
        naive_find(hay, &p.chars)
    }
}

fn piece_at<T: Copy + Eq>(hay: &[T], at: usize, piece: &[Option<T>]) -> bool {
    match hay.get(at..at + piece.len()) {
        Some(window) => window
            .iter()
            .zip(piece)
            .all(|(h, p)| p.is_none_or(|p| p == *h)),
        None => false,
    }
}

fn naive_find<T: Copy + Eq>(hay: &[T], piece: &[Option<T>]) -> Option<usize> {
    if piece.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - piece.len()).find(|&at| piece_at(hay, at, piece))
}

fn match_pieces<T: Copy + Eq, U: Units<T>>(input: &[T], pieces: &[Piece], units: &U) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return input.is_empty();
    };
    let fv = units.piece(first);
    // Only `?` wildcards: one piece that must cover the whole input.
    let Some((last, middle)) = rest.split_last() else {
        return fv.len() == input.len() && piece_at(input, 0, fv);
    };
    // INVARIANT: with at least one star there are at least two pieces; the first is anchored
    // at the start and the last at the end (an empty piece anchors trivially).
    let lv = units.piece(last);
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
        match units.find(window, p) {
            Some(at) => pos += at + units.piece(p).len(),
            None => return false,
        }
    }
    true
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
}
