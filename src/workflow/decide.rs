//! Deciding one action on one concrete resource: the engine's answer, the unknowns that
//! could change it, and the fix.

use super::*;

impl Run<'_> {
    /// Decides one action on one concrete resource.
    pub(super) fn decide(
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
    pub(super) fn lint_errors(&mut self, file: &Arc<str>) -> Vec<Diagnostic> {
        let errors = self.lint_cache.errors_of(file).to_vec();
        for d in &errors {
            if !self.policy_errors.contains(d) {
                self.policy_errors.push(d.clone());
            }
        }
        errors
    }
}
