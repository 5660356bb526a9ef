//! `XA0901 unrecognized-file`: a JSON file that holds neither a policy document nor a
//! known AWS CLI export. The run emits it while classifying inputs.

use crate::diagnostic::codes;
use crate::rules::Rule;

/// `XA0901 unrecognized-file`.
pub struct UnrecognizedFile;

impl Rule for UnrecognizedFile {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::UNRECOGNIZED_FILE
    }
}
