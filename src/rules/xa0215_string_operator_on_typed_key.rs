//! `XA0215 string-operator-on-typed-key`: a string operator (`StringEquals`, `StringLike`…) on
//! a condition key whose values are numbers, dates or booleans.

use crate::catalog::ConditionValueType;
use crate::diagnostic::Severity;
use crate::policy::BaseOp;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0215 string-operator-on-typed-key`.
pub struct StringOperatorOnTypedKey;

static META: RuleMeta = RuleMeta {
    code: "XA0215",
    name: "string-operator-on-typed-key",
    severity: Severity::Warning,
    summary: "a string operator on a numeric, date or boolean condition key",
    docs: r##"## What it does
Flags a string operator (`StringEquals`, `StringNotEquals`, their `IgnoreCase` forms,
`StringLike`, `StringNotLike`, with or without `IfExists` or a set qualifier) on a condition
key whose type in AWS's data is `Numeric`, `Date` or `Bool` (`s3:signatureAge`,
`aws:CurrentTime`, `aws:SecureTransport`…). Keys AWS's data does not list are not checked,
nor `StringEquals`/`StringNotEquals` on a boolean key with the values `"true"`/`"false"`
(AWS's own managed policies write `StringEquals` `aws:ViaAWSService` `"true"`: comparing
the text is comparing the value).

## Why is this bad?
The operator compares text, not the value: `"600000"` and `"6e5"`, or two spellings of one
instant, differ as text; `StringLike` with `*` on a date is no range; and a value that is
not a number at all (`"bad"`) is accepted without complaint and never matches. IAM's policy
validation reports this as a type mismatch. Use the operator family of the key's type.

## Example
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::my-bucket/*",
 "Condition": {"StringEquals": {"s3:signatureAge": "600000"}}}
```

## Use instead
```json
{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::my-bucket/*",
 "Condition": {"NumericGreaterThan": {"s3:signatureAge": "600000"}}}
```

## References
- [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
- [IAM policy validation check reference: Type mismatch](https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html)
"##,
};

/// Whether `op` compares text.
fn is_string_operator(op: BaseOp) -> bool {
    matches!(
        op,
        BaseOp::StringEquals
            | BaseOp::StringNotEquals
            | BaseOp::StringEqualsIgnoreCase
            | BaseOp::StringNotEqualsIgnoreCase
            | BaseOp::StringLike
            | BaseOp::StringNotLike
    )
}

/// The operator family to use for a key of type `t`, when it is not text.
fn family(t: &ConditionValueType) -> Option<&'static str> {
    match t {
        ConditionValueType::Numeric => {
            Some("`NumericEquals`, `NumericLessThan`, `NumericGreaterThan`…")
        }
        ConditionValueType::Date => Some("`DateEquals`, `DateLessThan`, `DateGreaterThan`…"),
        ConditionValueType::Bool | ConditionValueType::ArrayOfBool => Some("`Bool`"),
        _ => None,
    }
}

impl Rule for StringOperatorOnTypedKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            for c in &s.conditions {
                let Some(op) = &c.op else { continue };
                if !is_string_operator(op.base) {
                    continue;
                }
                let Some(key) = doc.catalog.condition_key(c.key) else {
                    continue;
                };
                let Some(use_instead) = family(&key.value_type) else {
                    continue;
                };
                let boolean = matches!(
                    key.value_type,
                    ConditionValueType::Bool | ConditionValueType::ArrayOfBool
                );
                if boolean
                    && matches!(op.base, BaseOp::StringEquals | BaseOp::StringNotEquals)
                    && c.values.iter().all(|(v, _)| v == "true" || v == "false")
                {
                    // The text of the value is the value: same answer as `Bool`.
                    continue;
                }
                out.report(
                    c.pointer.clone(),
                    format!(
                        "`{}` compares text, but `{}` is of type `{}`",
                        c.op_text, c.key, key.value_type
                    ),
                )
                .related(c.op_pointer.clone(), "the operator")
                .help(format!("use an operator of its type: {use_instead}"));
            }
        }
    }
}
