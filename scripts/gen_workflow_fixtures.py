"""The fixtures of the model registry workflow (`fixtures/workflows/`), written by
`scripts/gen-seed-fixtures.py` after the seed fixtures, from the same description of the
setup (its module is passed in as `seed`).

    python3 scripts/gen-seed-fixtures.py

(Re)writes `fixtures/workflows/` only:

    seed-example/, seed-example-fixed/   the guide's registration as a pipeline definition,
                                         a describe-pipeline output and a training job, for
                                         the inventories ../../seed-example(-fixed)
    <case>/broken/, <case>/fixed/        one inventory each (the fixed seed setup, plus the
                                         governance account 333333333333 and the production
                                         account 444444444444), its inputs and a README

The cases (what each variant changes, its inputs, command and expected verdict) are in
`workflow_fixture_cases.py`.

Python 3 standard library only; byte-for-byte deterministic.
"""

import copy
import json
import shutil

GOV = "333333333333"  # governance: approves or rejects versions
PROD = "444444444444"  # production: deploys approved versions
APPROVER = "ModelApprover"
DEPLOYER = "ModelDeployer"
PROD_EXEC = "ProductionModelExecutionRole"
PIPELINE_ROLE = "ModelBuildPipelineRole"
STUDIO_ROLE = "StudioDataScientistRole"
PIPELINE = "decision-trees-train-register"
STEP_TRAIN = "TrainDecisionTrees"
STEP_REGISTER = "RegisterDecisionTrees-RegisterModel"
JOB = "decision-trees-2024-09-18-22-31-07-512"
DOMAIN_ID = "d-k3v8x2m5q7ab"
SHARE_ID = "7f3c2a91-5d4e-4b8a-9c61-2e0f4d8b7a13"
CREATED = "2024-09-18T22:31:07.512000+00:00"


def arn_role(account, name):
    return f"arn:aws:iam::{account}:role/{name}"


def main(seed, cases):
    """Writes the fixtures: `seed` is the seed script's module, `cases` the case table
    (`workflow_fixture_cases.CASES`, which is built with this module's builders)."""
    s = seed
    root = s.FIXTURES / "workflows"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    # The governance and production accounts join the organization, under `Workloads`.
    s.ACCOUNTS = {
        **s.ACCOUNTS,
        GOV: ("ml-governance", "aws-ml-governance@example.com", "CREATED", "2021-06-03T12:09:51.310000+00:00", s.OU_WORKLOADS),
        PROD: ("ml-production", "aws-ml-production@example.com", "CREATED", "2021-06-03T12:12:26.775000+00:00", s.OU_WORKLOADS),
    }
    w = Writer(s, root)
    w.seed_expressions()
    for name, title, variants in cases:
        w.case(name, title, variants)
    w.index()


# ---------------------------------------------------------------------------------------
# Inputs.


def train_channel(s, **described):
    """The training data channel (`describe-training-job` adds what it defaults)."""
    return {
        "ChannelName": "train",
        "DataSource": {
            "S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": f"s3://{s.BUCKET}/iris/train",
                "S3DataDistributionType": "FullyReplicated",
            }
        },
        "ContentType": "text/csv",
        **described,
    }


def definition(s, *, train=True, kms_key=None, model_data_url=None, image=None, output=None):
    """A pipeline definition as the SageMaker Python SDK writes it (`pipeline.definition()`)."""
    image = image or s.IMAGE
    params = [{"Name": "ModelApprovalStatus", "Type": "String", "DefaultValue": "PendingManualApproval"}]
    steps = []
    if train:
        params.append({"Name": "TrainingInstanceType", "Type": "String", "DefaultValue": "ml.m5.xlarge"})
        out = {"S3OutputPath": output or f"s3://{s.BUCKET}/decision-trees"}
        if kms_key:
            out["KmsKeyId"] = kms_key
        steps.append(
            {
                "Name": STEP_TRAIN,
                "Type": "Training",
                "Arguments": {
                    "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File"},
                    "OutputDataConfig": out,
                    "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
                    "ResourceConfig": {
                        "VolumeSizeInGB": 30,
                        "InstanceCount": 1,
                        "InstanceType": {"Get": "Parameters.TrainingInstanceType"},
                    },
                    "RoleArn": s.TRAINING_ROLE_ARN,
                    "InputDataConfig": [train_channel(s)],
                    "HyperParameters": {"max_leaf_nodes": "5"},
                },
            }
        )
    url = model_data_url or {"Get": f"Steps.{STEP_TRAIN}.ModelArtifacts.S3ModelArtifacts"}
    steps.append(
        {
            "Name": STEP_REGISTER,
            "Type": "RegisterModel",
            "Arguments": {
                "ModelPackageGroupName": s.GROUP_ARN,
                "InferenceSpecification": {
                    "Containers": [{"Image": image, "ModelDataUrl": url}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
                "ModelApprovalStatus": {"Get": "Parameters.ModelApprovalStatus"},
            },
        }
    )
    return {
        "Version": "2020-12-01",
        "Metadata": {},
        "Parameters": params,
        "PipelineExperimentConfig": {
            "ExperimentName": {"Get": "Execution.PipelineName"},
            "TrialName": {"Get": "Execution.PipelineExecutionId"},
        },
        "Steps": steps,
    }


def describe_pipeline(s, defn, role):
    return {
        "PipelineArn": f"arn:aws:sagemaker:{s.REGION}:{s.TRN}:pipeline/{PIPELINE}",
        "PipelineName": PIPELINE,
        "PipelineDisplayName": PIPELINE,
        "PipelineDefinition": json.dumps(defn),
        "RoleArn": role,
        "PipelineStatus": "Active",
        "CreationTime": "2024-09-18T21:58:40.102000+00:00",
        "LastModifiedTime": "2024-09-18T21:58:40.102000+00:00",
        "CreatedBy": {},
        "LastModifiedBy": {},
    }


def execution_definition(defn):
    return {"PipelineDefinition": json.dumps(defn), "CreationTime": "2024-09-18T22:31:05.877000+00:00"}


def training_job(s, *, kms_key=None, image=None, output=None):
    output = output or f"s3://{s.BUCKET}/decision-trees"
    out = {"S3OutputPath": output, "CompressionType": "GZIP"}
    if kms_key:
        out = {"KmsKeyId": kms_key, **out}
    return {
        "TrainingJobName": JOB,
        "TrainingJobArn": f"arn:aws:sagemaker:{s.REGION}:{s.TRN}:training-job/{JOB}",
        "ModelArtifacts": {"S3ModelArtifacts": f"{output.rstrip('/')}/{JOB}/output/model.tar.gz"},
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "HyperParameters": {"max_leaf_nodes": "5"},
        "AlgorithmSpecification": {
            "TrainingImage": image or s.IMAGE,
            "TrainingInputMode": "File",
            "EnableSageMakerMetricsTimeSeries": False,
        },
        "RoleArn": s.TRAINING_ROLE_ARN,
        "InputDataConfig": [train_channel(s, CompressionType="None", RecordWrapperType="None")],
        "OutputDataConfig": out,
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        "CreationTime": CREATED,
        "TrainingStartTime": "2024-09-18T22:33:02.140000+00:00",
        "TrainingEndTime": "2024-09-18T22:34:16.221000+00:00",
        "LastModifiedTime": "2024-09-18T22:34:16.598000+00:00",
        "EnableNetworkIsolation": False,
        "EnableInterContainerTrafficEncryption": False,
        "EnableManagedSpotTraining": False,
        "TrainingTimeInSeconds": 74,
        "BillableTimeInSeconds": 74,
    }


def user_profile(s, role):
    settings = {"ExecutionRole": role} if role else {}
    return {
        "DomainId": DOMAIN_ID,
        "UserProfileArn": f"arn:aws:sagemaker:{s.REGION}:{s.TRN}:user-profile/{DOMAIN_ID}/data-scientist",
        "UserProfileName": "data-scientist",
        "HomeEfsFileSystemUid": "200001",
        "Status": "InService",
        "LastModifiedTime": "2024-09-02T10:14:31.004000+00:00",
        "CreationTime": "2024-09-02T10:14:31.004000+00:00",
        "UserSettings": settings,
    }


def domain(s, role):
    return {
        "DomainArn": f"arn:aws:sagemaker:{s.REGION}:{s.TRN}:domain/{DOMAIN_ID}",
        "DomainId": DOMAIN_ID,
        "DomainName": "ml-training",
        "HomeEfsFileSystemId": "fs-0a1b2c3d4e5f60718",
        "Status": "InService",
        "CreationTime": "2024-09-02T09:51:12.447000+00:00",
        "LastModifiedTime": "2024-09-02T09:58:40.019000+00:00",
        "AuthMode": "IAM",
        "DefaultUserSettings": {"ExecutionRole": role},
        "AppNetworkAccessType": "PublicInternetOnly",
        "Url": f"https://{DOMAIN_ID}.studio.{s.REGION}.sagemaker.aws",
    }


def request(s, model_data_url, image=None):
    r = copy.deepcopy(s.request({"model_data_url": model_data_url}))
    if image:
        r["InferenceSpecification"]["Containers"][0]["Image"] = image
    return r


# ---------------------------------------------------------------------------------------
# The workflow setup: the fixed seed setup, the governance and production accounts, and
# what each case changes.


def workflow_setup(s):
    """The setup every case starts from: the chain train → register → approve → deploy is
    possible (the `fixed` folders change nothing or only what their case needs)."""
    ws = copy.deepcopy(s.fixed_setup())
    trn_root, reg_root, prod_root = (f"arn:aws:iam::{a}:root" for a in (s.TRN, s.REG, PROD))
    ws["group_statements"] = [
        {
            "Sid": "AddPermModelPackageVersion",
            "Effect": "Allow",
            "Principal": {"AWS": trn_root},
            "Action": ["sagemaker:CreateModelPackage"],
            "Resource": s.PACKAGES,
        },
        {
            "Sid": "GovernanceApprovesVersions",
            "Effect": "Allow",
            "Principal": {"AWS": arn_role(GOV, APPROVER)},
            "Action": ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"],
            "Resource": s.PACKAGES,
        },
        {
            "Sid": "ProductionDescribesGroup",
            "Effect": "Allow",
            "Principal": {"AWS": prod_root},
            "Action": "sagemaker:DescribeModelPackageGroup",
            "Resource": s.GROUP_ARN,
        },
        {
            "Sid": "ProductionDeploysVersions",
            "Effect": "Allow",
            "Principal": {"AWS": prod_root},
            "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages", "sagemaker:CreateModel"],
            "Resource": s.PACKAGES,
        },
    ]
    ws["ecr_principals"] = [reg_root, prod_root]
    ws["bucket_principals"] = [reg_root, prod_root]
    # Registry and production read every training output: a key policy statement, not a
    # grant constrained to one object.
    ws["key_statements"] = [
        {
            "Sid": "RegistryAndProductionReadModelArtifacts",
            "Effect": "Allow",
            "Principal": {"AWS": [reg_root, prod_root]},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{s.REGION}.amazonaws.com"}},
        }
    ]
    ws["training_kms_key"] = s.KEY_ARN
    ws["image"] = s.IMAGE
    ws["pipeline_role_policies"] = [("register-into-model-registry", s.register_policy())]
    ws["studio_role_policies"] = [("register-into-model-registry", s.register_policy())]
    ws["approver_policies"] = [
        (
            "approve-model-versions",
            s.policy(
                {
                    "Sid": "ApproveVersions",
                    "Effect": "Allow",
                    "Action": ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"],
                    "Resource": s.PACKAGES,
                }
            ),
        )
    ]
    ws["deployer_policies"] = [
        (
            "deploy-registered-models",
            s.policy(
                {
                    "Sid": "DescribeGroup",
                    "Effect": "Allow",
                    "Action": "sagemaker:DescribeModelPackageGroup",
                    "Resource": s.GROUP_ARN,
                },
                {
                    "Sid": "DeployVersions",
                    "Effect": "Allow",
                    "Action": ["sagemaker:DescribeModelPackage", "sagemaker:CreateModel"],
                    "Resource": s.PACKAGES,
                },
            ),
        )
    ]
    ws["prod_exec_policies"] = [
        ("endpoint-runtime", s.endpoint_runtime_policy()),
        ("use-training-account-artifacts", s.policy(*s.deploy_artifacts_statements())),
    ]
    ws["ram"] = None
    return ws


def write_case_inventory(s, d, ws):
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    ws = copy.deepcopy(ws)
    ws["ecr_policy"] = s.policy(
        {
            "Sid": "AddPerm",
            "Effect": "Allow",
            "Principal": {"AWS": ws["ecr_principals"]},
            "Action": [
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchCheckLayerAvailability",
                "ecr:Describe*",
            ],
        }
    )
    ws["bucket_policy_text"] = s.compact(
        s.policy(
            {
                "Sid": "AddPerm",
                "Effect": "Allow",
                "Principal": {"AWS": ws["bucket_principals"]},
                "Action": "s3:GetObject",
                "Resource": f"{s.BUCKET_ARN}/*",
            }
        )
    )
    default = json.loads(ws["key_policy_text"])
    default["Statement"].extend(ws["key_statements"])
    ws["key_policy_text"] = s.jackson(default)
    ws["group_policy_text"] = s.python_dumps({"Version": "2012-10-17", "Statement": ws["group_statements"]})
    s.write_training_account(d, ws)
    s.write_registry_account(d, ws)
    s.write_org(d, ws)
    trust = s.sagemaker_trust()
    studio_trust = s.policy(
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:SetContext"]}
    )
    s.write_json(
        d / s.TRN / "iam.json",
        s.gaad(
            [
                s.org_access_role(s.TRN),
                s.role_entry(s.TRN, s.TRAINING_ROLE, trust, ws["training_role_policies"], [], "2024-08-27T16:20:13+00:00"),
                s.role_entry(s.TRN, PIPELINE_ROLE, trust, ws["pipeline_role_policies"], [], "2024-09-18T21:55:02+00:00"),
                s.role_entry(s.TRN, STUDIO_ROLE, studio_trust, ws["studio_role_policies"], [], "2024-09-02T09:50:31+00:00"),
            ]
        ),
    )
    for account, roles in (
        (GOV, [(APPROVER, ws["approver_policies"])]),
        (PROD, [(DEPLOYER, ws["deployer_policies"]), (PROD_EXEC, ws["prod_exec_policies"])]),
    ):
        entries = [s.org_access_role(account)]
        for name, policies in roles:
            t = trust if name == PROD_EXEC else s.policy(
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
            )
            entries.append(s.role_entry(account, name, t, policies, [], "2024-09-05T08:00:00+00:00"))
        s.write_json(d / account / "iam.json", s.gaad(entries))
    if ws["ram"]:
        write_ram(s, d, ws["ram"])


def write_ram(s, d, ram):
    share = f"arn:aws:ram:{s.REGION}:{s.REG}:resource-share/{SHARE_ID}"
    perm = f"arn:aws:ram:{s.REGION}:{s.REG}:permission/ModelRegistryConsumers"
    r = d / s.REG / s.REGION / "ram"
    t = "2024-09-10T12:00:00.000000+00:00"
    s.write_json(
        r / "get-resource-shares.json",
        {
            "resourceShares": [
                {
                    "resourceShareArn": share,
                    "name": "decision-trees-registry",
                    "owningAccountId": s.REG,
                    "allowExternalPrincipals": False,
                    "status": ram["status"],
                    "tags": [],
                    "creationTime": t,
                    "lastUpdatedTime": t,
                    "featureSet": "STANDARD",
                }
            ]
        },
    )
    s.write_json(
        r / "list-resources.json",
        {
            "resources": [
                {
                    "arn": s.GROUP_ARN,
                    "type": "sagemaker:ModelPackageGroup",
                    "resourceShareArn": share,
                    "status": "AVAILABLE",
                    "creationTime": t,
                    "lastUpdatedTime": t,
                    "resourceRegionScope": "REGIONAL",
                }
            ]
        },
    )
    s.write_json(
        r / "list-principals.json",
        {
            "principals": [
                {"id": p, "resourceShareArn": share, "creationTime": t, "lastUpdatedTime": t, "external": False}
                for p in ram["principals"]
            ]
        },
    )
    s.write_json(
        r / "list-permission-associations.json",
        {
            "permissions": [
                {
                    "arn": perm,
                    "permissionVersion": "1",
                    "defaultVersion": True,
                    "resourceType": "sagemaker:ModelPackageGroup",
                    "status": "ASSOCIATED",
                    "featureSet": "STANDARD",
                    "lastUpdatedTime": t,
                    "resourceShareArn": share,
                }
            ]
        },
    )
    s.write_json(
        r / "get-permission.json",
        {
            "permission": {
                "arn": perm,
                "version": "1",
                "defaultVersion": True,
                "name": "ModelRegistryConsumers",
                "resourceType": "sagemaker:ModelPackageGroup",
                "permission": json.dumps({"Effect": "Allow", "Action": ram["actions"]}),
                "creationTime": t,
                "lastUpdatedTime": t,
                "isResourceTypeDefault": False,
                "permissionType": "CUSTOMER_MANAGED",
                "featureSet": "STANDARD",
                "status": "ATTACHABLE",
            }
        },
    )


# ---------------------------------------------------------------------------------------
# Writing.

VERDICT_EXIT = {"possible": 0, "not possible": 1, "not verified": 1}


class Writer:
    def __init__(self, s, root):
        self.s = s
        self.root = root
        self.rows = []

    def write(self, path, obj):
        self.s.write_json(path, obj)

    def seed_expressions(self):
        s = self.s
        for name, setup, url in (
            ("seed-example", s.guide_setup(), "s3://{bucket}/model.tar.gz"),
            ("seed-example-fixed", s.fixed_setup(), f"s3://{s.BUCKET}/{s.OBJECT_KEY}"),
        ):
            d = self.root / name
            defn = definition(s, train=False, model_data_url=url)
            self.write(d / "pipeline-definition.json", defn)
            self.write(d / "pipeline.json", describe_pipeline(s, defn, s.TRAINING_ROLE_ARN))
            self.write(d / "training-job.json", training_job(s, kms_key=setup["bucket_key_id"], output=f"s3://{s.BUCKET}"))
            (d / "README.md").write_text(seed_readme(s, name, url), encoding="utf-8")
            self.rows.append((name, "the bundled example as a pipeline and a training job", "same as the request"))

    def case(self, name, title, variants):
        s = self.s
        for variant, change, inputs, args, verdict, what, expect in variants:
            d = self.root / name / variant
            ws = workflow_setup(s)
            if change:
                change(ws)
            write_case_inventory(s, d / "inventory", ws)
            for file, obj in inputs(s, ws).items():
                self.write(d / file, obj)
            rel = f"fixtures/workflows/{name}/{variant}"
            argv = [a.replace("{dir}", rel) for a in args(s)]
            self.write(
                d / "expected.json",
                {
                    "args": ["check", *argv, f"{rel}/inventory"],
                    "verdict": verdict.replace(" ", "-"),
                    "exit": VERDICT_EXIT[verdict],
                },
            )
            (d / "README.md").write_text(case_readme(s, name, variant, title, argv, rel, verdict, what, expect), encoding="utf-8")
            self.rows.append((f"{name}/{variant}", title, verdict))

    def index(self):
        rows = "\n".join(f"| `{n}` | {t} | {v} |" for n, t, v in self.rows)
        (self.root / "README.md").write_text(
            f"""# workflows

The model registry workflow across accounts, as `xacct check` reads it from what teams
already have (a pipeline definition, a training job, a Studio profile or domain, the
`create-model-package` input) and answers it scenario by scenario (train, register,
approve, deploy, a group shared through AWS RAM; `xacct scenarios` lists them).

Accounts: the training account 222222222222 and the registry account 111111111111 of
`../seed-example-fixed/`, the governance account {GOV} (`{APPROVER}`) and the production
account {PROD} (`{DEPLOYER}`, `{PROD_EXEC}`), all in one organization. Each case folder has
`broken/` and `fixed/`: an `inventory/` (exports in the layout of docs/inventory.md), the
inputs, `expected.json` (the command and its verdict, which the tests run) and a README.

| fixture | what | expected verdict |
|---|---|---|
{rows}

{self.s.GENERATED}""",
            encoding="utf-8",
        )


def command(argv, inventory):
    lines = ["xacct check"]
    i = 0
    while i < len(argv):
        if argv[i].startswith("--") and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            lines.append(f"{argv[i]} {argv[i + 1]}")
            i += 2
        else:
            lines.append(argv[i])
            i += 1
    lines.append(inventory)
    return "```\n" + " \\\n    ".join(lines) + "\n```"


def case_readme(s, name, variant, title, argv, rel, verdict, what, expect):
    exit_code = VERDICT_EXIT[verdict]
    return f"""# workflows/{name}/{variant}: {title}

## What it shows

{s.wrap(what)}

## Expected verdict: {verdict} (exit {exit_code})

{s.wrap(expect)}

{command(argv, f"{rel}/inventory")}

`inventory/` is the fixed seed setup (`../../../seed-example-fixed/`) with the governance
account {GOV} and the production account {PROD} added (see `../../README.md`), and the change
described above. `expected.json` holds the command and the verdict the tests check.

{s.GENERATED}"""


def seed_readme(s, name, url):
    inv = f"fixtures/{name}"
    d = f"fixtures/workflows/{name}"
    same = (
        "the same verdict, step by step, as the hand-written request: the same denials with the same "
        "causes and fixes, and the artifact steps not verified for the literal `{bucket}`"
        if name == "seed-example"
        else "the same verdict, step by step, as the hand-written request: every step allowed"
    )
    tj = (
        "Its artifact is a real object, so the artifact steps are decided rather than not verified: "
        "`s3-read-artifact` is denied (the bucket policy names `{bucket}`, not the bucket) and "
        "`kms-decrypt-artifact` is denied (the grant to the bare account id), the causes 4 and 6 of "
        "`../../seed-example/README.md` against the real object; the other steps and the verdict are the "
        "same, not possible."
        if name == "seed-example"
        else "Every step but one is allowed as with the request; `kms-decrypt-artifact` is denied, and that "
        "is a finding, not a difference of reading: the fixed setup's grant is constrained to the encryption "
        "context of the guide's object (`aws:s3:arn` = "
        f"`{s.OBJECT_ARN}`), and a training job writes its artifact under its own name. "
        "`../training-job/fixed/` shows the key policy statement that covers every training output."
    )
    return f"""# workflows/{name}: the bundled example as a pipeline and a training job

The registration of `../../{name}/` (the AWS guide's example{' as written' if name == 'seed-example' else ', corrected'})
expressed as teams run it:

- `pipeline-definition.json`: a pipeline definition as the SageMaker Python SDK writes it,
  with one `RegisterModel` step holding the guide's values (`ModelDataUrl` is the guide's
  `model_url`, `{url}`);
- `pipeline.json`: `aws sagemaker describe-pipeline` of that pipeline, whose `RoleArn`
  (`SageMakerTrainingRole`) is the caller: no `--caller` is needed;
- `training-job.json`: `aws sagemaker describe-training-job` of a job that wrote its
  artifact with the key the bucket names, registered into the group named by `--group`.

```
xacct check --request {d}/pipeline.json \\
    --consumer {s.DEPLOY_ROLE_ARN} {inv}/
xacct check --request {d}/pipeline-definition.json --caller {s.TRAINING_ROLE_ARN} \\
    --consumer {s.DEPLOY_ROLE_ARN} {inv}/
xacct check --request {d}/training-job.json --group {s.GROUP_ARN} \\
    --caller {s.TRAINING_ROLE_ARN} --consumer {s.DEPLOY_ROLE_ARN} {inv}/
```

## Expected

{s.wrap(f"The pipeline (both forms): {same}.")}

{s.wrap(f"The training job: a train stage first (the training role may write and encrypt the artifact: allowed), then the registration. {tj}")}

{s.GENERATED}"""
