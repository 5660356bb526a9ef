//! `XA0301 redundant-action`: an `Action` value that another value of the same statement
//! already covers.

use crate::diagnostic::Severity;
use crate::pattern::Case;
use crate::rules::doc::{PolicyDoc, StringsElement};
use crate::rules::shared::pattern_covers;
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0301 redundant-action`.
pub struct RedundantAction;

static META: RuleMeta = RuleMeta {
    code: "XA0301",
    name: "redundant-action",
    severity: Severity::Info,
    summary: "an action already covered by another action of the statement",
    docs: r##"## What it does
Flags an `Action` or `NotAction` value that another value of the same statement already
covers: a duplicate (actions compare without regard to case), or a value inside a wildcard
(`s3:GetObject` next to `s3:Get*` or `s3:*`).

## Why is this bad?
Nothing breaks, but the list reads as if it were narrower or wider than it is, and it counts
against the policy's size limit. A reviewer who removes `s3:Get*` expects `s3:GetObject` to
stay granted; it was never the line that granted it.

## Example
```json
"Action": ["s3:*", "s3:GetObject"]
```

## Use instead
```json
"Action": "s3:*"
```

## References
- [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
"##,
};

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
                v.pointer.clone(),
                format!("{what} `{}` is already covered by `{}`", v.text, w.text),
            )
            .related(w.pointer.clone(), "covered by this value")
            .help(format!("remove `{}`", v.text));
        }
    }
}

impl Rule for RedundantAction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        for s in &doc.statements {
            if let Some(a) = &s.action {
                redundant_values(a, Case::Insensitive, "action", out);
            }
        }
    }
}
