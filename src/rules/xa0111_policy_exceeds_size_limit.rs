//! `XA0111 policy-exceeds-size-limit`: a policy larger than its service accepts.

use crate::diagnostic::Severity;
use crate::rules::doc::{compact_size, DocKind, PolicyDoc, SizeUnit};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0111 policy-exceeds-size-limit`.
pub struct PolicyExceedsSizeLimit;

static META: RuleMeta = RuleMeta {
    code: "XA0111",
    name: "policy-exceeds-size-limit",
    severity: Severity::Error,
    summary: "a policy larger than its service's size limit",
    docs: r##"## What it does
Flags a policy document larger than its kind's limit, measured without insignificant
whitespace (as IAM counts):

| kind | limit |
|---|---|
| S3 bucket policy | 20 KB (20,480 bytes) |
| ECR repository policy | 10,240 characters |
| KMS key policy | 32 KB (32,768 bytes) |
| SageMaker model package group policy | 20,480 characters |
| customer managed policy | 6,144 characters |
| SCP, RCP | 5,120 characters |

Inline identity policies (an aggregate limit per user, group or role) and trust policies (a
quota that can be raised) are not checked.

## Why is this bad?
The service rejects the policy (`PolicyTooLargeException`, `LimitExceeded`, `MalformedPolicy`).

## Example
A bucket policy that lists 400 account ids one statement each.

## Use instead
Merge statements that differ only in their principals, list principals in one array, or use
`aws:PrincipalOrgID` instead of account lists.

## References
- [IAM and AWS STS quotas](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
- [Amazon ECR service quotas](https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html)
- [AWS KMS key policies](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html)
"##,
};

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
    fn meta(&self) -> &'static RuleMeta {
        &META
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
        let (bytes, chars) = compact_size(doc.text, doc.json);
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
