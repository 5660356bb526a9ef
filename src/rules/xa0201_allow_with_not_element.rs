//! `XA0201 allow-with-not-element`: `Allow` with `NotPrincipal`, `NotAction` or
//! `NotResource`.

use crate::diagnostic::Severity;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0201 allow-with-not-element`.
pub struct AllowWithNotElement;

static META: RuleMeta = RuleMeta {
    code: "XA0201",
    name: "allow-with-not-element",
    severity: Severity::Warning,
    summary: "`Allow` with `NotPrincipal`, `NotAction` or `NotResource`",
    docs: r##"## What it does
Flags `NotPrincipal`, `NotAction` and `NotResource` in an `Allow` statement.

## Why is this bad?
An `Allow` with a `Not…` element grants everything *except* what it lists: every principal
in every account (including anonymous callers), every action of every service present and
future, every resource. Such grants grow silently as AWS adds services and actions.
`NotPrincipal` with `Allow` is not supported by AWS ("NotPrincipal must be used with
`"Effect": "Deny"`"): most resource policies reject it, and where one is stored xacct never
lets it grant (docs/semantics.md §17), so it grants nothing. In a `Deny` these elements are
useful and are not flagged.

## Example
```json
{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::my-bucket/*"}
```

## References
- [IAM JSON policy elements: NotAction](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html)
- [IAM JSON policy elements: NotPrincipal](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)
- [IAM JSON policy elements: NotResource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)
"##,
};

impl Rule for AllowWithNotElement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            if let Some(p) = s.principal.as_ref().filter(|p| p.negated) {
                out.report(p.pointer.clone(), "`Allow` with `NotPrincipal` is not supported by AWS: the statement grants nothing (written to allow every principal but the listed ones, anonymous callers included)")
                    .help("name the principals in `Principal`, or use `\"Principal\": \"*\"` with an `ArnNotEquals` `aws:PrincipalArn` condition");
            }
            if let Some(a) = s.action.as_ref().filter(|a| a.negated) {
                out.report(a.pointer.clone(), "`Allow` with `NotAction` allows every action except the listed ones, including actions AWS adds later")
                    .help("list the allowed actions in `Action`; keep `NotAction` for `Deny`");
            }
            if let Some(r) = s.resource.as_ref().filter(|r| r.negated) {
                out.report(
                    r.pointer.clone(),
                    "`Allow` with `NotResource` allows every resource except the listed ones",
                )
                .help("list the allowed resources in `Resource`; keep `NotResource` for `Deny`");
            }
        }
    }
}
