//! What a policy document is: where AWS stores it ([`DocKind`], which decides what AWS rejects
//! when the document is written) and the part it plays in a decision ([`PolicyKind`], which
//! decides how the evaluator combines it).

use serde::Serialize;

/// The part a policy plays in a decision (docs/semantics.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// An identity policy (user, group or role; inline or managed).
    Identity,
    /// A permissions boundary.
    Boundary,
    /// A session policy.
    Session,
    /// A resource policy (bucket, repository, key, trust, model package group…).
    Resource,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A VPC endpoint policy.
    VpcEndpoint,
}

impl PolicyKind {
    /// Human name, as used in traces.
    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::Resource => "resource policy",
            PolicyKind::Scp => "SCP",
            PolicyKind::Rcp => "RCP",
            PolicyKind::VpcEndpoint => "VPC endpoint policy",
        }
    }

    /// Policy kinds whose statements name principals.
    pub fn has_principals(self) -> bool {
        matches!(
            self,
            PolicyKind::Resource | PolicyKind::Rcp | PolicyKind::VpcEndpoint
        )
    }
}

/// Where AWS stores a document: it decides what the storing service rejects when the
/// document is written (its grammar, its size limit, whether it checks actions), and so what
/// xacct reports as an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// An identity policy (inline, or of unknown origin).
    Identity,
    /// A customer managed policy (6,144 characters).
    Managed,
    /// An AWS managed policy (written by AWS: no customer quota applies).
    AwsManaged,
    /// A permissions boundary (a managed policy used as one).
    Boundary,
    /// A session policy.
    Session,
    /// A role trust policy.
    Trust,
    /// An S3 bucket policy (20 KB).
    Bucket,
    /// An ECR repository policy (10,240 characters).
    Repository,
    /// An ECR registry policy.
    Registry,
    /// A KMS key policy (32 KB).
    Key,
    /// KMS grants (`aws kms list-grants` output or a `CreateGrant` request).
    Grants,
    /// A SageMaker model package group policy (20,480 characters).
    ModelPackageGroup,
    /// A service control policy (5,120 characters).
    Scp,
    /// A resource control policy (5,120 characters).
    Rcp,
    /// A VPC endpoint policy.
    VpcEndpoint,
    /// Another resource policy.
    Resource,
}

/// How a size limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeUnit {
    /// Bytes (limits documented in KB).
    Bytes,
    /// Characters.
    Chars,
}

impl DocKind {
    /// Human name: `bucket policy`.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Identity => "identity policy",
            DocKind::Managed => "managed policy",
            DocKind::AwsManaged => "AWS managed policy",
            DocKind::Boundary => "permissions boundary",
            DocKind::Session => "session policy",
            DocKind::Trust => "trust policy",
            DocKind::Bucket => "bucket policy",
            DocKind::Repository => "repository policy",
            DocKind::Registry => "registry policy",
            DocKind::Key => "key policy",
            DocKind::Grants => "KMS grant",
            DocKind::ModelPackageGroup => "model package group policy",
            DocKind::Scp => "SCP",
            DocKind::Rcp => "RCP",
            DocKind::VpcEndpoint => "VPC endpoint policy",
            DocKind::Resource => "resource policy",
        }
    }

    /// The kebab-case name used by `--kind` and the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Identity => "identity",
            DocKind::Managed => "managed",
            DocKind::AwsManaged => "aws-managed",
            DocKind::Boundary => "boundary",
            DocKind::Session => "session",
            DocKind::Trust => "trust",
            DocKind::Bucket => "bucket",
            DocKind::Repository => "repository",
            DocKind::Registry => "registry",
            DocKind::Key => "key",
            DocKind::Grants => "grants",
            DocKind::ModelPackageGroup => "model-package-group",
            DocKind::Scp => "scp",
            DocKind::Rcp => "rcp",
            DocKind::VpcEndpoint => "vpc-endpoint",
            DocKind::Resource => "resource",
        }
    }

    /// The part a document of this kind plays in a decision.
    pub fn role(self) -> PolicyKind {
        match self {
            DocKind::Identity | DocKind::Managed | DocKind::AwsManaged => PolicyKind::Identity,
            DocKind::Boundary => PolicyKind::Boundary,
            DocKind::Session => PolicyKind::Session,
            DocKind::Scp => PolicyKind::Scp,
            DocKind::Rcp => PolicyKind::Rcp,
            DocKind::VpcEndpoint => PolicyKind::VpcEndpoint,
            DocKind::Trust
            | DocKind::Bucket
            | DocKind::Repository
            | DocKind::Registry
            | DocKind::Key
            | DocKind::Grants
            | DocKind::ModelPackageGroup
            | DocKind::Resource => PolicyKind::Resource,
        }
    }

    /// The usual kind of a document playing `role` when nothing else is known.
    pub fn of_role(role: PolicyKind) -> DocKind {
        match role {
            PolicyKind::Identity => DocKind::Identity,
            PolicyKind::Boundary => DocKind::Boundary,
            PolicyKind::Session => DocKind::Session,
            PolicyKind::Resource => DocKind::Resource,
            PolicyKind::Scp => DocKind::Scp,
            PolicyKind::Rcp => DocKind::Rcp,
            PolicyKind::VpcEndpoint => DocKind::VpcEndpoint,
        }
    }

    /// Kinds whose statements must name a principal (AWS rejects a statement without one).
    pub fn needs_principal(self) -> bool {
        matches!(
            self,
            DocKind::Trust
                | DocKind::Bucket
                | DocKind::Repository
                | DocKind::Registry
                | DocKind::Key
                | DocKind::ModelPackageGroup
                | DocKind::Rcp
                | DocKind::Resource
        )
    }

    /// Kinds whose statements must not name a principal (AWS rejects a statement with one).
    pub fn forbids_principal(self) -> bool {
        matches!(
            self,
            DocKind::Identity
                | DocKind::Managed
                | DocKind::AwsManaged
                | DocKind::Boundary
                | DocKind::Session
                | DocKind::Scp
        )
    }

    /// Whether the storing service rejects a document whose actions it does not know, or that
    /// apply to none of the statement's resources. S3 does for bucket policies
    /// (`MalformedPolicy: Policy has invalid action`, `Action does not apply to any
    /// resource(s) in statement`); IAM accepts unknown actions in identity policies, which
    /// then grant nothing (docs/semantics.md §13.1).
    pub fn validates_actions(self) -> bool {
        self == DocKind::Bucket
    }

    /// The service's size limit, if one is documented.
    pub fn size_limit(self) -> Option<(usize, SizeUnit)> {
        match self {
            DocKind::Bucket => Some((20 * 1024, SizeUnit::Bytes)),
            DocKind::Repository => Some((10_240, SizeUnit::Chars)),
            DocKind::Key => Some((32 * 1024, SizeUnit::Bytes)),
            DocKind::ModelPackageGroup => Some((20_480, SizeUnit::Chars)),
            DocKind::Managed => Some((6_144, SizeUnit::Chars)),
            DocKind::Scp | DocKind::Rcp => Some((5_120, SizeUnit::Chars)),
            // Inline policies: a role's may total 10,240 characters (the largest of the
            // per-entity quotas), so no single one is larger.
            DocKind::Identity => Some((10_240, SizeUnit::Chars)),
            // The trust policy quota can be raised to 4,096 characters, no further.
            DocKind::Trust => Some((4_096, SizeUnit::Chars)),
            DocKind::Session => Some((2_048, SizeUnit::Chars)),
            DocKind::VpcEndpoint => Some((20_480, SizeUnit::Chars)),
            _ => None,
        }
    }
}
