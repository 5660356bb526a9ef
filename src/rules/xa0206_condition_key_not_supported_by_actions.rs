//! `XA0206 condition-key-not-supported-by-actions`: a service condition key that no action
//! of the statement supports.

use crate::diagnostic::Severity;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0206 condition-key-not-supported-by-actions`.
pub struct ConditionKeyNotSupportedByActions;

static META: RuleMeta = RuleMeta {
    code: "XA0206",
    name: "condition-key-not-supported-by-actions",
    severity: Severity::Warning,
    summary: "a condition key that no action of the statement supports",
    docs: r##"## What it does
Flags a condition key that AWS's data lists for none of the statement's actions (nor for the
resource types they apply to). Checked: service keys (`s3:prefix`, `kms:ViaService`,
`sagemaker:ModelApprovalStatus`) and the tag keys `aws:RequestTag/…`, `aws:ResourceTag/…`,
`aws:TagKeys`. Other global keys (`aws:SourceIp`, `aws:PrincipalOrgID`…) apply to every
action and are not checked, nor are keys of identity providers (`saml:aud`), nor statements
with `NotAction`, `"*"` or unknown actions.

## Why is this bad?
A key the request never carries is absent: a positive operator is then false (an `Allow`
grants nothing, a `Deny` never applies) and a negated one is true. Either way the
condition does not do what it reads.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
 "Condition": {"StringLike": {"s3:prefix": "home/*"}}}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b",
 "Condition": {"StringLike": {"s3:prefix": "home/*"}}}
```

## References
- [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
- [AWS global condition context keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
"##,
};

impl Rule for ConditionKeyNotSupportedByActions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            let Some(a) = &s.action else { continue };
            if a.negated || s.conditions.is_empty() {
                continue;
            }
            let mut actions = Vec::new();
            let mut known = true;
            for e in &s.expansions {
                match e {
                    Expansion::Actions(list) if !list.is_empty() => actions.extend(list.iter()),
                    _ => known = false,
                }
            }
            if !known || actions.is_empty() {
                continue;
            }
            for c in &s.conditions {
                let Some((prefix, rest)) = c.key.split_once(':') else {
                    continue;
                };
                if prefix.eq_ignore_ascii_case("aws") {
                    let r = rest.to_ascii_lowercase();
                    if !(r.starts_with("requesttag/")
                        || r.starts_with("resourcetag/")
                        || r == "tagkeys")
                    {
                        continue;
                    }
                } else if doc.catalog.service(prefix).is_none() {
                    continue;
                }
                if actions
                    .iter()
                    .any(|(_, act)| act.supports_condition_key(c.key))
                {
                    continue;
                }
                let names: Vec<String> = a
                    .values
                    .iter()
                    .take(3)
                    .map(|v| format!("`{}`", v.text))
                    .collect();
                out.report(
                    c.pointer.clone(),
                    format!(
                        "no action of the statement supports the condition key `{}`",
                        c.key
                    ),
                )
                .help(format!(
                    "{}{} never carry `{}`: move the condition to a statement whose actions support it, or remove it",
                    names.join(", "),
                    if a.values.len() > 3 { ", …" } else { "" },
                    c.key
                ));
            }
        }
    }
}
