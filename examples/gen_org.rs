//! Writes a synthetic organization in the export layout (`docs/inventory.md`), seeded, so
//! that loading and graph building can be measured on realistic sizes.
//!
//! ```text
//! cargo run --release --example gen_org -- --accounts 1000 --seed 7 --out target/gen-org
//! ```
//!
//! Each account gets an IAM export of a few users and groups, about forty roles (service
//! roles, cross-account roles trusted by other accounts of the organization, roles with
//! permissions boundaries), a dozen customer managed policies with two versions each and
//! the AWS managed policies they attach; six buckets with policy, location, encryption,
//! ownership, Block Public Access and ACL exports; four ECR repositories; four KMS keys with
//! policy, grants and metadata; two model package groups; and the organization's `org/`
//! folder (OUs, accounts, SCPs and RCPs with their targets). Bucket, repository, key and
//! group policies name other accounts of the organization, so the graph has cross-account
//! edges. Never commit the output.
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A lowercase hex string of `n` digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }
}

const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "us-west-2"];
const TEAMS: [&str; 8] = [
    "payments", "search", "ml", "data", "platform", "mobile", "risk", "growth",
];
const SERVICES: [&str; 6] = [
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "sagemaker.amazonaws.com",
    "ec2.amazonaws.com",
    "glue.amazonaws.com",
    "states.amazonaws.com",
];

/// The account id of the `i`th generated account.
pub fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64 * 7919)
}

fn write(path: &Path, value: &Value) -> std::io::Result<u64> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    let mut f = fs::File::create(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    Ok(text.len() as u64 + 1)
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn date(rng: &mut Rng) -> String {
    format!(
        "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        19 + rng.below(6),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

struct Ctx<'a> {
    rng: Rng,
    accounts: &'a [String],
    org: String,
}

impl Ctx<'_> {
    fn other(&mut self, me: &str) -> String {
        loop {
            let a = self.rng.pick(self.accounts).clone();
            if a != me || self.accounts.len() == 1 {
                return a;
            }
        }
    }

    fn identity_policy(&mut self, acct: &str, team: &str) -> Value {
        let region = *self.rng.pick(&REGIONS);
        let peer = self.other(acct);
        let mut st = vec![
            json!({"Sid": "ReadTeamData", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                   "Resource": [format!("arn:aws:s3:::{team}-data-{acct}"), format!("arn:aws:s3:::{team}-data-{acct}/*")]}),
            json!({"Sid": "WriteTeamOutput", "Effect": "Allow", "Action": ["s3:PutObject"],
                   "Resource": format!("arn:aws:s3:::{team}-output-{acct}/*"),
                   "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}),
            json!({"Sid": "UseTeamKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                   "Resource": format!("arn:aws:kms:{region}:{acct}:key/*"),
                   "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}}),
            json!({"Sid": "PullImages", "Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                   "Resource": format!("arn:aws:ecr:{region}:{peer}:repository/{team}/*")}),
        ];
        if self.rng.below(3) == 0 {
            st.push(json!({"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                           "Resource": format!("arn:aws:logs:{region}:{acct}:log-group:/{team}/*")}));
        }
        if self.rng.below(4) == 0 {
            st.push(json!({"Sid": "DenyDelete", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}));
        }
        doc(st)
    }

    fn role(&mut self, acct: &str, name: &str, path: &str, managed: &[String]) -> Value {
        let team = *self.rng.pick(&TEAMS);
        let trust = match self.rng.below(4) {
            0 | 1 => doc(vec![
                json!({"Effect": "Allow", "Principal": {"Service": *self.rng.pick(&SERVICES)}, "Action": "sts:AssumeRole"}),
            ]),
            2 => {
                let peer = self.other(acct);
                doc(vec![
                    json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{peer}:role/deploy")},
                                "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": self.rng.hex(12)}}}),
                ])
            }
            _ => doc(vec![
                json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")},
                                 "Action": ["sts:AssumeRole", "sts:TagSession"],
                                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
            ]),
        };
        let inline: Vec<Value> = (0..1 + self.rng.below(2))
            .map(|i| json!({"PolicyName": format!("{team}-inline-{i}"), "PolicyDocument": self.identity_policy(acct, team)}))
            .collect();
        let attached: Vec<Value> = (0..self.rng.below(3))
            .map(|_| {
                let arn = self.rng.pick(managed).clone();
                json!({"PolicyName": arn.rsplit('/').next().unwrap_or_default(), "PolicyArn": arn})
            })
            .collect();
        let mut r = json!({
            "Path": path, "RoleName": name, "RoleId": format!("AROA{}", self.rng.hex(17).to_uppercase()),
            "Arn": format!("arn:aws:iam::{acct}:role{path}{name}"), "CreateDate": date(&mut self.rng),
            "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
            "RolePolicyList": inline, "AttachedManagedPolicies": attached,
            "Tags": [{"Key": "team", "Value": team}, {"Key": "env", "Value": *self.rng.pick(&["prod", "staging", "dev"])}],
            "RoleLastUsed": {"LastUsedDate": date(&mut self.rng), "Region": *self.rng.pick(&REGIONS)},
        });
        if self.rng.below(5) == 0 {
            r["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                                              "PermissionsBoundaryArn": format!("arn:aws:iam::{acct}:policy/boundary")});
        }
        r
    }

    fn resource_policy(&mut self, acct: &str, actions: &[&str], resource: Option<Value>) -> Value {
        let peers: Vec<String> = (0..1 + self.rng.below(3))
            .map(|_| self.other(acct))
            .collect();
        let mut allow = json!({"Sid": "CrossAccountRead", "Effect": "Allow",
                               "Principal": {"AWS": peers.iter().map(|p| format!("arn:aws:iam::{p}:root")).collect::<Vec<_>>()},
                               "Action": actions});
        let mut org = json!({"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": actions[0],
                             "Condition": {"StringEquals": {"aws:PrincipalOrgID": self.org}}});
        if let Some(r) = &resource {
            allow["Resource"] = r.clone();
            org["Resource"] = r.clone();
        }
        doc(vec![allow, org])
    }
}

/// Writes `n` accounts and their organization under `out`; returns the bytes written.
pub fn generate(out: &Path, n: usize, seed: u64) -> std::io::Result<u64> {
    let accounts: Vec<String> = (0..n).map(account_id).collect();
    let mut cx = Ctx {
        rng: Rng::new(seed),
        accounts: &accounts,
        org: format!("o-{}", Rng::new(seed).hex(10)),
    };
    let mut bytes = 0;
    let aws_managed = [
        (
            "AmazonS3ReadOnlyAccess",
            doc(vec![
                json!({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*"], "Resource": "*"}),
            ]),
        ),
        (
            "CloudWatchLogsFullAccess",
            doc(vec![
                json!({"Effect": "Allow", "Action": ["logs:*", "cloudwatch:GenerateQuery"], "Resource": "*"}),
            ]),
        ),
        (
            "AmazonSageMakerFullAccess",
            doc(vec![
                json!({"Effect": "Allow", "Action": ["sagemaker:*", "ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "Resource": "*"}),
            ]),
        ),
        (
            "ReadOnlyAccess",
            doc(vec![
                json!({"Effect": "Allow", "Action": ["*:Describe*", "*:Get*", "*:List*"], "Resource": "*"}),
            ]),
        ),
    ];
    for (ai, acct) in accounts.iter().enumerate() {
        let base = out.join(acct);
        // IAM: customer managed policies (two versions each) and the AWS managed ones.
        let mut policies = Vec::new();
        let mut managed_arns: Vec<String> = aws_managed
            .iter()
            .map(|(n, _)| format!("arn:aws:iam::aws:policy/{n}"))
            .collect();
        for i in 0..12 {
            let team = *cx.rng.pick(&TEAMS);
            let name = if i == 0 {
                "boundary".to_owned()
            } else {
                format!("{team}-access-{i}")
            };
            let arn = format!("arn:aws:iam::{acct}:policy/{name}");
            managed_arns.push(arn.clone());
            let v1 = cx.identity_policy(acct, team);
            let v2 = cx.identity_policy(acct, team);
            policies.push(json!({
                "PolicyName": name, "PolicyId": format!("ANPA{}", cx.rng.hex(17).to_uppercase()), "Arn": arn, "Path": "/",
                "DefaultVersionId": "v2", "AttachmentCount": 1 + cx.rng.below(5), "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": true, "CreateDate": date(&mut cx.rng), "UpdateDate": date(&mut cx.rng),
                "PolicyVersionList": [
                    {"Document": v2, "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": date(&mut cx.rng)},
                    {"Document": v1, "VersionId": "v1", "IsDefaultVersion": false, "CreateDate": date(&mut cx.rng)},
                ],
            }));
        }
        for (name, d) in &aws_managed {
            policies.push(json!({
                "PolicyName": name, "PolicyId": format!("ANPA{}", cx.rng.hex(17).to_uppercase()),
                "Arn": format!("arn:aws:iam::aws:policy/{name}"), "Path": "/", "DefaultVersionId": "v7",
                "AttachmentCount": 3, "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
                "CreateDate": "2015-02-06T18:40:00+00:00", "UpdateDate": "2023-08-30T16:30:00+00:00",
                "PolicyVersionList": [{"Document": d, "VersionId": "v7", "IsDefaultVersion": true, "CreateDate": "2023-08-30T16:30:00+00:00"}],
            }));
        }
        let mut roles = vec![cx.role(acct, "deploy", "/", &managed_arns)];
        for i in 0..40 {
            let team = *cx.rng.pick(&TEAMS);
            let path = if i % 5 == 0 {
                format!("/{team}/")
            } else {
                "/".to_owned()
            };
            roles.push(cx.role(acct, &format!("{team}-role-{i}"), &path, &managed_arns));
        }
        let groups: Vec<Value> = ["admins", "developers", "readers"]
            .iter()
            .map(|g| {
                json!({"Path": "/", "GroupName": g, "GroupId": format!("AGPA{}", cx.rng.hex(17).to_uppercase()),
                       "Arn": format!("arn:aws:iam::{acct}:group/{g}"), "CreateDate": date(&mut cx.rng),
                       "GroupPolicyList": [{"PolicyName": format!("{g}-inline"), "PolicyDocument": cx.identity_policy(acct, "platform")}],
                       "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]})
            })
            .collect();
        let users: Vec<Value> = (0..5)
            .map(|i| {
                json!({"Path": "/", "UserName": format!("user{i}"), "UserId": format!("AIDA{}", cx.rng.hex(17).to_uppercase()),
                       "Arn": format!("arn:aws:iam::{acct}:user/user{i}"), "CreateDate": date(&mut cx.rng),
                       "UserPolicyList": [], "GroupList": [*cx.rng.pick(&["admins", "developers", "readers"])],
                       "AttachedManagedPolicies": [], "Tags": []})
            })
            .collect();
        bytes += write(
            &base.join("iam.json"),
            &json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
                    "Policies": policies, "IsTruncated": false}),
        )?;
        // S3.
        let region = REGIONS[ai % REGIONS.len()];
        for b in 0..6 {
            let team = TEAMS[(ai + b) % TEAMS.len()];
            let name = if b % 2 == 0 {
                format!("{team}-data-{acct}")
            } else {
                format!("{team}-output-{acct}-{b}")
            };
            let s3 = base.join("s3");
            let policy = cx.resource_policy(
                acct,
                &["s3:GetObject", "s3:ListBucket"],
                Some(json!([
                    format!("arn:aws:s3:::{name}"),
                    format!("arn:aws:s3:::{name}/*")
                ])),
            );
            bytes += write(
                &s3.join(format!("{name}.policy.json")),
                &json!({"Policy": policy.to_string()}),
            )?;
            bytes += write(
                &s3.join(format!("{name}.location.json")),
                &json!({"LocationConstraint": if region == "us-east-1" { Value::Null } else { json!(region) }}),
            )?;
            bytes += write(
                &s3.join(format!("{name}.encryption.json")),
                &json!({"ServerSideEncryptionConfiguration": {"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": format!("arn:aws:kms:{region}:{acct}:key/{}", cx.rng.hex(8))}, "BucketKeyEnabled": true}]}}),
            )?;
            bytes += write(
                &s3.join(format!("{name}.ownership.json")),
                &json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": *cx.rng.pick(&["BucketOwnerEnforced", "BucketOwnerEnforced", "BucketOwnerPreferred"])}]}}),
            )?;
            bytes += write(
                &s3.join(format!("{name}.public-access-block.json")),
                &json!({"PublicAccessBlockConfiguration": {
                "BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": b != 5}}),
            )?;
            let owner = cx.rng.hex(64);
            bytes += write(
                &s3.join(format!("{name}.acl.json")),
                &json!({"Owner": {"ID": owner}, "Grants": [{"Grantee": {"ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]}),
            )?;
        }
        bytes += write(
            &base.join("s3control/public-access-block.json"),
            &json!({"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": false}}),
        )?;
        // ECR.
        for r in 0..4 {
            let team = TEAMS[(ai + r) % TEAMS.len()];
            let name = format!("{team}/service-{r}");
            let policy = cx.resource_policy(
                acct,
                &[
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchCheckLayerAvailability",
                ],
                None,
            );
            bytes += write(
                &base.join(region).join("ecr").join(format!("{name}.json")),
                &json!({"registryId": acct, "repositoryName": name,
                        "policyText": serde_json::to_string_pretty(&policy).unwrap_or_default()}),
            )?;
        }
        // KMS.
        for _ in 0..4 {
            let id = format!(
                "{}-{}-{}-{}-{}",
                cx.rng.hex(8),
                cx.rng.hex(4),
                cx.rng.hex(4),
                cx.rng.hex(4),
                cx.rng.hex(12)
            );
            let arn = format!("arn:aws:kms:{region}:{acct}:key/{id}");
            let peer = cx.other(acct);
            let kms = base.join(region).join("kms");
            let policy = doc(vec![
                json!({"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{acct}:root")}, "Action": "kms:*", "Resource": "*"}),
                json!({"Sid": "CrossAccountDecrypt", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{peer}:root")},
                       "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
                       "Condition": {"StringEquals": {"kms:ViaService": format!("s3.{region}.amazonaws.com")}}}),
            ]);
            bytes += write(
                &kms.join(format!("{id}.policy.json")),
                &json!({"Policy": serde_json::to_string_pretty(&policy).unwrap_or_default(), "PolicyName": "default"}),
            )?;
            let grants: Vec<Value> = (0..cx.rng.below(3))
                .map(|_| {
                    let peer = cx.other(acct);
                    json!({"KeyId": arn, "GrantId": cx.rng.hex(64), "Name": "", "CreationDate": date(&mut cx.rng),
                           "GranteePrincipal": format!("arn:aws:iam::{peer}:role/deploy"), "IssuingAccount": format!("arn:aws:iam::{acct}:root"),
                           "Operations": ["Decrypt", "DescribeKey"], "Constraints": {"EncryptionContextSubset": {"team": *cx.rng.pick(&TEAMS)}}})
                })
                .collect();
            bytes += write(
                &kms.join(format!("{id}.grants.json")),
                &json!({"Grants": grants, "Truncated": false}),
            )?;
            bytes += write(
                &kms.join(format!("{id}.key.json")),
                &json!({"KeyMetadata": {
                "AWSAccountId": acct, "KeyId": id, "Arn": arn, "CreationDate": date(&mut cx.rng), "Enabled": true,
                "Description": "", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": "AWS_KMS", "KeyManager": "CUSTOMER",
                "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT", "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"], "MultiRegion": false}}),
            )?;
        }
        // SageMaker model package groups.
        for gi in 0..2 {
            let name = format!("models-{gi}");
            let policy = cx.resource_policy(
                acct,
                &[
                    "sagemaker:CreateModelPackage",
                    "sagemaker:DescribeModelPackage",
                ],
                Some(json!(format!(
                    "arn:aws:sagemaker:{region}:{acct}:model-package/{name}/*"
                ))),
            );
            bytes += write(
                &base
                    .join(region)
                    .join("sagemaker")
                    .join(format!("{name}.json")),
                &json!({"ResourcePolicy": policy.to_string()}),
            )?;
        }
    }
    bytes += write_org(out, &accounts, &cx.org, &mut cx.rng)?;
    Ok(bytes)
}

fn write_org(out: &Path, accounts: &[String], org: &str, rng: &mut Rng) -> std::io::Result<u64> {
    let dir = out.join("org");
    let mgmt = accounts.first().cloned().unwrap_or_default();
    let root = format!("r-{}", rng.hex(4));
    let mut bytes = 0;
    bytes += write(
        &dir.join("roots.json"),
        &json!({"Roots": [{"Id": root, "Arn": format!("arn:aws:organizations::{mgmt}:root/{org}/{root}"), "Name": "Root",
        "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}, {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"}]}]}),
    )?;
    let top: Vec<String> = (0..3)
        .map(|i| format!("ou-{}-{:08}", &root[2..], 10_000_000 + i))
        .collect();
    let mut leaves = Vec::new();
    let ou = |id: &str, name: &str| json!({"Id": id, "Arn": format!("arn:aws:organizations::{mgmt}:ou/{org}/{id}"), "Name": name});
    bytes += write(
        &dir.join("ous").join(format!("{root}.json")),
        &json!({"OrganizationalUnits": top.iter().zip(["Workloads", "Sandbox", "Security"]).map(|(i, n)| ou(i, n)).collect::<Vec<_>>()}),
    )?;
    for (ti, t) in top.iter().enumerate() {
        let kids: Vec<String> = (0..3)
            .map(|i| format!("ou-{}-{:08}", &root[2..], 20_000_000 + ti * 10 + i))
            .collect();
        bytes += write(
            &dir.join("ous").join(format!("{t}.json")),
            &json!({"OrganizationalUnits": kids.iter().zip(["Prod", "Staging", "Dev"]).map(|(i, n)| ou(i, n)).collect::<Vec<_>>()}),
        )?;
        for k in &kids {
            bytes += write(
                &dir.join("ous").join(format!("{k}.json")),
                &json!({"OrganizationalUnits": []}),
            )?;
        }
        leaves.extend(kids);
    }
    let acct = |id: &str| {
        json!({"Id": id, "Arn": format!("arn:aws:organizations::{mgmt}:account/{org}/{id}"), "Email": format!("aws+{id}@example.com"),
                                 "Name": format!("account-{id}"), "Status": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": "2021-03-04T10:00:00+00:00"})
    };
    bytes += write(
        &dir.join("accounts").join(format!("{root}.json")),
        &json!({"Accounts": [acct(&mgmt)]}),
    )?;
    for t in &top {
        bytes += write(
            &dir.join("accounts").join(format!("{t}.json")),
            &json!({"Accounts": []}),
        )?;
    }
    let mut per_leaf: Vec<Vec<Value>> = vec![Vec::new(); leaves.len()];
    for (i, a) in accounts.iter().enumerate().skip(1) {
        per_leaf[i % leaves.len()].push(acct(a));
    }
    for (leaf, list) in leaves.iter().zip(per_leaf) {
        bytes += write(
            &dir.join("accounts").join(format!("{leaf}.json")),
            &json!({"Accounts": list}),
        )?;
    }
    let mut all_targets: Vec<Value> =
        vec![json!({"TargetId": root, "Type": "ROOT", "Name": "Root"})];
    all_targets.extend(
        top.iter()
            .chain(leaves.iter())
            .map(|o| json!({"TargetId": o, "Type": "ORGANIZATIONAL_UNIT", "Name": o})),
    );
    all_targets.extend(
        accounts
            .iter()
            .map(|a| json!({"TargetId": a, "Type": "ACCOUNT", "Name": a})),
    );
    let policy = |id: &str, name: &str, kind: &str, content: Value, aws: bool| {
        json!({"Policy": {"PolicySummary": {
        "Id": id, "Arn": format!("arn:aws:organizations::{mgmt}:policy/{org}/{}/{id}", kind.to_lowercase()), "Name": name,
        "Description": name, "Type": kind, "AwsManaged": aws}, "Content": content.to_string()}})
    };
    let scp = "SERVICE_CONTROL_POLICY";
    let rcp = "RESOURCE_CONTROL_POLICY";
    bytes += write(
        &dir.join("policies/p-FullAWSAccess.json"),
        &policy(
            "p-FullAWSAccess",
            "FullAWSAccess",
            scp,
            doc(vec![
                json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            ]),
            true,
        ),
    )?;
    bytes += write(
        &dir.join("targets/p-FullAWSAccess.json"),
        &json!({"Targets": all_targets}),
    )?;
    bytes += write(
        &dir.join("policies/p-RCPFullAWSAccess.json"),
        &policy(
            "p-RCPFullAWSAccess",
            "RCPFullAWSAccess",
            rcp,
            doc(vec![
                json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
            ]),
            true,
        ),
    )?;
    bytes += write(
        &dir.join("targets/p-RCPFullAWSAccess.json"),
        &json!({"Targets": all_targets}),
    )?;
    let customs = [
        (
            "DenyLeaveOrganization",
            scp,
            json!({"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}),
            root.clone(),
        ),
        (
            "RegionLock",
            scp,
            json!({"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": REGIONS}}}),
            top[0].clone(),
        ),
        (
            "SandboxNoNetwork",
            scp,
            json!({"Effect": "Deny", "Action": ["ec2:CreateVpc", "ec2:CreateInternetGateway"], "Resource": "*"}),
            top[1].clone(),
        ),
        (
            "DataStaysInOrganization",
            rcp,
            json!({"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "kms:*"], "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}),
            root.clone(),
        ),
    ];
    for (i, (name, kind, stmt, target)) in customs.into_iter().enumerate() {
        let id = format!("p-{:08x}", 0x1000 + i);
        bytes += write(
            &dir.join(format!("policies/{id}.json")),
            &policy(&id, name, kind, doc(vec![stmt]), false),
        )?;
        bytes += write(
            &dir.join(format!("targets/{id}.json")),
            &json!({"Targets": [{"TargetId": target, "Type": "ORGANIZATIONAL_UNIT", "Name": target}]}),
        )?;
    }
    Ok(bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut accounts = 10usize;
    let mut seed = 1u64;
    let mut out = PathBuf::from("target/gen-org");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{a}` needs a value"));
        match a.as_str() {
            "--accounts" => accounts = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--out" => out = PathBuf::from(value()?),
            other => {
                return Err(format!(
                    "unknown argument `{other}` (use --accounts N --seed S --out DIR)"
                )
                .into())
            }
        }
    }
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    let bytes = generate(&out, accounts, seed)?;
    println!(
        "wrote {accounts} accounts ({:.1} MB) to {}",
        bytes as f64 / 1e6,
        out.display()
    );
    Ok(())
}
