//! Errors found while turning a JSON document into a [`crate::policy::Policy`].

use std::fmt;
use std::sync::Arc;

use thiserror::Error;

use crate::json::Pointer;

/// One problem in one policy document, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file the policy came from, when there is one.
    pub file: Option<Arc<str>>,
    /// For a policy an export carries as text: the pointer of the string that carries it.
    pub carrier: Option<Pointer>,
    /// Where in the document: a pointer into the file, or (with a carrier) into the policy
    /// text.
    pub pointer: Pointer,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        if let Some(carrier) = &self.carrier {
            write!(f, "{carrier}#")?;
        }
        write!(f, "{}: {}", self.pointer, self.kind)
    }
}

impl std::error::Error for ParseError {}

/// What is wrong with a policy element.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text is not JSON.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// An element has the wrong JSON type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the grammar wants.
        expected: &'static str,
        /// What the document has.
        found: &'static str,
    },
    /// A required element is absent.
    #[error("missing `{0}`")]
    Missing(&'static str),
    /// Both of two exclusive elements are present.
    #[error("`{0}` and `{1}` cannot both be present")]
    Conflict(&'static str, &'static str),
    /// The same key appears twice in one object.
    #[error("duplicate key `{0}`")]
    DuplicateKey(String),
    /// A key the grammar does not know (AWS rejects such policies; we never guess).
    #[error("unknown element `{0}`")]
    UnknownElement(String),
    /// `Version` is neither `2012-10-17` nor `2008-10-17`.
    #[error("unsupported `Version` `{0}` (use `2012-10-17`)")]
    Version(String),
    /// `Effect` is neither `Allow` nor `Deny`.
    #[error("`Effect` must be `Allow` or `Deny`, found `{0}`")]
    Effect(String),
    /// A condition operator that does not exist.
    #[error("unknown condition operator `{0}`")]
    UnknownOperator(String),
    /// A condition value that its operator cannot use.
    #[error("`{operator}` cannot use value `{value}`: {reason}")]
    ConditionValue {
        /// The operator as written.
        operator: String,
        /// The value as written.
        value: String,
        /// Why not.
        reason: &'static str,
    },
    /// A principal value that is not a principal.
    #[error("`{0}` is not a valid principal")]
    Principal(String),
    /// A principal value that holds an unrendered template placeholder (so it names no
    /// principal).
    #[error("unrendered template placeholder {placeholders} in `{value}`")]
    PrincipalPlaceholder {
        /// The value.
        value: String,
        /// The placeholders, each in backticks.
        placeholders: String,
    },
    /// `Principal`/`NotPrincipal` in a kind of policy that does not take one.
    #[error("`{element}` in {kind}: this kind of policy applies to its own principal")]
    PrincipalNotAllowed {
        /// `Principal` or `NotPrincipal`.
        element: &'static str,
        /// `an identity policy`, `an SCP`.
        kind: &'static str,
    },
    /// A principal type key other than `AWS`, `Service`, `Federated`, `CanonicalUser`.
    #[error("unknown principal type `{0}`")]
    PrincipalType(String),
    /// An action that is not `*` and not `service:name`.
    #[error("`{0}` is not an action (expected `service:Name`)")]
    Action(String),
    /// A `Resource`/`NotResource` value that is neither `*` nor a complete ARN.
    #[error("`{0}` is not an ARN or `*`")]
    ResourceNotArn(String),
    /// A policy variable that never closes.
    #[error("unterminated policy variable in `{0}`")]
    Variable(String),
    /// A policy with no statement.
    #[error("a policy needs at least one statement")]
    NoStatement,
    /// Something else the storing service rejects, found by a rule (`XA0105`…).
    #[error("{message}")]
    Rejected {
        /// The rule's code.
        code: &'static str,
        /// What.
        message: String,
    },
    /// A document larger than any AWS policy type accepts.
    #[error("the policy is {0} bytes, larger than any AWS policy can be ({max} bytes)", max = super::MAX_POLICY_BYTES)]
    TooLarge(usize),
}

impl ParseErrorKind {
    /// The rule code this error is reported under (every one of them means AWS rejects the
    /// document).
    pub fn code(&self) -> &'static str {
        match self {
            ParseErrorKind::Json(_) => "XA0100",
            ParseErrorKind::UnknownOperator(_) => "XA0102",
            ParseErrorKind::ResourceNotArn(_) => "XA0106",
            ParseErrorKind::PrincipalPlaceholder { .. } => "XA0107",
            ParseErrorKind::PrincipalNotAllowed { .. } => "XA0108",
            ParseErrorKind::Missing("Principal") => "XA0109",
            ParseErrorKind::TooLarge(_) => "XA0111",
            ParseErrorKind::Rejected { code, .. } => code,
            _ => "XA0101",
        }
    }
}

impl ParseError {
    /// The rule code this error is reported under.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// Every error found in one document; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseErrors(pub Vec<ParseError>);

impl fmt::Display for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseErrors {}
