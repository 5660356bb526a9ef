//! `XA0103 unknown-service-prefix`: an action whose service prefix AWS does not have.

use crate::catalog::{Origin, OverlayStatus};
use crate::diagnostic::Severity;
use crate::diagnostic::{codes, Part};
use crate::policy::DocKind;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0103 unknown-service-prefix`.
pub struct UnknownServicePrefix;

impl Rule for UnknownServicePrefix {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::UNKNOWN_SERVICE_PREFIX
    }

    fn rejects(&self, kind: DocKind) -> bool {
        kind.validates_actions()
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for (v, e) in doc.statements().iter().flat_map(|s| s.actions()) {
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
                            &v.pointer,
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
                    &v.pointer,
                    format!("unknown service prefix `{prefix}` in `{}`", v.text),
                ),
            };
            if !doc.kind.validates_actions() {
                f.severity(Severity::Warning);
            }
            if let Some(c) =
                super::shared::closest(prefix, doc.catalog.services().map(|s| s.prefix.as_str()))
            {
                f.help(format!("did you mean `{c}`?"));
                if let Some((_, name)) = v.text.split_once(':') {
                    f.replace(Part::Value, format!("{c}:{name}"));
                }
            }
        }
    }
}
