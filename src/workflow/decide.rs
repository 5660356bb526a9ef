//! Deciding one action on one concrete resource: the engine's answer, the unknowns that
//! could change it, and the fix. Two kinds of resource are answered from AWS's documentation
//! rather than from exports: images in SageMaker's own registries ([`registries`]), and the
//! AWS managed key `aws/s3` (whose key policy AWS writes, [`managed_key_policy`]); a step
//! decided with a RAM share instead of the resource's policy takes its resource side from
//! [`share`].

use super::*;

/// The ECR actions of an image pull.
const PULL_ACTIONS: [&str; 3] = [
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
];

/// The AWS-owned registry a pull of `resource` (a repository ARN) is from, with why no
/// policy of the customer's is involved.
fn aws_owned_pull(action: &str, resource: &str) -> Option<String> {
    if !PULL_ACTIONS.contains(&action) {
        return None;
    }
    let arn = crate::arn::Arn::parse(resource)?;
    if arn.service != "ecr" || !arn.resource.starts_with("repository/") {
        return None;
    }
    let what = registries::aws_owned(arn.account, arn.region)?;
    Some(registries::pull_reason(arn.account, arn.region, what))
}

/// The key policy AWS writes on an AWS managed key (`alias/aws/SERVICE`) of `account`: every
/// principal of the account may use it through the service, in its Region; none of another
/// account may (<https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key>).
/// `None` for a key ARN that is not such an alias.
fn managed_key_policy(key: &str) -> Option<Policy> {
    let arn = crate::arn::Arn::parse(key)?;
    let service = arn.resource.strip_prefix("alias/aws/")?;
    let text = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Allow access through the service for all principals in the account that are authorized to use it",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {
                "kms:CallerAccount": arn.account,
                "kms:ViaService": format!("{service}.{}.amazonaws.com", arn.region),
            }}
        }]
    })
    .to_string();
    let origin = crate::policy::Origin {
        name: Some(Arc::from(format!("the AWS managed key `aws/{service}`"))),
        ..crate::policy::Origin::default()
    };
    Policy::parse_text(&text, crate::policy::DocKind::Key, origin).ok()
}

/// `identity policy `name` statement /Statement/0 (`Sid`) in FILE`.
fn place_text(p: &Place) -> String {
    format!(
        "{} statement {}{} in {}",
        p.policy,
        p.location.pointer_text(),
        p.sid
            .as_deref()
            .map(|s| format!(" (`{s}`)"))
            .unwrap_or_default(),
        p.location.file
    )
}

/// Whether `resource` is an AWS managed key, by its alias.
fn is_managed_alias(resource: &str) -> bool {
    resource.contains(":alias/aws/")
}

impl Run<'_> {
    /// An outcome decided without the exports (`status` with `reasons`).
    fn answered(
        &self,
        ask: &Ask<'_>,
        resource: String,
        status: Status,
        reasons: Vec<String>,
    ) -> Outcome {
        let mut o = self.not_run(ask, resource, reasons);
        o.resource_account = crate::arn::Arn::parse(&o.resource).map(|a| a.account.to_owned());
        if status != Status::NotVerified {
            o.reasons = std::mem::take(&mut o.unknowns);
        }
        o.status = status;
        o
    }

    /// Decides one action on one concrete resource.
    pub(super) fn decide(&mut self, ask: &Ask<'_>, vars: &BTreeMap<String, String>) -> Outcome {
        let (step, action) = (ask.step, ask.action);
        let resource = match step.resource.render(vars) {
            Ok(r) => r,
            Err(missing) => {
                let reason = format!("the resource cannot be named: `{{{missing}}}` has no value (see the request's problems)");
                return self.not_run(ask, step.resource.0.clone(), vec![reason]);
            }
        };
        let mut notes: Vec<String> = Vec::new();
        let uses = |prefix: &str| {
            step.resource.variables().any(|v| v.starts_with(prefix))
                || step
                    .context
                    .values()
                    .any(|t| t.variables().any(|v| v.starts_with(prefix)))
        };
        if uses("artifact.") {
            notes.extend(vars.get("_artifact_note").cloned());
        }
        if let Some(reason) = aws_owned_pull(action, &resource) {
            notes.push(reason);
            return self.answered(ask, resource, Status::Allowed, notes);
        }
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
        let identity_only = step.sides == Sides::Identity;
        // As `Inventory::request_context`, with the run's SCP chains.
        let half = inv.resource_half(
            action,
            if identity_only { "*" } else { &resource },
            principal.account(),
        );
        let mut assembled = inv.assemble(&principal, &half, &mut self.chains);
        let managed_key = is_managed_alias(&resource)
            || assembled
                .key
                .and_then(|k| k.metadata.value())
                .is_some_and(|m| m.key_manager.as_deref() == Some("AWS"));
        if managed_key {
            notes.extend(vars.get("_kms_key_note").cloned());
        }
        // The policy AWS writes on `aws/s3` stands in for the export no account can make.
        let documented = (is_managed_alias(&resource) && assembled.resource_policy.is_none())
            .then(|| managed_key_policy(&resource))
            .flatten();
        if let Some(p) = &documented {
            assembled.resource_policy = Some(p);
            assembled.unknowns.retain(|u| u.side != Side::Resource);
            notes.push(format!(
                "{} has the key policy AWS writes: every principal of its account may use it through the service, no other account",
                p.origin.name.as_deref().unwrap_or("the key")
            ));
        }
        let shared = (step.resource_policy == PolicySource::RamShare && !identity_only).then(|| {
            share::resource_side(inv, &principal, &resource).unwrap_or_else(|| {
                Err(format!("`{resource}` is not a model package group or a version of one: no AWS RAM share of it can be read"))
            })
        });
        match &shared {
            Some(Ok(side)) => {
                assembled.resource_policy = side.policy.as_ref();
                assembled.unknowns.retain(|u| u.side != Side::Resource);
                notes.extend(side.notes.iter().cloned());
            }
            Some(Err(why)) => {
                notes.push(why.clone());
                return self.answered(ask, resource, Status::NotVerified, notes);
            }
            None => {}
        }
        let mut request = assembled.request(action, context);
        let mut set = assembled.policy_set();
        if identity_only {
            // Only the actor's own account can grant an action without a resource type.
            request.resource_account = principal.account().map(str::to_owned);
            set.resource = None;
            set.rcps.clear();
        }
        let policy_rejected = set.resource.is_some_and(Policy::is_rejected);
        if let Some(file) = set
            .resource
            .filter(|p| p.is_rejected())
            .and_then(|p| p.origin.file.clone())
        {
            self.lint_errors(&file);
        }
        let mut response = authorize(&request, &set);
        if identity_only {
            // Only an identity policy can grant it: say so, not "identity or resource".
            for m in &mut response.trace.missing {
                if *m == Requirement::IdentityOrResourcePolicy {
                    *m = Requirement::IdentityPolicy;
                }
            }
        }
        let decision = response.decision;
        let mut unknowns: Vec<String> = assembled
            .relevant_unknowns(decision)
            .iter()
            .map(|u| {
                let could = match u.impact {
                    crate::inventory::Impact::MayDeny => "could deny",
                    crate::inventory::Impact::MayAllow => "could allow",
                    crate::inventory::Impact::Either => "could change it",
                };
                format!("{could}: {}", u.message)
            })
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
        let mut reasons = Vec::new();
        // An AWS managed key (`aws/s3`…) cannot be shared with another account.
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
                    &m.policy
                        .defects
                        .first()
                        .map_or_else(|| m.statement.pointer(), |d| d.pointer.clone()),
                ),
                sid: None,
                policy: m.policy_label(),
            };
            if !self.defective.contains(&place) {
                self.defective.push(place);
            }
            unknowns.push(format!(
                "could change it: {} in {} could apply but cannot be decided: {why}",
                m.policy_label(),
                m.policy.origin.location(&m.policy.origin.pointer),
            ));
        }
        let place = |m: &crate::eval::Matched<'_>| Place {
            location: m.policy.origin.location(&m.statement.pointer()),
            sid: m.statement.sid.as_deref().map(String::from),
            policy: m.policy_label(),
        };
        let allowed_by: Vec<Place> = if decision == Decision::Allow {
            response
                .trace
                .matched
                .iter()
                .filter(|m| {
                    m.indeterminate.is_none()
                        && m.statement.effect == Some(crate::policy::Effect::Allow)
                        && m.at.level.is_none()
                })
                .map(place)
                .collect()
        } else {
            Vec::new()
        };
        let denied_by: Vec<Place> = response.denied_by().map(place).collect();
        // The decision first: what allowed, what is missing, what denied.
        for a in &allowed_by {
            reasons.push(format!("allowed by {}", place_text(a)));
        }
        if decision == Decision::Allow && allowed_by.is_empty() {
            let grants = response.trace.grants.len();
            reasons.push(if grants > 0 {
                format!("allowed by {grants} KMS grant(s) of the key")
            } else {
                "allowed by the loaded policies".to_owned()
            });
        }
        reasons.extend(response.trace.missing.iter().map(|m| m.describe()));
        for d in &denied_by {
            reasons.push(format!("denied by {}", place_text(d)));
        }
        unknowns.extend(response.trace.unverified.iter().cloned());
        if step.actor == Actor::Consumer && !self.consumer_given && identity_only {
            unknowns.push(format!(
                "{}: the registry account's principals need this in their identity policies",
                super::consumer::NO_CONSUMER
            ));
            if status == Status::Allowed {
                status = Status::NotVerified;
            }
        }
        reasons.extend(notes);
        let shared_side = match &shared {
            Some(Ok(side)) => Some(side),
            _ => None,
        };
        let resource_policy_file = shared_side
            .map(|s| s.at.clone())
            .or_else(|| {
                assembled
                    .resource_policy
                    .filter(|p| p.origin.file.is_some())
                    .map(|p| p.origin.location(&p.origin.root()))
            })
            .or_else(|| fix::resource_policy_home(&assembled));
        let role_file = assembled.role.map(|r| r.at.clone());
        let role_arn = assembled.role.map(|r| r.arn.clone());
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
                managed_key: managed_key && cross_account && step.sides == Sides::Both,
                policy_rejected,
                context: &request.context,
                share: shared_side.map(|s| s.share.as_str()),
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
            container: ask.container,
            action: action.to_owned(),
            required: ask.required,
            resource,
            status,
            decision: Some(decision),
            reasons,
            unknowns,
            allowed_by,
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
