//! What `Ref` and `Fn::GetAtt` return for a resource of the same template, for the types
//! whose names and ARN formats are documented: the name the template gives (`RoleName`,
//! `BucketName`…) and the ARN built from it, the stack's account and region. A resource
//! without a name gets one CloudFormation generates at deploy, and a KMS key's id is random:
//! those values are unknown ([`V::Unknown`], with the resource as its target), as is every
//! attribute of a type not listed here.

use super::intrinsic::{url_suffix, Stack};
use super::value::V;
use crate::json::{Json, Pointer};

/// A resource type whose physical name the template can give.
struct Named {
    ty: &'static str,
    /// The property that names it.
    name: &'static str,
    /// What `Ref` returns.
    by_ref: Ret,
}

#[derive(Clone, Copy)]
enum Ret {
    Name,
    Arn,
    Url,
}

const NAMED: [Named; 14] = [
    Named {
        ty: "AWS::IAM::Role",
        name: "RoleName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::IAM::User",
        name: "UserName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::IAM::Group",
        name: "GroupName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::IAM::ManagedPolicy",
        name: "ManagedPolicyName",
        by_ref: Ret::Arn,
    },
    Named {
        ty: "AWS::IAM::InstanceProfile",
        name: "InstanceProfileName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::S3::Bucket",
        name: "BucketName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::S3::AccessPoint",
        name: "Name",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::ECR::Repository",
        name: "RepositoryName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::SageMaker::ModelPackageGroup",
        name: "ModelPackageGroupName",
        by_ref: Ret::Arn,
    },
    Named {
        ty: "AWS::SNS::Topic",
        name: "TopicName",
        by_ref: Ret::Arn,
    },
    Named {
        ty: "AWS::SQS::Queue",
        name: "QueueName",
        by_ref: Ret::Url,
    },
    Named {
        ty: "AWS::Lambda::Function",
        name: "FunctionName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::KMS::Alias",
        name: "AliasName",
        by_ref: Ret::Name,
    },
    Named {
        ty: "AWS::IAM::Policy",
        name: "PolicyName",
        by_ref: Ret::Name,
    },
];

/// The type of a resource of the template.
pub fn type_of<'t>(stack: &Stack<'t, '_>, logical: &str) -> Option<&'t str> {
    stack.resources.get(logical)?.get("Type")?.as_str()
}

/// The physical name the template gives `logical` (a resource of a [`NAMED`] type), or why
/// it is unknown.
pub fn name_of(stack: &Stack<'_, '_>, logical: &str, at: &Pointer) -> Result<String, V> {
    let ty = type_of(stack, logical).unwrap_or("");
    let Some(n) = NAMED.iter().find(|n| n.ty == ty) else {
        return Err(V::unknown_of(
            format!("the physical id of `{logical}` ({ty}) is set at deploy"),
            at,
            logical,
        ));
    };
    let props_at = Pointer::root()
        .key("Resources")
        .key(logical)
        .key("Properties");
    let given = stack
        .resources
        .get(logical)
        .and_then(|r| r.get("Properties"))
        .and_then(|p| p.get(n.name));
    match given {
        None | Some(Json::Null) => Err(V::unknown_of(
            format!(
                "`{logical}` has no `{}`: CloudFormation generates its name at deploy",
                n.name
            ),
            at,
            logical,
        )),
        Some(j) => match stack.eval(j, &props_at.key(n.name)) {
            V::Unknown(u) => Err(V::Unknown(u)),
            v => v.scalar_text().ok_or_else(|| {
                V::unknown_of(
                    format!("`{logical}`'s `{}` is not a string", n.name),
                    at,
                    logical,
                )
            }),
        },
    }
}

fn prop<'j>(stack: &'j Stack<'_, '_>, logical: &str, key: &str) -> Option<&'j Json<'j>> {
    stack.resources.get(logical)?.get("Properties")?.get(key)
}

/// `Path` of an IAM resource (`/` when absent).
fn iam_path(stack: &Stack<'_, '_>, logical: &str) -> Result<String, V> {
    let at = Pointer::root()
        .key("Resources")
        .key(logical)
        .key("Properties")
        .key("Path");
    match prop(stack, logical, "Path") {
        None => Ok("/".to_owned()),
        Some(j) => match stack.eval(j, &at) {
            V::Unknown(u) => Err(V::Unknown(u)),
            v => v
                .scalar_text()
                .ok_or_else(|| V::unknown("`Path` is not a string", &at)),
        },
    }
}

fn account(stack: &Stack<'_, '_>, at: &Pointer) -> Result<String, V> {
    stack
        .account
        .clone()
        .ok_or_else(|| V::unknown("the account is unknown: name it with `--account`", at))
}

fn region(stack: &Stack<'_, '_>, at: &Pointer) -> Result<String, V> {
    stack
        .region
        .clone()
        .ok_or_else(|| V::unknown("the region is unknown: name it with `--region`", at))
}

/// The ARN of a resource of a [`NAMED`] type.
pub fn arn_of(stack: &Stack<'_, '_>, logical: &str, at: &Pointer) -> Result<String, V> {
    let ty = type_of(stack, logical).unwrap_or("");
    let name = name_of(stack, logical, at)?;
    let region_needed = !ty.starts_with("AWS::IAM::") && ty != "AWS::S3::Bucket";
    let p = stack.partition();
    let iam = |kind: &str| -> Result<String, V> {
        let path = iam_path(stack, logical)?;
        Ok(format!(
            "arn:{p}:iam::{}:{kind}{path}{name}",
            account(stack, at)?
        ))
    };
    let (acct, reg) = if region_needed {
        (account(stack, at)?, region(stack, at)?)
    } else {
        (String::new(), String::new())
    };
    Ok(match ty {
        "AWS::IAM::Role" => iam("role")?,
        "AWS::IAM::User" => iam("user")?,
        "AWS::IAM::Group" => iam("group")?,
        "AWS::IAM::ManagedPolicy" => iam("policy")?,
        "AWS::IAM::InstanceProfile" => iam("instance-profile")?,
        "AWS::S3::Bucket" => format!("arn:{p}:s3:::{name}"),
        "AWS::S3::AccessPoint" => format!("arn:{p}:s3:{reg}:{acct}:accesspoint/{name}"),
        "AWS::ECR::Repository" => format!("arn:{p}:ecr:{reg}:{acct}:repository/{name}"),
        // SageMaker writes its ARNs in lower case.
        "AWS::SageMaker::ModelPackageGroup" => format!(
            "arn:{p}:sagemaker:{reg}:{acct}:model-package-group/{}",
            name.to_ascii_lowercase()
        ),
        "AWS::SNS::Topic" => format!("arn:{p}:sns:{reg}:{acct}:{name}"),
        "AWS::SQS::Queue" => format!("arn:{p}:sqs:{reg}:{acct}:{name}"),
        "AWS::Lambda::Function" => format!("arn:{p}:lambda:{reg}:{acct}:function:{name}"),
        _ => {
            return Err(V::unknown_of(
                format!("the ARN of `{logical}` ({ty}) is set at deploy"),
                at,
                logical,
            ))
        }
    })
}

fn known(r: Result<String, V>) -> V {
    r.map_or_else(|v| v, V::Str)
}

/// What `Ref` to `logical` returns.
pub fn ref_value(stack: &Stack<'_, '_>, logical: &str, at: &Pointer) -> V {
    let ty = type_of(stack, logical).unwrap_or("");
    match NAMED.iter().find(|n| n.ty == ty).map(|n| n.by_ref) {
        Some(Ret::Name) => known(name_of(stack, logical, at)),
        Some(Ret::Arn) => known(arn_of(stack, logical, at)),
        Some(Ret::Url) => known((|| {
            let name = name_of(stack, logical, at)?;
            let (acct, reg) = (account(stack, at)?, region(stack, at)?);
            let suffix = url_suffix(super::intrinsic::partition_of(&reg));
            Ok(format!("https://sqs.{reg}.{suffix}/{acct}/{name}"))
        })()),
        None => V::unknown_of(
            format!("the physical id of `{logical}` ({ty}) is set at deploy"),
            at,
            logical,
        ),
    }
}

/// What `Fn::GetAtt` of `attr` of `logical` returns.
pub fn attr_value(stack: &Stack<'_, '_>, logical: &str, attr: &str, at: &Pointer) -> V {
    let ty = type_of(stack, logical).unwrap_or("");
    let generated = || {
        V::unknown_of(
            format!("`{logical}.{attr}` ({ty}) is set at deploy"),
            at,
            logical,
        )
    };
    match (ty, attr) {
        (
            "AWS::IAM::Role"
            | "AWS::IAM::User"
            | "AWS::IAM::Group"
            | "AWS::IAM::InstanceProfile"
            | "AWS::S3::Bucket"
            | "AWS::S3::AccessPoint"
            | "AWS::ECR::Repository"
            | "AWS::SQS::Queue"
            | "AWS::Lambda::Function",
            "Arn",
        )
        | ("AWS::IAM::ManagedPolicy", "PolicyArn")
        | ("AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupArn")
        | ("AWS::SNS::Topic", "TopicArn") => known(arn_of(stack, logical, at)),
        ("AWS::S3::Bucket", "DomainName") | ("AWS::S3::Bucket", "RegionalDomainName") => {
            known((|| {
                let name = name_of(stack, logical, at)?;
                let reg = region(stack, at)?;
                let suffix = url_suffix(super::intrinsic::partition_of(&reg));
                Ok(if attr == "DomainName" {
                    format!("{name}.s3.{suffix}")
                } else {
                    format!("{name}.s3.{reg}.{suffix}")
                })
            })())
        }
        ("AWS::ECR::Repository", "RepositoryUri") => known((|| {
            let name = name_of(stack, logical, at)?;
            let (acct, reg) = (account(stack, at)?, region(stack, at)?);
            let suffix = url_suffix(super::intrinsic::partition_of(&reg));
            Ok(format!("{acct}.dkr.ecr.{reg}.{suffix}/{name}"))
        })()),
        ("AWS::SNS::Topic", "TopicName")
        | ("AWS::SQS::Queue", "QueueName")
        | ("AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupName") => {
            known(name_of(stack, logical, at))
        }
        ("AWS::SQS::Queue", "QueueUrl") => ref_value(stack, logical, at),
        _ => generated(),
    }
}
