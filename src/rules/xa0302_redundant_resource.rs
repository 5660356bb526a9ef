//! `XA0302 redundant-resource`: a `Resource` value that another value of the same statement
//! already covers.

use crate::diagnostic::Severity;
use crate::pattern::Case;
use crate::rules::doc::PolicyDoc;
use crate::rules::xa0301_redundant_action::redundant_values;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0302 redundant-resource`.
pub struct RedundantResource;

static META: RuleMeta = RuleMeta {
    code: "XA0302",
    name: "redundant-resource",
    severity: Severity::Info,
    summary: "a resource already covered by another resource of the statement",
    docs: r##"## What it does
Flags a `Resource` or `NotResource` value that another value of the same statement already
covers: a duplicate, or an ARN inside a wildcard (`arn:aws:s3:::b/reports/x` next to
`arn:aws:s3:::b/*`). Resource ARNs compare case-sensitively.

## Why is this bad?
Nothing breaks, but the statement reads narrower than it is, and the extra entries count
against the policy's size limit.

## Example
```json
"Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/reports/*"]
```

## Use instead
```json
"Resource": "arn:aws:s3:::b/*"
```

## References
- [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
"##,
};

impl Rule for RedundantResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Values compare pairwise: not on a document larger than AWS accepts (XA0111).
        if doc.oversized() {
            return;
        }
        for s in &doc.statements {
            if let Some(r) = &s.resource {
                redundant_values(r, Case::Sensitive, "resource", out);
            }
        }
    }
}
