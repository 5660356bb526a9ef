//! `XA0901 unrecognized-file`: a JSON file that holds neither a policy document nor a
//! known AWS CLI export. The run emits it while classifying inputs.

use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleMeta};

/// `XA0901 unrecognized-file`.
pub struct UnrecognizedFile;

static META: RuleMeta = RuleMeta {
    code: "XA0901",
    name: "unrecognized-file",
    severity: Severity::Warning,
    summary: "a JSON file that is neither a policy nor a known export",
    docs: r##"## What it does
Flags an input file that is JSON but holds no policy document (no `Statement`, no `Version`)
and none of the AWS CLI exports xacct reads. Known exports without a policy (bucket
location, encryption, ACL, KMS key metadata, organization data) are skipped silently and
listed as skipped in the JSON output.

## Why is this bad?
Nothing in the file was checked. Usually the file is something else (a tfvars JSON, a
CloudFormation template), or a policy that lost its `Version` and `Statement` keys.

## Example
```json
{"bucket_name": "my-bucket", "reader_account": "111111111111"}
```

## Use instead
Fix the policy, pass `--kind KIND` to lint the file as a policy anyway, or leave it out of
the paths given to `xacct lint`.

## References
- [IAM JSON policy grammar](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
"##,
};

impl Rule for UnrecognizedFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
