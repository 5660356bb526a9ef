//! `XA0216 condition-key-without-prefix`: a condition key with no `prefix:` (`SourceAccount`
//! for `aws:SourceAccount`), which no request carries.

use crate::diagnostic::codes;
use crate::rules::doc::PolicyDoc;
use crate::rules::shared::closest;
use crate::rules::{Findings, Rule};

/// `XA0216 condition-key-without-prefix`.
pub struct ConditionKeyWithoutPrefix;

impl Rule for ConditionKeyWithoutPrefix {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::CONDITION_KEY_WITHOUT_PREFIX
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in doc.statements() {
            for c in &s.conditions {
                if c.key.contains(':') {
                    continue;
                }
                let global = doc
                    .catalog
                    .global_condition_key(&format!("aws:{}", c.key))
                    .map(|k| {
                        if k.name.contains('/') {
                            format!("aws:{}", c.key)
                        } else {
                            k.name.clone()
                        }
                    })
                    .or_else(|| {
                        closest(
                            c.key,
                            doc.catalog
                                .global_condition_keys()
                                .filter_map(|k| k.name.strip_prefix("aws:")),
                        )
                        .map(|n| format!("aws:{n}"))
                    });
                let help = match global {
                    Some(k) => format!("did you mean the global key `{k}`?"),
                    None => "write the key with its prefix: `aws:` for global keys, the service's prefix for its own (`s3:prefix`)".to_owned(),
                };
                out.report(
                    &c.pointer,
                    format!(
                        "condition key `{}` has no prefix: no request carries it",
                        c.key
                    ),
                )
                .help(help);
            }
        }
    }
}
