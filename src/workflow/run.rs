//! Running a scenario: choosing the consumer, deciding every step, and the verdict.

use super::*;

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
    check_with(inv, scenario, request, input, &mut LintCache::default())
}

/// [`check`], with the lint errors of policy files shared with other checks of the run.
pub fn check_with(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    input: &CheckInput,
    lint: &mut LintCache,
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

pub(super) fn run_with(
    inv: &Inventory,
    scenario: &Scenario,
    request: &RegistrationRequest,
    input: &CheckInput,
    caller: Principal,
    (consumer, consumer_text, consumer_given): (Principal, String, bool),
    lint_cache: &mut LintCache,
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
        stage: scenario.stage,
        label: None,
        caller_note: None,
        subject: scenario.subject.clone(),
    }
}
