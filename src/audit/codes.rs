//! The codes `xacct audit` adds to the lint codes: `XE` for external access, `XR` for
//! registration paths. Like the lint codes they are stable, never reused for another
//! meaning, and documented in the same sections, so SARIF, `--ignore` and the baseline treat
//! them alike.

use crate::diagnostic::Severity;
use crate::lint::{RuleMeta, RULES};

/// A resource that everyone may reach.
pub const OPEN_TO_EVERYONE: RuleMeta = RuleMeta {
    code: "XE0001",
    name: "resource-open-to-everyone",
    severity: Severity::Error,
    summary: "a resource policy or trust policy allows everyone (`*`) without a condition",
    docs: "## What it does\nReports a bucket, repository, key, model package group or role whose policy has an `Allow` statement for `\"Principal\": \"*\"` (or a `NotPrincipal`) with no condition at all, so that any AWS principal of any account, and for some services anonymous callers, may use it.\n\n## Why is this bad?\nThe resource is public. Unless that is the point (a website bucket), data or control leaks to anyone who knows the ARN.\n\n## Example\n```json\n{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::reports/*\"}\n```\n\n## Use instead\nName the accounts or roles, or restrict the statement to the organization with `aws:PrincipalOrgID`. When it is intended, list the principal `*` for this resource in the audit file's `trusted_accounts`.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html\n",
};

/// A resource that principals outside its organization may reach.
pub const OUTSIDE_ORGANIZATION: RuleMeta = RuleMeta {
    code: "XE0002",
    name: "resource-reachable-from-outside-organization",
    severity: Severity::Warning,
    summary: "a resource is reachable from an account outside its organization",
    docs: "## What it does\nReports a resource whose policy, KMS grant or trust policy allows a principal of an account that the resource's organization does not list, a federated identity provider, or everyone under a condition that does not pin the organization. When no loaded organization lists the resource's account, every other account counts as outside.\n\n## Why is this bad?\nAccess that leaves the organization escapes its SCPs and RCPs and usually its reviews.\n\n## Example\nA bucket policy that lets a vendor's account `444444444444` write objects.\n\n## Use instead\nRemove the statement or grant, or, when the access is intended, list the account (and the resources) in the audit file's `trusted_accounts`.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid\n",
};

/// A resource that another account of the same organization may reach.
pub const OTHER_ACCOUNT: RuleMeta = RuleMeta {
    code: "XE0003",
    name: "resource-reachable-from-other-account",
    severity: Severity::Info,
    summary: "a resource is reachable from another account of its organization",
    docs: "## What it does\nReports a resource whose policy, KMS grant or trust policy allows a principal of another account of the same organization, or everyone in the organization through `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths`.\n\n## Why is this bad?\nIt is not, by itself: it is the inventory of cross-account access that a review starts from, and with a baseline, new cross-account access is what a change adds.\n\n## Example\nA key policy that lets account `111111111111` decrypt through S3.\n\n## Use instead\nKeep what is intended and list it in `trusted_accounts`; remove the rest.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html\n",
};

/// A trusted-accounts entry that silenced nothing.
pub const UNUSED_TRUSTED: RuleMeta = RuleMeta {
    code: "XE0900",
    name: "unused-trusted-account",
    severity: Severity::Warning,
    summary: "a `trusted_accounts` entry of the audit file matched no finding",
    docs: "## What it does\nReports an entry of the audit file's `trusted_accounts` that silenced no external-access finding in the whole run (all shards, once they are merged).\n\n## Why is this bad?\nA stale allowance is a standing permission for access that no longer exists; when the access comes back it will pass unnoticed.\n\n## Example\nThe vendor's account was offboarded, its grants removed, and its entry kept.\n\n## Use instead\nRemove the entry, or correct its `account`, `principal` or `resources`.\n\n## References\n- docs/audit.md\n",
};

/// A registration path that works.
pub const REGISTRATION_OPEN: RuleMeta = RuleMeta {
    code: "XR0001",
    name: "registration-path-open",
    severity: Severity::Info,
    summary: "an account can register model versions into a model package group of another account",
    docs: "## What it does\nReports each cross-account registration path that works end to end for the caller's steps of the registration scenario: the group's policy names the caller's account, a principal of it may call `sagemaker:CreateModelPackage` for every new version, and no SCP or RCP denies it. Pairs listed in the audit file are checked with their whole request.\n\n## Why is this bad?\nIt is not: it is write access into another account's model registry, listed so that a review sees it and a baseline sees new ones.\n\n## Example\nThe registry's group policy lets `arn:aws:iam::222222222222:root` create model packages, and the training role's identity policy allows it.\n\n## Use instead\nNothing to change when intended.\n\n## References\n- https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-version.html\n",
};

/// A registration path the group opens that does not work.
pub const REGISTRATION_DENIED: RuleMeta = RuleMeta {
    code: "XR0002",
    name: "registration-path-denied",
    severity: Severity::Warning,
    summary: "a model package group lets an account register, but the registration is denied",
    docs: "## What it does\nReports a model package group whose policy grants `sagemaker:CreateModelPackage` to another account when that account cannot register: no principal of it is allowed by its identity policies, an SCP or RCP denies it, or the group policy covers only some versions.\n\n## Why is this bad?\nEither the grant is stale (a standing permission nobody uses) or a pipeline will fail with `AccessDenied`.\n\n## Example\nThe group policy grants the training account, whose organization's SCP denies `sagemaker:CreateModelPackage`.\n\n## Use instead\nApply the fix named in the finding, or remove the grant.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html\n",
};

/// A registration path that cannot be verified.
pub const REGISTRATION_NOT_VERIFIED: RuleMeta = RuleMeta {
    code: "XR0003",
    name: "registration-path-not-verified",
    severity: Severity::Warning,
    summary: "a cross-account registration path cannot be verified with the exported data",
    docs: "## What it does\nReports a registration path (opened by a group policy, or listed in the audit file) whose answer depends on data that was not exported: the caller account's IAM, the organization, a bucket's settings.\n\n## Why is this bad?\nxacct never answers \"works\" on partial data.\n\n## Example\nThe group policy grants an account outside the export.\n\n## Use instead\nExport the missing data (`scripts/export-account.sh`) and audit again.\n\n## References\n- docs/inventory.md\n",
};

/// A registration listed in the audit file that does not work.
pub const LISTED_REGISTRATION_DENIED: RuleMeta = RuleMeta {
    code: "XR0004",
    name: "listed-registration-denied",
    severity: Severity::Error,
    summary: "a registration listed in the audit file is not possible",
    docs: "## What it does\nRuns `xacct check` for each registration the audit file lists (request, caller, consumer) and reports those that are not possible, with the steps that fail.\n\n## Why is this bad?\nThe workflow the organization relies on is broken: it fails in the live accounts.\n\n## Example\nThe consumer role of the registry account may not decrypt the training account's artifact.\n\n## Use instead\nRun `xacct check` with the same request to see each step and the statements to add.\n\n## References\n- https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry.html\n",
};

/// Every code `xacct audit` adds, in order.
pub const AUDIT_RULES: [&RuleMeta; 8] = [
    &OPEN_TO_EVERYONE,
    &OUTSIDE_ORGANIZATION,
    &OTHER_ACCOUNT,
    &UNUSED_TRUSTED,
    &REGISTRATION_OPEN,
    &REGISTRATION_DENIED,
    &REGISTRATION_NOT_VERIFIED,
    &LISTED_REGISTRATION_DENIED,
];

/// Every code an audit report may hold: the lint rules, then the audit's.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut out: Vec<&'static RuleMeta> = RULES.iter().map(|r| r.meta()).collect();
    out.extend(AUDIT_RULES);
    out
}

/// The metadata of a code (case-insensitive), lint or audit.
pub fn find(code: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .map(|r| r.meta())
        .chain(AUDIT_RULES)
        .find(|m| m.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::DOC_SECTIONS;

    #[test]
    fn codes_are_unique_sorted_and_documented() {
        let codes: Vec<&str> = AUDIT_RULES.iter().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for m in AUDIT_RULES {
            assert!(find(m.code).is_some());
            let mut at = 0;
            for s in DOC_SECTIONS {
                let found = m.docs[at..].find(s);
                assert!(found.is_some(), "{}: `{s}`", m.code);
                at += found.unwrap_or(0) + s.len();
            }
            assert!(!m.summary.ends_with('.'), "{}", m.code);
            assert!(m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        }
        assert!(find("xa0105").is_some());
        assert!(find("XZ0001").is_none());
    }
}
