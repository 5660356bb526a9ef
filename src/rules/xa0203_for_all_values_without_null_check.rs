//! `XA0203 for-all-values-without-null-check`: `ForAllValues:` in an `Allow` without a
//! check that the key is present.

use crate::diagnostic::codes;
use crate::policy::{BaseOp, SetQualifier};
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0203 for-all-values-without-null-check`.
pub struct ForAllValuesWithoutNullCheck;

impl Rule for ForAllValuesWithoutNullCheck {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::FOR_ALL_VALUES_WITHOUT_NULL_CHECK
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements().iter().filter(|s| s.is_allow()) {
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
                        &c.pointer,
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
