//! What `Ref` and `Fn::GetAtt` return for a resource of the same template, for the types
//! whose names and ARN formats are documented: the name the template gives (`RoleName`,
//! `BucketName`…) and the ARN built from it, the stack's account and region. A resource
//! without a name gets one CloudFormation generates at deploy, and a KMS key's id is random:
//! those values are unknown ([`V::Unknown`], with the resource as its target), as is every
//! attribute of a type not listed here.

use super::value::V;
use crate::json::{Json, Pointer};

/// What a resource's name needs of the stack it is in: the template's resources, what is
/// known of the stack, and the evaluation of a property (which may refer to other resources
/// in turn). The evaluator of intrinsic functions ([`super::intrinsic::Stack`]) is one, and
/// calls [`ref_value`] and [`attr_value`] back through it.
pub trait StackView {
    /// The resource `logical` of the template.
    fn resource(&self, logical: &str) -> Option<&Json<'_>>;
    /// `AWS::AccountId`, when known.
    fn account(&self) -> Option<&str>;
    /// `AWS::Region`, when known.
    fn region(&self) -> Option<&str>;
    /// Resolves a value of the template found at `at`.
    fn eval(&self, j: &Json<'_>, at: &Pointer) -> V;
}

/// The partition of a region.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// The domain suffix of a partition.
pub fn url_suffix(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        _ => "amazonaws.com",
    }
}

/// The partition of the stack's region (`aws` when the region is unknown).
pub fn partition(stack: &dyn StackView) -> &'static str {
    stack.region().map_or("aws", partition_of)
}

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
pub fn type_of<'s>(stack: &'s dyn StackView, logical: &str) -> Option<&'s str> {
    stack.resource(logical)?.get("Type")?.as_str()
}

/// The physical name the template gives `logical` (a resource of a [`NAMED`] type), or why
/// it is unknown.
pub fn name_of(stack: &dyn StackView, logical: &str, at: &Pointer) -> Result<String, V> {
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
        .resource(logical)
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

fn prop<'s>(stack: &'s dyn StackView, logical: &str, key: &str) -> Option<&'s Json<'s>> {
    stack.resource(logical)?.get("Properties")?.get(key)
}

/// `Path` of an IAM resource (`/` when absent).
fn iam_path(stack: &dyn StackView, logical: &str) -> Result<String, V> {
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

fn account(stack: &dyn StackView, at: &Pointer) -> Result<String, V> {
    stack
        .account()
        .map(str::to_owned)
        .ok_or_else(|| V::unknown("the account is unknown: name it with `--account`", at))
}

fn region(stack: &dyn StackView, at: &Pointer) -> Result<String, V> {
    stack
        .region()
        .map(str::to_owned)
        .ok_or_else(|| V::unknown("the region is unknown: name it with `--region`", at))
}

/// The ARN of a resource of a [`NAMED`] type.
pub fn arn_of(stack: &dyn StackView, logical: &str, at: &Pointer) -> Result<String, V> {
    let ty = type_of(stack, logical).unwrap_or("");
    let name = name_of(stack, logical, at)?;
    let region_needed = !ty.starts_with("AWS::IAM::") && ty != "AWS::S3::Bucket";
    let p = partition(stack);
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
pub fn ref_value(stack: &dyn StackView, logical: &str, at: &Pointer) -> V {
    let ty = type_of(stack, logical).unwrap_or("");
    match NAMED.iter().find(|n| n.ty == ty).map(|n| n.by_ref) {
        Some(Ret::Name) => known(name_of(stack, logical, at)),
        Some(Ret::Arn) => known(arn_of(stack, logical, at)),
        Some(Ret::Url) => known((|| {
            let name = name_of(stack, logical, at)?;
            let (acct, reg) = (account(stack, at)?, region(stack, at)?);
            let suffix = url_suffix(partition_of(&reg));
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
pub fn attr_value(stack: &dyn StackView, logical: &str, attr: &str, at: &Pointer) -> V {
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
                let suffix = url_suffix(partition_of(&reg));
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
            let suffix = url_suffix(partition_of(&reg));
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
