//! Parsing `Principal` and `NotPrincipal`: `*`, AWS account, user, role and session ARNs,
//! unique ids, services, federated providers and canonical users.

use super::*;

impl Parser {
    pub(super) fn principal(&mut self, json: &Json<'_>, negated: bool) -> PrincipalSet {
        let mut set = PrincipalSet {
            negated,
            ..PrincipalSet::default()
        };
        match json {
            Json::String(s) if s == "*" => set.everyone = true,
            Json::String(s) if has_placeholder(s, false) => self.error(principal_placeholder(s)),
            Json::String(s) => self.error(K::Principal(s.to_string())),
            _ => {
                let Some(members) = self.object(json) else {
                    return set;
                };
                for (k, v) in members {
                    let len = self.push_key(k);
                    let values = self.strings(v);
                    match k.as_ref() {
                        "AWS" => {
                            for (s, i) in values {
                                if s == "*" {
                                    set.everyone = true;
                                } else if let Some(a) = aws_principal(s) {
                                    set.aws.push(a);
                                } else if has_placeholder(s, false) {
                                    self.error_at_index(i, principal_placeholder(s));
                                } else {
                                    self.error_at_index(i, K::Principal(s.to_owned()));
                                }
                            }
                        }
                        "Service" => set
                            .service
                            .extend(values.into_iter().map(|(s, _)| s.to_owned())),
                        "Federated" => set
                            .federated
                            .extend(values.into_iter().map(|(s, _)| s.to_owned())),
                        "CanonicalUser" => set
                            .canonical_user
                            .extend(values.into_iter().map(|(s, _)| s.to_owned())),
                        other => self.error(K::PrincipalType(other.to_owned())),
                    }
                    self.pop(len);
                }
            }
        }
        set
    }
}

/// The error for a principal value that holds template placeholders.
pub(super) fn principal_placeholder(value: &str) -> K {
    let list: Vec<String> = placeholders(value, false)
        .iter()
        .map(|p| format!("`{}`", p.text))
        .collect();
    K::PrincipalPlaceholder {
        value: value.to_owned(),
        placeholders: list.join(", "),
    }
}

/// Two `Principal` elements of one statement (a duplicate key): what they name together is
/// unknown, so the result is partial; `Principal` with `NotPrincipal` names nothing readable.
pub(super) fn merge_principals(a: PrincipalSet, b: PrincipalSet) -> PrincipalSet {
    if a.negated != b.negated {
        return PrincipalSet {
            partial: true,
            ..PrincipalSet::default()
        };
    }
    PrincipalSet {
        negated: a.negated,
        partial: true,
        everyone: a.everyone || b.everyone,
        aws: a.aws.into_iter().chain(b.aws).collect(),
        service: a.service.into_iter().chain(b.service).collect(),
        federated: a.federated.into_iter().chain(b.federated).collect(),
        canonical_user: a
            .canonical_user
            .into_iter()
            .chain(b.canonical_user)
            .collect(),
    }
}

/// Reads one `Principal.AWS` value; `None` when it is not a principal at all.
pub fn aws_principal(s: &str) -> Option<AwsPrincipal> {
    if is_account_id(s) {
        return Some(AwsPrincipal::Account(s.to_owned()));
    }
    if let Some(arn) = Arn::parse(s) {
        let account = arn.account;
        if is_origin_access_identity(&arn) {
            return Some(AwsPrincipal::Other(s.to_owned()));
        }
        if !is_account_id(account) {
            return None;
        }
        return Some(match (arn.service, arn.resource) {
            ("iam", "root") => AwsPrincipal::Account(account.to_owned()),
            ("iam", r) if r.starts_with("user/") => AwsPrincipal::User { arn: s.to_owned() },
            ("iam", r) if r.starts_with("role/") => AwsPrincipal::Role {
                arn: s.to_owned(),
                account: account.to_owned(),
                name: r.rsplit('/').next().unwrap_or(r).to_owned(),
            },
            ("sts", r) if r.starts_with("assumed-role/") => {
                AwsPrincipal::AssumedRole { arn: s.to_owned() }
            }
            ("sts", r) if r.starts_with("federated-user/") => {
                AwsPrincipal::FederatedUser { arn: s.to_owned() }
            }
            ("iam" | "sts", _) => AwsPrincipal::Other(s.to_owned()),
            _ => return None,
        });
    }
    if is_unique_id(s) {
        return Some(AwsPrincipal::UniqueId(s.to_owned()));
    }
    None
}

/// A CloudFront origin access identity as bucket policies name it:
/// `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL`. A valid
/// principal (docs/semantics.md §2.3) that is no caller xacct models: it matches nothing.
fn is_origin_access_identity(arn: &Arn<'_>) -> bool {
    arn.service == "iam"
        && arn.account == "cloudfront"
        && arn
            .resource
            .strip_prefix("user/CloudFront Origin Access Identity ")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// IAM unique ids: a four-letter prefix (`AIDA` user, `AROA` role, `AGPA` group, …) and
/// upper-case letters and digits.
pub fn is_unique_id(s: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "AIDA", "AROA", "AGPA", "AIPA", "ANPA", "ANVA", "ASIA", "AKIA",
    ];
    s.len() >= 16
        && PREFIXES.iter().any(|p| s.starts_with(p))
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}
