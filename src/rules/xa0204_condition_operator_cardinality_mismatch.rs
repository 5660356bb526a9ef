//! `XA0204 condition-operator-cardinality-mismatch`: a single-valued operator on a
//! multivalued key, or a set operator on a single-valued key.

use crate::diagnostic::codes;
use crate::policy::BaseOp;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0204 condition-operator-cardinality-mismatch`.
pub struct ConditionOperatorCardinalityMismatch;

impl Rule for ConditionOperatorCardinalityMismatch {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::CONDITION_OPERATOR_CARDINALITY_MISMATCH
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements() {
            for c in &s.conditions {
                let Some(op) = &c.op else { continue };
                if op.base == BaseOp::Null {
                    continue;
                }
                let Some(key) = crate::catalog::condition_key_of(doc.catalog, c.key) else {
                    continue;
                };
                let multi = key.value_type.is_array();
                if multi && op.set.is_none() {
                    out.report(
                        &c.pointer,
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
                        &c.pointer,
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
