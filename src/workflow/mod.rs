//! Cross-account workflows (`xacct check`): can this caller complete this workflow, such as
//! registering a model version into another account's registry?
//!
//! Stage four of the pipeline for the workflow question. A [`Scenario`] (data from
//! `data/scenarios/`) lists the steps; the [`RegistrationRequest`] (the `create-model-package` input)
//! and the loaded [`Inventory`] give every step its principal, resource and policies; the
//! engine decides each action. Each outcome is allowed, denied (explicitly, naming the
//! statement, or implicitly, naming the side with no allow) or not verified (naming the data
//! that is missing), with the minimal statement to add for each denial ([`fix`]). Nothing
//! here renders: [`crate::report`] does.

mod chain;
mod consumer;
mod decide;
pub mod fix;
pub mod fix_form;
pub mod fix_plan;
pub mod inputs;
mod plausibility;
pub mod registries;
pub mod request;
mod run;
mod share;
mod steps;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use request::RegistrationRequest;

use crate::diagnostic::{Diagnostic, Location};
use crate::eval::{authorize, Context, ContextValue, Decision, Principal, Requirement};
use crate::inventory::{Inventory, Known, Side};
use crate::json::Pointer;
use crate::lint::LintCache;
use crate::policy::Policy;
use crate::scenario::{Actor, PolicySource, Scenario, Sides, Stage, Step};

/// What the user gives besides the request.
#[derive(Debug, Clone)]
pub struct CheckInput {
    /// The principal that calls `CreateModelPackage` (a role ARN in the training account).
    pub caller: String,
    /// The principal that will use the package in the registry account; `None`: the
    /// registry account as a whole.
    pub consumer: Option<String>,
    /// The KMS key the artifact was written with, when the user names it.
    pub artifact_key: Option<String>,
}

/// The outcome of one action of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Status {
    /// Every applicable policy allows it.
    Allowed,
    /// Denied.
    Denied {
        /// By a `Deny` statement (or a policy AWS would reject); `false`: no required allow.
        explicit: bool,
    },
    /// Data needed to decide is missing.
    NotVerified,
}

/// A statement (or another place) of a named policy: where it is, its `Sid`, which policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// The statement's `Sid`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Which policy (for humans).
    pub policy: String,
}

impl Place {
    /// A place in the request file (no statement, no policy).
    fn request(file: &Arc<str>, pointer: Pointer) -> Place {
        Place {
            location: Location::new(file.clone(), pointer),
            sid: None,
            policy: "request".into(),
        }
    }
}

/// The outcome of one action of one step (for one container and matrix value).
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The step.
    pub step: String,
    /// Its title.
    pub title: String,
    /// Who acts.
    pub actor: Actor,
    /// The acting principal.
    pub principal: String,
    /// The container, for container steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<usize>,
    /// The action.
    pub action: String,
    /// Required (or advisory).
    pub required: bool,
    /// The resource.
    pub resource: String,
    /// The answer.
    #[serde(flatten)]
    pub status: Status,
    /// What the loaded policies decide, unknowns aside (`None`: nothing was evaluated).
    pub decision: Option<Decision>,
    /// Why, in sentences: the decision (the statements that allowed, the side whose allow
    /// is missing, the statements that denied) and notes; never the unknowns.
    pub reasons: Vec<String>,
    /// What could still change the answer (data that is not exported, statements that
    /// cannot be decided), each once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknowns: Vec<String>,
    /// The statements that allowed (identity, resource and key policies, grants aside).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_by: Vec<Place>,
    /// The statements that denied.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_by: Vec<Place>,
    /// Which required allows are missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Requirement>,
    /// What to change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<fix::Fix>,
    /// The account of the principal and of the resource (for the graph renderers).
    pub principal_account: Option<String>,
    /// The resource's owner.
    pub resource_account: Option<String>,
}

/// A plausibility check (not an authorization).
#[derive(Debug, Clone, Serialize)]
pub struct Plausibility {
    /// What was checked.
    pub check: String,
    /// Whether it holds (`None`: could not be checked).
    pub ok: Option<bool>,
    /// Details.
    pub message: String,
    /// Where, when a file is involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Place>,
}

/// The answer for the whole workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every required action is allowed and every plausibility check holds.
    Possible,
    /// Some required action is denied, or a plausibility check fails.
    NotPossible,
    /// Nothing is denied, but something could not be verified.
    NotVerified,
}

/// Everything `check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The scenario's id.
    pub scenario: String,
    /// Its title.
    pub title: String,
    /// The request file.
    pub request: String,
    /// The caller.
    pub caller: String,
    /// The consumer (or the registry account root).
    pub consumer: String,
    /// How the consumer was chosen, when no `--consumer` was named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_note: Option<String>,
    /// What the report assumes that no export says (an account in no organization…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// Every outcome, in scenario order.
    pub outcomes: Vec<Outcome>,
    /// Steps that did not apply, with why (a KMS step for an artifact encrypted without KMS).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// Plausibility checks.
    pub plausibility: Vec<Plausibility>,
    /// Lint errors in policies the steps depend on (AWS rejects such policies).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policy_errors: Vec<Diagnostic>,
    /// Policies that AWS rejects (or whose statements cannot be read) and that made some
    /// step undecided: each with its first defect.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub defective: Vec<Place>,
    /// The verdict.
    pub verdict: Verdict,
    /// Every policy to change, as a whole new document with the command that applies it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<fix_plan::PolicyChange>,
    /// The verdict once the changes are applied (in memory, to the same exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_changes: Option<Verdict>,
    /// What no change to the exports fixes (a training job's key, the request), for humans.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_fixable: Vec<String>,
    /// Where the scenario sits in the model registry workflow, in a chain of scenarios.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// What the report is about, when the inputs are more than one request (a pipeline's
    /// step, a training job).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Where the caller comes from, when the input names it (a pipeline's execution role).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_note: Option<String>,
    /// What the verdict is about (`registration`, `deployment`), for humans.
    #[serde(skip)]
    pub subject: String,
}

impl CheckReport {
    /// Every location the report holds (to fill in their lines before it is rendered).
    pub fn locations_mut(&mut self) -> Vec<&mut Location> {
        let mut out: Vec<&mut Location> = Vec::new();
        for o in &mut self.outcomes {
            out.extend(o.denied_by.iter_mut().map(|d| &mut d.location));
            out.extend(o.fixes.iter_mut().filter_map(|f| f.location.as_mut()));
        }
        out.extend(
            self.plausibility
                .iter_mut()
                .filter_map(|p| p.at.as_mut().map(|a| &mut a.location)),
        );
        out.extend(self.defective.iter_mut().map(|d| &mut d.location));
        out
    }

    /// Required outcomes with this status.
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.required && f(&o.status))
            .count()
    }

    /// Advisory outcomes with this status.
    pub fn count_advisory(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.outcomes
            .iter()
            .filter(|o| !o.required && f(&o.status))
            .count()
    }

    /// Every unknown of the report, each once, in the order the steps first name it.
    pub fn unknowns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for u in self.outcomes.iter().flat_map(|o| o.unknowns.iter()) {
            if !out.contains(&u.as_str()) {
                out.push(u);
            }
        }
        out
    }
}

/// One action of one step, for one container: what a run decides.
#[derive(Clone, Copy)]
struct Ask<'s> {
    step: &'s Step,
    container: Option<usize>,
    action: &'s str,
    required: bool,
}

/// The facts one run shares across steps.
struct Run<'a> {
    inv: &'a Inventory,
    request: &'a RegistrationRequest,
    caller: Principal,
    caller_text: String,
    consumer: Principal,
    consumer_text: String,
    consumer_given: bool,
    artifact_key: Option<String>,
    /// Lint errors per policy file, computed once.
    lint_cache: &'a mut LintCache,
    /// The SCP chain of each caller's account, worked out once for all the steps.
    chains: crate::inventory::ScpChains<'a>,
    policy_errors: Vec<Diagnostic>,
    defective: Vec<Place>,
    skipped: Vec<String>,
}

pub use chain::{chain, ChainReport, Roles};
pub use run::{check, check_with};
