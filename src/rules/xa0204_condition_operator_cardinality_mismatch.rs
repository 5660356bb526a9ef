//! `XA0204 condition-operator-cardinality-mismatch`: a single-valued operator on a
//! multivalued key, or a set operator on a single-valued key.

use crate::diagnostic::Severity;
use crate::policy::BaseOp;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0204 condition-operator-cardinality-mismatch`.
pub struct ConditionOperatorCardinalityMismatch;

static META: RuleMeta = RuleMeta {
    code: "XA0204",
    name: "condition-operator-cardinality-mismatch",
    severity: Severity::Warning,
    summary: "a single-valued operator on a multivalued key, or the reverse",
    docs: r##"## What it does
Flags a condition whose operator does not fit the key's cardinality as AWS's data types it
(`ArrayOf…` keys are multivalued): a plain operator such as `StringEquals` on a multivalued
key (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`), or `ForAnyValue:`/
`ForAllValues:` on a single-valued key (`aws:SourceIp`, `kms:EncryptionContext:…`). `Null`
fits both. Keys xacct does not know are not checked.

## Why is this bad?
A plain operator on a multivalued key does not compare the set (AWS reports such statements
as never matching), so an `Allow` grants nothing and a `Deny` protects nothing. A set
operator on a single-valued key can be overly permissive: `ForAllValues:` is true when the
key is absent.

## Example
```json
"Condition": {"StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-ab12/ou-ab12-11111111/*"}}
```

## Use instead
```json
"Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-ab12/ou-ab12-11111111/*"}}
```

## References
- [Single-valued vs. multivalued context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
"##,
};

impl Rule for ConditionOperatorCardinalityMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            for c in &s.conditions {
                let Some(op) = &c.op else { continue };
                if op.base == BaseOp::Null {
                    continue;
                }
                let Some(key) = doc.catalog.condition_key(c.key) else {
                    continue;
                };
                let multi = key.value_type.is_array();
                if multi && op.set.is_none() {
                    out.report(
                        c.pointer.clone(),
                        format!(
                            "`{}` is a single-valued operator but `{}` is multivalued (`{}`)",
                            c.op_text, c.key, key.value_type
                        ),
                    )
                    .help(format!(
                        "use `ForAnyValue:{0}` (some value matches) or `ForAllValues:{0}` (every value matches)",
                        c.op_text
                    ));
                } else if !multi && op.set.is_some() {
                    let base = c.op_text.split_once(':').map_or(c.op_text, |(_, b)| b);
                    out.report(
                        c.pointer.clone(),
                        format!(
                            "`{}` is a set operator but `{}` is single-valued (`{}`)",
                            c.op_text, c.key, key.value_type
                        ),
                    )
                    .help(format!("use `{base}`"));
                }
            }
        }
    }
}
