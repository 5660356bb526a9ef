//! The crate's "could not run" errors. Findings (denials, lint results) are never errors;
//! an [`enum@Error`] always means exit code 2.

use thiserror::Error;

use crate::load::cases::CaseError;
use crate::policy::ParseErrors;

/// Something xacct could not read or do.
#[derive(Debug, Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be read (not a regular file, too large, not UTF-8…).
    #[error("{path}: {why}")]
    File {
        /// The file.
        path: String,
        /// Why (said in the message: not a separate cause).
        why: crate::load::fs::FileError,
    },
    /// A policy document has errors (each with file and pointer).
    #[error("{0}")]
    Policy(ParseErrors),
    /// A case line could not be read.
    #[error("{0}")]
    Case(CaseError),
    /// Arguments that cannot work together, or a value that is not what the flag takes.
    #[error("{0}")]
    Usage(String),
    /// xacct's own data or logic failed where it never should (a bug to report).
    #[error("internal error: {0} (please report this)")]
    Internal(String),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

impl From<ParseErrors> for Error {
    fn from(e: ParseErrors) -> Self {
        Error::Policy(e)
    }
}

impl From<crate::load::fs::FileAt> for Error {
    fn from(e: crate::load::fs::FileAt) -> Self {
        Error::File {
            path: e.path,
            why: e.why,
        }
    }
}
