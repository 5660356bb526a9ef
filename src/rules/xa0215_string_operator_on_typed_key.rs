//! `XA0215 string-operator-on-typed-key`: a string operator (`StringEquals`, `StringLike`…) on
//! a condition key whose values are numbers, dates or booleans.

use crate::catalog::ConditionValueType;
use crate::diagnostic::codes;
use crate::policy::BaseOp;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0215 string-operator-on-typed-key`.
pub struct StringOperatorOnTypedKey;

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
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::STRING_OPERATOR_ON_TYPED_KEY
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements() {
            for c in &s.conditions {
                let Some(op) = &c.op else { continue };
                if !is_string_operator(op.base) {
                    continue;
                }
                let Some(key) = crate::catalog::condition_key_of(doc.catalog, c.key) else {
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
                    &c.pointer,
                    format!(
                        "`{}` compares text, but `{}` is of type `{}`",
                        c.op_text, c.key, key.value_type
                    ),
                )
                .related(&c.op_pointer, "the operator")
                .help(format!("use an operator of its type: {use_instead}"));
            }
        }
    }
}
