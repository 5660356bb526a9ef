//! Every intrinsic function, resolved or left unknown with its reason.

use super::intrinsic::Stack;
use super::params::{resolve, ParameterFile};
use super::value::V;
use crate::json::{Json, Pointer};
use crate::source::yaml;

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [dev, prod]}
  Team: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: 'a,b,c'}
  FromSsm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /my/param}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [a, a]]
  Either: !Or [!Condition IsDev, !Equals [!Ref Team, x]]
  TeamKnown: !Equals [!Ref Team, x]
  ShortCircuit: !And [!Condition IsDev, !Condition TeamKnown]
Mappings:
  Regions:
    us-east-2: {Ami: ami-123, Names: [x, y]}
Resources:
  Role: {Type: AWS::IAM::Role, Properties: {RoleName: my-role, Path: /team/}}
  Generated: {Type: AWS::IAM::Role, Properties: {}}
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub 'data-${AWS::AccountId}'}}
  Key: {Type: AWS::KMS::Key}
  Repo: {Type: AWS::ECR::Repository, Properties: {RepositoryName: repo}}
  Group: {Type: AWS::SageMaker::ModelPackageGroup, Properties: {ModelPackageGroupName: Trees}}
  Queue: {Type: AWS::SQS::Queue, Properties: {QueueName: q}}
  Topic: {Type: AWS::SNS::Topic, Properties: {TopicName: t}}
  Policy: {Type: AWS::IAM::ManagedPolicy, Properties: {ManagedPolicyName: p}}
"#;

fn with_stack(account: Option<&str>, f: impl FnOnce(&Stack<'_, '_>)) {
    let parsed = yaml::parse(TEMPLATE).unwrap();
    let mut st = Stack::new(
        &parsed.json,
        account.map(str::to_owned),
        Some("us-east-2".to_owned()),
        None,
    );
    resolve(&mut st, &[], false);
    f(&st);
}

/// Evaluates a YAML expression in the stack.
fn eval(st: &Stack<'_, '_>, expr: &str) -> V {
    let j = yaml::parse(&format!("x: {expr}\n")).unwrap().json;
    st.eval(j.get("x").unwrap(), &Pointer::root().key("x"))
}

fn s(v: &str) -> V {
    V::Str(v.to_owned())
}

fn why(v: &V) -> String {
    match v {
        V::Unknown(u) => u.why.clone(),
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn ref_and_pseudo_parameters() {
    with_stack(Some("111111111111"), |st| {
        assert_eq!(eval(st, "!Ref Env"), s("prod"));
        assert_eq!(eval(st, "!Ref AWS::AccountId"), s("111111111111"));
        assert_eq!(eval(st, "!Ref AWS::Region"), s("us-east-2"));
        assert_eq!(eval(st, "!Ref AWS::Partition"), s("aws"));
        assert_eq!(eval(st, "!Ref AWS::URLSuffix"), s("amazonaws.com"));
        assert_eq!(eval(st, "!Ref AWS::NoValue"), V::NoValue);
        assert!(why(&eval(st, "!Ref AWS::StackName")).contains("chosen at deploy"));
        assert!(why(&eval(st, "!Ref AWS::StackId")).contains("set at deploy"));
        assert!(why(&eval(st, "!Ref Team")).contains("parameter `Team` has no default"));
        assert!(why(&eval(st, "!Ref FromSsm")).contains("Systems Manager"));
        assert_eq!(
            eval(st, "!Ref Subnets"),
            V::List(vec![s("a"), s("b"), s("c")])
        );
        assert!(why(&eval(st, "!Ref Nothing")).contains("neither a parameter nor a resource"));
    });
    with_stack(None, |st| {
        assert!(why(&eval(st, "!Ref AWS::AccountId")).contains("--account"));
    });
}

#[test]
fn ref_and_getatt_to_resources_of_the_template() {
    with_stack(Some("111111111111"), |st| {
        assert_eq!(eval(st, "!Ref Role"), s("my-role"));
        assert_eq!(
            eval(st, "!GetAtt Role.Arn"),
            s("arn:aws:iam::111111111111:role/team/my-role")
        );
        assert_eq!(
            eval(st, "{'Fn::GetAtt': [Bucket, Arn]}"),
            s("arn:aws:s3:::data-111111111111")
        );
        assert_eq!(eval(st, "!Ref Bucket"), s("data-111111111111"));
        assert_eq!(
            eval(st, "!GetAtt Bucket.RegionalDomainName"),
            s("data-111111111111.s3.us-east-2.amazonaws.com")
        );
        assert_eq!(
            eval(st, "!GetAtt Repo.RepositoryUri"),
            s("111111111111.dkr.ecr.us-east-2.amazonaws.com/repo")
        );
        assert_eq!(
            eval(st, "!GetAtt Group.ModelPackageGroupArn"),
            s("arn:aws:sagemaker:us-east-2:111111111111:model-package-group/trees")
        );
        assert_eq!(
            eval(st, "!Ref Queue"),
            s("https://sqs.us-east-2.amazonaws.com/111111111111/q")
        );
        assert_eq!(
            eval(st, "!Ref Topic"),
            s("arn:aws:sns:us-east-2:111111111111:t")
        );
        assert_eq!(
            eval(st, "!Ref Policy"),
            s("arn:aws:iam::111111111111:policy/p")
        );
        // Generated names and random ids are unknown, with the resource as their target.
        for expr in [
            "!Ref Generated",
            "!GetAtt Generated.Arn",
            "!GetAtt Key.Arn",
            "!Ref Key",
        ] {
            match eval(st, expr) {
                V::Unknown(u) => assert!(u.target.is_some(), "{expr}: {u:?}"),
                other => panic!("{expr}: {other:?}"),
            }
        }
        assert!(why(&eval(st, "!GetAtt Role.RoleId")).contains("set at deploy"));
        assert!(why(&eval(st, "!GetAtt Nope.Arn")).contains("no resource `Nope`"));
    });
}

#[test]
fn sub_join_select_split() {
    with_stack(Some("111111111111"), |st| {
        assert_eq!(
            eval(
                st,
                "!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}'"
            ),
            s("arn:aws:s3:::data-111111111111/${Literal}")
        );
        assert_eq!(
            eval(st, "!Sub ['${A}-${Role.Arn}', {A: !Ref Env}]"),
            s("prod-arn:aws:iam::111111111111:role/team/my-role")
        );
        assert!(why(&eval(st, "!Sub 'x-${Team}'")).contains("`Team`"));
        assert_eq!(eval(st, "!Join [':', [a, !Ref Env, 3]]"), s("a:prod:3"));
        assert_eq!(eval(st, "!Join ['', !Ref Subnets]"), s("abc"));
        assert_eq!(eval(st, "!Select [1, !Ref Subnets]"), s("b"));
        assert_eq!(eval(st, "!Select ['0', [x, y]]"), s("x"));
        assert_eq!(
            eval(st, "!Split [',', 'a,b']"),
            V::List(vec![s("a"), s("b")])
        );
        assert_eq!(eval(st, "!Select [2, !Split ['/', 'a/b/c']]"), s("c"));
        assert!(why(&eval(st, "!Select [5, [x]]")).contains("past the end"));
        assert!(why(&eval(st, "!Join [',', [a, !Ref Team]]")).contains("`Team`"));
        // A dynamic reference is resolved at deploy.
        assert!(why(&eval(st, "'{{resolve:ssm:/p}}'")).contains("dynamic reference"));
    });
}

#[test]
fn conditions_if_equals_not_and_or() {
    with_stack(Some("111111111111"), |st| {
        assert_eq!(eval(st, "!If [IsProd, yes, no]"), s("yes"));
        assert_eq!(eval(st, "!If [IsDev, yes, no]"), s("no"));
        assert_eq!(eval(st, "!If [Both, yes, no]"), s("yes"));
        assert_eq!(eval(st, "!Equals [!Ref Env, dev]"), V::Bool(false));
        assert_eq!(eval(st, "!Not [!Equals [a, b]]"), V::Bool(true));
        assert_eq!(
            eval(st, "!Or [!Equals [a, b], !Equals [c, c]]"),
            V::Bool(true)
        );
        assert_eq!(
            eval(st, "!And [!Equals [a, a], !Equals [c, d]]"),
            V::Bool(false)
        );
        // An unknown condition leaves `Fn::If` unknown; a known operand decides And/Or.
        assert!(why(&eval(st, "!If [TeamKnown, yes, no]")).contains("condition `TeamKnown`"));
        assert!(why(&eval(st, "!If [Either, yes, no]")).contains("`Team`"));
        assert_eq!(eval(st, "!If [ShortCircuit, yes, no]"), s("no"));
        assert_eq!(
            eval(st, "[a, !If [IsDev, b, !Ref AWS::NoValue], c]"),
            V::List(vec![s("a"), s("c")])
        );
        assert!(why(&eval(st, "!If [Missing, a, b]")).contains("no condition `Missing`"));
    });
}

#[test]
fn find_in_map_base64_cidr_getazs_importvalue() {
    with_stack(Some("111111111111"), |st| {
        assert_eq!(
            eval(st, "!FindInMap [Regions, !Ref AWS::Region, Ami]"),
            s("ami-123")
        );
        assert_eq!(
            eval(st, "!FindInMap [Regions, us-east-2, Names]"),
            V::List(vec![s("x"), s("y")])
        );
        assert_eq!(
            eval(
                st,
                "!FindInMap [Regions, eu-west-1, Ami, {DefaultValue: none}]"
            ),
            s("none")
        );
        assert!(why(&eval(st, "!FindInMap [Regions, eu-west-1, Ami]")).contains("no `eu-west-1`"));
        assert_eq!(eval(st, "!Base64 'hello'"), s("aGVsbG8="));
        assert_eq!(
            eval(st, "!Cidr ['10.0.0.0/16', 3, 8]"),
            V::List(vec![s("10.0.0.0/24"), s("10.0.1.0/24"), s("10.0.2.0/24")])
        );
        assert!(why(&eval(st, "!Cidr ['10.0.0.0/30', 3, 8]")).contains("do not fit"));
        assert!(why(&eval(st, "!GetAZs ''")).contains("availability zones of `us-east-2`"));
        assert!(why(&eval(st, "!ImportValue shared-vpc"))
            .contains("`shared-vpc` is an export of another stack"));
        assert_eq!(eval(st, "{'Fn::Length': [a, b]}"), V::Num(2.into()));
        assert_eq!(
            eval(st, "{'Fn::ToJsonString': {a: [1]}}"),
            s(r#"{"a":[1]}"#)
        );
        assert!(why(&eval(st, "{'Fn::Transform': {Name: m}}")).contains("macro"));
    });
}

#[test]
fn parameter_files_give_values_in_both_forms() {
    let parsed = yaml::parse(TEMPLATE).unwrap();
    let list = ParameterFile::parse(
        "list.json",
        r#"[{"ParameterKey": "Team", "ParameterValue": "x"}, {"ParameterKey": "Env", "ParameterValue": "dev"}]"#,
    )
    .unwrap();
    let map = ParameterFile::parse("map.json", r#"{"Team": "y", "Subnets": ["p", "q"]}"#).unwrap();
    let mut st = Stack::new(&parsed.json, None, None, None);
    resolve(&mut st, &[&list, &map], true);
    assert_eq!(eval(&st, "!Ref Team"), s("y"), "the last file wins");
    assert_eq!(eval(&st, "!Ref Env"), s("dev"));
    assert_eq!(eval(&st, "!Ref Subnets"), V::List(vec![s("p"), s("q")]));
    assert!(st.take_problems().is_empty());
    // A value outside `AllowedValues`, and a key the template does not declare.
    let bad = ParameterFile::parse("bad.json", r#"{"Env": "qa", "Other": "1"}"#).unwrap();
    let mut st = Stack::new(&parsed.json, None, None, None);
    resolve(&mut st, &[&bad], true);
    assert!(why(&eval(&st, "!Ref Env")).contains("refuses"));
    let problems: Vec<String> = st.take_problems().into_iter().map(|(_, m)| m).collect();
    assert!(problems.iter().any(|m| m.contains("`qa`")), "{problems:?}");
    assert!(
        problems.iter().any(|m| m.contains("`Other`")),
        "{problems:?}"
    );
}

#[test]
fn json_and_yaml_forms_resolve_alike() {
    let json = Json::parse(
        r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Join": ["-", ["a", {"Ref": "AWS::Region"}]]}}}}}"#,
    )
    .unwrap();
    let st = Stack::new(&json, Some("1".into()), Some("cn-north-1".into()), None);
    assert_eq!(st.ref_name("R", &Pointer::root()), s("a-cn-north-1"));
    assert_eq!(st.ref_name("AWS::Partition", &Pointer::root()), s("aws-cn"));
    assert_eq!(
        st.ref_name("AWS::URLSuffix", &Pointer::root()),
        s("amazonaws.com.cn")
    );
}
