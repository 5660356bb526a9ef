//! `XA0202 wildcard-principal-without-condition`: `Allow` to `"*"` with no condition that
//! narrows who the caller can be.

use crate::diagnostic::Severity;
use crate::rules::doc::{ConditionEntry, DocKind, PolicyDoc};
use crate::rules::{Findings, Rule, RuleMeta};

/// `XA0202 wildcard-principal-without-condition`.
pub struct WildcardPrincipalWithoutCondition;

static META: RuleMeta = RuleMeta {
    code: "XA0202",
    name: "wildcard-principal-without-condition",
    severity: Severity::Warning,
    summary: "`Allow` to every principal without a condition that narrows the caller",
    docs: r##"## What it does
Flags an `Allow` statement whose principal is `"*"` (or `{"AWS": "*"}`) when no condition
restricts who or where the caller is. Narrowing keys: `aws:PrincipalOrgID`,
`aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalIsAWSService`,
`aws:PrincipalServiceName`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`,
`aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceIp`,
`aws:VpcSourceIp`, `aws:userid`, `kms:CallerAccount`, `s3:DataAccessPointAccount` and
`s3:DataAccessPointArn`, used with a positive operator (not `…IfExists`, not negated, not
`Null`).

## Why is this bad?
`"*"` includes every AWS account and anonymous callers. Without a narrowing condition the
statement makes the resource public (and for S3 it is what Block Public Access exists to stop).

## Example
```json
{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
```

## Use instead
```json
{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
```

## References
- [IAM JSON policy elements: Principal (anonymous)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous)
- [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
"##,
};

const NARROWING: [&str; 19] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:userid",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

fn narrows(c: &ConditionEntry<'_>) -> bool {
    let Some(op) = &c.op else { return false };
    !op.if_exists
        && !op.base.is_negated()
        && op.base != crate::policy::BaseOp::Null
        && NARROWING.contains(&c.key.to_ascii_lowercase().as_str())
        && !c.values.iter().any(|(v, _)| v == "*")
}

impl Rule for WildcardPrincipalWithoutCondition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_policy(&self, doc: &PolicyDoc<'_>, out: &mut Findings) {
        // Customer RCPs may only deny; the one `Allow` is AWS's own `RCPFullAWSAccess`.
        if doc.kind == DocKind::Rcp {
            return;
        }
        for s in doc.statements.iter().filter(|s| s.is_allow()) {
            let Some(p) = &s.principal else { continue };
            if p.negated || !p.is_everyone() || s.conditions.iter().any(narrows) {
                continue;
            }
            out.report(
                p.pointer.clone(),
                "`Allow` to every principal (`\"*\"`) without a condition that narrows the caller",
            )
            .help("name the principals, or add a condition such as `\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-…\"}` or `aws:SourceAccount`");
        }
    }
}
