//! The evaluator: decides one request under a set of compiled policies, as AWS does.
//!
//! Stage four of the pipeline (load → model → graph → **evaluate** / lint → report).
//! [`authorize`] takes a [`Request`] and a [`PolicySet`] and returns a [`Response`]: one of
//! AWS's three [`Decision`]s and a [`Trace`] that says which statements applied, which
//! required allow was missing, and what could not be decided. The trace is data; the
//! renderers in [`crate::report`] decide how it looks.
//!
//! Fail closed: a statement that cannot be decided (a defective statement, one of a policy
//! AWS would reject, a request value its operator cannot read) never allows and may deny;
//! when it could make the difference, the response is indeterminate and every report says
//! "not verified" with the reason, never "allowed".

mod authorizer;
mod condition;
pub mod explain;
mod request;
mod s3;
mod statement;
mod trace;

pub use authorizer::{authorize, Buckets, Caller, PolicySet, World, RCP_SERVICES};
pub use condition::holds;
pub use request::{Context, ContextValue, Principal, Request};
pub use s3::{is_public_policy, BucketFacts, ObjectOwner, ObjectOwnership, PublicAccessBlock};
pub use statement::{applies, principal_match, Applies, EvalError, PrincipalMatch, Tri};
pub use trace::{Decision, GrantMatch, Matched, PolicyRef, Requirement, Response, Trace};
