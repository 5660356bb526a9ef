//! The trace of a decision, as data: which statements applied, which required allow was
//! missing, what could not be decided. Rendering lives in [`crate::report`].

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::statement::{EvalError, PrincipalMatch};
use crate::policy::{Effect, Grant, Policy, PolicyKind, Statement};

/// The three answers AWS gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// Denied because nothing (or not everything required) allowed it.
    ImplicitDeny,
    /// Denied by a `Deny` statement.
    ExplicitDeny,
}

impl Decision {
    /// The name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ImplicitDeny => "ImplicitDeny",
            Decision::ExplicitDeny => "ExplicitDeny",
        }
    }
}

/// Which policy, within the set that was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyRef {
    /// Its kind.
    pub kind: PolicyKind,
    /// For SCPs and RCPs, the level in the organization path (0 = root).
    pub level: Option<usize>,
    /// Its position among the policies of its kind (and level).
    pub index: usize,
}

/// A statement that applied (or might have: see `indeterminate`).
#[derive(Debug, Clone)]
pub struct Matched<'p> {
    /// Which policy.
    pub at: PolicyRef,
    /// The policy.
    pub policy: &'p Policy,
    /// The statement.
    pub statement: &'p Statement,
    /// For resource policies, how the statement names the caller.
    pub principal: Option<PrincipalMatch>,
    /// Why the statement could not be decided, when it could not: it might apply. An
    /// undecided `Deny` may deny; an undecided `Allow` never allows.
    pub indeterminate: Option<EvalError>,
}

impl Matched<'_> {
    /// Where the statement lives, for people: `file: /pointer` (or `file:line:column`), or
    /// the policy's name and pointer when it came from no file.
    pub fn location_text(&self) -> String {
        let origin = &self.policy.origin;
        match &origin.file {
            Some(_) => origin.location(&self.statement.pointer()).to_string(),
            None => format!(
                "{}: {}",
                origin.name.as_deref().unwrap_or("-"),
                self.statement.pointer()
            ),
        }
    }

    /// The policy's label with its level: `SCP level 1 `deny-leave``, `identity policy`.
    pub fn policy_label(&self) -> String {
        let kind = self.at.kind.label();
        let name = self
            .policy
            .origin
            .name
            .as_deref()
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        match self.at.level {
            Some(level) => format!("{kind} level {level}{name}"),
            None => format!("{kind}{name}"),
        }
    }

    /// The statement's effect; `None` when it cannot be read.
    pub fn effect(&self) -> Option<Effect> {
        self.statement.effect
    }

    /// A `Deny` that certainly applied.
    pub fn denies(&self) -> bool {
        self.indeterminate.is_none() && self.statement.effect == Some(Effect::Deny)
    }
}

/// A required allow that was not there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "requirement", rename_all = "kebab-case")]
pub enum Requirement {
    /// An identity policy must allow (cross-account, or the resource policy only delegates).
    IdentityPolicy,
    /// Either an identity policy or the resource policy must allow (same account).
    IdentityOrResourcePolicy,
    /// The resource policy must name the caller (cross-account).
    ResourcePolicy,
    /// The KMS key policy (or a grant) must allow, even in the same account.
    KeyPolicy,
    /// The role's trust policy must allow, even in the same account.
    TrustPolicy,
    /// The permissions boundary must allow.
    PermissionsBoundary,
    /// The session policy must allow.
    SessionPolicy,
    /// An SCP at this level of the caller's organization path must allow.
    Scp {
        /// 0 = organization root.
        level: usize,
    },
    /// A VPC endpoint policy must allow.
    VpcEndpointPolicy {
        /// Which one.
        index: usize,
    },
}

impl Requirement {
    /// Human description.
    pub fn describe(&self) -> String {
        match self {
            Requirement::IdentityPolicy => "no identity policy allows it".into(),
            Requirement::IdentityOrResourcePolicy => "neither an identity policy nor the resource policy allows it".into(),
            Requirement::ResourcePolicy => "the resource policy does not allow the caller".into(),
            Requirement::KeyPolicy => "the key policy does not allow it (and IAM policies count only when it delegates to the account)".into(),
            Requirement::TrustPolicy => "the role's trust policy does not allow the caller".into(),
            Requirement::PermissionsBoundary => "the permissions boundary does not allow it".into(),
            Requirement::SessionPolicy => "the session policy does not allow it".into(),
            Requirement::Scp { level } => format!("no SCP at organization level {level} allows it"),
            Requirement::VpcEndpointPolicy { index } => format!("VPC endpoint policy {index} does not allow it"),
        }
    }
}

/// Everything that explains a decision.
#[derive(Debug, Clone, Default)]
pub struct Trace<'p> {
    /// Whether caller and resource are in one account (`None`: the owner is unknown, and the
    /// request was evaluated as cross-account).
    pub same_account: Option<bool>,
    /// Statements that applied, in evaluation order.
    pub matched: Vec<Matched<'p>>,
    /// For an implicit deny: the required allows that were missing.
    pub missing: Vec<Requirement>,
    /// KMS grants that applied.
    pub grants: Vec<GrantMatch<'p>>,
    /// Facts that were needed but missing (the decision is then never `Allow`).
    pub unverified: Vec<String>,
    /// Notes on policy types that did not apply (SCPs for a service principal…).
    pub notes: Vec<&'static str>,
}

/// A KMS grant that applied to the request.
#[derive(Debug, Clone)]
pub struct GrantMatch<'p> {
    /// The grant.
    pub grant: &'p Grant,
    /// How it names the caller.
    pub principal: PrincipalMatch,
}

impl Serialize for GrantMatch<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("GrantMatch", 5)?;
        st.serialize_field("grant_id", &self.grant.id)?;
        st.serialize_field("grantee", &self.grant.grantee_text)?;
        st.serialize_field("operations", &self.grant.operations)?;
        st.serialize_field("origin", &self.grant.origin)?;
        st.serialize_field("principal_match", &self.principal)?;
        st.end()
    }
}

/// A decision and its trace.
#[derive(Debug, Clone)]
pub struct Response<'p> {
    /// The answer. When [`Response::indeterminate`], a deny that statements which cannot be
    /// decided could turn into an allow.
    pub decision: Decision,
    /// Statements that cannot be decided (see [`Response::undecided`]) might make the request
    /// allowed: it is neither allowed nor denied, and reports say "not verified".
    pub indeterminate: bool,
    /// Why.
    pub trace: Trace<'p>,
}

impl Response<'_> {
    /// True when the decision cannot be known: undecided statements could allow it. It is
    /// then reported as a deny, never an allow.
    pub fn is_indeterminate(&self) -> bool {
        self.indeterminate
    }

    /// The `Deny` statements that certainly applied.
    pub fn denied_by(&self) -> impl Iterator<Item = &Matched<'_>> {
        self.trace.matched.iter().filter(|m| m.denies())
    }

    /// The statements that might have applied but cannot be decided, with why.
    pub fn undecided(&self) -> impl Iterator<Item = (&Matched<'_>, &EvalError)> {
        self.trace
            .matched
            .iter()
            .filter_map(|m| m.indeterminate.as_ref().map(|e| (m, e)))
    }
}

impl Serialize for Matched<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Matched", 10)?;
        st.serialize_field("policy_type", &self.at.kind)?;
        st.serialize_field("level", &self.at.level)?;
        st.serialize_field("policy_index", &self.at.index)?;
        st.serialize_field("origin", &self.policy.origin)?;
        st.serialize_field("statement", &self.statement.index)?;
        st.serialize_field("sid", &self.statement.sid)?;
        st.serialize_field("pointer", &self.statement.pointer())?;
        st.serialize_field("effect", &self.statement.effect)?;
        st.serialize_field("principal_match", &self.principal)?;
        st.serialize_field("indeterminate", &self.indeterminate)?;
        st.end()
    }
}

impl Serialize for Response<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Response", 8)?;
        st.serialize_field("decision", &self.decision)?;
        st.serialize_field("indeterminate", &self.is_indeterminate())?;
        st.serialize_field("same_account", &self.trace.same_account)?;
        st.serialize_field("matched", &self.trace.matched)?;
        st.serialize_field("grants", &self.trace.grants)?;
        st.serialize_field("missing", &self.trace.missing)?;
        st.serialize_field("unverified", &self.trace.unverified)?;
        st.serialize_field("notes", &self.trace.notes)?;
        st.end()
    }
}
