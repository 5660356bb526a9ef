//! `XA0900 unmatched-suppression`: a suppression in the configuration file that matched no
//! finding. The run emits it after applying suppressions.

use crate::diagnostic::Severity;
use crate::rules::{Rule, RuleMeta};

/// `XA0900 unmatched-suppression`.
pub struct UnmatchedSuppression;

static META: RuleMeta = RuleMeta {
    code: "XA0900",
    name: "unmatched-suppression",
    severity: Severity::Warning,
    summary: "a suppression in the configuration file that matched no finding",
    docs: r##"## What it does
Flags a `[[lint.suppress]]` entry of the configuration file that suppressed nothing in this
run: its `code`, `file` glob or `pointer` matches no finding. The location is the entry in
the configuration file.

## Why is this bad?
The policy it was written for was fixed, renamed or moved; or the entry has a typo and the
finding it was meant to silence is still reported. Stale suppressions accumulate and later
hide new findings at the same place.

## Example
```toml
[[lint.suppress]]
code = "XA0202"
file = "inventory/111111111111/s3/old-website.policy.json"
```

## Use instead
Remove the entry, or correct its `code`, `file` or `pointer`.

## References
- [cargo-deny: unmatched allowances](https://embarkstudios.github.io/cargo-deny/checks/sources/diags.html)
"##,
};

impl Rule for UnmatchedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
}
