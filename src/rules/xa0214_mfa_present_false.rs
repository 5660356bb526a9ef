//! `XA0214 mfa-present-false`: `aws:MultiFactorAuthPresent` compared with `false` where the
//! key's absence (long-term credentials) makes the statement do the opposite of what it reads.

use crate::diagnostic::codes;
use crate::policy::{BaseOp, Operator};
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0214 mfa-present-false`.
pub struct MfaPresentFalse;

impl Rule for MfaPresentFalse {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::MFA_PRESENT_FALSE
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements() {
            let Some(allow) = s.allow else { continue };
            for c in &s.conditions {
                let Some(Operator {
                    base: BaseOp::Bool,
                    set: None,
                    if_exists,
                    ..
                }) = &c.op
                else {
                    continue;
                };
                if !c.key.eq_ignore_ascii_case("aws:MultiFactorAuthPresent")
                    || !c
                        .values
                        .iter()
                        .any(|(v, _)| v.eq_ignore_ascii_case("false"))
                {
                    continue;
                }
                let (message, help) = match (allow, *if_exists) {
                    (true, false) => (
                        "this `Allow` never matches requests signed with long-term credentials (the key is absent), and matches sessions without MFA",
                        "to require MFA, allow with `Bool` `\"true\"`, or deny with `BoolIfExists` `\"false\"`",
                    ),
                    (true, true) => (
                        "this `Allow` matches every request made without MFA, long-term credentials included",
                        "to require MFA, allow with `Bool` `\"true\"`, or deny with `BoolIfExists` `\"false\"`",
                    ),
                    (false, false) => (
                        "this `Deny` never applies to requests signed with long-term credentials (the key is absent)",
                        "use `BoolIfExists` so that requests without the key are denied too",
                    ),
                    (false, true) => continue,
                };
                out.report(&c.pointer, message).help(help);
            }
        }
    }
}
