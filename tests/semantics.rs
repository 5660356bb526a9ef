//! The same-account table of the semantics reference (§1.3): for each way a resource policy
//! can name the caller, whether an identity policy is also needed, and whether an implicit
//! deny in a permissions boundary or a session policy still blocks.

use std::sync::Arc;

use serde_json::{json, Value};
use xacct::eval::Decision;
use xacct::load::cases::parse_case;

const ACCT: &str = "111111111111";
const BUCKET_OBJECT: &str = "arn:aws:s3:::bucket-a/file.txt";

struct Caller {
    principal: &'static str,
    principal_arn: &'static str,
    kind: &'static str,
}

const USER: Caller = Caller {
    principal: "arn:aws:iam::111111111111:user/alice",
    principal_arn: "arn:aws:iam::111111111111:user/alice",
    kind: "User",
};
const SESSION: Caller = Caller {
    principal: "arn:aws:sts::111111111111:assumed-role/app/sess1",
    principal_arn: "arn:aws:iam::111111111111:role/app",
    kind: "AssumedRole",
};
const FEDERATED: Caller = Caller {
    principal: "arn:aws:sts::111111111111:federated-user/bob",
    principal_arn: "arn:aws:sts::111111111111:federated-user/bob",
    kind: "FederatedUser",
};

/// What limits the request besides the resource policy.
#[derive(Clone, Copy)]
enum Limit {
    None,
    /// A boundary that allows only EC2 (an implicit deny for S3).
    Boundary,
    /// A session policy that allows only EC2.
    Session,
}

fn decide(
    caller: &Caller,
    principal_value: Value,
    identity_allows: bool,
    limit: Limit,
) -> Decision {
    let ec2_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]});
    let mut case = json!({
        "id": "row",
        "request": {
            "principal": caller.principal,
            "action": "s3:GetObject",
            "resource": BUCKET_OBJECT,
            "resourceAccount": ACCT,
            "context": {"aws:PrincipalAccount": ACCT, "aws:PrincipalArn": caller.principal_arn, "aws:PrincipalType": caller.kind}
        },
        "identityPolicies": [],
        "resourcePolicy": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": principal_value, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-a/*"
        }]},
        "permissionBoundaries": [],
        "scps": [], "rcps": []
    });
    if identity_allows {
        case["identityPolicies"] = json!([{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]);
    }
    match limit {
        Limit::None => {}
        Limit::Boundary => case["permissionBoundaries"] = json!([ec2_only]),
        Limit::Session => case["sessionPolicy"] = ec2_only,
    }
    let file: Arc<str> = Arc::from("row");
    let c = parse_case(&case.to_string(), &file, 1).unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    c.decide().decision
}

use Decision::{Allow, ImplicitDeny};

/// (caller, Principal value, allowed without identity policy, with boundary deny, with session deny)
fn check_row(
    caller: &Caller,
    principal: Value,
    bare: Decision,
    boundary: Decision,
    session: Decision,
) {
    assert_eq!(
        decide(caller, principal.clone(), false, Limit::None),
        bare,
        "bare: {principal}"
    );
    assert_eq!(
        decide(caller, principal.clone(), false, Limit::Boundary),
        boundary,
        "boundary: {principal}"
    );
    let shown = principal.to_string();
    assert_eq!(
        decide(caller, principal, false, Limit::Session),
        session,
        "session: {shown}"
    );
}

#[test]
fn row_user_arn_grants_directly_and_ignores_boundary() {
    // Users have no session policy: the row's "n/a"; checked with a boundary only.
    let p = json!({"AWS": USER.principal});
    assert_eq!(decide(&USER, p.clone(), false, Limit::None), Allow);
    assert_eq!(decide(&USER, p, false, Limit::Boundary), Allow);
}

#[test]
fn row_federated_session_arn_grants_directly_and_ignores_limits() {
    check_row(
        &FEDERATED,
        json!({"AWS": FEDERATED.principal}),
        Allow,
        Allow,
        Allow,
    );
}

#[test]
fn row_role_arn_grants_every_session_but_limits_still_apply() {
    check_row(
        &SESSION,
        json!({"AWS": "arn:aws:iam::111111111111:role/app"}),
        Allow,
        ImplicitDeny,
        ImplicitDeny,
    );
}

#[test]
fn row_assumed_role_session_arn_grants_directly_and_ignores_limits() {
    check_row(
        &SESSION,
        json!({"AWS": SESSION.principal}),
        Allow,
        Allow,
        Allow,
    );
}

#[test]
fn row_account_only_delegates_to_identity_policies() {
    for p in [
        json!({"AWS": ACCT}),
        json!({"AWS": "arn:aws:iam::111111111111:root"}),
    ] {
        check_row(
            &SESSION,
            p.clone(),
            ImplicitDeny,
            ImplicitDeny,
            ImplicitDeny,
        );
        assert_eq!(decide(&SESSION, p.clone(), true, Limit::None), Allow);
        assert_eq!(
            decide(&SESSION, p.clone(), true, Limit::Boundary),
            ImplicitDeny
        );
        assert_eq!(decide(&SESSION, p, true, Limit::Session), ImplicitDeny);
    }
}

#[test]
fn row_everyone_grants_directly_and_ignores_limits() {
    for p in [json!("*"), json!({"AWS": "*"})] {
        check_row(&SESSION, p.clone(), Allow, Allow, Allow);
        check_row(&USER, p, Allow, Allow, Allow);
    }
}

#[test]
fn another_principal_of_the_account_is_not_named() {
    check_row(
        &SESSION,
        json!({"AWS": "arn:aws:iam::111111111111:role/other"}),
        ImplicitDeny,
        ImplicitDeny,
        ImplicitDeny,
    );
}
