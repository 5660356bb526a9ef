//! `XA0212 duplicate-sid`: two statements with the same `Sid`.

use std::collections::HashMap;

use crate::diagnostic::Severity;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0212 duplicate-sid`.
pub struct DuplicateSid;

static META: RuleMeta = RuleMeta {
    code: "XA0212",
    name: "duplicate-sid",
    severity: Severity::Warning,
    summary: "two statements with the same `Sid`",
    docs: r##"## What it does
Flags a statement whose `Sid` an earlier statement of the same policy already uses. An
empty `Sid` (`""`) names no statement and is not compared.

## Why is this bad?
Several services (S3, SQS, SNS, KMS) reject policies with duplicate statement ids, and tools
that edit statements by `Sid` (Terraform's `aws_iam_policy_document`, CDK, scripts that
`add-permission`) overwrite or delete the wrong statement.

## Example
```json
[{"Sid": "AddPerm", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Principal": "*"},
 {"Sid": "AddPerm", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Principal": "*"}]
```

## Use instead
```json
[{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Principal": "*"},
 {"Sid": "ListBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Principal": "*"}]
```

## References
- [IAM JSON policy elements: Sid](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html)
"##,
};

impl Rule for DuplicateSid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let mut seen = HashMap::new();
        for s in &doc.statements {
            // An empty `Sid` names no statement (AWS's own examples repeat `"Sid": ""`).
            let Some(sid) = s.sid.as_ref().filter(|s| !s.text.is_empty()) else {
                continue;
            };
            match seen.get(sid.text) {
                Some(first) => {
                    let first: &crate::json::Pointer = first;
                    out.report(
                        sid.pointer.clone(),
                        format!("duplicate `Sid` `{}`", sid.text),
                    )
                    .related(first.clone(), "first used here")
                    .help("give every statement its own `Sid`");
                }
                None => {
                    seen.insert(sid.text, sid.pointer.clone());
                }
            }
        }
    }
}
