//! A report's fixes as whole policies: the statements each policy lacks, merged into one
//! statement per principal and resource, the complete new document, the command that applies
//! it, and the export as it will read once applied (for `check --fix-dir` and for the proof
//! that the fixes make the workflow possible). Reads the exports the fixes point at.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::fix::{Applies, FixKind};
use super::fix_form::{self, Form, SourceChange, ROLE_POLICY_NAME};
use super::CheckReport;

/// One policy to change.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyChange {
    /// Which policy, for humans.
    pub target: String,
    /// The export that holds it (as loaded).
    pub file: String,
    /// The complete new document.
    pub document: Value,
    /// The command that applies it (`policy.json` holding `document`), or what to change
    /// in the Terraform configuration or CloudFormation template.
    pub command: String,
    /// The change in the configuration's own terms, when the policy came from a Terraform
    /// plan or a CloudFormation template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_change: Option<SourceChange>,
    /// The file's new text (a plan or template as JSON), for the proof in memory.
    #[serde(skip)]
    pub export: Option<String>,
    /// Whether `export` is an AWS CLI export that `--fix-dir` writes (a plan or a template
    /// is changed in its configuration, not in the file).
    #[serde(skip)]
    pub writable: bool,
}

/// The inventory with the changes laid over it: the same files, each changed export with
/// its new text (what `--fix-dir` writes), loaded in memory.
pub fn overlay(
    paths: &[String],
    opts: &crate::load::LoadOptions,
    changes: &[PolicyChange],
) -> crate::inventory::Inventory {
    let (found, _) = crate::load::discover(paths);
    let (mut files, _) = crate::load::read_all(&found);
    for f in &mut files {
        if let Some(text) = changes
            .iter()
            .rev()
            .find(|c| c.file == f.path)
            .and_then(|c| c.export.as_ref())
        {
            f.bytes = std::sync::Arc::new(text.clone().into_bytes());
        }
    }
    crate::load::inventory_in_memory(&files, opts, true)
}

/// Where a changed export goes below `dir`: its path relative to the input folder that holds
/// it (the inventory's own layout).
fn relative(file: &str, paths: &[String]) -> Option<std::path::PathBuf> {
    let f = std::path::Path::new(file);
    paths
        .iter()
        .filter_map(|p| f.strip_prefix(p).ok())
        .filter(|r| !r.as_os_str().is_empty())
        .min_by_key(|r| r.components().count())
        .map(std::path::Path::to_path_buf)
}

/// Writes each changed export below `dir` at its place in the inventory's layout; returns
/// the files written.
pub fn write(dir: &str, paths: &[String], changes: &[PolicyChange]) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for c in changes.iter().filter(|c| c.writable) {
        let Some(text) = &c.export else {
            continue;
        };
        let rel = relative(&c.file, paths).ok_or_else(|| {
            format!(
                "--fix-dir: `{}` is not below an inventory folder given",
                c.file
            )
        })?;
        let to = std::path::Path::new(dir).join(&rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("--fix-dir: `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&to, text).map_err(|e| format!("--fix-dir: `{}`: {e}", to.display()))?;
        let shown = to.display().to_string();
        if !written.contains(&shown) {
            written.push(shown);
        }
    }
    Ok(written)
}

/// A statement's merge key: everything but `Action` and `Sid`.
fn merge_key(s: &Value) -> String {
    let mut m = s.as_object().cloned().unwrap_or_default();
    m.remove("Action");
    m.remove("Sid");
    Value::Object(m).to_string()
}

/// `Allow` and the actions' names, letters and digits only.
fn sid_of(actions: &[String]) -> String {
    let mut sid = String::from("Allow");
    for a in actions {
        let name = a.split_once(':').map_or(a.as_str(), |(_, n)| n);
        sid.extend(name.chars().filter(char::is_ascii_alphanumeric));
    }
    sid.truncate(100);
    sid
}

/// Statements merged: one per principal, resource and condition, with every action.
pub fn merge(statements: &[Value]) -> Vec<Value> {
    let mut order: Vec<String> = Vec::new();
    let mut by: BTreeMap<String, (Value, Vec<String>)> = BTreeMap::new();
    for s in statements {
        let key = merge_key(s);
        let actions: Vec<String> = match s.get("Action") {
            Some(Value::String(a)) => vec![a.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let entry = by.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            (s.clone(), Vec::new())
        });
        for a in actions {
            if !entry.1.contains(&a) {
                entry.1.push(a);
            }
        }
    }
    order
        .iter()
        .filter_map(|k| by.remove(k))
        .map(|(mut s, actions)| {
            s["Sid"] = json!(sid_of(&actions));
            s["Action"] = if actions.len() == 1 {
                json!(actions[0])
            } else {
                json!(actions)
            };
            s
        })
        .collect()
}

/// The value at `pointer` in `doc`.
fn at<'v>(doc: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    if pointer.is_empty() {
        Some(doc)
    } else {
        doc.pointer_mut(pointer)
    }
}

/// The document an export holds at `pointer` (a JSON string or an object), or none.
fn document_in(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Object(_) => Some(value.clone()),
        _ => None,
    }
}

struct Group {
    target: String,
    file: String,
    pointer: String,
    applies: Applies,
    add: Vec<Value>,
    remove: Vec<usize>,
    /// Deny statements that stay, each with the condition that exempts a principal.
    except: Vec<(usize, Value)>,
    /// Statements AWS rejects (dropped from the new document).
    rejected: Vec<usize>,
}

/// The statement index a pointer inside a policy names (`/Statement/2/…`).
fn statement_index(pointer: &str) -> Option<usize> {
    let mut it = pointer.split('/').skip_while(|t| *t != "Statement").skip(1);
    it.next()?.parse().ok()
}

/// The changes the reports' fixes make, one per policy, in the order the steps need them.
pub fn changes(reports: &[&CheckReport]) -> Vec<PolicyChange> {
    let mut groups: Vec<Group> = Vec::new();
    // (the share's export, its ARN, the account to associate)
    let mut shares: Vec<(String, String, String)> = Vec::new();
    for (report, o) in reports
        .iter()
        .flat_map(|r| r.outcomes.iter().map(move |o| (*r, o)))
    {
        for f in &o.fixes {
            let (Some(loc), Some(applies)) = (&f.location, &f.applies) else {
                continue;
            };
            if let Applies::Share { arn, account } = applies {
                let entry = (loc.file.to_string(), arn.clone(), account.clone());
                if !shares.contains(&entry) {
                    shares.push(entry);
                }
                continue;
            }
            let pointer = loc.pointer.as_str().to_owned();
            let i = match groups
                .iter()
                .position(|g| g.file == *loc.file && g.pointer == pointer)
            {
                Some(i) => i,
                None => {
                    groups.push(Group {
                        target: f.target.clone(),
                        file: loc.file.to_string(),
                        pointer: pointer.clone(),
                        applies: applies.clone(),
                        add: Vec::new(),
                        remove: Vec::new(),
                        except: Vec::new(),
                        rejected: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let g = &mut groups[i];
            match f.kind {
                FixKind::AddStatement | FixKind::CorrectPolicy => {
                    g.add.extend(f.statement.clone());
                    if f.kind == FixKind::CorrectPolicy {
                        for d in &report.policy_errors {
                            if *d.primary.file == *loc.file {
                                let p = d.primary.embedded.as_ref().unwrap_or(&d.primary.pointer);
                                if let Some(k) = statement_index(p.as_str()) {
                                    if !g.rejected.contains(&k) {
                                        g.rejected.push(k);
                                    }
                                }
                            }
                        }
                    }
                }
                FixKind::RemoveStatement => {
                    let p = loc.embedded.as_ref().unwrap_or(&loc.pointer);
                    if let Some(k) = statement_index(p.as_str()) {
                        if !g.remove.contains(&k) {
                            g.remove.push(k);
                        }
                    }
                }
                FixKind::AddException => {
                    let p = loc.embedded.as_ref().unwrap_or(&loc.pointer);
                    if let (Some(k), Some(c)) = (statement_index(p.as_str()), &f.condition) {
                        g.except.push((k, c.clone()));
                    }
                }
                _ => {}
            }
        }
    }
    // Several policies may live in one export (roles in `iam.json`): each change is made on
    // the file as the previous ones left it.
    let mut files: BTreeMap<String, (Value, Form)> = BTreeMap::new();
    let mut out: Vec<PolicyChange> = groups
        .iter()
        .filter_map(|g| change(g, &mut files))
        .collect();
    out.extend(share_changes(&shares));
    for c in out.iter_mut().filter(|c| c.export.is_none()) {
        c.export = files
            .get(&c.file)
            .and_then(|(v, _)| serde_json::to_string_pretty(v).ok())
            .map(|t| t + "\n");
    }
    out
}

fn change(g: &Group, files: &mut BTreeMap<String, (Value, Form)>) -> Option<PolicyChange> {
    if !files.contains_key(&g.file) {
        files.insert(g.file.clone(), fix_form::read(&g.file)?);
    }
    let (file, form) = files.get_mut(&g.file)?;
    let form = *form;
    let added = merge(&g.add);
    let document = match &g.applies {
        Applies::Role { .. } => {
            let role = at(file, &g.pointer)?;
            // Where the role's inline policies are, and how each names its document.
            let (list, name_key, doc_key) = match form {
                Form::Export => (role, "RolePolicyList", ("PolicyName", "PolicyDocument")),
                Form::CloudFormation => (
                    role.as_object_mut()?
                        .entry("Properties")
                        .or_insert_with(|| json!({})),
                    "Policies",
                    ("PolicyName", "PolicyDocument"),
                ),
                Form::Terraform => (
                    if role.get("values").is_some() {
                        role.get_mut("values")?
                    } else {
                        role
                    },
                    "inline_policy",
                    ("name", "policy"),
                ),
            };
            let list = list
                .as_object_mut()?
                .entry(name_key)
                .or_insert_with(|| json!([]));
            let list = list.as_array_mut()?;
            let ours =
                |p: &Value| p.get(doc_key.0).and_then(Value::as_str) == Some(ROLE_POLICY_NAME);
            // Statements an earlier step added to the same role stay.
            let mut statements: Vec<Value> = list
                .iter()
                .find(|p| ours(p))
                .and_then(|p| p.get(doc_key.1))
                .and_then(document_in)
                .and_then(|d| d.get("Statement").and_then(Value::as_array).cloned())
                .unwrap_or_default();
            statements.extend(added);
            let document = json!({"Version": "2012-10-17", "Statement": merge(&statements)});
            list.retain(|p| !ours(p));
            // A plan holds documents as JSON strings.
            let stored = if form == Form::Terraform {
                Value::String(document.to_string())
            } else {
                document.clone()
            };
            list.push(json!({doc_key.0: ROLE_POLICY_NAME, doc_key.1: stored}));
            document
        }
        _ => {
            let slot = at(file, &g.pointer).filter(|v| !is_marker(v));
            let was_string = matches!(slot.as_deref(), Some(Value::String(_)));
            let mut doc = slot
                .as_deref()
                .and_then(document_in)
                .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
            let mut statements: Vec<Value> = match doc.get("Statement") {
                Some(Value::Array(a)) => a.clone(),
                Some(one @ Value::Object(_)) => vec![one.clone()],
                _ => Vec::new(),
            };
            for (k, condition) in &g.except {
                if let Some(s) = statements.get_mut(*k) {
                    add_condition(s, condition);
                }
            }
            let drop: Vec<usize> = g.remove.iter().chain(&g.rejected).copied().collect();
            statements = statements
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, s)| s)
                .collect();
            statements.extend(added);
            if let Some(m) = doc.as_object_mut() {
                m.insert("Version".into(), json!("2012-10-17"));
                m.insert("Statement".into(), Value::Array(statements));
            }
            let new_value = if was_string || slot.is_none() {
                Value::String(doc.to_string())
            } else {
                doc.clone()
            };
            match at(file, &g.pointer) {
                Some(v) if !is_marker(v) => *v = new_value,
                _ => {
                    // A marker (`NoSuchBucketPolicy`…): the export the CLI prints once the
                    // policy exists.
                    *file = exported(&g.applies, new_value);
                }
            }
            doc
        }
    };
    let role = match &g.applies {
        Applies::Role { name } => Some(name.as_str()),
        _ => None,
    };
    let source_change = match form {
        Form::Export => None,
        Form::Terraform => fix_form::terraform(file, &g.pointer, &document, role),
        Form::CloudFormation => fix_form::cloudformation(&g.pointer, &document, role.is_some()),
    };
    let command = match (&source_change, form) {
        (_, Form::Export) => command(&g.applies),
        (Some(c), Form::Terraform) if c.new => format!(
            "terraform: add resource `{}` to the configuration, then plan again",
            c.resource
        ),
        (Some(c), Form::Terraform) => format!(
            "terraform: in resource `{}`, set `{}` as below, then plan again",
            c.resource, c.path
        ),
        (Some(c), _) if c.new => format!(
            "cloudformation: add this entry to `{}` in `{}`, then update the stack",
            c.path, g.file
        ),
        (Some(c), _) => format!(
            "cloudformation: set `{}` in `{}` to this document, then update the stack",
            c.path, g.file
        ),
        (None, _) => format!(
            "set the policy at {} of `{}` to this document in its configuration",
            g.pointer, g.file
        ),
    };
    Some(PolicyChange {
        target: g.target.clone(),
        file: g.file.clone(),
        document,
        command,
        source_change,
        export: None,
        writable: form == Form::Export,
    })
}

/// What no change to the exports can fix, for humans: each denied required step none of
/// whose fixes changes an export (an AWS managed key, a permissions boundary…), with what
/// the fix changes instead, and each failed plausibility check of the request.
pub fn not_fixable(reports: &[&CheckReport]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in reports {
        for o in &r.outcomes {
            let denied = matches!(o.status, super::Status::Denied { .. });
            if !o.required || !denied || o.fixes.iter().any(|f| f.applies.is_some()) {
                continue;
            }
            let what = o
                .fixes
                .first()
                .map(|f| format!("change {}", f.target))
                .unwrap_or_else(|| "no fix is known".to_owned());
            let line = format!("step `{}` (`{}`): {what}", o.step, o.action);
            if !out.contains(&line) {
                out.push(line);
            }
        }
        for p in r.plausibility.iter().filter(|p| p.ok == Some(false)) {
            let line = format!("the request: {}", p.message);
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

/// The `list-principals` export beside each share's export (`aws ram list-principals`), with
/// the accounts to associate added: what the export reads once `associate-resource-share`
/// ran.
fn share_changes(shares: &[(String, String, String)]) -> Vec<PolicyChange> {
    let mut out: Vec<PolicyChange> = Vec::new();
    for (file, arn, account) in shares {
        let Some(dir) = std::path::Path::new(file).parent() else {
            continue;
        };
        let path = dir.join("list-principals.json").display().to_string();
        let i = match out.iter().position(|c| c.file == path) {
            Some(i) => i,
            None => {
                let doc = crate::load::fs::read_decoded(std::path::Path::new(&path))
                    .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                    .unwrap_or_else(|| json!({"principals": []}));
                out.push(PolicyChange {
                    target: format!("the principals of AWS RAM share `{arn}`"),
                    file: path,
                    document: doc,
                    command: String::new(),
                    source_change: None,
                    export: None,
                    writable: true,
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        if let Some(list) = c
            .document
            .get_mut("principals")
            .and_then(Value::as_array_mut)
        {
            let has = list.iter().any(|p| {
                p.get("id").and_then(Value::as_str) == Some(account.as_str())
                    && p.get("resourceShareArn").and_then(Value::as_str) == Some(arn.as_str())
            });
            if !has {
                list.push(json!({"id": account, "resourceShareArn": arn, "external": false}));
            }
        }
        let command = format!(
            "aws ram associate-resource-share --resource-share-arn {arn} --principals {account}"
        );
        if !c.command.contains(&command) {
            if !c.command.is_empty() {
                c.command.push_str(" && ");
            }
            c.command.push_str(&command);
        }
    }
    for c in &mut out {
        c.export = serde_json::to_string_pretty(&c.document)
            .ok()
            .map(|t| t + "\n");
    }
    out
}

/// Merges `condition` (`{operator: {key: values}}`) into the statement's `Condition` block:
/// a key the block has under the same operator gets the new values besides its own (for
/// the negated operators an exception uses, one more value exempts one more principal);
/// other operators and keys stay as they are, so the statement applies to no one new.
fn add_condition(statement: &mut Value, condition: &Value) {
    let Some(add) = condition.as_object() else {
        return;
    };
    let Some(m) = statement.as_object_mut() else {
        return;
    };
    let block = m.entry("Condition").or_insert_with(|| json!({}));
    let Some(block) = block.as_object_mut() else {
        return;
    };
    for (op, keys) in add {
        let Some(keys) = keys.as_object() else {
            continue;
        };
        let slot = block.entry(op.clone()).or_insert_with(|| json!({}));
        let Some(slot) = slot.as_object_mut() else {
            continue;
        };
        for (key, values) in keys {
            // Condition keys are case-insensitive.
            let name = slot
                .keys()
                .find(|k| k.eq_ignore_ascii_case(key))
                .cloned()
                .unwrap_or_else(|| key.clone());
            let mut all: Vec<Value> = match slot.get(&name) {
                Some(Value::Array(a)) => a.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            };
            let new: Vec<Value> = match values {
                Value::Array(a) => a.clone(),
                one => vec![one.clone()],
            };
            for v in new {
                if !all.contains(&v) {
                    all.push(v);
                }
            }
            let value = if all.len() == 1 {
                all.remove(0)
            } else {
                Value::Array(all)
            };
            slot.insert(name, value);
        }
    }
}

/// Whether the whole export is an error marker (`{"Error": {"Code": …}}`).
fn is_marker(v: &Value) -> bool {
    v.get("Error").is_some()
}

/// What the CLI prints for a policy that exists (`get-bucket-policy`…).
fn exported(applies: &Applies, policy: Value) -> Value {
    let mut m = Map::new();
    match applies {
        Applies::Bucket { .. } => {
            m.insert("Policy".into(), policy);
        }
        Applies::Repository { registry, name, .. } => {
            m.insert("registryId".into(), json!(registry));
            m.insert("repositoryName".into(), json!(name));
            m.insert("policyText".into(), policy);
        }
        Applies::Key { .. } => {
            m.insert("Policy".into(), policy);
            m.insert("PolicyName".into(), json!("default"));
        }
        Applies::Group { .. } => {
            m.insert("ResourcePolicy".into(), policy);
        }
        Applies::OrgPolicy { .. }
        | Applies::Role { .. }
        | Applies::Share { .. }
        | Applies::Other => {
            return policy;
        }
    }
    Value::Object(m)
}

/// The AWS CLI command that applies the new document (saved as `policy.json`).
fn command(applies: &Applies) -> String {
    match applies {
        Applies::Role { name } => format!(
            "aws iam put-role-policy --role-name {name} --policy-name {ROLE_POLICY_NAME} --policy-document file://policy.json"
        ),
        Applies::Bucket { name } => {
            format!("aws s3api put-bucket-policy --bucket {name} --policy file://policy.json")
        }
        Applies::Repository {
            registry,
            region,
            name,
        } => format!(
            "aws ecr set-repository-policy --registry-id {registry} --region {region} --repository-name {name} --policy-text file://policy.json"
        ),
        Applies::Key { arn } => format!(
            "aws kms put-key-policy --key-id {arn} --policy-name default --policy file://policy.json"
        ),
        Applies::Group { region, name } => format!(
            "aws sagemaker put-model-package-group-policy --region {region} --model-package-group-name {name} --resource-policy file://policy.json"
        ),
        Applies::OrgPolicy { id } => format!(
            "aws organizations update-policy --policy-id {id} --content file://policy.json"
        ),
        Applies::Share { arn, account } => format!(
            "aws ram associate-resource-share --resource-share-arn {arn} --principals {account}"
        ),
        Applies::Other => "apply the document to the policy".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_for_one_principal_and_resource_merge() {
        let s = |a: &str| json!({"Sid": "x", "Effect": "Allow", "Principal": {"AWS": "p"}, "Action": a});
        let merged = merge(&[
            s("ecr:BatchGetImage"),
            s("ecr:GetDownloadUrlForLayer"),
            s("ecr:BatchGetImage"),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(
            merged[0]["Action"],
            json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])
        );
        assert_eq!(merged[0]["Sid"], "AllowBatchGetImageGetDownloadUrlForLayer");
        let other =
            json!({"Effect": "Allow", "Principal": {"AWS": "q"}, "Action": "ecr:BatchGetImage"});
        assert_eq!(merge(&[s("ecr:BatchGetImage"), other]).len(), 2);
    }

    #[test]
    fn an_exception_joins_the_conditions_a_deny_has() {
        let mut s = json!({"Effect": "Deny", "Action": "a", "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:principalarn": "arn:aws:iam::*:role/p"},
                          "Bool": {"aws:ViaAWSService": "false"}}});
        add_condition(
            &mut s,
            &json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/r"}}),
        );
        assert_eq!(
            s["Condition"],
            json!({"ArnNotLike": {"aws:principalarn": ["arn:aws:iam::*:role/p", "arn:aws:iam::1:role/r"]},
                   "Bool": {"aws:ViaAWSService": "false"}})
        );
        let mut bare = json!({"Effect": "Deny", "Action": "a", "Resource": "*"});
        add_condition(
            &mut bare,
            &json!({"StringNotEquals": {"aws:PrincipalAccount": "1"}}),
        );
        assert_eq!(
            bare["Condition"],
            json!({"StringNotEquals": {"aws:PrincipalAccount": "1"}})
        );
    }

    #[test]
    fn statement_indexes_are_read_from_pointers() {
        assert_eq!(statement_index("/Statement/2/Resource/1"), Some(2));
        assert_eq!(statement_index("/Policy"), None);
    }
}
