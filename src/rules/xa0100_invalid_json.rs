//! `XA0100 invalid-json`: a file, or a policy text carried inside one, that is not JSON.
//! The run emits it while reading; a file with this finding makes `lint` exit 2.

use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleMeta};

/// `XA0100 invalid-json`.
pub struct InvalidJson;

static META: RuleMeta = RuleMeta {
    code: "XA0100",
    name: "invalid-json",
    severity: Severity::Error,
    summary: "a file or an embedded policy text that is not JSON",
    docs: r##"## What it does
Flags a file that is not JSON, and a policy that an export carries as a string
(`{"Policy": "..."}`, `policyText`, `ResourcePolicy`, `PolicyDocument`) whose text is not JSON.
The location is where the parser stopped.

## Why is this bad?
Every service that stores policies rejects it, for every kind (IAM `MalformedPolicyDocument:
Syntax errors in policy`, S3 `MalformedPolicy`, KMS `MalformedPolicyDocumentException`,
Organizations `MalformedPolicyDocumentException`), and no other rule can check the file.
Because nothing in the file was checked, `xacct lint` exits with code 2 ("could not run")
when any input has this finding, even if every other file is clean.

## Example
```json
{"Resource": ["<model-package-group-arn>," "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/*"]}
```

## Use instead
```json
{"Resource": ["arn:aws:sagemaker:us-east-1:111111111111:model-package-group/g", "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/*"]}
```

## References
- [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
"##,
};

impl Rule for InvalidJson {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
