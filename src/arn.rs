//! ARNs: parsing, and the segment-wise matching that `Resource` elements and ARN condition
//! operators use.
//!
//! An ARN is `arn:partition:service:region:account:resource`; the resource part is everything
//! after the fifth colon and may itself contain `:` and `/`.
//!
//! Matching rules (docs/semantics.md §2.4, §3.2):
//! * In `Resource`/`NotResource`, the partition, service, region and account segments are each
//!   matched on their own and without regard to case; a `*` there stays inside its segment.
//!   The resource part is matched case-sensitively and a `*` there crosses `/` and `:`.
//! * `ArnLike`/`ArnEquals` match all six parts separately and case-sensitively.
//! * A value with fewer than six parts is not an ARN: AWS rejects the policy, and it
//!   compiles to a pattern that matches nothing.

use std::fmt;

use crate::pattern::{Case, Glob};

/// A parsed ARN, borrowing its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub partition: &'a str,
    /// Service namespace, e.g. `s3`.
    pub service: &'a str,
    /// Region; empty for global services.
    pub region: &'a str,
    /// Account id; empty for S3 buckets and objects.
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parses `text` as an ARN; `None` when it does not start with `arn:` or has fewer than six
    /// parts.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        // The four parts after `arn` end at the next four colons; the resource is the rest,
        // colons and all. (The parts are short: a byte loop finds their ends soonest.)
        let mut rest = text.strip_prefix("arn:")?;
        let mut parts = [""; 4];
        for part in &mut parts {
            let end = rest.bytes().position(|b| b == b':')?;
            *part = rest.get(..end)?;
            rest = rest.get(end + 1..)?;
        }
        let [partition, service, region, account] = parts;
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource: rest,
        })
    }

    /// The parts in order, the literal `arn` first.
    pub fn parts(&self) -> [&'a str; 6] {
        [
            "arn",
            self.partition,
            self.service,
            self.region,
            self.account,
            self.resource,
        ]
    }
}

impl fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// True for a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A compiled `Resource` pattern (one entry of a `Resource` or `NotResource` element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcePattern {
    /// `*`: every resource.
    All,
    /// Segment-wise ARN pattern.
    Arn(Box<ArnPattern>),
    /// A value that cannot match any resource (for example a short pattern in an RCP, or a
    /// string that is not an ARN). Kept for the trace and for lint.
    Never(String),
}

/// An ARN pattern: four head segments matched on their own, case-insensitively, and the
/// resource part matched as one case-sensitive glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    /// The head as written, `partition:service:region:account` (segments index into it).
    head_text: Box<str>,
    head: [Segment; 4],
    resource: Glob,
}

/// One head segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `*`.
    Any,
    /// Literal text: a byte range of `head_text`, compared without regard to ASCII case.
    Lit(u32, u32),
    /// A segment with wildcards (boxed: rare, and it would double the size of every
    /// segment).
    Glob(Box<Glob>),
}

impl ArnPattern {
    fn new(head: [&str; 4], resource: Glob) -> ArnPattern {
        let mut head_text = String::with_capacity(head.iter().map(|h| h.len()).sum::<usize>() + 3);
        for (i, h) in head.iter().enumerate() {
            if i > 0 {
                head_text.push(':');
            }
            head_text.push_str(h);
        }
        head_text.make_ascii_lowercase();
        let mut start = 0usize;
        let segs = head.map(|h| {
            let seg = if h == "*" {
                Segment::Any
            } else if crate::pattern::has_wildcard(h) || !h.is_ascii() {
                Segment::Glob(Box::new(Glob::new(h, Case::Insensitive)))
            } else {
                Segment::Lit(
                    u32::try_from(start).unwrap_or(u32::MAX),
                    u32::try_from(start + h.len()).unwrap_or(u32::MAX),
                )
            };
            start += h.len() + 1;
            seg
        });
        ArnPattern {
            head_text: head_text.into_boxed_str(),
            head: segs,
            resource,
        }
    }

    /// Matches segment `i` against the request's lowercased segment.
    fn seg_matches(&self, i: usize, value_lc: &str) -> bool {
        match &self.head[i] {
            Segment::Any => true,
            Segment::Lit(a, b) => self.head_text.get(*a as usize..*b as usize) == Some(value_lc),
            Segment::Glob(g) => g.is_match_lowercase(value_lc),
        }
    }
}

impl ResourcePattern {
    /// Compiles one resource pattern. The parser admits only `*` and six-part ARNs (AWS
    /// rejects anything else, docs/semantics.md §2.4); any other text compiles to
    /// [`ResourcePattern::Never`].
    pub fn compile(text: &str) -> ResourcePattern {
        if text == "*" {
            return ResourcePattern::All;
        }
        // The first five `:` end the head's segments; the resource may hold more.
        let mut colons = memchr::memchr_iter(b':', text.as_bytes());
        let mut ends = [0; 5];
        for end in &mut ends {
            match colons.next() {
                Some(at) => *end = at,
                None => return ResourcePattern::Never(text.to_owned()),
            }
        }
        let part = |from: usize, to: usize| text.get(from..to).unwrap_or("");
        let [arn, p, s, r, a] = ends;
        if part(0, arn) != "arn" {
            return ResourcePattern::Never(text.to_owned());
        }
        let head = [
            part(arn + 1, p),
            part(p + 1, s),
            part(s + 1, r),
            part(r + 1, a),
        ];
        let resource = Glob::new(part(a + 1, text.len()), Case::Sensitive);
        ResourcePattern::Arn(Box::new(ArnPattern::new(head, resource)))
    }

    /// Builds a pattern from an already split head and a compiled resource-part glob.
    pub fn from_parts(head: [&str; 4], resource: Glob) -> ResourcePattern {
        ResourcePattern::Arn(Box::new(ArnPattern::new(head, resource)))
    }

    /// Does the request resource match?
    pub fn matches(&self, resource: &RequestResource) -> bool {
        match self {
            ResourcePattern::All => true,
            ResourcePattern::Never(_) => false,
            ResourcePattern::Arn(p) => match &resource.split {
                Some(split) => {
                    (0..4).all(|i| p.seg_matches(i, split.head(i)))
                        && p.resource
                            .is_match(resource.text.get(split.resource_start..).unwrap_or(""))
                }
                None => false,
            },
        }
    }
}

/// The resource of a request, with its ARN split once (every pattern matches against it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestResource {
    /// The resource as given.
    pub text: String,
    split: Option<Split>,
}

/// A request ARN, split: the head segments lowercased (they match without regard to case)
/// and where the resource part starts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Split {
    /// `partition:service:region:account`, lowercased.
    head_lc: String,
    /// End offsets of the four segments in `head_lc`.
    ends: [usize; 4],
    /// Offset of the resource part in the text.
    resource_start: usize,
}

impl Split {
    fn head(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        self.head_lc.get(start..self.ends[i]).unwrap_or("")
    }
}

impl RequestResource {
    /// Wraps `text`; a text that is not an ARN (such as `*` for actions without a resource
    /// type) is matched only by the pattern `*`.
    pub fn new(text: &str) -> RequestResource {
        let split = Arn::parse(text).map(|a| {
            // ASCII lowercasing keeps byte offsets, so they index the text too.
            let mut head_lc = [a.partition, ":", a.service, ":", a.region, ":", a.account].concat();
            head_lc.make_ascii_lowercase();
            let e0 = a.partition.len();
            let e1 = e0 + 1 + a.service.len();
            let e2 = e1 + 1 + a.region.len();
            let e3 = e2 + 1 + a.account.len();
            Split {
                ends: [e0, e1, e2, e3],
                resource_start: text.len() - a.resource.len(),
                head_lc,
            }
        });
        RequestResource {
            text: text.to_owned(),
            split,
        }
    }

    /// The parsed ARN, if the resource is one (from the offsets found once).
    pub fn arn(&self) -> Option<Arn<'_>> {
        let split = self.split.as_ref()?;
        let t = self.text.get(4..)?;
        let [e0, e1, e2, e3] = split.ends;
        Some(Arn {
            partition: t.get(..e0)?,
            service: t.get(e0 + 1..e1)?,
            region: t.get(e1 + 1..e2)?,
            account: t.get(e2 + 1..e3)?,
            resource: self.text.get(split.resource_start..)?,
        })
    }
}

/// `ArnLike`/`ArnEquals`: all six parts matched separately and case-sensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnGlob {
    parts: Option<Box<[Glob; 6]>>,
}

impl ArnGlob {
    /// Compiles a policy value; a value that is not a six-part ARN pattern matches nothing.
    pub fn new(pattern: &str) -> ArnGlob {
        let p: Vec<&str> = pattern.splitn(6, ':').collect();
        let parts = match p.as_slice() {
            [a, b, c, d, e, f] => {
                let g = |s: &str| Glob::new(s, Case::Sensitive);
                Some(Box::new([g(a), g(b), g(c), g(d), g(e), g(f)]))
            }
            _ => None,
        };
        ArnGlob { parts }
    }

    /// Does the request value match? Both sides must be six-part ARNs.
    pub fn is_match(&self, value: &str) -> bool {
        let Some(parts) = &self.parts else {
            return false;
        };
        let v: Vec<&str> = value.splitn(6, ':').collect();
        v.len() == 6 && parts.iter().zip(v).all(|(g, s)| g.is_match(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rm(pattern: &str, resource: &str) -> bool {
        ResourcePattern::compile(pattern).matches(&RequestResource::new(resource))
    }

    proptest::proptest! {
        /// Compiling finds the parts splitting at the first five colons finds.
        #[test]
        fn patterns_compile_from_the_six_part_split(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'r', 'n', ':', '*', '?', '/', 'S', 'é',
            ]), 0..16),
            arn: bool,
        ) {
            let tail: String = chars.into_iter().collect();
            let text = if arn { format!("arn:{tail}") } else { tail };
            proptest::prop_assume!(text != "*");
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            let expected = match parts.as_slice() {
                ["arn", p, s, r, a, res] => ResourcePattern::from_parts(
                    [p, s, r, a],
                    Glob::new(res, Case::Sensitive),
                ),
                _ => ResourcePattern::Never(text.clone()),
            };
            proptest::prop_assert_eq!(ResourcePattern::compile(&text), expected);
        }

        /// An ARN's parts are what splitting at its first five colons gives.
        #[test]
        fn arns_parse_as_the_six_part_split(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'r', 'n', ':', '/', 'é', 'A',
            ]), 0..16),
            arn: bool,
        ) {
            let tail: String = chars.into_iter().collect();
            let text = if arn { format!("arn:{tail}") } else { tail };
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            let expected = match parts.as_slice() {
                ["arn", p, s, r, a, res] => Some([*p, s, r, a, res]),
                _ => None,
            };
            let got = Arn::parse(&text)
                .map(|a| [a.partition, a.service, a.region, a.account, a.resource]);
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn parses_six_parts_keeping_colons_in_resource() {
        let a = Arn::parse("arn:aws:ecr:us-east-1:111111111111:repository/a:b").unwrap();
        assert_eq!(a.service, "ecr");
        assert_eq!(a.resource, "repository/a:b");
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("Resource: arn:aws:s3:::b").is_none());
    }

    #[test]
    fn star_stays_in_head_segment_but_crosses_in_resource() {
        assert!(rm("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c"));
        assert!(!rm("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
        assert!(rm(
            "arn:aws:kms:*:111111111111:key/*",
            "arn:aws:kms:us-east-1:111111111111:key/k"
        ));
        assert!(!rm(
            "arn:aws:kms:*:key/*",
            "arn:aws:kms:us-east-1:111111111111:key/k"
        ));
    }

    #[test]
    fn head_is_case_insensitive_resource_part_is_not() {
        assert!(rm("arn:AWS:S3:::bucket/x", "arn:aws:s3:::bucket/x"));
        assert!(!rm("arn:aws:s3:::Bucket/x", "arn:aws:s3:::bucket/x"));
    }

    #[test]
    fn request_arn_split_once_agrees_with_parse() {
        for t in [
            "arn:aws:s3:::b/k:x",
            "arn:aws:ecr:us-east-1:1:repository/a",
            "*",
            "arn:aws:s3",
            "Resource: arn:aws:s3:::b",
        ] {
            assert_eq!(RequestResource::new(t).arn(), Arn::parse(t), "{t}");
        }
    }

    #[test]
    fn non_arn_request_matches_only_star() {
        assert!(rm("*", "*"));
        assert!(!rm("arn:aws:ecr:*:*:*", "*"));
    }

    #[test]
    fn short_patterns_match_nothing() {
        let r = RequestResource::new("arn:aws:s3:::bucket/x");
        for p in [
            "arn:aws:s3*",
            "arn:aws:s3",
            "arn:aws",
            "Resource: arn:aws:s3:::b",
            "arn*",
        ] {
            assert!(!ResourcePattern::compile(p).matches(&r), "{p}");
        }
    }

    #[test]
    fn arn_like_matches_parts_separately() {
        let g = ArnGlob::new("arn:aws:iam::*:role/app-*");
        assert!(g.is_match("arn:aws:iam::111111111111:role/app-x"));
        assert!(!g.is_match("arn:aws:iam::111111111111:user/app-x"));
        assert!(!ArnGlob::new("arn:aws:iam::*").is_match("arn:aws:iam::1:role/x"));
        assert!(!ArnGlob::new("arn:*:role/x").is_match("arn:aws:iam::1:role/x"));
    }
}
