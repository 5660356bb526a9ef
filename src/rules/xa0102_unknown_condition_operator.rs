//! `XA0102 unknown-condition-operator`: a `Condition` operator IAM does not have.

use crate::diagnostic::{codes, Part};
use crate::policy::{BaseOp, ParseErrorKind};
use crate::rules::doc::PolicyDoc;
use crate::rules::{Findings, Rule};

/// `XA0102 unknown-condition-operator`.
pub struct UnknownConditionOperator;

/// The operator that was probably meant: same letters in another case, or a close base
/// operator, keeping the qualifier and `IfExists`.
fn suggestion(text: &str) -> Option<String> {
    let (qual, rest) = match text.split_once(':') {
        Some((q, r)) if q.eq_ignore_ascii_case("ForAnyValue") => ("ForAnyValue:", r),
        Some((q, r)) if q.eq_ignore_ascii_case("ForAllValues") => ("ForAllValues:", r),
        Some(_) => return None,
        None => ("", text),
    };
    let lower = rest.to_ascii_lowercase();
    let (base, if_exists) = match lower.strip_suffix("ifexists") {
        Some(b) => (rest.get(..b.len()).unwrap_or(rest), "IfExists"),
        None => (rest, ""),
    };
    let names = BaseOp::ALL.iter().map(|(n, _)| *n);
    let name = super::shared::closest(base, names)?;
    let s = format!("{qual}{name}{if_exists}");
    (s != text).then_some(s)
}

impl Rule for UnknownConditionOperator {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::UNKNOWN_CONDITION_OPERATOR
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for e in doc.errors {
            if let ParseErrorKind::UnknownOperator(op) = &e.kind {
                let f = out.report(e.pointer.clone(), e.kind.to_string());
                if let Some(s) = suggestion(op) {
                    f.help(format!("did you mean `{s}`?")).replace(Part::Key, s);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_operators() {
        assert_eq!(suggestion("StringEqual").as_deref(), Some("StringEquals"));
        assert_eq!(suggestion("stringequals").as_deref(), Some("StringEquals"));
        assert_eq!(
            suggestion("ForAnyValue:StringLikeIfexists").as_deref(),
            Some("ForAnyValue:StringLikeIfExists")
        );
        assert_eq!(suggestion("Frobnicate"), None);
    }
}
