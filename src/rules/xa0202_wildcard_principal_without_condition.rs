//! `XA0202 wildcard-principal-without-condition`: `Allow` to `"*"` with no condition that
//! narrows who the caller can be.

use crate::diagnostic::codes;
use crate::rules::doc::{ConditionEntry, DocKind, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0202 wildcard-principal-without-condition`.
pub struct WildcardPrincipalWithoutCondition;

const NARROWING: [&str; 19] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:userid",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

fn narrows(c: &ConditionEntry<'_>) -> bool {
    let Some(op) = &c.op else { return false };
    !op.if_exists
        && !op.base.is_negated()
        && op.base != crate::policy::BaseOp::Null
        && NARROWING.contains(&c.key.to_ascii_lowercase().as_str())
        && !c.values.iter().any(|(v, _)| v == "*")
}

impl Rule for WildcardPrincipalWithoutCondition {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::WILDCARD_PRINCIPAL_WITHOUT_CONDITION
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Customer RCPs may only deny; the one `Allow` is AWS's own `RCPFullAWSAccess`.
        if doc.kind == DocKind::Rcp {
            return;
        }
        for s in doc.statements().iter().filter(|s| s.is_allow()) {
            let Some(p) = &s.principal else { continue };
            if p.negated || !p.is_everyone() || s.conditions.iter().any(narrows) {
                continue;
            }
            out.report(
                &p.pointer,
                "`Allow` to every principal (`\"*\"`) without a condition that narrows the caller",
            )
            .help("name the principals, or add a condition such as `\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-…\"}` or `aws:SourceAccount`");
        }
    }
}
