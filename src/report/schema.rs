//! The schema version of every JSON document xacct writes, in one list. A version changes
//! when a field is removed or changes meaning; added fields keep it.

/// `simulate --format json` (flags or inventory): the decision and its trace.
/// 2: problems with the inputs are diagnostics (`code`, `severity`, `location`).
pub const SIMULATE: u32 = 2;

/// `check --format json`.
pub const CHECK: u32 = 2;

/// `lint --format json`.
pub const LINT: u32 = 1;

/// `audit --format json` (read back by `--baseline` and `audit merge`).
pub const AUDIT: u32 = crate::audit::outcome::SCHEMA_VERSION;

/// `graph --format json`.
pub const GRAPH: u32 = 1;

/// `diff --format json`. 2: problems are diagnostics.
pub const DIFF: u32 = 2;

/// `who-can --format json`. 2: problems are diagnostics.
pub const WHO_CAN: u32 = 2;
