//! Who and what a statement names, as the graph, the external-access report and `diff` read
//! it: the principals of a `Principal` element, the actions as written, whether a trust
//! statement concerns assuming the role, and whether a statement can be decided at all. One
//! reading, so that every command that says "this statement opens X to Y" says the same.

use super::{
    ActionSet, AwsPrincipal, BaseOp, LikeValue, Policy, PrincipalSet, Statement, StrValue, Values,
};
use crate::arn::Arn;

/// One principal a `Principal` element names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// Everyone: `"*"`, `{"AWS": "*"}`, or (as far as anyone can tell) a `NotPrincipal`.
    Everyone,
    /// An account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account(String),
    /// An IAM user.
    User {
        /// Its ARN.
        arn: String,
        /// Its account.
        account: String,
        /// Its name.
        name: String,
    },
    /// An IAM role, or a session of one (`assumed-role/ROLE/SESSION` names the role).
    Role {
        /// The role's ARN.
        arn: String,
        /// Its account.
        account: String,
        /// Its name.
        name: String,
    },
    /// A federated-user session.
    FederatedUser {
        /// Its ARN.
        arn: String,
        /// Its account.
        account: Option<String>,
    },
    /// The unique id of a deleted principal.
    UniqueId(String),
    /// An AWS service principal.
    Service(String),
    /// A federated identity provider (SAML, OIDC, Cognito, a web identity provider).
    Federated(String),
}

impl Named {
    /// The principal's account, when it has one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Named::Account(a) => Some(a),
            Named::User { account, .. } | Named::Role { account, .. } => Some(account),
            Named::FederatedUser { account, .. } => account.as_deref(),
            _ => None,
        }
    }

    /// How reports write it: `*`, a principal ARN, `arn:aws:iam::A:root`, `service:S`,
    /// `federated:P`.
    pub fn text(&self) -> String {
        match self {
            Named::Everyone => "*".to_owned(),
            Named::Account(a) => format!("arn:aws:iam::{a}:root"),
            Named::User { arn, .. } | Named::Role { arn, .. } => arn.clone(),
            Named::FederatedUser { arn, .. } => arn.clone(),
            Named::UniqueId(id) => id.clone(),
            Named::Service(s) => format!("service:{s}"),
            Named::Federated(f) => format!("federated:{f}"),
        }
    }
}

/// The values of a condition that are plain text (policy variables left out).
pub fn plain_values(values: &Values) -> Vec<String> {
    match values {
        Values::Strings(v) => v
            .iter()
            .filter_map(|v| match v {
                StrValue::Plain(s) => Some(s.clone()),
                StrValue::Template(_) => None,
            })
            .collect(),
        Values::Likes(v) => v
            .iter()
            .filter_map(|v| match v {
                LikeValue::Plain(g) => Some(g.pattern()),
                LikeValue::Template(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The accounts a statement's conditions pin the caller (or the source of a service's call)
/// to, when one of them does: `aws:PrincipalAccount`, `aws:SourceAccount` or
/// `AWS:SourceOwner` (SNS's default topic policy) with a positive string operator and values
/// without wildcards.
pub fn pinned_accounts(s: &Statement) -> Option<Vec<String>> {
    let mut out: Option<Vec<String>> = None;
    for c in &s.conditions {
        if !matches!(
            &*c.key_lc,
            "aws:principalaccount" | "aws:sourceaccount" | "aws:sourceowner"
        ) {
            continue;
        }
        let positive =
            matches!(c.op.base, BaseOp::StringEquals | BaseOp::StringLike) && !c.op.if_exists;
        let values = plain_values(&c.values);
        if positive && !values.is_empty() && values.iter().all(|v| !crate::pattern::has_wildcard(v))
        {
            out.get_or_insert_with(Vec::new).extend(values);
        }
    }
    out
}

/// The principals a statement names ([`principals`] of its `Principal`), everyone narrowed to
/// the accounts its conditions pin ([`pinned_accounts`]).
pub fn statement_principals(set: &PrincipalSet, s: &Statement) -> Vec<Named> {
    let all = principals(set);
    let Some(pinned) = pinned_accounts(s) else {
        return all;
    };
    let mut out = Vec::new();
    for n in all {
        let narrowed: Vec<Named> = match n {
            Named::Everyone => pinned.iter().cloned().map(Named::Account).collect(),
            other => vec![other],
        };
        for n in narrowed {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// The principals `set` names. A `NotPrincipal` names everyone (other than what it lists)
/// and nothing else; values that name no principal are left out (lint reports them).
pub fn principals(set: &PrincipalSet) -> Vec<Named> {
    let mut out = Vec::new();
    if set.everyone || set.negated {
        out.push(Named::Everyone);
        if set.negated {
            return out;
        }
    }
    for p in &set.aws {
        let named = match p {
            AwsPrincipal::Account(a) => Named::Account(a.clone()),
            AwsPrincipal::User { arn } => {
                let Some(a) = Arn::parse(arn) else { continue };
                Named::User {
                    arn: arn.clone(),
                    account: a.account.to_owned(),
                    name: a
                        .resource
                        .rsplit('/')
                        .next()
                        .unwrap_or(a.resource)
                        .to_owned(),
                }
            }
            AwsPrincipal::Role { arn, account, name } => Named::Role {
                arn: arn.clone(),
                account: account.clone(),
                name: name.clone(),
            },
            AwsPrincipal::AssumedRole { arn } => {
                let Some(a) = Arn::parse(arn) else { continue };
                let role = a
                    .resource
                    .strip_prefix("assumed-role/")
                    .and_then(|r| r.split('/').next())
                    .unwrap_or_default();
                Named::Role {
                    arn: format!("arn:{}:iam::{}:role/{role}", a.partition, a.account),
                    account: a.account.to_owned(),
                    name: role.to_owned(),
                }
            }
            AwsPrincipal::FederatedUser { arn } => Named::FederatedUser {
                arn: arn.clone(),
                account: Arn::parse(arn).map(|a| a.account.to_owned()),
            },
            AwsPrincipal::UniqueId(id) => Named::UniqueId(id.clone()),
            AwsPrincipal::Other(_) => continue,
        };
        out.push(named);
    }
    out.extend(set.service.iter().cloned().map(Named::Service));
    out.extend(set.federated.iter().cloned().map(Named::Federated));
    out
}

/// The actions an `Action` (or `NotAction`) element names, as written: `not X` for each
/// value of a `NotAction`.
pub fn action_texts(a: &Option<ActionSet>) -> Vec<String> {
    match a {
        Some(set) => set
            .patterns
            .iter()
            .map(|p| {
                if set.negated {
                    format!("not {}", p.written)
                } else {
                    p.written.to_string()
                }
            })
            .collect(),
        None => Vec::new(),
    }
}

/// Whether a trust policy statement concerns assuming the role: it names `sts:` actions,
/// `*`, or a `NotAction`.
pub fn concerns_sts(s: &Statement) -> bool {
    action_texts(&s.action).iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a == "*" || a.starts_with("sts:") || a.starts_with("not ")
    })
}

/// Whether a statement cannot be decided: its policy is one AWS rejects, or it has elements
/// that cannot be read. What it names may be open; reports mark it not verified.
pub fn undecided(policy: &Policy, s: &Statement) -> bool {
    policy.is_rejected() || !s.defects.is_empty() || s.effect.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{DocKind, Origin};

    fn first(text: &str) -> (Policy, Vec<Named>) {
        let p = Policy::parse_text(text, DocKind::Resource, Origin::default()).unwrap();
        let named = principals(p.statements[0].principal.as_ref().unwrap());
        (p, named)
    }

    #[test]
    fn every_form_of_principal_is_named_once() {
        let (_, n) = first(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:user/a/b","arn:aws:sts::333333333333:assumed-role/R/s","arn:aws:iam::444444444444:role/x/Y"],"Service":"ec2.amazonaws.com","Federated":"cognito-identity.amazonaws.com"}}]}"#,
        );
        let texts: Vec<String> = n.iter().map(Named::text).collect();
        assert_eq!(
            texts,
            [
                "arn:aws:iam::111111111111:root",
                "arn:aws:iam::222222222222:user/a/b",
                "arn:aws:iam::333333333333:role/R",
                "arn:aws:iam::444444444444:role/x/Y",
                "service:ec2.amazonaws.com",
                "federated:cognito-identity.amazonaws.com",
            ]
        );
        assert_eq!(n[1].account(), Some("222222222222"));
        assert!(matches!(&n[1], Named::User { name, .. } if name == "b"));
    }

    #[test]
    fn not_principal_names_everyone_only() {
        let (p, n) = first(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","NotPrincipal":{"AWS":"111111111111"}}]}"#,
        );
        assert_eq!(n, vec![Named::Everyone]);
        assert!(concerns_sts(&p.statements[0]));
        assert_eq!(action_texts(&p.statements[0].action), ["sts:AssumeRole"]);
        assert!(!undecided(&p, &p.statements[0]));
    }

    #[test]
    fn a_statement_with_an_unreadable_effect_is_undecided() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"s3:*","Resource":"*","Principal":"*"}]}"#;
        let json = crate::json::Json::parse(text).unwrap();
        let (p, errors) = Policy::from_json_lenient(&json, DocKind::Resource, Origin::default());
        let p = p.unwrap();
        assert!(!errors.is_empty());
        assert!(undecided(&p, &p.statements[0]));
    }
}
