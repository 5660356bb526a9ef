//! `XA0212 duplicate-sid`: two statements with the same `Sid`.

use crate::diagnostic::codes;
use crate::rules::doc::{Place, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0212 duplicate-sid`.
pub struct DuplicateSid;

impl Rule for DuplicateSid {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::DUPLICATE_SID
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        let mut seen: foldhash::HashMap<&str, &Place<'_>> = foldhash::HashMap::default();
        for s in doc.statements() {
            // An empty `Sid` names no statement (AWS's own examples repeat `"Sid": ""`).
            let Some(sid) = s.sid.as_ref().filter(|s| !s.text.is_empty()) else {
                continue;
            };
            match seen.get(sid.text) {
                Some(first) => {
                    out.report(&sid.pointer, format!("duplicate `Sid` `{}`", sid.text))
                        .related(*first, "first used here")
                        .help("give every statement its own `Sid`");
                }
                None => {
                    seen.insert(sid.text, &sid.pointer);
                }
            }
        }
    }
}
