//! The default consumer: without `--consumer`, the registry account as a whole, its root,
//! the principal the guide's ECR, S3 and KMS policies name. Its resource side is decided for
//! the account; its identity side, which belongs to whichever of its principals uses the
//! package, is decided for each of its roles, and the report says which roles could
//! complete every consumer step. No role is picked silently.

use super::*;

/// Whether an outcome failed only for want of an identity allow (or was not verified only
/// because no consumer was named).
fn identity_only(o: &Outcome) -> bool {
    let implicit = matches!(o.status, Status::Denied { explicit: false })
        && o.denied_by.is_empty()
        && !o.missing.is_empty()
        && o.missing.iter().all(|m| {
            matches!(
                m,
                Requirement::IdentityPolicy | Requirement::IdentityOrResourcePolicy
            )
        });
    implicit || o.unknowns.iter().any(|u| u.starts_with(NO_CONSUMER))
}

/// The start of the unknown a consumer step gets when no consumer was named.
pub(super) const NO_CONSUMER: &str = "no --consumer was named";

/// `a`, `b` and `c`, with at most `max` names.
fn names(list: &[String], max: usize) -> String {
    let shown: Vec<String> = list.iter().take(max).map(|n| format!("`{n}`")).collect();
    match list.len().saturating_sub(max) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The verdict of outcomes and plausibility checks.
pub(super) fn verdict_of(outcomes: &[Outcome], plausibility: &[Plausibility]) -> Verdict {
    let denied = outcomes
        .iter()
        .any(|o| o.required && matches!(o.status, Status::Denied { .. }));
    let unverified = outcomes
        .iter()
        .any(|o| o.required && o.status == Status::NotVerified);
    if denied || plausibility.iter().any(|p| p.ok == Some(false)) {
        Verdict::NotPossible
    } else if unverified || plausibility.iter().any(|p| p.ok.is_none()) {
        Verdict::NotVerified
    } else {
        Verdict::Possible
    }
}

/// Runs the scenario with the registry account as the consumer.
pub(super) fn registry_account(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    input: &CheckInput,
    caller: Principal,
    registry: &str,
    lint: &mut LintCache,
) -> CheckReport {
    let partition = request.group.partition.clone();
    let consumer = Principal::AnyOf {
        account: registry.to_owned(),
        partition: partition.clone(),
    };
    let root = format!("arn:{partition}:iam::{registry}:root");
    let mut report = run::run_with(
        inv,
        scenario,
        request,
        input,
        caller.clone(),
        (consumer, root.clone(), false),
        lint,
    );
    let roles: Option<Vec<String>> =
        inv.accounts
            .get(registry)
            .and_then(|a| a.iam.as_ref())
            .map(|iam| {
                iam.roles
                    .values()
                    .filter(|r| !r.arn.contains(":role/aws-service-role/"))
                    .map(|r| r.arn.clone())
                    .collect()
            });
    let head = format!(
        "no --consumer was named: the consumer is the registry account as a whole ({root}, the principal the guide's ECR, S3 and KMS policies name); its resource side is decided for the account, its identity side for each of its roles"
    );
    let Some(roles) = roles else {
        for o in report
            .outcomes
            .iter_mut()
            .filter(|o| o.actor == Actor::Consumer)
        {
            if identity_only(o) {
                o.unknowns.retain(|u| !u.starts_with(NO_CONSUMER));
                o.unknowns.push(format!(
                    "could change it: account {registry}'s IAM is not exported: whether any of its principals allows this in its identity policies is unknown"
                ));
                o.status = Status::NotVerified;
                o.fixes.clear();
            }
        }
        report.verdict = verdict_of(&report.outcomes, &report.plausibility);
        report.consumer_note = Some(format!(
            "{head}; its IAM is not loaded, so which of its principals could use the package is not verified"
        ));
        return report;
    };
    let mut per_role: Vec<(String, CheckReport)> = Vec::new();
    for arn in &roles {
        let Ok(p) = Principal::parse(arn) else {
            continue;
        };
        let r = run::run_with(
            inv,
            scenario,
            request,
            input,
            caller.clone(),
            (p, arn.clone(), true),
            lint,
        );
        per_role.push((arn.clone(), r));
    }
    let short = |arn: &str| arn.rsplit('/').next().unwrap_or(arn).to_owned();
    let failing = |r: &CheckReport| -> Vec<String> {
        let mut steps: Vec<String> = Vec::new();
        for o in r
            .outcomes
            .iter()
            .filter(|o| o.actor == Actor::Consumer && o.required && o.status != Status::Allowed)
        {
            if !steps.contains(&o.step) {
                steps.push(o.step.clone());
            }
        }
        steps
    };
    let complete: Vec<String> = per_role
        .iter()
        .filter(|(_, r)| failing(r).is_empty())
        .map(|(a, _)| short(a))
        .collect();
    for (i, o) in report.outcomes.iter_mut().enumerate() {
        if o.actor != Actor::Consumer {
            continue;
        }
        if !identity_only(o) {
            // The account's own identity side means nothing: its roles' is in the note.
            let before = o.reasons.len();
            o.reasons
                .retain(|r| !r.starts_with("no identity policy") && !r.starts_with("neither"));
            if o.reasons.len() < before {
                o.reasons.push(
                    "the identity side is decided for each role (see the consumer note)".into(),
                );
            }
            continue;
        }
        o.unknowns.retain(|u| !u.starts_with(NO_CONSUMER));
        let allowing: Vec<String> = per_role
            .iter()
            .filter(|(_, r)| {
                r.outcomes.get(i).is_some_and(|x| {
                    x.step == o.step && x.action == o.action && x.status == Status::Allowed
                })
            })
            .map(|(a, _)| short(a))
            .collect();
        o.reasons
            .retain(|r| !r.starts_with("no identity policy") && !r.starts_with("neither"));
        if allowing.is_empty() {
            o.status = Status::Denied { explicit: false };
            o.reasons.insert(
                0,
                format!(
                    "no role of account {registry} allows it in its identity policies ({} roles exported)",
                    per_role.len()
                ),
            );
        } else {
            o.status = if o.unknowns.is_empty() {
                Status::Allowed
            } else {
                Status::NotVerified
            };
            o.missing.clear();
            o.fixes.clear();
            o.reasons.insert(
                0,
                format!(
                    "the identity side allows it for {} of the account's roles: {}",
                    allowing.len(),
                    names(&allowing, 6)
                ),
            );
        }
    }
    let mut note = head;
    if complete.is_empty() {
        note.push_str(&format!(
            "; none of its {} roles completes every consumer step",
            per_role.len()
        ));
        if report
            .outcomes
            .iter()
            .filter(|o| o.actor == Actor::Consumer && o.required)
            .all(|o| o.status == Status::Allowed)
        {
            report.plausibility.push(Plausibility {
                check: "one-consumer".into(),
                ok: Some(false),
                message: format!("every consumer step is allowed for some role of account {registry}, but no one role is allowed every step: name the consumer with --consumer and fix its identity policies"),
                at: None,
            });
        }
    } else {
        note.push_str(&format!(
            "; the roles that could complete every consumer step: {}",
            names(&complete, 8)
        ));
    }
    let others: Vec<String> = per_role
        .iter()
        .filter_map(|(a, r)| {
            let f = failing(r);
            (!f.is_empty()).then(|| format!("`{}` ({})", short(a), f.join(", ")))
        })
        .collect();
    if !others.is_empty() {
        let more = others.len().saturating_sub(8);
        note.push_str(&format!(
            "; {} {}{}",
            if complete.is_empty() {
                "where each fails:"
            } else {
                "the others fail:"
            },
            others
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    note.push_str("; name one with --consumer to check it alone");
    report.consumer_note = Some(note);
    report.verdict = verdict_of(&report.outcomes, &report.plausibility);
    report
}
