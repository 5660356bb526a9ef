#!/usr/bin/env python3
"""Random but realistic decision cases for the differential run.

Writes one case a line in the conformance format (docs/semantics.md; tests/conformance),
without `expected`: the point is to compare two engines, not to pin an answer. Every case
carries `features`, tags that say what it exercises, for grouping disagreements.

Standard library only; the same `--seed` and `--count` always give the same file.

    python3 gen_cases.py --seed 7 --count 5000 > cases.jsonl
"""

import argparse
import json
import random
import sys

REGION = "us-east-1"

# account -> (organization id, organizational-unit path); None = not in an organization
ACCOUNTS = {
    "111111111111": ("o-aaaaaaaaaa", "o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/"),
    "222222222222": ("o-aaaaaaaaaa", "o-aaaaaaaaaa/r-ab12/ou-ab12-22222222/"),
    "333333333333": ("o-bbbbbbbbbb", "o-bbbbbbbbbb/r-cd34/ou-cd34-33333333/"),
    "444444444444": None,
}
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
SERVICES = [
    "lambda.amazonaws.com",
    "s3.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "sagemaker.amazonaws.com",
]
SOURCE_IPS = ["203.0.113.10", "198.51.100.7", "10.1.2.3", "2001:db8::10"]


# -- resources and actions --------------------------------------------------------------


def short(acct):
    return acct[:3]


def resource_kinds(acct):
    """(service, resource ARN, actions on it, has resource policy, resource policy kind)."""
    b = f"bkt-{short(acct)}-data"
    return [
        ("s3", f"arn:aws:s3:::{b}/reports/2024/q1.csv",
         ["s3:GetObject", "s3:PutObject", "s3:GetObjectVersion"], "bucket"),
        ("s3", f"arn:aws:s3:::{b}", ["s3:ListBucket", "s3:GetBucketPolicy"], "bucket"),
        ("kms", f"arn:aws:kms:{REGION}:{acct}:key/{KEY_ID}",
         ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:Encrypt",
          "kms:CreateGrant"], "key"),
        ("sqs", f"arn:aws:sqs:{REGION}:{acct}:jobs", ["sqs:SendMessage", "sqs:ReceiveMessage"],
         "queue"),
        ("sns", f"arn:aws:sns:{REGION}:{acct}:alerts", ["sns:Publish"], "topic"),
        ("ecr", f"arn:aws:ecr:{REGION}:{acct}:repository/models/base",
         ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "repository"),
        ("sagemaker", f"arn:aws:sagemaker:{REGION}:{acct}:model-package/churn/1",
         ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage"], "group"),
        ("sagemaker", f"arn:aws:sagemaker:{REGION}:{acct}:model-package-group/churn",
         ["sagemaker:DescribeModelPackageGroup"], "group"),
        ("secretsmanager", f"arn:aws:secretsmanager:{REGION}:{acct}:secret:db-pass-AbCdEf",
         ["secretsmanager:GetSecretValue"], "secret"),
        ("sts", f"arn:aws:iam::{acct}:role/deploy", ["sts:AssumeRole"], "trust"),
        ("iam", f"arn:aws:iam::{acct}:role/svc/runner", ["iam:PassRole", "iam:GetRole"], None),
        ("dynamodb", f"arn:aws:dynamodb:{REGION}:{acct}:table/orders",
         ["dynamodb:GetItem", "dynamodb:PutItem"], None),
        ("lambda", f"arn:aws:lambda:{REGION}:{acct}:function:proc", ["lambda:InvokeFunction"],
         "function"),
    ]


WILDCARD_ONLY = ["sts:GetCallerIdentity", "ecr:GetAuthorizationToken", "s3:ListAllMyBuckets"]

OTHER_ACTIONS = ["ec2:RunInstances", "iam:CreateUser", "s3:DeleteBucket", "kms:ScheduleKeyDeletion",
                 "sqs:DeleteQueue", "logs:PutLogEvents"]


def other_arn(rng, acct):
    a = rng.choice(list(ACCOUNTS))
    return rng.choice([
        f"arn:aws:s3:::bkt-{short(a)}-logs/*",
        f"arn:aws:kms:{REGION}:{a}:key/ffffffff-0000-1111-2222-333333333333",
        f"arn:aws:sqs:{REGION}:{a}:other",
        f"arn:aws:dynamodb:{REGION}:{a}:table/users",
        f"arn:aws:iam::{a}:role/other",
    ])


def wildcard_resource(rng, service, arn, acct):
    """A pattern that covers `arn` (mostly) or a near miss."""
    if service == "s3":
        bucket = arn.split(":::")[1].split("/")[0]
        return rng.choice([f"arn:aws:s3:::{bucket}/*", f"arn:aws:s3:::{bucket}*",
                           "arn:aws:s3:::*", f"arn:aws:s3:::{bucket}/reports/*",
                           f"arn:aws:s3:::{bucket}/*/q?.csv", f"arn:aws:s3:::{bucket}/logs/*"])
    parts = arn.split(":", 5)
    service, res = parts[2], parts[5]
    head = res.split("/")[0].split(":")[0]
    return rng.choice([
        f"arn:aws:{service}:*:{acct}:{res}",
        f"arn:aws:{service}:{REGION}:*:{res}",
        f"arn:aws:{service}:*:*:*",
        f"arn:aws:{service}:{parts[3]}:{acct}:{head}*",
        f"arn:aws:{service}:{parts[3]}:{acct}:{res.upper()}",
        f"arn:aws:*:{parts[3]}:{acct}:{res}",
    ])


# -- principals -------------------------------------------------------------------------


def make_principal(rng, acct):
    kind = rng.choices(["user", "session", "federated", "service", "anonymous", "role"],
                       weights=[34, 38, 5, 9, 5, 3])[0]
    p = {"kind": kind, "account": acct}
    if kind == "user":
        name, path = rng.choice([("alice", "/"), ("bob", "/dev/")])
        p.update(arn=f"arn:aws:iam::{acct}:user{path}{name}", name=name, path=path)
    elif kind in ("session", "role"):
        role, path, sess = rng.choice([("app", "/", "i-0abc"), ("runner", "/svc/", "build-7"),
                                       ("Admin", "/", "jane")])
        p.update(role_arn=f"arn:aws:iam::{acct}:role{path}{role}", role=role, path=path,
                 session=sess)
        p["arn"] = (f"arn:aws:sts::{acct}:assumed-role/{role}/{sess}" if kind == "session"
                    else p["role_arn"])
    elif kind == "federated":
        p.update(arn=f"arn:aws:sts::{acct}:federated-user/carol", name="carol",
                 user_arn=f"arn:aws:iam::{acct}:user/carol")
    elif kind == "service":
        p.update(arn=rng.choice(SERVICES))
    else:
        p.update(arn="anonymous")
    return p


def make_context(rng, p, res_acct, action):
    ctx = {}
    kind, acct = p["kind"], p["account"]
    feats = []
    if kind == "service":
        ctx["aws:PrincipalIsAWSService"] = "true"
        ctx["aws:SourceAccount"] = res_acct if rng.random() < 0.7 else "444444444444"
        ctx["aws:SourceArn"] = rng.choice([f"arn:aws:s3:::bkt-{short(res_acct)}-data",
                                          f"arn:aws:lambda:{REGION}:{res_acct}:function:proc",
                                          f"arn:aws:cloudtrail:{REGION}:444444444444:trail/x"])
        ctx["aws:SecureTransport"] = "true"
        ctx["aws:CurrentTime"] = "2024-05-01T12:00:00Z"
        return ctx, feats
    if kind == "anonymous":
        if rng.random() < 0.5:
            ctx["aws:SecureTransport"] = rng.choice(["true", "false"])
            ctx["aws:CurrentTime"] = "2024-05-01T12:00:00Z"
        if rng.random() < 0.4:
            ctx["aws:SourceIp"] = rng.choice(SOURCE_IPS)
        return ctx, feats
    ctx["aws:PrincipalAccount"] = acct
    org = ACCOUNTS[acct]
    if org:
        ctx["aws:PrincipalOrgID"] = org[0]
        ctx["aws:PrincipalOrgPaths"] = [org[1]]
    if kind == "user":
        ctx["aws:PrincipalArn"] = p["arn"]
        ctx["aws:PrincipalType"] = "User"
        ctx["aws:username"] = p["name"]
        ctx["aws:userid"] = "AIDA" + p["name"].upper() + "EXAMPLE"
        if rng.random() < 0.5:
            ctx["aws:MultiFactorAuthPresent"] = rng.choice(["true", "false"])
            if ctx["aws:MultiFactorAuthPresent"] == "true":
                ctx["aws:MultiFactorAuthAge"] = str(rng.choice([60, 1800, 7200]))
    elif kind in ("session", "role"):
        ctx["aws:PrincipalArn"] = p["role_arn"]
        ctx["aws:PrincipalType"] = "AssumedRole"
        ctx["aws:userid"] = "AROAEXAMPLEID:" + p["session"]
        ctx["aws:TokenIssueTime"] = rng.choice(["2024-05-01T11:00:00Z", "2023-01-01T00:00:00Z"])
        if rng.random() < 0.3:
            ctx["aws:MultiFactorAuthPresent"] = "true"
            ctx["aws:MultiFactorAuthAge"] = str(rng.choice([60, 7200]))
    elif kind == "federated":
        ctx["aws:PrincipalArn"] = p["arn"]
        ctx["aws:PrincipalType"] = "FederatedUser"
        ctx["aws:userid"] = acct + ":carol"
        ctx["aws:TokenIssueTime"] = "2024-05-01T11:00:00Z"
    ctx["aws:PrincipalIsAWSService"] = "false"
    if rng.random() < 0.6:
        ctx["aws:PrincipalTag/team"] = rng.choice(["blue", "red", "Blue"])
    ctx["aws:ResourceAccount"] = res_acct
    if rng.random() < 0.85:
        ctx["aws:SecureTransport"] = rng.choice(["true", "true", "false"])
    ctx["aws:CurrentTime"] = rng.choice(["2024-05-01T12:00:00Z", "2022-12-31T23:00:00Z"])
    ctx["aws:EpochTime"] = "1714564800" if ctx["aws:CurrentTime"].startswith("2024") else "1672527600"
    ctx["aws:RequestedRegion"] = rng.choice([REGION, REGION, "eu-west-1"])
    if rng.random() < 0.6:
        ctx["aws:SourceIp"] = rng.choice(SOURCE_IPS)
    ctx["aws:ViaAWSService"] = "false"
    if rng.random() < 0.15:
        ctx["aws:CalledVia"] = rng.choice([["athena.amazonaws.com"],
                                           ["cloudformation.amazonaws.com", "kms.amazonaws.com"]])
        ctx["aws:ViaAWSService"] = "true"
    if rng.random() < 0.12:
        ctx["aws:TagKeys"] = rng.choice([["env"], ["env", "team"], ["Owner"]])
        ctx["aws:RequestTag/env"] = rng.choice(["prod", "dev"])
    # service keys the action really carries
    svc = action.split(":")[0]
    if svc == "kms" and rng.random() < 0.6:
        ctx["kms:CallerAccount"] = acct
        if rng.random() < 0.5:
            ctx["kms:ViaService"] = rng.choice([f"s3.{REGION}.amazonaws.com",
                                                f"sagemaker.{REGION}.amazonaws.com"])
        if action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt") and rng.random() < 0.4:
            ctx["kms:EncryptionContext:aws:s3:arn"] = f"arn:aws:s3:::bkt-{short(res_acct)}-data/x"
    if action == "s3:ListBucket" and rng.random() < 0.6:
        ctx["s3:prefix"] = rng.choice(["home/alice/", "home/bob/x", "public/"])
    if action == "s3:PutObject" and rng.random() < 0.4:
        ctx["s3:x-amz-server-side-encryption-aws-kms-key-id"] = (
            f"arn:aws:kms:{REGION}:{res_acct}:key/{KEY_ID}")
    if action == "sagemaker:CreateModelPackage" and rng.random() < 0.6:
        ctx["sagemaker:ModelApprovalStatus"] = rng.choice(["Approved", "PendingManualApproval"])
    if svc in ("kms", "sqs", "secretsmanager", "dynamodb", "lambda", "ecr") and rng.random() < 0.3:
        ctx["aws:ResourceTag/env"] = rng.choice(["prod", "dev"])
    return ctx, feats


# -- conditions -------------------------------------------------------------------------


def condition_templates(rng, p, res_acct, service):
    acct = p["account"]
    org = (ACCOUNTS.get(acct) or ("o-aaaaaaaaaa", "o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/"))
    other_org = "o-bbbbbbbbbb" if org[0] == "o-aaaaaaaaaa" else "o-aaaaaaaaaa"
    t = [
        ("cond:StringEquals", "StringEquals", "aws:PrincipalAccount", rng.choice([acct, res_acct])),
        ("cond:StringEquals", "StringEquals", "aws:PrincipalOrgID", rng.choice([org[0], other_org])),
        ("cond:StringNotEquals", "StringNotEquals", "aws:PrincipalOrgID",
         rng.choice([org[0], other_org])),
        ("cond:StringNotEquals", "StringNotEquals", "aws:PrincipalAccount",
         [acct, "444444444444"] if rng.random() < 0.5 else "444444444444"),
        ("cond:StringLike", "StringLike", "aws:PrincipalArn",
         rng.choice(["arn:aws:iam::*:role/*", f"arn:aws:iam::{acct}:user/*",
                     f"arn:aws:iam::{acct}:role/svc/*"])),
        ("cond:StringNotLike", "StringNotLike", "aws:PrincipalArn",
         f"arn:aws:iam::{acct}:role/Admin*"),
        ("cond:IgnoreCase", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "BLUE"),
        ("cond:IgnoreCase", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "red"),
        ("cond:StringEquals", "StringEquals", "aws:PrincipalTag/team", ["blue", "green"]),
        ("cond:StringEquals", "StringEquals", "aws:RequestedRegion", REGION),
        ("cond:StringNotEquals", "StringNotEquals", "aws:RequestedRegion", [REGION, "us-west-2"]),
        ("cond:StringEquals", "StringEquals", "aws:ResourceAccount", rng.choice([res_acct, acct])),
        ("cond:StringEquals", "StringEquals", "aws:userid", "AROAEXAMPLEID:*"),
        ("cond:StringLike", "StringLike", "aws:userid", "AROAEXAMPLEID:*"),
        ("cond:StringEquals", "StringEquals", "aws:PrincipalType", rng.choice(["User", "AssumedRole"])),
        ("cond:IfExists", "StringEqualsIfExists", "aws:PrincipalOrgID", rng.choice([org[0], other_org])),
        ("cond:IfExists", "StringNotEqualsIfExists", "aws:SourceAccount", res_acct),
        ("cond:Numeric", "NumericLessThan", "aws:MultiFactorAuthAge", "3600"),
        ("cond:Numeric", "NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "300"),
        ("cond:Numeric", "NumericLessThanIfExists", "aws:MultiFactorAuthAge", "3600"),
        ("cond:Numeric", "NumericNotEquals", "aws:EpochTime", "1714564800"),
        ("cond:Date", "DateGreaterThan", "aws:CurrentTime", rng.choice(["2023-01-01T00:00:00Z",
                                                                       "1704067200"])),
        ("cond:Date", "DateLessThan", "aws:CurrentTime", "2024-01-01T00:00:00Z"),
        ("cond:Date", "DateLessThan", "aws:TokenIssueTime", "2024-01-01T00:00:00Z"),
        ("cond:Date", "DateGreaterThanIfExists", "aws:TokenIssueTime", "2024-01-01"),
        ("cond:Bool", "Bool", "aws:SecureTransport", rng.choice(["true", "false"])),
        ("cond:Bool", "BoolIfExists", "aws:SecureTransport", "false"),
        ("cond:BoolMFA", "Bool", "aws:MultiFactorAuthPresent", rng.choice(["true", "false"])),
        ("cond:BoolMFA", "BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
        ("cond:Bool", "Bool", "aws:PrincipalIsAWSService", rng.choice(["true", "false"])),
        ("cond:Bool", "Bool", "aws:ViaAWSService", "true"),
        ("cond:IpAddress", "IpAddress", "aws:SourceIp",
         rng.choice(["203.0.113.0/24", ["198.51.100.0/24", "10.0.0.0/8"], "2001:db8::/32",
                     "203.0.113.10"])),
        ("cond:IpAddress", "NotIpAddress", "aws:SourceIp", rng.choice(["10.0.0.0/8",
                                                                       "203.0.113.0/24"])),
        ("cond:ArnEquals", "ArnEquals", "aws:PrincipalArn",
         rng.choice([p.get("role_arn", p.get("arn", "")), f"arn:aws:iam::{acct}:role/app"])),
        ("cond:ArnLike", "ArnLike", "aws:PrincipalArn",
         rng.choice([f"arn:aws:iam::{acct}:role/*", "arn:aws:iam::*:user/*",
                     f"arn:aws:iam::{acct}:*"])),
        ("cond:ArnLike", "ArnNotLike", "aws:PrincipalArn", f"arn:aws:iam::{acct}:role/Admin"),
        ("cond:ArnLike", "ArnLike", "aws:SourceArn", rng.choice(["arn:aws:s3:::bkt-*",
                                                                 f"arn:aws:lambda:*:{res_acct}:*"])),
        ("cond:ArnEquals", "ArnNotEqualsIfExists", "aws:SourceArn",
         f"arn:aws:s3:::bkt-{short(res_acct)}-data"),
        ("cond:Null", "Null", "aws:TokenIssueTime", rng.choice(["true", "false"])),
        ("cond:Null", "Null", "aws:SourceIp", rng.choice(["true", "false"])),
        ("cond:Null", "Null", "aws:PrincipalTag/team", "false"),
        ("cond:Null", "Null", "aws:TagKeys", "false"),
        ("cond:ForAnyValue", "ForAnyValue:StringLike", "aws:PrincipalOrgPaths",
         rng.choice([f"{org[0]}/*", "o-cccccccccc/*"])),
        ("cond:ForAnyValue", "ForAnyValue:StringEquals", "aws:CalledVia",
         rng.choice(["athena.amazonaws.com", "kms.amazonaws.com"])),
        ("cond:ForAnyValue", "ForAnyValue:StringEquals", "aws:TagKeys", ["env", "Owner"]),
        ("cond:ForAnyValue", "ForAnyValue:StringNotEquals", "aws:TagKeys", "env"),
        ("cond:ForAllValues", "ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"]),
        ("cond:ForAllValues", "ForAllValues:StringLike", "aws:PrincipalOrgPaths", f"{org[0]}/*"),
        ("cond:ForAllValues", "ForAllValues:StringNotEquals", "aws:CalledVia",
         "cloudformation.amazonaws.com"),
        ("cond:ForAnyValue", "ForAnyValue:StringEquals", "aws:PrincipalAccount", acct),
        ("cond:multi-no-set", "StringLike", "aws:PrincipalOrgPaths", f"{org[0]}/*"),
        ("cond:multi-no-set", "StringNotEquals", "aws:CalledVia", "athena.amazonaws.com"),
        ("policy-variable", "StringEquals", "aws:PrincipalTag/team", "${aws:PrincipalTag/team}"),
        ("policy-variable", "StringLike", "aws:PrincipalArn", "arn:aws:iam::${aws:PrincipalAccount}:*"),
        ("policy-variable", "StringEquals", "aws:ResourceAccount", "${aws:PrincipalAccount}"),
        ("policy-variable:negated", "StringNotEquals", "aws:ResourceAccount",
         "${aws:PrincipalAccount}"),
        ("policy-variable:negated", "StringNotEquals", "aws:PrincipalTag/team", "${aws:username}"),
        ("policy-variable:negated", "StringNotLike", "aws:PrincipalArn",
         "arn:aws:iam::*:user/${aws:username}"),
        ("policy-variable", "StringEquals", "aws:PrincipalTag/team",
         "${aws:ResourceTag/team, 'blue'}"),
        ("cond:StringEquals", "StringEquals", "aws:SourceAccount", res_acct),
        ("cond:ArnLike", "ArnLike", "aws:SourceArn", f"arn:aws:s3:::bkt-{short(res_acct)}-*"),
        ("cond:Bool-invalid", "Bool", "aws:SecureTransport", "maybe"),
    ]
    if service == "kms":
        t += [
            ("cond:service-key", "StringEquals", "kms:ViaService", f"s3.{REGION}.amazonaws.com"),
            ("cond:service-key", "StringLike", "kms:ViaService", "*.amazonaws.com"),
            ("cond:service-key", "StringEquals", "kms:CallerAccount", rng.choice([acct, res_acct])),
            ("cond:service-key", "StringLike", "kms:EncryptionContext:aws:s3:arn",
             f"arn:aws:s3:::bkt-{short(res_acct)}-data/*"),
        ]
    if service == "s3":
        t += [
            ("cond:service-key", "StringLike", "s3:prefix", "home/${aws:username}/*"),
            ("cond:service-key", "StringEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id",
             f"arn:aws:kms:{REGION}:{res_acct}:key/{KEY_ID}"),
        ]
    if service == "sagemaker":
        t += [("cond:service-key", "StringEquals", "sagemaker:ModelApprovalStatus", "Approved")]
    if service in ("kms", "sqs", "secretsmanager", "dynamodb", "lambda", "ecr"):
        t += [("cond:service-key", "StringEquals", "aws:ResourceTag/env", "prod"),
              ("cond:service-key", "StringEqualsIfExists", "aws:ResourceTag/env", "prod")]
    return t


def make_condition(rng, p, res_acct, service, feats, n=None):
    t = condition_templates(rng, p, res_acct, service)
    cond = {}
    for _ in range(n or rng.choice([1, 1, 1, 2])):
        tag, op, key, val = rng.choice(t)
        if tag == "cond:Bool-invalid" and rng.random() < 0.7:
            continue
        feats.add(tag)
        if "IfExists" in op:
            feats.add("cond:IfExists")
        cond.setdefault(op, {})[key] = val
    return cond


# -- statements and policies ------------------------------------------------------------


def action_element(rng, action, feats):
    svc, name = action.split(":")
    choice = rng.random()
    if choice < 0.45:
        return action
    if choice < 0.55:
        feats.add("action:case")
        return svc + ":" + "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)
    if choice < 0.65:
        feats.add("action:wildcard")
        return f"{svc}:*"
    if choice < 0.75:
        feats.add("action:wildcard")
        return f"{svc}:{name[:3]}*" if rng.random() < 0.7 else f"{svc}:{name[:-1]}?"
    if choice < 0.82:
        feats.add("action:star")
        return "*"
    if choice < 0.92:
        return [action, rng.choice(OTHER_ACTIONS)]
    return rng.choice(OTHER_ACTIONS)


def resource_element(rng, service, arn, acct, feats, wildcard_only):
    if wildcard_only:
        return "*" if rng.random() < 0.8 else other_arn(rng, acct)
    choice = rng.random()
    if choice < 0.35:
        return arn
    if choice < 0.55:
        feats.add("resource:wildcard")
        return wildcard_resource(rng, service, arn, acct)
    if choice < 0.68:
        return "*"
    if choice < 0.78:
        return [arn, other_arn(rng, acct)] if rng.random() < 0.6 else other_arn(rng, acct)
    if choice < 0.9:
        feats.add("policy-variable")
        if service == "s3":
            bucket = arn.split(":::")[1].split("/")[0]
            return rng.choice([f"arn:aws:s3:::{bucket}/${{aws:username}}/*",
                               f"arn:aws:s3:::{bucket}/${{aws:PrincipalTag/team}}/*",
                               f"arn:aws:s3:::bkt-${{aws:PrincipalTag/team, 'blue'}}-*",
                               f"arn:aws:s3:::{bucket}/${{*}}"])
        parts = arn.split(":", 5)
        svc = parts[2]
        return rng.choice([f"arn:aws:{svc}:{parts[3]}:${{aws:PrincipalAccount}}:{parts[5]}",
                           f"arn:aws:{svc}:{parts[3]}:{acct}:{parts[5]}",
                           f"arn:aws:{svc}:{parts[3]}:{parts[4]}:"
                           f"${{aws:PrincipalTag/team}}*"])
    feats.add("resource:malformed")
    return rng.choice(["arn:aws", f"arn:aws:{service}", "bucket-name", "arn:aws:s3:::",
                       f"arn:aws:{service}:{REGION}"])


def principal_element(rng, p, res_acct, feats):
    """A Principal value for a resource policy; matching the caller more often than not."""
    acct = p["account"]
    other = rng.choice([a for a in ACCOUNTS if a != acct])
    pool = [
        ("rp-principal-star", "*"),
        ("rp-principal-star", {"AWS": "*"}),
        ("rp-principal-account", {"AWS": acct}),
        ("rp-principal-account", {"AWS": f"arn:aws:iam::{acct}:root"}),
        ("rp-principal-other", {"AWS": other}),
        ("rp-principal-other", {"AWS": "AROAEXAMPLEDELETEDROLE"}),
    ]
    kind = p["kind"]
    if kind == "user":
        pool += [("rp-principal-arn", {"AWS": p["arn"]})] * 3
    elif kind in ("session", "role"):
        pool += [("rp-principal-arn", {"AWS": p["role_arn"]})] * 3
        if kind == "session":
            pool += [("rp-principal-session", {"AWS": p["arn"]})]
        pool += [("rp-principal-arn", {"AWS": f"arn:aws:iam::{acct}:role/{p['role']}"})]
    elif kind == "federated":
        pool += [("rp-principal-arn", {"AWS": p["arn"]}), ("rp-principal-arn", {"AWS": p["user_arn"]})]
    elif kind == "service":
        pool += [("rp-principal-service", {"Service": p["arn"]})] * 4
        pool += [("rp-principal-service", {"Service": [rng.choice(SERVICES), p["arn"]]})]
    tag, val = rng.choice(pool)
    feats.add(tag)
    if rng.random() < 0.15 and isinstance(val, dict) and "AWS" in val:
        feats.add("rp-principal-list")
        val = {"AWS": [val["AWS"], f"arn:aws:iam::{other}:root"]}
    return val


def statement(rng, ctx_p, action, service, arn, res_acct, feats, *, kind, wildcard_only):
    """kind: identity | resource | scp | rcp."""
    wildcard_only = wildcard_only or arn == "*"
    st = {}
    effect = "Allow" if rng.random() < (0.75 if kind in ("identity", "resource") else 0.5) else "Deny"
    if kind == "rcp":
        effect = "Deny"
    st["Effect"] = effect
    if effect == "Deny":
        feats.add(f"{kind}-deny")
    if kind in ("resource", "rcp"):
        if kind == "resource" and rng.random() < 0.06:
            feats.add("NotPrincipal")
            feats.add(f"NotPrincipal:{effect}")
            st["NotPrincipal"] = principal_element(rng, ctx_p, res_acct, set())
        elif kind == "rcp":
            st["Principal"] = "*"
        else:
            st["Principal"] = principal_element(rng, ctx_p, res_acct, feats)
    use_not_action = kind != "rcp" and rng.random() < 0.1
    if use_not_action:
        feats.add("NotAction")
        st["NotAction"] = rng.choice([[rng.choice(OTHER_ACTIONS)], action, [f"{service}:Delete*"],
                                      "iam:*"])
    else:
        st["Action"] = action_element(rng, action, feats)
        if kind == "rcp" and st["Action"] == "*":
            st["Action"] = f"{service}:*"  # RCPs may not use a bare "*" action
    skip_resource = kind == "resource" and service in ("sts",) and rng.random() < 0.9
    if kind == "resource" and service == "ecr" and rng.random() < 0.3:
        skip_resource = True
        feats.add("resource-omitted")
    if not skip_resource:
        if kind == "resource" and service == "kms" and rng.random() < 0.7:
            st["Resource"] = "*"
        elif rng.random() < 0.08 and not wildcard_only:
            feats.add("NotResource")
            st["NotResource"] = rng.choice([other_arn(rng, res_acct), arn,
                                            wildcard_resource(rng, service, arn, res_acct)])
        else:
            st["Resource"] = resource_element(rng, service, arn, res_acct, feats, wildcard_only)
    if rng.random() < (0.45 if kind != "scp" else 0.35):
        cond = make_condition(rng, ctx_p, res_acct, service, feats)
        if cond:
            st["Condition"] = cond
    return st


def policy(rng, p, action, service, arn, res_acct, feats, *, kind, wildcard_only, n=None):
    version = "2012-10-17"
    if kind in ("identity", "resource") and rng.random() < 0.05:
        version = "2008-10-17"
        feats.add("version-2008")
    sts = [statement(rng, p, action, service, arn, res_acct, feats, kind=kind,
                     wildcard_only=wildcard_only)
           for _ in range(n or rng.choice([1, 1, 2, 3]))]
    return {"Version": version, "Statement": sts if len(sts) > 1 or rng.random() < 0.8 else sts[0]}


FULL_ACCESS = {"Version": "2012-10-17",
               "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def scp_chain(rng, p, action, service, arn, res_acct, feats):
    levels = []
    for _ in range(rng.choice([2, 3])):
        level = []
        r = rng.random()
        if r < 0.75:
            level.append(FULL_ACCESS)
        else:
            feats.add("scp-allowlist")
            level.append({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Action": rng.choice([[f"{service}:*"], ["s3:*", "kms:*"], [action],
                                      ["ec2:*"], [f"{service}:Get*", f"{service}:Describe*"]]),
                "Resource": "*"}]})
        if rng.random() < 0.35:
            level.append(policy(rng, p, action, service, arn, res_acct, feats, kind="scp",
                                wildcard_only=False, n=1))
        levels.append(level)
    return levels


def rcp_chain(rng, p, action, service, arn, res_acct, feats):
    levels = []
    for _ in range(rng.choice([1, 2])):
        level = []
        if rng.random() < 0.6:
            org = (ACCOUNTS.get(res_acct) or ("o-aaaaaaaaaa",))[0]
            feats.add("rcp-deny")
            level.append({"Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Principal": "*",
                "Action": rng.choice(["s3:*", "kms:*", "sqs:*", "sts:*", "secretsmanager:*",
                                      ["s3:*", "kms:*", "sqs:*", "sts:*", "secretsmanager:*"]]),
                "Resource": "*",
                "Condition": rng.choice([
                    {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org},
                     "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
                    {"BoolIfExists": {"aws:SecureTransport": "false"}},
                    {"StringNotEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
                ])}]})
        else:
            level.append(policy(rng, p, action, service, arn, res_acct, feats, kind="rcp",
                                wildcard_only=False, n=1))
        levels.append(level)
    return levels


def kms_key_policy(rng, p, action, arn, res_acct, feats):
    sts = []
    if rng.random() < 0.65:
        feats.add("kms-root-statement")
        sts.append({"Sid": "Enable IAM policies", "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{res_acct}:root"},
                    "Action": "kms:*", "Resource": "*"})
    for _ in range(rng.choice([0, 1, 1, 2])):
        sts.append(statement(rng, p, action, "kms", arn, res_acct, feats, kind="resource",
                             wildcard_only=False))
    return {"Version": "2012-10-17", "Statement": sts} if sts else None


def make_case(rng, i):
    feats = set()
    p_acct = rng.choice(list(ACCOUNTS))
    if rng.random() < 0.55:
        res_acct = p_acct
    else:
        res_acct = rng.choice(list(ACCOUNTS))
    p = make_principal(rng, p_acct)
    wildcard_only = rng.random() < 0.04
    if wildcard_only:
        action = rng.choice(WILDCARD_ONLY)
        service, arn, rp_kind = action.split(":")[0], "*", None
        res_acct = p_acct
        feats.add("wildcard-only-action")
    else:
        service, arn, actions, rp_kind = rng.choice(resource_kinds(res_acct))
        action = rng.choice(actions)
    same = p["kind"] in ("service", "anonymous") or p_acct == res_acct
    feats.add("same-account" if p_acct == res_acct else "cross-account")
    feats.add(f"principal:{p['kind']}")
    feats.add(f"service:{service}")
    ctx, _ = make_context(rng, p, res_acct, action)

    identity, boundary, session, scps, rcps = [], [], None, [], []
    authenticated = p["kind"] not in ("service", "anonymous")
    if authenticated:
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            identity.append(policy(rng, p, action, service, arn, res_acct, feats,
                                   kind="identity", wildcard_only=wildcard_only))
        if identity:
            feats.add("identity-policy")
        if p["kind"] in ("user", "session", "role") and rng.random() < 0.15:
            feats.add("permission-boundary")
            boundary.append(policy(rng, p, action, service, arn, res_acct, feats,
                                   kind="identity", wildcard_only=wildcard_only))
        if p["kind"] in ("session", "federated") and rng.random() < 0.2:
            feats.add("session-policy")
            session = policy(rng, p, action, service, arn, res_acct, feats, kind="identity",
                             wildcard_only=wildcard_only)
        if ACCOUNTS[p_acct] and rng.random() < 0.3:
            feats.add("scp")
            scps = scp_chain(rng, p, action, service, arn, res_acct, feats)
    rp = None
    if rp_kind == "key":
        if rng.random() < 0.93:
            rp = kms_key_policy(rng, p, action, arn, res_acct, feats)
    elif rp_kind == "trust":
        rp = policy(rng, p, action, service, arn, res_acct, feats, kind="resource",
                    wildcard_only=False, n=rng.choice([1, 1, 2]))
    elif rp_kind and rng.random() < 0.6:
        rp = policy(rng, p, action, service, arn, res_acct, feats, kind="resource",
                    wildcard_only=False)
    if rp is not None:
        feats.add("resource-policy")
    if (service in ("s3", "kms", "sqs", "sts", "secretsmanager") and ACCOUNTS.get(res_acct)
            and rng.random() < 0.2):
        feats.add("rcp")
        rcps = rcp_chain(rng, p, action, service, arn, res_acct, feats)
    case = {
        "id": f"diff-{i:06d}",
        "request": {"principal": p["arn"], "action": action, "resource": arn,
                    "resourceAccount": res_acct, "context": ctx},
        "identityPolicies": identity,
        "resourcePolicy": rp,
        "permissionBoundaries": boundary,
        "scps": scps,
        "rcps": rcps,
        "features": sorted(feats),
    }
    if session is not None:
        case["sessionPolicy"] = session
    del same
    return case


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    for i in range(args.count):
        out.write(json.dumps(make_case(rng, i), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
