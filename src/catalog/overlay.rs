//! The overlay (`data/aws/overlay.json`): what the data lacks, each entry with its source,
//! read into a [`Catalog`]. Services and actions it lists are kept beside the data; its
//! condition keys and resource types become [`Patch`]es that each service takes when it is
//! first parsed ([`super::load`]).

use super::*;

/// `data/aws/overlay.json` (see [`Catalog::with_overlay`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverlay {
    format: u32,
    /// What the file is, for its readers.
    #[serde(default)]
    #[allow(dead_code)]
    about: String,
    #[serde(default)]
    services: BTreeMap<String, RawOverlayEntry>,
    #[serde(default)]
    actions: BTreeMap<String, RawOverlayEntry>,
    #[serde(default, rename = "resourceTypes")]
    resource_types: Vec<RawOverlayResourceType>,
    #[serde(default, rename = "conditionKeys")]
    condition_keys: Vec<RawOverlayKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverlayEntry {
    status: String,
    source: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

impl RawOverlayEntry {
    fn into_entry(self, name: String) -> Result<OverlayEntry, AwsDataError> {
        let status = match self.status.as_str() {
            "retired" => OverlayStatus::Retired,
            "undocumented" => OverlayStatus::Undocumented,
            other => {
                return Err(AwsDataError::Overlay(format!(
                    "`{name}` has status `{other}`; expected `retired` or `undocumented`"
                )))
            }
        };
        if self.source.trim().is_empty() {
            return Err(AwsDataError::Overlay(format!("`{name}` has no source")));
        }
        Ok(OverlayEntry {
            name,
            title: self.name,
            status,
            source: self.source,
            note: self.note,
        })
    }
}

/// A resource type to add to a service, or ARN formats and keys to add to one it has;
/// `actions` are given it as a resource type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverlayResourceType {
    service: String,
    name: String,
    #[serde(default)]
    arn: Vec<String>,
    #[serde(default, rename = "conditionKeys")]
    condition_keys: Vec<String>,
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    required: bool,
    source: String,
}

/// A condition key to add to a service (when missing) and to `actions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverlayKey {
    service: String,
    key: String,
    #[serde(rename = "type")]
    value_type: String,
    #[serde(default)]
    actions: Vec<String>,
    source: String,
}

fn check_source(source: &str, what: &str) -> Result<(), AwsDataError> {
    if source.trim().is_empty() {
        return Err(AwsDataError::Overlay(format!("`{what}` has no source")));
    }
    Ok(())
}

/// One addition of the overlay to one service, merged into it when it is parsed.
#[derive(Debug, Clone)]
pub(super) enum Patch {
    Key(RawOverlayKey),
    Type(RawOverlayResourceType),
}

impl Patch {
    /// Merges the addition into `svc`: an error when it names what `svc` does not have.
    pub(super) fn apply(&self, svc: &mut Service) -> Result<(), AwsDataError> {
        match self {
            Patch::Key(k) => k.apply(svc),
            Patch::Type(r) => r.apply(svc),
        }?;
        svc.refresh();
        Ok(())
    }
}

impl RawOverlayKey {
    fn check_source(&self) -> Result<(), AwsDataError> {
        check_source(&self.source, &self.key)
    }

    /// Adds the key to `svc` (or gives the one it has the overlay's type) and to the
    /// actions named.
    fn apply(&self, svc: &mut Service) -> Result<(), AwsDataError> {
        let value_type = ConditionValueType::parse(&self.value_type);
        if let Some(known) = svc
            .condition_keys
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(&self.key))
        {
            // The type AWS documents, where the data's differs.
            known.value_type = value_type;
        } else if svc.condition_key(&self.key).is_none() {
            svc.condition_keys.push(ConditionKey {
                name: self.key.clone(),
                value_type,
                category: None,
            });
        }
        for a in &self.actions {
            let act = svc.action_mut(a)?;
            if !act
                .condition_keys
                .iter()
                .any(|x| x.eq_ignore_ascii_case(&self.key))
            {
                act.condition_keys.push(self.key.clone());
            }
        }
        Ok(())
    }
}

impl RawOverlayResourceType {
    fn check_source(&self) -> Result<(), AwsDataError> {
        check_source(&self.source, &format!("{}:{}", self.service, self.name))
    }

    /// Adds the resource type to `svc` (or its ARN formats and keys to the one it has) and
    /// to the actions named.
    fn apply(&self, svc: &mut Service) -> Result<(), AwsDataError> {
        let bad = |msg: String| AwsDataError::Overlay(msg);
        for key in &self.condition_keys {
            if svc.condition_key(key).is_none() {
                return Err(bad(format!(
                    "resource type `{}` of `{}` names condition key `{key}`, which `{}` does not have",
                    self.name, self.service, self.service
                )));
            }
        }
        let index = match svc.resource_type_index.get(&self.name.to_ascii_lowercase()) {
            Some(&i) => {
                let t = svc.resource_types.get_mut(i).ok_or_else(|| {
                    AwsDataError::Invalid(format!("{}: resource type index {i}", self.service))
                })?;
                let mut formats = t.arn_formats.clone();
                formats.extend(
                    self.arn
                        .iter()
                        .filter(|f| !t.arn_formats.contains(f))
                        .cloned(),
                );
                let mut keys = t.condition_keys.clone();
                keys.extend(
                    self.condition_keys
                        .iter()
                        .filter(|k| !t.condition_keys.contains(k))
                        .cloned(),
                );
                *t = ResourceType::new(t.name.clone(), formats, keys);
                i
            }
            None if self.arn.is_empty() => {
                return Err(bad(format!(
                    "new resource type `{}` of `{}` has no ARN format",
                    self.name, self.service
                )))
            }
            None => {
                svc.resource_types.push(ResourceType::new(
                    self.name.clone(),
                    self.arn.clone(),
                    self.condition_keys.clone(),
                ));
                svc.resource_types.len() - 1
            }
        };
        let name = svc
            .resource_types
            .get(index)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        for a in &self.actions {
            let act = svc.action_mut(a)?;
            if !act.resource_types.iter().any(|x| x.index == index) {
                act.resource_types.push(ActionResource {
                    name: name.clone(),
                    required: self.required,
                    condition_keys: Vec::new(),
                    index,
                });
            }
        }
        Ok(())
    }
}

impl Catalog {
    /// Merges an overlay in the format of `data/aws/overlay.json` into the data.
    /// [`catalog()`] does this once with the embedded overlay.
    ///
    /// Services and actions become [`Origin::Overlay`] (unless the data lists them: the
    /// data wins); condition keys, resource types and ARN formats are added to the
    /// services and actions they name, which must exist in the data. A condition key the
    /// service already has takes the overlay's type (a correction of the data). A service
    /// takes the additions when it is first parsed (now, if it is parsed already); one
    /// they do not apply to is broken from then on.
    pub fn with_overlay(mut self, json: &str) -> Result<Self, AwsDataError> {
        let raw: RawOverlay =
            serde_json::from_str(json).map_err(|e| AwsDataError::Overlay(e.to_string()))?;
        if raw.format != OVERLAY_FORMAT {
            return Err(AwsDataError::Overlay(format!(
                "format {}, this build reads format {OVERLAY_FORMAT}",
                raw.format
            )));
        }
        let bad = |msg: String| AwsDataError::Overlay(msg);
        for (name, e) in raw.services {
            let entry = e.into_entry(name)?;
            self.overlay_service_index
                .insert(entry.name.to_ascii_lowercase(), self.overlay_services.len());
            self.overlay_services.push(entry);
        }
        for (name, e) in raw.actions {
            if !name.split_once(':').is_some_and(|(p, a)| {
                !p.is_empty() && !a.is_empty() && !crate::pattern::has_wildcard(&name)
            }) {
                return Err(bad(format!("`{name}` is not an action name `prefix:Name`")));
            }
            let entry = e.into_entry(name)?;
            self.overlay_action_index
                .insert(entry.name.to_ascii_lowercase(), self.overlay_actions.len());
            self.overlay_actions.push(entry);
        }
        for k in raw.condition_keys {
            k.check_source()?;
            let service = k.service.clone();
            self.patch(&service, Patch::Key(k))?;
        }
        for r in raw.resource_types {
            r.check_source()?;
            let service = r.service.clone();
            self.patch(&service, Patch::Type(r))?;
        }
        Ok(self)
    }

    /// Adds `patch` to the service `prefix` names: merged now when the service is parsed
    /// already, else when it is first parsed.
    fn patch(&mut self, prefix: &str, patch: Patch) -> Result<(), AwsDataError> {
        let i = self
            .service_index
            .get(&prefix.to_ascii_lowercase())
            .copied();
        let lazy = i.and_then(|i| self.services.get_mut(i)).ok_or_else(|| {
            AwsDataError::Overlay(format!("`{prefix}` is no service of the data"))
        })?;
        match lazy.built.get_mut() {
            Some(Ok(s)) => patch.apply(s),
            Some(Err(e)) => Err(e.clone()),
            None => {
                lazy.patches.push(patch);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::catalog::test_support::{cat, rt};

    #[test]
    fn overlay_origins() {
        let c = cat();
        assert_eq!(c.service_origin("s3"), Origin::Data);
        assert_eq!(c.service_origin("nosuchservice"), Origin::Unknown);
        let Origin::Overlay(e) = c.service_origin("DeepRacer") else {
            panic!("deepracer is in the overlay")
        };
        assert_eq!(e.status, OverlayStatus::Retired);
        assert_eq!(e.title.as_deref(), Some("AWS DeepRacer"));
        assert!(
            c.service("deepracer").is_none(),
            "overlay services are not services"
        );
        assert!(
            matches!(c.action_origin("deepracer:*"), Origin::Overlay(e) if e.name == "deepracer")
        );
        assert!(matches!(
            c.action_origin("iot1click:ListDevices"),
            Origin::Overlay(_)
        ));
        assert_eq!(c.action_origin("s3:GetObject"), Origin::Data);
        assert_eq!(c.action_origin("s3:Get*"), Origin::Data);
        assert_eq!(c.action_origin("s3:GetObjects"), Origin::Unknown);
        assert_eq!(c.action_origin("nosuch:Get"), Origin::Unknown);
        assert_eq!(c.action_origin("*"), Origin::Unknown);
        let Origin::Overlay(e) = c.action_origin("account:getchallengequestions") else {
            panic!("retired action")
        };
        assert_eq!(e.name, "account:GetChallengeQuestions");
        assert_eq!(e.status, OverlayStatus::Retired);
        assert!(e.source.contains("ReadOnlyAccess"), "{}", e.source);
        assert!(matches!(
            c.action_origin("sso:DescribePermissionsPol*"),
            Origin::Overlay(e) if e.name == "sso:DescribePermissionsPolicies"
        ));
        assert!(matches!(
            c.action_origin("memorydb:ReplicateMultiRegionClusterData"),
            Origin::Overlay(e) if e.status == OverlayStatus::Undocumented
        ));
        // Not added to expansions: lint still sees them as matching no action.
        assert!(c
            .matching_actions("account:GetChallengeQuestions")
            .is_empty());
    }

    #[test]
    fn overlay_entries_are_sourced_and_not_in_the_data() {
        let c = cat();
        assert!(c.overlay_services().len() >= 10);
        assert!(c.overlay_actions().len() >= 20);
        for e in c.overlay_services().chain(c.overlay_actions()) {
            assert!(!e.source.trim().is_empty(), "{}", e.name);
            if e.name.contains(':') {
                // When the data catches up, the entry is to be removed.
                assert!(c.action(&e.name).is_none(), "{} is in the data now", e.name);
                let prefix = e.name.split(':').next().unwrap_or("");
                assert!(c.service(prefix).is_some() || c.service_origin(prefix) != Origin::Unknown);
            } else {
                assert!(
                    c.service(&e.name).is_none(),
                    "{} is in the data now",
                    e.name
                );
            }
        }
    }

    #[test]
    fn overlay_additions_are_merged() {
        let c = cat();
        let (svc, a) = c.action("states:InvokeHTTPEndpoint").expect("action");
        assert!(a.supports_condition_key("states:HTTPMethod"));
        assert!(a.supports_condition_key("STATES:HTTPENDPOINT"));
        assert!(a
            .resource_types
            .iter()
            .any(|r| r.name == "statemachine" && r.required));
        assert!(svc.condition_key("states:HTTPMethod").is_some());
        let (svc, a) = c.action("cloudformation:CreateChangeSet").expect("action");
        let transform = a
            .resource_types
            .iter()
            .find_map(|r| svc.resource_type_of(r).filter(|t| t.name == "transform"))
            .expect("transform resource type");
        assert!(transform.arn_matches("arn:aws:cloudformation:*:aws:transform/CodeStar*"));
        assert!(transform
            .arn_matches("arn:aws:cloudformation:us-east-1:aws:transform/Serverless-2016-10-31"));
        assert!(!transform.arn_matches("arn:aws:cloudformation:us-east-1:111111111111:stack/s/1"));
        // The data alone has neither.
        let bare = Catalog::from_json(DATA).expect("data");
        let (_, a) = bare.action("states:InvokeHTTPEndpoint").expect("action");
        assert!(!a.supports_condition_key("states:HTTPMethod"));
        assert_eq!(bare.service_origin("deepracer"), Origin::Unknown);
        // A documented type replaces the data's.
        let amr = "cognito-identity.amazonaws.com:amr";
        let typed = |c: &Catalog| c.condition_key(amr).map(|k| k.value_type.clone());
        assert_eq!(typed(&bare), Some(ConditionValueType::String));
        assert_eq!(typed(c), Some(ConditionValueType::ArrayOfString));
    }

    #[test]
    fn bad_overlay_is_an_error() {
        let data = || Catalog::from_json(DATA).expect("data");
        // Refused when read, or when the service it adds to is first parsed.
        let err = |overlay: &str| match data().with_overlay(overlay).and_then(|c| c.parse_all()) {
            Err(AwsDataError::Overlay(m)) => m,
            Err(e) => panic!("{e}"),
            Ok(()) => panic!("accepted {overlay}"),
        };
        assert!(err("{").contains("EOF"));
        assert!(err(r#"{"format":2}"#).contains("format 2"));
        assert!(
            err(r#"{"format":1,"actions":{"x:Y":{"status":"gone","source":"s"}}}"#)
                .contains("`gone`")
        );
        assert!(
            err(r#"{"format":1,"services":{"x":{"status":"retired","source":" "}}}"#)
                .contains("no source")
        );
        assert!(
            err(r#"{"format":1,"actions":{"x:*":{"status":"retired","source":"s"}}}"#)
                .contains("not an action name")
        );
        assert!(err(r#"{"format":1,"conditionKeys":[{"service":"nosuch","key":"nosuch:k","type":"String","source":"s"}]}"#)
            .contains("`nosuch` is no service"));
        assert!(err(r#"{"format":1,"conditionKeys":[{"service":"s3","key":"s3:k","type":"String","actions":["NoSuch"],"source":"s"}]}"#)
            .contains("`s3:NoSuch` is no action"));
        assert!(err(r#"{"format":1,"resourceTypes":[{"service":"s3","name":"new","actions":["GetObject"],"source":"s"}]}"#)
            .contains("no ARN format"));
        assert!(err(r#"{"format":1,"unknownField":1}"#).contains("unknown field"));
        // An addition that does not apply breaks its service when it is first parsed: it
        // answers nothing, and the catalogue is unusable from then on.
        let c = data()
            .with_overlay(r#"{"format":1,"conditionKeys":[{"service":"s3","key":"s3:k","type":"String","actions":["NoSuch"],"source":"s"}]}"#)
            .expect("read");
        assert!(c.usable().is_ok() && c.action("kms:Decrypt").is_some());
        assert!(c.usable().is_ok());
        assert!(c.action("s3:GetObject").is_none());
        let e = c.usable().expect_err("broken").to_string();
        assert!(e.contains("`s3:NoSuch` is no action"), "{e}");
        assert!(data().with_overlay(r#"{"format":1}"#).is_ok());
    }
}
