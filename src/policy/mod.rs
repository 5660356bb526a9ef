//! The policy model: IAM policy documents parsed into checked, compiled types.
//!
//! Stage two of the pipeline (load → **model** → graph → evaluate / lint → report).
//! [`Policy::parse_text`] and [`Policy::from_json`] accept every form AWS accepts
//! (docs/semantics.md §2, §3) and reject everything else with a collected list of
//! [`ParseError`]s, each carrying the file and the JSON pointer of the offending element.
//!
//! What we accept: `Version` `2012-10-17`, `2008-10-17` or absent; `Id`; `Statement` as an
//! object or an array; `Sid`, `Effect`, `Principal`/`NotPrincipal` (`"*"` or a map of `AWS`,
//! `Service`, `Federated`, `CanonicalUser`), `Action`/`NotAction`, `Resource`/`NotResource`
//! (or neither, as ECR repository and trust policies write it) and `Condition` with every
//! documented operator, `…IfExists`, and `ForAnyValue:`/`ForAllValues:`.
//!
//! What we reject: unknown elements (a misspelt `Condtion` would silently widen an `Allow`),
//! duplicate keys, unknown operators, condition values their operator cannot read, principal
//! values that name no principal, and documents larger than any policy AWS stores.
//! A policy with any error is not evaluated: callers report it, or treat what depends on it as
//! not verified.

mod err;
mod grant;
mod kind;
mod model;
pub mod names;
mod parse;
pub mod scalar;
pub mod template;

pub use err::{ParseError, ParseErrorKind, ParseErrors};
pub use grant::{Grant, GrantConstraints, Grantee, GRANT_OPERATIONS};
pub use kind::{DocKind, PolicyKind, SizeUnit};
pub use model::*;
pub use parse::{
    aws_principal, is_resource_value, is_unique_id, parse_operator, with_article, MAX_POLICY_BYTES,
};
