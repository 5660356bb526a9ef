"""The cases of `fixtures/workflows/` (see `gen_workflow_fixtures.py`, which writes them): for
each input kind and scenario, the change a `broken` and a `fixed` variant make to the
workflow setup, their inputs, the arguments of `xacct check`, the expected verdict and what
each README says.
"""

from gen_workflow_fixtures import (
    APPROVER,
    DEPLOYER,
    GOV,
    JOB,
    PIPELINE_ROLE,
    PROD,
    PROD_EXEC,
    STUDIO_ROLE,
    arn_role,
    definition,
    describe_pipeline,
    domain,
    execution_definition,
    request,
    training_job,
    user_profile,
)

XGBOOST_US_EAST_2 = "257758044811.dkr.ecr.us-east-2.amazonaws.com/sagemaker-xgboost:1.7-1"
XGBOOST_US_EAST_1 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"

# ---------------------------------------------------------------------------------------
# The cases. Each variant: (name, change to the setup, inputs, extra arguments, expected
# verdict, what it shows, what to expect).

REGISTER = "sagemaker-cross-account-model-registration"
APPROVE = "sagemaker-cross-account-model-approval"
DEPLOY = "sagemaker-cross-account-model-deployment"
RAM_SHARE = "sagemaker-model-package-group-ram-share"


def no_key(ws):
    ws["training_kms_key"] = None


def pipeline_broken(ws):
    no_key(ws)
    ws["group_statements"] = ws["group_statements"][:1]


def studio_broken(ws):
    ws["studio_role_policies"] = []


def approve_broken(ws):
    ws["group_statements"][1]["Action"] = ["sagemaker:DescribeModelPackage"]


def deploy_broken(ws):
    ws["group_statements"] = [st for st in ws["group_statements"] if st["Sid"] != "ProductionDeploysVersions"]
    ws["bucket_principals"] = ws["bucket_principals"][:1]


RAM_ACTIONS = [
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
    "sagemaker:CreateModelPackage",
]


def ram_fixed(ws):
    ws["ram"] = {"status": "ACTIVE", "principals": ["222222222222"], "actions": RAM_ACTIONS}
    packages = ws["group_statements"][0]["Resource"]
    group = packages.replace(":model-package/", ":model-package-group/").rsplit("/", 1)[0]
    ws["training_role_policies"] = ws["training_role_policies"] + [
        (
            "use-shared-model-registry",
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DescribeSharedGroup",
                        "Effect": "Allow",
                        "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage"],
                        "Resource": [group, packages],
                    }
                ],
            },
        )
    ]


def ram_broken(ws):
    ws["ram"] = {"status": "ACTIVE", "principals": [GOV], "actions": RAM_ACTIONS}


def aws_image(region_image):
    def change(ws):
        ws["image"] = region_image
    return change


def pipeline_inputs(s, ws):
    defn = definition(s, kms_key=ws["training_kms_key"], image=ws["image"])
    return {
        "pipeline.json": describe_pipeline(s, defn, arn_role(s.TRN, PIPELINE_ROLE)),
        "pipeline-definition.json": defn,
        "execution-definition.json": execution_definition(defn),
    }


def chain_args(s):
    return [
        "--consumer", s.DEPLOY_ROLE_ARN,
        "--approver", arn_role(GOV, APPROVER),
        "--deployer", arn_role(PROD, DEPLOYER),
        "--deploy-role", arn_role(PROD, PROD_EXEC),
    ]


def request_input(s, ws):
    image = ws["image"] if ws["image"] != s.IMAGE else None
    return {"create-model-package.json": request(s, f"s3://{s.BUCKET}/{s.OBJECT_KEY}", image)}


def job_input(s, ws):
    return {"training-job.json": training_job(s, kms_key=ws["training_kms_key"])}


def studio_input(kind):
    def inputs(s, ws):
        role = arn_role(s.TRN, STUDIO_ROLE)
        described = user_profile(s, role) if kind == "user-profile" else domain(s, role)
        return {**request_input(s, ws), f"{kind}.json": described}
    return inputs


def pipeline_args(s):
    return ["--request", "{dir}/pipeline.json", *chain_args(s)]


def job_args(s):
    return [
        "--request", "{dir}/training-job.json", "--group", s.GROUP_ARN,
        "--caller", s.TRAINING_ROLE_ARN, "--consumer", s.DEPLOY_ROLE_ARN,
    ]


def studio_args(kind):
    return lambda s: [
        "--request", "{dir}/create-model-package.json", "--request", f"{{dir}}/{kind}.json",
        "--consumer", s.DEPLOY_ROLE_ARN,
    ]


def scenario_args(scenario, caller, consumer=None):
    def args(s):
        who = caller(s) if callable(caller) else caller
        extra = ["--consumer", consumer] if consumer else []
        return ["--request", "{dir}/create-model-package.json", "--scenario", scenario, "--caller", who, *extra]
    return args


def register_args(s):
    return [
        "--request", "{dir}/create-model-package.json",
        "--caller", s.TRAINING_ROLE_ARN, "--consumer", s.DEPLOY_ROLE_ARN,
    ]


CASES = [
    (
        "pipeline",
        "A pipeline definition (describe-pipeline): train, register, approve, deploy in one report",
        [
            (
                "fixed",
                None,
                pipeline_inputs,
                pipeline_args,
                "possible",
                "The pipeline `decision-trees-train-register` (`pipeline.json`, `aws sagemaker describe-pipeline`) trains "
                "with `SageMakerTrainingRole`, writing to `s3://sagemaker-training-artifacts-222222222222/decision-trees` "
                "with the customer managed key, and registers the training step's `ModelArtifacts.S3ModelArtifacts` into "
                "the registry's group as its execution role `ModelBuildPipelineRole`. The governance account's "
                "`ModelApprover` approves, the production account's `ModelDeployer` deploys with "
                "`ProductionModelExecutionRole`. The same definition is also given as the SDK's JSON "
                "(`pipeline-definition.json`) and as `describe-pipeline-definition-for-execution` "
                "(`execution-definition.json`), which name no role: with them, name the caller with "
                "`--caller arn:aws:iam::222222222222:role/ModelBuildPipelineRole`.",
                "every stage possible: the training role writes and encrypts the artifact, the pipeline's role "
                "registers, the registry's `ModelRegistryDeployRole` reads it, `ModelApprover` may approve or reject "
                "every version, `ModelDeployer` may describe and deploy every version, and "
                "`ProductionModelExecutionRole` may pull, read and decrypt.",
            ),
            (
                "broken",
                pipeline_broken,
                pipeline_inputs,
                pipeline_args,
                "not possible",
                "The same pipeline, but its training step names no `OutputDataConfig.KmsKeyId`, and the group policy "
                "grants only the training account's `CreateModelPackage` (as the guide's does): nothing for the "
                "governance or production account.",
                "train: possible (SageMaker encrypts with the AWS managed key `aws/s3` of 222222222222, which its own "
                "principals may use through S3). register: `kms-decrypt-artifact` DENIED, because an AWS managed key "
                "cannot be used by another account; the reason names the missing `KmsKeyId`. approve: "
                "`UpdateModelPackage` denied (the group policy does not admit 333333333333). deploy: the group and "
                "version steps denied, and the decrypt denied for the same key. The chain breaks at register.",
            ),
        ],
    ),
    (
        "training-job",
        "A training job (describe-training-job) and its output key",
        [
            (
                "fixed",
                None,
                job_input,
                job_args,
                "possible",
                f"The completed training job `{JOB}` wrote `model.tar.gz` under its output path with the customer "
                "managed key (`OutputDataConfig.KmsKeyId`); `--group` names the group its output is registered into.",
                "train and register possible: the key policy lets the registry account decrypt every training output "
                "(not one object, as a grant constrained to an encryption context would).",
            ),
            (
                "broken",
                no_key,
                job_input,
                job_args,
                "not possible",
                "The same job without `OutputDataConfig.KmsKeyId`: SageMaker encrypted its output with the AWS managed "
                "key `aws/s3` of 222222222222.",
                "train: possible. register: `kms-decrypt-artifact` DENIED (explicitly): the AWS managed key cannot "
                "serve another account; the reason says the job names no `KmsKeyId`, and the fix is a customer "
                "managed key.",
            ),
        ],
    ),
    (
        "studio",
        "Registration from Studio: the user profile's (or domain's) execution role is the caller",
        [
            (
                "fixed",
                None,
                studio_input("user-profile"),
                studio_args("user-profile"),
                "possible",
                "The form's values (`create-model-package.json`) registered from Studio by the user profile "
                "`data-scientist` (`aws sagemaker describe-user-profile`), whose execution role "
                f"`{STUDIO_ROLE}` may `sagemaker:CreateModelPackage` on the registry's group.",
                "registration possible, with the user profile's execution role as the caller.",
            ),
            (
                "broken",
                studio_broken,
                studio_input("domain"),
                studio_args("domain"),
                "not possible",
                "The domain `ml-training` (`aws sagemaker describe-domain`) whose default execution role "
                f"`{STUDIO_ROLE}` has no identity policy for the registration.",
                "`create-model-package` DENIED: no identity policy of the Studio execution role allows "
                "`sagemaker:CreateModelPackage` on the registry's group (the group policy admits the account).",
            ),
        ],
    ),
    (
        "approve",
        "Approve or reject a version from the governance account",
        [
            (
                "fixed",
                None,
                request_input,
                scenario_args(APPROVE, arn_role(GOV, APPROVER)),
                "possible",
                "`ModelApprover` (333333333333) sets `ModelApprovalStatus` with `UpdateModelPackage`; the group "
                "policy names it on `model-package/decision-trees/*`.",
                "approval possible for every version and both statuses.",
            ),
            (
                "broken",
                approve_broken,
                request_input,
                scenario_args(APPROVE, arn_role(GOV, APPROVER)),
                "not possible",
                "The group policy's statement for `ModelApprover` allows `DescribeModelPackage` only.",
                "`update-approval-status` DENIED: the group policy does not allow `sagemaker:UpdateModelPackage` "
                "to the approver; the fix is a statement in the group policy.",
            ),
        ],
    ),
    (
        "deploy",
        "Deploy a registered version into the production account",
        [
            (
                "fixed",
                None,
                request_input,
                scenario_args(DEPLOY, arn_role(PROD, DEPLOYER), arn_role(PROD, PROD_EXEC)),
                "possible",
                "`ModelDeployer` (444444444444) describes the group and the version and creates a model from the "
                "version's ARN; `ProductionModelExecutionRole` pulls the image, reads and decrypts the artifact.",
                "deployment possible.",
            ),
            (
                "broken",
                deploy_broken,
                request_input,
                scenario_args(DEPLOY, arn_role(PROD, DEPLOYER), arn_role(PROD, PROD_EXEC)),
                "not possible",
                "The group policy admits the production account on the group only (not on its versions), and the "
                "bucket policy names the registry account only.",
                "`describe-model-package` and `create-model-from-package` DENIED (the group policy), "
                "`s3-read-artifact` DENIED (the bucket policy); the group step and the image pull pass.",
            ),
        ],
    ),
    (
        "ram-share",
        "The group shared through AWS RAM instead of its policy",
        [
            (
                "fixed",
                ram_fixed,
                request_input,
                scenario_args(RAM_SHARE, lambda s: s.TRAINING_ROLE_ARN),
                "possible",
                "The registry account shares the group with 222222222222 through the AWS RAM share "
                "`decision-trees-registry` (`111111111111/us-east-2/ram/`: `get-resource-shares`, `list-resources`, "
                "`list-principals`, `list-permission-associations`, `get-permission`), whose customer managed "
                "permission `ModelRegistryConsumers` allows describing the group and its versions and "
                "`CreateModelPackage`.",
                "every step possible, decided with the share's permission instead of the group policy (the training "
                "role's identity policy `use-shared-model-registry` allows describing the group and its versions).",
            ),
            (
                "broken",
                ram_broken,
                request_input,
                scenario_args(RAM_SHARE, lambda s: s.TRAINING_ROLE_ARN),
                "not possible",
                "The same share, associated with the governance account 333333333333 only.",
                "every step DENIED: no share of the registry account admits 222222222222 (the group policy, which "
                "does, is not what this scenario decides with); the fix associates the account with the share.",
            ),
        ],
    ),
    (
        "aws-owned-image",
        "A SageMaker prebuilt image from an AWS-owned registry",
        [
            (
                "fixed",
                aws_image(XGBOOST_US_EAST_2),
                request_input,
                register_args,
                "possible",
                f"The container's image is SageMaker's XGBoost image `{XGBOOST_US_EAST_2}`, in the AWS-owned "
                "registry 257758044811 of us-east-2 (`data/aws/sagemaker-registries.json`).",
                "registration possible: the pull is answered from the registry data (SageMaker pulls its own images "
                "with its own credentials), and no ECR authorization token step runs.",
            ),
            (
                "broken",
                aws_image(XGBOOST_US_EAST_1),
                request_input,
                register_args,
                "not possible",
                f"The image is the us-east-1 XGBoost image `{XGBOOST_US_EAST_1}` (registry 683313688378), while the "
                "group and the artifact are in us-east-2.",
                "not possible: the image, the artifact and the group must be in one Region (plausibility FAIL). "
                "The pull itself is answered from the registry data (683313688378 is AWS-owned in us-east-1); "
                "the same account in another Region would not be.",
            ),
        ],
    ),
]
