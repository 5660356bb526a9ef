//! `XA0100 invalid-json`: a file, or a policy text carried inside one, that is not JSON.
//! The run emits it while reading; a file with this finding makes `lint` exit 2.

use crate::diagnostic::codes;
use crate::rules::Rule;

/// `XA0100 invalid-json`.
pub struct InvalidJson;

impl Rule for InvalidJson {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::INVALID_JSON
    }
}
