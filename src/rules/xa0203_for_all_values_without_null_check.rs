//! `XA0203 for-all-values-without-null-check`: `ForAllValues:` in an `Allow` without a
//! check that the key is present.

use crate::diagnostic::Severity;
use crate::policy::{BaseOp, SetQualifier};
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0203 for-all-values-without-null-check`.
pub struct ForAllValuesWithoutNullCheck;

static META: RuleMeta = RuleMeta {
    code: "XA0203",
    name: "for-all-values-without-null-check",
    severity: Severity::Warning,
    summary: "`ForAllValues:` in an `Allow` without a `Null` check on the key",
    docs: r##"## What it does
Flags a `ForAllValues:` condition in an `Allow` statement when the same statement neither
checks that the key is present (`"Null": {"key": "false"}`) nor uses `ForAnyValue:` on it.

## Why is this bad?
`ForAllValues:` is true when the request has no value for the key at all ("every one of no
values matches"). An `Allow` meant to permit only certain tags then also permits requests
that send no tags, or no encryption context.

## Example
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
               "Null": {"aws:TagKeys": "false"}}}
```

## References
- [Multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
"##,
};

impl Rule for ForAllValuesWithoutNullCheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            for c in &s.conditions {
                let Some(op) = &c.op else { continue };
                if op.set != Some(SetQualifier::ForAllValues) {
                    continue;
                }
                let guarded = s.conditions.iter().any(|o| {
                    o.key.eq_ignore_ascii_case(c.key)
                        && o.op.as_ref().is_some_and(|p| {
                            p.set == Some(SetQualifier::ForAnyValue)
                                || (p.base == BaseOp::Null
                                    && o.values
                                        .iter()
                                        .any(|(v, _)| v.eq_ignore_ascii_case("false")))
                        })
                });
                if !guarded {
                    out.report(
                        c.pointer.clone(),
                        format!(
                            "`{}` on `{}` in an `Allow` also matches requests without `{}`",
                            c.op_text, c.key, c.key
                        ),
                    )
                    .help(format!(
                        "add `\"Null\": {{\"{}\": \"false\"}}` to the statement",
                        c.key
                    ));
                }
            }
        }
    }
}
