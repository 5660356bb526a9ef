//! `XA0213 missing-or-outdated-version`: a policy without `Version`, or with
//! `2008-10-17`.

use crate::diagnostic::codes;
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0213 missing-or-outdated-version`.
pub struct MissingOrOutdatedVersion;

impl Rule for MissingOrOutdatedVersion {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::MISSING_OR_OUTDATED_VERSION
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        if doc.json.as_object().is_none() {
            return;
        }
        match &doc.version {
            None if doc.json.get("Version").is_none() => {
                out.report(
                    doc.root.clone(),
                    "the policy has no `Version`: policy variables are literal text",
                )
                .help("add `\"Version\": \"2012-10-17\"`");
            }
            Some(v) if v.text == "2008-10-17" => {
                out.report(
                    &v.pointer,
                    "`Version` `2008-10-17` is outdated: policy variables are literal text",
                )
                .help("use `\"Version\": \"2012-10-17\"`");
            }
            _ => {}
        }
    }
}
