//! `XA0216 condition-key-without-prefix`: a condition key with no `prefix:` (`SourceAccount`
//! for `aws:SourceAccount`), which no request carries.

use crate::diagnostic::Severity;
use crate::rules::doc::PolicyDoc;
use crate::rules::shared::closest;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0216 condition-key-without-prefix`.
pub struct ConditionKeyWithoutPrefix;

static META: RuleMeta = RuleMeta {
    code: "XA0216",
    name: "condition-key-without-prefix",
    severity: Severity::Warning,
    summary: "a condition key without a `service:` prefix",
    docs: r##"## What it does
Flags a condition key that has no colon, so no `aws:` or service prefix: `SourceAccount`,
`PrincipalOrgID`, `SecureTransport`. When a global key of that name exists, the help names
it (`aws:SourceAccount`).

## Why is this bad?
Every condition key AWS sets in a request context has a prefix (`aws:` for global keys, the
service's prefix for its own). A key without one is never in the request: a positive
operator on it is false, so an `Allow` grants nothing and a `Deny` never applies (a
confused-deputy guard on `SourceAccount` protects nothing), while a negated operator is
always true. IAM's policy validation reports it as an invalid condition key format.

## Example
```json
{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
 "Resource": "arn:aws:sqs:us-east-1:111122223333:queue",
 "Condition": {"StringEquals": {"SourceAccount": "111122223333"}}}
```

## Use instead
```json
{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
 "Resource": "arn:aws:sqs:us-east-1:111122223333:queue",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
```

## References
- [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
- [IAM policy validation check reference: Invalid condition key format](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html)
"##,
};

impl Rule for ConditionKeyWithoutPrefix {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            for c in &s.conditions {
                if c.key.contains(':') {
                    continue;
                }
                let global = doc
                    .catalog
                    .global_condition_key(&format!("aws:{}", c.key))
                    .map(|k| {
                        if k.name.contains('/') {
                            format!("aws:{}", c.key)
                        } else {
                            k.name.clone()
                        }
                    })
                    .or_else(|| {
                        closest(
                            c.key,
                            doc.catalog
                                .global_condition_keys()
                                .filter_map(|k| k.name.strip_prefix("aws:")),
                        )
                        .map(|n| format!("aws:{n}"))
                    });
                let help = match global {
                    Some(k) => format!("did you mean the global key `{k}`?"),
                    None => "write the key with its prefix: `aws:` for global keys, the service's prefix for its own (`s3:prefix`)".to_owned(),
                };
                out.report(
                    c.pointer.clone(),
                    format!(
                        "condition key `{}` has no prefix: no request carries it",
                        c.key
                    ),
                )
                .help(help);
            }
        }
    }
}
