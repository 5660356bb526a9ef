//! A step's instances (one per container, with its variables) and its actions over the
//! matrix values.

use super::*;

/// One run of a step: its container, its variables (names starting with `_` are notes for
/// the outcome, not template variables), and why a variable it may need has no value.
struct Instance {
    container: Option<usize>,
    vars: BTreeMap<String, String>,
    notes: Vec<String>,
    /// Other values of the artifact's variables (its other possible keys), each decided too.
    alternatives: Vec<BTreeMap<String, String>>,
}

/// The artifact's variables for each of its other possible keys.
fn alternatives(
    a: &request::Artifact,
    partition: &str,
    vars: &BTreeMap<String, String>,
) -> Vec<BTreeMap<String, String>> {
    let bucket_context = vars.get("artifact.kms_context") == vars.get("artifact.bucket_arn");
    a.other_keys
        .iter()
        .map(|k| {
            let other = request::Artifact {
                key: k.clone(),
                ..a.clone()
            };
            let arn = other.object_arn(partition);
            let mut m = BTreeMap::new();
            m.insert("artifact.key".to_owned(), k.clone());
            m.insert("artifact.url".to_owned(), format!("s3://{}/{k}", a.bucket));
            if !bucket_context {
                m.insert("artifact.kms_context".to_owned(), arn.clone());
            }
            m.insert("artifact.object_arn".to_owned(), arn);
            m
        })
        .collect()
}

/// The KMS key of an SSE-KMS bucket default (`KMSMasterKeyID`: an ARN, an alias or a key
/// id; none: the AWS managed key `aws/s3`), as an ARN in the bucket owner's account.
fn default_key(partition: &str, region: &str, account: &str, key: Option<&str>) -> String {
    match key {
        Some(k) if k.starts_with("arn:") => k.to_owned(),
        Some(k) if k.starts_with("alias/") => format!("arn:{partition}:kms:{region}:{account}:{k}"),
        Some(k) => format!("arn:{partition}:kms:{region}:{account}:key/{k}"),
        None => format!("arn:{partition}:kms:{region}:{account}:alias/aws/s3"),
    }
}

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
    let object_arn = a.object_arn(&partition);
    let bucket_arn = format!("arn:{partition}:s3:::{}", a.bucket);
    vars.insert("artifact.url".into(), a.url.clone());
    vars.insert("artifact.bucket".into(), a.bucket.clone());
    vars.insert("artifact.key".into(), a.key.clone());
    vars.insert("artifact.object_arn".into(), object_arn.clone());
    vars.insert("artifact.bucket_arn".into(), bucket_arn.clone());
    if let Some(n) = &a.note {
        vars.insert("_artifact_note".into(), n.clone());
    }
    let owner = run.inv.bucket_owner(&a.bucket);
    let region = owner
        .and_then(|(_, b)| b.region.value().cloned())
        .or_else(|| c.image.as_ref().map(|i| i.region.clone()))
        .or_else(|| run.request.group.region.clone());
    if let Some(r) = &region {
        vars.insert("artifact.region".into(), r.clone());
    }
    // With an S3 Bucket Key, S3 asks KMS with the bucket's ARN as encryption context.
    let bucket_key = owner
        .and_then(|(_, b)| b.encryption.value())
        .is_some_and(|e| e.bucket_key);
    vars.insert(
        "artifact.kms_context".into(),
        if bucket_key { bucket_arn } else { object_arn },
    );
    if let Some(k) = &run.artifact_key {
        vars.insert("artifact.kms_key".into(), k.clone());
        return notes;
    }
    if let Some(k) = &c.kms_key {
        vars.insert("artifact.kms_key".into(), k.clone());
        if let Some(n) = &c.kms_key_note {
            vars.insert("_kms_key_note".into(), n.clone());
        }
        return notes;
    }
    let region = region.unwrap_or_default();
    match owner.map(|(acct, b)| (acct, &b.encryption)) {
        Some((acct, Known::Present(enc, _)))
            if enc.algorithm == "aws:kms" || enc.algorithm == "aws:kms:dsse" =>
        {
            let key = default_key(&partition, &region, &acct.id, enc.kms_key.as_deref());
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

    /// The variables every instance of a step has.
    fn base_variables(&self) -> BTreeMap<String, String> {
        let mut base = self.request.base_variables();
        let caller_account = self.caller.account().unwrap_or_default().to_owned();
        base.insert("caller".into(), self.caller_text.clone());
        base.insert("caller.account".into(), caller_account.clone());
        base.insert("consumer".into(), self.consumer_text.clone());
        base.insert(
            "consumer.account".into(),
            self.consumer.account().unwrap_or_default().to_owned(),
        );
        base.entry("group.account".into()).or_insert(caller_account);
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
        // Images in SageMaker's own registries are pulled with SageMaker's credentials: no
        // ECR authorization token is needed for them. An image that cannot be read counts
        // as the customer's.
        let all_aws_owned = !self.request.containers.is_empty()
            && self.request.containers.iter().all(|c| {
                c.image
                    .as_ref()
                    .is_some_and(|i| registries::aws_owned(&i.account, &i.region).is_some())
            });
        if !all_aws_owned {
            base.insert("customer_images".into(), "true".into());
        }
        base
    }

    pub(super) fn step(&mut self, step: &Step, outcomes: &mut Vec<Outcome>) {
        let base = self.base_variables();
        let instances: Vec<Instance> = if step.per_container {
            self.request
                .containers
                .iter()
                .map(|c| {
                    let mut vars = base.clone();
                    let notes = container_variables(self, c, &mut vars);
                    let partition = &self.request.group.partition;
                    let alternatives = c
                        .artifact
                        .as_ref()
                        .map(|a| alternatives(a, partition, &vars))
                        .unwrap_or_default();
                    Instance {
                        container: Some(c.index),
                        vars,
                        notes,
                        alternatives,
                    }
                })
                .collect()
        } else {
            vec![Instance {
                container: None,
                vars: base,
                notes: Vec::new(),
                alternatives: Vec::new(),
            }]
        };
        for inst in instances {
            for a in &step.actions {
                let ask = Ask {
                    step,
                    container: inst.container,
                    action: &a.action,
                    required: a.required,
                };
                match &step.when {
                    Some(w) if !inst.vars.contains_key(w) => {
                        // Skipped, unless the reason it has no value is unknown data.
                        if w == "artifact.kms_key" && !inst.notes.is_empty() {
                            let mut o = self.not_run(&ask, "-".into(), Vec::new());
                            o.unknowns = inst.notes.clone();
                            outcomes.push(o);
                        } else {
                            let container = inst
                                .container
                                .map(|c| format!(" (container {c})"))
                                .unwrap_or_default();
                            let why = if w == "artifact.kms_key"
                                && inst.vars.contains_key("artifact.object_arn")
                            {
                                "the artifact is not encrypted with a KMS key, so no KMS permission is needed".to_owned()
                            } else if w == "artifact.kms_key" {
                                "the request names no usable artifact, so no KMS key is known"
                                    .to_owned()
                            } else {
                                format!("`{{{w}}}` has no value, so the step does not apply")
                            };
                            let line =
                                format!("{}{container}: `{}` skipped: {why}", step.id, a.action);
                            if !self.skipped.contains(&line) {
                                self.skipped.push(line);
                            }
                        }
                    }
                    _ => outcomes.push(self.action(&ask, &inst.vars, &inst.alternatives)),
                }
            }
        }
    }

    pub(super) fn not_run(&self, ask: &Ask<'_>, resource: String, reasons: Vec<String>) -> Outcome {
        let step = ask.step;
        let (principal, text) = self.principal(step.actor);
        Outcome {
            step: step.id.clone(),
            title: step.title.clone(),
            actor: step.actor,
            principal: text.to_owned(),
            container: ask.container,
            action: ask.action.to_owned(),
            required: ask.required,
            resource,
            status: Status::NotVerified,
            decision: None,
            reasons: Vec::new(),
            unknowns: reasons,
            allowed_by: Vec::new(),
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
        ask: &Ask<'_>,
        vars: &BTreeMap<String, String>,
        alternatives: &[BTreeMap<String, String>],
    ) -> Outcome {
        let step = ask.step;
        // The artifact's other keys matter only to steps that name the artifact.
        let on_artifact = step
            .resource
            .variables()
            .any(|v| v.starts_with("artifact."))
            || step
                .context
                .values()
                .any(|t| t.variables().any(|v| v.starts_with("artifact.")));
        let mut combos = Vec::new();
        for m in combinations(&step.matrix) {
            combos.push(m.clone());
            if on_artifact {
                for alt in alternatives {
                    let mut c = m.clone();
                    c.extend(alt.iter().map(|(k, v)| (k.clone(), v.clone())));
                    combos.push(c);
                }
            }
        }
        let mut first_ok: Option<Outcome> = None;
        let mut failures: Vec<(BTreeMap<String, String>, Outcome)> = Vec::new();
        for combo in &combos {
            let mut v = vars.clone();
            v.extend(combo.iter().map(|(k, val)| (k.clone(), val.clone())));
            let o = self.decide(ask, &v);
            if o.status == Status::Allowed {
                first_ok.get_or_insert(o);
            } else {
                // Name the value tried: the matrix's, and the artifact's key when it has others.
                let mut shown: BTreeMap<String, String> = combo
                    .iter()
                    .filter(|(k, _)| step.matrix.contains_key(*k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if on_artifact && !alternatives.is_empty() {
                    let key = combo
                        .get("artifact.key")
                        .or_else(|| vars.get("artifact.key"));
                    shown.extend(key.map(|k| ("artifact.key".to_owned(), k.clone())));
                }
                failures.push((shown, o));
            }
        }
        if failures.is_empty() {
            return first_ok.unwrap_or_else(|| {
                self.not_run(ask, "-".into(), vec!["no combination to try".into()])
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
        }
        if !step.matrix.is_empty() && combos.len() > 1 {
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
