//! Stable JSON output. Every document carries `schema_version`; fields are only ever added.

use serde_json::{json, Value};

use crate::eval::{ContextValue, Request, Response};

/// Version of the JSON documents xacct writes.
pub const SCHEMA_VERSION: u32 = 1;

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
        "schema_version": SCHEMA_VERSION,
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
