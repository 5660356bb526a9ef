//! `XA0106 resource-not-an-arn`: a `Resource`/`NotResource` value that is neither `*` nor
//! an ARN.

use crate::diagnostic::Severity;
use crate::policy::ParseErrorKind;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0106 resource-not-an-arn`.
pub struct ResourceNotAnArn;

static META: RuleMeta = RuleMeta {
    code: "XA0106",
    name: "resource-not-an-arn",
    severity: Severity::Error,
    summary: "a resource value that is neither `*` nor an ARN",
    docs: r##"## What it does
Flags a `Resource` or `NotResource` value that is not `*` and not an ARN
(`arn:partition:service:region:account:resource`, six colon-separated parts): a bucket name
without `arn:aws:s3:::`, text pasted in front of an ARN (`"Resource: arn:aws:s3:::b"`),
leading spaces, or a truncated ARN.

## Why is this bad?
AWS rejects the policy when it is written: IAM with `MalformedPolicyDocument: Resource ...
must be in ARN format or "*"`, S3 with `MalformedPolicy: Policy has invalid resource`.
A truncated ARN such as `arn:aws` is not a prefix wildcard. xacct treats such a document as
not in effect: it grants nothing, and a `Deny` statement holding the value is undecided (it
may apply), so no answer that depends on it is "allowed".

## Example
```json
"Resource": ["arn:aws:s3:::my-bucket/*", "Resource: arn:aws:s3:::my-bucket"]
```

## Use instead
```json
"Resource": ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket"]
```

## References
- [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
- [Amazon Resource Names (ARNs)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)
"##,
};

impl Rule for ResourceNotAnArn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc.errors.iter().filter(|e| e.code() == META.code) {
            let ParseErrorKind::ResourceNotArn(t) = &e.kind else {
                continue;
            };
            let t = t.as_str();
            {
                let (message, help) = if let Some(i) = t.find("arn:").filter(|i| *i > 0) {
                    (
                        format!("`{t}` is not an ARN: it has text before `arn:`"),
                        format!("remove `{}`", t.get(..i).unwrap_or_default()),
                    )
                } else if t.starts_with("arn:") {
                    (
                        format!(
                            "`{t}` is not a complete ARN: it has {} of the 6 parts",
                            t.splitn(6, ':').count()
                        ),
                        "write `arn:partition:service:region:account:resource` (empty region or account stay as `::`)".to_owned(),
                    )
                } else {
                    (
                        format!("`{t}` is not an ARN"),
                        "a resource is `*` or an ARN such as `arn:aws:s3:::my-bucket`".to_owned(),
                    )
                };
                out.report(e.pointer.clone(), message).help(help);
            }
        }
    }
}
