//! ARNs: parsing, and the segment-wise matching that `Resource` elements and ARN condition
//! operators use.
//!
//! An ARN is `arn:partition:service:region:account:resource`; the resource part is everything
//! after the fifth colon and may itself contain `:` and `/`.
//!
//! Matching rules (semantics reference §2.4, §3.2):
//! * In `Resource`/`NotResource`, the partition, service, region and account segments are each
//!   matched on their own and without regard to case; a `*` there stays inside its segment.
//!   The resource part is matched case-sensitively and a `*` there crosses `/` and `:`.
//! * `ArnLike`/`ArnEquals` match all six parts separately and case-sensitively.
//! * A pattern with fewer than six parts is *short*; see [`ShortArns`].

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
        let mut it = text.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
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

/// How a resource pattern with fewer than six colon-separated parts is treated. AWS does not
/// document this; we follow the behaviour described in the semantics reference §2.4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortArns {
    /// Missing parts are taken as `*` (identity policies, boundaries, session policies).
    Pad,
    /// Missing parts are taken as `*` only when the pattern has a wildcard; otherwise it
    /// matches nothing (resource policies, SCPs).
    PadIfWildcard,
    /// A short pattern matches nothing (RCPs).
    NoMatch,
}

/// A compiled `Resource` pattern (one entry of a `Resource` or `NotResource` element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcePattern {
    /// `*`: every resource.
    All,
    /// Segment-wise ARN pattern.
    Arn {
        /// partition, service, region, account: case-insensitive globs.
        head: Box<[Glob; 4]>,
        /// The resource part: a case-sensitive glob.
        resource: Glob,
    },
    /// A value that cannot match any resource (for example a short pattern in an RCP, or a
    /// string that is not an ARN). Kept for the trace and for lint.
    Never(String),
}

impl ResourcePattern {
    /// Compiles one resource pattern whose resource part is already resolved into `resource`
    /// (see [`crate::policy`] for policy variables); `head_text` is the text before the
    /// resource part, `arn:p:s:r:a`.
    pub fn compile(text: &str, short: ShortArns) -> ResourcePattern {
        if text == "*" {
            return ResourcePattern::All;
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        if parts.first() != Some(&"arn") && !(parts.first().is_some_and(|p| p.contains('*'))) {
            return ResourcePattern::Never(text.to_owned());
        }
        let wild = text.contains('*') || text.contains('?');
        let padded: Vec<&str> = if parts.len() == 6 {
            parts
        } else {
            let pad = match short {
                ShortArns::Pad => true,
                ShortArns::PadIfWildcard => wild,
                ShortArns::NoMatch => false,
            };
            if !pad {
                return ResourcePattern::Never(text.to_owned());
            }
            let mut p = parts;
            p.resize(6, "*");
            p
        };
        let g = |s: &str| Glob::new(s, Case::Insensitive);
        match padded.as_slice() {
            [first, p, s, r, a, res] => {
                if !Glob::new(first, Case::Insensitive).is_match("arn") {
                    return ResourcePattern::Never(text.to_owned());
                }
                ResourcePattern::Arn {
                    head: Box::new([g(p), g(s), g(r), g(a)]),
                    resource: Glob::new(res, Case::Sensitive),
                }
            }
            _ => ResourcePattern::Never(text.to_owned()),
        }
    }

    /// Builds a pattern from an already split head and a compiled resource-part glob.
    pub fn from_parts(head: [&str; 4], resource: Glob) -> ResourcePattern {
        let g = |s: &str| Glob::new(s, Case::Insensitive);
        ResourcePattern::Arn {
            head: Box::new([g(head[0]), g(head[1]), g(head[2]), g(head[3])]),
            resource,
        }
    }

    /// Does the request resource match?
    pub fn matches(&self, resource: &RequestResource) -> bool {
        match self {
            ResourcePattern::All => true,
            ResourcePattern::Never(_) => false,
            ResourcePattern::Arn { head, resource: r } => match &resource.parts {
                Some(parts) => {
                    head[0].is_match(&parts[0])
                        && head[1].is_match(&parts[1])
                        && head[2].is_match(&parts[2])
                        && head[3].is_match(&parts[3])
                        && r.is_match(&parts[4])
                }
                None => false,
            },
        }
    }
}

/// The resource of a request, split once so that every pattern can match it cheaply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestResource {
    /// The resource as given.
    pub text: String,
    /// partition, service, region, account (lowercased) and the resource part, when the text
    /// is an ARN.
    parts: Option<[String; 5]>,
}

impl RequestResource {
    /// Splits `text`; a text that is not an ARN (such as `*` for actions without a resource
    /// type) is matched only by the pattern `*`.
    pub fn new(text: &str) -> RequestResource {
        let parts = Arn::parse(text).map(|a| {
            [
                a.partition.to_lowercase(),
                a.service.to_lowercase(),
                a.region.to_lowercase(),
                a.account.to_lowercase(),
                a.resource.to_owned(),
            ]
        });
        RequestResource {
            text: text.to_owned(),
            parts,
        }
    }

    /// The parsed ARN, if the resource is one.
    pub fn arn(&self) -> Option<Arn<'_>> {
        Arn::parse(&self.text)
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
        ResourcePattern::compile(pattern, ShortArns::Pad).matches(&RequestResource::new(resource))
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
    fn non_arn_request_matches_only_star() {
        assert!(rm("*", "*"));
        assert!(!rm("arn:aws:ecr:*:*:*", "*"));
    }

    #[test]
    fn short_patterns_follow_the_policy_kind() {
        let r = RequestResource::new("arn:aws:s3:::bucket/x");
        assert!(ResourcePattern::compile("arn:aws:s3*", ShortArns::PadIfWildcard).matches(&r));
        assert!(!ResourcePattern::compile("arn:aws:s3", ShortArns::PadIfWildcard).matches(&r));
        assert!(!ResourcePattern::compile("arn:aws:s3*", ShortArns::NoMatch).matches(&r));
        assert!(!ResourcePattern::compile("Resource: arn:aws:s3:::b", ShortArns::Pad).matches(&r));
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
