#!/usr/bin/env python3
"""Write a synthetic inventory of policy files for benchmarking `xacct lint`.

Usage: scripts/gen-lint-bench.py OUT_DIR [--files 10000] [--seed 1]

Files follow the inventory layout (`<account>/s3/<bucket>.policy.json`,
`<account>/<region>/ecr/<repo>.json`, `<account>/<region>/kms/<key>.policy.json` and
`.grants.json`, `<account>/<region>/sagemaker/<group>.json`, `<account>/iam.json`) in the
shapes the AWS CLI exports (policies carried as JSON strings where the CLI does so). Sizes
are realistic: one to a dozen statements, several actions and resources each, conditions on
about a third; every account's `iam.json` holds a few dozen roles with inline and managed
policies. About one file in ten carries a defect the linter reports (a placeholder, an
action on the wrong resource, a missing pull permission, a bare account grantee…).

The output is deterministic for a given seed. Do not commit it.
"""
import argparse
import json
import os
import random

REGIONS = ["us-east-1", "us-east-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
S3_OBJECT = ["s3:GetObject", "s3:PutObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:GetObjectTagging"]
S3_BUCKET = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketAcl", "s3:GetBucketPolicy"]
ECR_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
KMS_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey"]
SM = ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages",
      "sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackageGroup"]
# (actions, resource ARN format) per service, so that every action applies to its resource.
IDENTITY = [
    (S3_OBJECT, "arn:aws:s3:::data-{n}/*"),
    (["logs:PutLogEvents", "logs:CreateLogStream"], "arn:aws:logs:{region}:{account}:log-group:/app/{n}:*"),
    (["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"], "arn:aws:dynamodb:{region}:{account}:table/t-{n}"),
    (["sqs:SendMessage", "sqs:ReceiveMessage"], "arn:aws:sqs:{region}:{account}:q-{n}"),
    (["sns:Publish"], "arn:aws:sns:{region}:{account}:topic-{n}"),
    (["lambda:InvokeFunction"], "arn:aws:lambda:{region}:{account}:function:f-{n}"),
]


def acct(r):
    return str(r.randrange(10**11, 10**12))


def principal(r, accounts):
    a = r.choice(accounts)
    return r.choice([f"arn:aws:iam::{a}:root", f"arn:aws:iam::{a}:role/app-{r.randrange(100)}",
                     f"arn:aws:iam::{a}:role/path/team-{r.randrange(50)}"])


def cond(r, account):
    c = r.random()
    if c < 0.15:
        return {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"}}
    if c < 0.25:
        return {"Bool": {"aws:SecureTransport": "true"}}
    if c < 0.32:
        return {"StringEquals": {"aws:SourceAccount": account}}
    return None


def stmt(sid, effect, actions, resources=None, princ=None, condition=None):
    s = {"Sid": sid, "Effect": effect}
    if princ is not None:
        s["Principal"] = princ
    s["Action"] = actions
    if resources is not None:
        s["Resource"] = resources
    if condition:
        s["Condition"] = condition
    return s


def bucket_policy(r, account, bucket, accounts, bad):
    st = []
    for i in range(r.randint(1, 8)):
        p = {"AWS": [principal(r, accounts) for _ in range(r.randint(1, 4))]}
        if r.random() < 0.5:
            st.append(stmt(f"Objects{i}", "Allow", r.sample(S3_OBJECT, r.randint(1, 4)),
                           [f"arn:aws:s3:::{bucket}/prefix-{i}/*"], p, cond(r, account)))
        else:
            st.append(stmt(f"Bucket{i}", "Allow", r.sample(S3_BUCKET, r.randint(1, 3)),
                           f"arn:aws:s3:::{bucket}", p, cond(r, account)))
    st.append(stmt("DenyInsecure", "Deny", "s3:*", [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                   "*", {"Bool": {"aws:SecureTransport": "false"}}))
    if bad:
        st[0]["Resource"] = ["arn:aws:s3:::{bucket}/*"]
        st[0]["Action"] = ["s3:GetObject", "s3:GetBucketAcl"]
    return {"Policy": json.dumps({"Version": "2012-10-17", "Statement": st})}


def repo_policy(r, account, repo, accounts, bad):
    st = [stmt(f"Pull{i}", "Allow", ECR_PULL if not bad else ["ecr:BatchGetImage", "ecr:Describe*"],
               princ={"AWS": [principal(r, accounts) for _ in range(r.randint(1, 3))]})
          for i in range(r.randint(1, 3))]
    return {"registryId": account, "repositoryName": repo,
            "policyText": json.dumps({"Version": "2012-10-17", "Statement": st}, indent=2)}


def key_policy(r, account, accounts, bad):
    st = [] if bad else [stmt("Enable IAM User Permissions", "Allow", "kms:*", "*", {"AWS": f"arn:aws:iam::{account}:root"})]
    for i in range(r.randint(1, 5)):
        st.append(stmt(f"Use{i}", "Allow", r.sample(KMS_USE, r.randint(1, 4)), "*",
                       {"AWS": principal(r, accounts)}, r.choice([None, {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}])))
    return {"Policy": json.dumps({"Version": "2012-10-17", "Id": "key-default-1", "Statement": st}, indent=4),
            "PolicyName": "default"}


def grants(r, account, region, key, accounts, bad):
    out = []
    for i in range(r.randint(1, 4)):
        grantee = r.choice(accounts) if bad and i == 0 else principal(r, accounts)
        out.append({"KeyId": f"arn:aws:kms:{region}:{account}:key/{key}", "GrantId": f"{r.getrandbits(128):032x}",
                    "Name": "", "CreationDate": 1.7e9 + r.randrange(10**7), "GranteePrincipal": grantee,
                    "IssuingAccount": f"arn:aws:iam::{account}:root",
                    "Operations": r.sample(["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "ReEncryptFrom"], 2)})
    return {"Grants": out, "Truncated": False}


def group_policy(r, account, region, group, accounts, bad):
    st = [stmt(f"Register{i}", "Allow", r.sample(SM, r.randint(1, 3)),
               [f"arn:aws:sagemaker:{region}:{account}:model-package/{group}/*",
                f"arn:aws:sagemaker:{region}:{account}:model-package-group/{group}"],
               {"AWS": principal(r, accounts)}) for i in range(r.randint(1, 3))]
    if bad:
        st[0]["Action"] = ["sagemaker:CreateModel"]
        st[0]["Resource"] = [f"arn:aws:sagemaker:{region}:{account}:model-package/{group}/*"]
    return {"ResourcePolicy": json.dumps({"Version": "2012-10-17", "Statement": st})}


def identity(r, account):
    st = []
    for i in range(r.randint(1, 10)):
        actions, fmt = r.choice(IDENTITY)
        acts = r.sample(actions, r.randint(1, len(actions)))
        res = [fmt.format(n=f"{i}-{k}", region=r.choice(REGIONS), account=account) for k in range(r.randint(1, 4))]
        st.append(stmt(f"S{i}", "Allow", acts, res, condition=cond(r, account)))
    return {"Version": "2012-10-17", "Statement": st}


def iam(r, account, accounts, roles):
    role_list = []
    for i in range(roles):
        trust = {"Version": "2012-10-17", "Statement": [
            stmt("Trust", "Allow", "sts:AssumeRole", princ=r.choice([{"Service": "sagemaker.amazonaws.com"},
                                                                      {"AWS": principal(r, accounts)}]))]}
        role_list.append({"Path": "/", "RoleName": f"role-{i}", "RoleId": f"AROA{r.getrandbits(64):016X}",
                          "Arn": f"arn:aws:iam::{account}:role/role-{i}", "CreateDate": "2024-01-01T00:00:00Z",
                          "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
                          "RolePolicyList": [{"PolicyName": f"inline-{j}", "PolicyDocument": identity(r, account)}
                                             for j in range(r.randint(0, 3))],
                          "AttachedManagedPolicies": [], "Tags": []})
    policies = [{"PolicyName": f"managed-{i}", "PolicyId": f"ANPA{r.getrandbits(64):016X}",
                 "Arn": f"arn:aws:iam::{account}:policy/managed-{i}", "Path": "/", "DefaultVersionId": "v1",
                 "AttachmentCount": 1, "IsAttachable": True,
                 "PolicyVersionList": [{"Document": identity(r, account), "VersionId": "v1", "IsDefaultVersion": True,
                                        "CreateDate": "2024-01-01T00:00:00Z"}]} for i in range(r.randint(5, 15))]
    return {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": role_list, "Policies": policies}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    r = random.Random(args.seed)
    per_account = 100
    n_accounts = max(1, args.files // per_account)
    accounts = [acct(r) for _ in range(n_accounts)]
    written = 0
    total_bytes = 0
    for a in accounts:
        files = {}
        files[f"{a}/iam.json"] = iam(r, a, accounts, r.randint(20, 40))
        while len(files) < per_account and written + len(files) < args.files:
            kind = r.random()
            region = r.choice(REGIONS)
            bad = r.random() < 0.1
            n = len(files)
            if kind < 0.35:
                b = f"bucket-{a}-{n}"
                files[f"{a}/s3/{b}.policy.json"] = bucket_policy(r, a, b, accounts, bad)
            elif kind < 0.55:
                repo = f"team-{n % 7}/app-{n}"
                files[f"{a}/{region}/ecr/{repo}.json"] = repo_policy(r, a, repo, accounts, bad)
            elif kind < 0.70 and written + len(files) + 1 < args.files:
                key = f"{r.getrandbits(32):08x}-12ab-34cd-56ef-{r.getrandbits(48):012x}"
                files[f"{a}/{region}/kms/{key}.policy.json"] = key_policy(r, a, accounts, bad)
                files[f"{a}/{region}/kms/{key}.grants.json"] = grants(r, a, region, key, accounts, bad)
            elif kind < 0.85:
                g = f"group-{n}"
                files[f"{a}/{region}/sagemaker/{g}.json"] = group_policy(r, a, region, g, accounts, bad)
            else:
                files[f"{a}/policies/identity-{n}.json"] = identity(r, a)
        for path, doc in files.items():
            full = os.path.join(args.out, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            text = json.dumps(doc, indent=2) + "\n"
            with open(full, "w") as f:
                f.write(text)
            total_bytes += len(text)
        written += len(files)
        if written >= args.files:
            break
    print(f"wrote {written} files, {total_bytes / 1e6:.1f} MB, {len(accounts)} accounts, in {args.out}")


if __name__ == "__main__":
    main()
