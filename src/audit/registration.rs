//! Registration paths: each model package group whose policy grants
//! `sagemaker:CreateModelPackage` to another account, checked with the registration
//! scenario ([`crate::workflow`]) for that caller account, and each registration the audit file
//! lists, checked with its whole request.
//!
//! Who is the caller of a path the group opens? The group policy says which principals of
//! the caller account it admits. When it names roles or users, those are tried. When it
//! names the account itself (its root or id), any principal of the account may register:
//! with the account's IAM export loaded, its roles whose identity policies could allow
//! `sagemaker:CreateModelPackage` are tried in ARN order until one can register (at most
//! [`MAX_TRIES`]); without it, nothing can be verified. Only the caller's steps decide a
//! group-opened path (the request names no container, so nothing is pulled or read); the
//! registry side's consumer is the registry account root, and its steps are left out.
//!
//! Scenario pairs the audit file lists (`scenario_pairs`: a scenario, a caller account and
//! a registry account, such as the production account deploying from the registry) are
//! checked the same way, with that scenario's caller steps, on every group of the registry
//! account ([`pair_findings`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::config::{ListedRegistration, ScenarioPair};
use super::finding::{stable_path, Finding, Kind, Registration, StepResult};
use super::plan::{allows_action, GroupGrant, CREATE_MODEL_PACKAGE};
use crate::diagnostic::codes;
use crate::inventory::{Account, Inventory};
use crate::lint::{LintCache, RuleMeta};
use crate::scenario::{Actor, Scenario};
use crate::workflow::request::Group;
use crate::workflow::{
    check_with, CheckInput, CheckReport, Outcome, RegistrationRequest, Status, Verdict,
};

/// The most principals of one caller account tried for one path.
pub const MAX_TRIES: usize = 8;

/// The approval status a group-opened path is checked with: SageMaker's default when a
/// request gives none.
const DEFAULT_APPROVAL: &str = "PendingManualApproval";

/// How a path came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answer {
    Possible,
    NotVerified,
    NotPossible,
}

impl Answer {
    fn text(self) -> &'static str {
        match self {
            Answer::Possible => "possible",
            Answer::NotVerified => "not-verified",
            Answer::NotPossible => "not-possible",
        }
    }
}

fn status_text(s: &Status) -> &'static str {
    match s {
        Status::Allowed => "allowed",
        Status::Denied { explicit: true } => "denied-explicitly",
        Status::Denied { explicit: false } => "denied",
        Status::NotVerified => "not-verified",
    }
}

fn step_result(o: &Outcome) -> StepResult {
    StepResult {
        step: o.step.clone(),
        principal: o.principal.clone(),
        action: o.action.clone(),
        resource: o.resource.clone(),
        status: status_text(&o.status).to_owned(),
        reasons: o
            .reasons
            .iter()
            .cloned()
            .chain(o.unknowns.iter().map(|u| {
                let bare = ["could deny: ", "could allow: ", "could change it: "]
                    .iter()
                    .find_map(|p| u.strip_prefix(p))
                    .unwrap_or(u);
                format!("not verified: {bare}")
            }))
            .collect(),
    }
}

/// The answer from the caller's required steps only.
fn caller_answer(report: &CheckReport) -> (Answer, Vec<&Outcome>) {
    let failing: Vec<&Outcome> = report
        .outcomes
        .iter()
        .filter(|o| o.actor == Actor::Caller && o.required && o.status != Status::Allowed)
        .collect();
    let answer = if failing
        .iter()
        .any(|o| matches!(o.status, Status::Denied { .. }))
    {
        Answer::NotPossible
    } else if !failing.is_empty() {
        Answer::NotVerified
    } else if report.outcomes.iter().any(|o| o.actor == Actor::Caller) {
        Answer::Possible
    } else {
        Answer::NotVerified
    };
    (answer, failing)
}

/// Related places: the statements that denied, then where the fixes go.
fn related(outcomes: &[&Outcome]) -> Vec<crate::diagnostic::Related> {
    let mut out: Vec<crate::diagnostic::Related> = Vec::new();
    for o in outcomes {
        for d in &o.denied_by {
            let location = d.location.clone();
            let message = format!("{} denies `{}` here", d.policy, o.action);
            if !out.iter().any(|r| r.location == location) {
                out.push(crate::diagnostic::Related { location, message });
            }
        }
        for f in &o.fixes {
            let Some(location) = f.location.clone() else {
                continue;
            };
            if !out.iter().any(|r| r.location == location) {
                out.push(crate::diagnostic::Related {
                    location,
                    message: format!("fix: {}", f.target),
                });
            }
        }
    }
    out
}

fn help(outcomes: &[&Outcome]) -> Option<String> {
    let fix = outcomes.iter().flat_map(|o| o.fixes.iter()).next()?;
    let mut text = fix.target.clone();
    if let Some(st) = &fix.statement {
        text.push_str(&format!(
            ": {}",
            serde_json::to_string(st).unwrap_or_default()
        ));
    }
    if let Some(c) = &fix.command {
        text.push_str(&format!(": {c}"));
    }
    Some(text)
}

fn first_reason(outcomes: &[&Outcome]) -> String {
    outcomes
        .iter()
        .find_map(|o| {
            o.reasons.first().or(o.unknowns.first()).map(|r| {
                format!(
                    "`{}` {}: {r}",
                    o.action,
                    status_text(&o.status).replace('-', " ")
                )
            })
        })
        .unwrap_or_else(|| "no step of the caller could be checked".to_owned())
}

/// Could `role`'s identity policies allow `action`? (A managed policy that is not exported
/// could: the role stays a candidate.)
fn may_call(inv: &Inventory, account: &str, role: &crate::inventory::Role, action: &str) -> bool {
    if role.arn.contains(":role/aws-service-role/") {
        return false;
    }
    if role
        .inline
        .iter()
        .any(|p| allows_action(p, action).next().is_some())
    {
        return true;
    }
    role.attached
        .iter()
        .any(|arn| match inv.managed_policy(account, arn) {
            Some(m) => match m.document.value() {
                Some(p) => allows_action(p, action).next().is_some(),
                None => true,
            },
            None => true,
        })
}

/// Completes a path's finding with the caller checked and the steps that did not pass:
/// where they fail and, when not possible, the first fix.
fn finish(f: &mut Finding, answer: Answer, who: String, failing: &[&Outcome]) {
    f.related = related(failing);
    if answer == Answer::NotPossible {
        f.help = help(failing);
    }
    if let Some(r) = &mut f.registration {
        r.caller = Some(who);
        r.steps = failing.iter().map(|o| step_result(o)).collect();
    }
}

/// A request naming only a group (nothing is pulled or read: only the caller's steps
/// decide).
fn group_request(
    file: &str,
    arn: &str,
    (name, region, registry): (&str, &str, &str),
    partition: &str,
) -> RegistrationRequest {
    RegistrationRequest {
        file: Arc::from(file),
        group: Group {
            written: arn.to_owned(),
            arn: Some(arn.to_owned()),
            name: name.to_owned(),
            region: Some(region.to_owned()),
            account: Some(registry.to_owned()),
            partition: partition.to_owned(),
        },
        approval_status: Some(DEFAULT_APPROVAL.into()),
        containers: Vec::new(),
        problems: Vec::new(),
    }
}

/// The candidate that gets furthest with the caller's steps (tried in order, at most
/// [`MAX_TRIES`], stopping at the first that can), with its answer and report; `consumer`
/// is the registry side's (the caller itself when `None`).
fn best_caller(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    candidates: impl IntoIterator<Item = impl AsRef<str>>,
    consumer: Option<&str>,
    lint: &mut LintCache,
) -> Option<(Answer, String, CheckReport)> {
    let mut best: Option<(Answer, String, CheckReport)> = None;
    for c in candidates.into_iter().take(MAX_TRIES) {
        let c = c.as_ref();
        let input = CheckInput {
            caller: c.to_owned(),
            consumer: Some(consumer.unwrap_or(c).to_owned()),
            artifact_key: None,
        };
        let Ok(report) = check_with(inv, scenario, request, &input, lint) else {
            continue;
        };
        let (answer, _) = caller_answer(&report);
        if best.as_ref().is_none_or(|(a, _, _)| answer < *a) {
            best = Some((answer, c.to_owned(), report));
        }
        if answer == Answer::Possible {
            break;
        }
    }
    best
}

/// The paths the groups in `grants` open to `caller` (whose exported account, if any, is
/// `caller_acct`). `group_inv` holds the groups' accounts and the trimmed organizations.
pub fn group_paths(
    scenario: &Scenario,
    mut group_inv: Inventory,
    caller: &str,
    caller_acct: Option<Account>,
    grants: &[GroupGrant],
    lint: &mut LintCache,
) -> Vec<Finding> {
    let iam_loaded = caller_acct.as_ref().is_some_and(|a| a.iam.is_some());
    let iam_complete = caller_acct
        .as_ref()
        .and_then(|a| a.iam.as_ref())
        .is_some_and(|i| i.complete());
    if let Some(a) = caller_acct {
        group_inv.accounts.insert(caller.to_owned(), a);
    }
    let inv = &group_inv;
    let mut out = Vec::new();
    for grant in grants {
        let mut candidates: BTreeSet<String> = grant.principals.clone();
        if grant.account_wide {
            if let Some(iam) = inv.accounts.get(caller).and_then(|a| a.iam.as_ref()) {
                for role in iam.roles.values() {
                    if may_call(inv, caller, role, CREATE_MODEL_PACKAGE) {
                        candidates.insert(role.arn.clone());
                    }
                }
            }
        }
        let total = candidates.len();
        let base = |rule: &'static RuleMeta, message: String, answer: Answer| {
            let mut f = Finding::new(
                rule,
                Kind::Registration,
                Some(caller.to_owned()),
                message,
                grant.statement.clone(),
                &[&grant.group_arn, caller, "group-policy"],
            );
            f.registration = Some(Registration {
                source: "group-policy".into(),
                group: grant.group_arn.clone(),
                registry_account: grant.registry.clone(),
                caller_account: caller.to_owned(),
                caller: None,
                verdict: answer.text().into(),
                candidates: total,
                steps: Vec::new(),
                scenario: None,
            });
            f
        };
        let what = format!(
            "model package group `{}` of account {} lets account {caller} register",
            grant.name, grant.registry
        );
        if candidates.is_empty() {
            let f = if !iam_loaded {
                let mut f = base(
                    &codes::REGISTRATION_PATH_NOT_VERIFIED,
                    format!("{what}, but account {caller}'s IAM is not exported: which of its principals may call `{CREATE_MODEL_PACKAGE}` is unknown"),
                    Answer::NotVerified,
                );
                f.help = Some(format!(
                    "export account {caller} (`scripts/export-account.sh`) and audit again"
                ));
                f
            } else if !iam_complete {
                base(
                    &codes::REGISTRATION_PATH_NOT_VERIFIED,
                    format!("{what}, but no role in account {caller}'s partial IAM export may call `{CREATE_MODEL_PACKAGE}`; the rest of its IAM is unknown"),
                    Answer::NotVerified,
                )
            } else {
                let mut f = base(
                    &codes::REGISTRATION_PATH_DENIED,
                    format!("{what}, but no role of account {caller} has an identity policy that allows `{CREATE_MODEL_PACKAGE}`: the grant is unused"),
                    Answer::NotPossible,
                );
                f.help = Some("remove the account from the group policy, or allow the registering role `sagemaker:CreateModelPackage` on the group's model packages".into());
                f
            };
            out.push(f);
            continue;
        };
        let request = group_request(
            &grant.file,
            &grant.group_arn,
            (&grant.name, &grant.region, &grant.registry),
            &grant.partition,
        );
        let consumer = format!("arn:{}:iam::{}:root", grant.partition, grant.registry);
        let best = best_caller(inv, scenario, &request, &candidates, Some(&consumer), lint);
        let Some((answer, who, report)) = best else {
            out.push(base(
                &codes::REGISTRATION_PATH_NOT_VERIFIED,
                format!("{what}, but none of its principals named in the policy could be checked"),
                Answer::NotVerified,
            ));
            continue;
        };
        let (_, failing) = caller_answer(&report);
        let tried = total.min(MAX_TRIES);
        let of = if total > 1 {
            format!(" (the best of {tried} of {total} candidate principals)")
        } else {
            String::new()
        };
        let mut f = match answer {
            Answer::Possible => base(
                &codes::REGISTRATION_PATH_OPEN,
                format!(
                    "account {caller} can register model versions into model package group `{}` of account {} as `{who}`",
                    grant.name, grant.registry
                ),
                answer,
            ),
            Answer::NotPossible => base(
                &codes::REGISTRATION_PATH_DENIED,
                format!("{what}, but it is denied for `{who}`{of}: {}", first_reason(&failing)),
                answer,
            ),
            Answer::NotVerified => base(
                &codes::REGISTRATION_PATH_NOT_VERIFIED,
                format!("{what}, but it cannot be verified for `{who}`{of}: {}", first_reason(&failing)),
                answer,
            ),
        };
        finish(&mut f, answer, who, &failing);
        out.push(f);
    }
    out
}

/// The finding for a registration the audit file lists, from its check report (`Err`:
/// the check could not run, with why).
pub fn listed_finding(entry: &ListedRegistration, report: Result<CheckReport, String>) -> Finding {
    let group = entry
        .request
        .group
        .arn
        .clone()
        .unwrap_or_else(|| entry.request.group.written.clone());
    let registry = entry.request.group.account.clone().unwrap_or_default();
    let request_file = stable_path(&entry.request_file);
    let consumer = entry.consumer.clone().unwrap_or_default();
    let key = entry.artifact_key.clone().unwrap_or_default();
    let make = |rule: &'static RuleMeta, message: String, verdict: &str, steps: Vec<StepResult>| {
        let mut f = Finding::new(
            rule,
            Kind::Registration,
            Some(entry.caller_account.clone()),
            message,
            entry.at.clone(),
            &[&request_file, &entry.caller, &consumer, &key],
        );
        f.registration = Some(Registration {
            source: "audit-file".into(),
            group: group.clone(),
            registry_account: registry.clone(),
            caller_account: entry.caller_account.clone(),
            caller: Some(entry.caller.clone()),
            verdict: verdict.into(),
            candidates: 0,
            steps,
            scenario: None,
        });
        f
    };
    let what = format!(
        "the registration of `{}` by `{}` (listed in the audit file)",
        entry.request_file, entry.caller
    );
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            return make(
                &codes::REGISTRATION_PATH_NOT_VERIFIED,
                format!("{what} could not be checked: {e}"),
                "not-verified",
                Vec::new(),
            )
        }
    };
    let failing: Vec<&Outcome> = report
        .outcomes
        .iter()
        .filter(|o| o.required && o.status != Status::Allowed)
        .collect();
    let mut steps: Vec<StepResult> = failing.iter().map(|o| step_result(o)).collect();
    for p in report.plausibility.iter().filter(|p| p.ok != Some(true)) {
        steps.push(StepResult {
            step: format!("plausibility: {}", p.check),
            principal: String::new(),
            action: String::new(),
            resource: String::new(),
            status: if p.ok == Some(false) {
                "denied"
            } else {
                "not-verified"
            }
            .into(),
            reasons: vec![p.message.clone()],
        });
    }
    let reason = failing
        .first()
        .map(|_| first_reason(&failing))
        .or_else(|| {
            report
                .plausibility
                .iter()
                .find(|p| p.ok != Some(true))
                .map(|p| p.message.clone())
        })
        .unwrap_or_default();
    let (mut f, denied) = match report.verdict {
        Verdict::Possible => (
            make(
                &codes::REGISTRATION_PATH_OPEN,
                format!("{what} is possible"),
                "possible",
                steps,
            ),
            false,
        ),
        Verdict::NotPossible => (
            make(
                &codes::LISTED_REGISTRATION_DENIED,
                format!("{what} is not possible: {reason}"),
                "not-possible",
                steps,
            ),
            true,
        ),
        Verdict::NotVerified => (
            make(
                &codes::REGISTRATION_PATH_NOT_VERIFIED,
                format!("{what} cannot be verified: {reason}"),
                "not-verified",
                steps,
            ),
            false,
        ),
    };
    f.related = related(&failing);
    if denied {
        f.help = help(&failing).map(|h| {
            format!(
                "{h} (`xacct check --request {}` shows every step)",
                entry.request_file
            )
        });
    }
    f
}

/// The findings of a scenario pair the audit file lists: for every model package group of
/// the registry account, the scenario's caller steps for the caller account's principals
/// (the one the entry names, or its roles whose identity policies could allow the scenario's
/// first required caller action, the best of at most [`MAX_TRIES`]).
pub fn pair_findings(
    scenario: &Scenario,
    pair: &ScenarioPair,
    inv: &Inventory,
    lint: &mut LintCache,
) -> Vec<Finding> {
    let (caller, registry) = (&pair.caller_account, &pair.registry_account);
    let what = format!(
        "scenario `{}` from account {caller} on the model package groups of account {registry} (listed in the audit file)",
        scenario.id
    );
    let make = |rule: &'static RuleMeta, message: String, group: &str, answer: Answer| {
        let mut f = Finding::new(
            rule,
            Kind::Registration,
            Some(caller.clone()),
            message,
            pair.at.clone(),
            &[&scenario.id, group, caller, registry],
        );
        f.registration = Some(Registration {
            source: "audit-file".into(),
            group: group.to_owned(),
            registry_account: registry.clone(),
            caller_account: caller.clone(),
            caller: None,
            verdict: answer.text().into(),
            candidates: 0,
            steps: Vec::new(),
            scenario: Some(scenario.id.clone()),
        });
        f
    };
    let not_verified = |why: String| {
        vec![make(
            &codes::REGISTRATION_PATH_NOT_VERIFIED,
            format!("{what} cannot be verified: {why}"),
            "",
            Answer::NotVerified,
        )]
    };
    let groups: Vec<_> = match inv.accounts.get(registry) {
        Some(a) if !a.model_package_groups.is_empty() => a.model_package_groups.values().collect(),
        Some(_) => {
            return not_verified(format!("account {registry} exports no model package group"))
        }
        None => return not_verified(format!("account {registry} is not exported")),
    };
    let action = scenario
        .steps
        .iter()
        .filter(|s| s.actor == Actor::Caller && !s.per_container)
        .flat_map(|s| s.actions.iter().filter(|a| a.required))
        .map(|a| a.action.clone())
        .next()
        .unwrap_or_default();
    let candidates: Vec<String> = match &pair.caller {
        Some(c) => vec![c.clone()],
        None => match inv.accounts.get(caller).and_then(|a| a.iam.as_ref()) {
            Some(iam) => iam
                .roles
                .values()
                .filter(|r| may_call(inv, caller, r, &action))
                .map(|r| r.arn.clone())
                .collect(),
            None => {
                return not_verified(format!(
                    "account {caller}'s IAM is not exported: which of its principals may call `{action}` is unknown"
                ))
            }
        },
    };
    if candidates.is_empty() {
        return vec![make(
            &codes::LISTED_REGISTRATION_DENIED,
            format!("{what} is not possible: no role of account {caller} has an identity policy that allows `{action}`"),
            "",
            Answer::NotPossible,
        )];
    }
    let mut out = Vec::new();
    for g in groups {
        let partition = "aws";
        let arn = format!(
            "arn:{partition}:sagemaker:{}:{registry}:model-package-group/{}",
            g.region, g.name
        );
        let request = group_request(&g.at.file, &arn, (&g.name, &g.region, registry), partition);
        let best = best_caller(inv, scenario, &request, &candidates, None, lint);
        let Some((answer, who, report)) = best else {
            out.extend(not_verified(format!(
                "no principal of account {caller} could be checked"
            )));
            continue;
        };
        let (_, failing) = caller_answer(&report);
        let on = format!("group `{}`", g.name);
        let mut f = match answer {
            Answer::Possible => make(
                &codes::REGISTRATION_PATH_OPEN,
                format!("{what}: possible on {on} as `{who}`"),
                &arn,
                answer,
            ),
            Answer::NotPossible => make(
                &codes::LISTED_REGISTRATION_DENIED,
                format!(
                    "{what} is not possible on {on} for `{who}`: {}",
                    first_reason(&failing)
                ),
                &arn,
                answer,
            ),
            Answer::NotVerified => make(
                &codes::REGISTRATION_PATH_NOT_VERIFIED,
                format!(
                    "{what} cannot be verified on {on} for `{who}`: {}",
                    first_reason(&failing)
                ),
                &arn,
                answer,
            ),
        };
        finish(&mut f, answer, who, &failing);
        if let Some(r) = &mut f.registration {
            r.candidates = candidates.len();
        }
        out.push(f);
    }
    out
}
