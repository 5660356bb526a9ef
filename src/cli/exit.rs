//! Exit codes, part of the command-line API.

use std::process::ExitCode;

/// The exit-code table printed in `--help` and the README.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  allowed / passed: no finding at or above the threshold
  1  denied / findings: the request is denied, a case did not match its expected
     decision, or the check failed
  2  could not run: bad input (unreadable file, invalid JSON or policy, bad flag)";

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: allowed, passed.
    Success,
    /// 1: denied, findings, mismatches.
    Failure,
    /// 2: could not run.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        match s {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

impl ExitStatus {
    /// The status of exit code `code` (0, 1, anything else 2).
    pub fn from_code(code: u8) -> ExitStatus {
        match code {
            0 => ExitStatus::Success,
            1 => ExitStatus::Failure,
            _ => ExitStatus::Error,
        }
    }
}
