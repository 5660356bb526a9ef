//! Questions asked of a [`Catalog`]: services, actions, resource types and condition keys by
//! name (case-insensitive), action patterns expanded, and whether an action supports a key.

use super::arn_format::{intersects, key_pattern, key_template_matches, ArnShape};
use super::*;
use crate::pattern::{Case, Glob};

/// `f` of `name` in ASCII lowercase (as the indexes are keyed), written on the stack when
/// it is short: lookups by name are made for every value of every policy.
fn with_lowercase<R>(name: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 128];
    if let Some(lower) = buf.get_mut(..name.len()) {
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        // ASCII lowercasing keeps UTF-8 valid.
        if let Ok(lower) = std::str::from_utf8(lower) {
            return f(lower);
        }
    }
    f(&name.to_ascii_lowercase())
}

impl Catalog {
    /// Where knowledge of a service prefix comes from (case-insensitive): the data, the
    /// overlay (a retired or undocumented service IAM accepts), or neither.
    pub fn service_origin(&self, prefix: &str) -> Origin<'_> {
        if self.service(prefix).is_some() {
            return Origin::Data;
        }
        match self
            .overlay_service_index
            .get(&prefix.to_ascii_lowercase())
            .and_then(|i| self.overlay_services.get(*i))
        {
            Some(e) => Origin::Overlay(e),
            None => Origin::Unknown,
        }
    }

    /// Where knowledge of an action, or an action pattern with `*` and `?`, comes from
    /// (case-insensitive): [`Origin::Data`] when it covers an action of the data;
    /// otherwise [`Origin::Overlay`] when it names an action of an overlay service or
    /// covers an action the overlay lists (the first, in name order); otherwise
    /// [`Origin::Unknown`] (also for `*` and patterns whose service part has a wildcard,
    /// which name no one service).
    pub fn action_origin(&self, pattern: &str) -> Origin<'_> {
        let Some((prefix, name)) = pattern.split_once(':') else {
            return Origin::Unknown;
        };
        if crate::pattern::has_wildcard(prefix) {
            return Origin::Unknown;
        }
        match self.service_origin(prefix) {
            Origin::Data => {}
            other => return other,
        }
        if !self.matching_actions(pattern).is_empty() {
            return Origin::Data;
        }
        if !crate::pattern::has_wildcard(name) {
            return match self
                .overlay_action_index
                .get(&pattern.to_ascii_lowercase())
                .and_then(|i| self.overlay_actions.get(*i))
            {
                Some(e) => Origin::Overlay(e),
                None => Origin::Unknown,
            };
        }
        let glob = Glob::new(pattern, Case::Insensitive);
        self.overlay_actions
            .iter()
            .filter(|e| glob.is_match(&e.name))
            .min_by(|a, b| a.name.cmp(&b.name))
            .map_or(Origin::Unknown, Origin::Overlay)
    }

    /// The services the overlay lists, in name order.
    pub fn overlay_services(&self) -> std::slice::Iter<'_, OverlayEntry> {
        self.overlay_services.iter()
    }

    /// The actions the overlay lists, in name order.
    pub fn overlay_actions(&self) -> std::slice::Iter<'_, OverlayEntry> {
        self.overlay_actions.iter()
    }

    /// Where the data came from (package and version).
    pub fn source(&self) -> &SourceInfo {
        &self.source
    }

    /// All services, sorted by prefix (parsing those not parsed yet).
    pub fn services(&self) -> impl Iterator<Item = &Service> + '_ {
        // Only a broken service is `None`, which makes the catalogue unusable.
        (0..self.services.len()).filter_map(|i| self.service_at(i))
    }

    /// The service with this action prefix (case-insensitive), e.g. `S3`.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        let i = with_lowercase(prefix, |p| self.service_index.get(p).copied())?;
        self.service_at(i)
    }

    /// The action named `prefix:Name` (case-insensitive), e.g. `s3:GetObject`.
    pub fn action(&self, full: &str) -> Option<(&Service, &Action)> {
        let (prefix, name) = full.split_once(':')?;
        let svc = self.service(prefix)?;
        Some((svc, svc.action(name)?))
    }

    /// All known actions an IAM action pattern covers, in catalogue order.
    ///
    /// `*` matches any run of characters and `?` any one character,
    /// case-insensitively, as in a policy's `Action`. `"*"` matches every
    /// action; a pattern with a `:` is matched service part against the
    /// prefix and action part against the names.
    pub fn matching_actions(&self, pattern: &str) -> Vec<(&Service, &Action)> {
        // Most patterns name one action, or all of one service's with a wildcard: look the
        // service (and the action) up instead of matching every name. ASCII only, where
        // the indexes' ASCII lowercasing and the matcher's Unicode lowercasing agree.
        let wild = crate::pattern::has_wildcard;
        if let Some((svc_part, act_part)) = pattern.split_once(':').filter(|_| pattern.is_ascii()) {
            if !wild(svc_part) {
                let Some(svc) = self.service(svc_part) else {
                    return Vec::new();
                };
                if !wild(act_part) {
                    return svc.action(act_part).map(|a| (svc, a)).into_iter().collect();
                }
                let act_pat = Glob::new(act_part, Case::Insensitive);
                return svc
                    .actions
                    .iter()
                    .filter(|a| act_pat.is_match(&a.name))
                    .map(|a| (svc, a))
                    .collect();
            }
        }
        self.scan_actions(pattern)
    }

    /// [`Catalog::matching_actions`] by matching the pattern against every name.
    fn scan_actions(&self, pattern: &str) -> Vec<(&Service, &Action)> {
        let whole = Glob::new(pattern, Case::Insensitive);
        let parts = pattern.split_once(':').map(|(s, a)| {
            (
                Glob::new(s, Case::Insensitive),
                Glob::new(a, Case::Insensitive),
            )
        });
        let mut out = Vec::new();
        for (i, lazy) in self.services.iter().enumerate() {
            if parts
                .as_ref()
                .is_some_and(|(s, _)| !s.is_match(&lazy.prefix))
            {
                continue;
            }
            let Some(svc) = self.service_at(i) else {
                continue;
            };
            for act in &svc.actions {
                let hit = match &parts {
                    Some((_, a)) => a.is_match(&act.name),
                    None => whole.is_match(&format!("{}:{}", svc.prefix, act.name)),
                };
                if hit {
                    out.push((svc, act));
                }
            }
        }
        out
    }

    /// All global condition keys (`aws:SourceIp`, `aws:PrincipalTag/tag-key`, ...).
    pub fn global_condition_keys(&self) -> std::slice::Iter<'_, ConditionKey> {
        self.global_keys.iter()
    }

    /// The global condition key with this name (case-insensitive). A key with
    /// a variable part matches the listed form: `aws:PrincipalTag/team` finds
    /// `aws:PrincipalTag/tag-key`.
    pub fn global_condition_key(&self, name: &str) -> Option<&ConditionKey> {
        if let Some(i) = with_lowercase(name, |n| self.global_index.get(n).copied()) {
            return self.global_keys.get(i);
        }
        let (head, tail) = name.split_once('/')?;
        if tail.is_empty() {
            return None;
        }
        self.global_keys.iter().find(|k| {
            k.name
                .split_once('/')
                .is_some_and(|(h, _)| h.eq_ignore_ascii_case(head))
        })
    }

    /// Any condition key by its full name (case-insensitive): a global key, a
    /// key of the service its prefix names, or a key with a prefix that is no
    /// service (e.g. `token.actions.githubusercontent.com:sub`, defined by
    /// `sts`). Keys with a variable part match concrete names
    /// (`kms:EncryptionContext:team` finds
    /// `kms:EncryptionContext:${EncryptionContextKey}`).
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        if let Some(k) = self.global_condition_key(name) {
            return Some(k);
        }
        let (prefix, _) = name.split_once(':')?;
        if let Some(k) = self.service(prefix).and_then(|s| s.condition_key(name)) {
            return Some(k);
        }
        for (pat, services) in &self.unassociated {
            if !key_pattern(pat).is_match(prefix) {
                continue;
            }
            for s in services {
                if let Some(k) = self.service(s).and_then(|s| s.condition_key(name)) {
                    return Some(k);
                }
            }
        }
        None
    }
}

impl Service {
    /// The service's actions, sorted by name.
    pub fn actions(&self) -> std::slice::Iter<'_, Action> {
        self.actions.iter()
    }

    /// The action with this name (without prefix; case-insensitive).
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .get(with_lowercase(name, |n| self.action_index.get(n).copied())?)
    }

    /// The service's resource types, sorted by name.
    pub fn resource_types(&self) -> std::slice::Iter<'_, ResourceType> {
        self.resource_types.iter()
    }

    /// The resource type with this name (case-insensitive), e.g. `object`.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types
            .get(*self.resource_type_index.get(&name.to_ascii_lowercase())?)
    }

    /// The resource type an action's entry refers to, with its ARN formats.
    pub fn resource_type_of(&self, r: &ActionResource) -> Option<&ResourceType> {
        self.resource_types
            .get(r.index)
            .filter(|t| t.name == r.name)
    }

    /// The service's resource types that `arn` could name
    /// (see [`ResourceType::arn_matches`]).
    pub fn resource_types_matching<'a>(
        &'a self,
        arn: &'a str,
    ) -> impl Iterator<Item = &'a ResourceType> + 'a {
        self.resource_types
            .iter()
            .filter(move |t| t.arn_matches(arn))
    }

    /// The service's condition keys (including the `aws:` keys it documents).
    pub fn condition_keys(&self) -> std::slice::Iter<'_, ConditionKey> {
        self.condition_keys.iter()
    }

    /// The condition key with this full name (case-insensitive), e.g.
    /// `kms:ViaService`. A concrete name matches a key with a variable part
    /// (`${...}`, `<...>`, or a final `/tag-key` or `/`, as the SAR spells a few):
    /// `s3:ExistingObjectTag/team` finds `s3:ExistingObjectTag/<key>`.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        if let Some(i) = with_lowercase(name, |n| self.condition_key_index.get(n).copied()) {
            return self.condition_keys.get(i);
        }
        self.condition_keys
            .iter()
            .find(|k| key_template_matches(&k.name, name))
    }
}

impl Action {
    /// `prefix:Name`, e.g. `s3:GetObject`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }

    /// Whether the action supports no resource types, so only `"Resource": "*"`
    /// can grant it (e.g. `ecr:GetAuthorizationToken`).
    pub fn is_wildcard_only(&self) -> bool {
        self.resource_types.is_empty()
    }

    /// The access levels, e.g. `["Permissions management", "Write"]`.
    pub fn access_levels(&self) -> impl Iterator<Item = &str> {
        self.access_level
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Whether the SAR (or the overlay) lists `key` for the action: on the action
    /// itself, on its rows for its resource types, or on those resource types
    /// themselves (`aws:ResourceTag/${TagKey}` of a `repository`, `kms:KeySpec` of a
    /// `key`), which apply whatever the statement's `Resource`, `"*"` included.
    /// Case-insensitive; concrete names match variable forms
    /// (`aws:ResourceTag/team` matches `aws:ResourceTag/${TagKey}`).
    pub fn supports_condition_key(&self, key: &str) -> bool {
        self.condition_keys
            .iter()
            .chain(
                self.resource_types
                    .iter()
                    .flat_map(|r| r.condition_keys.iter()),
            )
            .chain(self.resource_type_keys.iter())
            .any(|k| k.eq_ignore_ascii_case(key) || key_template_matches(k, key))
    }

    /// The condition keys of the action's resource types themselves (not those of its
    /// rows, which are in [`ActionResource::condition_keys`]).
    pub fn resource_type_condition_keys(&self) -> &[String] {
        &self.resource_type_keys
    }
}

impl ResourceType {
    /// Whether `arn`, a concrete ARN or an ARN pattern from a policy, could
    /// name a resource of this type, i.e. whether some ARN fits both `arn` and
    /// one of the type's ARN formats.
    ///
    /// Comparison is case-sensitive, as IAM's. In `arn`, `*` is any run of
    /// characters and `?` one character; a `*` spans `:` only at the end of a
    /// segment (before a `:` or at the end), as IAM documents; a policy
    /// variable (`${aws:username}`) is any non-empty text without `:`, and
    /// `${*}`, `${?}`, `${$}` are literal.
    ///
    /// In a format, each `${...}` placeholder is non-empty text:
    /// * in partition, service, region and account: without `:`;
    /// * the first placeholder of the resource part (`${BucketName}` in
    ///   `arn:${Partition}:s3:::${BucketName}`): without `/` or `:`, so
    ///   `arn:aws:s3:::bucket/*` is an `object` but not a `bucket`;
    /// * later placeholders in the resource part may span `/` (repository
    ///   names, IAM paths, S3 keys); the last one also spans `:`, because
    ///   services authorize names followed by a `:` qualifier or suffix, and
    ///   their own documentation and policies write them so: lambda's
    ///   `function:NAME:alias` and `function:NAME:*`, CloudWatch Logs'
    ///   `log-group:NAME:*` and `log-group:NAME:log-stream:*`, RDS's
    ///   `snapshot:awsbackup:job-…` (so `function:f:prod` is a `function` as well
    ///   as a `function alias`);
    /// * a placeholder named `...Arn` is any non-empty text.
    ///
    /// A literal `*` in a format (e.g. `neptune-db`'s `${ClusterResourceId}/*`)
    /// is any text.
    pub fn arn_matches(&self, arn: &str) -> bool {
        self.shape_matches(&ArnShape::new(arn))
    }

    /// [`ResourceType::arn_matches`] for an ARN tokenized once ([`ArnShape`]), for callers
    /// that test one ARN against many types.
    pub fn shape_matches(&self, shape: &ArnShape) -> bool {
        if let (Some(ours), Some(theirs)) = (&self.format_service, &shape.service) {
            if ours != theirs {
                return false;
            }
        }
        self.format_tokens
            .iter()
            .any(|f| intersects(f, &shape.tokens))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::catalog::test_support::{cat, rt};

    #[test]
    fn action_lookup_agrees_with_the_scan() {
        let c = catalog().unwrap();
        let same = |p: &str| {
            let ids = |v: Vec<(&Service, &Action)>| -> Vec<String> {
                v.iter()
                    .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
                    .collect()
            };
            assert_eq!(ids(c.matching_actions(p)), ids(c.scan_actions(p)), "{p}");
        };
        let mut n = 0;
        for svc in c.services() {
            for a in svc.actions.iter().step_by(17) {
                let full = format!("{}:{}", svc.prefix, a.name);
                same(&full);
                same(&full.to_uppercase());
                same(&format!(
                    "{}:{}*",
                    svc.prefix,
                    &a.name[..a.name.len().min(3)]
                ));
                n += 1;
            }
            same(&format!("{}:*", svc.prefix));
            same(&format!("{}:?et*", svc.prefix.to_uppercase()));
        }
        assert!(n > 500, "{n}");
        for p in [
            "s3:NoSuchAction",
            "nosuch:GetObject",
            "s3:",
            ":x",
            "s*:GetObject",
            "*",
        ] {
            same(p);
        }
        assert_eq!(c.matching_actions("S3:getobject").len(), 1);
    }

    #[test]
    fn s3_get_object() {
        let (svc, a) = cat().action("s3:GetObject").expect("s3:GetObject");
        assert_eq!(svc.prefix, "s3");
        assert_eq!(a.name, "GetObject");
        assert_eq!(a.service, "s3");
        assert_eq!(a.full_name(), "s3:GetObject");
        assert_eq!(a.access_level, "Read");
        assert!(!a.is_wildcard_only());
        // The SAR lists `accesspointobject` and `object` as alternatives for
        // GetObject, so it marks neither as required.
        let names: Vec<_> = a
            .resource_types
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(names, vec![("accesspointobject", false), ("object", false)]);
        let obj = a
            .resource_types
            .iter()
            .find(|r| r.name == "object")
            .expect("object");
        let (_, create) = cat().action("s3:CreateBucket").expect("s3:CreateBucket");
        assert!(create
            .resource_types
            .iter()
            .any(|r| r.name == "bucket" && r.required));
        let t = svc.resource_type_of(obj).expect("resolves");
        assert_eq!(
            t.arn_formats,
            vec!["arn:${Partition}:s3:::${BucketName}/${ObjectName}".to_string()]
        );
        assert!(a.supports_condition_key("s3:ExistingObjectTag/team"));
        assert!(a.supports_condition_key("S3:RESOURCEACCOUNT"));
        assert!(!a.supports_condition_key("s3:NoSuchKey"));
    }

    #[test]
    fn s3_get_bucket_acl() {
        let (_, a) = cat().action("s3:GetBucketAcl").expect("s3:GetBucketAcl");
        let names: Vec<_> = a
            .resource_types
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        // Bucket or access point: alternatives, so neither is marked required.
        assert_eq!(names, vec![("accesspoint", false), ("bucket", false)]);
    }

    #[test]
    fn ecr_actions() {
        let (_, a) = cat().action("ecr:GetAuthorizationToken").expect("token");
        assert!(a.is_wildcard_only());
        let (svc, a) = cat().action("ecr:GetDownloadUrlForLayer").expect("layer");
        assert!(!a.is_wildcard_only());
        assert_eq!(a.access_level, "Read");
        assert_eq!(a.resource_types.len(), 1);
        assert_eq!(a.resource_types[0].name, "repository");
        assert!(a.resource_types[0].required);
        let t = svc
            .resource_type_of(&a.resource_types[0])
            .expect("repository");
        assert!(t.arn_matches("arn:aws:ecr:us-east-1:111111111111:repository/team/app"));
    }

    #[test]
    fn kms_decrypt_condition_keys() {
        let (svc, a) = cat().action("kms:Decrypt").expect("kms:Decrypt");
        assert!(a.condition_keys.iter().any(|k| k == "kms:ViaService"));
        assert!(a
            .condition_keys
            .iter()
            .any(|k| k == "kms:EncryptionContext:${EncryptionContextKey}"));
        assert!(a.supports_condition_key("kms:EncryptionContext:Department"));
        let k = svc
            .condition_key("kms:encryptioncontext:Department")
            .expect("template key");
        assert_eq!(k.name, "kms:EncryptionContext:${EncryptionContextKey}");
        assert_eq!(k.value_type, ConditionValueType::String);
        let k = svc.condition_key("KMS:VIASERVICE").expect("kms:ViaService");
        assert_eq!(k.value_type.as_str(), "String");
        assert_eq!(
            svc.condition_key("kms:EncryptionContextKeys")
                .map(|k| k.value_type.is_array()),
            Some(true)
        );
    }

    #[test]
    fn sagemaker_create_model_package() {
        let (_, a) = cat()
            .action("sagemaker:CreateModelPackage")
            .expect("action");
        assert!(a
            .condition_keys
            .iter()
            .any(|k| k == "sagemaker:ModelApprovalStatus"));
    }

    #[test]
    fn case_insensitive_lookups() {
        let (svc, a) = cat().action("S3:getobject").expect("case-insensitive");
        assert_eq!((svc.prefix.as_str(), a.name.as_str()), ("s3", "GetObject"));
        assert!(cat().service("EC2").is_some());
        assert!(cat().service("nosuchservice").is_none());
        assert!(cat().action("s3:NoSuchAction").is_none());
        assert!(cat().action("s3").is_none());
        assert!(cat()
            .service("s3")
            .and_then(|s| s.resource_type("OBJECT"))
            .is_some());
    }

    #[test]
    fn global_and_other_condition_keys() {
        let c = cat();
        let k = c
            .global_condition_key("AWS:SourceIp")
            .expect("aws:SourceIp");
        assert_eq!(k.value_type, ConditionValueType::IpAddress);
        assert_eq!(k.category.as_deref(), Some("network"));
        let k = c
            .global_condition_key("aws:PrincipalTag/team")
            .expect("tag key");
        assert_eq!(k.name, "aws:PrincipalTag/tag-key");
        assert!(c.global_condition_key("aws:PrincipalTag/").is_none());
        assert!(c.global_condition_key("aws:NoSuchKey").is_none());
        assert_eq!(
            c.condition_key("aws:PrincipalOrgID")
                .map(|k| k.value_type.clone()),
            Some(ConditionValueType::String)
        );
        assert!(c.condition_key("s3:prefix").is_some());
        // Keys of identity providers are documented under sts.
        assert!(c
            .condition_key("token.actions.githubusercontent.com:actor")
            .is_some());
        assert!(c
            .condition_key("token.actions.githubusercontent.com/org/repo:ref")
            .is_some());
        assert!(c.condition_key("accounts.google.com:aud").is_some());
        assert!(c
            .condition_key("agent.acme.buildkite.dev:pipeline_slug")
            .is_some());
        let tag = c
            .condition_key("s3:ExistingObjectTag/team")
            .expect("<key> form");
        assert_eq!(tag.name, "s3:ExistingObjectTag/<key>");
        assert!(c.condition_key("kms:EncryptionContext:x").is_some());
        assert!(c.condition_key("kms:Nope").is_none());
    }

    #[test]
    fn pattern_expansion() {
        let c = cat();
        let names: Vec<String> = c
            .matching_actions("ecr:Describe*")
            .iter()
            .map(|(_, a)| a.full_name())
            .collect();
        assert!(
            names.contains(&"ecr:DescribeImages".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"ecr:DescribeRepositories".to_string()));
        assert!(names.iter().all(|n| n.starts_with("ecr:Describe")));
        assert_eq!(
            c.matching_actions("ECR:describe*").len(),
            names.len(),
            "case-insensitive"
        );
        let one: Vec<String> = c
            .matching_actions("s3:GetObjec?")
            .iter()
            .map(|(_, a)| a.full_name())
            .collect();
        assert_eq!(one, vec!["s3:GetObject".to_string()]);
        let total: usize = c.services().map(|s| s.actions().len()).sum();
        assert_eq!(c.matching_actions("*").len(), total);
        assert_eq!(c.matching_actions("*:*").len(), total);
        assert!(c.matching_actions("s3*:Get*Tagging").len() > 3);
        assert!(c.matching_actions("nosuch:*").is_empty());
    }

    #[test]
    fn resource_type_condition_keys() {
        let c = cat();
        let supports = |action: &str, key: &str| {
            c.action(action)
                .unwrap_or_else(|| panic!("{action}"))
                .1
                .supports_condition_key(key)
        };
        // Listed on the resource types only, not on the actions' rows.
        assert!(supports(
            "codecommit:DeleteRepository",
            "aws:ResourceTag/Team"
        ));
        assert!(supports("kms:Decrypt", "kms:ResourceAliases"));
        assert!(supports("kms:Decrypt", "kms:KeySpec"));
        assert!(supports("iam:PassRole", "iam:ResourceTag/team"));
        assert!(supports(
            "secretsmanager:GetSecretValue",
            "secretsmanager:ResourceTag/team"
        ));
        assert!(supports("s3:GetObject", "s3:AccessPointNetworkOrigin"));
        assert!(supports("rds:DeleteDBInstance", "rds:db-tag/env"));
        assert!(!supports("codecommit:DeleteRepository", "kms:KeySpec"));
        assert!(!supports(
            "ecr:GetAuthorizationToken",
            "aws:ResourceTag/Team"
        ));
        let (_, a) = c.action("codecommit:DeleteRepository").expect("action");
        assert_eq!(
            a.resource_type_condition_keys(),
            &["aws:ResourceTag/${TagKey}".to_string()]
        );
    }
}
