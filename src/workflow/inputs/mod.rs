//! What teams already have, read into the workflow's requests: the `create-model-package`
//! input ([`super::request`]), a SageMaker pipeline definition ([`pipeline`]: its training
//! and `RegisterModel` steps, the caller being the pipeline's execution role), a training job
//! ([`training_job`]: its artifact, image and output key) and a Studio user profile or
//! domain ([`studio`]: the execution role that registers from Studio). Each file's kind is
//! what the one classifier ([`crate::load::classify`]) says; reading the files is the
//! caller's business, so nothing here touches the file system.
//!
//! The result is a [`Plan`]: the training runs, and the registrations with their callers,
//! each linked to the training runs whose output it registers.

mod expr;
pub mod pipeline;
pub mod studio;
pub mod training_job;

use std::sync::Arc;

use serde::Serialize;

use super::request::{Artifact, Container, Group, Image, RegistrationRequest, RequestProblem};
use crate::arn::Arn;
use crate::json::{Json, Pointer};
use crate::load::classify::{classify, FileKind};

/// `OutputDataConfig.KmsKeyId` and what SageMaker does without it.
pub const OUTPUT_KEY_SOURCE: &str =
    "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html";

/// A training run whose output may be registered: a training job, or a pipeline's training
/// step.
#[derive(Debug, Clone, Serialize)]
pub struct Training {
    /// For humans: "training job `X`", "step `Train` of pipeline `P`".
    pub label: String,
    /// The file it is read from.
    pub file: Arc<str>,
    /// The execution role the job runs with (`RoleArn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The image (`AlgorithmSpecification.TrainingImage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The model artifact it writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Artifact>,
    /// The key it writes with, as an ARN (an alias ARN for `aws/s3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    /// Why the key is what it is, when the input does not name a customer managed key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_note: Option<String>,
    /// What cannot name a real resource.
    pub problems: Vec<RequestProblem>,
}

impl Training {
    /// A training run; its key is `(key, why)` as [`output_key`] gives it.
    fn new(
        label: String,
        file: &Arc<str>,
        role: Option<String>,
        image: Option<Image>,
        artifact: Option<Artifact>,
        (kms_key, kms_key_note): (Option<String>, Option<String>),
        problems: Vec<RequestProblem>,
    ) -> Training {
        Training {
            label,
            file: file.clone(),
            role,
            image,
            artifact,
            kms_key,
            kms_key_note,
            problems,
        }
    }

    /// Its output as a container (for the training step of the chain, and for a registration
    /// of its artifact).
    pub fn container(&self, index: usize) -> Container {
        let mut c = Container::new(index, self.image.clone(), self.artifact.clone());
        c.kms_key.clone_from(&self.kms_key);
        c.kms_key_note.clone_from(&self.kms_key_note);
        c
    }

    /// A request standing for the training run: its output, the group of the registration
    /// it feeds (when there is one).
    pub fn request(&self, group: Option<&Group>) -> RegistrationRequest {
        let group = group.cloned().unwrap_or_else(|| Group {
            written: String::new(),
            arn: None,
            name: String::new(),
            region: None,
            account: None,
            partition: "aws".into(),
        });
        RegistrationRequest {
            file: self.file.clone(),
            group,
            approval_status: None,
            containers: vec![self.container(0)],
            problems: self.problems.clone(),
        }
    }
}

/// One registration and who makes it.
#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    /// For humans: the request file, or "step `Register` of pipeline `P`".
    pub label: String,
    /// The request.
    pub request: RegistrationRequest,
    /// The caller the input names (the pipeline's execution role), when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// Where the caller comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_from: Option<String>,
    /// The training runs (indexes into [`Plan::trainings`]) whose output it registers.
    pub trainings: Vec<usize>,
}

/// Everything the inputs say, in the order of the workflow.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// Training runs.
    pub trainings: Vec<Training>,
    /// Registrations.
    pub registrations: Vec<Registration>,
    /// Execution roles of Studio user profiles and domains, with where each is from.
    pub studio_roles: Vec<(String, String)>,
}

/// The account of an ARN.
fn account_of(arn: &str) -> Option<String> {
    Arn::parse(arn)
        .map(|a| a.account.to_owned())
        .filter(|a| crate::arn::is_account_id(a))
}

/// The key a training output is written with, as an ARN, and why when it is SageMaker's
/// default: a key id or alias is in the account of the role that writes (`account`), in the
/// job's Region.
pub fn output_key(
    key: Option<&str>,
    partition: &str,
    region: &str,
    account: &str,
) -> (String, Option<String>) {
    let managed = || {
        format!(
            "the training output names no `OutputDataConfig.KmsKeyId`: SageMaker encrypts it with the AWS managed key `aws/s3` of the role's account {account} ({OUTPUT_KEY_SOURCE})"
        )
    };
    match key.filter(|k| !k.is_empty()) {
        None => (
            format!("arn:{partition}:kms:{region}:{account}:alias/aws/s3"),
            Some(managed()),
        ),
        Some(k) if k.starts_with("arn:") => {
            let note = k.contains(":alias/aws/").then(|| {
                format!("the training output is encrypted with the AWS managed key `{k}` (`OutputDataConfig.KmsKeyId`)")
            });
            (k.to_owned(), note)
        }
        Some(k) if k.starts_with("alias/") => {
            let note = k.starts_with("alias/aws/").then(|| {
                format!("the training output is encrypted with the AWS managed key `{k}` (`OutputDataConfig.KmsKeyId`)")
            });
            (format!("arn:{partition}:kms:{region}:{account}:{k}"), note)
        }
        Some(k) => (
            format!("arn:{partition}:kms:{region}:{account}:key/{k}"),
            None,
        ),
    }
}

/// [`output_key`] for a role's account in a Region, when both are known.
fn output_key_of(
    key: Option<&str>,
    partition: &str,
    region: Option<&str>,
    role: Option<&str>,
) -> (Option<String>, Option<String>) {
    match (role.and_then(account_of), region) {
        (Some(account), Some(region)) => {
            let (k, n) = output_key(key, partition, region, &account);
            (Some(k), n)
        }
        _ => (None, None),
    }
}

/// A group given as an ARN (`--group`, for inputs that do not name one).
pub fn group_from_arn(arn: &str) -> Result<Group, String> {
    match Arn::parse(arn) {
        Some(a) if a.service == "sagemaker" && a.resource.starts_with("model-package-group/") => {
            Ok(Group {
                written: arn.to_owned(),
                arn: Some(arn.to_owned()),
                name: a.resource["model-package-group/".len()..].to_owned(),
                region: Some(a.region.to_owned()),
                account: Some(a.account.to_owned()),
                partition: a.partition.to_owned(),
            })
        }
        _ => Err(format!("`{arn}` is not a model package group ARN")),
    }
}

/// Reads the inputs (file name and text each) into a plan; `group` is the group for inputs
/// that name none (a training job). `Err`: a file that is not an input `check` reads, or
/// one that cannot be read at all (with file and pointer).
pub fn plan(files: &[(Arc<str>, String)], group: Option<&Group>) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for (file, text) in files {
        let json = Json::parse(text).map_err(|e| format!("{file}: /: invalid JSON: {e}"))?;
        match classify(&json) {
            // A JSON object that names none of the fields of another input is read as a
            // `create-model-package` input, whose parser says what is missing.
            FileKind::ModelPackageRequest | FileKind::Unrecognized if json.as_object().is_some() => {
                let request = RegistrationRequest::parse(text, file.clone())
                    .map_err(|p| p.to_string())?;
                plan.registrations.push(Registration {
                    label: file.to_string(),
                    request,
                    caller: None,
                    caller_from: None,
                    trainings: Vec::new(),
                });
            }
            k @ (FileKind::PipelineDefinition
            | FileKind::PipelineExecutionDefinition
            | FileKind::Pipeline) => pipeline::read(&json, k, file, &mut plan)?,
            FileKind::TrainingJob => {
                let t = training_job::read(&json, file);
                let index = plan.trainings.len();
                plan.trainings.push(t);
                if let Some(g) = group {
                    let t = &plan.trainings[index];
                    let mut request = t.request(Some(g));
                    request.approval_status = Some("PendingManualApproval".into());
                    plan.registrations.push(Registration {
                        label: format!("the output of {}", t.label),
                        request,
                        caller: None,
                        caller_from: None,
                        trainings: vec![index],
                    });
                }
            }
            FileKind::UserProfile | FileKind::Domain => {
                plan.studio_roles.push(studio::execution_role(&json, file)?);
            }
            FileKind::Unrecognized => {
                return Err(format!(
                    "{file}: /: expected an object, found {}",
                    json.type_name()
                ))
            }
            other => {
                return Err(format!(
                    "{file}: the output of `{}` is not an input of `check` (a create-model-package input, a pipeline definition, describe-pipeline, describe-training-job, describe-user-profile or describe-domain)",
                    other.command()
                ))
            }
        }
    }
    Ok(plan)
}

/// A string field, with a problem when it is missing or not a string.
fn string_at(
    json: &Json<'_>,
    key: &str,
    at: &Pointer,
    file: &Arc<str>,
    problems: &mut Vec<RequestProblem>,
) -> Option<String> {
    match json.get(key) {
        Some(Json::String(s)) => Some(s.to_string()),
        Some(other) => {
            problems.push(RequestProblem::new(
                file.clone(),
                at.key(key),
                format!("expected a string, found {}", other.type_name()),
            ));
            None
        }
        None => {
            problems.push(RequestProblem::new(
                file.clone(),
                at.clone(),
                format!("missing `{key}`"),
            ));
            None
        }
    }
}

/// An image URI, with a problem when it is not an ECR image.
fn image_at(
    uri: Option<String>,
    at: Pointer,
    file: &Arc<str>,
    problems: &mut Vec<RequestProblem>,
) -> Option<Image> {
    let uri = uri?;
    let image = Image::parse(&uri);
    if image.is_none() {
        problems.push(RequestProblem::new(
            file.clone(),
            at,
            format!(
                "`{uri}` is not an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG)"
            ),
        ));
    }
    image
}
