//! The model registry workflow as a chain: for every registration the inputs hold, the
//! training runs whose output it registers (train), the registration itself (register), the
//! approval from another account (approve, with an approver) and the deployment into
//! another account (deploy, with a deployer), each answered by its scenario, in that order,
//! so that one report shows where the chain breaks. With one scenario named, only that one
//! runs, for every registration (or training run, for a training scenario).

use serde::Serialize;

use super::inputs::{Plan, Registration, Training};
use super::*;

/// Who acts in each scenario, as the user names them.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    /// The registering caller (`--caller`): overrides what the inputs name.
    pub caller: Option<String>,
    /// The registry side's consumer (`--consumer`).
    pub consumer: Option<String>,
    /// The artifact's key (`--artifact-key`).
    pub artifact_key: Option<String>,
    /// Who approves or rejects versions (`--approver`).
    pub approver: Option<String>,
    /// Who deploys (`--deployer`).
    pub deployer: Option<String>,
    /// The deployed model's execution role (`--deploy-role`; the deployer by default).
    pub deploy_role: Option<String>,
}

/// Every scenario's report, in workflow order.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// The reports.
    pub reports: Vec<CheckReport>,
    /// Not possible when one report is; not verified when one is; else possible.
    pub verdict: Verdict,
    /// The first report that is not possible or not verified, for humans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaks_at: Option<String>,
    /// Every policy to change, over every report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<super::fix_plan::PolicyChange>,
    /// The verdict once the changes are applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_changes: Option<Verdict>,
    /// What no change to the exports fixes, over every report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_fixable: Vec<String>,
}

/// A report for a scenario that cannot run (its caller is unknown): not verified, saying why.
fn not_run(
    scenario: &Scenario,
    label: String,
    request: &RegistrationRequest,
    why: String,
) -> CheckReport {
    CheckReport {
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        request: request.file.to_string(),
        caller: "-".into(),
        consumer: "-".into(),
        consumer_note: None,
        assumptions: Vec::new(),
        outcomes: Vec::new(),
        skipped: Vec::new(),
        plausibility: vec![Plausibility {
            check: "caller".into(),
            ok: None,
            message: why,
            at: None,
        }],
        policy_errors: Vec::new(),
        defective: Vec::new(),
        verdict: Verdict::NotVerified,
        changes: Vec::new(),
        with_changes: None,
        not_fixable: Vec::new(),
        stage: scenario.stage,
        label: Some(label),
        caller_note: None,
        subject: scenario.subject.clone(),
    }
}

struct Chain<'a> {
    inv: &'a Inventory,
    plan: &'a Plan,
    roles: &'a Roles,
    lint: &'a mut LintCache,
    reports: Vec<CheckReport>,
}

impl Chain<'_> {
    fn run(
        &mut self,
        scenario: &Scenario,
        label: String,
        request: &RegistrationRequest,
        caller: Option<(String, Option<String>)>,
        consumer: Option<String>,
    ) -> Result<(), String> {
        let Some((caller, note)) = caller else {
            let why = format!("no caller is known for {label}: name one with --caller");
            self.reports.push(not_run(scenario, label, request, why));
            return Ok(());
        };
        let input = CheckInput {
            caller,
            consumer,
            artifact_key: self.roles.artifact_key.clone(),
        };
        let mut report = check_with(self.inv, scenario, request, &input, self.lint)?;
        report.label = Some(label);
        report.caller_note = note;
        self.reports.push(report);
        Ok(())
    }

    fn train(
        &mut self,
        scenario: &Scenario,
        t: &Training,
        group: Option<&request::Group>,
    ) -> Result<(), String> {
        let caller = t
            .role
            .clone()
            .map(|r| (r, Some(format!("the execution role of {}", t.label))));
        let consumer = caller.as_ref().map(|(c, _)| c.clone());
        self.run(
            scenario,
            t.label.clone(),
            &t.request(group),
            caller,
            consumer,
        )
    }

    /// The caller of a registration: `--caller`, else the one its input names, else the
    /// execution role of the Studio profile or domain given (when one is).
    fn caller(&self, r: &Registration) -> Option<(String, Option<String>)> {
        if let Some(c) = &self.roles.caller {
            return Some((c.clone(), None));
        }
        if let Some(c) = &r.caller {
            return Some((c.clone(), r.caller_from.clone()));
        }
        match self.plan.studio_roles.as_slice() {
            [(role, from)] => Some((role.clone(), Some(from.clone()))),
            _ => None,
        }
    }
}

/// Runs the chain; `only` runs one scenario instead of the workflow's stages.
pub fn chain(
    inv: &Inventory,
    scenarios: &[Scenario],
    plan: &Plan,
    roles: &Roles,
    only: Option<&Scenario>,
    lint: &mut LintCache,
) -> Result<ChainReport, String> {
    let stage = |s: Stage| scenarios.iter().find(|x| x.stage == Some(s));
    let mut c = Chain {
        inv,
        plan,
        roles,
        lint,
        reports: Vec::new(),
    };
    let mut trained = vec![false; plan.trainings.len()];
    if let Some(s) = only.filter(|s| s.stage == Some(Stage::Train)) {
        for t in &plan.trainings {
            c.train(s, t, None)?;
        }
        return Ok(finish(c.reports));
    }
    for r in &plan.registrations {
        let label = r.label.clone();
        let caller = c.caller(r);
        if let Some(s) = only {
            let consumer = roles.consumer.clone();
            c.run(s, label, &r.request, caller, consumer)?;
            continue;
        }
        if let Some(s) = stage(Stage::Train) {
            for &i in &r.trainings {
                if !std::mem::replace(&mut trained[i], true) {
                    c.train(s, &plan.trainings[i], Some(&r.request.group))?;
                }
            }
        }
        if let Some(s) = stage(Stage::Register) {
            c.run(s, label.clone(), &r.request, caller, roles.consumer.clone())?;
        }
        if let (Some(s), Some(a)) = (stage(Stage::Approve), &roles.approver) {
            c.run(
                s,
                label.clone(),
                &r.request,
                Some((a.clone(), None)),
                Some(a.clone()),
            )?;
        }
        if let (Some(s), Some(d)) = (stage(Stage::Deploy), &roles.deployer) {
            let consumer = roles.deploy_role.clone().unwrap_or_else(|| d.clone());
            c.run(
                s,
                label,
                &r.request,
                Some((d.clone(), None)),
                Some(consumer),
            )?;
        }
    }
    if only.is_none() {
        if let Some(s) = stage(Stage::Train) {
            for (i, t) in plan.trainings.iter().enumerate() {
                if !trained[i] {
                    c.train(s, t, None)?;
                }
            }
        }
    }
    Ok(finish(c.reports))
}

fn finish(reports: Vec<CheckReport>) -> ChainReport {
    let verdict = if reports.iter().any(|r| r.verdict == Verdict::NotPossible) {
        Verdict::NotPossible
    } else if reports.is_empty() || reports.iter().any(|r| r.verdict == Verdict::NotVerified) {
        Verdict::NotVerified
    } else {
        Verdict::Possible
    };
    let breaks_at = reports
        .iter()
        .find(|r| r.verdict != Verdict::Possible)
        .map(|r| {
            format!(
                "{} ({}{})",
                r.stage.map_or("scenario", Stage::name),
                r.scenario,
                r.label
                    .as_deref()
                    .map(|l| format!(", {l}"))
                    .unwrap_or_default()
            )
        });
    ChainReport {
        reports,
        verdict,
        breaks_at,
        changes: Vec::new(),
        with_changes: None,
        not_fixable: Vec::new(),
    }
}
