//! Why an implicit deny: for each required allow that was missing, the `Allow` statements
//! of the policies that could have given it that came nearest, and the elements each
//! missed (statement `AddPerm` names the caller and the resource but not the action). It
//! reads the policies again, element by element, with the evaluator's own matchers; it
//! decides nothing.

use serde::Serialize;

use super::statement::{element, principal_match, resource_applies, Tri};
use super::{condition, PolicySet, Request, Requirement, Response};
use crate::policy::{Policy, Statement};

/// How many statements are named for one missing allow.
const SHOWN: usize = 3;

/// One element of a statement, as it met the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "element", rename_all = "kebab-case")]
pub enum Element {
    /// `Action` / `NotAction`.
    Action,
    /// `Resource` / `NotResource`.
    Resource,
    /// `Principal` / `NotPrincipal`.
    Principal,
    /// One condition (its operator and key).
    Condition {
        /// `StringEquals aws:PrincipalOrgID`.
        test: String,
    },
}

impl Element {
    /// The element in words.
    pub fn text(&self) -> String {
        match self {
            Element::Action => "the action".into(),
            Element::Resource => "the resource".into(),
            Element::Principal => "the caller".into(),
            Element::Condition { test } => format!("the condition `{test}`"),
        }
    }
}

/// An `Allow` statement that did not apply, and how near it came.
#[derive(Debug, Clone, Serialize)]
pub struct NearMiss {
    /// The missing allow it could have given.
    pub requirement: Requirement,
    /// The statement's `Sid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Its index in the policy.
    pub index: usize,
    /// Where it is: `file: /pointer`, or the policy's name and pointer.
    pub at: String,
    /// The elements that met the request.
    pub matched: Vec<Element>,
    /// The elements that did not (at least one).
    pub missed: Vec<Element>,
}

impl NearMiss {
    /// One sentence: `statement #0 AddPerm (file: /Statement/0) names the caller and the
    /// resource but not the action`.
    pub fn sentence(&self) -> String {
        let name = match &self.sid {
            Some(sid) => format!("statement #{} `{sid}`", self.index),
            None => format!("statement #{}", self.index),
        };
        let list = |els: &[Element]| -> String {
            let words: Vec<String> = els.iter().map(Element::text).collect();
            match words.as_slice() {
                [] => String::new(),
                [one] => one.clone(),
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
            }
        };
        let missed = list(&self.missed);
        if self.matched.is_empty() {
            format!("{name} ({}) matches neither {missed}", self.at)
        } else {
            format!(
                "{name} ({}) matches {} but not {missed}",
                self.at,
                list(&self.matched)
            )
        }
    }
}

/// For an implicit deny, the nearest `Allow` statements of the policies each missing allow
/// concerns, nearest first; nothing for another decision.
pub fn near_misses(req: &Request, set: &PolicySet<'_>, resp: &Response<'_>) -> Vec<NearMiss> {
    if resp.decision != super::Decision::ImplicitDeny {
        return Vec::new();
    }
    let has_boundary = !set.boundary.is_empty();
    let mut out = Vec::new();
    for &r in &resp.trace.missing {
        let policies: Vec<&Policy> = match r {
            Requirement::IdentityPolicy => set.identity.clone(),
            Requirement::IdentityOrResourcePolicy => {
                set.identity.iter().copied().chain(set.resource).collect()
            }
            Requirement::ResourcePolicy | Requirement::KeyPolicy | Requirement::TrustPolicy => {
                set.resource.into_iter().collect()
            }
            Requirement::PermissionsBoundary => set.boundary.clone(),
            Requirement::SessionPolicy => set.session.into_iter().collect(),
            Requirement::Scp { level } => set.scps.get(level).cloned().unwrap_or_default(),
            Requirement::VpcEndpointPolicy { index } => {
                set.vpc_endpoint.get(index).copied().into_iter().collect()
            }
        };
        let mut misses: Vec<NearMiss> = policies
            .iter()
            .flat_map(|p| {
                p.statements
                    .iter()
                    .filter(|s| s.is_allow())
                    .filter_map(move |s| miss(r, p, s, req, has_boundary))
            })
            .collect();
        misses.sort_by_key(|m| m.missed.len());
        out.extend(misses.into_iter().take(SHOWN));
    }
    out
}

/// How `stmt` met `req`, element by element; `None` when it missed nothing (it applied, or
/// could not be decided: the trace says so).
fn miss(
    requirement: Requirement,
    policy: &Policy,
    stmt: &Statement,
    req: &Request,
    has_boundary: bool,
) -> Option<NearMiss> {
    let (mut matched, mut missed) = (Vec::new(), Vec::new());
    let mut put = |ok: bool, e: Element| {
        if ok {
            matched.push(e);
        } else {
            missed.push(e);
        }
    };
    if policy.kind.has_principals() {
        if let Some(set) = &stmt.principal {
            // An `Allow` with `NotPrincipal` never grants (AWS does not support it).
            let names = principal_match(set, &req.principal, has_boundary).is_some();
            put(!set.negated && (names || set.partial), Element::Principal);
        }
    }
    let action = stmt.action.as_ref().is_none_or(|set| {
        let any = set
            .patterns
            .iter()
            .any(|p| p.glob.is_match_lowercase(&req.action_lc));
        element(any, set.partial, set.negated) != Tri::No
    });
    put(action, Element::Action);
    put(
        resource_applies(stmt, policy.kind, req) != Tri::No,
        Element::Resource,
    );
    for c in &stmt.conditions {
        let holds = condition::holds(c, &req.context).unwrap_or(true);
        put(
            holds,
            Element::Condition {
                test: format!("{} {}", c.op.text, c.key),
            },
        );
    }
    if missed.is_empty() {
        return None;
    }
    let origin = &policy.origin;
    let at = match &origin.file {
        Some(_) => origin.location(&stmt.pointer()).to_string(),
        None => format!(
            "{}: {}",
            origin.name.as_deref().unwrap_or("-"),
            stmt.pointer()
        ),
    };
    Some(NearMiss {
        requirement,
        sid: stmt.sid.as_deref().map(String::from),
        index: stmt.index,
        at,
        matched,
        missed,
    })
}
