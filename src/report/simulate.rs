//! `xacct simulate`: one decision with its request and trace, as a table or JSON; for an
//! implicit deny, the nearest statements and what each missed; with policies from flags,
//! what was assumed absent; with an inventory, what the inventory did not know and whether
//! it could change the decision.

use std::io::Write;

use serde_json::{json, Value};

use super::{decision_table, schema, Format};
use crate::diagnostic::Diagnostic;
use crate::eval::explain::NearMiss;
use crate::eval::{ContextValue, Request, Response};
use crate::inventory::{Assembled, Unknown};

/// The formats `xacct simulate` writes.
pub const FORMATS: &[Format] = &[Format::Table, Format::Json];

fn write_json(out: &mut dyn Write, doc: &Value) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// What explains a decision beyond its trace.
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    /// For an implicit deny: the nearest `Allow` statements and what each missed.
    pub near: Vec<NearMiss>,
    /// With policies from flags: what was taken to be absent because no flag gave it.
    pub assumed: Vec<String>,
}

impl Explanation {
    /// The explanation as text, after the trace.
    fn text(&self) -> String {
        let width = super::term::get().width;
        let mut out = String::new();
        if !self.near.is_empty() {
            out.push_str("\nnearest statements (why they do not allow it):\n");
            for m in &self.near {
                let line = format!("  - {}: {}", m.requirement.describe(), m.sentence());
                out.push_str(&super::term::fold(&line, width, 4));
                out.push('\n');
            }
        }
        if !self.assumed.is_empty() {
            out.push_str(
                "\nassumed absent (no flag gave them; `PATH...` reads them from exports):\n",
            );
            for a in &self.assumed {
                out.push_str(&super::term::fold(&format!("  - {a}"), width, 4));
                out.push('\n');
            }
        }
        out
    }

    /// Adds the explanation to a decision's JSON document.
    fn add_to(&self, doc: &mut Value) {
        if let Some(o) = doc.as_object_mut() {
            o.insert(
                "nearest_statements".into(),
                serde_json::to_value(&self.near).unwrap_or(Value::Null),
            );
            o.insert("assumed_absent".into(), json!(self.assumed));
        }
    }
}

/// Writes one decision (policies from flags).
pub fn decision(
    request: &Request,
    response: &Response<'_>,
    why: &Explanation,
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let mut doc = decision_json(request, response);
            why.add_to(&mut doc);
            write_json(out, &doc)
        }
        _ => {
            let mut text = decision_table(request, response);
            text.push_str(&why.text());
            out.write_all(text.as_bytes())
        }
    }
}

/// Writes one decision against an inventory: the unknowns that could change it apart from
/// those that cannot, the notes, and (in JSON) the problems with the inputs.
pub fn with_inventory(
    request: &Request,
    response: &Response<'_>,
    assembled: &Assembled<'_>,
    problems: &[Diagnostic],
    why: &Explanation,
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let relevant = assembled.relevant_unknowns(response.decision);
    if format == Format::Json {
        let mut doc = decision_json(request, response);
        why.add_to(&mut doc);
        if let Some(o) = doc.as_object_mut() {
            let unknowns: Vec<Value> = assembled
                .unknowns
                .iter()
                .map(|u| {
                    let mut v = serde_json::to_value(u).unwrap_or(Value::Null);
                    if let Some(m) = v.as_object_mut() {
                        m.insert(
                            "could_change_decision".into(),
                            u.could_change(response.decision).into(),
                        );
                    }
                    v
                })
                .collect();
            o.insert(
                "inventory".into(),
                json!({
                    "verified": relevant.is_empty(),
                    "unknowns": unknowns,
                    "notes": assembled.notes,
                    "problems": problems,
                }),
            );
        }
        return write_json(out, &doc);
    }
    let mut text = decision_table(request, response);
    text.push_str(&why.text());
    if !relevant.is_empty() {
        text.push_str("\nnot verified: the inventory does not know\n");
        for u in &relevant {
            text.push_str(&format!("  - {u}\n"));
        }
    }
    let others: Vec<&Unknown> = assembled
        .unknowns
        .iter()
        .filter(|u| !u.could_change(response.decision))
        .collect();
    if !others.is_empty() {
        text.push_str("\nalso unknown (cannot change this decision):\n");
        for u in others {
            text.push_str(&format!("  - {u}\n"));
        }
    }
    for n in &assembled.notes {
        text.push_str(&format!("note: {n}\n"));
    }
    out.write_all(text.as_bytes())
}

/// One decision with its request and trace.
pub fn decision_json(req: &Request, resp: &Response<'_>) -> Value {
    let context: serde_json::Map<String, Value> = req
        .context
        .iter()
        .map(|(k, v)| {
            let v = match v {
                ContextValue::Single(s) => Value::String(s.clone()),
                ContextValue::Multi(l) => {
                    Value::Array(l.iter().cloned().map(Value::String).collect())
                }
            };
            (k.to_owned(), v)
        })
        .collect();
    json!({
        "schema_version": schema::SIMULATE,
        "request": {
            "principal": req.principal.display(),
            "action": req.action,
            "resource": req.resource.text,
            "resource_account": req.resource_account,
            "context": context,
        },
        "decision": resp.decision,
        "indeterminate": resp.is_indeterminate(),
        "trace": resp,
    })
}
