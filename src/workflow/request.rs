//! The registration request as users already have it: the dictionary the AWS guide passes to
//! `create_model_package`, which is also what `aws sagemaker create-model-package
//! --cli-input-json` reads. Parsed into the facts the scenario's templates use; everything
//! that cannot name a real resource (an unrendered `{bucket}`, a malformed image URI) is kept
//! as a problem with its JSON pointer, not guessed.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::arn::{is_account_id, Arn};
use crate::json::{Json, Pointer};

/// One problem in the request file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestProblem {
    /// The request file.
    pub file: Arc<str>,
    /// Where in it.
    pub pointer: Pointer,
    /// Where in the JSON text the string at `pointer` carries (a pipeline definition inside
    /// `describe-pipeline`'s output), when the problem is in such text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedded: Option<Pointer>,
    /// What is wrong.
    pub message: String,
    /// The value is not wrong but unknown until the pipeline runs (a parameter without a
    /// default): what depends on it is not verified rather than not possible.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub undecided: bool,
}

impl RequestProblem {
    /// A problem at `pointer` of `file`.
    pub fn new(file: Arc<str>, pointer: Pointer, message: impl Into<String>) -> RequestProblem {
        RequestProblem {
            file,
            pointer,
            embedded: None,
            message: message.into(),
            undecided: false,
        }
    }

    /// Where it is, as a location.
    pub fn location(&self) -> crate::diagnostic::Location {
        let mut l = crate::diagnostic::Location::new(self.file.clone(), self.pointer.clone());
        l.embedded = self.embedded.clone();
        l
    }
}

impl std::fmt::Display for RequestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.pointer)?;
        if let Some(e) = &self.embedded {
            write!(f, " (in its text: {e})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The model package group the request names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    /// As written in `ModelPackageGroupName`.
    pub written: String,
    /// The group's ARN, when it can be known (an ARN, or a name plus the caller's account
    /// and the Region of the other resources).
    pub arn: Option<String>,
    /// Name.
    pub name: String,
    /// Region, when known.
    pub region: Option<String>,
    /// Account, when known.
    pub account: Option<String>,
    /// Partition.
    pub partition: String,
}

/// A container's image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Image {
    /// The URI as written.
    pub uri: String,
    /// Registry account.
    pub account: String,
    /// Region.
    pub region: String,
    /// Repository name.
    pub repository: String,
}

impl Image {
    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/NAME[:TAG|@DIGEST]`.
    pub fn parse(uri: &str) -> Option<Image> {
        let (host, path) = uri.split_once('/')?;
        let mut parts = host.split('.');
        let account = parts.next()?;
        if !is_account_id(account) || parts.next()? != "dkr" || parts.next()? != "ecr" {
            return None;
        }
        let region = parts.next()?;
        if region.is_empty() || parts.next()? != "amazonaws" {
            return None;
        }
        let name = match path.split_once('@') {
            Some((n, _)) => n,
            None => match path.rsplit_once(':') {
                Some((n, tag)) if !tag.contains('/') => n,
                _ => path,
            },
        };
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b));
        valid.then(|| Image {
            uri: uri.to_owned(),
            account: account.to_owned(),
            region: region.to_owned(),
            repository: name.to_owned(),
        })
    }
}

/// A container's model artifact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Artifact {
    /// The S3 URL as written.
    pub url: String,
    /// Bucket.
    pub bucket: String,
    /// Object key, or key prefix.
    pub key: String,
    /// Whether `key` is a prefix (`S3DataType: S3Prefix`).
    pub is_prefix: bool,
    /// How the key was worked out, when the input does not name it as such (a training
    /// step's output, whose job name SageMaker generates when the pipeline runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Other keys the object may have (the forms of a job name SageMaker generates): every
    /// step on the artifact is decided for each of them too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_keys: Vec<String>,
}

/// Is `name` a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens,
/// starting and ending with a letter or digit)?
pub fn is_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

impl Artifact {
    /// `s3://BUCKET/KEY`; `Err` says why it names no object.
    pub fn parse(url: &str, is_prefix: bool) -> Result<Artifact, String> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| format!("`{url}` is not an `s3://` URL"))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if !is_bucket_name(bucket) {
            let hint = if bucket.contains('{') || bucket.contains('<') {
                " (an unrendered template placeholder: in Python, the string needs the `f` prefix)"
            } else {
                ""
            };
            return Err(format!(
                "`{url}` names bucket `{bucket}`, which is not a valid bucket name{hint}"
            ));
        }
        if key.is_empty() && !is_prefix {
            return Err(format!("`{url}` names no object"));
        }
        Ok(Artifact {
            url: url.to_owned(),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            is_prefix,
            note: None,
            other_keys: Vec::new(),
        })
    }

    /// The ARN the read is authorized on: the object, or `prefix*` for a prefix (the
    /// consumer reads every object under it).
    pub fn object_arn(&self, partition: &str) -> String {
        if self.is_prefix {
            format!("arn:{partition}:s3:::{}/{}*", self.bucket, self.key)
        } else {
            format!("arn:{partition}:s3:::{}/{}", self.bucket, self.key)
        }
    }
}

/// One container of `InferenceSpecification.Containers`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Container {
    /// Position.
    pub index: usize,
    /// Its image, when the URI is one.
    pub image: Option<Image>,
    /// Its artifact, when it has one that names an object.
    pub artifact: Option<Artifact>,
    /// The KMS key the input says the artifact is written with, as an ARN (a training job's
    /// `OutputDataConfig.KmsKeyId`, or SageMaker's default when it names none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    /// Why [`Container::kms_key`] is what it is, when the input does not name it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_note: Option<String>,
}

impl Container {
    /// A container with an image and an artifact, and nothing else known.
    pub fn new(index: usize, image: Option<Image>, artifact: Option<Artifact>) -> Container {
        Container {
            index,
            image,
            artifact,
            kms_key: None,
            kms_key_note: None,
        }
    }
}

/// The parsed registration request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistrationRequest {
    /// The request file.
    pub file: Arc<str>,
    /// The group.
    pub group: Group,
    /// `ModelApprovalStatus`, when given.
    pub approval_status: Option<String>,
    /// The containers.
    pub containers: Vec<Container>,
    /// What in the request cannot name a real resource.
    pub problems: Vec<RequestProblem>,
}

impl RegistrationRequest {
    /// Reads the request; `Err` only when the file is not a JSON object at all (a problem
    /// with one field is kept in `problems` and the rest is still checked).
    pub fn parse(text: &str, file: Arc<str>) -> Result<RegistrationRequest, RequestProblem> {
        let root = Pointer::root();
        let fail =
            |pointer: Pointer, message: String| RequestProblem::new(file.clone(), pointer, message);
        let json =
            Json::parse(text).map_err(|e| fail(root.clone(), format!("invalid JSON: {e}")))?;
        if json.as_object().is_none() {
            return Err(fail(
                root,
                format!("expected an object, found {}", json.type_name()),
            ));
        }
        let mut problems = Vec::new();
        let mut problem = |pointer: Pointer, message: String| problems.push(fail(pointer, message));

        let written = match json.get("ModelPackageGroupName") {
            Some(Json::String(s)) => s.to_string(),
            Some(other) => {
                problem(
                    root.key("ModelPackageGroupName"),
                    format!("expected a string, found {}", other.type_name()),
                );
                String::new()
            }
            None => {
                problem(root.clone(), "missing `ModelPackageGroupName`".into());
                String::new()
            }
        };
        let group = match Arn::parse(&written) {
            Some(a)
                if a.service == "sagemaker" && a.resource.starts_with("model-package-group/") =>
            {
                Group {
                    arn: Some(written.clone()),
                    name: a.resource["model-package-group/".len()..].to_owned(),
                    region: Some(a.region.to_owned()),
                    account: Some(a.account.to_owned()),
                    partition: a.partition.to_owned(),
                    written: written.clone(),
                }
            }
            other => {
                if other.is_some() {
                    problem(
                        root.key("ModelPackageGroupName"),
                        format!("`{written}` is not a model package group ARN"),
                    );
                }
                // A name: the group is in the caller's account, its Region that of the
                // other resources.
                Group {
                    arn: None,
                    name: written.clone(),
                    region: None,
                    account: None,
                    partition: "aws".into(),
                    written: written.clone(),
                }
            }
        };
        let approval_status = json
            .get("ModelApprovalStatus")
            .and_then(Json::as_str)
            .map(str::to_owned);
        if let Some(s) = &approval_status {
            if !["Approved", "Rejected", "PendingManualApproval"].contains(&s.as_str()) {
                problem(
                    root.key("ModelApprovalStatus"),
                    format!("`{s}` is not Approved, Rejected or PendingManualApproval"),
                );
            }
        }
        let mut containers = Vec::new();
        let at = root.key("InferenceSpecification").key("Containers");
        match json
            .get("InferenceSpecification")
            .and_then(|s| s.get("Containers"))
        {
            Some(Json::Array(items)) if !items.is_empty() => {
                if items.len() > 15 {
                    problem(
                        at.clone(),
                        format!(
                            "{} containers; an inference pipeline has at most 15",
                            items.len()
                        ),
                    );
                }
                for (index, c) in items.iter().enumerate() {
                    let cp = at.index(index);
                    let image = match c.get("Image") {
                        Some(Json::String(uri)) => {
                            let parsed = Image::parse(uri);
                            if parsed.is_none() {
                                problem(
                                    cp.key("Image"),
                                    format!("`{uri}` is not an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG)"),
                                );
                            }
                            parsed
                        }
                        _ => {
                            problem(cp.clone(), "missing `Image`".into());
                            None
                        }
                    };
                    let source = c.get("ModelDataSource").and_then(|s| s.get("S3DataSource"));
                    let (url, url_at, is_prefix) = match (c.get("ModelDataUrl"), source) {
                        (Some(Json::String(u)), _) => {
                            (Some(u.to_string()), cp.key("ModelDataUrl"), false)
                        }
                        (_, Some(s3)) => {
                            let prefix =
                                s3.get("S3DataType").and_then(Json::as_str) == Some("S3Prefix");
                            (
                                s3.get("S3Uri").and_then(Json::as_str).map(str::to_owned),
                                cp.key("ModelDataSource").key("S3DataSource").key("S3Uri"),
                                prefix,
                            )
                        }
                        _ => (None, cp.clone(), false),
                    };
                    let artifact = url.and_then(|u| match Artifact::parse(&u, is_prefix) {
                        Ok(a) => Some(a),
                        Err(m) => {
                            problem(url_at, m);
                            None
                        }
                    });
                    containers.push(Container::new(index, image, artifact));
                }
            }
            _ => problem(
                at,
                "missing `InferenceSpecification.Containers` (1 to 15 containers)".into(),
            ),
        }
        Ok(RegistrationRequest {
            file,
            group,
            approval_status,
            containers,
            problems,
        })
    }

    /// The variables every step can use (not container-scoped).
    pub fn base_variables(&self) -> BTreeMap<String, String> {
        let mut v = BTreeMap::new();
        let g = &self.group;
        v.insert("partition".into(), g.partition.clone());
        v.insert("group.name".into(), g.name.clone());
        if let Some(a) = &g.arn {
            v.insert("group.arn".into(), a.clone());
        }
        if let Some(r) = &g.region {
            v.insert("group.region".into(), r.clone());
        }
        if let Some(a) = &g.account {
            v.insert("group.account".into(), a.clone());
        }
        if let Some(s) = &self.approval_status {
            v.insert("approval_status".into(), s.clone());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_uris() {
        let i = Image::parse(
            "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample:latest",
        )
        .unwrap();
        assert_eq!(
            (i.account.as_str(), i.region.as_str(), i.repository.as_str()),
            ("222222222222", "us-east-2", "decision-trees-sample")
        );
        let i = Image::parse("222222222222.dkr.ecr.eu-west-1.amazonaws.com/team/model@sha256:abc")
            .unwrap();
        assert_eq!(i.repository, "team/model");
        assert!(Image::parse("docker.io/library/python:3").is_none());
        assert!(Image::parse("{account}.dkr.ecr.us-east-2.amazonaws.com/x:1").is_none());
    }

    #[test]
    fn artifact_urls() {
        let a = Artifact::parse("s3://bucket-a/model/model.tar.gz", false).unwrap();
        assert_eq!(
            a.object_arn("aws"),
            "arn:aws:s3:::bucket-a/model/model.tar.gz"
        );
        let p = Artifact::parse("s3://bucket-a/model/", true).unwrap();
        assert_eq!(p.object_arn("aws"), "arn:aws:s3:::bucket-a/model/*");
        let e = Artifact::parse("s3://{bucket}/model.tar.gz", false).unwrap_err();
        assert!(
            e.contains("`{bucket}`") && e.contains("unrendered template placeholder"),
            "{e}"
        );
        assert!(Artifact::parse("https://x/y", false).is_err());
    }

    #[test]
    fn the_guides_request_keeps_its_literal_bucket_as_a_problem() {
        let text = r#"{"ModelPackageGroupName": "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/decision-trees",
            "ModelPackageDescription": "Model to detect 3 different types of irises", "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {"Containers": [{"Image": "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample:latest",
            "ModelDataUrl": "s3://{bucket}/model.tar.gz"}], "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}}"#;
        let r = RegistrationRequest::parse(text, Arc::from("req.json")).unwrap();
        assert_eq!(r.group.account.as_deref(), Some("111111111111"));
        assert_eq!(r.group.name, "decision-trees");
        assert!(r.containers[0].image.is_some());
        assert!(r.containers[0].artifact.is_none());
        assert_eq!(r.problems.len(), 1);
        assert_eq!(
            r.problems[0].pointer.as_str(),
            "/InferenceSpecification/Containers/0/ModelDataUrl"
        );
    }
}
