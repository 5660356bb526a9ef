//! `XA0201 allow-with-not-element`: `Allow` with `NotPrincipal`, `NotAction` or
//! `NotResource`.

use crate::diagnostic::codes;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0201 allow-with-not-element`.
pub struct AllowWithNotElement;

impl Rule for AllowWithNotElement {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::ALLOW_WITH_NOT_ELEMENT
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements().iter().filter(|s| s.is_allow()) {
            if let Some(p) = s.principal.as_ref().filter(|p| p.negated) {
                out.report(&p.pointer, "`Allow` with `NotPrincipal` is not supported by AWS: the statement grants nothing (written to allow every principal but the listed ones, anonymous callers included)")
                    .help("name the principals in `Principal`, or use `\"Principal\": \"*\"` with an `ArnNotEquals` `aws:PrincipalArn` condition");
            }
            if let Some(a) = s.action.as_ref().filter(|a| a.negated) {
                out.report(&a.pointer, "`Allow` with `NotAction` allows every action except the listed ones, including actions AWS adds later")
                    .help("list the allowed actions in `Action`; keep `NotAction` for `Deny`");
            }
            if let Some(r) = s.resource.as_ref().filter(|r| r.negated) {
                out.report(
                    &r.pointer,
                    "`Allow` with `NotResource` allows every resource except the listed ones",
                )
                .help("list the allowed resources in `Resource`; keep `NotResource` for `Deny`");
            }
        }
    }
}
