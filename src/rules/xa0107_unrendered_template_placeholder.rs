//! `XA0107 unrendered-template-placeholder`: a template placeholder (`{bucket}`,
//! `<account-id>`, `${var}`) left in a resource, principal, condition value or grant.

use crate::diagnostic::Severity;
use crate::policy::DocKind;
use crate::rules::doc::{GrantDoc, PolicyDoc, Value};
use crate::rules::shared::placeholders;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0107 unrendered-template-placeholder`.
pub struct UnrenderedTemplatePlaceholder;

static META: RuleMeta = RuleMeta {
    code: "XA0107",
    name: "unrendered-template-placeholder",
    severity: Severity::Error,
    summary: "a template placeholder left in an ARN, principal or condition value",
    docs: r##"## What it does
Flags a `Resource`, `NotResource`, `Principal`, `NotPrincipal` or condition value (and a KMS
grant's principals and key) that still holds a template placeholder:
- `{name}`, `{}`, `{0}` and `{{ name }}` (Python `str.format` without the `f` prefix, Jinja);
- `<name>` (placeholders copied from documentation, such as `<account-id>`);
- `${name}` outside a `2012-10-17` policy, where it is literal text rather than a policy
  variable; inside one, a `${...}` that names no context key (no `service:` prefix, a
  CloudFormation `${AWS::AccountId}`, a Terraform `${var.x}`).

## Why is this bad?
AWS takes the text literally. A resource `arn:aws:s3:::{bucket}/*` names a bucket called
`{bucket}`, so S3 rejects it (`Policy has invalid resource`) or, elsewhere, it matches
nothing; a principal `arn:aws:iam::{account}:root` is rejected as an invalid principal.
Error for a placeholder in a principal, in every kind (no such principal exists: IAM, S3 and
KMS reject it as an invalid principal), and in a bucket policy's resources (S3 rejects
them); warning in other kinds' resources and in condition values, which are accepted and
match nothing.

## Example
```python
bucket_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::{bucket}/*"}]}
```

## Use instead
```python
    "Resource": f"arn:aws:s3:::{bucket}/*"}]}
```

## References
- [IAM policy elements: variables and tags](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)
- [IAM JSON policy elements: Version](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)
"##,
};

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
    let f = out.report(v.pointer.clone(), message);
    f.help(help);
    if let Some(s) = severity {
        f.severity(s);
    }
}

impl Rule for UnrenderedTemplatePlaceholder {
    fn meta(&self) -> &'static RuleMeta {
        &META
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
        for e in doc.errors.iter().filter(|e| e.code() == META.code) {
            out.report(e.pointer.clone(), e.kind.to_string()).help(
                "render the template before applying the policy (a Python string needs the `f` prefix)",
            );
        }
        let resource_severity = (doc.kind != DocKind::Bucket).then_some(Severity::Warning);
        for s in &doc.statements {
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
