//! The values of a SageMaker pipeline definition: literals, `{"Get": "Parameters.NAME"}`
//! (the parameter's default), `{"Get": "Execution.…"}` (known only when the pipeline runs),
//! `{"Get": "Steps.STEP.…"}` (a property of another step: a training step's model artifact,
//! image, output path or key) and `{"Std:Join": {"On": …, "Values": […]}}`. Resolving turns
//! a step's arguments into plain JSON; a value the definition cannot give is written as
//! `<what>` and recorded with why.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::json::{Json, Pointer};

/// A training step's properties another step may read.
#[derive(Debug, Clone, Default)]
pub(super) struct StepProps {
    /// `ModelArtifacts.S3ModelArtifacts`.
    pub model_artifacts: Option<String>,
    /// `AlgorithmSpecification.TrainingImage`.
    pub training_image: Option<String>,
    /// `OutputDataConfig.S3OutputPath`.
    pub output_path: Option<String>,
    /// `OutputDataConfig.KmsKeyId`.
    pub kms_key: Option<String>,
    /// `RoleArn`.
    pub role: Option<String>,
}

/// What the definition says outside the step being resolved.
#[derive(Debug, Default)]
pub(super) struct Scope {
    /// Parameters and their default values (as text).
    pub parameters: BTreeMap<String, Option<String>>,
    /// Training steps already resolved, by name.
    pub steps: BTreeMap<String, StepProps>,
}

/// A value the definition does not give, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Gap {
    /// Where the expression is (in the definition).
    pub pointer: Pointer,
    /// Why it has no value.
    pub why: String,
}

/// The result of resolving: plain JSON, and what could not be known.
pub(super) struct Resolved {
    /// The value.
    pub value: Value,
    /// The expressions without a value.
    pub gaps: Vec<Gap>,
}

fn property(props: &StepProps, path: &str) -> Option<String> {
    match path {
        "ModelArtifacts.S3ModelArtifacts" => props.model_artifacts.clone(),
        "AlgorithmSpecification.TrainingImage" => props.training_image.clone(),
        "OutputDataConfig.S3OutputPath" => props.output_path.clone(),
        "OutputDataConfig.KmsKeyId" => props.kms_key.clone(),
        "RoleArn" => props.role.clone(),
        _ => None,
    }
}

impl Scope {
    fn get(&self, path: &str, at: &Pointer, gaps: &mut Vec<Gap>) -> Value {
        let mut gap = |why: String, shown: String| {
            gaps.push(Gap {
                pointer: at.clone(),
                why,
            });
            Value::String(shown)
        };
        if let Some(name) = path.strip_prefix("Parameters.") {
            return match self.parameters.get(name) {
                Some(Some(v)) => Value::String(v.clone()),
                Some(None) => gap(
                    format!("parameter `{name}` has no default value: it is given when the pipeline starts"),
                    format!("<parameter {name}>"),
                ),
                None => gap(
                    format!("parameter `{name}` is not declared in `Parameters`"),
                    format!("<parameter {name}>"),
                ),
            };
        }
        if let Some(name) = path.strip_prefix("Execution.") {
            return gap(
                format!("`Execution.{name}` is known only when the pipeline runs"),
                format!("<execution {name}>"),
            );
        }
        if let Some(rest) = path.strip_prefix("Steps.") {
            let (step, prop) = rest.split_once('.').unwrap_or((rest, ""));
            let prop = prop.strip_prefix("Properties.").unwrap_or(prop);
            return match self.steps.get(step).and_then(|p| property(p, prop)) {
                Some(v) => Value::String(v),
                None => gap(
                    format!(
                        "`{path}` is a property of step `{step}` that the definition does not give"
                    ),
                    format!("<{path}>"),
                ),
            };
        }
        gap(
            format!("`{path}` is not a reference xacct can read"),
            format!("<{path}>"),
        )
    }

    /// Resolves every expression in `json` (at `at` in the definition).
    pub fn resolve(&self, json: &Json<'_>, at: &Pointer) -> Resolved {
        let mut gaps = Vec::new();
        let value = self.walk(json, at, &mut gaps);
        Resolved { value, gaps }
    }

    fn walk(&self, json: &Json<'_>, at: &Pointer, gaps: &mut Vec<Gap>) -> Value {
        match json {
            Json::Object(members) if members.len() == 1 => {
                let (k, v) = &members[0];
                match (k.as_ref(), v) {
                    ("Get", Json::String(path)) => self.get(path, at, gaps),
                    ("Std:Join", args) => self.join(args, &at.key("Std:Join"), gaps),
                    (k, v) => {
                        let mut m = serde_json::Map::new();
                        m.insert(k.to_owned(), self.walk(v, &at.key(k), gaps));
                        Value::Object(m)
                    }
                }
            }
            Json::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.to_string(), self.walk(v, &at.key(k), gaps)))
                    .collect(),
            ),
            Json::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.walk(v, &at.index(i), gaps))
                    .collect(),
            ),
            other => other.to_value(),
        }
    }

    fn join(&self, args: &Json<'_>, at: &Pointer, gaps: &mut Vec<Gap>) -> Value {
        let on = args.get("On").and_then(Json::as_str).unwrap_or_default();
        let Some(Json::Array(values)) = args.get("Values") else {
            gaps.push(Gap {
                pointer: at.clone(),
                why: "`Std:Join` has no `Values` array".into(),
            });
            return Value::String("<Std:Join>".into());
        };
        let parts: Vec<String> = values
            .iter()
            .enumerate()
            .map(
                |(i, v)| match self.walk(v, &at.key("Values").index(i), gaps) {
                    Value::String(s) => s,
                    other => other.to_string(),
                },
            )
            .collect();
        Value::String(parts.join(on))
    }
}

/// A number or string as text (parameter defaults).
pub(super) fn text_of(json: &Json<'_>) -> Option<String> {
    match json {
        Json::String(s) => Some(s.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_joins_and_step_properties_resolve() {
        let mut scope = Scope::default();
        scope
            .parameters
            .insert("Bucket".into(), Some("artifacts-1".into()));
        scope.parameters.insert("Status".into(), None);
        scope.steps.insert(
            "Train".into(),
            StepProps {
                model_artifacts: Some("s3://b/p/<Train job>/output/model.tar.gz".into()),
                ..StepProps::default()
            },
        );
        let json = Json::parse(
            r#"{"A": {"Std:Join": {"On": "/", "Values": ["s3:/", {"Get": "Parameters.Bucket"}, "m"]}},
                "B": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"},
                "C": {"Get": "Parameters.Status"}, "D": {"Get": "Execution.PipelineExecutionId"}}"#,
        )
        .unwrap();
        let r = scope.resolve(&json, &Pointer::root());
        assert_eq!(r.value["A"], "s3://artifacts-1/m");
        assert_eq!(r.value["B"], "s3://b/p/<Train job>/output/model.tar.gz");
        assert_eq!(r.value["C"], "<parameter Status>");
        assert_eq!(r.value["D"], "<execution PipelineExecutionId>");
        let at: Vec<&str> = r.gaps.iter().map(|g| g.pointer.as_str()).collect();
        assert_eq!(at, vec!["/C", "/D"]);
    }
}
