//! `XA0107 unrendered-template-placeholder`: a template placeholder (`{bucket}`,
//! `<account-id>`, `${var}`) left in a resource, principal, condition value or grant.

use crate::diagnostic::codes;
use crate::diagnostic::Severity;
use crate::policy::DocKind;
use crate::rules::doc::{GrantDoc, PolicyDoc, Value};
use crate::rules::shared::placeholders;
use crate::rules::{Findings, Rule};

/// `XA0107 unrendered-template-placeholder`.
pub struct UnrenderedTemplatePlaceholder;

/// Checks one value; `severity`, when given, replaces the rule's (a placeholder the storing
/// service accepts as text).
fn check(v: &Value<'_>, variables: bool, severity: Option<Severity>, out: &mut Findings) {
    let found = placeholders(v.text, variables);
    let Some(first) = found.first() else { return };
    let list: Vec<String> = found.iter().map(|p| format!("`{}`", p.text)).collect();
    let (message, help) = if first.variable_outside_2012 && found.len() == 1 {
        (
            format!(
                "`{}` in `{}` is literal text: policy variables need `\"Version\": \"2012-10-17\"`",
                first.text, v.text
            ),
            "set `\"Version\": \"2012-10-17\"`, or render the value before applying the policy",
        )
    } else {
        (
            format!(
                "unrendered template placeholder {} in `{}`",
                list.join(", "),
                v.text
            ),
            "render the template before applying the policy (a Python string needs the `f` prefix)",
        )
    };
    let f = out.report(&v.pointer, message);
    f.help(help);
    if let Some(s) = severity {
        f.severity(s);
    }
}

impl Rule for UnrenderedTemplatePlaceholder {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::UNRENDERED_TEMPLATE_PLACEHOLDER
    }

    /// S3 rejects a bucket policy whose resource is not this bucket or its objects (a bucket
    /// name cannot hold `{`, `<` or `$`); IAM accepts such text in identity policies, where it
    /// matches nothing.
    fn rejects(&self, kind: DocKind) -> bool {
        kind == DocKind::Bucket
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let vars = doc.has_variables();
        // A principal with a placeholder names no principal: the parser rejects it.
        for e in doc
            .errors
            .iter()
            .filter(|e| e.code() == codes::UNRENDERED_TEMPLATE_PLACEHOLDER.code)
        {
            out.report(e.pointer.clone(), e.kind.to_string()).help(
                "render the template before applying the policy (a Python string needs the `f` prefix)",
            );
        }
        let resource_severity = (doc.kind != DocKind::Bucket).then_some(Severity::Warning);
        for s in doc.statements() {
            if let Some(r) = &s.resource {
                for v in &r.values {
                    check(v, vars, resource_severity, out);
                }
            }
            for c in &s.conditions {
                for (text, pointer) in &c.values {
                    let v = Value {
                        text,
                        pointer: pointer.clone(),
                    };
                    check(&v, vars, Some(Severity::Warning), out);
                }
            }
        }
    }

    fn check_grant(&self, grant: &GrantDoc<'_>, out: &mut Findings) {
        for key in ["GranteePrincipal", "RetiringPrincipal", "KeyId"] {
            if let Some(v) = grant.string(key) {
                check(&v, false, None, out);
            }
        }
    }
}
