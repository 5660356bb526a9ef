//! `XA0301 redundant-action`: an `Action` value that another value of the same statement
//! already covers.

use crate::diagnostic::codes;
use crate::pattern::Case;
use crate::rules::doc::{PolicyDoc, StringsElement};
use crate::rules::shared::pattern_covers;
use crate::rules::{Findings, Rule};

/// `XA0301 redundant-action`.
pub struct RedundantAction;

/// Reports every value of `el` that another value covers (for equal values, the later one).
pub fn redundant_values(el: &StringsElement<'_>, case: Case, what: &str, out: &mut Findings) {
    for (i, v) in el.values.iter().enumerate() {
        let by = el.values.iter().enumerate().find(|(j, w)| {
            *j != i
                && pattern_covers(w.text, v.text, case)
                && (!pattern_covers(v.text, w.text, case) || *j < i)
        });
        if let Some((_, w)) = by {
            out.report(
                &v.pointer,
                format!("{what} `{}` is already covered by `{}`", v.text, w.text),
            )
            .related(&w.pointer, "covered by this value")
            .help(format!("remove `{}`", v.text));
        }
    }
}

impl Rule for RedundantAction {
    fn meta(&self) -> &'static codes::RuleMeta {
        &codes::REDUNDANT_ACTION
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Values compare pairwise: on a document larger than AWS accepts (XA0111) the rule
        // does not run, so lint stays linear in the size of its input.
        if doc.oversized() {
            return;
        }
        for s in doc.statements() {
            if let Some(a) = &s.action {
                redundant_values(a, Case::Insensitive, "action", out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::catalog;
    use crate::lint::{lint_text, LintOptions};

    /// The codes of the findings of `XA0301` and `XA0302` on a statement with a duplicate
    /// action and a duplicate resource, after `padding` characters of `Sid`.
    fn redundancies(padding: usize) -> Vec<&'static str> {
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "x".repeat(padding), "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:getobject"],
             "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/*"]}]});
        let out = lint_text(
            "policy.json",
            &policy.to_string(),
            &LintOptions::default(),
            catalog().expect("catalog"),
        );
        let mut codes: Vec<&str> = out
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| matches!(*c, "XA0301" | "XA0302"))
            .collect();
        codes.sort_unstable();
        codes
    }

    #[test]
    fn values_of_documents_larger_than_aws_accepts_are_not_compared() {
        assert_eq!(redundancies(1), ["XA0301", "XA0302"]);
        // Pairwise comparison of a multi-megabyte `Action` list took hours.
        let none: Vec<&str> = Vec::new();
        assert_eq!(redundancies(crate::policy::MAX_POLICY_BYTES), none);
    }
}
