//! `XA0104 unknown-action`: an action (or action pattern) that names no action of its
//! service.

use crate::catalog::{Origin, OverlayStatus};
use crate::diagnostic::Severity;
use crate::diagnostic::{codes, Part};
use crate::policy::DocKind;
use crate::rules::doc::{Expansion, PolicyDoc};
use crate::rules::{Findings, Rule};

/// `XA0104 unknown-action`.
pub struct UnknownAction;

impl Rule for UnknownAction {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::UNKNOWN_ACTION
    }

    fn rejects(&self, kind: DocKind) -> bool {
        kind.validates_actions()
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for (v, e) in doc.statements().iter().flat_map(|s| s.actions()) {
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
                        &v.pointer,
                        format!(
                            "`{}` is an action AWS retired: IAM accepts it, and it grants nothing",
                            v.text
                        ),
                    );
                    f.help(format!("remove it (source: {})", e.source));
                    f
                }
                Origin::Unknown => out.report(
                    &v.pointer,
                    format!("`{}` matches no action of `{}`", v.text, service.prefix),
                ),
            };
            if !doc.kind.validates_actions() {
                f.severity(Severity::Warning);
            }
            if !crate::pattern::has_wildcard(name) {
                if let Some(c) =
                    super::shared::closest(name, service.actions().map(|a| a.name.as_str()))
                {
                    f.help(format!("did you mean `{}:{c}`?", service.prefix));
                    if let Some((written, _)) = v.text.split_once(':') {
                        f.replace(Part::Value, format!("{written}:{c}"));
                    }
                }
            }
        }
    }
}
