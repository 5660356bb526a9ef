//! The audit file (`--audit-file`): declarative data in the `rules/` style, a JSON object
//! with `schema_version`, validated into checked types with the file and JSON pointer of
//! every error. It holds the trusted accounts that silence intended external access and the
//! registrations the organization relies on, which are checked with their whole request.
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "trusted_accounts": [
//!     {"account": "444444444444", "resources": ["arn:aws:s3:::vendor-drop-*"], "reason": "vendor"},
//!     {"principal": "*", "resources": ["arn:aws:s3:::public-website-*"], "reason": "the website"}
//!   ],
//!   "registrations": [
//!     {"request": "create-model-package.json",
//!      "caller": "arn:aws:iam::222222222222:role/Training",
//!      "consumer": "arn:aws:iam::111111111111:role/Deploy"}
//!   ],
//!   "scenario_pairs": [
//!     {"scenario": "sagemaker-cross-account-model-deployment",
//!      "caller_account": "444444444444", "registry_account": "111111111111"}
//!   ]
//! }
//! ```
//!
//! `request` is read relative to the audit file's folder. Several audit files add up.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::arn::{is_account_id, Arn};
use crate::eval::Principal;
use crate::json::{Json, Pointer};
use crate::pattern::{Case, Glob};
use crate::workflow::RegistrationRequest;

use crate::diagnostic::Location;

/// A problem in an audit file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// Where in it.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.pointer, self.message)
        }
    }
}

/// An intended external access: findings it matches are left out of the report.
#[derive(Debug, Clone)]
pub struct TrustedEntry {
    /// Where the entry is.
    pub at: Location,
    /// The principal's account, when the entry names one.
    pub account: Option<String>,
    /// A principal pattern (`*` for everyone, an ARN with wildcards, `federated:…`).
    pub principal: Option<(String, Glob)>,
    /// Resource ARN patterns; none means every resource.
    pub resources: Vec<(String, Glob)>,
    /// Why it is intended.
    pub reason: Option<String>,
}

impl TrustedEntry {
    /// Whether the entry covers an external access to `resource` by `principal` (of
    /// `principal_account`).
    pub fn matches(
        &self,
        resource: &str,
        principal: &str,
        principal_account: Option<&str>,
    ) -> bool {
        let account_ok = self
            .account
            .as_deref()
            .is_none_or(|a| principal_account == Some(a));
        let principal_ok = self
            .principal
            .as_ref()
            .is_none_or(|(_, g)| g.is_match(principal));
        let resource_ok =
            self.resources.is_empty() || self.resources.iter().any(|(_, g)| g.is_match(resource));
        account_ok && principal_ok && resource_ok
    }

    /// The entry as written, for messages.
    pub fn describe(&self) -> String {
        let who = match (&self.account, &self.principal) {
            (Some(a), Some((p, _))) => format!("account {a}, principal `{p}`"),
            (Some(a), None) => format!("account {a}"),
            (None, Some((p, _))) => format!("principal `{p}`"),
            (None, None) => "nothing".to_owned(),
        };
        if self.resources.is_empty() {
            who
        } else {
            let list: Vec<String> = self
                .resources
                .iter()
                .map(|(t, _)| format!("`{t}`"))
                .collect();
            format!("{who} on {}", list.join(", "))
        }
    }
}

/// A registration the organization relies on, checked with its whole request.
#[derive(Debug, Clone)]
pub struct ListedRegistration {
    /// Where the entry is.
    pub at: Location,
    /// The request file (as resolved).
    pub request_file: String,
    /// The parsed request.
    pub request: RegistrationRequest,
    /// The caller's ARN.
    pub caller: String,
    /// The caller's account.
    pub caller_account: String,
    /// The consumer's ARN, when named.
    pub consumer: Option<String>,
    /// The key the artifact was written with, when named.
    pub artifact_key: Option<String>,
}

/// A scenario the organization relies on between two accounts (`scenario_pairs`): its
/// caller's steps are checked for the principals of `caller_account` on every model package
/// group of `registry_account`.
#[derive(Debug, Clone)]
pub struct ScenarioPair {
    /// Where the entry is.
    pub at: Location,
    /// The scenario's id (a built-in one).
    pub scenario: String,
    /// The account whose principals act.
    pub caller_account: String,
    /// The account whose groups they act on.
    pub registry_account: String,
    /// The one principal to check, when the entry names it.
    pub caller: Option<String>,
}

/// Everything the audit files say.
#[derive(Debug, Clone, Default)]
pub struct AuditConfig {
    /// The trusted accounts, in file order.
    pub trusted: Vec<TrustedEntry>,
    /// The listed registrations, in file order.
    pub registrations: Vec<ListedRegistration>,
    /// The listed scenario pairs, in file order.
    pub pairs: Vec<ScenarioPair>,
}

struct Reader<'t> {
    file: String,
    text: &'t str,
    errors: Vec<ConfigError>,
}

impl Reader<'_> {
    fn error(&mut self, pointer: &Pointer, message: impl Into<String>) {
        self.errors.push(ConfigError {
            file: self.file.clone(),
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn place(&self, pointer: &Pointer) -> Location {
        let lc = crate::source::locate(self.text, pointer);
        Location {
            line: lc.map(|l| l.line),
            column: lc.map(|l| l.column),
            ..Location::new(std::sync::Arc::from(self.file.as_str()), pointer.clone())
        }
    }

    /// The members of an object, reporting unknown keys.
    fn object<'j, 'a>(
        &mut self,
        json: &'j Json<'a>,
        at: &Pointer,
        known: &[&str],
    ) -> Option<&'j [(std::borrow::Cow<'a, str>, Json<'a>)]> {
        let Some(members) = json.as_object() else {
            self.error(
                at,
                format!("expected an object, found {}", json.type_name()),
            );
            return None;
        };
        for (k, _) in members {
            if !known.contains(&k.as_ref()) {
                self.error(
                    &at.key(k),
                    format!(
                        "unknown field `{k}` (expected one of: {})",
                        known.join(", ")
                    ),
                );
            }
        }
        Some(members)
    }

    fn string(&mut self, json: &Json<'_>, at: &Pointer) -> Option<String> {
        match json.as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                self.error(at, format!("expected a string, found {}", json.type_name()));
                None
            }
        }
    }

    fn array<'j, 'a>(&mut self, json: &'j Json<'a>, at: &Pointer) -> &'j [Json<'a>] {
        match json {
            Json::Array(items) => items,
            other => {
                self.error(
                    at,
                    format!("expected an array, found {}", other.type_name()),
                );
                &[]
            }
        }
    }
}

impl AuditConfig {
    /// Reads and validates audit files; every error of every file is returned.
    pub fn load(paths: &[String]) -> Result<AuditConfig, Vec<ConfigError>> {
        let mut config = AuditConfig::default();
        let mut errors = Vec::new();
        for path in paths {
            match crate::load::fs::read_text(std::path::Path::new(path)) {
                Ok(text) => {
                    if let Err(e) = config.add(path, &text) {
                        errors.extend(e);
                    }
                }
                Err(e) => errors.push(ConfigError {
                    file: path.clone(),
                    pointer: String::new(),
                    message: format!("cannot read: {e}"),
                }),
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Adds the entries of one audit file named `file` with `text`.
    pub fn add(&mut self, file: &str, text: &str) -> Result<(), Vec<ConfigError>> {
        let mut r = Reader {
            file: file.to_owned(),
            text,
            errors: Vec::new(),
        };
        let root = Pointer::root();
        let json = match Json::parse(text) {
            Ok(j) => j,
            Err(e) => {
                r.error(&root, format!("invalid JSON: {e}"));
                return Err(r.errors);
            }
        };
        let Some(members) = r.object(
            &json,
            &root,
            &[
                "schema_version",
                "trusted_accounts",
                "registrations",
                "scenario_pairs",
                "description",
            ],
        ) else {
            return Err(r.errors);
        };
        match members.iter().find(|(k, _)| k == "schema_version") {
            Some((_, Json::Number(n))) if n.as_u64() == Some(1) => {}
            Some((_, other)) => r.error(
                &root.key("schema_version"),
                format!(
                    "unsupported schema version {} (xacct reads 1)",
                    other.to_value()
                ),
            ),
            None => r.error(&root, "missing `schema_version` (1)"),
        }
        if let Some((_, list)) = members.iter().find(|(k, _)| k == "trusted_accounts") {
            let at = root.key("trusted_accounts");
            for (i, item) in r.array(list, &at).iter().enumerate() {
                if let Some(t) = trusted_entry(&mut r, item, &at.index(i)) {
                    self.trusted.push(t);
                }
            }
        }
        if let Some((_, list)) = members.iter().find(|(k, _)| k == "registrations") {
            let at = root.key("registrations");
            let base = Path::new(file).parent().unwrap_or(Path::new(""));
            for (i, item) in r.array(list, &at).iter().enumerate() {
                if let Some(reg) = registration(&mut r, item, &at.index(i), base) {
                    self.registrations.push(reg);
                }
            }
        }
        if let Some((_, list)) = members.iter().find(|(k, _)| k == "scenario_pairs") {
            let at = root.key("scenario_pairs");
            for (i, item) in r.array(list, &at).iter().enumerate() {
                if let Some(p) = scenario_pair(&mut r, item, &at.index(i)) {
                    self.pairs.push(p);
                }
            }
        }
        if r.errors.is_empty() {
            Ok(())
        } else {
            Err(r.errors)
        }
    }
}

/// One `scenario_pairs` entry: `scenario` (a built-in id whose caller steps need no
/// request), `caller_account`, `registry_account`, optionally `caller` and `reason`.
fn scenario_pair(r: &mut Reader<'_>, item: &Json<'_>, at: &Pointer) -> Option<ScenarioPair> {
    let members = r.object(
        item,
        at,
        &[
            "scenario",
            "caller_account",
            "registry_account",
            "caller",
            "reason",
        ],
    )?;
    let before = r.errors.len();
    let text = |r: &mut Reader<'_>, k: &str, required: bool| -> Option<String> {
        match members.iter().find(|(key, _)| key == k) {
            Some((_, v)) => r.string(v, &at.key(k)),
            None => {
                if required {
                    r.error(at, format!("missing `{k}`"));
                }
                None
            }
        }
    };
    let scenario = text(r, "scenario", true);
    let caller_account = text(r, "caller_account", true);
    let registry_account = text(r, "registry_account", true);
    let caller = text(r, "caller", false);
    let _ = text(r, "reason", false);
    for (k, v) in [
        ("caller_account", &caller_account),
        ("registry_account", &registry_account),
    ] {
        if let Some(a) = v.as_deref().filter(|a| !is_account_id(a)) {
            r.error(&at.key(k), format!("`{a}` is not a 12-digit account id"));
        }
    }
    if let Some(id) = &scenario {
        let builtins = crate::scenario::Scenario::builtins().unwrap_or_default();
        match builtins.iter().find(|s| &s.id == id) {
            None => r.error(
                &at.key("scenario"),
                format!(
                    "no built-in scenario `{id}` (known: {})",
                    builtins.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ),
            Some(s) if !s.between_accounts() => r.error(
                &at.key("scenario"),
                format!("scenario `{id}` cannot be checked between two accounts: its caller's steps need a request's containers"),
            ),
            Some(_) => {}
        }
    }
    if let (Some(c), Some(acct)) = (&caller, &caller_account) {
        match Principal::parse(c) {
            Ok(p) if p.account() == Some(acct.as_str()) => {}
            Ok(_) => r.error(
                &at.key("caller"),
                format!("`{c}` is not a principal of account {acct}"),
            ),
            Err(e) => r.error(&at.key("caller"), e),
        }
    }
    if r.errors.len() != before {
        return None;
    }
    Some(ScenarioPair {
        at: r.place(at),
        scenario: scenario?,
        caller_account: caller_account?,
        registry_account: registry_account?,
        caller,
    })
}

fn trusted_entry(r: &mut Reader<'_>, item: &Json<'_>, at: &Pointer) -> Option<TrustedEntry> {
    let members = r.object(item, at, &["account", "principal", "resources", "reason"])?;
    let mut entry = TrustedEntry {
        at: r.place(at),
        account: None,
        principal: None,
        resources: Vec::new(),
        reason: None,
    };
    let before = r.errors.len();
    for (k, v) in members {
        let p = at.key(k);
        match k.as_ref() {
            "account" => {
                if let Some(a) = r.string(v, &p) {
                    if is_account_id(&a) {
                        entry.account = Some(a);
                    } else {
                        r.error(&p, format!("`{a}` is not a 12-digit account id (use `\"principal\": \"*\"` for everyone)"));
                    }
                }
            }
            "principal" => {
                if let Some(s) = r.string(v, &p) {
                    let glob = Glob::new(&s, Case::Sensitive);
                    entry.principal = Some((s, glob));
                }
            }
            "resources" => {
                let items = r.array(v, &p);
                for (i, res) in items.iter().enumerate() {
                    if let Some(s) = r.string(res, &p.index(i)) {
                        if s != "*" && Arn::parse(&s).is_none() {
                            r.error(
                                &p.index(i),
                                format!("`{s}` is not an ARN (wildcards allowed)"),
                            );
                        }
                        let glob = Glob::new(&s, Case::Sensitive);
                        entry.resources.push((s, glob));
                    }
                }
            }
            "reason" => entry.reason = r.string(v, &p),
            _ => {}
        }
    }
    if entry.account.is_none() && entry.principal.is_none() && r.errors.len() == before {
        r.error(at, "an entry needs `account` or `principal`");
    }
    (r.errors.len() == before).then_some(entry)
}

fn registration(
    r: &mut Reader<'_>,
    item: &Json<'_>,
    at: &Pointer,
    base: &Path,
) -> Option<ListedRegistration> {
    let members = r.object(
        item,
        at,
        &["request", "caller", "consumer", "artifact_key", "note"],
    )?;
    let before = r.errors.len();
    let get = |k: &str| members.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    let text_of = |r: &mut Reader<'_>, k: &str| -> Option<String> {
        let v = get(k)?;
        r.string(v, &at.key(k))
    };
    let request_path = text_of(r, "request");
    let caller = text_of(r, "caller");
    let consumer = text_of(r, "consumer");
    let artifact_key = text_of(r, "artifact_key");
    let Some(request_path) = request_path else {
        if r.errors.len() == before {
            r.error(at, "missing `request` (a create-model-package input file)");
        }
        return None;
    };
    let Some(caller) = caller else {
        if r.errors.len() == before {
            r.error(at, "missing `caller` (the role ARN that registers)");
        }
        return None;
    };
    let caller_account = match Principal::parse(&caller) {
        Ok(p) => match p.account() {
            Some(a) => a.to_owned(),
            None => {
                r.error(
                    &at.key("caller"),
                    format!("`{caller}` is not a principal of an account"),
                );
                return None;
            }
        },
        Err(e) => {
            r.error(&at.key("caller"), e);
            return None;
        }
    };
    if let Some(c) = &consumer {
        if let Err(e) = Principal::parse(c) {
            r.error(&at.key("consumer"), e);
        }
    }
    let resolved = if Path::new(&request_path).is_absolute() {
        request_path.clone()
    } else {
        base.join(&request_path).to_string_lossy().into_owned()
    };
    let request = match crate::load::fs::read_text(std::path::Path::new(&resolved)) {
        Ok(text) => match RegistrationRequest::parse(&text, Arc::from(resolved.as_str())) {
            Ok(req) => Some(req),
            Err(p) => {
                r.error(&at.key("request"), format!("`{resolved}`: {p}"));
                None
            }
        },
        Err(e) => {
            r.error(&at.key("request"), format!("cannot read `{resolved}`: {e}"));
            None
        }
    };
    let request = request?;
    (r.errors.len() == before).then(|| ListedRegistration {
        at: r.place(at),
        request_file: resolved,
        request,
        caller,
        caller_account,
        consumer,
        artifact_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_error_with_its_pointer() {
        let mut c = AuditConfig::default();
        let errors = c
            .add(
                "a.json",
                r#"{"schema_version": 2, "trusted_accounts": [{"account": "12"}, {"reason": "x"}, {"acount": "111111111111"}],
                    "registrations": [{"caller": "arn:aws:iam::111111111111:role/R"}], "extra": 1}"#,
            )
            .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|e| e.contains("/schema_version")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.contains("/trusted_accounts/0/account")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.contains("/trusted_accounts/1: an entry needs")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.contains("/trusted_accounts/2/acount: unknown field")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.contains("/registrations/0: missing `request`")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|e| e.contains("/extra: unknown field")),
            "{text:?}"
        );
    }

    #[test]
    fn trusted_entries_match_account_principal_and_resources() {
        let mut c = AuditConfig::default();
        c.add(
            "a.json",
            r#"{"schema_version": 1, "trusted_accounts": [
                {"account": "444444444444", "resources": ["arn:aws:s3:::vendor-*"]},
                {"principal": "*", "resources": ["arn:aws:s3:::site"]}]}"#,
        )
        .unwrap();
        let (vendor, public) = (&c.trusted[0], &c.trusted[1]);
        assert!(vendor.matches(
            "arn:aws:s3:::vendor-drop",
            "arn:aws:iam::444444444444:root",
            Some("444444444444")
        ));
        assert!(!vendor.matches(
            "arn:aws:s3:::other",
            "arn:aws:iam::444444444444:root",
            Some("444444444444")
        ));
        assert!(!vendor.matches("arn:aws:s3:::vendor-drop", "*", None));
        assert!(public.matches("arn:aws:s3:::site", "*", None));
        assert!(!public.matches("arn:aws:s3:::site2", "*", None));
        assert_eq!(vendor.at.line, Some(2));
    }
}
