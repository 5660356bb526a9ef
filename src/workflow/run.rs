//! Running a scenario: choosing the consumer, deciding every step, and the verdict.

use super::*;

/// Runs the scenario. Without a consumer, the registry account as a whole
/// (`consumer`): its resource side for the account, its identity side for each of
/// its roles, with a note of which roles could complete every consumer step.
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
    Ok(super::consumer::registry_account(
        inv, scenario, request, input, caller, &registry, lint,
    ))
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
        chains: crate::inventory::ScpChains::default(),
        policy_errors: Vec::new(),
        defective: Vec::new(),
        skipped: Vec::new(),
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
    let assumptions = run.assumptions();
    let verdict = super::consumer::verdict_of(&outcomes, &plausibility);
    let mut policy_errors = std::mem::take(&mut run.policy_errors);
    crate::diagnostic::sort(&mut policy_errors);
    CheckReport {
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        request: request.file.to_string(),
        caller: input.caller.clone(),
        consumer: consumer_text,
        assumptions,
        outcomes,
        skipped: std::mem::take(&mut run.skipped),
        plausibility,
        policy_errors,
        defective: run.defective,
        verdict,
        changes: Vec::new(),
        with_changes: None,
        not_fixable: Vec::new(),
        consumer_note: None,
        stage: scenario.stage,
        label: None,
        caller_note: None,
        subject: scenario.subject.clone(),
    }
}
