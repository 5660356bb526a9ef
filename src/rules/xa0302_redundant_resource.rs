//! `XA0302 redundant-resource`: a `Resource` value that another value of the same statement
//! already covers.

use crate::diagnostic::codes;
use crate::pattern::Case;
use crate::rules::doc::PolicyDoc;
use crate::rules::xa0301_redundant_action::redundant_values;
use crate::rules::{Findings, Rule};

/// `XA0302 redundant-resource`.
pub struct RedundantResource;

impl Rule for RedundantResource {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::REDUNDANT_RESOURCE
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Values compare pairwise: not on a document larger than AWS accepts (XA0111).
        if doc.oversized() {
            return;
        }
        for s in doc.statements() {
            if let Some(r) = &s.resource {
                redundant_values(r, Case::Sensitive, "resource", out);
            }
        }
    }
}
