//! `XA0213 missing-or-outdated-version`: a policy without `Version`, or with
//! `2008-10-17`.

use crate::diagnostic::Severity;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0213 missing-or-outdated-version`.
pub struct MissingOrOutdatedVersion;

static META: RuleMeta = RuleMeta {
    code: "XA0213",
    name: "missing-or-outdated-version",
    severity: Severity::Warning,
    summary: "a policy without `Version` or with `2008-10-17`",
    docs: r##"## What it does
Flags a policy document that has no `Version`, or has `"Version": "2008-10-17"`.
(Any other value is a grammar error, `XA0101`.)

## Why is this bad?
Without `2012-10-17`, policy variables such as `${aws:username}` are literal text, so a
statement written with them matches nothing (or, in a `Deny` with `NotResource`, too much).
SCPs and RCPs require `2012-10-17`. Older S3 and ECR policies often carry `2008-10-17` from
copied examples.

## Example
```json
{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}
```

## Use instead
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}
```

## References
- [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
"##,
};

impl Rule for MissingOrOutdatedVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.json.as_object().is_none() {
            return;
        }
        match &doc.version {
            None if doc.json.get("Version").is_none() => {
                out.report(
                    doc.root.clone(),
                    "the policy has no `Version`: policy variables are literal text",
                )
                .help("add `\"Version\": \"2012-10-17\"`");
            }
            Some(v) if v.text == "2008-10-17" => {
                out.report(
                    v.pointer.clone(),
                    "`Version` `2008-10-17` is outdated: policy variables are literal text",
                )
                .help("use `\"Version\": \"2012-10-17\"`");
            }
            _ => {}
        }
    }
}
