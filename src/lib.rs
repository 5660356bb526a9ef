//! xacct: an offline AWS cross-account policy simulator and auditor.
//!
//! xacct reads exported policy files (no credentials, no network) and answers whether a
//! request would be allowed, with a trace of why. The pipeline, one stage per module:
//!
//! 1. **load** ([`load`], [`json`], [`source`]): find and read input files, recognize what
//!    each holds (one classifier), and read AWS CLI exports, Terraform plans and policy files
//!    into the [`inventory`] model (accounts, principals, resources, organization);
//! 2. **model** ([`policy`], [`arn`], [`pattern`], [`catalog`], [`rules`]): check and
//!    compile policy documents; AWS's service data; the validation every path shares;
//! 3. **evaluate** ([`eval`]): decide requests as AWS's evaluation logic does, failing
//!    closed on anything defective or unknown; [`graph`] builds who-can-reach-what on it;
//! 4. **features**: [`workflow`] (`check`: can a registration work, step by step, with
//!    [`scenario`] data), [`whocan`], [`diff`], [`audit`] (an organization at scale) and
//!    [`lint`] (policy files), each producing findings in the one [`diagnostic`] spine;
//! 5. **report** ([`report`]): render every command's result as table, JSON, SARIF or
//!    diagrams, with one format list and one schema version per document.
//!
//! The command-line interface ([`cli`]) is a thin layer over these; [`error`] is the crate's
//! error type.

pub mod arn;
pub mod audit;
pub mod catalog;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod eval;
pub mod graph;
pub mod inventory;
pub mod json;
pub mod lint;
pub mod load;
pub mod pattern;
pub mod policy;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod source;
pub mod whocan;
pub mod workflow;
