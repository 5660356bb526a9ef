//! `XA0111 policy-exceeds-size-limit`: a policy larger than its service accepts.

use crate::diagnostic::codes;
use crate::rules::doc::{DocKind, PolicyDoc, SizeUnit};
use crate::rules::{Findings, Rule};

/// `XA0111 policy-exceeds-size-limit`.
pub struct PolicyExceedsSizeLimit;

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Rule for PolicyExceedsSizeLimit {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::POLICY_EXCEEDS_SIZE_LIMIT
    }

    fn rejects(&self, _kind: DocKind) -> bool {
        // Every kind has a limit: its own, or the largest any AWS policy can be.
        true
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        out.parse_errors(doc);
        let (limit, unit) = doc
            .kind
            .size_limit()
            .unwrap_or((crate::policy::MAX_POLICY_BYTES, SizeUnit::Bytes));
        // A document known to be smaller needs no measuring (a character is a byte or more).
        if doc.surely_within(limit) {
            return;
        }
        let (bytes, chars) = doc.compact_size();
        let (size, what) = match unit {
            SizeUnit::Bytes => (bytes, "bytes"),
            SizeUnit::Chars => (chars, "characters"),
        };
        // One of AWS's own managed policies (`get-policy-version` output does not say whose
        // a policy is): AWS's quotas for customer policies do not apply to it.
        let aws_managed = || {
            matches!(doc.kind, DocKind::Identity | DocKind::Managed)
                && size <= crate::policy::MAX_POLICY_BYTES
                && crate::rules::doc::is_aws_managed(doc.text, doc.json)
        };
        if size > limit && !aws_managed() {
            out.report(
                doc.root.clone(),
                format!(
                    "the {} is {} {what} without whitespace, over its limit of {}",
                    doc.kind.label(),
                    thousands(size),
                    thousands(limit)
                ),
            )
            .help("merge statements that differ only in principals or resources, or use `aws:PrincipalOrgID` instead of account lists");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(20480), "20,480");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
