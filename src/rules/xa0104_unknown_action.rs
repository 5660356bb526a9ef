//! `XA0104 unknown-action`: an action (or action pattern) that names no action of its
//! service.

use crate::catalog::{Origin, OverlayStatus};
use crate::diagnostic::Severity;
use crate::policy::DocKind;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0104 unknown-action`.
pub struct UnknownAction;

static META: RuleMeta = RuleMeta {
    code: "XA0104",
    name: "unknown-action",
    severity: Severity::Error,
    summary: "an action or action pattern that matches no action of its service",
    docs: r##"## What it does
Flags an `Action` or `NotAction` value whose service exists but which matches none of the
service's actions in AWS's Service Authorization Reference (as shipped with xacct; see
`data/aws/NOTICE` for the version), and suggests the closest action name.

## Why is this bad?
Error in bucket policies: S3 rejects the policy (`MalformedPolicy: Policy has invalid
action`). Warning in every other kind: IAM accepts identity policies with actions it does not
know, and the entry silently grants nothing: `s3:GetObjects` is not `s3:GetObject`, so the
reader who relies on it gets `AccessDenied`. A very new action may be
missing from the shipped data; regenerate it with `scripts/gen-aws-data.py`.

## Example
```json
{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::b/*"}
```

## Use instead
```json
{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
```

## References
- [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
- [Policies and permissions in Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html)
"##,
};

impl Rule for UnknownAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn rejects(&self, kind: DocKind) -> bool {
        kind.validates_actions()
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            let Some(a) = &s.action else { continue };
            for (v, e) in a.values.iter().zip(&s.expansions) {
                let Expansion::Actions(list) = e else {
                    continue;
                };
                if !list.is_empty() {
                    continue;
                }
                let Some((prefix, name)) = v.text.split_once(':') else {
                    continue;
                };
                let Some(service) = doc.catalog.service(prefix) else {
                    continue;
                };
                let f = match doc.catalog.action_origin(v.text) {
                    // AWS's own policies use it though the reference does not list it: IAM
                    // accepts it; nothing to report.
                    Origin::Overlay(e) if e.status == OverlayStatus::Undocumented => continue,
                    Origin::Data => continue,
                    Origin::Overlay(e) => {
                        let f = out.report(
                            v.pointer.clone(),
                            format!(
                                "`{}` is an action AWS retired: IAM accepts it, and it grants nothing",
                                v.text
                            ),
                        );
                        f.help(format!("remove it (source: {})", e.source));
                        f
                    }
                    Origin::Unknown => out.report(
                        v.pointer.clone(),
                        format!("`{}` matches no action of `{}`", v.text, service.prefix),
                    ),
                };
                if !doc.kind.validates_actions() {
                    f.severity(Severity::Warning);
                }
                if !name.contains(['*', '?']) {
                    if let Some(c) =
                        super::shared::closest(name, service.actions().map(|a| a.name.as_str()))
                    {
                        f.help(format!("did you mean `{}:{c}`?", service.prefix));
                    }
                }
            }
        }
    }
}
