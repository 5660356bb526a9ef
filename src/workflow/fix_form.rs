//! A policy change said in the form of the file the policy came from: an AWS CLI export (the
//! command that applies the document), a Terraform plan (the resource's address and its
//! attribute set to `jsonencode(...)`), or a CloudFormation template (the logical id and the
//! property path, with the document as JSON, which YAML templates accept too). Reads those
//! files (JSON, or YAML templates with their short-form tags as long forms).

use serde::Serialize;
use serde_json::Value;

/// The name of the inline role policy a fix adds.
pub const ROLE_POLICY_NAME: &str = "xacct-cross-account-access";

/// What kind of file holds a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// An AWS CLI export.
    Export,
    /// `terraform show -json` of a plan.
    Terraform,
    /// A CloudFormation template (or a CDK cloud assembly's).
    CloudFormation,
}

/// The file's tree and its form; `None` when it is neither JSON nor a YAML template.
pub fn read(file: &str) -> Option<(Value, Form)> {
    // Read as the exports were loaded: any encoding they come in.
    let text = crate::load::fs::read_decoded(std::path::Path::new(file))?;
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => crate::source::yaml::parse(&text).ok()?.json.to_value(),
    };
    let form = if value.get("planned_values").is_some() || value.get("resource_changes").is_some() {
        Form::Terraform
    } else if value
        .get("Resources")
        .and_then(Value::as_object)
        .is_some_and(|r| r.values().any(|x| x.get("Type").is_some()))
    {
        Form::CloudFormation
    } else {
        Form::Export
    };
    Some((value, form))
}

/// The change in the configuration's own terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceChange {
    /// `terraform` or `cloudformation`.
    pub form: &'static str,
    /// The resource: its Terraform address or its CloudFormation logical id.
    pub resource: String,
    /// Where in it: the Terraform attribute or the CloudFormation property path
    /// (`Resources.X.Properties.PolicyDocument`).
    pub path: String,
    /// Whether the resource (or the list entry) is new: add it rather than change it.
    pub new: bool,
    /// What to write there: HCL for Terraform, JSON for CloudFormation.
    pub text: String,
}

/// The inline role policy a change adds, as a Terraform resource name.
const TF_NAME: &str = "xacct_cross_account_access";

/// The change for the policy at `pointer` of a plan: the resource's address and the
/// attribute set to `jsonencode(document)`; for a role (`role` its name), a new
/// `aws_iam_role_policy`.
pub fn terraform(
    plan: &Value,
    pointer: &str,
    document: &Value,
    role: Option<&str>,
) -> Option<SourceChange> {
    if let Some(role) = role {
        let text = format!(
            "resource \"aws_iam_role_policy\" \"{TF_NAME}\" {{\n  name   = \"{}\"\n  role   = {}\n  policy = jsonencode({})\n}}",
            ROLE_POLICY_NAME,
            hcl(&Value::String(role.to_owned()), 1),
            hcl(document, 1)
        );
        return Some(SourceChange {
            form: "terraform",
            resource: format!("aws_iam_role_policy.{TF_NAME}"),
            path: "policy".into(),
            new: true,
            text,
        });
    }
    let (resource, attribute) = ["/values/", "/change/after/"].iter().find_map(|sep| {
        pointer
            .rfind(sep)
            .map(|i| (&pointer[..i], &pointer[i + sep.len()..]))
    })?;
    let address = plan.pointer(resource)?.get("address")?.as_str()?.to_owned();
    let attribute = attribute.replace('/', ".");
    Some(SourceChange {
        form: "terraform",
        text: format!("{attribute} = jsonencode({})", hcl(document, 0)),
        resource: address,
        path: attribute,
        new: false,
    })
}

/// The change for the policy at `pointer` of a template: the logical id and the property
/// path, with the new document; for a role, the entry to add to its `Policies`.
pub fn cloudformation(pointer: &str, document: &Value, role: bool) -> Option<SourceChange> {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (Some("Resources"), Some(logical)) = (
        tokens.first().map(String::as_str),
        tokens.get(1).map(String::as_str),
    ) else {
        return None;
    };
    let (path, value) = if role {
        (
            format!("Resources.{logical}.Properties.Policies"),
            serde_json::json!({
                "PolicyName": ROLE_POLICY_NAME,
                "PolicyDocument": document,
            }),
        )
    } else {
        (tokens.join("."), document.clone())
    };
    Some(SourceChange {
        form: "cloudformation",
        resource: logical.to_owned(),
        path,
        new: role,
        text: serde_json::to_string_pretty(&value).unwrap_or_default(),
    })
}

/// `v` as an HCL expression, nested `level` levels deep (two spaces a level).
pub fn hcl(v: &Value, level: usize) -> String {
    let pad = "  ".repeat(level + 1);
    let end = "  ".repeat(level);
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let mut out = String::from("\"");
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    // `${` and `%{` open templates in HCL strings.
                    '$' | '%' if chars.peek() == Some(&'{') => {
                        out.push(c);
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|x| format!("{pad}{}", hcl(x, level + 1)))
                .collect();
            format!("[\n{},\n{end}]", items.join(",\n"))
        }
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, x)| {
                    format!(
                        "{pad}{} = {}",
                        hcl(&Value::String(k.clone()), 0),
                        hcl(x, level + 1)
                    )
                })
                .collect();
            format!("{{\n{}\n{end}}}", items.join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hcl_quotes_keys_and_escapes_templates() {
        let v = json!({"Sid": "A", "Resource": ["arn:${x}", "b\"c"], "n": 1});
        let h = hcl(&v, 0);
        assert!(h.contains("\"Sid\" = \"A\""), "{h}");
        assert!(h.contains("\"arn:$${x}\""), "{h}");
        assert!(h.contains("\"b\\\"c\""), "{h}");
        assert!(h.starts_with("{\n") && h.ends_with('}'), "{h}");
    }

    #[test]
    fn plan_pointers_give_the_address_and_attribute() {
        let plan = json!({"planned_values": {"root_module": {"resources": [
            {"address": "aws_s3_bucket_policy.artifacts", "values": {"policy": "{}"}}
        ]}}});
        let c = terraform(
            &plan,
            "/planned_values/root_module/resources/0/values/policy",
            &json!({"Version": "2012-10-17"}),
            None,
        )
        .unwrap();
        assert_eq!(c.resource, "aws_s3_bucket_policy.artifacts");
        assert_eq!(c.path, "policy");
        assert!(c.text.starts_with("policy = jsonencode({"), "{}", c.text);
        let t = cloudformation(
            "/Resources/ArtifactsPolicy/Properties/PolicyDocument",
            &json!({}),
            false,
        )
        .unwrap();
        assert_eq!(t.resource, "ArtifactsPolicy");
        assert_eq!(
            t.path,
            "Resources.ArtifactsPolicy.Properties.PolicyDocument"
        );
    }
}
