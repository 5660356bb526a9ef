//! `XA0214 mfa-present-false`: `aws:MultiFactorAuthPresent` compared with `false` where the
//! key's absence (long-term credentials) makes the statement do the opposite of what it reads.

use crate::diagnostic::Severity;
use crate::policy::{BaseOp, Operator};
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0214 mfa-present-false`.
pub struct MfaPresentFalse;

static META: RuleMeta = RuleMeta {
    code: "XA0214",
    name: "mfa-present-false",
    severity: Severity::Warning,
    summary: "`aws:MultiFactorAuthPresent` is `false` where long-term credentials slip through",
    docs: r##"## What it does
Flags a condition that compares `aws:MultiFactorAuthPresent` with `"false"`:

* in an `Allow` with `Bool`: it never matches requests signed with long-term credentials
  (an IAM user's access keys, where the key is absent), and matches sessions without MFA;
* in an `Allow` with `BoolIfExists`: it matches every request made without MFA, long-term
  credentials included: it grants to callers *without* MFA;
* in a `Deny` with `Bool`: it never denies requests signed with long-term credentials.

`Deny` with `BoolIfExists` `"false"` is the pattern AWS documents for requiring MFA and is
not flagged.

## Why is this bad?
`aws:MultiFactorAuthPresent` is present only in requests signed with temporary credentials.
AWS documents that `Allow` with `"false"` must be used with caution because it does not test
whether MFA was used, and that a `Deny` with `Bool` lets long-term credentials through: a
policy meant to require MFA does not.

## Example
```json
{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
```

## Use instead
```json
{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
 "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
```

## References
- [AWS global condition context keys: aws:MultiFactorAuthPresent](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent)
- [Amazon EC2: Requires MFA (GetSessionToken) for specific EC2 operations](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_ec2_require-mfa.html)
"##,
};

impl Rule for MfaPresentFalse {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            let Some(allow) = s.allow else { continue };
            for c in &s.conditions {
                let Some(Operator {
                    base: BaseOp::Bool,
                    set: None,
                    if_exists,
                    ..
                }) = &c.op
                else {
                    continue;
                };
                if !c.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                    || !c
                        .values
                        .iter()
                        .any(|(v, _)| v.eq_ignore_ascii_case("false"))
                {
                    continue;
                }
                let (message, help) = match (allow, *if_exists) {
                    (true, false) => (
                        "this `Allow` never matches requests signed with long-term credentials (the key is absent), and matches sessions without MFA",
                        "to require MFA, allow with `Bool` `\"true\"`, or deny with `BoolIfExists` `\"false\"`",
                    ),
                    (true, true) => (
                        "this `Allow` matches every request made without MFA, long-term credentials included",
                        "to require MFA, allow with `Bool` `\"true\"`, or deny with `BoolIfExists` `\"false\"`",
                    ),
                    (false, false) => (
                        "this `Deny` never applies to requests signed with long-term credentials (the key is absent)",
                        "use `BoolIfExists` so that requests without the key are denied too",
                    ),
                    (false, true) => continue,
                };
                out.report(c.pointer.clone(), message).help(help);
            }
        }
    }
}
