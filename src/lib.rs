//! xacct: an offline AWS cross-account policy simulator and auditor.
//!
//! xacct reads exported policy files (no credentials, no network) and answers whether a
//! request would be allowed, with a trace of why. The pipeline:
//!
//! 1. **load** ([`load`], [`json`]): read files into JSON trees, recognize what they hold;
//! 2. **model** ([`policy`], [`arn`], [`pattern`]): check and compile policy documents;
//! 3. **evaluate** ([`eval`]): decide requests as AWS's evaluation logic does;
//! 4. **report** ([`report`]): render decisions and traces as tables or JSON.
//!
//! The command-line interface ([`cli`]) is a thin layer over these.

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
