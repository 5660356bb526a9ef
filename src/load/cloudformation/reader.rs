//! What every reader of a template's resources shares: the [`Reader`] over one stack (the
//! file, the account and region, what it has read so far), one resource being read
//! ([`Res`]), the handle `<LogicalId>` of a resource whose name is set at deploy, and how
//! a property, a name, an IAM ARN or a policy of a resource is resolved.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::intrinsic::Stack;
use super::names;
use super::value::V;
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, Item};
use crate::inventory::resources::MadePolicies;
use crate::inventory::{Group, Known, Provenance, User};
use crate::json::{Json, Pointer};
use crate::load::aws_cli::policy_at;
use crate::policy::{DocKind, Policy};

/// The name under which a resource without a known name is entered.
pub fn handle(logical: &str) -> String {
    format!("<{logical}>")
}

pub(super) struct Reader<'s, 't, 'a> {
    pub stack: &'s Stack<'t, 'a>,
    pub file: Arc<str>,
    pub account: String,
    pub region: String,
    pub out: &'s mut FileOutput,
    /// Roles, managed policies, users and groups: merged before what refers to them.
    pub first: Vec<Item>,
    pub later: Vec<Item>,
    pub users: BTreeMap<String, (User, Option<String>)>,
    pub groups: BTreeMap<String, (Group, Option<String>)>,
    /// Why the resource being read may not exist (its condition is unknown).
    pub uncertain: Option<String>,
    /// The policies being made of permissions ([`super::shared`]).
    pub permissions: MadePolicies,
}

/// One resource being read.
pub(super) struct Res<'j, 'a> {
    pub logical: &'j str,
    pub ty: &'j str,
    pub json: &'j Json<'a>,
    pub at: Pointer,
}

impl Res<'_, '_> {
    pub fn ptr(&self, key: &str) -> Pointer {
        self.at.key("Properties").key(key)
    }
}

impl<'s, 't, 'a> Reader<'s, 't, 'a> {
    pub fn warn(&mut self, at: Pointer, message: String) {
        self.out.problems.push(Diagnostic::in_file(
            &codes::EXPORT_NOT_USED,
            &self.file,
            Some(at),
            message,
        ));
    }

    pub fn prov(&self, at: Pointer) -> Provenance {
        Provenance::at(&self.file, at)
    }

    /// A property, resolved; `None` when the template does not set it.
    pub fn prop(&self, res: &Res<'_, '_>, key: &str) -> Option<V> {
        let j = res.json.get("Properties")?.get(key)?;
        match self.stack.eval(j, &res.ptr(key)) {
            V::NoValue => None,
            v => Some(v),
        }
    }

    /// A string property: `Ok(None)` when absent, `Err` with why when unknown.
    pub fn text(&self, res: &Res<'_, '_>, key: &str) -> Result<Option<String>, String> {
        match self.prop(res, key) {
            None | Some(V::Null) => Ok(None),
            Some(V::Unknown(u)) => Err(u.why),
            Some(v) => v
                .scalar_text()
                .map(Some)
                .ok_or_else(|| format!("`{key}` is not a string")),
        }
    }

    /// The name a resource of the template is entered under.
    pub fn name_or_handle(&mut self, res: &Res<'_, '_>) -> String {
        match names::name_of(self.stack, res.logical, &res.at) {
            Ok(n) => n,
            Err(V::Unknown(u)) if u.target.as_deref() == Some(res.logical) => handle(res.logical),
            Err(v) => {
                let why = v.first_unknown().map(|u| u.why.clone()).unwrap_or_default();
                self.warn(
                    res.at.clone(),
                    format!(
                        "the name of `{}` is unknown ({why}): it is read as `{}`",
                        res.logical,
                        handle(res.logical)
                    ),
                );
                handle(res.logical)
            }
        }
    }

    /// What a reference names (a name, an ARN): the value, or the handle of the resource
    /// of type `ty` of the template it refers to; `Err` with why otherwise.
    pub fn named(&self, v: &V, ty: &str) -> Result<String, String> {
        match v {
            V::Unknown(u) => match &u.target {
                Some(t) if names::type_of(self.stack, t) == Some(ty) => Ok(self.target_name(t, ty)),
                _ => Err(u.why.clone()),
            },
            v => v.scalar_text().ok_or_else(|| "not a string".to_owned()),
        }
    }

    /// How the rest of the inventory names resource `t` of type `ty` of this template.
    pub fn target_name(&self, t: &str, ty: &str) -> String {
        let name = names::name_of(self.stack, t, &Pointer::root()).unwrap_or_else(|_| handle(t));
        match ty {
            "AWS::IAM::ManagedPolicy" => self.iam_arn(t, "policy", &name),
            _ => name,
        }
    }

    pub fn iam_path(&self, logical: &str) -> String {
        self.stack
            .resources
            .get(logical)
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("Path"))
            .map(|p| self.stack.eval(p, &Pointer::root()))
            .and_then(|v| v.scalar_text())
            .unwrap_or_else(|| "/".to_owned())
    }

    /// The ARN of an IAM resource of the template, its handle standing for a name not known.
    pub fn iam_arn(&self, logical: &str, kind: &str, name: &str) -> String {
        format!(
            "arn:{}:iam::{}:{kind}{}{name}",
            self.stack.partition(),
            self.account,
            self.iam_path(logical)
        )
    }

    /// A policy-valued property.
    pub fn policy(
        &mut self,
        res: &Res<'_, '_>,
        key: &str,
        kind: DocKind,
        name: &str,
    ) -> Known<Policy> {
        let at = res.ptr(key);
        let v = self.prop(res, key);
        self.policy_value(v, at, kind, name)
    }

    pub fn policy_value(
        &mut self,
        v: Option<V>,
        at: Pointer,
        kind: DocKind,
        name: &str,
    ) -> Known<Policy> {
        if let Some(why) = &self.uncertain {
            if v.is_some() {
                return Known::Unknown(self.prov(at), why.clone());
            }
        }
        match v {
            None | Some(V::Null) => Known::Absent(self.prov(at)),
            Some(v) => match v.to_json() {
                Err(u) => super::unknown(&self.file, u),
                Ok(json) => policy_at(
                    &json,
                    &at,
                    &self.file,
                    kind,
                    Some(Arc::from(name)),
                    None,
                    &mut self.out.problems,
                ),
            },
        }
    }

    pub fn list(&self, res: &Res<'_, '_>, key: &str) -> Vec<(Pointer, V)> {
        match self.prop(res, key) {
            Some(V::List(l)) => l
                .into_iter()
                .enumerate()
                .map(|(i, v)| (res.ptr(key).index(i), v))
                .collect(),
            Some(V::Null) | None => Vec::new(),
            Some(other) => vec![(res.ptr(key), other)],
        }
    }

    pub fn tags(&self, res: &Res<'_, '_>) -> Vec<(String, String)> {
        self.list(res, "Tags")
            .into_iter()
            .filter_map(|(_, t)| {
                Some((t.get("Key")?.scalar_text()?, t.get("Value")?.scalar_text()?))
            })
            .collect()
    }
}
