//! Which account a plan applies to, from what the plan itself says: the AWS provider's
//! `allowed_account_ids` or `assume_role` role ARN, `data.aws_caller_identity` in the prior
//! state, and the ARNs of the resources that already exist. Several providers may name
//! several accounts: each resource then takes its own provider's.

use std::collections::{BTreeMap, BTreeSet};

use super::str_at;
use crate::arn::{is_account_id, Arn};
use crate::json::Json;

/// What the plan says about its accounts.
#[derive(Debug, Default)]
pub(super) struct PlanAccounts {
    /// The account every resource of the plan belongs to, when the plan names one only.
    pub all: Option<String>,
    /// By provider configuration key (`aws`, `aws.west`, `module.m:aws`), when providers
    /// name different accounts.
    pub by_provider: BTreeMap<String, String>,
}

/// The account an AWS provider configuration names: one `allowed_account_ids`, or the
/// account of its `assume_role` role ARN.
fn provider_account(config: &Json<'_>) -> Option<String> {
    let exprs = config.get("expressions")?;
    fn constant<'j, 'a>(e: &'j Json<'a>) -> Option<&'j Json<'a>> {
        e.get("constant_value")
    }
    if let Some(Json::Array(ids)) = exprs.get("allowed_account_ids").and_then(constant) {
        let ids: BTreeSet<&str> = ids.iter().filter_map(Json::as_str).collect();
        if let [one] = ids.into_iter().collect::<Vec<_>>()[..] {
            if is_account_id(one) {
                return Some(one.to_owned());
            }
        }
    }
    let role = match exprs.get("assume_role") {
        Some(Json::Array(blocks)) => blocks.first(),
        Some(b @ Json::Object(_)) => Some(b),
        _ => None,
    }?;
    let arn = role.get("role_arn").and_then(constant)?;
    let a = Arn::parse(arn.as_str()?)?;
    is_account_id(a.account).then(|| a.account.to_owned())
}

/// Every module of a `values` tree (`prior_state.values.root_module` and its children).
fn modules<'j, 'a>(module: &'j Json<'a>, out: &mut Vec<&'j Json<'a>>) {
    out.push(module);
    if let Some(Json::Array(children)) = module.get("child_modules") {
        for c in children {
            modules(c, out);
        }
    }
}

/// `data.aws_caller_identity` read into the prior state (any module).
fn caller_identity(json: &Json<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(root) = json
        .get("prior_state")
        .and_then(|s| s.get("values"))
        .and_then(|v| v.get("root_module"))
    else {
        return out;
    };
    let mut all = Vec::new();
    modules(root, &mut all);
    for m in all {
        let Some(Json::Array(rs)) = m.get("resources") else {
            continue;
        };
        for r in rs {
            if str_at(r, "type") == Some("aws_caller_identity") {
                if let Some(a) = r.get("values").and_then(|v| str_at(v, "account_id")) {
                    if is_account_id(a) {
                        out.insert(a.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// The accounts of the ARNs of resources that exist (the prior state's managed resources,
/// and the `before` values of the resources the plan changes).
fn existing_arns(json: &Json<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |values: Option<&Json<'_>>| {
        let Some(arn) = values.and_then(|v| str_at(v, "arn")).and_then(Arn::parse) else {
            return;
        };
        // IAM and S3 ARNs say nothing of a resource's own account in some services (S3
        // buckets); only a 12-digit account counts.
        if is_account_id(arn.account) {
            out.insert(arn.account.to_owned());
        }
    };
    if let Some(root) = json
        .get("prior_state")
        .and_then(|s| s.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        let mut all = Vec::new();
        modules(root, &mut all);
        for m in all {
            if let Some(Json::Array(rs)) = m.get("resources") {
                for r in rs.iter().filter(|r| str_at(r, "mode") == Some("managed")) {
                    add(r.get("values"));
                }
            }
        }
    }
    if let Some(Json::Array(changes)) = json.get("resource_changes") {
        for rc in changes
            .iter()
            .filter(|r| str_at(r, "mode") == Some("managed"))
        {
            add(rc.get("change").and_then(|c| c.get("before")));
        }
    }
    out
}

/// Reads what the plan says about its accounts.
pub(super) fn plan_accounts(json: &Json<'_>) -> PlanAccounts {
    let mut by_provider = BTreeMap::new();
    if let Some(Json::Object(configs)) = json
        .get("configuration")
        .and_then(|c| c.get("provider_config"))
    {
        for (key, config) in configs {
            let name = str_at(config, "name").unwrap_or(key);
            if name != "aws" {
                continue;
            }
            if let Some(a) = provider_account(config) {
                by_provider.insert(key.to_string(), a);
            }
        }
    }
    let providers: BTreeSet<&String> = by_provider.values().collect();
    let one = |set: BTreeSet<String>| match set.len() {
        1 => set.into_iter().next(),
        _ => None,
    };
    let all = if providers.len() == 1 {
        providers.into_iter().next().cloned()
    } else if providers.is_empty() {
        one(caller_identity(json)).or_else(|| one(existing_arns(json)))
    } else {
        None
    };
    PlanAccounts { all, by_provider }
}

/// Each configured resource's provider configuration key, by address (modules prefixed).
pub(super) fn provider_keys(module: &Json<'_>, prefix: &str, out: &mut BTreeMap<String, String>) {
    if let Some(Json::Array(resources)) = module.get("resources") {
        for r in resources {
            if let (Some(addr), Some(key)) =
                (str_at(r, "address"), str_at(r, "provider_config_key"))
            {
                out.insert(format!("{prefix}{addr}"), key.to_owned());
            }
        }
    }
    if let Some(Json::Object(calls)) = module.get("module_calls") {
        for (name, call) in calls {
            if let Some(m) = call.get("module") {
                provider_keys(m, &format!("{prefix}module.{name}."), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accounts(text: &str) -> Option<String> {
        plan_accounts(&Json::parse(text).unwrap()).all
    }

    #[test]
    fn the_plan_says_its_account_in_several_ways() {
        let allowed = r#"{"configuration":{"provider_config":{"aws":{"name":"aws","expressions":{"allowed_account_ids":{"constant_value":["111111111111"]}}}}}}"#;
        assert_eq!(accounts(allowed).as_deref(), Some("111111111111"));
        let role = r#"{"configuration":{"provider_config":{"aws":{"name":"aws","expressions":{"assume_role":[{"role_arn":{"constant_value":"arn:aws:iam::222222222222:role/deploy"}}]}}}}}"#;
        assert_eq!(accounts(role).as_deref(), Some("222222222222"));
        let caller = r#"{"prior_state":{"values":{"root_module":{"child_modules":[{"resources":[{"mode":"data","type":"aws_caller_identity","values":{"account_id":"333333333333"}}]}]}}}}"#;
        assert_eq!(accounts(caller).as_deref(), Some("333333333333"));
        let existing = r#"{"resource_changes":[{"mode":"managed","change":{"before":{"arn":"arn:aws:sns:us-east-1:444444444444:t"}}}]}"#;
        assert_eq!(accounts(existing).as_deref(), Some("444444444444"));
        let two = r#"{"resource_changes":[{"mode":"managed","change":{"before":{"arn":"arn:aws:sns:us-east-1:444444444444:t"}}},{"mode":"managed","change":{"before":{"arn":"arn:aws:sns:us-east-1:555555555555:t"}}}]}"#;
        assert_eq!(accounts(two), None);
        assert_eq!(accounts("{}"), None);
    }
}
