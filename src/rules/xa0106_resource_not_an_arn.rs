//! `XA0106 resource-not-an-arn`: a `Resource`/`NotResource` value that is neither `*` nor
//! an ARN.

use crate::diagnostic::codes;
use crate::policy::ParseErrorKind;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0106 resource-not-an-arn`.
pub struct ResourceNotAnArn;

impl Rule for ResourceNotAnArn {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::RESOURCE_NOT_AN_ARN
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc
            .errors
            .iter()
            .filter(|e| e.code() == codes::RESOURCE_NOT_AN_ARN.code)
        {
            let ParseErrorKind::ResourceNotArn(t) = &e.kind else {
                continue;
            };
            let t = t.as_str();
            {
                let (message, help) = if let Some(i) = t.find("arn:").filter(|i| *i > 0) {
                    (
                        format!("`{t}` is not an ARN: it has text before `arn:`"),
                        format!("remove `{}`", t.get(..i).unwrap_or_default()),
                    )
                } else if t.starts_with("arn:") {
                    (
                        format!(
                            "`{t}` is not a complete ARN: it has {} of the 6 parts",
                            t.splitn(6, ':').count()
                        ),
                        "write `arn:partition:service:region:account:resource` (empty region or account stay as `::`)".to_owned(),
                    )
                } else {
                    (
                        format!("`{t}` is not an ARN"),
                        "a resource is `*` or an ARN such as `arn:aws:s3:::my-bucket`".to_owned(),
                    )
                };
                out.report(e.pointer.clone(), message).help(help);
            }
        }
    }
}
