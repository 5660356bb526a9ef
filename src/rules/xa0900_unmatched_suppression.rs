//! `XA0900 unmatched-suppression`: a suppression in the configuration file that matched no
//! finding. The run emits it after applying suppressions.

use crate::diagnostic::codes;
use crate::rules::Rule;

/// `XA0900 unmatched-suppression`.
pub struct UnmatchedSuppression;

impl Rule for UnmatchedSuppression {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::UNMATCHED_SUPPRESSION
    }
}
