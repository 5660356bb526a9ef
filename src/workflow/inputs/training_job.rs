//! `aws sagemaker describe-training-job`: the model artifact (`ModelArtifacts.S3ModelArtifacts`),
//! the image (`AlgorithmSpecification.TrainingImage`), the role (`RoleArn`) and the key the
//! output is written with (`OutputDataConfig.KmsKeyId`; none: the AWS managed key `aws/s3`
//! of the role's account, which no other account can use).

use std::sync::Arc;

use super::{image_at, output_key_of, string_at, Training};
use crate::arn::Arn;
use crate::json::{Json, Pointer};
use crate::workflow::request::{Artifact, RequestProblem};

/// Reads one `describe-training-job` output.
pub fn read(json: &Json<'_>, file: &Arc<str>) -> Training {
    let root = Pointer::root();
    let mut problems = Vec::new();
    let name = json
        .get("TrainingJobName")
        .and_then(Json::as_str)
        .unwrap_or("?")
        .to_owned();
    let job_arn = string_at(json, "TrainingJobArn", &root, file, &mut problems);
    let region = job_arn
        .as_deref()
        .and_then(Arn::parse)
        .map(|a| (a.partition.to_owned(), a.region.to_owned()));
    let role = string_at(json, "RoleArn", &root, file, &mut problems);
    let spec_at = root.key("AlgorithmSpecification");
    let image = match json.get("AlgorithmSpecification") {
        Some(spec) if spec.get("TrainingImage").is_some() => {
            let uri = string_at(spec, "TrainingImage", &spec_at, file, &mut problems);
            image_at(uri, spec_at.key("TrainingImage"), file, &mut problems)
        }
        _ => {
            problems.push(RequestProblem::new(
                file.clone(),
                spec_at,
                "no `AlgorithmSpecification.TrainingImage`: the image is an algorithm resource, which xacct does not read",
            ));
            None
        }
    };
    let status = json.get("TrainingJobStatus").and_then(Json::as_str);
    let artifacts_at = root.key("ModelArtifacts");
    let artifact = match json
        .get("ModelArtifacts")
        .and_then(|m| m.get("S3ModelArtifacts"))
        .and_then(Json::as_str)
    {
        Some(url) => match Artifact::parse(url, false) {
            Ok(a) => Some(a),
            Err(m) => {
                problems.push(RequestProblem::new(
                    file.clone(),
                    artifacts_at.key("S3ModelArtifacts"),
                    m,
                ));
                None
            }
        },
        None => {
            problems.push(RequestProblem::new(
                file.clone(),
                root.clone(),
                format!(
                    "no `ModelArtifacts.S3ModelArtifacts`: the job ({}) wrote no model artifact",
                    status.unwrap_or("status unknown")
                ),
            ));
            None
        }
    };
    let key = json
        .get("OutputDataConfig")
        .and_then(|o| o.get("KmsKeyId"))
        .and_then(Json::as_str);
    let (partition, region) = region.unzip();
    let key = output_key_of(
        key,
        partition.as_deref().unwrap_or("aws"),
        region.as_deref(),
        role.as_deref(),
    );
    let label = format!("training job `{name}`");
    Training::new(label, file, role, image, artifact, key, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(key: Option<&str>) -> Training {
        let key = key
            .map(|k| format!(r#", "KmsKeyId": "{k}""#))
            .unwrap_or_default();
        let text = format!(
            r#"{{"TrainingJobName": "t1", "TrainingJobArn": "arn:aws:sagemaker:us-east-2:222222222222:training-job/t1",
            "RoleArn": "arn:aws:iam::222222222222:role/Train", "TrainingJobStatus": "Completed",
            "AlgorithmSpecification": {{"TrainingImage": "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.7-1"}},
            "OutputDataConfig": {{"S3OutputPath": "s3://out-bucket/jobs"{key}}},
            "ModelArtifacts": {{"S3ModelArtifacts": "s3://out-bucket/jobs/t1/output/model.tar.gz"}}}}"#
        );
        read(&Json::parse(&text).unwrap(), &Arc::from("job.json"))
    }

    #[test]
    fn the_artifact_image_role_and_key_are_read() {
        let t = job(Some("1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.artifact.unwrap().key, "jobs/t1/output/model.tar.gz");
        assert_eq!(t.image.unwrap().account, "257758044811");
        assert_eq!(
            t.kms_key.as_deref(),
            Some("arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        );
        assert!(t.kms_key_note.is_none());
    }

    #[test]
    fn without_a_key_the_output_uses_the_aws_managed_key() {
        let t = job(None);
        assert_eq!(
            t.kms_key.as_deref(),
            Some("arn:aws:kms:us-east-2:222222222222:alias/aws/s3")
        );
        assert!(t.kms_key_note.unwrap().contains("AWS managed key `aws/s3`"));
        let t = job(Some("alias/aws/s3"));
        assert!(t.kms_key_note.unwrap().contains("AWS managed key"));
    }
}
