//! The codes `xacct check` reports in SARIF: one per kind of outcome, so that CI systems
//! can group and suppress them like lint findings.

use crate::diagnostic::Severity;
use crate::lint::RuleMeta;

/// A required step is denied.
pub const STEP_DENIED: RuleMeta = RuleMeta {
    code: "XC0001",
    name: "workflow-step-denied",
    severity: Severity::Error,
    summary: "a required step of the cross-account workflow is denied",
    docs: "## What it does\nReports a required action of a `xacct check` scenario step that AWS would deny: explicitly (a `Deny` statement, or a policy AWS rejects) or implicitly (a side whose allow is missing).\n\n## Why is this bad?\nThe workflow fails at this step in the live accounts, with `AccessDenied`.\n\n## Example\nThe registry's role reads the training bucket's artifact, but the bucket policy names no principal of the registry account.\n\n## Use instead\nApply the fix shown with the result: the statement to add to the named policy, the statement to remove, or the `create-grant` call.\n\n## References\n- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html\n",
};

/// A required step cannot be verified.
pub const STEP_NOT_VERIFIED: RuleMeta = RuleMeta {
    code: "XC0002",
    name: "workflow-step-not-verified",
    severity: Severity::Warning,
    summary: "a required step cannot be verified with the exported data",
    docs: "## What it does\nReports a required action whose answer depends on data that was not exported (an account's IAM, a bucket's settings, KMS grants, the organization).\n\n## Why is this bad?\nxacct never answers \"allowed\" on partial data; the step may still fail in the live accounts.\n\n## Example\nThe registry account's IAM export is missing, so whether its role may pull the image is unknown.\n\n## Use instead\nExport the missing data (see `scripts/export-account.sh`) and run the check again.\n\n## References\n- docs/inventory.md\n",
};

/// An advisory action is denied.
pub const ADVISORY_DENIED: RuleMeta = RuleMeta {
    code: "XC0003",
    name: "workflow-advisory-action-denied",
    severity: Severity::Warning,
    summary: "an advisory action of a workflow step is denied",
    docs: "## What it does\nReports an action that the scenario marks advisory (for example `ecr:BatchCheckLayerAvailability`) and that AWS would deny.\n\n## Why is this bad?\nClients commonly call it; some tools fail without it.\n\n## Example\nThe repository policy grants `BatchGetImage` and `GetDownloadUrlForLayer` but not `BatchCheckLayerAvailability`.\n\n## Use instead\nAdd the action next to the required ones.\n\n## References\n- https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html\n",
};

/// The request itself cannot work.
pub const IMPLAUSIBLE_REQUEST: RuleMeta = RuleMeta {
    code: "XC0004",
    name: "implausible-registration-request",
    severity: Severity::Error,
    summary: "the request names something that cannot work",
    docs: "## What it does\nReports a request that names a resource that cannot exist (an unrendered `{bucket}`), resources in different Regions, or a model package group that the registry account does not have.\n\n## Why is this bad?\nThe call fails before any permission is checked.\n\n## Example\n`\"ModelDataUrl\": \"s3://{bucket}/model.tar.gz\"` from a Python string without the `f` prefix.\n\n## Use instead\nRender the values; keep the image, the artifact and the group in one Region.\n\n## References\n- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelPackageContainerDefinition.html\n",
};

/// Every check code, in order.
pub const CHECK_RULES: [&RuleMeta; 4] = [
    &STEP_DENIED,
    &STEP_NOT_VERIFIED,
    &ADVISORY_DENIED,
    &IMPLAUSIBLE_REQUEST,
];
