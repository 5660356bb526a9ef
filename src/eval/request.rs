//! The request being authorized: who, what, on which resource, with which context.

use crate::policy::key_hash;
use serde::Serialize;

use crate::arn::{is_account_id, Arn, RequestResource};

/// A context value: single-valued keys hold one string, multi-valued keys a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multi-valued key (possibly empty).
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice (one element for a single-valued key).
    pub fn as_slice(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(v) => v,
        }
    }
}

/// The request context. Key names are case-insensitive; they are kept as first written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// (key as written, hash of its lowercased form, value).
    entries: Vec<(String, u64, ContextValue)>,
}

/// Compares a key as written with a lowercased key.
fn key_is(written: &str, key_lc: &str) -> bool {
    if written.is_ascii() {
        written.eq_ignore_ascii_case(key_lc)
    } else {
        written.to_lowercase() == key_lc
    }
}

impl Context {
    /// Sets `key` (any case) to `value`, replacing a previous value.
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let lc = key.to_lowercase();
        let hash = key_hash(&lc);
        match self
            .entries
            .iter_mut()
            .find(|(k, h, _)| *h == hash && key_is(k, &lc))
        {
            Some(e) => e.2 = value,
            None => self.entries.push((key.to_owned(), hash, value)),
        }
    }

    /// An empty context with room for `n` keys.
    pub fn with_capacity(n: usize) -> Context {
        Context {
            entries: Vec::with_capacity(n),
        }
    }

    /// Adds `key` unless a key equal to it without regard to ASCII case is there already
    /// (readers of JSON objects keep the first of two). Cheaper than [`Context::insert`]:
    /// keys equal but for ASCII case have the same hash, so only those are compared.
    pub fn push_first(&mut self, key: &str, value: ContextValue) {
        let hash = key_hash(key);
        let present = self
            .entries
            .iter()
            .any(|(k, h, _)| *h == hash && k.eq_ignore_ascii_case(key));
        if !present {
            self.entries.push((key.to_owned(), hash, value));
        }
    }

    /// Sets `key` only when it is absent (derived keys never override given ones).
    pub fn insert_default(&mut self, key: &str, value: ContextValue) {
        // Keys equal but for case have the same hash: when none has it, nothing is compared
        // and the key needs no lowercase copy (the usual case: derived keys are set once).
        let hash = key_hash(key);
        if self.entries.iter().all(|(_, h, _)| *h != hash) {
            self.entries.push((key.to_owned(), hash, value));
            return;
        }
        let lc = key.to_lowercase();
        if self.get_hashed(&lc, hash).is_none() {
            self.entries.push((key.to_owned(), hash, value));
        }
    }

    /// Looks up a lowercased key.
    pub fn get(&self, key_lc: &str) -> Option<&ContextValue> {
        self.get_hashed(key_lc, key_hash(key_lc))
    }

    /// Looks up a lowercased key whose [`key_hash`] the caller computed once.
    pub fn get_hashed(&self, key_lc: &str, hash: u64) -> Option<&ContextValue> {
        self.entries
            .iter()
            .find(|(k, h, _)| *h == hash && key_is(k, key_lc))
            .map(|(_, _, v)| v)
    }

    /// The value of a single-valued key (a lowercased name); `None` when absent or
    /// multi-valued (multi-valued keys cannot be policy variables).
    pub fn single(&self, key_lc: &str) -> Option<&str> {
        match self.get(key_lc)? {
            ContextValue::Single(s) => Some(s),
            ContextValue::Multi(_) => None,
        }
    }

    /// The entries as given: (key as first written, value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, _, v)| (k.as_str(), v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No keys at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Who makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The root user of an account (`arn:aws:iam::A:root`).
    Root {
        /// Account id.
        account: String,
        /// Partition.
        partition: String,
    },
    /// An IAM user.
    User {
        /// The user ARN.
        arn: String,
        /// Account id.
        account: String,
        /// The user name.
        name: String,
    },
    /// A session of an IAM role.
    RoleSession {
        /// The session ARN, `arn:aws:sts::A:assumed-role/NAME/SESSION`; for a request given as
        /// a role ARN, the role ARN itself (the session name is unknown).
        arn: String,
        /// Account id.
        account: String,
        /// The role name.
        role_name: String,
        /// The role ARN (with its path when known).
        role_arn: String,
        /// Whether `role_arn` carries the real path (from `aws:PrincipalArn` or the request)
        /// or was built from the name alone.
        role_path_known: bool,
    },
    /// A federated-user session (`GetFederationToken`).
    FederatedUser {
        /// The session ARN.
        arn: String,
        /// Account id.
        account: String,
    },
    /// Some principal of an account, not known which: a statement that names the account or
    /// any of its principals applies, and its identity side is unknown (`xacct check` without
    /// a named consumer and without the account's IAM export). Never parsed from text.
    AnyOf {
        /// Account id.
        account: String,
        /// Partition.
        partition: String,
    },
    /// An AWS service principal such as `sagemaker.amazonaws.com`.
    Service(String),
    /// An unsigned request.
    Anonymous,
}

impl Principal {
    /// Reads a principal as the conformance cases and `--principal` write it: a user, role,
    /// root, assumed-role or federated-user ARN, a service principal, or `anonymous`.
    pub fn parse(text: &str) -> Result<Principal, String> {
        if text == "anonymous" || text == "*" {
            return Ok(Principal::Anonymous);
        }
        if let Some(arn) = Arn::parse(text) {
            if !is_account_id(arn.account) {
                return Err(format!("`{text}` has no 12-digit account id"));
            }
            let account = arn.account.to_owned();
            let name_after =
                |prefix: &str| arn.resource.strip_prefix(prefix).filter(|n| !n.is_empty());
            return match arn.service {
                "iam" if arn.resource == "root" => Ok(Principal::Root {
                    account,
                    partition: arn.partition.to_owned(),
                }),
                "iam" => {
                    if let Some(rest) = name_after("user/") {
                        Ok(Principal::User {
                            arn: text.to_owned(),
                            account,
                            name: rest.rsplit('/').next().unwrap_or(rest).to_owned(),
                        })
                    } else if let Some(rest) = name_after("role/") {
                        Ok(Principal::RoleSession {
                            arn: text.to_owned(),
                            account,
                            role_name: rest.rsplit('/').next().unwrap_or(rest).to_owned(),
                            role_arn: text.to_owned(),
                            role_path_known: true,
                        })
                    } else {
                        Err(format!("`{text}` is not a user, role or root ARN"))
                    }
                }
                "sts" => {
                    if let Some(rest) = name_after("assumed-role/") {
                        let (role, _session) = rest
                            .split_once('/')
                            .filter(|(r, s)| !r.is_empty() && !s.is_empty())
                            .ok_or_else(|| format!("`{text}` has no session name"))?;
                        Ok(Principal::RoleSession {
                            arn: text.to_owned(),
                            role_arn: ["arn:", arn.partition, ":iam::", &account, ":role/", role]
                                .concat(),
                            account,
                            role_name: role.to_owned(),
                            role_path_known: false,
                        })
                    } else if name_after("federated-user/").is_some() {
                        Ok(Principal::FederatedUser {
                            arn: text.to_owned(),
                            account,
                        })
                    } else {
                        Err(format!(
                            "`{text}` is not an assumed-role or federated-user ARN"
                        ))
                    }
                }
                _ => Err(format!("`{text}` is not an IAM or STS principal ARN")),
            };
        }
        if !text.is_empty()
            && text.contains('.')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            return Ok(Principal::Service(text.to_owned()));
        }
        Err(format!(
            "`{text}` is not a principal (expected an IAM/STS ARN, a service principal or `anonymous`)"
        ))
    }

    /// The principal's account, for IAM principals.
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Root { account, .. }
            | Principal::User { account, .. }
            | Principal::RoleSession { account, .. }
            | Principal::FederatedUser { account, .. }
            | Principal::AnyOf { account, .. } => Some(account),
            Principal::Service(_) | Principal::Anonymous => None,
        }
    }

    /// True for principals of an AWS account (identity policies and SCPs can apply).
    pub fn is_iam(&self) -> bool {
        self.account().is_some()
    }

    /// A service-linked role session: SCPs never apply (path `/aws-service-role/` or name
    /// `AWSServiceRoleFor…`).
    pub fn is_service_linked_role(&self) -> bool {
        match self {
            Principal::RoleSession {
                role_name,
                role_arn,
                ..
            } => {
                role_name.starts_with("AWSServiceRoleFor")
                    || role_arn.contains(":role/aws-service-role/")
            }
            _ => false,
        }
    }

    /// The ARN the principal is known by (`aws:PrincipalArn` semantics: a role session is
    /// known by its role).
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Principal::Root { account, partition } => {
                Some(format!("arn:{partition}:iam::{account}:root"))
            }
            Principal::User { arn, .. } | Principal::FederatedUser { arn, .. } => Some(arn.clone()),
            Principal::RoleSession { role_arn, .. } => Some(role_arn.clone()),
            Principal::AnyOf { .. } | Principal::Service(_) | Principal::Anonymous => None,
        }
    }

    /// The request's principal as written.
    pub fn display(&self) -> String {
        match self {
            Principal::Root { account, partition } => {
                format!("arn:{partition}:iam::{account}:root")
            }
            Principal::User { arn, .. }
            | Principal::RoleSession { arn, .. }
            | Principal::FederatedUser { arn, .. } => arn.clone(),
            Principal::AnyOf { account, .. } => format!("any principal of account {account}"),
            Principal::Service(s) => s.clone(),
            Principal::Anonymous => "anonymous".to_owned(),
        }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> Option<&'static str> {
        match self {
            Principal::Root { .. } => Some("Account"),
            Principal::User { .. } => Some("User"),
            Principal::RoleSession { .. } => Some("AssumedRole"),
            Principal::FederatedUser { .. } => Some("FederatedUser"),
            Principal::AnyOf { .. } | Principal::Service(_) => None,
            Principal::Anonymous => Some("Anonymous"),
        }
    }
}

/// The resource kinds the authorizer treats specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResourceKind {
    /// A KMS key: the key policy (or a grant) must allow.
    KmsKey,
    /// An IAM role assumed with `sts:`: the trust policy must allow.
    RoleTrust,
    /// An S3 bucket or object.
    S3,
    /// Anything else.
    Other,
}

impl ResourceKind {
    fn of(action_lc: &str, resource: &RequestResource) -> ResourceKind {
        match resource.arn() {
            Some(a) if a.service.eq_ignore_ascii_case("kms") && a.resource.starts_with("key/") => {
                ResourceKind::KmsKey
            }
            Some(a)
                if action_lc.starts_with("sts:")
                    && a.service.eq_ignore_ascii_case("iam")
                    && a.resource.starts_with("role/") =>
            {
                ResourceKind::RoleTrust
            }
            Some(a) if a.service.eq_ignore_ascii_case("s3") => ResourceKind::S3,
            _ => ResourceKind::Other,
        }
    }
}

/// One authorization request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who.
    pub principal: Principal,
    /// The action, as given (`s3:GetObject`).
    pub action: String,
    /// The action lowercased, for matching.
    pub(crate) action_lc: String,
    /// What kind of resource this is, found once (the authorizer's special cases).
    pub(crate) kind: ResourceKind,
    /// The resource.
    pub resource: RequestResource,
    /// The account that owns the resource (S3 ARNs carry none).
    pub resource_account: Option<String>,
    /// The context.
    pub context: Context,
}

impl Request {
    /// Builds a request; the context is used as given (see [`Request::derive_context`]).
    /// For a role session, the role's path is taken from `aws:PrincipalArn` when the context
    /// carries it.
    /// Checks that `resource` can name a request's resource: `*` (an action without a
    /// resource type) or a complete ARN. Anything else is bad input, not a resource that no
    /// policy names.
    pub fn check_resource(resource: &str) -> Result<(), String> {
        if crate::policy::is_resource_value(resource) {
            Ok(())
        } else {
            Err(format!(
                "`{resource}` is not an ARN (`arn:partition:service:region:account:resource`) or `*`"
            ))
        }
    }

    /// A request. See [`Request::check_resource`] for what `resource` must be.
    pub fn new(
        principal: Principal,
        action: &str,
        resource: &str,
        resource_account: Option<String>,
        context: Context,
    ) -> Request {
        let mut principal = principal;
        if let Principal::RoleSession {
            role_arn,
            role_path_known,
            account,
            role_name,
            ..
        } = &mut principal
        {
            if !*role_path_known {
                if let Some(given) = context.single("aws:principalarn") {
                    if let Some(a) = Arn::parse(given) {
                        let named = a.resource.rsplit('/').next() == Some(role_name.as_str());
                        if a.account == account && a.resource.starts_with("role/") && named {
                            *role_arn = given.to_owned();
                            *role_path_known = true;
                        }
                    }
                }
            }
        }
        // An ARN names its owner; a resource that is no ARN (`*`, for actions without a
        // resource type) belongs to no other account: only the caller's own policies decide.
        let resource_account = resource_account.or_else(|| match Arn::parse(resource) {
            Some(a) => Some(a.account)
                .filter(|a| is_account_id(a))
                .map(str::to_owned),
            None => principal.account().map(str::to_owned),
        });
        let action_lc = action.to_lowercase();
        let resource = RequestResource::new(resource);
        let kind = ResourceKind::of(&action_lc, &resource);
        Request {
            principal,
            action: action.to_owned(),
            action_lc,
            kind,
            resource,
            resource_account,
            context,
        }
    }

    /// Adds the context keys AWS sets for every request that the caller left out:
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:username` (users),
    /// `aws:ResourceAccount`, `aws:RequestedRegion` (the resource ARN's Region), `kms:CallerAccount`
    /// (KMS actions), `aws:PrincipalIsAWSService`.
    /// A key given explicitly always wins.
    pub fn derive_context(&mut self) {
        let s = ContextValue::Single;
        let p = &self.principal;
        if let Some(arn) = p.principal_arn() {
            self.context.insert_default("aws:PrincipalArn", s(arn));
        }
        if let Some(acct) = p.account() {
            self.context
                .insert_default("aws:PrincipalAccount", s(acct.to_owned()));
            if self.action_lc.starts_with("kms:") {
                self.context
                    .insert_default("kms:CallerAccount", s(acct.to_owned()));
            }
        } else if *p == Principal::Anonymous {
            self.context
                .insert_default("aws:PrincipalAccount", s("anonymous".to_owned()));
        }
        if let Some(t) = p.principal_type() {
            self.context
                .insert_default("aws:PrincipalType", s(t.to_owned()));
        }
        if let Principal::User { name, .. } = p {
            self.context.insert_default("aws:username", s(name.clone()));
        }
        let is_service = matches!(p, Principal::Service(_));
        if *p != Principal::Anonymous {
            self.context
                .insert_default("aws:PrincipalIsAWSService", s(is_service.to_string()));
        }
        if let Some(acct) = &self.resource_account {
            self.context
                .insert_default("aws:ResourceAccount", s(acct.clone()));
        }
        if let Some(region) = self
            .resource
            .arn()
            .map(|a| a.region)
            .filter(|r| !r.is_empty())
        {
            self.context
                .insert_default("aws:RequestedRegion", s(region.to_owned()));
        }
    }

    /// Same account: the principal's account owns the resource. `None` when the owner is
    /// unknown.
    pub fn same_account(&self) -> Option<bool> {
        let owner = self.resource_account.as_deref()?;
        Some(self.principal.account() == Some(owner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_principal_form() {
        assert!(matches!(
            Principal::parse("arn:aws:iam::111111111111:root").unwrap(),
            Principal::Root { .. }
        ));
        assert!(matches!(
            Principal::parse("arn:aws:iam::111111111111:user/p/alice").unwrap(),
            Principal::User { name, .. } if name == "alice"
        ));
        assert!(matches!(
            Principal::parse("arn:aws:sts::111111111111:assumed-role/app/s1").unwrap(),
            Principal::RoleSession { role_arn, role_path_known: false, .. }
                if role_arn == "arn:aws:iam::111111111111:role/app"
        ));
        assert!(matches!(
            Principal::parse("arn:aws:iam::111111111111:role/team/app").unwrap(),
            Principal::RoleSession { role_name, role_path_known: true, .. } if role_name == "app"
        ));
        assert_eq!(
            Principal::parse("lambda.amazonaws.com").unwrap(),
            Principal::Service("lambda.amazonaws.com".into())
        );
        assert_eq!(Principal::parse("anonymous").unwrap(), Principal::Anonymous);
        assert!(Principal::parse("arn:aws:iam::1:user/a").is_err());
        assert!(Principal::parse("bob").is_err());
    }

    #[test]
    fn role_path_comes_from_principal_arn() {
        let mut ctx = Context::default();
        ctx.insert(
            "aws:PrincipalArn",
            ContextValue::Single("arn:aws:iam::111111111111:role/team/app".into()),
        );
        let r = Request::new(
            Principal::parse("arn:aws:sts::111111111111:assumed-role/app/s").unwrap(),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            None,
            ctx,
        );
        assert!(
            matches!(&r.principal, Principal::RoleSession { role_arn, .. }
            if role_arn == "arn:aws:iam::111111111111:role/team/app")
        );
    }

    #[test]
    fn key_hash_ignores_case_ascii_or_not() {
        assert_eq!(
            key_hash("aws:PrincipalTag/Team"),
            key_hash("aws:principaltag/team")
        );
        assert_eq!(
            key_hash("aws:PrincipalTag/ÉQUIPE"),
            key_hash("aws:principaltag/équipe")
        );
        assert_ne!(key_hash("aws:username"), key_hash("aws:userid"));
    }

    #[test]
    fn a_default_never_overrides_a_key_equal_but_for_case() {
        let mut ctx = Context::default();
        let one = |v: &str| ContextValue::Single(v.into());
        ctx.insert("aws:PrincipalTag/Équipe", one("given"));
        ctx.insert("aws:username", one("given"));
        ctx.insert_default("AWS:PRINCIPALTAG/équipe", one("derived"));
        ctx.insert_default("aws:UserName", one("derived"));
        ctx.insert_default("aws:PrincipalAccount", one("derived"));
        assert_eq!(ctx.single("aws:principaltag/équipe"), Some("given"));
        assert_eq!(ctx.single("aws:username"), Some("given"));
        assert_eq!(ctx.single("aws:principalaccount"), Some("derived"));
        assert_eq!(ctx.iter().count(), 3);
    }

    #[test]
    fn the_first_of_keys_equal_but_for_ascii_case_is_kept() {
        let mut ctx = Context::default();
        let one = |v: &str| ContextValue::Single(v.into());
        ctx.push_first("aws:SourceIp", one("1"));
        ctx.push_first("AWS:SOURCEIP", one("2"));
        ctx.push_first("aws:TagKeys/É", one("3"));
        ctx.push_first("aws:tagkeys/é", one("4"));
        let kept: Vec<_> = ctx
            .iter()
            .map(|(k, v)| (k, v.as_slice()[0].as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                ("aws:SourceIp", "1"),
                ("aws:TagKeys/É", "3"),
                ("aws:tagkeys/é", "4")
            ]
        );
    }

    #[test]
    fn derived_context_never_overrides_given_keys() {
        let mut ctx = Context::default();
        ctx.insert(
            "AWS:PrincipalAccount",
            ContextValue::Single("999999999999".into()),
        );
        let mut r = Request::new(
            Principal::parse("arn:aws:iam::111111111111:user/alice").unwrap(),
            "kms:Decrypt",
            "arn:aws:kms:us-east-1:222222222222:key/k",
            None,
            ctx,
        );
        r.derive_context();
        assert_eq!(
            r.context.single("aws:principalaccount"),
            Some("999999999999")
        );
        assert_eq!(r.context.single("aws:username"), Some("alice"));
        assert_eq!(r.context.single("kms:calleraccount"), Some("111111111111"));
        assert_eq!(
            r.context.single("aws:resourceaccount"),
            Some("222222222222")
        );
        assert_eq!(
            r.context.single("aws:principalarn"),
            Some("arn:aws:iam::111111111111:user/alice")
        );
    }
}
