//! A step's instances (one per container, with its variables) and its actions over the
//! matrix values.

use super::*;

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
    pub(super) fn principal(&self, actor: Actor) -> (&Principal, &str) {
        match actor {
            Actor::Caller => (&self.caller, &self.caller_text),
            Actor::Consumer => (&self.consumer, &self.consumer_text),
        }
    }

    pub(super) fn step(&mut self, step: &Step, outcomes: &mut Vec<Outcome>) {
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

    pub(super) fn not_run(
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
    pub(super) fn action(
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
}
