//! A SageMaker pipeline definition: the JSON a pipeline SDK writes (`Version`, `Parameters`,
//! `Steps`), or the same text inside `describe-pipeline-definition-for-execution` or
//! `describe-pipeline` (which also names the pipeline's execution role, `RoleArn`).
//!
//! Each `Training` step is a training run: its role, image, output path and key. Its job
//! is named by SageMaker when the pipeline runs, so its model artifact
//! (`S3OutputPath/<job name>/output/model.tar.gz`) is decided for a stand-in job name and a
//! policy must cover every job's output. Each `RegisterModel` step (what `RegisterModel` and
//! `ModelStep` write) is a `create-model-package` input whose values may be references: a
//! training step's `ModelArtifacts.S3ModelArtifacts` becomes that step's artifact and key,
//! a parameter its default value. The registration's caller is the pipeline's execution
//! role (<https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-access.html>).

use std::sync::Arc;

use super::expr::{text_of, Gap, Scope, StepProps};
use super::{image_at, output_key_of, Plan, Registration, Training};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::workflow::request::{Artifact, RegistrationRequest, RequestProblem};

/// Where problems go: the file, and the string that carries the definition, if any.
struct Places {
    file: Arc<str>,
    carrier: Option<Pointer>,
}

impl Places {
    fn problem(&self, at: &Pointer, message: impl Into<String>, undecided: bool) -> RequestProblem {
        let mut p = match &self.carrier {
            Some(c) => {
                let mut p = RequestProblem::new(self.file.clone(), c.clone(), message);
                p.embedded = Some(at.clone());
                p
            }
            None => RequestProblem::new(self.file.clone(), at.clone(), message),
        };
        p.undecided = undecided;
        p
    }

    fn gaps(&self, gaps: Vec<Gap>) -> impl Iterator<Item = RequestProblem> + '_ {
        gaps.into_iter()
            .map(|g| self.problem(&g.pointer, g.why, true))
    }

    /// A problem of a `create-model-package` input resolved from a step's arguments at `at`.
    fn rebase(&self, at: &Pointer, p: RequestProblem) -> RequestProblem {
        let inner = Pointer::parse(&format!("{}{}", at.as_str(), p.pointer.as_str()))
            .unwrap_or_else(|| at.clone());
        let mut q = self.problem(&inner, p.message, p.undecided);
        q.undecided = p.undecided;
        q
    }
}

/// Every step, nested condition branches included, in document order.
fn steps<'j, 'a>(list: &'j Json<'a>, at: Pointer, out: &mut Vec<(Pointer, &'j Json<'a>)>) {
    let Json::Array(items) = list else {
        return;
    };
    for (i, s) in items.iter().enumerate() {
        let sp = at.index(i);
        out.push((sp.clone(), s));
        if let Some(args) = s.get("Arguments") {
            for branch in ["IfSteps", "ElseSteps"] {
                if let Some(b) = args.get(branch) {
                    steps(b, sp.key("Arguments").key(branch), out);
                }
            }
        }
    }
}

fn text(v: &serde_json::Value, key: &[&str]) -> Option<String> {
    let mut cur = v;
    for k in key {
        cur = cur.get(k)?;
    }
    cur.as_str().map(str::to_owned)
}

/// Reads one pipeline input into the plan.
pub fn read(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    plan: &mut Plan,
) -> Result<(), String> {
    let role = json
        .get("RoleArn")
        .and_then(Json::as_str)
        .map(str::to_owned);
    let name = json
        .get("PipelineName")
        .and_then(Json::as_str)
        .unwrap_or("?")
        .to_owned();
    let region = json
        .get("PipelineArn")
        .and_then(Json::as_str)
        .and_then(crate::arn::Arn::parse)
        .map(|a| a.region.to_owned());
    if kind == FileKind::PipelineDefinition {
        let places = Places {
            file: file.clone(),
            carrier: None,
        };
        return definition(json, &places, (&name, role, region), plan);
    }
    let carrier = Pointer::root().key("PipelineDefinition");
    let Some(inner) = json.get("PipelineDefinition").and_then(Json::as_str) else {
        return Err(format!(
            "{file}: {carrier}: expected the definition as a string"
        ));
    };
    let def = Json::parse(inner)
        .map_err(|e| format!("{file}: {carrier}: the definition is not JSON: {e}"))?;
    let places = Places {
        file: file.clone(),
        carrier: Some(carrier),
    };
    definition(&def, &places, (&name, role, region), plan)
}

fn definition(
    def: &Json<'_>,
    places: &Places,
    (name, role, region): (&str, Option<String>, Option<String>),
    plan: &mut Plan,
) -> Result<(), String> {
    let root = Pointer::root();
    let mut scope = Scope::default();
    if let Some(Json::Array(ps)) = def.get("Parameters") {
        for p in ps {
            if let Some(n) = p.get("Name").and_then(Json::as_str) {
                scope
                    .parameters
                    .insert(n.to_owned(), p.get("DefaultValue").and_then(text_of));
            }
        }
    }
    let mut all = Vec::new();
    match def.get("Steps") {
        Some(list @ Json::Array(_)) => steps(list, root.key("Steps"), &mut all),
        _ => {
            return Err(format!(
                "{}: the pipeline definition has no `Steps` array",
                places.file
            ))
        }
    }
    let pipeline = if name == "?" {
        String::new()
    } else {
        format!(" of pipeline `{name}`")
    };
    let mut trained: Vec<(String, usize)> = Vec::new();
    let mut registered = 0;
    for (at, step) in &all {
        let step_name = step
            .get("Name")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_owned();
        let args_at = at.key("Arguments");
        let args = step.get("Arguments");
        match (step.get("Type").and_then(Json::as_str), args) {
            (Some("Training"), Some(args)) => {
                let r = scope.resolve(args, &args_at);
                let mut t = training(
                    &r.value,
                    &step_name,
                    &pipeline,
                    places,
                    region.as_deref(),
                    &args_at,
                );
                t.problems.extend(places.gaps(r.gaps));
                scope.steps.insert(
                    step_name.clone(),
                    StepProps {
                        model_artifacts: t.artifact.as_ref().map(|a| a.url.clone()),
                        training_image: t.image.as_ref().map(|i| i.uri.clone()),
                        output_path: text(&r.value, &["OutputDataConfig", "S3OutputPath"]),
                        kms_key: text(&r.value, &["OutputDataConfig", "KmsKeyId"]),
                        role: t.role.clone(),
                    },
                );
                trained.push((step_name, plan.trainings.len()));
                plan.trainings.push(t);
            }
            (Some("RegisterModel"), Some(args)) => {
                registered += 1;
                let r = scope.resolve(args, &args_at);
                let text = r.value.to_string();
                let mut request = RegistrationRequest::parse(&text, places.file.clone())
                    .map_err(|p| places.rebase(&args_at, p).to_string())?;
                // A value the definition does not give is reported once, as unknown, not
                // also as a value the request cannot hold.
                let gap_at: Vec<String> = r
                    .gaps
                    .iter()
                    .map(|g| g.pointer.as_str().to_owned())
                    .collect();
                let problems = std::mem::take(&mut request.problems);
                request.problems = problems
                    .into_iter()
                    .map(|p| places.rebase(&args_at, p))
                    .filter(|p| {
                        let at = p.embedded.as_ref().unwrap_or(&p.pointer).as_str();
                        !gap_at.iter().any(|g| at.starts_with(g.as_str()))
                    })
                    .collect();
                request.problems.extend(places.gaps(r.gaps));
                let mut trainings = Vec::new();
                let containers_raw = args
                    .get("InferenceSpecification")
                    .and_then(|s| s.get("Containers"));
                for c in &mut request.containers {
                    let raw = match containers_raw {
                        Some(Json::Array(items)) => items.get(c.index),
                        _ => None,
                    };
                    let source = raw
                        .and_then(|r| r.get("ModelDataUrl"))
                        .and_then(|u| u.get("Get"))
                        .and_then(Json::as_str)
                        .and_then(|p| p.strip_prefix("Steps."))
                        .and_then(|p| p.strip_suffix(".ModelArtifacts.S3ModelArtifacts"));
                    let Some(index) = source
                        .and_then(|s| trained.iter().find(|(n, _)| n == s))
                        .map(|(_, i)| *i)
                    else {
                        continue;
                    };
                    let t = &plan.trainings[index];
                    c.kms_key.clone_from(&t.kms_key);
                    c.kms_key_note.clone_from(&t.kms_key_note);
                    if let (Some(a), Some(ta)) = (&mut c.artifact, &t.artifact) {
                        a.note.clone_from(&ta.note);
                        a.other_keys.clone_from(&ta.other_keys);
                    }
                    if !trainings.contains(&index) {
                        trainings.push(index);
                    }
                }
                plan.registrations.push(Registration {
                    label: format!("step `{step_name}`{pipeline}"),
                    request,
                    caller: role.clone(),
                    caller_from: role
                        .as_ref()
                        .map(|_| format!("the execution role of pipeline `{name}` (`RoleArn`)")),
                    trainings,
                });
            }
            _ => {}
        }
    }
    if registered == 0 && trained.is_empty() {
        return Err(format!(
            "{}: the pipeline definition has no `Training` or `RegisterModel` step",
            places.file
        ));
    }
    Ok(())
}

/// A training step, from its resolved arguments.
fn training(
    args: &serde_json::Value,
    step: &str,
    pipeline: &str,
    places: &Places,
    region: Option<&str>,
    at: &Pointer,
) -> Training {
    let mut problems = Vec::new();
    let role = text(args, &["RoleArn"]);
    if role.is_none() {
        problems.push(places.problem(at, "the training step names no `RoleArn`", false));
    }
    let image_uri = text(args, &["AlgorithmSpecification", "TrainingImage"]);
    let image = {
        let mut ps = Vec::new();
        let i = image_at(
            image_uri,
            at.key("AlgorithmSpecification").key("TrainingImage"),
            &places.file,
            &mut ps,
        );
        problems.extend(ps.into_iter().map(|p| places.rebase(&Pointer::root(), p)));
        i
    };
    let job = format!("<{step}-job>");
    let started = format!("pipelines-<execution-id>-{step}-<suffix>");
    let output = text(args, &["OutputDataConfig", "S3OutputPath"]);
    let artifact = match &output {
        Some(path) => {
            let url = format!("{}/{job}/output/model.tar.gz", path.trim_end_matches('/'));
            match Artifact::parse(&url, false) {
                Ok(mut a) => {
                    a.note = Some(format!(
                        "the artifact's key holds the name SageMaker gives step `{step}`'s training job when the pipeline runs (`S3OutputPath/<job name>/output/model.tar.gz`): it is decided for `{job}` and for `{started}`, the form of the names pipeline executions give their jobs, so a policy must cover every job's output"
                    ));
                    a.other_keys = vec![a.key.replace(&job, &started)];
                    Some(a)
                }
                Err(m) => {
                    problems.push(places.problem(
                        &at.key("OutputDataConfig").key("S3OutputPath"),
                        m,
                        false,
                    ));
                    None
                }
            }
        }
        None => {
            problems.push(places.problem(
                at,
                "the training step names no `OutputDataConfig.S3OutputPath`",
                false,
            ));
            None
        }
    };
    let region = region
        .map(str::to_owned)
        .or_else(|| image.as_ref().map(|i| i.region.clone()));
    let key = text(args, &["OutputDataConfig", "KmsKeyId"]);
    let key = output_key_of(key.as_deref(), "aws", region.as_deref(), role.as_deref());
    let label = format!("step `{step}`{pipeline}");
    Training::new(label, &places.file, role, image, artifact, key, problems)
}
