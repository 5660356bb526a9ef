//! `XA0103 unknown-service-prefix`: an action whose service prefix AWS does not have.

use crate::catalog::{Origin, OverlayStatus};
use crate::diagnostic::Severity;
use crate::policy::DocKind;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0103 unknown-service-prefix`.
pub struct UnknownServicePrefix;

static META: RuleMeta = RuleMeta {
    code: "XA0103",
    name: "unknown-service-prefix",
    severity: Severity::Error,
    summary: "an action whose service prefix is not an AWS service",
    docs: r##"## What it does
Flags an `Action` or `NotAction` value whose service prefix (the part before `:`) is not in
AWS's Service Authorization Reference, as shipped with xacct, and suggests a close prefix.

## Why is this bad?
Error in bucket policies: S3 rejects the policy (`MalformedPolicy: Policy has invalid
action`). Warning in every other kind: IAM accepts an identity policy whose actions it does
not know (AWS's own managed policies name retired services such as `deepracer`), and the
entry grants or denies nothing, so the statement does less than it says. A `Deny` with a
misspelt prefix protects nothing.

## Example
```json
{"Effect": "Deny", "Action": "s3 :DeleteBucket", "Resource": "*"}
```

## Use instead
```json
{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
```

## References
- [Actions, resources, and condition keys for AWS services](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
- [Policies and permissions in Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html)
"##,
};

impl Rule for UnknownServicePrefix {
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
                let Expansion::UnknownService = e else {
                    continue;
                };
                // A value without `:` is a grammar error (XA0101).
                let Some((prefix, _)) = v.text.split_once(':') else {
                    continue;
                };
                let f = match doc.catalog.service_origin(prefix) {
                    Origin::Overlay(e) if e.status == OverlayStatus::Undocumented => continue,
                    Origin::Data => continue,
                    Origin::Overlay(e) => {
                        let f = out.report(
                            v.pointer.clone(),
                            format!(
                                "`{prefix}` is a service AWS retired{}: IAM accepts `{}`, and it grants nothing",
                                e.title.as_deref().map(|t| format!(" ({t})")).unwrap_or_default(),
                                v.text
                            ),
                        );
                        f.help(format!("remove it (source: {})", e.source));
                        if !doc.kind.validates_actions() {
                            f.severity(Severity::Warning);
                        }
                        continue;
                    }
                    Origin::Unknown => out.report(
                        v.pointer.clone(),
                        format!("unknown service prefix `{prefix}` in `{}`", v.text),
                    ),
                };
                if !doc.kind.validates_actions() {
                    f.severity(Severity::Warning);
                }
                if let Some(c) = super::shared::closest(
                    prefix,
                    doc.catalog.services().map(|s| s.prefix.as_str()),
                ) {
                    f.help(format!("did you mean `{c}`?"));
                }
            }
        }
    }
}
