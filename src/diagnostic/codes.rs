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

/// Declares each code's [`RuleMeta`] (its documentation `docs/rules/CODE.md`, compiled in)
/// and [`ALL`] from one list, so that no code is declared and left out of the registry.
/// A row: `STATIC = "CODE" "name" Severity Status "since" "summary";`.
macro_rules! registry {
    ($($id:ident = $code:literal $name:literal $severity:ident $status:ident $since:literal
        $summary:literal;)*) => {
        $(
            #[doc = concat!("`", $code, " ", $name, "`: ", $summary, ".")]
            pub static $id: RuleMeta = RuleMeta {
                code: $code,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                status: Status::$status,
                since: $since,
                docs: include_str!(concat!("../../docs/rules/", $code, ".md")),
            };
        )*

        /// Every code, sorted.
        pub static ALL: &[&RuleMeta] = &[$(&$id),*];
    };
}

registry! {
    INVALID_JSON = "XA0100" "invalid-json" Error Stable "0.1.0"
        "a file or an embedded policy text that is not JSON";
    INVALID_POLICY_GRAMMAR = "XA0101" "invalid-policy-grammar" Error Stable "0.1.0"
        "a policy element or KMS grant field the grammar does not allow";
    UNKNOWN_CONDITION_OPERATOR = "XA0102" "unknown-condition-operator" Error Stable "0.1.0"
        "a condition operator that does not exist";
    UNKNOWN_SERVICE_PREFIX = "XA0103" "unknown-service-prefix" Error Stable "0.1.0"
        "an action whose service prefix is not an AWS service";
    UNKNOWN_ACTION = "XA0104" "unknown-action" Error Stable "0.1.0"
        "an action or action pattern that matches no action of its service";
    BUCKET_POLICY_ACTION_APPLIES_TO_NO_RESOURCE = "XA0105" "bucket-policy-action-applies-to-no-resource" Error Stable "0.1.0"
        "a bucket policy action that applies to none of the statement's resources";
    RESOURCE_NOT_AN_ARN = "XA0106" "resource-not-an-arn" Error Stable "0.1.0"
        "a resource value that is neither `*` nor an ARN";
    UNRENDERED_TEMPLATE_PLACEHOLDER = "XA0107" "unrendered-template-placeholder" Error Stable "0.1.0"
        "a template placeholder left in an ARN, principal or condition value";
    PRINCIPAL_IN_IDENTITY_POLICY = "XA0108" "principal-in-identity-policy" Error Stable "0.1.0"
        "a `Principal` in an identity policy or SCP";
    RESOURCE_POLICY_WITHOUT_PRINCIPAL = "XA0109" "resource-policy-without-principal" Error Stable "0.1.0"
        "a resource policy statement without a `Principal`";
    GRANT_GRANTEE_NOT_A_PRINCIPAL_ARN = "XA0110" "grant-grantee-not-a-principal-arn" Error Stable "0.1.0"
        "a KMS grant whose grantee is not a principal ARN";
    POLICY_EXCEEDS_SIZE_LIMIT = "XA0111" "policy-exceeds-size-limit" Error Stable "0.1.0"
        "a policy larger than its service's size limit";
    SID_WITH_INVALID_CHARACTERS = "XA0112" "sid-with-invalid-characters" Error Stable "0.2.0"
        "a `Sid` with characters other than ASCII letters and digits";
    PRINCIPAL_ARN_WITHOUT_IDENTITY_TYPE = "XA0113" "principal-arn-without-identity-type" Error Stable "0.2.0"
        "a principal ARN that names no account, user, role or session";
    ALLOW_WITH_NOT_ELEMENT = "XA0201" "allow-with-not-element" Warning Stable "0.1.0"
        "`Allow` with `NotPrincipal`, `NotAction` or `NotResource`";
    WILDCARD_PRINCIPAL_WITHOUT_CONDITION = "XA0202" "wildcard-principal-without-condition" Warning Stable "0.1.0"
        "`Allow` to every principal without a condition that narrows the caller";
    FOR_ALL_VALUES_WITHOUT_NULL_CHECK = "XA0203" "for-all-values-without-null-check" Warning Stable "0.1.0"
        "`ForAllValues:` in an `Allow` without a `Null` check on the key";
    CONDITION_OPERATOR_CARDINALITY_MISMATCH = "XA0204" "condition-operator-cardinality-mismatch" Warning Stable "0.1.0"
        "a single-valued operator on a multivalued key, or the reverse";
    ACTION_APPLIES_TO_NO_RESOURCE = "XA0205" "action-applies-to-no-resource" Warning Stable "0.1.0"
        "an action that applies to none of the statement's resources";
    CONDITION_KEY_NOT_SUPPORTED_BY_ACTIONS = "XA0206" "condition-key-not-supported-by-actions" Warning Stable "0.1.0"
        "a condition key that no action of the statement supports";
    KEY_POLICY_WITHOUT_IAM_DELEGATION = "XA0207" "key-policy-without-iam-delegation" Warning Stable "0.1.0"
        "a key policy without the statement that enables IAM policies";
    PRINCIPAL_IS_UNIQUE_ID = "XA0208" "principal-is-unique-id" Warning Stable "0.1.0"
        "a principal that is a unique id of a deleted user or role";
    ECR_PULL_WITHOUT_LAYER_DOWNLOAD = "XA0209" "ecr-pull-without-layer-download" Warning Stable "0.1.0"
        "an ECR pull grant without `ecr:GetDownloadUrlForLayer`";
    ECR_DESCRIBE_WILDCARD_FOR_PULL = "XA0210" "ecr-describe-wildcard-for-pull" Warning Stable "0.1.0"
        "`ecr:Describe*` where pulling images was meant";
    WILDCARD_ONLY_ACTION_ON_SPECIFIC_RESOURCE = "XA0211" "wildcard-only-action-on-specific-resource" Warning Stable "0.1.0"
        "a wildcard-only action granted on a specific ARN, which never matches";
    DUPLICATE_SID = "XA0212" "duplicate-sid" Warning Stable "0.1.0"
        "two statements with the same `Sid`";
    MISSING_OR_OUTDATED_VERSION = "XA0213" "missing-or-outdated-version" Warning Stable "0.1.0"
        "a policy without `Version` or with `2008-10-17`";
    MFA_PRESENT_FALSE = "XA0214" "mfa-present-false" Warning Stable "0.2.0"
        "`aws:MultiFactorAuthPresent` is `false` where long-term credentials slip through";
    STRING_OPERATOR_ON_TYPED_KEY = "XA0215" "string-operator-on-typed-key" Warning Stable "0.2.0"
        "a string operator on a numeric, date or boolean condition key";
    CONDITION_KEY_WITHOUT_PREFIX = "XA0216" "condition-key-without-prefix" Warning Stable "0.2.0"
        "a condition key without a `service:` prefix";
    REDUNDANT_ACTION = "XA0301" "redundant-action" Info Stable "0.1.0"
        "an action already covered by another action of the statement";
    REDUNDANT_RESOURCE = "XA0302" "redundant-resource" Info Stable "0.1.0"
        "a resource already covered by another resource of the statement";
    REDUNDANT_STATEMENT = "XA0303" "redundant-statement" Info Stable "0.1.0"
        "a statement already covered by another statement";
    UNMATCHED_SUPPRESSION = "XA0900" "unmatched-suppression" Warning Stable "0.1.0"
        "a suppression in the configuration file that matched no finding";
    UNRECOGNIZED_FILE = "XA0901" "unrecognized-file" Warning Stable "0.1.0"
        "a JSON file that is neither a policy nor a known export";
    WORKFLOW_STEP_DENIED = "XC0001" "workflow-step-denied" Error Stable "0.1.0"
        "a required step of the cross-account workflow is denied";
    WORKFLOW_STEP_NOT_VERIFIED = "XC0002" "workflow-step-not-verified" Warning Stable "0.1.0"
        "a required step cannot be verified with the exported data";
    WORKFLOW_ADVISORY_ACTION_DENIED = "XC0003" "workflow-advisory-action-denied" Warning Stable "0.1.0"
        "an advisory action of a workflow step is denied";
    IMPLAUSIBLE_REGISTRATION_REQUEST = "XC0004" "implausible-registration-request" Error Stable "0.1.0"
        "the request names something that cannot work";
    RESOURCE_OPEN_TO_EVERYONE = "XE0001" "resource-open-to-everyone" Error Stable "0.1.0"
        "a resource policy or trust policy allows everyone (`*`) without a condition";
    RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION = "XE0002" "resource-reachable-from-outside-organization" Warning Stable "0.1.0"
        "a resource is reachable from an account outside its organization";
    RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT = "XE0003" "resource-reachable-from-other-account" Info Stable "0.1.0"
        "a resource is reachable from another account of its organization";
    UNUSED_TRUSTED_ACCOUNT = "XE0900" "unused-trusted-account" Warning Stable "0.1.0"
        "a `trusted_accounts` entry of the audit file matched no finding";
    UNREADABLE_INPUT = "XL0001" "unreadable-input" Error Stable "0.2.0"
        "an input cannot be read: missing, not a regular file, too large, not UTF-8 or not JSON";
    MALFORMED_EXPORT = "XL0002" "malformed-export" Error Stable "0.2.0"
        "an export xacct recognizes holds a value of the wrong shape";
    INCOMPLETE_EXPORT = "XL0003" "incomplete-export" Warning Stable "0.2.0"
        "an export says it is incomplete";
    DUPLICATE_EXPORT = "XL0004" "duplicate-export" Warning Stable "0.2.0"
        "the same setting is exported in two files";
    EXPORT_IN_WRONG_ACCOUNT = "XL0005" "export-in-wrong-account" Error Stable "0.2.0"
        "a file's content belongs to another account than the folder it is in";
    EXPORT_NOT_USED = "XL0006" "export-not-used" Warning Stable "0.2.0"
        "something that was read cannot be used";
    DEFECTIVE_POLICY = "XL0007" "defective-policy" Warning Stable "0.2.0"
        "a policy AWS would reject, or one that cannot be read fully, is evaluated fail-closed";
    TERRAFORM_STATE_NOT_PLAN = "XL0008" "terraform-state-not-plan" Error Stable "0.2.0"
        "a `terraform show -json` of a state was given where a plan is read";
    POLICY_NOT_EVALUATED = "XL0009" "policy-not-evaluated" Warning Stable "0.2.0"
        "resources that carry a policy could not be evaluated";
    PLAN_ACCOUNT_UNKNOWN = "XL0010" "plan-account-unknown" Warning Stable "0.2.0"
        "a Terraform plan or a template does not say which account it applies to";
    REGISTRATION_PATH_OPEN = "XR0001" "registration-path-open" Info Stable "0.1.0"
        "an account can register model versions into a model package group of another account";
    REGISTRATION_PATH_DENIED = "XR0002" "registration-path-denied" Warning Stable "0.1.0"
        "a model package group lets an account register, but the registration is denied";
    REGISTRATION_PATH_NOT_VERIFIED = "XR0003" "registration-path-not-verified" Warning Stable "0.1.0"
        "a cross-account registration path cannot be verified with the exported data";
    LISTED_REGISTRATION_DENIED = "XR0004" "listed-registration-denied" Error Stable "0.1.0"
        "a registration listed in the audit file is not possible";
}

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
