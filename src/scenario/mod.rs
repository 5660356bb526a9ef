//! Scenarios: declarative cross-account workflows (`data/scenarios/*.json`), validated into
//! checked types. A scenario is a list of steps; each step says who acts (the caller or the
//! consumer), which actions it needs (required or advisory), on which resource (a template
//! over the request's facts), with which context the service sets, which sides must allow,
//! which resource policy decides it (the resource's own, or an AWS RAM share), and the AWS
//! documentation it follows. A scenario may name its stage of the model registry workflow
//! (train, register, approve, deploy), which `check` runs in that order. The built-in
//! scenarios are embedded in the binary; users add their own with `--scenarios DIR`. The
//! schema is documented in docs/scenarios.md.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::json::{Json, Pointer};

/// The built-in registration scenario, embedded.
pub const BUILTIN: (&str, &str) = (
    "data/scenarios/model-registration.json",
    include_str!("../../data/scenarios/model-registration.json"),
);

/// Every built-in scenario, embedded, the registration first.
pub const BUILTINS: [(&str, &str); 5] = [
    BUILTIN,
    (
        "data/scenarios/training-output.json",
        include_str!("../../data/scenarios/training-output.json"),
    ),
    (
        "data/scenarios/model-approval.json",
        include_str!("../../data/scenarios/model-approval.json"),
    ),
    (
        "data/scenarios/model-deployment.json",
        include_str!("../../data/scenarios/model-deployment.json"),
    ),
    (
        "data/scenarios/model-package-group-ram-share.json",
        include_str!("../../data/scenarios/model-package-group-ram-share.json"),
    ),
];

/// The id of the built-in registration scenario (what `check` runs by default).
pub const REGISTRATION: &str = "sagemaker-cross-account-model-registration";

/// The variables a template may use, with what they hold. `container`-scoped variables exist
/// only in steps with `"for_each": "container"`.
pub const VARIABLES: &[(&str, bool, &str)] = &[
    (
        "partition",
        false,
        "the partition of the group's ARN (`aws`)",
    ),
    ("caller", false, "the caller's ARN"),
    ("caller.account", false, "the caller's account"),
    (
        "consumer",
        false,
        "the consumer's ARN (or the registry account root)",
    ),
    ("consumer.account", false, "the consumer's account"),
    ("group.arn", false, "the model package group's ARN"),
    ("group.name", false, "the group's name"),
    ("group.region", false, "the group's Region"),
    ("group.account", false, "the group's (registry) account"),
    (
        "approval_status",
        false,
        "`ModelApprovalStatus` of the request",
    ),
    (
        "version",
        false,
        "a package version number, from the step's `matrix`",
    ),
    (
        "customer_images",
        false,
        "`true` unless every container's image is in an AWS-owned SageMaker registry",
    ),
    (
        "container.index",
        true,
        "the container's position in `InferenceSpecification.Containers`",
    ),
    ("image.uri", true, "the container's image URI"),
    ("image.account", true, "the image's registry account"),
    ("image.region", true, "the image's Region"),
    ("image.repository", true, "the repository name"),
    ("image.repository_arn", true, "the repository ARN"),
    ("artifact.url", true, "the model artifact's S3 URL"),
    ("artifact.bucket", true, "the artifact's bucket"),
    (
        "artifact.key",
        true,
        "the artifact's object key (or prefix)",
    ),
    ("artifact.object_arn", true, "the artifact's object ARN"),
    ("artifact.bucket_arn", true, "the artifact's bucket ARN"),
    ("artifact.region", true, "the artifact bucket's Region"),
    (
        "artifact.kms_key",
        true,
        "the KMS key the artifact is encrypted with, when known",
    ),
    (
        "artifact.kms_context",
        true,
        "the ARN S3 gives KMS as encryption context (`aws:s3:arn`): the object's, or the bucket's with an S3 Bucket Key",
    ),
];

/// Who performs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// The principal that makes the registration call (`--caller`).
    Caller,
    /// The principal that will use the registered package (`--consumer`).
    Consumer,
}

/// Which policies must allow the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sides {
    /// The full evaluation: identity and resource side, organizations.
    Both,
    /// Only the actor's identity side (actions without a resource type).
    Identity,
}

/// One action of a step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StepAction {
    /// `service:Name`.
    pub action: String,
    /// A required action fails the step; an advisory one only warns.
    pub required: bool,
}

/// A text with `{variable}` references.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Template(pub String);

impl Template {
    /// The variable names referenced.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.0
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
    }

    /// Renders with `vars`; `Err(name)` for the first variable without a value.
    pub fn render(&self, vars: &BTreeMap<String, String>) -> Result<String, String> {
        let mut out = String::with_capacity(self.0.len());
        let mut rest = self.0.as_str();
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return Ok(out);
            };
            let name = &after[..end];
            match vars.get(name) {
                Some(v) => out.push_str(v),
                None => return Err(name.to_owned()),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// One step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// Unique within the scenario.
    pub id: String,
    /// One line for humans.
    pub title: String,
    /// Who acts.
    pub actor: Actor,
    /// Repeat the step for every container of the request.
    pub per_container: bool,
    /// Run the step only when this variable has a value.
    pub when: Option<String>,
    /// The actions.
    pub actions: Vec<StepAction>,
    /// The resource.
    pub resource: Template,
    /// Values to try for matrix variables; every combination must pass.
    pub matrix: BTreeMap<String, Vec<String>>,
    /// Context keys the service sets.
    pub context: BTreeMap<String, Template>,
    /// Which sides must allow.
    pub sides: Sides,
    /// Why the step is needed.
    pub why: Option<String>,
    /// The AWS documentation the step follows.
    pub source: Option<String>,
    /// Which resource policy the step is decided with.
    pub resource_policy: PolicySource,
    /// Where the step is defined.
    pub pointer: Pointer,
}

/// Where a step's resource-side policy comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicySource {
    /// The resource's own policy, from the exports (the default).
    Resource,
    /// The AWS RAM resource share of the model package group (its managed permission and
    /// principals), from the `aws ram` exports.
    RamShare,
}

/// Where a scenario sits in the model registry workflow (`check` runs them in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// A training job writes the model artifact.
    Train,
    /// The version is registered into the group.
    Register,
    /// The version is approved or rejected.
    Approve,
    /// The version is deployed.
    Deploy,
}

impl Stage {
    /// Every stage, in workflow order.
    pub const ALL: [Stage; 4] = [Stage::Train, Stage::Register, Stage::Approve, Stage::Deploy];

    /// The stage's name, as scenario files write it.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Train => "train",
            Stage::Register => "register",
            Stage::Approve => "approve",
            Stage::Deploy => "deploy",
        }
    }
}

/// A checked scenario.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Scenario {
    /// Its file (`data/scenarios/…` for the built-in).
    pub file: Arc<str>,
    /// Unique id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// What the verdict is about (`registration`), for humans.
    pub subject: String,
    /// Where it sits in the model registry workflow, for scenarios that are part of it.
    pub stage: Option<Stage>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {pointer}: {message}")]
pub struct ScenarioError {
    /// The file.
    pub file: Arc<str>,
    /// Where.
    pub pointer: Pointer,
    /// What.
    pub message: String,
}

struct Reader {
    file: Arc<str>,
    errors: Vec<ScenarioError>,
}

impl Reader {
    fn error(&mut self, pointer: Pointer, message: impl Into<String>) {
        self.errors.push(ScenarioError {
            file: self.file.clone(),
            pointer,
            message: message.into(),
        });
    }

    fn string(
        &mut self,
        obj: &Json<'_>,
        key: &str,
        at: &Pointer,
        required: bool,
    ) -> Option<String> {
        match obj.get(key) {
            Some(Json::String(s)) => Some(s.to_string()),
            Some(other) => {
                self.error(
                    at.key(key),
                    format!("expected a string, found {}", other.type_name()),
                );
                None
            }
            None => {
                if required {
                    self.error(at.clone(), format!("missing `{key}`"));
                }
                None
            }
        }
    }

    fn known_keys(&mut self, obj: &Json<'_>, at: &Pointer, allowed: &[&str]) {
        if let Some(members) = obj.as_object() {
            for (i, (k, _)) in members.iter().enumerate() {
                if !allowed.contains(&k.as_ref()) {
                    self.error(
                        at.key(k),
                        format!(
                            "unknown field `{k}` (expected one of: {})",
                            allowed.join(", ")
                        ),
                    );
                } else if members[..i].iter().any(|(k2, _)| k2 == k) {
                    self.error(at.key(k), format!("duplicate key `{k}`"));
                }
            }
        }
    }

    fn template(
        &mut self,
        text: String,
        at: Pointer,
        per_container: bool,
        matrix: &BTreeMap<String, Vec<String>>,
    ) -> Template {
        let t = Template(text);
        for name in t.variables() {
            let known = VARIABLES.iter().find(|(n, _, _)| *n == name);
            match known {
                None if matrix.contains_key(name) => {}
                None => self.error(
                    at.clone(),
                    format!("unknown variable `{{{name}}}` (see docs/scenarios.md)"),
                ),
                Some((_, true, _)) if !per_container => self.error(
                    at.clone(),
                    format!("`{{{name}}}` exists only in steps with `\"for_each\": \"container\"`"),
                ),
                Some(("version", _, _)) if !matrix.contains_key("version") => self.error(
                    at.clone(),
                    "`{version}` needs a `matrix` with `version` values",
                ),
                Some(_) => {}
            }
        }
        t
    }

    fn step(&mut self, json: &Json<'_>, at: Pointer) -> Option<Step> {
        if json.as_object().is_none() {
            self.error(
                at,
                format!("expected an object, found {}", json.type_name()),
            );
            return None;
        }
        self.known_keys(
            json,
            &at,
            &[
                "id",
                "title",
                "actor",
                "for_each",
                "when",
                "actions",
                "resource",
                "matrix",
                "context",
                "sides",
                "why",
                "source",
                "resource_policy",
            ],
        );
        let before = self.errors.len();
        let id = self.string(json, "id", &at, true).unwrap_or_default();
        let title = self.string(json, "title", &at, true).unwrap_or_default();
        let actor = match self.string(json, "actor", &at, true).as_deref() {
            Some("caller") => Actor::Caller,
            Some("consumer") => Actor::Consumer,
            Some(other) => {
                self.error(
                    at.key("actor"),
                    format!("`actor` must be `caller` or `consumer`, found `{other}`"),
                );
                Actor::Caller
            }
            None => Actor::Caller,
        };
        let per_container = match self.string(json, "for_each", &at, false).as_deref() {
            None => false,
            Some("container") => true,
            Some(other) => {
                self.error(
                    at.key("for_each"),
                    format!("`for_each` must be `container`, found `{other}`"),
                );
                false
            }
        };
        let sides = match self.string(json, "sides", &at, false).as_deref() {
            None | Some("both") => Sides::Both,
            Some("identity") => Sides::Identity,
            Some(other) => {
                self.error(
                    at.key("sides"),
                    format!("`sides` must be `both` or `identity`, found `{other}`"),
                );
                Sides::Both
            }
        };
        let mut matrix = BTreeMap::new();
        if let Some(m) = json.get("matrix") {
            match m.as_object() {
                Some(members) => {
                    for (k, v) in members {
                        let values: Option<Vec<String>> = match v {
                            Json::Array(items) if !items.is_empty() => items
                                .iter()
                                .map(|i| i.as_str().map(str::to_owned))
                                .collect(),
                            _ => None,
                        };
                        match values {
                            Some(vs) => {
                                matrix.insert(k.to_string(), vs);
                            }
                            None => self.error(
                                at.key("matrix").key(k),
                                "expected a non-empty array of strings",
                            ),
                        }
                    }
                }
                None => self.error(at.key("matrix"), "expected an object"),
            }
        }
        let when = self.string(json, "when", &at, false);
        if let Some(w) = &when {
            if !VARIABLES.iter().any(|(n, _, _)| n == w) {
                self.error(at.key("when"), format!("unknown variable `{w}`"));
            }
        }
        let mut actions = Vec::new();
        match json.get("actions") {
            Some(Json::Array(items)) if !items.is_empty() => {
                for (i, a) in items.iter().enumerate() {
                    let ap = at.key("actions").index(i);
                    self.known_keys(a, &ap, &["action", "required"]);
                    let action = self.string(a, "action", &ap, true).unwrap_or_default();
                    if !action.is_empty()
                        && action
                            .split_once(':')
                            .is_none_or(|(s, n)| s.is_empty() || n.is_empty())
                    {
                        self.error(
                            ap.key("action"),
                            format!("`{action}` is not `service:Name`"),
                        );
                    }
                    let required = match a.get("required") {
                        None => true,
                        Some(Json::Bool(b)) => *b,
                        Some(other) => {
                            self.error(
                                ap.key("required"),
                                format!("expected a boolean, found {}", other.type_name()),
                            );
                            true
                        }
                    };
                    actions.push(StepAction { action, required });
                }
            }
            Some(_) => self.error(at.key("actions"), "expected a non-empty array of actions"),
            None => self.error(at.clone(), "missing `actions`"),
        }
        let resource_text = self.string(json, "resource", &at, true).unwrap_or_default();
        let resource = self.template(resource_text, at.key("resource"), per_container, &matrix);
        let mut context = BTreeMap::new();
        if let Some(c) = json.get("context") {
            match c.as_object() {
                Some(members) => {
                    for (k, v) in members {
                        match v.as_str() {
                            Some(s) => {
                                let t = self.template(
                                    s.to_owned(),
                                    at.key("context").key(k),
                                    per_container,
                                    &matrix,
                                );
                                context.insert(k.to_string(), t);
                            }
                            None => {
                                self.error(at.key("context").key(k), "expected a string template")
                            }
                        }
                    }
                }
                None => self.error(at.key("context"), "expected an object"),
            }
        }
        let why = self.string(json, "why", &at, false);
        let source = self.string(json, "source", &at, false);
        if let Some(u) = &source {
            if !u.starts_with("https://") {
                self.error(at.key("source"), format!("`{u}` is not an https:// URL"));
            }
        }
        let resource_policy = match self.string(json, "resource_policy", &at, false).as_deref() {
            None | Some("resource") => PolicySource::Resource,
            Some("ram-share") => PolicySource::RamShare,
            Some(other) => {
                self.error(
                    at.key("resource_policy"),
                    format!("`resource_policy` must be `resource` or `ram-share`, found `{other}`"),
                );
                PolicySource::Resource
            }
        };
        (self.errors.len() == before).then_some(Step {
            id,
            title,
            actor,
            per_container,
            when,
            actions,
            resource,
            matrix,
            context,
            sides,
            why,
            source,
            resource_policy,
            pointer: at,
        })
    }
}

impl Scenario {
    /// Reads and checks a scenario file's text; every problem is reported.
    pub fn parse(text: &str, file: Arc<str>) -> Result<Scenario, Vec<ScenarioError>> {
        let mut r = Reader {
            file: file.clone(),
            errors: Vec::new(),
        };
        let root = Pointer::root();
        let json = match Json::parse(text) {
            Ok(j) => j,
            Err(e) => {
                r.error(root, format!("invalid JSON: {e}"));
                return Err(r.errors);
            }
        };
        if json.as_object().is_none() {
            r.error(
                root,
                format!("expected an object, found {}", json.type_name()),
            );
            return Err(r.errors);
        }
        r.known_keys(
            &json,
            &root,
            &[
                "schema_version",
                "id",
                "title",
                "description",
                "subject",
                "stage",
                "steps",
            ],
        );
        match json.get("schema_version") {
            Some(Json::Number(n)) if n.as_u64() == Some(1) => {}
            Some(other) => r.error(
                root.key("schema_version"),
                format!("unsupported schema version `{}`", other.to_value()),
            ),
            None => r.error(root.clone(), "missing `schema_version`"),
        }
        let id = r.string(&json, "id", &root, true).unwrap_or_default();
        let title = r.string(&json, "title", &root, true).unwrap_or_default();
        let description = r
            .string(&json, "description", &root, false)
            .unwrap_or_default();
        let subject = r
            .string(&json, "subject", &root, false)
            .unwrap_or_else(|| "workflow".to_owned());
        let stage = match r.string(&json, "stage", &root, false) {
            None => None,
            Some(name) => {
                let found = Stage::ALL.into_iter().find(|s| s.name() == name);
                if found.is_none() {
                    r.error(
                        root.key("stage"),
                        format!(
                            "`stage` must be train, register, approve or deploy, found `{name}`"
                        ),
                    );
                }
                found
            }
        };
        let mut steps: Vec<Step> = Vec::new();
        match json.get("steps") {
            Some(Json::Array(items)) if !items.is_empty() => {
                for (i, s) in items.iter().enumerate() {
                    let at = root.key("steps").index(i);
                    if let Some(step) = r.step(s, at.clone()) {
                        if steps.iter().any(|p| p.id == step.id) {
                            r.error(at.key("id"), format!("duplicate step id `{}`", step.id));
                        }
                        steps.push(step);
                    }
                }
            }
            Some(_) => r.error(root.key("steps"), "expected a non-empty array of steps"),
            None => r.error(root.clone(), "missing `steps`"),
        }
        if r.errors.is_empty() {
            Ok(Scenario {
                file,
                id,
                title,
                description,
                subject,
                stage,
                steps,
            })
        } else {
            Err(r.errors)
        }
    }

    /// Whether the scenario can be checked between two accounts without a request: it has a
    /// required caller step that is not repeated per container.
    pub fn between_accounts(&self) -> bool {
        self.steps.iter().any(|s| {
            s.actor == Actor::Caller && !s.per_container && s.actions.iter().any(|a| a.required)
        })
    }

    /// The built-in model-registration scenario.
    pub fn builtin() -> Result<Scenario, Vec<ScenarioError>> {
        Scenario::parse(BUILTIN.1, Arc::from(BUILTIN.0))
    }

    /// Every built-in scenario, the registration first; every problem of every file.
    pub fn builtins() -> Result<Vec<Scenario>, Vec<ScenarioError>> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for (file, text) in BUILTINS {
            match Scenario::parse(text, Arc::from(file)) {
                Ok(s) => out.push(s),
                Err(e) => errors.extend(e),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_scenario_is_valid() {
        let s = Scenario::builtin().unwrap();
        assert_eq!(s.id, "sagemaker-cross-account-model-registration");
        let ids: Vec<&str> = s.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "create-model-package",
                "ecr-authorization-token",
                "ecr-pull-image",
                "s3-read-artifact",
                "kms-decrypt-artifact"
            ]
        );
        assert!(
            !s.steps[2].actions[2].required,
            "BatchCheckLayerAvailability is advisory"
        );
        assert_eq!(s.steps[1].sides, Sides::Identity);
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let text = r#"{"schema_version": 2, "id": "x", "title": "t", "extra": 1, "steps": [
            {"id": "a", "title": "t", "actor": "robot", "actions": [{"action": "GetObject"}], "resource": "{bucket.arn}"},
            {"id": "a", "title": "t", "actor": "caller", "actions": [{"action": "s3:GetObject"}], "resource": "{artifact.object_arn}"}
        ]}"#;
        let errs: Vec<String> = Scenario::parse(text, Arc::from("s.json"))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errs,
            vec![
                "s.json: /extra: unknown field `extra` (expected one of: schema_version, id, title, description, subject, stage, steps)",
                "s.json: /schema_version: unsupported schema version `2`",
                "s.json: /steps/0/actor: `actor` must be `caller` or `consumer`, found `robot`",
                "s.json: /steps/0/actions/0/action: `GetObject` is not `service:Name`",
                "s.json: /steps/0/resource: unknown variable `{bucket.arn}` (see docs/scenarios.md)",
                "s.json: /steps/1/resource: `{artifact.object_arn}` exists only in steps with `\"for_each\": \"container\"`",
            ]
        );
    }

    #[test]
    fn templates_render_or_name_the_missing_variable() {
        let t = Template("arn:aws:s3:::{artifact.bucket}/{artifact.key}".into());
        let mut vars = BTreeMap::new();
        vars.insert("artifact.bucket".to_owned(), "b".to_owned());
        assert_eq!(t.render(&vars), Err("artifact.key".to_owned()));
        vars.insert("artifact.key".to_owned(), "m/model.tar.gz".to_owned());
        assert_eq!(t.render(&vars).unwrap(), "arn:aws:s3:::b/m/model.tar.gz");
    }
}
