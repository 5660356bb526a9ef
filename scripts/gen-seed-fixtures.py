#!/usr/bin/env python3
"""Generates the fixtures of `xacct check` (issue 4) from one description of the setup.

    python3 scripts/gen-seed-fixtures.py

(Re)writes, and only these:

    fixtures/seed-example/            the guide's code as written, bugs included
    fixtures/seed-example-fixed/      the same setup, corrected: the registration is possible
    fixtures/seed-variants/<name>/    the fixed setup with one change each
    fixtures/workflows/               the workflow's inputs and scenarios (gen_workflow_fixtures.py)

Each folder is an inventory in the layout of docs/inventory.md (the files the AWS CLI v2
prints, as scripts/export-account.sh writes them, plus one Terraform plan in one variant),
with a `create-model-package.json` request and a README.md. The guide is
`../shared/seeds/000_62c4f544a4df8c7c.txt` ("Register a Model Version from a Different
Account"): registry account 111111111111, training account 222222222222, us-east-2.

Python 3 standard library only; the output is byte-for-byte deterministic (no clock, no
randomness: ids are derived from names).
"""

import copy
import hashlib
import json
import shutil
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# ---------------------------------------------------------------------------------------
# The setup's names.

REG = "111111111111"  # the Model Registry account (owns the model package group)
TRN = "222222222222"  # the model training account (owns image, artifact bucket and key)
MGMT = "999999999999"  # the organization's management account (not exported)
REGION = "us-east-2"

BUCKET = "sagemaker-training-artifacts-222222222222"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
OBJECT_KEY = "model.tar.gz"
OBJECT_ARN = f"{BUCKET_ARN}/{OBJECT_KEY}"

REPO = "decision-trees-sample"
REPO_ARN = f"arn:aws:ecr:{REGION}:{TRN}:repository/{REPO}"
IMAGE = f"{TRN}.dkr.ecr.{REGION}.amazonaws.com/{REPO}:latest"

GROUP = "decision-trees"
GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{REG}:model-package-group/{GROUP}"
PACKAGES = f"arn:aws:sagemaker:{REGION}:{REG}:model-package/{GROUP}/*"

KEY_ID = "7c1e9a52-3d84-4b6f-a0e2-5f9b8c3d1e47"
KEY_ARN = f"arn:aws:kms:{REGION}:{TRN}:key/{KEY_ID}"
AWS_S3_KEY_ID = "b4d2f6e8-19a3-4c57-8e6d-0a2c4e6f8b91"  # aws/s3, AWS managed
AWS_S3_KEY_ARN = f"arn:aws:kms:{REGION}:{TRN}:key/{AWS_S3_KEY_ID}"

TRAINING_ROLE = "SageMakerTrainingRole"
TRAINING_ROLE_ARN = f"arn:aws:iam::{TRN}:role/{TRAINING_ROLE}"
DEPLOY_ROLE = "ModelRegistryDeployRole"
DEPLOY_ROLE_ARN = f"arn:aws:iam::{REG}:role/{DEPLOY_ROLE}"

ORG_ID = "o-k3v8x2m5q7"
ROOT_ID = "r-k3v8"
OU_WORKLOADS = "ou-k3v8-6w1d4p9s"
OU_TRAINING = "ou-k3v8-2t7r5n0a"
OU_REGISTRY = "ou-k3v8-8g3h6c1b"

CANONICAL_ID = "5b7e1c3a9d2f4e6b8a0c1d3e5f7a9b2c4d6e8f0a1b3c5d7e9f2a4b6c8d0e1f3a"

# The guide's request, as its code builds it.
DESCRIPTION = "Model to detect 3 different types of irises (Setosa, Versicolour, and Virginica)"


def rid(prefix, name, n=17):
    """A stable IAM unique id (`AROA…`, `ANPA…`) derived from a name."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    digest = hashlib.sha256(name.encode()).digest()
    return prefix + "".join(alphabet[b % 32] for b in digest[:n])


def hexid(name, n=64):
    return hashlib.sha256(name.encode()).hexdigest()[:n]


# ---------------------------------------------------------------------------------------
# How each service prints a stored policy.


def jackson(v, level=0):
    """Jackson's default pretty printer: how ECR and KMS (default key policy) print
    documents: `" : "`, two-space indent, arrays on one line (`[ {` … `} ]`)."""
    pad = "  " * level
    if isinstance(v, dict):
        if not v:
            return "{ }"
        members = [f'{"  " * (level + 1)}{json.dumps(k)} : {jackson(x, level + 1)}' for k, x in v.items()]
        return "{\n" + ",\n".join(members) + "\n" + pad + "}"
    if isinstance(v, list):
        if not v:
            return "[ ]"
        return "[ " + ", ".join(jackson(x, level) for x in v) + " ]"
    return json.dumps(v)


def compact(doc):
    """How S3 prints a stored bucket policy (whitespace removed)."""
    return json.dumps(doc, separators=(",", ":"))


def python_dumps(doc):
    """`json.dumps(doc)`: what the guide's code submits."""
    return json.dumps(doc)


def jsonencode(doc):
    """Terraform's `jsonencode` (keys sorted, compact)."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


def policy(*statements, **top):
    return {"Version": "2012-10-17", **top, "Statement": list(statements)}


# ---------------------------------------------------------------------------------------
# The setups. A setup is a dict; `write_inventory` turns it into files.


def guide_setup():
    """What the guide's code leaves behind, as written."""
    s = {}
    s["title"] = "seed-example"
    # Training account, 1: set_repository_policy with the guide's ECR policy (ECR stores it
    # and prints it back in its own format).
    s["ecr_policy"] = policy(
        {
            "Sid": "AddPerm",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{REG}:root"},
            "Action": ["ecr:BatchGetImage", "ecr:Describe*"],
        }
    )
    # 2: put_bucket_policy(Bucket=bucket, Policy=json.dumps(bucket_policy)): the Resource
    # strings are plain strings (not f-strings), so `{bucket}` is sent literally, and the
    # second entry starts with `Resource: `. S3 rejects this document (MalformedPolicy); the
    # file holds the text the code submits, so that each defect can be named.
    s["bucket_policy_text"] = python_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AddPerm",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{REG}:root"},
                    "Action": ["s3:GetObject", "s3:GetBucketAcl", "s3:GetObjectAcl"],
                    "Resource": ["arn:aws:s3:::{bucket}/*", "Resource: arn:aws:s3:::{bucket}"],
                }
            ],
        }
    )
    # 3: create_grant(GranteePrincipal=model_registry_account, KeyId=kms_key_id,
    # Operations=["Decrypt", "GenerateDataKey"]): a bare account id, no constraints, no name.
    s["grants"] = [
        {
            "KeyId": KEY_ARN,
            "GrantId": hexid("seed-grant-bare-account-id"),
            "Name": "",
            "CreationDate": "2024-09-12T14:03:27+00:00",
            "GranteePrincipal": REG,
            "IssuingAccount": f"arn:aws:iam::{TRN}:root",
            "Operations": ["Decrypt", "GenerateDataKey"],
        }
    ]
    # The key was created without a policy: KMS's default key policy.
    s["key_policy_text"] = jackson(
        policy(
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{TRN}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            Id="key-default-1",
        )
    )
    s["bucket_key_id"] = KEY_ARN  # default encryption: SSE-KMS with the customer managed key
    s["aws_s3_key"] = False  # whether the account has the AWS managed aws/s3 key
    # Registry account, 1: put_model_package_group_policy(ResourcePolicy=json.dumps(...)).
    s["group_policy_text"] = python_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AddPermModelPackageVersion",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{TRN}:root"},
                    "Action": ["sagemaker:CreateModelPackage"],
                    "Resource": f"arn:aws:sagemaker:{REGION}:{REG}:model-package/{GROUP}/*",
                }
            ],
        }
    )
    # Identity policies: the guide shows none. The roles exist with what a training role and
    # an endpoint role typically have, nothing of the registration.
    s["training_role_policies"] = [("sagemaker-training-job", training_job_policy())]
    s["deploy_role_policies"] = [("endpoint-runtime", endpoint_runtime_policy())]
    s["extra_scps"] = []  # (policy id, name, description, document, target ids)
    s["model_data_url"] = "s3://{bucket}/model.tar.gz"  # a plain string in the guide
    s["terraform_registry"] = False
    return s


def training_job_policy():
    return policy(
        {
            "Sid": "TrainingArtifacts",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
            "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
        },
        {
            "Sid": "TrainingOutputKey",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": KEY_ARN,
        },
        {
            "Sid": "PullTrainingImage",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            "Resource": REPO_ARN,
        },
        {"Sid": "EcrToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "TrainingLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{REGION}:{TRN}:log-group:/aws/sagemaker/TrainingJobs*",
        },
    )


def endpoint_runtime_policy():
    return policy(
        {
            "Sid": "EndpointLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:{REGION}:{REG}:log-group:/aws/sagemaker/Endpoints/*",
        },
        {
            "Sid": "EndpointMetrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/Endpoints"}},
        },
    )


def register_policy(resource=PACKAGES):
    return policy(
        {
            "Sid": "RegisterIntoModelRegistry",
            "Effect": "Allow",
            "Action": "sagemaker:CreateModelPackage",
            "Resource": resource,
        }
    )


def deploy_artifacts_statements(with_token=True):
    st = []
    if with_token:
        st.append({"Sid": "EcrAuthorizationToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
    st += [
        {
            "Sid": "PullTrainingImage",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            "Resource": REPO_ARN,
        },
        {"Sid": "ReadModelArtifacts", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"},
        {
            "Sid": "DecryptModelArtifacts",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": KEY_ARN,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}},
        },
    ]
    return st


def fixed_setup():
    s = guide_setup()
    s["title"] = "seed-example-fixed"
    s["ecr_policy"] = ecr_fixed_policy(f"arn:aws:iam::{REG}:root")
    s["bucket_policy_text"] = compact(bucket_fixed_policy(f"arn:aws:iam::{REG}:root"))
    s["grants"] = [deploy_grant()]
    s["group_policy_text"] = python_dumps(group_fixed_policy(f"arn:aws:iam::{TRN}:root"))
    s["training_role_policies"] = [
        ("sagemaker-training-job", training_job_policy()),
        ("register-into-model-registry", register_policy()),
    ]
    s["deploy_role_policies"] = [
        ("endpoint-runtime", endpoint_runtime_policy()),
        ("use-training-account-artifacts", policy(*deploy_artifacts_statements())),
    ]
    s["model_data_url"] = f"s3://{BUCKET}/{OBJECT_KEY}"
    return s


def ecr_fixed_policy(principal):
    return policy(
        {
            "Sid": "AddPerm",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": [
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchCheckLayerAvailability",
                "ecr:Describe*",
            ],
        }
    )


def bucket_fixed_policy(principal):
    return policy(
        {
            "Sid": "AddPerm",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "s3:GetObject",
            "Resource": f"{BUCKET_ARN}/*",
        }
    )


def group_fixed_policy(principal):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AddPermModelPackageVersion",
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": ["sagemaker:CreateModelPackage"],
                "Resource": PACKAGES,
            }
        ],
    }


def deploy_grant():
    return {
        "KeyId": KEY_ARN,
        "GrantId": hexid("fixed-grant-deploy-role"),
        "Name": "model-registry-deploy",
        "CreationDate": "2024-09-19T08:41:05+00:00",
        "GranteePrincipal": DEPLOY_ROLE_ARN,
        "RetiringPrincipal": f"arn:aws:iam::{TRN}:root",
        "IssuingAccount": f"arn:aws:iam::{TRN}:root",
        "Operations": ["Decrypt", "DescribeKey"],
        "Constraints": {"EncryptionContextSubset": {"aws:s3:arn": OBJECT_ARN}},
    }


# ---------------------------------------------------------------------------------------
# The variants: the fixed setup with one change each.


def variant_scp(s):
    doc = policy(
        {
            "Sid": "OnlyTheReleasePipelineRegistersModels",
            "Effect": "Deny",
            "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ml-release-pipeline"}},
        }
    )
    s["extra_scps"] = [
        (
            "p-7q2ml0reg",
            "DenyModelRegistrationOutsidePipeline",
            "Only the release pipeline registers models",
            doc,
            [OU_TRAINING],
        )
    ]


def variant_bucket_deny(s):
    doc = bucket_fixed_policy(f"arn:aws:iam::{REG}:root")
    doc["Statement"].append(
        {
            "Sid": "DenyReadsFromOtherAccounts",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{BUCKET_ARN}/*",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": TRN}},
        }
    )
    s["bucket_policy_text"] = compact(doc)


def variant_aws_managed_key(s):
    s["bucket_key_id"] = AWS_S3_KEY_ARN
    s["aws_s3_key"] = True


def variant_key_policy_without_root(s):
    # A hand-written key policy that replaced the default one: key administrators and the
    # training role as key user, no "Enable IAM User Permissions" statement. The registry has
    # no grant: it relies on IAM delegation (its Deploy role's identity policy), which a key
    # honours only through a key policy statement naming the account root; none does.
    s["key_policy_text"] = json.dumps(
        policy(
            {
                "Sid": "Allow access for Key Administrators",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{TRN}:role/KeyAdministrator"},
                "Action": [
                    "kms:Create*",
                    "kms:Describe*",
                    "kms:Enable*",
                    "kms:List*",
                    "kms:Put*",
                    "kms:Update*",
                    "kms:Revoke*",
                    "kms:Disable*",
                    "kms:Get*",
                    "kms:Delete*",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion",
                ],
                "Resource": "*",
            },
            {
                "Sid": "Allow use of the key",
                "Effect": "Allow",
                "Principal": {"AWS": TRAINING_ROLE_ARN},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
            },
            Id="key-consolepolicy-3",
        ),
        indent=4,
    )
    s["grants"] = []


def variant_role_principals(s):
    s["ecr_policy"] = ecr_fixed_policy(DEPLOY_ROLE_ARN)
    s["bucket_policy_text"] = compact(bucket_fixed_policy(DEPLOY_ROLE_ARN))
    s["group_policy_text"] = python_dumps(group_fixed_policy(TRAINING_ROLE_ARN))


def variant_version_1(s):
    doc = group_fixed_policy(f"arn:aws:iam::{TRN}:root")
    doc["Statement"][0]["Resource"] = f"arn:aws:sagemaker:{REGION}:{REG}:model-package/{GROUP}/1"
    s["group_policy_text"] = python_dumps(doc)


def variant_no_token(s):
    s["deploy_role_policies"] = [
        ("endpoint-runtime", endpoint_runtime_policy()),
        ("use-training-account-artifacts", policy(*deploy_artifacts_statements(with_token=False))),
    ]


def variant_terraform(s):
    s["terraform_registry"] = True


VARIANTS = [
    (
        "training-scp-denies-create-model-package",
        variant_scp,
        "fail",
        "An SCP `DenyModelRegistrationOutsidePipeline` (`p-7q2ml0reg`) attached to the OU "
        "`ML-Training` (which holds 222222222222) denies `sagemaker:CreateModelPackage` to every "
        "principal but `role/ml-release-pipeline`. The group policy and the training role's "
        "identity policy allow it; the SCP's explicit deny wins.",
        "`create-model-package`: explicit deny by the SCP `DenyModelRegistrationOutsidePipeline` "
        "(`org/policies/p-7q2ml0reg.json`), for every version. The consumer steps pass.",
    ),
    (
        "bucket-policy-explicit-deny",
        variant_bucket_deny,
        "fail",
        "The bucket policy gained a statement `DenyReadsFromOtherAccounts`: Deny `s3:GetObject` "
        "on `bucket/*` to every principal whose `aws:PrincipalAccount` is not 222222222222, "
        "which includes the registry's `ModelRegistryDeployRole`. The `AddPerm` allow to "
        "111111111111 is still there; the explicit deny wins.",
        "`s3-read-artifact`: explicit deny by `DenyReadsFromOtherAccounts` in "
        "`222222222222/s3/sagemaker-training-artifacts-222222222222.policy.json`. The other "
        "steps pass (the KMS step too: a KMS decision does not depend on the bucket policy).",
    ),
    (
        "aws-managed-key",
        variant_aws_managed_key,
        "fail",
        "The bucket's default encryption uses the AWS managed key `aws/s3` "
        f"(`{AWS_S3_KEY_ARN}`; `describe-key` says `KeyManager: AWS`, its policy is the "
        "fixed `auto-s3-2` policy that admits only callers of 222222222222 through S3, and it "
        "has no grants). The customer managed key and its grant to the Deploy role still exist "
        "but the artifact is not encrypted with it.",
        "`kms-decrypt-artifact`: fails because the artifact key is AWS managed: an AWS managed "
        "key can never serve another account (its policy cannot be changed and it takes no "
        "grants; `kms:CallerAccount` 111111111111 does not match the policy). The fix is to "
        "re-encrypt with a customer managed key, not a policy edit.",
    ),
    (
        "key-policy-without-root",
        variant_key_policy_without_root,
        "fail",
        "The key policy was replaced by a hand-written one (key administrators, and the "
        "training role as key user) without the \"Enable IAM User Permissions\" root statement, "
        "and the grant to the Deploy role was retired. The registry's only claim on the key is "
        "the root-delegating one: its Deploy role's identity policy allows `kms:Decrypt` on the "
        "key ARN, which counts only when the key policy names the account root "
        "(`arn:aws:iam::111111111111:root`). No statement names any account root (not even "
        "222222222222's), so no IAM policy counts for this key, in either account.",
        "`kms-decrypt-artifact`: implicit deny: the key policy does not allow the Deploy role "
        "or its account, and no grant does. Fix: a key policy statement for "
        "`arn:aws:iam::111111111111:root` (or the Deploy role) with `kms:Decrypt`, or a "
        "`create-grant` to the Deploy role. The other steps pass.",
    ),
    (
        "role-specific-principals",
        variant_role_principals,
        "pass",
        "The resource policies name roles instead of account roots: the ECR repository policy "
        "and the bucket policy name `arn:aws:iam::111111111111:role/ModelRegistryDeployRole`, "
        "the group policy names `arn:aws:iam::222222222222:role/SageMakerTrainingRole` (the "
        "KMS grant already named the Deploy role). Identity policies are unchanged.",
        "every step allowed; verdict: possible.",
    ),
    (
        "group-policy-version-1-only",
        variant_version_1,
        "fail",
        "The group policy's Resource is `arn:aws:sagemaker:us-east-2:111111111111:model-package/"
        "decision-trees/1`: it lets 222222222222 create version 1 only. A new version gets the "
        "next number, so every registration after the first is denied.",
        "`create-model-package`: implicit deny for version 2 and later (the group policy does "
        "not cover `model-package/decision-trees/N`); version 1 alone would pass. Fix: "
        "`model-package/decision-trees/*`.",
    ),
    (
        "consumer-without-get-authorization-token",
        variant_no_token,
        "fail",
        "The Deploy role's identity policy `use-training-account-artifacts` lacks "
        "`ecr:GetAuthorizationToken`. Everything else is as in the fixed setup.",
        "`ecr-authorization-token`: implicit deny (identity side: no identity policy allows "
        "`ecr:GetAuthorizationToken` on `*`; a repository policy cannot grant it). The "
        "repository-level pull actions themselves are allowed.",
    ),
    (
        "terraform-registry-side",
        variant_terraform,
        "pass",
        "The registry account's side is a Terraform plan (`terraform/registry.tfplan.json`, "
        "`terraform show -json`) instead of CLI exports: no `111111111111/` folder. The plan "
        "manages the existing group `decision-trees` and role `ModelRegistryDeployRole` "
        "(no-op), and creates the group policy, the role's inline policy "
        "`use-training-account-artifacts` (from an `aws_iam_policy_document` read at plan "
        "time), and a managed policy `ecr-authorization-token` attached to the role (its ARN is "
        "known only after apply and is followed through the attachment's reference). The plan "
        "names no account in the policies' ARNs: `prior_state`'s `aws_caller_identity` says "
        "111111111111.",
        "every step allowed, as in the fixed setup; verdict: possible.",
    ),
]


# ---------------------------------------------------------------------------------------
# Writing an inventory.


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=4) + "\n", encoding="utf-8")


def role_entry(account, name, trust, inline, attached, created, last_used=None):
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": rid("AROA", f"{account}/{name}"),
        "Arn": f"arn:aws:iam::{account}:role/{name}",
        "CreateDate": created,
        "AssumeRolePolicyDocument": trust,
        "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in attached],
        "Tags": [],
        "RoleLastUsed": last_used or {},
    }


def sagemaker_trust():
    return policy(
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )


def org_access_role(account):
    return role_entry(
        account,
        "OrganizationAccountAccessRole",
        policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"}, "Action": "sts:AssumeRole"}),
        [],
        ["arn:aws:iam::aws:policy/AdministratorAccess"],
        "2021-06-03T12:00:41+00:00",
        {"LastUsedDate": "2024-09-10T07:12:55+00:00", "Region": "us-east-1"},
    )


ADMINISTRATOR_ACCESS = {
    "PolicyName": "AdministratorAccess",
    "PolicyId": "ANPAIWMBCKSKIEE64ZLYK",
    "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
    "Path": "/",
    "DefaultVersionId": "v1",
    "AttachmentCount": 1,
    "PermissionsBoundaryUsageCount": 0,
    "IsAttachable": True,
    "Description": "Provides full access to AWS services and resources.",
    "CreateDate": "2015-02-06T18:39:46+00:00",
    "UpdateDate": "2015-02-06T18:39:46+00:00",
    "PolicyVersionList": [
        {
            "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "CreateDate": "2015-02-06T18:39:46+00:00",
        }
    ],
}


def gaad(roles):
    return {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": [ADMINISTRATOR_ACCESS],
    }


def not_found(code, message):
    return {"Error": {"Code": code, "Message": message}}


def write_training_account(d, s):
    a = d / TRN
    write_json(
        a / "iam.json",
        gaad(
            [
                org_access_role(TRN),
                role_entry(
                    TRN,
                    TRAINING_ROLE,
                    sagemaker_trust(),
                    s["training_role_policies"],
                    [],
                    "2024-08-27T16:20:13+00:00",
                    {"LastUsedDate": "2024-09-18T22:47:31+00:00", "Region": REGION},
                ),
            ]
        ),
    )
    pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    write_json(a / "s3control/public-access-block.json", {"PublicAccessBlockConfiguration": dict(pab)})
    b = a / "s3"
    write_json(b / f"{BUCKET}.location.json", {"LocationConstraint": REGION})
    write_json(b / f"{BUCKET}.policy.json", {"Policy": s["bucket_policy_text"]})
    write_json(
        b / f"{BUCKET}.encryption.json",
        {
            "ServerSideEncryptionConfiguration": {
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": s["bucket_key_id"]},
                        "BucketKeyEnabled": False,
                    }
                ]
            }
        },
    )
    write_json(b / f"{BUCKET}.ownership.json", {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}})
    write_json(b / f"{BUCKET}.public-access-block.json", {"PublicAccessBlockConfiguration": dict(pab)})
    write_json(
        b / f"{BUCKET}.acl.json",
        {
            "Owner": {"ID": CANONICAL_ID},
            "Grants": [{"Grantee": {"ID": CANONICAL_ID, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}],
        },
    )
    r = a / REGION
    write_json(
        r / "ecr-registry-policy.json",
        not_found(
            "RegistryPolicyNotFoundException",
            f"Registry policy does not exist in the registry with id '{TRN}'",
        ),
    )
    write_json(
        r / "ecr" / f"{REPO}.json",
        {"registryId": TRN, "repositoryName": REPO, "policyText": jackson(s["ecr_policy"])},
    )
    k = r / "kms"
    write_json(
        k / f"{KEY_ID}.key.json",
        {
            "KeyMetadata": {
                "AWSAccountId": TRN,
                "KeyId": KEY_ID,
                "Arn": KEY_ARN,
                "CreationDate": "2024-08-27T16:18:52.604000+00:00",
                "Enabled": True,
                "Description": "SageMaker training output (model artifacts)",
                "KeyUsage": "ENCRYPT_DECRYPT",
                "KeyState": "Enabled",
                "Origin": "AWS_KMS",
                "KeyManager": "CUSTOMER",
                "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
                "KeySpec": "SYMMETRIC_DEFAULT",
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
                "MultiRegion": False,
            }
        },
    )
    write_json(k / f"{KEY_ID}.policy.json", {"Policy": s["key_policy_text"], "PolicyName": "default"})
    write_json(k / f"{KEY_ID}.grants.json", {"Grants": s["grants"], "Truncated": False})
    if s["aws_s3_key"]:
        write_json(
            k / f"{AWS_S3_KEY_ID}.key.json",
            {
                "KeyMetadata": {
                    "AWSAccountId": TRN,
                    "KeyId": AWS_S3_KEY_ID,
                    "Arn": AWS_S3_KEY_ARN,
                    "CreationDate": "2024-08-27T16:25:09.118000+00:00",
                    "Enabled": True,
                    "Description": "Default key that protects my S3 objects when no other key is defined",
                    "KeyUsage": "ENCRYPT_DECRYPT",
                    "KeyState": "Enabled",
                    "Origin": "AWS_KMS",
                    "KeyManager": "AWS",
                    "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
                    "KeySpec": "SYMMETRIC_DEFAULT",
                    "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
                    "MultiRegion": False,
                }
            },
        )
        write_json(
            k / f"{AWS_S3_KEY_ID}.policy.json",
            {
                "Policy": jackson(
                    policy(
                        {
                            "Sid": "Allow access through S3 for all principals in the account that are authorized to use S3",
                            "Effect": "Allow",
                            "Principal": {"AWS": "*"},
                            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                            "Resource": "*",
                            "Condition": {
                                "StringEquals": {
                                    "kms:CallerAccount": TRN,
                                    "kms:ViaService": f"s3.{REGION}.amazonaws.com",
                                }
                            },
                        },
                        {
                            "Sid": "Allow direct access to key metadata to the account",
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{TRN}:root"},
                            "Action": ["kms:Describe*", "kms:Get*", "kms:List*"],
                            "Resource": "*",
                        },
                        Id="auto-s3-2",
                    )
                ),
                "PolicyName": "default",
            },
        )
        write_json(k / f"{AWS_S3_KEY_ID}.grants.json", {"Grants": [], "Truncated": False})


def write_registry_account(d, s):
    a = d / REG
    write_json(
        a / "iam.json",
        gaad(
            [
                role_entry(
                    REG,
                    DEPLOY_ROLE,
                    sagemaker_trust(),
                    s["deploy_role_policies"],
                    [],
                    "2024-08-29T09:02:44+00:00",
                    {"LastUsedDate": "2024-09-16T11:30:02+00:00", "Region": REGION},
                ),
                org_access_role(REG),
            ]
        ),
    )
    pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    write_json(a / "s3control/public-access-block.json", {"PublicAccessBlockConfiguration": pab})
    r = a / REGION
    write_json(
        r / "ecr-registry-policy.json",
        not_found(
            "RegistryPolicyNotFoundException",
            f"Registry policy does not exist in the registry with id '{REG}'",
        ),
    )
    write_json(r / "sagemaker" / f"{GROUP}.json", {"ResourcePolicy": s["group_policy_text"]})


# -- The organization ----------------------------------------------------------------------

ORG_ARN = f"arn:aws:organizations::{MGMT}"


def ou_arn(ou):
    return f"{ORG_ARN}:ou/{ORG_ID}/{ou}"


def account_arn(acct):
    return f"{ORG_ARN}:account/{ORG_ID}/{acct}"


def root_arn():
    return f"{ORG_ARN}:root/{ORG_ID}/{ROOT_ID}"


ACCOUNTS = {
    MGMT: ("management", "aws-management@example.com", "INVITED", "2021-06-01T09:00:00.512000+00:00", ROOT_ID),
    TRN: ("ml-training", "aws-ml-training@example.com", "CREATED", "2021-06-03T12:00:39.207000+00:00", OU_TRAINING),
    REG: ("ml-registry", "aws-ml-registry@example.com", "CREATED", "2021-06-03T12:04:17.884000+00:00", OU_REGISTRY),
}
OUS = {OU_WORKLOADS: ("Workloads", ROOT_ID), OU_TRAINING: ("ML-Training", OU_WORKLOADS), OU_REGISTRY: ("ML-Registry", OU_WORKLOADS)}


def target(tid):
    if tid == ROOT_ID:
        return {"TargetId": tid, "Arn": root_arn(), "Name": "Root", "Type": "ROOT"}
    if tid in OUS:
        return {"TargetId": tid, "Arn": ou_arn(tid), "Name": OUS[tid][0], "Type": "ORGANIZATIONAL_UNIT"}
    return {"TargetId": tid, "Arn": account_arn(tid), "Name": ACCOUNTS[tid][0], "Type": "ACCOUNT"}


def write_org(d, s):
    o = d / "org"
    write_json(
        o / "organization.json",
        {
            "Organization": {
                "Id": ORG_ID,
                "Arn": f"{ORG_ARN}:organization/{ORG_ID}",
                "FeatureSet": "ALL",
                "MasterAccountArn": account_arn(MGMT),
                "MasterAccountId": MGMT,
                "MasterAccountEmail": ACCOUNTS[MGMT][1],
                "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
            }
        },
    )
    write_json(
        o / "roots.json",
        {
            "Roots": [
                {
                    "Id": ROOT_ID,
                    "Arn": root_arn(),
                    "Name": "Root",
                    "PolicyTypes": [
                        {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
                        {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"},
                    ],
                }
            ]
        },
    )
    parents = [ROOT_ID, *OUS]
    for p in parents:
        write_json(
            o / "ous" / f"{p}.json",
            {
                "OrganizationalUnits": [
                    {"Id": ou, "Arn": ou_arn(ou), "Name": name} for ou, (name, parent) in OUS.items() if parent == p
                ]
            },
        )
        write_json(
            o / "accounts" / f"{p}.json",
            {
                "Accounts": [
                    {
                        "Id": acct,
                        "Arn": account_arn(acct),
                        "Email": email,
                        "Name": name,
                        "Status": "ACTIVE",
                        "JoinedMethod": joined,
                        "JoinedTimestamp": ts,
                    }
                    for acct, (name, email, joined, ts, parent) in ACCOUNTS.items()
                    if parent == p
                ]
            },
        )
    everywhere = [ROOT_ID, *OUS, *ACCOUNTS]
    # (id, name, description, type, aws managed, document, targets)
    policies = [
        (
            "p-FullAWSAccess",
            "FullAWSAccess",
            "Allows access to every operation",
            "SERVICE_CONTROL_POLICY",
            True,
            policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            everywhere,
        ),
        *[(pid, name, desc, "SERVICE_CONTROL_POLICY", False, doc, tg) for pid, name, desc, doc, tg in s["extra_scps"]],
        (
            "p-RCPFullAWSAccess",
            "RCPFullAWSAccess",
            "Allows access to every operation",
            "RESOURCE_CONTROL_POLICY",
            True,
            policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
            everywhere,
        ),
    ]
    for ptype in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        listed = []
        for pid, name, desc, t, managed, doc, targets in policies:
            if t != ptype:
                continue
            arn = (
                f"arn:aws:organizations::aws:policy/{t.lower()}/{pid}"
                if managed
                else f"{ORG_ARN}:policy/{ORG_ID}/{t.lower()}/{pid}"
            )
            summary = {"Id": pid, "Arn": arn, "Name": name, "Description": desc, "Type": t, "AwsManaged": managed}
            listed.append(summary)
            content = compact(doc) if managed else json.dumps(doc, indent=4)
            write_json(o / "policies" / f"{pid}.json", {"Policy": {"PolicySummary": summary, "Content": content}})
            write_json(o / "targets" / f"{pid}.json", {"Targets": [target(t_) for t_ in targets]})
        write_json(o / f"list-policies.{ptype}.json", {"Policies": listed})


# -- The Terraform plan of the registry side (variant terraform-registry-side) -------------

PROVIDER = "registry.terraform.io/hashicorp/aws"


def write_registry_plan(d, s):
    group_policy = jsonencode(group_fixed_policy(f"arn:aws:iam::{TRN}:root"))
    artifacts_doc = jsonencode(policy(*deploy_artifacts_statements(with_token=False)))
    token_doc = jsonencode(
        policy({"Sid": "EcrAuthorizationToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
    )
    trust = jsonencode(sagemaker_trust())
    role_id = rid("AROA", f"{REG}/{DEPLOY_ROLE}")
    group_values = {
        "arn": GROUP_ARN,
        "id": GROUP,
        "model_package_group_description": "Decision tree models trained in 222222222222",
        "model_package_group_name": GROUP,
        "tags": {},
        "tags_all": {},
    }
    role_values = {
        "arn": DEPLOY_ROLE_ARN,
        "assume_role_policy": trust,
        "create_date": "2024-08-29T09:02:44Z",
        "description": "SageMaker execution role that deploys registered models",
        "force_detach_policies": False,
        "id": DEPLOY_ROLE,
        "inline_policy": [],
        "managed_policy_arns": [],
        "max_session_duration": 3600,
        "name": DEPLOY_ROLE,
        "name_prefix": "",
        "path": "/",
        "permissions_boundary": None,
        "tags": {},
        "tags_all": {},
        "unique_id": role_id,
    }
    # (address, type, name, actions, before, after, after_unknown, expressions)
    res = [
        (
            "aws_sagemaker_model_package_group.decision_trees",
            "aws_sagemaker_model_package_group",
            "decision_trees",
            ["no-op"],
            group_values,
            group_values,
            {},
            {
                "model_package_group_name": {"constant_value": GROUP},
                "model_package_group_description": {"constant_value": group_values["model_package_group_description"]},
            },
        ),
        (
            "aws_sagemaker_model_package_group_policy.decision_trees",
            "aws_sagemaker_model_package_group_policy",
            "decision_trees",
            ["create"],
            None,
            {"model_package_group_name": GROUP, "resource_policy": group_policy},
            {"id": True},
            {
                "model_package_group_name": {
                    "references": [
                        "aws_sagemaker_model_package_group.decision_trees.model_package_group_name",
                        "aws_sagemaker_model_package_group.decision_trees",
                    ]
                },
                "resource_policy": {
                    "references": [
                        "var.training_account_id",
                        "aws_sagemaker_model_package_group.decision_trees.model_package_group_name",
                        "aws_sagemaker_model_package_group.decision_trees",
                    ]
                },
            },
        ),
        (
            "aws_iam_role.deploy",
            "aws_iam_role",
            "deploy",
            ["no-op"],
            role_values,
            role_values,
            {},
            {
                "name": {"constant_value": DEPLOY_ROLE},
                "description": {"constant_value": role_values["description"]},
                "assume_role_policy": {
                    "references": ["data.aws_iam_policy_document.sagemaker_trust.json", "data.aws_iam_policy_document.sagemaker_trust"]
                },
            },
        ),
        (
            "aws_iam_role_policy.use_training_artifacts",
            "aws_iam_role_policy",
            "use_training_artifacts",
            ["create"],
            None,
            {"name": "use-training-account-artifacts", "name_prefix": None, "policy": artifacts_doc, "role": DEPLOY_ROLE},
            {"id": True},
            {
                "name": {"constant_value": "use-training-account-artifacts"},
                "role": {"references": ["aws_iam_role.deploy.name", "aws_iam_role.deploy"]},
                "policy": {
                    "references": [
                        "data.aws_iam_policy_document.use_training_artifacts.json",
                        "data.aws_iam_policy_document.use_training_artifacts",
                    ]
                },
            },
        ),
        (
            "aws_iam_policy.ecr_token",
            "aws_iam_policy",
            "ecr_token",
            ["create"],
            None,
            {
                "description": "Lets SageMaker execution roles log in to ECR registries",
                "name": "ecr-authorization-token",
                "path": "/",
                "policy": token_doc,
                "tags": None,
            },
            {"arn": True, "attachment_count": True, "id": True, "name_prefix": True, "policy_id": True, "tags_all": True},
            {
                "name": {"constant_value": "ecr-authorization-token"},
                "description": {"constant_value": "Lets SageMaker execution roles log in to ECR registries"},
                "policy": {"constant_value": token_doc},
            },
        ),
        (
            "aws_iam_role_policy_attachment.ecr_token",
            "aws_iam_role_policy_attachment",
            "ecr_token",
            ["create"],
            None,
            {"role": DEPLOY_ROLE},
            {"id": True, "policy_arn": True},
            {
                "role": {"references": ["aws_iam_role.deploy.name", "aws_iam_role.deploy"]},
                "policy_arn": {"references": ["aws_iam_policy.ecr_token.arn", "aws_iam_policy.ecr_token"]},
            },
        ),
    ]

    def planned(addr, ty, name, after):
        return {
            "address": addr,
            "mode": "managed",
            "type": ty,
            "name": name,
            "provider_name": PROVIDER,
            "schema_version": 0,
            "values": after,
            "sensitive_values": {},
        }

    data_sources = [
        ("sagemaker_trust", trust),
        ("use_training_artifacts", artifacts_doc),
    ]
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "variables": {"region": {"value": REGION}, "training_account_id": {"value": TRN}},
        "planned_values": {"root_module": {"resources": [planned(a, t, n, af) for a, t, n, _, _, af, _, _ in res]}},
        "resource_changes": [
            {
                "address": a,
                "mode": "managed",
                "type": t,
                "name": n,
                "provider_name": PROVIDER,
                "change": {
                    "actions": act,
                    "before": before,
                    "after": af,
                    "after_unknown": unk,
                    "before_sensitive": {} if before is not None else False,
                    "after_sensitive": {},
                },
            }
            for a, t, n, act, before, af, unk, _ in res
        ],
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": "1.9.5",
            "values": {
                "root_module": {
                    "resources": [
                        {
                            "address": "data.aws_caller_identity.current",
                            "mode": "data",
                            "type": "aws_caller_identity",
                            "name": "current",
                            "provider_name": PROVIDER,
                            "schema_version": 0,
                            "values": {
                                "account_id": REG,
                                "arn": f"arn:aws:sts::{REG}:assumed-role/TerraformDeploy/ci",
                                "id": REG,
                                "user_id": rid("AROA", f"{REG}/TerraformDeploy") + ":ci",
                            },
                            "sensitive_values": {},
                        },
                        *[
                            {
                                "address": f"data.aws_iam_policy_document.{n}",
                                "mode": "data",
                                "type": "aws_iam_policy_document",
                                "name": n,
                                "provider_name": PROVIDER,
                                "schema_version": 0,
                                "values": {"id": str(int(hexid(n, 8), 16)), "json": doc, "minified_json": doc},
                                "sensitive_values": {},
                            }
                            for n, doc in data_sources
                        ],
                        planned(res[0][0], res[0][1], res[0][2], group_values),
                        planned(res[2][0], res[2][1], res[2][2], role_values),
                    ]
                }
            },
        },
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": PROVIDER,
                    "expressions": {"region": {"constant_value": REGION}},
                }
            },
            "root_module": {
                "resources": [
                    {
                        "address": a,
                        "mode": "managed",
                        "type": t,
                        "name": n,
                        "provider_config_key": "aws",
                        "expressions": ex,
                        "schema_version": 0,
                    }
                    for a, t, n, _, _, _, _, ex in res
                ],
                "variables": {
                    "region": {"default": REGION},
                    "training_account_id": {"default": TRN},
                },
            },
        },
        "relevant_attributes": [],
        "timestamp": "2024-09-19T09:30:12Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }
    write_json(d / "terraform" / "registry.tfplan.json", plan)


# -- The request ----------------------------------------------------------------------------


def request(s):
    """The dictionary the guide passes to `create_model_package` (same key order)."""
    r = {
        "ModelPackageGroupName": GROUP_ARN,
        "ModelPackageDescription": DESCRIPTION,
        "ModelApprovalStatus": "PendingManualApproval",
    }
    r.update(
        {
            "InferenceSpecification": {
                "Containers": [{"Image": IMAGE, "ModelDataUrl": s["model_data_url"]}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            }
        }
    )
    return r


def write_inventory(d, s, readme):
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    write_training_account(d, s)
    if s["terraform_registry"]:
        write_registry_plan(d, s)
    else:
        write_registry_account(d, s)
    write_org(d, s)
    write_json(d / "create-model-package.json", request(s))
    (d / "README.md").write_text(readme, encoding="utf-8")


# ---------------------------------------------------------------------------------------
# READMEs.

CHECK_CMD = """```
xacct check --request {dir}/create-model-package.json \\
            --caller arn:aws:iam::222222222222:role/SageMakerTrainingRole \\
            --consumer arn:aws:iam::111111111111:role/ModelRegistryDeployRole {dir}/
```"""

NAMES = f"""| what | value |
|---|---|
| registry account (group) | 111111111111, model package group `{GROUP}` ({REGION}) |
| training account | 222222222222 (organization `{ORG_ID}`, both accounts under OU `Workloads`) |
| caller | `{TRAINING_ROLE_ARN}` |
| consumer | `{DEPLOY_ROLE_ARN}` |
| image | `{IMAGE}` |
| artifact bucket | `{BUCKET}` ({REGION}, SSE-KMS, `BucketOwnerEnforced`, Block Public Access on) |
| artifact key | `{KEY_ARN}` (customer managed) |
"""

LAYOUT = """Files (layout of `docs/inventory.md`, as `scripts/export-account.sh` writes them):
`222222222222/` (IAM, the bucket's six S3 exports, account Block Public Access, the ECR
repository policy and a `RegistryPolicyNotFoundException` marker, the key's
`describe-key`/`get-key-policy`/`list-grants`), `111111111111/` (IAM, the group policy, a
registry-policy marker), `org/` (one organization: `FullAWSAccess` and `RCPFullAWSAccess`
attached at every level), and `create-model-package.json`, the request.
"""

GENERATED = "Generated by `scripts/gen-seed-fixtures.py`; edit the script, not the files.\n"


def seed_readme():
    return f"""# seed-example: the guide's cross-account registration, as written

What the AWS guide "Register a Model Version from a Different Account"
(`../shared/seeds/000_62c4f544a4df8c7c.txt`) leaves behind when its code runs as written,
bugs included, exported with the AWS CLI v2. The guide leaves `bucket` abstract; the bucket
that exists is `{BUCKET}`, and the code's `bucket` variable
names it where the code uses the variable (`Bucket = bucket`). Where the code writes `{{bucket}}` inside a plain string (not an
f-string), the literal `{{bucket}}` is kept.

{NAMES}
{LAYOUT}
{CHECK_CMD.format(dir="fixtures/seed-example")}

## Expected verdict: not possible (exit 1)

The real causes, each a failed step:

1. **`create-model-package`: implicit deny, identity side.** The group policy
   (`111111111111/{REGION}/sagemaker/{GROUP}.json`) allows `arn:aws:iam::222222222222:root`
   `sagemaker:CreateModelPackage` on `model-package/{GROUP}/*`, which is right; but a root
   principal only delegates, and no identity policy of `SageMakerTrainingRole` allows
   `sagemaker:CreateModelPackage` on the registry's ARN (the guide shows none). Fix: an
   identity policy statement on `{PACKAGES}`.
2. **`ecr-authorization-token`: implicit deny.** The Deploy role's identity policies do not
   allow `ecr:GetAuthorizationToken` (`*`); only an identity policy can.
3. **`ecr-pull-image`: implicit deny.** The repository policy grants 111111111111 only
   `ecr:BatchGetImage` and `ecr:Describe*`: no `ecr:GetDownloadUrlForLayer`, so no layer can
   be downloaded (`ecr:BatchCheckLayerAvailability`, advisory, is missing too). The Deploy
   role's identity side allows none of the pull actions either.
4. **`s3-read-artifact`: implicit deny.** The bucket policy is the text the code submits
   (`json.dumps(bucket_policy)`): its `Resource` is
   `["arn:aws:s3:::{{bucket}}/*", "Resource: arn:aws:s3:::{{bucket}}"]`: the literal `{{bucket}}`
   (a plain string, not an f-string) names another bucket, the second entry is not an ARN at
   all (`Resource: ` is part of the string), and `s3:GetBucketAcl` (a bucket action) has
   only an object ARN. S3 would have refused this document at `PutBucketPolicy`
   (`MalformedPolicy: Policy has invalid resource`), so in a real account the bucket would
   have no policy at all; either way nothing grants 111111111111 `s3:GetObject` on
   `{OBJECT_ARN}`. The Deploy role's identity side does not allow it either.
5. **The request's artifact.** `ModelDataUrl` is `s3://{{bucket}}/model.tar.gz`, literally
   (`model_url = "s3://{{bucket}}/model.tar.gz"` is a plain string): `{{bucket}}` is not a valid
   bucket name and no bucket of the inventory; the artifact and decryption steps cannot be
   decided for it (not verified / plausibility failure). Against the real object
   (`{OBJECT_ARN}`) they fail as in 4 and 6.
6. **`kms-decrypt-artifact`: implicit deny.** The bucket's default encryption is SSE-KMS with
   the customer managed key. The key policy is the default one (only
   `arn:aws:iam::222222222222:root`), and the one grant
   (`222222222222/{REGION}/kms/{KEY_ID}.grants.json`) has `GranteePrincipal: "111111111111"`,
   a bare account id where KMS's contract requires a principal ARN
   (`arn:aws:iam::111111111111:root` or a role ARN); whether KMS would accept it at
   `CreateGrant` is unverified, and as an id it names no principal. Even read as the account,
   a grant to an account only delegates, and the Deploy role has no identity allow for
   `kms:Decrypt` on the key. (The grant also gives `GenerateDataKey`, which a reader does not
   need, and no encryption-context constraint.)

Not causes: the group policy itself (right resource and principal); SCPs and RCPs
(`FullAWSAccess`, `RCPFullAWSAccess` only); Block Public Access and `BucketOwnerEnforced`
(no public grant is involved; the bucket owner owns every object).

Not modelled (the code could not have run at all): `KeyId=kms_key_id` has no comma before
`Operations=[` (a Python `SyntaxError`), `kms_key_id` is never defined, and the registry-side
snippet uses `model_training_account` and `region` without defining them. The fixture assumes
each call was made with the evident intent (registry-side `region` = `{REGION}`, the group
named `{GROUP}`). The guide's "Sample AWS KMS policy" (a key policy statement for the registry
root) is never applied by the code, so the key policy does not contain it.

`xacct lint fixtures/seed-example` shows the policy defects (the invalid `Resource` entry,
`{{bucket}}`, `s3:GetBucketAcl` on an object ARN, the bare-id grantee, the pull policy without
`ecr:GetDownloadUrlForLayer`).

{GENERATED}"""


def fixed_readme():
    return f"""# seed-example-fixed: the guide's setup, corrected

The setup of `../seed-example/`, corrected so that the registration is possible; the variants
in `../seed-variants/` are copies of this one with one change each.

{NAMES}
{LAYOUT}
{CHECK_CMD.format(dir="fixtures/seed-example-fixed")}

## Expected verdict: possible (exit 0)

What changed against the guide, step by step:

| step | guide (seed-example) | fixed |
|---|---|---|
| `create-model-package` | group policy allows 222222222222's root; no identity policy | same group policy (`model-package/{GROUP}/*`); `SageMakerTrainingRole` gets the inline policy `register-into-model-registry`: `sagemaker:CreateModelPackage` on `{PACKAGES}` |
| `ecr-authorization-token` | nothing | the Deploy role's inline policy `use-training-account-artifacts`: `ecr:GetAuthorizationToken` on `*` |
| `ecr-pull-image` | repository policy: `BatchGetImage`, `Describe*` | repository policy adds `ecr:GetDownloadUrlForLayer` and `ecr:BatchCheckLayerAvailability`; the Deploy role may do the three on `{REPO_ARN}` |
| `s3-read-artifact` | bucket policy with literal `{{bucket}}`, a `"Resource: …"` entry and `s3:GetBucketAcl` on an object ARN | bucket policy (as S3 prints it, compact): 111111111111's root may `s3:GetObject` on `{BUCKET_ARN}/*`; the ACL actions are dropped (ACLs are disabled by `BucketOwnerEnforced`); the Deploy role may `s3:GetObject` on `{BUCKET_ARN}/*` |
| `kms-decrypt-artifact` | grant to the bare id `111111111111` (Decrypt, GenerateDataKey) | the bare-id grant is retired; a grant `model-registry-deploy` to `{DEPLOY_ROLE_ARN}` with `Decrypt` and `DescribeKey`, constrained by `EncryptionContextSubset` `aws:s3:arn = {OBJECT_ARN}`; the key policy stays the default (222222222222's root only). The Deploy role's identity policy also allows `kms:Decrypt` on the key ARN with `kms:ViaService = s3.{REGION}.amazonaws.com` |
| request | `ModelDataUrl: s3://{{bucket}}/model.tar.gz` | `ModelDataUrl: s3://{BUCKET}/{OBJECT_KEY}` |

KMS: the grant names the Deploy role itself (a grant to a specific principal suffices on its
own, even across accounts); the key policy is not edited. The bucket keeps
`BucketKeyEnabled: false`, so S3's encryption context for the object is its own ARN, which is
what the grant's constraint names. (With S3 Bucket Keys the context would be the bucket ARN.)

Decisions (`xacct simulate --inventory fixtures/seed-example-fixed …`):

| principal | action | resource | context | decision |
|---|---|---|---|---|
| SageMakerTrainingRole | `sagemaker:CreateModelPackage` | `…:model-package/{GROUP}/5` | | allowed |
| ModelRegistryDeployRole | `ecr:GetAuthorizationToken` | `*` | | allowed |
| ModelRegistryDeployRole | `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability` | `{REPO_ARN}` | | allowed |
| ModelRegistryDeployRole | `s3:GetObject` | `{OBJECT_ARN}` | | allowed |
| ModelRegistryDeployRole | `kms:Decrypt` | `{KEY_ARN}` | `kms:ViaService=s3.{REGION}.amazonaws.com`, `kms:EncryptionContext:aws:s3:arn={OBJECT_ARN}` | allowed |

{GENERATED}"""


def wrap(text):
    return textwrap.fill(text, width=92, break_long_words=False, break_on_hyphens=False)


def variant_readme(name, verdict, what, expect):
    what, expect = wrap(what), wrap(expect)
    exit_code = "exit 0" if verdict == "pass" else "exit 1"
    word = "possible" if verdict == "pass" else "not possible"
    return f"""# seed-variants/{name}

The fixed setup (`../../seed-example-fixed/`) with one change. Every file is a complete
inventory copy; only what is described here differs.

## The change

{what}

## Expected verdict: {word} ({exit_code})

{expect}

{CHECK_CMD.format(dir=f"fixtures/seed-variants/{name}")}

{GENERATED}"""


def variants_index():
    rows = "\n".join(f"| `{n}` | {'possible' if v == 'pass' else 'not possible'} |" for n, _, v, _, _ in VARIANTS)
    return f"""# seed-variants

Copies of `../seed-example-fixed/` with one change each; each folder's README says what
changed and the expected verdict of `xacct check`.

| variant | expected verdict |
|---|---|
{rows}

{GENERATED}"""


# ---------------------------------------------------------------------------------------


def main():
    write_inventory(FIXTURES / "seed-example", guide_setup(), seed_readme())
    write_inventory(FIXTURES / "seed-example-fixed", fixed_setup(), fixed_readme())
    vroot = FIXTURES / "seed-variants"
    if vroot.exists():
        shutil.rmtree(vroot)
    vroot.mkdir(parents=True)
    (vroot / "README.md").write_text(variants_index(), encoding="utf-8")
    for name, change, verdict, what, expect in VARIANTS:
        s = copy.deepcopy(fixed_setup())
        s["title"] = name
        change(s)
        write_inventory(vroot / name, s, variant_readme(name, verdict, what, expect))
    # fixtures/workflows/: the workflow's inputs and scenarios, from this same setup.
    import gen_workflow_fixtures
    from workflow_fixture_cases import CASES

    gen_workflow_fixtures.main(sys.modules[__name__], CASES)


if __name__ == "__main__":
    main()
