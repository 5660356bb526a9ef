//! `XA0301 redundant-action`: an `Action` value that another value of the same statement
//! already covers.

use crate::diagnostic::codes;
use crate::pattern::Case;
use crate::rules::doc::{PolicyDoc, StringsElement};
use crate::rules::shared::pattern_covers;
use crate::rules::{Findings, Rule};

/// `XA0301 redundant-action`.
pub struct RedundantAction;

/// Reports every value of `el` that another value covers (for equal values, the later one).
pub fn redundant_values(el: &StringsElement<'_>, case: Case, what: &str, out: &mut Findings) {
    for (i, v) in el.values.iter().enumerate() {
        let by = el.values.iter().enumerate().find(|(j, w)| {
            *j != i
                && pattern_covers(w.text, v.text, case)
                && (!pattern_covers(v.text, w.text, case) || *j < i)
        });
        if let Some((_, w)) = by {
            out.report(
                v.pointer.clone(),
                format!("{what} `{}` is already covered by `{}`", v.text, w.text),
            )
            .related(w.pointer.clone(), "covered by this value")
            .help(format!("remove `{}`", v.text));
        }
    }
}

impl Rule for RedundantAction {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::REDUNDANT_ACTION
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            if let Some(a) = &s.action {
                redundant_values(a, Case::Insensitive, "action", out);
            }
        }
    }
}
