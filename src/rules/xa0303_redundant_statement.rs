//! `XA0303 redundant-statement`: a statement that another statement of the same policy
//! already covers.

use std::collections::HashMap;

use crate::diagnostic::codes;
use crate::pattern::Case;
use crate::rules::doc::{PolicyDoc, StatementView, StringsElement};
use crate::rules::shared::pattern_covers;
use crate::rules::{Findings, Rule};

/// `XA0303 redundant-statement`.
pub struct RedundantStatement;

fn covers_all(
    wide: Option<&StringsElement<'_>>,
    narrow: Option<&StringsElement<'_>>,
    case: Case,
) -> bool {
    match (wide, narrow) {
        (None, None) => true,
        (Some(w), Some(n)) if !w.negated && !n.negated && !n.values.is_empty() => {
            n.values.iter().all(|v| {
                w.values
                    .iter()
                    .any(|x| pattern_covers(x.text, v.text, case))
            })
        }
        _ => false,
    }
}

/// Whether statement `a` covers statement `b`.
fn covers(a: &StatementView<'_>, b: &StatementView<'_>) -> bool {
    let same = |k: &str| a.json.get(k) == b.json.get(k);
    a.allow.is_some()
        && a.allow == b.allow
        && same("Principal")
        && same("NotPrincipal")
        && (a.json.get("Condition").is_none() || same("Condition"))
        && covers_all(a.action.as_ref(), b.action.as_ref(), Case::Insensitive)
        && covers_all(a.resource.as_ref(), b.resource.as_ref(), Case::Sensitive)
}

fn label(s: &StatementView<'_>) -> String {
    match &s.sid {
        Some(sid) => format!("statement {} (`{}`)", s.index, sid.text),
        None => format!("statement {}", s.index),
    }
}

impl Rule for RedundantStatement {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::REDUNDANT_STATEMENT
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Statements compare pairwise: on a document larger than AWS accepts (XA0111) the
        // rule does not run, so lint stays linear in the size of its input.
        if doc.oversized() {
            return;
        }
        let st = &doc.statements;
        // Only statements with the same effect and principals can cover each other.
        let mut groups: HashMap<(Option<bool>, String, String), Vec<usize>> = HashMap::new();
        for (i, s) in st.iter().enumerate() {
            let text = |k: &str| s.json.get(k).map(|j| format!("{j:?}")).unwrap_or_default();
            groups
                .entry((s.allow, text("Principal"), text("NotPrincipal")))
                .or_default()
                .push(i);
        }
        for (i, b) in st.iter().enumerate() {
            let key = (
                b.allow,
                b.json
                    .get("Principal")
                    .map(|j| format!("{j:?}"))
                    .unwrap_or_default(),
                b.json
                    .get("NotPrincipal")
                    .map(|j| format!("{j:?}"))
                    .unwrap_or_default(),
            );
            let peers = groups.get(&key).map_or(&[][..], Vec::as_slice);
            let by = peers
                .iter()
                .filter_map(|j| st.get(*j).map(|a| (*j, a)))
                .find(|(j, a)| *j != i && covers(a, b) && (!covers(b, a) || *j < i));
            if let Some((_, a)) = by {
                out.report(
                    &b.pointer,
                    format!("{} is already covered by {}", label(b), label(a)),
                )
                .related(&a.pointer, "covering statement")
                .help("remove the statement, or merge what it adds into the covering one");
            }
        }
    }
}
