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

pub mod fix;
pub mod request;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

pub use request::RegistrationRequest;

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::eval::{authorize, Context, ContextValue, Decision, Principal, Requirement};
use crate::inventory::{Inventory, Known};
use crate::json::Pointer;
use crate::policy::Policy;
use crate::scenario::{Actor, Scenario, Sides, Step};

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
    /// Why, in sentences.
    pub reasons: Vec<String>,
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
    /// Every outcome, in scenario order.
    pub outcomes: Vec<Outcome>,
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
    lint_cache: &'a mut LintErrors,
    policy_errors: Vec<Diagnostic>,
    defective: Vec<Place>,
}

/// The lint errors (what AWS would reject) of policy files, by path: worked out once and
/// shared by the checks of a run. A caller that has already linted a file with every rule
/// and the default severities hands its errors in with [`LintErrors::seed`].
#[derive(Debug, Default)]
pub struct LintErrors(HashMap<String, Vec<Diagnostic>>);

impl LintErrors {
    /// Records the lint errors of `path` (diagnostics of other severities are dropped).
    pub fn seed<'d>(&mut self, path: &str, diagnostics: impl IntoIterator<Item = &'d Diagnostic>) {
        let errors = diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        self.0.insert(path.to_owned(), errors);
    }

    /// The errors of the file at `path`, read and linted on first use (unreadable: none).
    fn of(&mut self, path: &str) -> &[Diagnostic] {
        if !self.0.contains_key(path) {
            let errors = crate::load::fs::read_text(std::path::Path::new(path))
                .map(|text| LintErrors::lint(path, &text))
                .unwrap_or_default();
            self.0.insert(path.to_owned(), errors);
        }
        self.0.get(path).map_or(&[], Vec::as_slice)
    }

    /// The lint errors of `text`, the content of the file at `path`: every rule, the default
    /// severities (none when AWS's action data cannot be loaded).
    pub fn lint(path: &str, text: &str) -> Vec<Diagnostic> {
        let Ok(catalog) = crate::catalog::catalog() else {
            return Vec::new();
        };
        crate::lint::lint_text(path, text, &crate::lint::LintOptions::default(), catalog)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }
}

/// Runs the scenario. Without a consumer, the registry account as a whole: when its IAM
/// export is loaded, each of its roles is tried and the one that completes the most
/// required steps is reported (the report says so); otherwise the account root stands for
/// it and its identity side is not verified.
pub fn check(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    input: &CheckInput,
) -> Result<CheckReport, String> {
    check_with(inv, scenario, request, input, &mut LintErrors::default())
}

/// [`check`], with the lint errors of policy files shared with other checks of the run.
pub fn check_with(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    input: &CheckInput,
    lint: &mut LintErrors,
) -> Result<CheckReport, String> {
    let caller = Principal::parse(&input.caller).map_err(|e| format!("--caller: {e}"))?;
    if let Some(c) = &input.consumer {
        let consumer = Principal::parse(c).map_err(|e| format!("--consumer: {e}"))?;
        return Ok(run_with(
            inv,
            scenario,
            request,
            input,
            caller,
            (consumer, c.clone(), true),
            lint,
        ));
    }
    let registry = request
        .group
        .account
        .clone()
        .or_else(|| caller.account().map(str::to_owned))
        .unwrap_or_default();
    let roles: Vec<String> = inv
        .accounts
        .get(&registry)
        .and_then(|a| a.iam.as_ref())
        .map(|iam| {
            iam.roles
                .values()
                .filter(|r| !r.arn.contains(":role/aws-service-role/"))
                .map(|r| r.arn.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut best: Option<(usize, CheckReport)> = None;
    for arn in &roles {
        let Ok(p) = Principal::parse(arn) else {
            continue;
        };
        let report = run_with(
            inv,
            scenario,
            request,
            input,
            caller.clone(),
            (p, arn.clone(), true),
            lint,
        );
        let score = report
            .outcomes
            .iter()
            .filter(|o| o.actor == Actor::Consumer && o.required && o.status == Status::Allowed)
            .count();
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, report));
        }
    }
    if let Some((_, mut report)) = best {
        report.consumer_note = Some(format!(
            "no --consumer was named: {} is the one of the registry account's {} roles that completes the most steps",
            report.consumer,
            roles.len()
        ));
        return Ok(report);
    }
    let consumer = Principal::AnyOf {
        account: registry.clone(),
        partition: request.group.partition.clone(),
    };
    let text = consumer.display();
    let mut report = run_with(
        inv,
        scenario,
        request,
        input,
        caller,
        (consumer, text, false),
        lint,
    );
    report.consumer_note = Some(format!(
        "no --consumer was named and account {registry}'s IAM is not loaded: any of its principals may be the consumer, and their identity policies are not verified"
    ));
    Ok(report)
}

fn run_with(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    input: &CheckInput,
    caller: Principal,
    (consumer, consumer_text, consumer_given): (Principal, String, bool),
    lint_cache: &mut LintErrors,
) -> CheckReport {
    let mut run = Run {
        inv,
        request,
        caller,
        caller_text: input.caller.clone(),
        consumer,
        consumer_text: consumer_text.clone(),
        consumer_given,
        artifact_key: input.artifact_key.clone(),
        lint_cache,
        policy_errors: Vec::new(),
        defective: Vec::new(),
    };
    let mut outcomes = Vec::new();
    for step in &scenario.steps {
        run.step(step, &mut outcomes);
    }
    // Policies AWS would reject are named even when no step reached them (a request that
    // names no usable bucket still deserves to hear that the bucket policy is broken).
    for file in run.involved_policy_files() {
        run.lint_errors(&file);
    }
    let plausibility = run.plausibility();
    let denied = outcomes
        .iter()
        .any(|o| o.required && matches!(o.status, Status::Denied { .. }));
    let unverified = outcomes
        .iter()
        .any(|o| o.required && o.status == Status::NotVerified);
    let implausible = plausibility.iter().any(|p| p.ok == Some(false));
    let verdict = if denied || implausible {
        Verdict::NotPossible
    } else if unverified || plausibility.iter().any(|p| p.ok.is_none()) {
        Verdict::NotVerified
    } else {
        Verdict::Possible
    };
    let mut policy_errors = std::mem::take(&mut run.policy_errors);
    crate::diagnostic::sort(&mut policy_errors);
    CheckReport {
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        request: request.file.to_string(),
        caller: input.caller.clone(),
        consumer: consumer_text,
        outcomes,
        plausibility,
        policy_errors,
        defective: run.defective,
        verdict,
        consumer_note: None,
    }
}

/// One run of a step: its container, its variables, notes on missing facts.
type Instance = (Option<usize>, BTreeMap<String, String>, Vec<String>);

/// The variables of one container.
fn container_variables(
    run: &Run<'_>,
    c: &request::Container,
    vars: &mut BTreeMap<String, String>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let partition = run.request.group.partition.clone();
    vars.insert("container.index".into(), c.index.to_string());
    if let Some(i) = &c.image {
        vars.insert("image.uri".into(), i.uri.clone());
        vars.insert("image.account".into(), i.account.clone());
        vars.insert("image.region".into(), i.region.clone());
        vars.insert("image.repository".into(), i.repository.clone());
        vars.insert(
            "image.repository_arn".into(),
            format!(
                "arn:{partition}:ecr:{}:{}:repository/{}",
                i.region, i.account, i.repository
            ),
        );
    }
    let Some(a) = &c.artifact else {
        return notes;
    };
    vars.insert("artifact.url".into(), a.url.clone());
    vars.insert("artifact.bucket".into(), a.bucket.clone());
    vars.insert("artifact.key".into(), a.key.clone());
    vars.insert("artifact.object_arn".into(), a.object_arn(&partition));
    vars.insert(
        "artifact.bucket_arn".into(),
        format!("arn:{partition}:s3:::{}", a.bucket),
    );
    let owner = run.inv.bucket_owner(&a.bucket);
    let region = owner
        .and_then(|(_, b)| b.region.value().cloned())
        .or_else(|| c.image.as_ref().map(|i| i.region.clone()));
    if let Some(r) = &region {
        vars.insert("artifact.region".into(), r.clone());
    }
    if let Some(k) = &run.artifact_key {
        vars.insert("artifact.kms_key".into(), k.clone());
        return notes;
    }
    match owner.map(|(acct, b)| (acct, &b.encryption)) {
        Some((acct, Known::Present(enc, _))) if enc.algorithm == "aws:kms" || enc.algorithm == "aws:kms:dsse" => {
            let key = match &enc.kms_key {
                Some(k) if k.starts_with("arn:") => k.clone(),
                Some(k) if k.starts_with("alias/") => format!(
                    "arn:{partition}:kms:{}:{}:{k}",
                    region.clone().unwrap_or_default(),
                    acct.id
                ),
                Some(k) => format!("arn:{partition}:kms:{}:{}:key/{k}", region.clone().unwrap_or_default(), acct.id),
                // SSE-KMS without a key id uses the AWS managed key `aws/s3`.
                None => format!("arn:{partition}:kms:{}:{}:alias/aws/s3", region.clone().unwrap_or_default(), acct.id),
            };
            vars.insert("artifact.kms_key".into(), key);
        }
        Some((_, Known::Present(..) | Known::Absent(_))) => {}
        Some((_, k)) => notes.push(format!(
            "the default encryption of bucket `{}` is unknown ({}): if the training job wrote the artifact with SSE-KMS, name the key with --artifact-key",
            a.bucket,
            k.why_unknown().unwrap_or_default()
        )),
        None => notes.push(format!(
            "bucket `{}` is in no loaded export, so its default encryption is unknown: if the training job wrote the artifact with SSE-KMS, name the key with --artifact-key",
            a.bucket
        )),
    }
    notes
}

/// Every combination of the matrix values (one empty map for no matrix).
fn combinations(matrix: &BTreeMap<String, Vec<String>>) -> Vec<BTreeMap<String, String>> {
    let mut out = vec![BTreeMap::new()];
    for (k, values) in matrix {
        out = out
            .into_iter()
            .flat_map(|base| {
                values.iter().map(move |v| {
                    let mut m = base.clone();
                    m.insert(k.clone(), v.clone());
                    m
                })
            })
            .collect();
    }
    out
}

impl Run<'_> {
    fn principal(&self, actor: Actor) -> (&Principal, &str) {
        match actor {
            Actor::Caller => (&self.caller, &self.caller_text),
            Actor::Consumer => (&self.consumer, &self.consumer_text),
        }
    }

    fn step(&mut self, step: &Step, outcomes: &mut Vec<Outcome>) {
        let mut base = self.request.base_variables();
        base.insert("caller".into(), self.caller_text.clone());
        base.insert(
            "caller.account".into(),
            self.caller.account().unwrap_or_default().to_owned(),
        );
        base.insert("consumer".into(), self.consumer_text.clone());
        base.insert(
            "consumer.account".into(),
            self.consumer.account().unwrap_or_default().to_owned(),
        );
        if !base.contains_key("group.account") {
            base.insert(
                "group.account".into(),
                self.caller.account().unwrap_or_default().to_owned(),
            );
        }
        if !base.contains_key("group.region") {
            if let Some(r) = self
                .request
                .containers
                .iter()
                .find_map(|c| c.image.as_ref().map(|i| i.region.clone()))
            {
                base.insert("group.region".into(), r);
            }
        }
        let instances: Vec<Instance> = if step.per_container {
            self.request
                .containers
                .iter()
                .map(|c| {
                    let mut v = base.clone();
                    let notes = container_variables(self, c, &mut v);
                    (Some(c.index), v, notes)
                })
                .collect()
        } else {
            vec![(None, base, Vec::new())]
        };
        for (container, vars, notes) in instances {
            if let Some(w) = &step.when {
                if !vars.contains_key(w) {
                    // Skipped unless the reason it has no value is unknown data.
                    if w == "artifact.kms_key" && !notes.is_empty() {
                        for action in &step.actions {
                            outcomes.push(self.not_run(
                                step,
                                container,
                                &action.action,
                                action.required,
                                "-".into(),
                                notes.clone(),
                            ));
                        }
                    }
                    continue;
                }
            }
            for action in &step.actions {
                outcomes.push(self.action(step, container, &vars, &action.action, action.required));
            }
        }
    }

    fn not_run(
        &self,
        step: &Step,
        container: Option<usize>,
        action: &str,
        required: bool,
        resource: String,
        reasons: Vec<String>,
    ) -> Outcome {
        let (principal, text) = self.principal(step.actor);
        Outcome {
            step: step.id.clone(),
            title: step.title.clone(),
            actor: step.actor,
            principal: text.to_owned(),
            container,
            action: action.to_owned(),
            required,
            resource,
            status: Status::NotVerified,
            reasons,
            denied_by: Vec::new(),
            missing: Vec::new(),
            fixes: Vec::new(),
            principal_account: principal.account().map(str::to_owned),
            resource_account: None,
        }
    }

    /// Decides one action over every matrix combination; the first failing combination
    /// speaks for the action, and the ones that fail are named.
    fn action(
        &mut self,
        step: &Step,
        container: Option<usize>,
        vars: &BTreeMap<String, String>,
        action: &str,
        required: bool,
    ) -> Outcome {
        let combos = combinations(&step.matrix);
        let mut first_ok: Option<Outcome> = None;
        let mut failures: Vec<(BTreeMap<String, String>, Outcome)> = Vec::new();
        for combo in &combos {
            let mut v = vars.clone();
            v.extend(combo.iter().map(|(k, val)| (k.clone(), val.clone())));
            let o = self.decide(step, container, &v, action, required);
            if o.status == Status::Allowed {
                first_ok.get_or_insert(o);
            } else {
                failures.push((combo.clone(), o));
            }
        }
        if failures.is_empty() {
            return first_ok.unwrap_or_else(|| {
                self.not_run(
                    step,
                    container,
                    action,
                    required,
                    "-".into(),
                    vec!["no combination to try".into()],
                )
            });
        }
        let n = failures.len();
        let failed: Vec<String> = failures
            .iter()
            .map(|(c, _)| {
                c.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        let (_, mut o) = failures.remove(0);
        if combos.len() > 1 {
            let allowed = combos.len() - n;
            if allowed > 0 {
                o.reasons.insert(
                    0,
                    format!(
                        "fails for {} of {} tried values ({}): the policies cover some values only, not every new one",
                        n,
                        combos.len(),
                        failed.join("; ")
                    ),
                );
            }
            // The fix must cover every value: render the resource with `*` for them.
            let mut any = vars.clone();
            for k in step.matrix.keys() {
                any.insert(k.clone(), "*".into());
            }
            if let Ok(r) = step.resource.render(&any) {
                for f in &mut o.fixes {
                    f.widen_resource(&o.resource, &r);
                }
                o.resource = r;
            }
        }
        o
    }

    /// Decides one action on one concrete resource.
    fn decide(
        &mut self,
        step: &Step,
        container: Option<usize>,
        vars: &BTreeMap<String, String>,
        action: &str,
        required: bool,
    ) -> Outcome {
        let resource = match step.resource.render(vars) {
            Ok(r) => r,
            Err(missing) => {
                let reason = format!("the resource cannot be named: `{{{missing}}}` has no value (see the request's problems)");
                return self.not_run(
                    step,
                    container,
                    action,
                    required,
                    step.resource.0.clone(),
                    vec![reason],
                );
            }
        };
        let mut context = Context::default();
        for (k, t) in &step.context {
            if let Ok(v) = t.render(vars) {
                context.insert(k, ContextValue::Single(v));
            }
        }
        let (principal, principal_text) = self.principal(step.actor);
        let principal = principal.clone();
        let principal_text = principal_text.to_owned();
        let inv = self.inv;
        let assembled = inv.request_context(
            &principal,
            action,
            if step.sides == Sides::Identity {
                "*"
            } else {
                &resource
            },
        );
        let mut request = assembled.request(action, context);
        let mut set = assembled.policy_set();
        if step.sides == Sides::Identity {
            // Only the actor's own account can grant an action without a resource type.
            request.resource_account = principal.account().map(str::to_owned);
            set.resource = None;
            set.rcps.clear();
        }
        let mut reasons = Vec::new();
        let policy_rejected = set.resource.is_some_and(Policy::is_rejected);
        if let Some(file) = set
            .resource
            .filter(|p| p.is_rejected())
            .and_then(|p| p.origin.file.clone())
        {
            self.lint_errors(&file);
        }
        let mut response = authorize(&request, &set);
        if step.sides == Sides::Identity {
            // Only an identity policy can grant it: say so, not "identity or resource".
            for m in &mut response.trace.missing {
                if *m == Requirement::IdentityOrResourcePolicy {
                    *m = Requirement::IdentityPolicy;
                }
            }
        }
        let decision = response.decision;
        let unknowns: Vec<String> = assembled
            .relevant_unknowns(decision)
            .iter()
            .map(|u| u.message.clone())
            .collect();
        let mut status = match decision {
            Decision::Allow if unknowns.is_empty() => Status::Allowed,
            Decision::Allow => Status::NotVerified,
            Decision::ExplicitDeny => Status::Denied { explicit: true },
            Decision::ImplicitDeny
                if !unknowns.is_empty() || !response.trace.unverified.is_empty() =>
            {
                Status::NotVerified
            }
            Decision::ImplicitDeny => Status::Denied { explicit: false },
        };
        // An AWS managed key (`aws/s3`…) cannot be shared with another account.
        let managed_key = resource.contains(":alias/aws/")
            || assembled
                .key
                .and_then(|k| k.metadata.value())
                .is_some_and(|m| m.key_manager.as_deref() == Some("AWS"));
        let cross_account = request.same_account() != Some(true);
        if managed_key && cross_account && step.sides == Sides::Both {
            status = Status::Denied { explicit: true };
            reasons.push(
                "the artifact is encrypted with an AWS managed key (`aws/s3`), whose policy cannot be changed and which no other account can use"
                    .into(),
            );
        }
        // Statements that cannot be decided (a policy AWS rejects, an element that cannot be
        // read) could make it allowed: it is not verified, and each such policy is named once.
        if response.indeterminate {
            status = Status::NotVerified;
        }
        let mut named: Vec<*const Policy> = Vec::new();
        for (m, why) in response.undecided() {
            let key = std::ptr::from_ref(m.policy);
            if named.contains(&key) {
                continue;
            }
            named.push(key);
            let file = m
                .policy
                .origin
                .file
                .clone()
                .unwrap_or_else(|| Arc::from("-"));
            if m.policy.is_rejected() {
                self.lint_errors(&file);
            }
            let place = Place {
                location: m.policy.origin.location(
                    m.policy
                        .defects
                        .first()
                        .map_or(&m.statement.pointer, |d| &d.pointer),
                ),
                sid: None,
                policy: m.policy_label(),
            };
            if !self.defective.contains(&place) {
                self.defective.push(place);
            }
            reasons.push(format!(
                "not verified: {} in {} could apply but cannot be decided: {why}",
                m.policy_label(),
                m.policy.origin.location(&m.policy.origin.pointer),
            ));
        }
        reasons.extend(response.trace.missing.iter().map(|m| m.describe()));
        reasons.extend(response.trace.unverified.iter().cloned());
        reasons.extend(unknowns.iter().map(|u| format!("not verified: {u}")));
        if step.actor == Actor::Consumer && !self.consumer_given && step.sides == Sides::Identity {
            reasons.push("no --consumer was named: the registry account's principals need this in their identity policies".into());
            if status == Status::Allowed {
                status = Status::NotVerified;
            }
        }
        let denied_by: Vec<Place> = response
            .denied_by()
            .map(|m| Place {
                location: m.policy.origin.location(&m.statement.pointer),
                sid: m.statement.sid.clone(),
                policy: m.policy_label(),
            })
            .collect();
        for d in &denied_by {
            reasons.push(format!(
                "denied by {} statement {}{} in {}",
                d.policy,
                d.location.pointer_text(),
                d.sid
                    .as_deref()
                    .map(|s| format!(" (`{s}`)"))
                    .unwrap_or_default(),
                d.location.file
            ));
        }
        let resource_policy_file = assembled
            .resource_policy
            .map(|p| p.origin.location(&p.origin.root()))
            .or_else(|| fix::resource_policy_home(&assembled));
        let role_file = assembled.role.map(|r| r.at.clone());
        let role_arn = assembled.role.map(|r| r.arn.clone());
        let key_manager_aws = managed_key;
        let fixes = if matches!(status, Status::Denied { .. })
            || (status == Status::NotVerified && policy_rejected)
        {
            fix::fixes(&fix::Needs {
                action,
                resource: &resource,
                principal: &principal,
                principal_role_arn: role_arn.as_deref(),
                consumer_given: self.consumer_given || step.actor == Actor::Caller,
                missing: &response.trace.missing,
                denied_by: &denied_by,
                resource_policy_file: resource_policy_file.as_ref(),
                identity_file: role_file.as_ref(),
                managed_key: key_manager_aws,
                policy_rejected,
                context: &request.context,
                step,
            })
        } else {
            Vec::new()
        };
        Outcome {
            step: step.id.clone(),
            title: step.title.clone(),
            actor: step.actor,
            principal: principal_text,
            container,
            action: action.to_owned(),
            required,
            resource,
            status,
            reasons,
            denied_by,
            missing: response.trace.missing.clone(),
            fixes,
            principal_account: principal.account().map(str::to_owned),
            resource_account: request.resource_account.clone(),
        }
    }

    /// Lint errors (AWS rejects such policies) of one policy file, computed once.
    fn lint_errors(&mut self, file: &Arc<str>) -> Vec<Diagnostic> {
        let errors = self.lint_cache.of(file).to_vec();
        for d in &errors {
            if !self.policy_errors.contains(d) {
                self.policy_errors.push(d.clone());
            }
        }
        errors
    }

    /// The resource policies and grants of every account the workflow touches: the caller's,
    /// the consumer's, the group's, and the images' and artifacts' owners.
    fn involved_policy_files(&self) -> Vec<Arc<str>> {
        let mut accounts: Vec<String> = Vec::new();
        let mut add = |a: Option<&str>| {
            if let Some(a) = a {
                if !accounts.iter().any(|x| x == a) {
                    accounts.push(a.to_owned());
                }
            }
        };
        add(self.caller.account());
        add(self.consumer.account());
        add(self.request.group.account.as_deref());
        for c in &self.request.containers {
            add(c.image.as_ref().map(|i| i.account.as_str()));
            if let Some(a) = &c.artifact {
                add(self
                    .inv
                    .bucket_owner(&a.bucket)
                    .map(|(acct, _)| acct.id.as_str()));
            }
        }
        let mut files: Vec<Arc<str>> = Vec::new();
        let mut push = |p: Option<&crate::inventory::Provenance>| {
            if let Some(p) = p {
                if !files.contains(&p.file) {
                    files.push(p.file.clone());
                }
            }
        };
        for id in &accounts {
            let Some(acct) = self.inv.accounts.get(id) else {
                continue;
            };
            for b in acct.buckets.values() {
                push(b.policy.provenance());
            }
            for r in acct.repositories.values() {
                push(r.policy.provenance());
            }
            for k in acct.keys.values() {
                push(k.policy.provenance());
                push(k.grants.provenance());
            }
            for g in acct.model_package_groups.values() {
                push(g.policy.provenance());
            }
        }
        files
    }

    fn plausibility(&self) -> Vec<Plausibility> {
        let mut out = Vec::new();
        let req = self.request;
        let at = |p: &request::RequestProblem| Place::request(&p.file, p.pointer.clone());
        for p in &req.problems {
            out.push(Plausibility {
                check: "request".into(),
                ok: Some(false),
                message: p.message.clone(),
                at: Some(at(p)),
            });
        }
        // Image, artifact and group in one Region.
        let group_region = req.group.region.clone();
        for c in &req.containers {
            let mut regions: Vec<(String, String)> = Vec::new();
            if let Some(r) = &group_region {
                regions.push(("the model package group".into(), r.clone()));
            }
            if let Some(i) = &c.image {
                regions.push((format!("container {}'s image", c.index), i.region.clone()));
            }
            if let Some(a) = &c.artifact {
                match self.inv.bucket_owner(&a.bucket).map(|(_, b)| &b.region) {
                    Some(Known::Present(r, _)) => regions.push((format!("container {}'s artifact bucket", c.index), r.clone())),
                    _ => out.push(Plausibility {
                        check: "same-region".into(),
                        ok: None,
                        message: format!("the Region of bucket `{}` is unknown (no `get-bucket-location` export)", a.bucket),
                        at: None,
                    }),
                }
            }
            let distinct: std::collections::BTreeSet<&str> =
                regions.iter().map(|(_, r)| r.as_str()).collect();
            if distinct.len() > 1 {
                out.push(Plausibility {
                    check: "same-region".into(),
                    ok: Some(false),
                    message: format!(
                        "the image, the artifact and the group must be in one Region: {}",
                        regions
                            .iter()
                            .map(|(w, r)| format!("{w} in {r}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    at: None,
                });
            } else if regions.len() > 1 {
                out.push(Plausibility {
                    check: "same-region".into(),
                    ok: Some(true),
                    message: format!(
                        "container {}: image, artifact and group are in {}",
                        c.index, regions[0].1
                    ),
                    at: None,
                });
            }
        }
        // The group exists when the registry account is loaded.
        let g = &req.group;
        if let (Some(account), Some(region)) = (&g.account, &g.region) {
            match self.inv.accounts.get(account) {
                Some(a) => {
                    let exists = a.model_package_groups.contains_key(&(region.clone(), g.name.clone()));
                    out.push(Plausibility {
                        check: "group-exists".into(),
                        ok: Some(exists),
                        message: if exists {
                            format!("model package group `{}` is in the registry account's export", g.name)
                        } else {
                            format!("model package group `{}` is not in account {account}'s export for {region}", g.name)
                        },
                        at: None,
                    });
                }
                None => out.push(Plausibility {
                    check: "group-exists".into(),
                    ok: None,
                    message: format!("account {account} (the registry) is not loaded: the group cannot be verified"),
                    at: None,
                }),
            }
        }
        if g.arn.is_none() && !g.written.is_empty() {
            out.push(Plausibility {
                check: "group-arn".into(),
                ok: Some(true),
                message: "`ModelPackageGroupName` is a name, so the group is in the caller's account; a cross-account registration must give the group's ARN"
                    .into(),
                at: Some(Place::request(
                    &req.file,
                    Pointer::root().key("ModelPackageGroupName"),
                )),
            });
        }
        out
    }
}
