//! The registry of every code xacct can emit: lint rules (`XA`), registration checks (`XC`),
//! audit findings (`XE`, `XR`) and load problems (`XL`). Each entry is a [`RuleMeta`]; the
//! documentation of each is `docs/rules/CODE.md`, compiled in. `xacct rules`, `xacct rule
//! CODE`, SARIF rule metadata and `--select`/`--ignore` all read [`ALL`]; a code is never
//! reused for another meaning.

use super::Severity;

/// Whether a code is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its meaning and default severity are settled.
    Stable,
    /// New: its message or default severity may still change.
    Preview,
}

/// What the registry says of one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code: two letters and four digits.
    pub code: &'static str,
    /// Kebab-case name of what the code reports.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what is reported.
    pub summary: &'static str,
    /// Whether it is settled.
    pub status: Status,
    /// The version that first emitted it.
    pub since: &'static str,
    /// Markdown with the sections [`DOC_SECTIONS`].
    pub docs: &'static str,
}

impl RuleMeta {
    /// The two letters that say which part of xacct emits the code: `XA` lint, `XC` check,
    /// `XE` and `XR` audit, `XL` loading.
    pub fn family(&self) -> &'static str {
        self.code.get(..2).unwrap_or("")
    }
}

/// The sections every code's documentation has, in order.
pub const DOC_SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

/// `XA0100 invalid-json`: a file or an embedded policy text that is not JSON.
pub static INVALID_JSON: RuleMeta = RuleMeta {
    code: "XA0100",
    name: "invalid-json",
    severity: Severity::Error,
    summary: "a file or an embedded policy text that is not JSON",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0100.md"),
};

/// `XA0101 invalid-policy-grammar`: a policy element or KMS grant field the grammar does not allow.
pub static INVALID_POLICY_GRAMMAR: RuleMeta = RuleMeta {
    code: "XA0101",
    name: "invalid-policy-grammar",
    severity: Severity::Error,
    summary: "a policy element or KMS grant field the grammar does not allow",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0101.md"),
};

/// `XA0102 unknown-condition-operator`: a condition operator that does not exist.
pub static UNKNOWN_CONDITION_OPERATOR: RuleMeta = RuleMeta {
    code: "XA0102",
    name: "unknown-condition-operator",
    severity: Severity::Error,
    summary: "a condition operator that does not exist",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0102.md"),
};

/// `XA0103 unknown-service-prefix`: an action whose service prefix is not an AWS service.
pub static UNKNOWN_SERVICE_PREFIX: RuleMeta = RuleMeta {
    code: "XA0103",
    name: "unknown-service-prefix",
    severity: Severity::Error,
    summary: "an action whose service prefix is not an AWS service",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0103.md"),
};

/// `XA0104 unknown-action`: an action or action pattern that matches no action of its service.
pub static UNKNOWN_ACTION: RuleMeta = RuleMeta {
    code: "XA0104",
    name: "unknown-action",
    severity: Severity::Error,
    summary: "an action or action pattern that matches no action of its service",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0104.md"),
};

/// `XA0105 bucket-policy-action-applies-to-no-resource`: a bucket policy action that applies to none of the statement's resources.
pub static BUCKET_POLICY_ACTION_APPLIES_TO_NO_RESOURCE: RuleMeta = RuleMeta {
    code: "XA0105",
    name: "bucket-policy-action-applies-to-no-resource",
    severity: Severity::Error,
    summary: "a bucket policy action that applies to none of the statement's resources",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0105.md"),
};

/// `XA0106 resource-not-an-arn`: a resource value that is neither `*` nor an ARN.
pub static RESOURCE_NOT_AN_ARN: RuleMeta = RuleMeta {
    code: "XA0106",
    name: "resource-not-an-arn",
    severity: Severity::Error,
    summary: "a resource value that is neither `*` nor an ARN",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0106.md"),
};

/// `XA0107 unrendered-template-placeholder`: a template placeholder left in an ARN, principal or condition value.
pub static UNRENDERED_TEMPLATE_PLACEHOLDER: RuleMeta = RuleMeta {
    code: "XA0107",
    name: "unrendered-template-placeholder",
    severity: Severity::Error,
    summary: "a template placeholder left in an ARN, principal or condition value",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0107.md"),
};

/// `XA0108 principal-in-identity-policy`: a `Principal` in an identity policy or SCP.
pub static PRINCIPAL_IN_IDENTITY_POLICY: RuleMeta = RuleMeta {
    code: "XA0108",
    name: "principal-in-identity-policy",
    severity: Severity::Error,
    summary: "a `Principal` in an identity policy or SCP",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0108.md"),
};

/// `XA0109 resource-policy-without-principal`: a resource policy statement without a `Principal`.
pub static RESOURCE_POLICY_WITHOUT_PRINCIPAL: RuleMeta = RuleMeta {
    code: "XA0109",
    name: "resource-policy-without-principal",
    severity: Severity::Error,
    summary: "a resource policy statement without a `Principal`",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0109.md"),
};

/// `XA0110 grant-grantee-not-a-principal-arn`: a KMS grant whose grantee is not a principal ARN.
pub static GRANT_GRANTEE_NOT_A_PRINCIPAL_ARN: RuleMeta = RuleMeta {
    code: "XA0110",
    name: "grant-grantee-not-a-principal-arn",
    severity: Severity::Error,
    summary: "a KMS grant whose grantee is not a principal ARN",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0110.md"),
};

/// `XA0111 policy-exceeds-size-limit`: a policy larger than its service's size limit.
pub static POLICY_EXCEEDS_SIZE_LIMIT: RuleMeta = RuleMeta {
    code: "XA0111",
    name: "policy-exceeds-size-limit",
    severity: Severity::Error,
    summary: "a policy larger than its service's size limit",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0111.md"),
};

/// `XA0112 sid-with-invalid-characters`: a `Sid` with characters other than ASCII letters and digits.
pub static SID_WITH_INVALID_CHARACTERS: RuleMeta = RuleMeta {
    code: "XA0112",
    name: "sid-with-invalid-characters",
    severity: Severity::Error,
    summary: "a `Sid` with characters other than ASCII letters and digits",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XA0112.md"),
};

/// `XA0113 principal-arn-without-identity-type`: a principal ARN that names no account, user, role or session.
pub static PRINCIPAL_ARN_WITHOUT_IDENTITY_TYPE: RuleMeta = RuleMeta {
    code: "XA0113",
    name: "principal-arn-without-identity-type",
    severity: Severity::Error,
    summary: "a principal ARN that names no account, user, role or session",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XA0113.md"),
};

/// `XA0201 allow-with-not-element`: `Allow` with `NotPrincipal`, `NotAction` or `NotResource`.
pub static ALLOW_WITH_NOT_ELEMENT: RuleMeta = RuleMeta {
    code: "XA0201",
    name: "allow-with-not-element",
    severity: Severity::Warning,
    summary: "`Allow` with `NotPrincipal`, `NotAction` or `NotResource`",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0201.md"),
};

/// `XA0202 wildcard-principal-without-condition`: `Allow` to every principal without a condition that narrows the caller.
pub static WILDCARD_PRINCIPAL_WITHOUT_CONDITION: RuleMeta = RuleMeta {
    code: "XA0202",
    name: "wildcard-principal-without-condition",
    severity: Severity::Warning,
    summary: "`Allow` to every principal without a condition that narrows the caller",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0202.md"),
};

/// `XA0203 for-all-values-without-null-check`: `ForAllValues:` in an `Allow` without a `Null` check on the key.
pub static FOR_ALL_VALUES_WITHOUT_NULL_CHECK: RuleMeta = RuleMeta {
    code: "XA0203",
    name: "for-all-values-without-null-check",
    severity: Severity::Warning,
    summary: "`ForAllValues:` in an `Allow` without a `Null` check on the key",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0203.md"),
};

/// `XA0204 condition-operator-cardinality-mismatch`: a single-valued operator on a multivalued key, or the reverse.
pub static CONDITION_OPERATOR_CARDINALITY_MISMATCH: RuleMeta = RuleMeta {
    code: "XA0204",
    name: "condition-operator-cardinality-mismatch",
    severity: Severity::Warning,
    summary: "a single-valued operator on a multivalued key, or the reverse",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0204.md"),
};

/// `XA0205 action-applies-to-no-resource`: an action that applies to none of the statement's resources.
pub static ACTION_APPLIES_TO_NO_RESOURCE: RuleMeta = RuleMeta {
    code: "XA0205",
    name: "action-applies-to-no-resource",
    severity: Severity::Warning,
    summary: "an action that applies to none of the statement's resources",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0205.md"),
};

/// `XA0206 condition-key-not-supported-by-actions`: a condition key that no action of the statement supports.
pub static CONDITION_KEY_NOT_SUPPORTED_BY_ACTIONS: RuleMeta = RuleMeta {
    code: "XA0206",
    name: "condition-key-not-supported-by-actions",
    severity: Severity::Warning,
    summary: "a condition key that no action of the statement supports",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0206.md"),
};

/// `XA0207 key-policy-without-iam-delegation`: a key policy without the statement that enables IAM policies.
pub static KEY_POLICY_WITHOUT_IAM_DELEGATION: RuleMeta = RuleMeta {
    code: "XA0207",
    name: "key-policy-without-iam-delegation",
    severity: Severity::Warning,
    summary: "a key policy without the statement that enables IAM policies",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0207.md"),
};

/// `XA0208 principal-is-unique-id`: a principal that is a unique id of a deleted user or role.
pub static PRINCIPAL_IS_UNIQUE_ID: RuleMeta = RuleMeta {
    code: "XA0208",
    name: "principal-is-unique-id",
    severity: Severity::Warning,
    summary: "a principal that is a unique id of a deleted user or role",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0208.md"),
};

/// `XA0209 ecr-pull-without-layer-download`: an ECR pull grant without `ecr:GetDownloadUrlForLayer`.
pub static ECR_PULL_WITHOUT_LAYER_DOWNLOAD: RuleMeta = RuleMeta {
    code: "XA0209",
    name: "ecr-pull-without-layer-download",
    severity: Severity::Warning,
    summary: "an ECR pull grant without `ecr:GetDownloadUrlForLayer`",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0209.md"),
};

/// `XA0210 ecr-describe-wildcard-for-pull`: `ecr:Describe*` where pulling images was meant.
pub static ECR_DESCRIBE_WILDCARD_FOR_PULL: RuleMeta = RuleMeta {
    code: "XA0210",
    name: "ecr-describe-wildcard-for-pull",
    severity: Severity::Warning,
    summary: "`ecr:Describe*` where pulling images was meant",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0210.md"),
};

/// `XA0211 wildcard-only-action-on-specific-resource`: a wildcard-only action granted on a specific ARN, which never matches.
pub static WILDCARD_ONLY_ACTION_ON_SPECIFIC_RESOURCE: RuleMeta = RuleMeta {
    code: "XA0211",
    name: "wildcard-only-action-on-specific-resource",
    severity: Severity::Warning,
    summary: "a wildcard-only action granted on a specific ARN, which never matches",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0211.md"),
};

/// `XA0212 duplicate-sid`: two statements with the same `Sid`.
pub static DUPLICATE_SID: RuleMeta = RuleMeta {
    code: "XA0212",
    name: "duplicate-sid",
    severity: Severity::Warning,
    summary: "two statements with the same `Sid`",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0212.md"),
};

/// `XA0213 missing-or-outdated-version`: a policy without `Version` or with `2008-10-17`.
pub static MISSING_OR_OUTDATED_VERSION: RuleMeta = RuleMeta {
    code: "XA0213",
    name: "missing-or-outdated-version",
    severity: Severity::Warning,
    summary: "a policy without `Version` or with `2008-10-17`",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0213.md"),
};

/// `XA0214 mfa-present-false`: `aws:MultiFactorAuthPresent` is `false` where long-term credentials slip through.
pub static MFA_PRESENT_FALSE: RuleMeta = RuleMeta {
    code: "XA0214",
    name: "mfa-present-false",
    severity: Severity::Warning,
    summary: "`aws:MultiFactorAuthPresent` is `false` where long-term credentials slip through",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XA0214.md"),
};

/// `XA0215 string-operator-on-typed-key`: a string operator on a numeric, date or boolean condition key.
pub static STRING_OPERATOR_ON_TYPED_KEY: RuleMeta = RuleMeta {
    code: "XA0215",
    name: "string-operator-on-typed-key",
    severity: Severity::Warning,
    summary: "a string operator on a numeric, date or boolean condition key",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XA0215.md"),
};

/// `XA0216 condition-key-without-prefix`: a condition key without a `service:` prefix.
pub static CONDITION_KEY_WITHOUT_PREFIX: RuleMeta = RuleMeta {
    code: "XA0216",
    name: "condition-key-without-prefix",
    severity: Severity::Warning,
    summary: "a condition key without a `service:` prefix",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XA0216.md"),
};

/// `XA0301 redundant-action`: an action already covered by another action of the statement.
pub static REDUNDANT_ACTION: RuleMeta = RuleMeta {
    code: "XA0301",
    name: "redundant-action",
    severity: Severity::Info,
    summary: "an action already covered by another action of the statement",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0301.md"),
};

/// `XA0302 redundant-resource`: a resource already covered by another resource of the statement.
pub static REDUNDANT_RESOURCE: RuleMeta = RuleMeta {
    code: "XA0302",
    name: "redundant-resource",
    severity: Severity::Info,
    summary: "a resource already covered by another resource of the statement",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0302.md"),
};

/// `XA0303 redundant-statement`: a statement already covered by another statement.
pub static REDUNDANT_STATEMENT: RuleMeta = RuleMeta {
    code: "XA0303",
    name: "redundant-statement",
    severity: Severity::Info,
    summary: "a statement already covered by another statement",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0303.md"),
};

/// `XA0900 unmatched-suppression`: a suppression in the configuration file that matched no finding.
pub static UNMATCHED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "XA0900",
    name: "unmatched-suppression",
    severity: Severity::Warning,
    summary: "a suppression in the configuration file that matched no finding",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0900.md"),
};

/// `XA0901 unrecognized-file`: a JSON file that is neither a policy nor a known export.
pub static UNRECOGNIZED_FILE: RuleMeta = RuleMeta {
    code: "XA0901",
    name: "unrecognized-file",
    severity: Severity::Warning,
    summary: "a JSON file that is neither a policy nor a known export",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XA0901.md"),
};

/// `XC0001 workflow-step-denied`: a required step of the cross-account workflow is denied.
pub static WORKFLOW_STEP_DENIED: RuleMeta = RuleMeta {
    code: "XC0001",
    name: "workflow-step-denied",
    severity: Severity::Error,
    summary: "a required step of the cross-account workflow is denied",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XC0001.md"),
};

/// `XC0002 workflow-step-not-verified`: a required step cannot be verified with the exported data.
pub static WORKFLOW_STEP_NOT_VERIFIED: RuleMeta = RuleMeta {
    code: "XC0002",
    name: "workflow-step-not-verified",
    severity: Severity::Warning,
    summary: "a required step cannot be verified with the exported data",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XC0002.md"),
};

/// `XC0003 workflow-advisory-action-denied`: an advisory action of a workflow step is denied.
pub static WORKFLOW_ADVISORY_ACTION_DENIED: RuleMeta = RuleMeta {
    code: "XC0003",
    name: "workflow-advisory-action-denied",
    severity: Severity::Warning,
    summary: "an advisory action of a workflow step is denied",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XC0003.md"),
};

/// `XC0004 implausible-registration-request`: the request names something that cannot work.
pub static IMPLAUSIBLE_REGISTRATION_REQUEST: RuleMeta = RuleMeta {
    code: "XC0004",
    name: "implausible-registration-request",
    severity: Severity::Error,
    summary: "the request names something that cannot work",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XC0004.md"),
};

/// `XE0001 resource-open-to-everyone`: a resource policy or trust policy allows everyone (`*`) without a condition.
pub static RESOURCE_OPEN_TO_EVERYONE: RuleMeta = RuleMeta {
    code: "XE0001",
    name: "resource-open-to-everyone",
    severity: Severity::Error,
    summary: "a resource policy or trust policy allows everyone (`*`) without a condition",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XE0001.md"),
};

/// `XE0002 resource-reachable-from-outside-organization`: a resource is reachable from an account outside its organization.
pub static RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION: RuleMeta = RuleMeta {
    code: "XE0002",
    name: "resource-reachable-from-outside-organization",
    severity: Severity::Warning,
    summary: "a resource is reachable from an account outside its organization",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XE0002.md"),
};

/// `XE0003 resource-reachable-from-other-account`: a resource is reachable from another account of its organization.
pub static RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT: RuleMeta = RuleMeta {
    code: "XE0003",
    name: "resource-reachable-from-other-account",
    severity: Severity::Info,
    summary: "a resource is reachable from another account of its organization",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XE0003.md"),
};

/// `XE0900 unused-trusted-account`: a `trusted_accounts` entry of the audit file matched no finding.
pub static UNUSED_TRUSTED_ACCOUNT: RuleMeta = RuleMeta {
    code: "XE0900",
    name: "unused-trusted-account",
    severity: Severity::Warning,
    summary: "a `trusted_accounts` entry of the audit file matched no finding",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XE0900.md"),
};

/// `XL0001 unreadable-input`: an input cannot be read: missing, not a regular file, too large, not UTF-8 or not JSON.
pub static UNREADABLE_INPUT: RuleMeta = RuleMeta {
    code: "XL0001",
    name: "unreadable-input",
    severity: Severity::Error,
    summary:
        "an input cannot be read: missing, not a regular file, too large, not UTF-8 or not JSON",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0001.md"),
};

/// `XL0002 malformed-export`: an export xacct recognizes holds a value of the wrong shape.
pub static MALFORMED_EXPORT: RuleMeta = RuleMeta {
    code: "XL0002",
    name: "malformed-export",
    severity: Severity::Error,
    summary: "an export xacct recognizes holds a value of the wrong shape",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0002.md"),
};

/// `XL0003 incomplete-export`: an export says it is incomplete.
pub static INCOMPLETE_EXPORT: RuleMeta = RuleMeta {
    code: "XL0003",
    name: "incomplete-export",
    severity: Severity::Warning,
    summary: "an export says it is incomplete",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0003.md"),
};

/// `XL0004 duplicate-export`: the same setting is exported in two files.
pub static DUPLICATE_EXPORT: RuleMeta = RuleMeta {
    code: "XL0004",
    name: "duplicate-export",
    severity: Severity::Warning,
    summary: "the same setting is exported in two files",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0004.md"),
};

/// `XL0005 export-in-wrong-account`: a file's content belongs to another account than the folder it is in.
pub static EXPORT_IN_WRONG_ACCOUNT: RuleMeta = RuleMeta {
    code: "XL0005",
    name: "export-in-wrong-account",
    severity: Severity::Error,
    summary: "a file's content belongs to another account than the folder it is in",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0005.md"),
};

/// `XL0006 export-not-used`: something that was read cannot be used.
pub static EXPORT_NOT_USED: RuleMeta = RuleMeta {
    code: "XL0006",
    name: "export-not-used",
    severity: Severity::Warning,
    summary: "something that was read cannot be used",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0006.md"),
};

/// `XL0007 defective-policy`: a policy AWS would reject, or one that cannot be read fully, is evaluated fail-closed.
pub static DEFECTIVE_POLICY: RuleMeta = RuleMeta {
    code: "XL0007",
    name: "defective-policy",
    severity: Severity::Warning,
    summary:
        "a policy AWS would reject, or one that cannot be read fully, is evaluated fail-closed",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0007.md"),
};

/// `XL0008 terraform-state-not-plan`: a `terraform show -json` of a state was given where a plan is read.
pub static TERRAFORM_STATE_NOT_PLAN: RuleMeta = RuleMeta {
    code: "XL0008",
    name: "terraform-state-not-plan",
    severity: Severity::Error,
    summary: "a `terraform show -json` of a state was given where a plan is read",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0008.md"),
};

/// `XL0009 policy-not-evaluated`: resources that carry a policy could not be evaluated.
pub static POLICY_NOT_EVALUATED: RuleMeta = RuleMeta {
    code: "XL0009",
    name: "policy-not-evaluated",
    severity: Severity::Warning,
    summary: "resources that carry a policy could not be evaluated",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0009.md"),
};

/// `XL0010 plan-account-unknown`: a Terraform plan or a template does not say which account it applies to.
pub static PLAN_ACCOUNT_UNKNOWN: RuleMeta = RuleMeta {
    code: "XL0010",
    name: "plan-account-unknown",
    severity: Severity::Warning,
    summary: "a Terraform plan or a template does not say which account it applies to",
    status: Status::Stable,
    since: "0.2.0",
    docs: include_str!("../../docs/rules/XL0010.md"),
};

/// `XR0001 registration-path-open`: an account can register model versions into a model package group of another account.
pub static REGISTRATION_PATH_OPEN: RuleMeta = RuleMeta {
    code: "XR0001",
    name: "registration-path-open",
    severity: Severity::Info,
    summary: "an account can register model versions into a model package group of another account",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XR0001.md"),
};

/// `XR0002 registration-path-denied`: a model package group lets an account register, but the registration is denied.
pub static REGISTRATION_PATH_DENIED: RuleMeta = RuleMeta {
    code: "XR0002",
    name: "registration-path-denied",
    severity: Severity::Warning,
    summary: "a model package group lets an account register, but the registration is denied",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XR0002.md"),
};

/// `XR0003 registration-path-not-verified`: a cross-account registration path cannot be verified with the exported data.
pub static REGISTRATION_PATH_NOT_VERIFIED: RuleMeta = RuleMeta {
    code: "XR0003",
    name: "registration-path-not-verified",
    severity: Severity::Warning,
    summary: "a cross-account registration path cannot be verified with the exported data",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XR0003.md"),
};

/// `XR0004 listed-registration-denied`: a registration listed in the audit file is not possible.
pub static LISTED_REGISTRATION_DENIED: RuleMeta = RuleMeta {
    code: "XR0004",
    name: "listed-registration-denied",
    severity: Severity::Error,
    summary: "a registration listed in the audit file is not possible",
    status: Status::Stable,
    since: "0.1.0",
    docs: include_str!("../../docs/rules/XR0004.md"),
};

/// Every code, sorted.
pub static ALL: &[&RuleMeta] = &[
    &INVALID_JSON,
    &INVALID_POLICY_GRAMMAR,
    &UNKNOWN_CONDITION_OPERATOR,
    &UNKNOWN_SERVICE_PREFIX,
    &UNKNOWN_ACTION,
    &BUCKET_POLICY_ACTION_APPLIES_TO_NO_RESOURCE,
    &RESOURCE_NOT_AN_ARN,
    &UNRENDERED_TEMPLATE_PLACEHOLDER,
    &PRINCIPAL_IN_IDENTITY_POLICY,
    &RESOURCE_POLICY_WITHOUT_PRINCIPAL,
    &GRANT_GRANTEE_NOT_A_PRINCIPAL_ARN,
    &POLICY_EXCEEDS_SIZE_LIMIT,
    &SID_WITH_INVALID_CHARACTERS,
    &PRINCIPAL_ARN_WITHOUT_IDENTITY_TYPE,
    &ALLOW_WITH_NOT_ELEMENT,
    &WILDCARD_PRINCIPAL_WITHOUT_CONDITION,
    &FOR_ALL_VALUES_WITHOUT_NULL_CHECK,
    &CONDITION_OPERATOR_CARDINALITY_MISMATCH,
    &ACTION_APPLIES_TO_NO_RESOURCE,
    &CONDITION_KEY_NOT_SUPPORTED_BY_ACTIONS,
    &KEY_POLICY_WITHOUT_IAM_DELEGATION,
    &PRINCIPAL_IS_UNIQUE_ID,
    &ECR_PULL_WITHOUT_LAYER_DOWNLOAD,
    &ECR_DESCRIBE_WILDCARD_FOR_PULL,
    &WILDCARD_ONLY_ACTION_ON_SPECIFIC_RESOURCE,
    &DUPLICATE_SID,
    &MISSING_OR_OUTDATED_VERSION,
    &MFA_PRESENT_FALSE,
    &STRING_OPERATOR_ON_TYPED_KEY,
    &CONDITION_KEY_WITHOUT_PREFIX,
    &REDUNDANT_ACTION,
    &REDUNDANT_RESOURCE,
    &REDUNDANT_STATEMENT,
    &UNMATCHED_SUPPRESSION,
    &UNRECOGNIZED_FILE,
    &WORKFLOW_STEP_DENIED,
    &WORKFLOW_STEP_NOT_VERIFIED,
    &WORKFLOW_ADVISORY_ACTION_DENIED,
    &IMPLAUSIBLE_REGISTRATION_REQUEST,
    &RESOURCE_OPEN_TO_EVERYONE,
    &RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION,
    &RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT,
    &UNUSED_TRUSTED_ACCOUNT,
    &UNREADABLE_INPUT,
    &MALFORMED_EXPORT,
    &INCOMPLETE_EXPORT,
    &DUPLICATE_EXPORT,
    &EXPORT_IN_WRONG_ACCOUNT,
    &EXPORT_NOT_USED,
    &DEFECTIVE_POLICY,
    &TERRAFORM_STATE_NOT_PLAN,
    &POLICY_NOT_EVALUATED,
    &PLAN_ACCOUNT_UNKNOWN,
    &REGISTRATION_PATH_OPEN,
    &REGISTRATION_PATH_DENIED,
    &REGISTRATION_PATH_NOT_VERIFIED,
    &LISTED_REGISTRATION_DENIED,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_well_formed() {
        let codes: Vec<&str> = ALL.iter().map(|m| m.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted, "codes must be unique and in order");
        for m in ALL {
            let c = m.code;
            assert!(
                c.len() == 6
                    && ["XA", "XC", "XE", "XL", "XR"].contains(&m.family())
                    && c[2..].bytes().all(|b| b.is_ascii_digit()),
                "{c}"
            );
            assert!(
                m.since.split('.').count() == 3
                    && m.since.split('.').all(|p| p.parse::<u32>().is_ok()),
                "{c}: since"
            );
        }
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<&str> = ALL.iter().map(|m| m.name).collect();
        for n in &names {
            assert!(
                !n.is_empty()
                    && !n.starts_with('-')
                    && !n.ends_with('-')
                    && !n.contains("--")
                    && n.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "`{n}` is not kebab-case"
            );
            assert!(
                !n.starts_with("no-") && !n.starts_with("disallow-"),
                "`{n}` names a ban, not a pattern"
            );
        }
        names.sort_unstable();
        let len = names.len();
        names.dedup();
        assert_eq!(names.len(), len, "names must be unique");
    }

    #[test]
    fn docs_have_their_heading_and_every_section_in_order() {
        for m in ALL {
            let heading = format!("# {} {}\n\n", m.code, m.name);
            assert!(m.docs.starts_with(&heading), "{}: heading", m.code);
            let mut at = 0;
            for s in DOC_SECTIONS {
                let found = m.docs[at..].find(s);
                assert!(found.is_some(), "{}: missing or misplaced `{s}`", m.code);
                at += found.unwrap_or(0) + s.len();
            }
            let refs = &m.docs[at..];
            assert!(
                refs.contains("https://") || refs.contains("docs/"),
                "{}: References needs a link",
                m.code
            );
            assert!(
                !m.summary.is_empty() && !m.summary.ends_with('.'),
                "{}: summary",
                m.code
            );
        }
    }

    #[test]
    fn lint_severities_follow_the_code_scheme() {
        for m in ALL {
            let want = match &m.code[..4] {
                "XA01" => Some(Severity::Error),
                "XA02" => Some(Severity::Warning),
                "XA03" => Some(Severity::Info),
                _ => None,
            };
            if let Some(w) = want {
                assert_eq!(m.severity, w, "{}", m.code);
            }
        }
    }

    #[test]
    fn find_reads_codes_in_any_case_and_names() {
        assert_eq!(
            crate::diagnostic::find("xc0001").map(|m| m.code),
            Some("XC0001")
        );
        assert_eq!(
            crate::diagnostic::find("XE0001").map(|m| m.code),
            Some("XE0001")
        );
        assert_eq!(
            crate::diagnostic::find("duplicate-sid").map(|m| m.code),
            Some("XA0212")
        );
        assert!(crate::diagnostic::find("XZ0001").is_none());
    }
}
