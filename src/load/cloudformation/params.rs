//! Parameter values: the files `--parameters` names, in the two forms people use
//! (CloudFormation's `[{"ParameterKey": …, "ParameterValue": …}]`, as `aws cloudformation
//! create-stack --parameters file://…` reads it, and a `{"Key": "Value"}` map, also inside
//! CodePipeline's `{"Parameters": {…}}`), and the value of each parameter a template declares:
//! the file's, else the default, else unknown.

use std::collections::HashMap;

use super::intrinsic::Stack;
use super::value::V;
use crate::json::{Json, Pointer};

/// The values one parameter file gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParameterFile {
    /// The file, as named.
    pub file: String,
    /// Key → value (`None`: `UsePreviousValue`, the value of the deployed stack).
    pub values: Vec<(String, Option<String>)>,
}

fn text_of(j: &Json<'_>) -> Option<String> {
    match j {
        Json::String(s) => Some(s.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        // A list parameter written as a list.
        Json::Array(a) => a
            .iter()
            .map(|v| match v {
                Json::Array(_) | Json::Object(_) => None,
                v => text_of(v),
            })
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join(",")),
        _ => None,
    }
}

impl ParameterFile {
    /// Reads a parameter file's text (JSON, or YAML in the same shapes).
    pub fn parse(file: &str, text: &str) -> Result<ParameterFile, String> {
        let owned;
        let json = match Json::parse(text) {
            Ok(j) => j,
            Err(e) if super::yaml::is_yaml_text(text) => {
                owned = super::yaml::parse(text)
                    .map_err(|y| format!("`{file}` is neither JSON ({e}) nor YAML ({y})"))?;
                owned.json.clone()
            }
            Err(e) => return Err(format!("`{file}`: invalid JSON: {e}")),
        };
        let mut values = Vec::new();
        let shape = || {
            format!(
                "`{file}` is not a parameter file: expected `[{{\"ParameterKey\": …, \"ParameterValue\": …}}]` or `{{\"Key\": \"Value\"}}`"
            )
        };
        match &json {
            Json::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let key = item
                        .get("ParameterKey")
                        .and_then(Json::as_str)
                        .ok_or_else(|| format!("`{file}`: entry {i} has no `ParameterKey`"))?;
                    let previous = matches!(item.get("UsePreviousValue"), Some(Json::Bool(true)));
                    let value = match item.get("ParameterValue") {
                        Some(v) => Some(text_of(v).ok_or_else(|| {
                            format!("`{file}`: the value of `{key}` is not a string")
                        })?),
                        None if previous => None,
                        None => return Err(format!("`{file}`: `{key}` has no `ParameterValue`")),
                    };
                    values.push((key.to_owned(), value));
                }
            }
            Json::Object(m) => {
                let m = match json.get("Parameters") {
                    Some(Json::Object(inner)) if m.len() <= 4 => inner,
                    _ => m,
                };
                for (k, v) in m {
                    let value = text_of(v)
                        .ok_or_else(|| format!("`{file}`: the value of `{k}` is not a string"))?;
                    values.push((k.to_string(), Some(value)));
                }
            }
            _ => return Err(shape()),
        }
        Ok(ParameterFile {
            file: file.to_owned(),
            values,
        })
    }

    fn get(&self, key: &str) -> Option<&Option<String>> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Sets the value of every parameter `stack`'s template declares, from `files` (the last
/// that gives a key wins), else its default. `strict`: the files were named for this
/// template, so a key it does not declare is reported.
pub fn resolve(stack: &mut Stack<'_, '_>, files: &[&ParameterFile], strict: bool) {
    let root = stack.root;
    let declared = root
        .get("Parameters")
        .and_then(Json::as_object)
        .unwrap_or(&[]);
    let mut params = HashMap::new();
    for (name, def) in declared {
        let at = Pointer::root().key("Parameters").key(name);
        let ty = def.get("Type").and_then(Json::as_str).unwrap_or("String");
        let given = files.iter().rev().find_map(|f| Some((f, f.get(name)?)));
        let text = match given {
            Some((f, Some(v))) => Some((v.clone(), Some(f.file.as_str()))),
            Some((f, None)) => {
                params.insert(
                    name.to_string(),
                    V::unknown(
                        format!(
                            "parameter `{name}` keeps the deployed stack's value (`UsePreviousValue` in `{}`)",
                            f.file
                        ),
                        &at,
                    ),
                );
                continue;
            }
            None => def.get("Default").and_then(text_of).map(|d| (d, None)),
        };
        let Some((text, from)) = text else {
            params.insert(
                name.to_string(),
                V::unknown(
                    format!("parameter `{name}` has no default and no value: give it with `--parameters`"),
                    &at,
                ),
            );
            continue;
        };
        if ty.starts_with("AWS::SSM::Parameter::Value<") {
            params.insert(
                name.to_string(),
                V::unknown(
                    format!("parameter `{name}` is read from Systems Manager parameter `{text}` at deploy"),
                    &at,
                ),
            );
            continue;
        }
        if let Some(Json::Array(allowed)) = def.get("AllowedValues") {
            let ok = allowed.iter().any(|a| text_of(a).as_deref() == Some(&text));
            if !ok {
                let whence = from.map_or("its default".to_owned(), |f| format!("`{f}`"));
                stack.problem(
                    &at,
                    format!("parameter `{name}`: `{text}` (from {whence}) is not one of its `AllowedValues`; CloudFormation refuses it"),
                );
                params.insert(
                    name.to_string(),
                    V::unknown(
                        format!("parameter `{name}` has a value CloudFormation refuses"),
                        &at,
                    ),
                );
                continue;
            }
        }
        let list = ty == "CommaDelimitedList" || ty.starts_with("List<");
        let value = if list {
            V::List(text.split(',').map(|s| V::Str(s.to_owned())).collect())
        } else {
            V::Str(text)
        };
        params.insert(name.to_string(), value);
    }
    if strict {
        for f in files {
            for (k, _) in &f.values {
                if !declared.iter().any(|(d, _)| d == k) {
                    stack.problem(
                        &Pointer::root().key("Parameters"),
                        format!(
                            "`{}` gives parameter `{k}`, which the template does not declare",
                            f.file
                        ),
                    );
                }
            }
        }
    }
    stack.params = params;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_and_previous_values_are_read() {
        let list = ParameterFile::parse(
            "p.json",
            r#"[{"ParameterKey":"A","ParameterValue":"1"},{"ParameterKey":"B","UsePreviousValue":true}]"#,
        )
        .unwrap();
        assert_eq!(
            list.values,
            vec![("A".into(), Some("1".into())), ("B".into(), None)]
        );
        let map = ParameterFile::parse("p.json", r#"{"A": "1", "N": 2, "L": ["x", "y"]}"#).unwrap();
        assert_eq!(map.get("N"), Some(&Some("2".to_owned())));
        assert_eq!(map.get("L"), Some(&Some("x,y".to_owned())));
        let pipeline =
            ParameterFile::parse("p.json", r#"{"Parameters": {"A": "1"}, "Tags": {}}"#).unwrap();
        assert_eq!(pipeline.values, vec![("A".into(), Some("1".into()))]);
        let yaml = ParameterFile::parse("p.yaml", "A: x\n").unwrap();
        assert_eq!(yaml.values, vec![("A".into(), Some("x".into()))]);
        assert!(ParameterFile::parse("p.json", "[1]")
            .unwrap_err()
            .contains("ParameterKey"));
        assert!(ParameterFile::parse("p.json", "3")
            .unwrap_err()
            .contains("not a parameter file"));
    }
}
