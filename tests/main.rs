//! The single integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod assemble_halves;
mod audit;
mod audit_cache;
mod aws_examples;
mod check;
mod check_fixes;
mod check_stated;
mod cli;
mod cloudformation;
mod cloudformation_resources;
mod command_line;
mod conformance;
mod fail_closed;
mod formats;
mod golden;
mod html;
mod inventory;
mod lint;
mod load_reuse;
mod managed_policies;
mod positions;
mod properties;
mod resource_types;
mod sarif;
mod semantics;
mod shard_auto;
mod terraform_plans;
mod util;
mod who_can_unknown;
mod workflows;
