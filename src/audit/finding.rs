//! One audit finding as data: what the JSON, JSON Lines and SARIF outputs hold, and what
//! `audit merge` and `--baseline` read back. Owned strings throughout (the type is both
//! serialized and deserialized), a stable id (a fingerprint that does not depend on where
//! the exports sit on disk), and the one sort order every output uses.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location, Related, Severity};
use crate::lint::RuleMeta;
use crate::load::classify::decode_text;
use crate::source::many::Anchors;

/// Severity as the JSON writes it (`error`, `warning`, `info`).
pub(crate) mod severity_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::diagnostic::Severity;

    pub fn serialize<S: Serializer>(s: &Severity, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(s.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<Severity, D::Error> {
        let text = String::deserialize(de)?;
        Severity::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown severity `{text}`")))
    }
}

/// Which part of the audit found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A lint rule (`XA`).
    Lint,
    /// The external-access report (`XE0001`–`XE0003`).
    ExternalAccess,
    /// A registration path (`XR`).
    Registration,
    /// The audit file itself (`XE0900`).
    AuditFile,
    /// A problem with the inputs (`XL`, `XA0901`): kept apart from the findings.
    Input,
}

/// What an external-access finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// The resource's ARN (a role's ARN for trust).
    pub resource: String,
    /// `bucket`, `repository`, `key`, `model-package-group`, `role`.
    pub resource_type: String,
    /// Who reaches it: a principal ARN, `arn:aws:iam::ACCOUNT:root` for an account, `*` for
    /// everyone, `federated:PROVIDER` for a federated identity provider.
    pub principal: String,
    /// The principal's account, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_account: Option<String>,
    /// `resource-policy`, `kms-grant` or `trust-policy`.
    pub via: String,
    /// The actions the statement or grant allows (as written).
    pub actions: Vec<String>,
    /// The statement's `Sid` or the grant's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The statement has conditions (or the grant constraints).
    pub conditional: bool,
    /// The statement cannot be decided (its policy is defective, AWS would reject it): the
    /// opening is possible, not verified.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub undecided: bool,
    /// `public`, `outside-organization`, `organization-unknown` or `other-account`.
    pub scope: String,
    /// The resource's organization, when a loaded one lists its account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
}

/// One step outcome of a registration check that did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResult {
    /// The scenario step.
    pub step: String,
    /// The acting principal.
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// `denied`, `denied-explicitly` or `not-verified`.
    pub status: String,
    /// Why.
    pub reasons: Vec<String>,
}

/// What a registration finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// `group-policy` (opened by a group's policy) or `audit-file` (listed there).
    pub source: String,
    /// The model package group's ARN.
    pub group: String,
    /// The group's account.
    pub registry_account: String,
    /// The caller's account.
    pub caller_account: String,
    /// The caller that was checked (the one that got furthest), when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// `possible`, `not-possible` or `not-verified`.
    pub verdict: String,
    /// How many principals of the caller account were candidates (group-policy paths).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub candidates: usize,
    /// The required steps that did not pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepResult>,
    /// The scenario checked, when it is not the registration (a scenario pair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: the code and a fingerprint of what the finding is about (never of where
    /// the exports sit on disk), so that a later run recognizes it.
    pub id: String,
    /// Rule code.
    pub code: String,
    /// Rule name.
    pub name: String,
    /// Severity.
    #[serde(with = "severity_serde")]
    pub severity: Severity,
    /// Which part of the audit found it.
    pub kind: Kind,
    /// The account the finding belongs to (the resource's owner, the registering caller's
    /// account, the linted file's account); none for the organization and the audit file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What was found: lowercase, user input in backticks, no final period.
    pub message: String,
    /// Where.
    pub location: Location,
    /// Other places that explain it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// External-access details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// Registration details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
}

impl Finding {
    /// A finding of `rule`, its id computed from `identity` (the parts that say what it is
    /// about).
    pub fn new(
        rule: &'static RuleMeta,
        kind: Kind,
        account: Option<String>,
        message: String,
        location: Location,
        identity: &[&str],
    ) -> Finding {
        Finding {
            id: fingerprint(rule.code, identity),
            code: rule.code.to_owned(),
            name: rule.name.to_owned(),
            severity: rule.severity,
            kind,
            account,
            message,
            location,
            related: Vec::new(),
            help: None,
            access: None,
            registration: None,
        }
    }

    /// A diagnostic (a lint finding, a problem with an input) of a file of `account`.
    pub fn from_diagnostic(d: &Diagnostic, kind: Kind, account: Option<&str>) -> Finding {
        let pointer = d.primary.pointer_text();
        let path = stable_path(&d.primary.file);
        Finding {
            id: fingerprint(d.code, &[&path, &pointer, &d.message]),
            code: d.code.to_owned(),
            name: d.name.to_owned(),
            severity: d.severity,
            kind,
            account: account.map(str::to_owned),
            message: d.message.clone(),
            location: d.primary.clone(),
            related: d.related.to_vec(),
            help: d.help.clone(),
            access: None,
            registration: None,
        }
    }

    /// As a diagnostic, for the SARIF renderer; `None` for a code this build does not know.
    pub fn to_diagnostic(&self) -> Option<Diagnostic> {
        let rule = crate::diagnostic::find(&self.code)?;
        Some(Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: self.severity,
            message: self.message.clone(),
            primary: self.location.clone(),
            related: self.related.clone(),
            help: self.help.clone(),
            replacement: None,
        })
    }

    /// Which part of the report it sorts into: the organization's and other shared files
    /// first, then the accounts, then the audit file's own findings.
    fn section(&self) -> u8 {
        match (self.kind, &self.account) {
            (Kind::AuditFile | Kind::Input, _) => 2,
            (_, None) => 0,
            (_, Some(_)) => 1,
        }
    }

    /// The order of every output: section, account, file, line, column, pointer, code,
    /// message, id. Accounts are contiguous, so shards concatenate and runs stream.
    pub fn cmp_order(&self, other: &Finding) -> Ordering {
        let (a, b) = (&self.location, &other.location);
        self.section()
            .cmp(&other.section())
            .then_with(|| self.account.cmp(&other.account))
            .then_with(|| a.file.cmp(&b.file))
            .then_with(|| a.line.cmp(&b.line))
            .then_with(|| a.column.cmp(&b.column))
            .then_with(|| a.pointer.cmp(&b.pointer))
            .then_with(|| a.embedded.cmp(&b.embedded))
            .then_with(|| self.code.cmp(&other.code))
            .then_with(|| self.message.cmp(&other.message))
            .then_with(|| self.id.cmp(&other.id))
    }
}

/// Sorts in the order every output uses, and drops exact repeats (the same id at the same
/// place with the same message).
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(Finding::cmp_order);
    findings.dedup_by(|a, b| a.cmp_order(b) == Ordering::Equal);
}

/// 64-bit FNV-1a: small, and the same on every platform and Rust version (the standard
/// library's hashers promise neither).
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            // A separator no part contains, so ("ab", "c") and ("a", "bc") differ.
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Fills in the line and column of every place (primary and related) of `findings` that has
/// none ([`crate::source::fill`]). Each file named is decoded once, by the one decoder
/// ([`decode_text`]), from the bytes `bytes_of` gives; only those files are decoded. Places
/// in a file `anchors_of` knows are found from its elements' starts, which must have been
/// read from the same text.
pub fn fill_lines<'b, 'a>(
    findings: &mut [Finding],
    bytes_of: &dyn Fn(&str) -> Option<&'b [u8]>,
    anchors_of: &dyn Fn(&str) -> Option<&'a Anchors>,
) {
    let locations: Vec<&mut Location> = findings
        .iter_mut()
        .flat_map(|f| {
            std::iter::once(&mut f.location).chain(f.related.iter_mut().map(|r| &mut r.location))
        })
        .collect();
    let mut texts: HashMap<Arc<str>, Option<Cow<'b, str>>> = HashMap::new();
    for l in locations.iter().filter(|l| l.line.is_none()) {
        if !texts.contains_key(&*l.file) {
            let text = bytes_of(&l.file).and_then(|b| decode_text(b).ok());
            texts.insert(l.file.clone(), text);
        }
    }
    crate::source::fill(
        locations,
        &|f| texts.get(f).and_then(|t| t.as_deref()),
        anchors_of,
    );
}

/// `CODE-` and 16 hex digits.
pub fn fingerprint(code: &str, parts: &[&str]) -> String {
    format!("{code}-{:016x}", fnv1a(parts))
}

/// A path without the part that depends on where the exports sit: from the account folder
/// (`111111111111/s3/b.policy.json`) or the `org` folder on; otherwise the file name.
pub fn stable_path(path: &str) -> String {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let last = parts.len().saturating_sub(1);
    for i in (0..last).rev() {
        let dir = parts.get(i).copied().unwrap_or_default();
        if dir == "org" || crate::arn::is_account_id(dir) {
            return parts.get(i..).map(|p| p.join("/")).unwrap_or_default();
        }
    }
    parts.last().map(|s| (*s).to_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_paths_drop_the_export_root() {
        assert_eq!(
            stable_path("/tmp/a/exports/111111111111/s3/b.policy.json"),
            "111111111111/s3/b.policy.json"
        );
        assert_eq!(
            stable_path("x/org/policies/p-1.json"),
            "org/policies/p-1.json"
        );
        assert_eq!(
            stable_path("plans/registry.tfplan.json"),
            "registry.tfplan.json"
        );
    }

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_eq!(fingerprint("XE0001", &["x"]).len(), "XE0001-".len() + 16);
        // Pinned: a change here changes every id users keep in baselines.
        assert_eq!(
            fingerprint("XE0001", &["a", "b"]),
            "XE0001-e5eaa319043b0991"
        );
    }

    #[test]
    fn round_trips_through_json() {
        let mut f = Finding::new(
            &crate::diagnostic::codes::RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION,
            Kind::ExternalAccess,
            Some("111111111111".into()),
            "m".into(),
            Location {
                file: "f.json".into(),
                pointer: crate::json::Pointer::root().key("Policy"),
                embedded: Some(crate::json::Pointer::root().key("Statement").index(0)),
                line: Some(2),
                column: Some(3),
            },
            &["r", "p"],
        );
        f.help = Some("h".into());
        let text = serde_json::to_string(&f).unwrap();
        let back: Finding = serde_json::from_str(&text).unwrap();
        assert_eq!(back, f);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
        let d = back.to_diagnostic().unwrap();
        assert_eq!(d.primary.pointer_text(), "/Policy#/Statement/0");
    }
}
