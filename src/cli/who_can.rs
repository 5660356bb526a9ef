//! `xacct who-can`: every principal the inventory knows (or the resource's policy and
//! grants name) that may call an action on a resource, marked when it is outside the
//! resource's account or outside its organization.
//!
//! Each candidate is decided by the engine with what the inventory assembles for it. A
//! principal whose own account's IAM is not loaded is listed when the resource side allows
//! it, as "allowed if its own policies allow": the inventory cannot see them.

use std::collections::BTreeSet;
use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::inventory::{unknown_json, with_load_errors, InventoryArgs};
use super::simulate::parse_context;
use super::ExitStatus;
use crate::error::Error;
use crate::eval::{authorize, Decision, Principal};
use crate::inventory::{Assembled, Inventory, Side, UnknownKind};
use crate::policy::{AwsPrincipal, Grantee, Policy, PrincipalSet};
use crate::report::Format;

/// Arguments of `xacct who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    #[command(flatten)]
    /// The exports.
    pub inventory: InventoryArgs,
    /// The action, `service:Name`.
    #[arg(long)]
    pub action: String,
    /// The resource ARN.
    #[arg(long)]
    pub resource: String,
    /// A context key, `KEY=VALUE`, set for every candidate (repeat a key for a
    /// multi-valued key).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Also list the principals that are denied, with the reason.
    #[arg(long)]
    pub all: bool,
    /// Output format (`table` or `json`).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The answer for one principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Allowed, and nothing unknown could change it.
    Allowed,
    /// Allowed by what is loaded; something unknown could still deny it.
    AllowedNotVerified,
    /// The resource side allows it; its own policies are not (all) loaded, so it is
    /// allowed if they allow it.
    AllowedIfItsPoliciesAllow,
    /// Statements that cannot be decided (a policy AWS rejects, an element that cannot be
    /// read) could allow it: neither allowed nor denied.
    NotVerified,
    /// Denied.
    Denied,
}

impl Verdict {
    fn text(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::AllowedNotVerified => "allowed (not verified)",
            Verdict::AllowedIfItsPoliciesAllow => "allowed if its own policies allow",
            Verdict::NotVerified => "not verified",
            Verdict::Denied => "denied",
        }
    }
}

/// One row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The principal.
    pub principal: String,
    /// Its account.
    pub account: Option<String>,
    /// The answer.
    pub verdict: Verdict,
    /// The engine's decision with what is loaded.
    pub decision: Decision,
    /// `cross-account`, `outside-organization`, `not-loaded`, `anyone`, `aws-service`.
    pub marks: Vec<&'static str>,
    /// Why it is denied, or what is not verified.
    pub why: Vec<String>,
    #[serde(skip)]
    unknowns: Vec<serde_json::Value>,
}

fn candidates(inv: &Inventory, a: &Assembled<'_>) -> Vec<Principal> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    let mut push = |text: String, out: &mut Vec<Principal>| {
        if seen.insert(text.clone()) {
            if let Ok(p) = Principal::parse(&text) {
                out.push(p);
            }
        }
    };
    for (id, acct) in &inv.accounts {
        push(format!("arn:aws:iam::{id}:root"), &mut out);
        if let Some(iam) = &acct.iam {
            for u in iam.users.values() {
                push(u.arn.clone(), &mut out);
            }
            for r in iam.roles.values() {
                push(r.arn.clone(), &mut out);
            }
        }
    }
    for org in &inv.orgs {
        for id in org.accounts.keys() {
            push(format!("arn:aws:iam::{id}:root"), &mut out);
        }
    }
    let mut named = |set: &PrincipalSet, out: &mut Vec<Principal>| {
        if set.everyone || set.negated {
            push("anonymous".to_owned(), out);
        }
        for p in &set.aws {
            match p {
                AwsPrincipal::Account(acct) => push(format!("arn:aws:iam::{acct}:root"), out),
                AwsPrincipal::User { arn }
                | AwsPrincipal::Role { arn, .. }
                | AwsPrincipal::AssumedRole { arn }
                | AwsPrincipal::FederatedUser { arn } => push(arn.clone(), out),
                AwsPrincipal::UniqueId(_) | AwsPrincipal::Other(_) => {}
            }
        }
        for s in &set.service {
            push(s.clone(), out);
        }
    };
    if let Some(p) = a.resource_policy {
        for s in &p.statements {
            if let Some(set) = &s.principal {
                named(set, &mut out);
            }
        }
    }
    for g in &a.grants {
        match &g.grantee {
            Grantee::Principal(set) => named(set, &mut out),
            Grantee::Service(s) => named(
                &PrincipalSet {
                    service: vec![s.clone()],
                    ..PrincipalSet::default()
                },
                &mut out,
            ),
            Grantee::Invalid(_) => {}
        }
    }
    out
}

/// Identity-side unknowns: the principal's own account cannot be seen.
fn identity_unknown(a: &Assembled<'_>) -> bool {
    a.unknowns.iter().any(|u| {
        u.side == Side::Principal
            && matches!(
                u.kind,
                UnknownKind::AccountNotExported
                    | UnknownKind::IamNotExported
                    | UnknownKind::PrincipalNotExported
                    | UnknownKind::ManagedPolicyNotExported
                    | UnknownKind::AfterApply
            )
    })
}

/// Runs `who-can`.
pub fn run(
    args: &WhoCanArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    if args.format == Format::Sarif {
        return Err(Error::Usage("`who-can` writes `table` or `json`".into()));
    }
    if args
        .action
        .split_once(':')
        .is_none_or(|(s, n)| s.is_empty() || n.is_empty())
    {
        return Err(Error::Usage(format!(
            "--action: `{}` is not `service:Name`",
            args.action
        )));
    }
    crate::eval::Request::check_resource(&args.resource)
        .map_err(|e| Error::Usage(format!("--resource: {e}")))?;
    let context = parse_context(&args.context)?;
    let inv = args.inventory.load(err)?;
    // What the resource side is, once (its owner, organization, policy and grants).
    let probe = inv.request_context(&Principal::Anonymous, &args.action, &args.resource);
    let owner = probe.resource_account.clone();
    let owner_org = owner.as_deref().and_then(|o| inv.org_of(o));
    let assume = Policy::parse_text(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        crate::policy::DocKind::Identity,
        crate::policy::Origin {
            name: Some("assumed: the principal's own account allows it".into()),
            ..crate::policy::Origin::default()
        },
    )
    .map_err(Error::Policy)?;
    let mut rows = Vec::new();
    for p in candidates(&inv, &probe) {
        let a = inv.request_context(&p, &args.action, &args.resource);
        let req = a.request(&args.action, context.clone());
        let resp = authorize(&req, &a.policy_set());
        let relevant = a.relevant_unknowns(resp.decision);
        let mut why: Vec<String> = relevant.iter().map(|u| u.message.clone()).collect();
        let undecided = |resp: &crate::eval::Response<'_>| -> Vec<String> {
            resp.undecided()
                .map(|(m, e)| format!("undecided: {}: {e}", crate::report::statement_location(m)))
                .collect()
        };
        let verdict = match resp.decision {
            _ if resp.is_indeterminate() => {
                why.splice(0..0, undecided(&resp));
                Verdict::NotVerified
            }
            Decision::Allow if relevant.is_empty() => Verdict::Allowed,
            Decision::Allow => Verdict::AllowedNotVerified,
            Decision::ImplicitDeny if identity_unknown(&a) => {
                // The resource side alone: would it allow, if the principal's account did?
                let mut set = a.policy_set();
                set.identity.push(&assume);
                let alone = authorize(&req, &set);
                if alone.is_indeterminate() {
                    why.splice(0..0, undecided(&alone));
                    Verdict::NotVerified
                } else if alone.decision == Decision::Allow {
                    Verdict::AllowedIfItsPoliciesAllow
                } else {
                    Verdict::Denied
                }
            }
            _ => Verdict::Denied,
        };
        if verdict == Verdict::Denied {
            why = if resp.decision == Decision::ExplicitDeny {
                resp.denied_by()
                    .map(|m| format!("explicit deny: {}", crate::report::statement_location(m)))
                    .collect()
            } else {
                resp.trace.missing.iter().map(|r| r.describe()).collect()
            };
            why.extend(resp.trace.unverified.iter().cloned());
            if !args.all {
                continue;
            }
        }
        let account = p.account().map(str::to_owned);
        let mut marks = Vec::new();
        match &p {
            Principal::Anonymous => marks.push("anyone"),
            Principal::Service(_) => marks.push("aws-service"),
            _ => {}
        }
        if let Some(acct) = &account {
            if owner.as_deref() != Some(acct.as_str()) {
                marks.push("cross-account");
            }
            match owner_org {
                Some(org) if !org.contains(acct) => marks.push("outside-organization"),
                None if owner.as_deref() != Some(acct.as_str()) => {
                    marks.push("organization-unknown")
                }
                _ => {}
            }
            if !inv.accounts.contains_key(acct) {
                marks.push("not-loaded");
            }
        }
        rows.push(Row {
            principal: p.display(),
            account,
            verdict,
            decision: resp.decision,
            marks,
            why,
            unknowns: a
                .unknowns
                .iter()
                .filter(|u| u.could_change(resp.decision))
                .map(unknown_json)
                .collect(),
        });
    }
    rows.sort_by(|a, b| {
        (a.verdict, &a.account, &a.principal).cmp(&(b.verdict, &b.account, &b.principal))
    });
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct RowJson<'a> {
                #[serde(flatten)]
                row: &'a Row,
                unknowns: &'a [serde_json::Value],
            }
            let doc = serde_json::json!({
                "schema_version": crate::report::SCHEMA_VERSION,
                "action": args.action,
                "resource": args.resource,
                "resource_account": owner,
                "resource_organization": owner_org.map(|o| o.label()),
                "principals": rows.iter().map(|r| RowJson { row: r, unknowns: &r.unknowns }).collect::<Vec<_>>(),
                "resource_unknowns": probe.unknowns.iter().filter(|u| u.side != Side::Principal).map(unknown_json).collect::<Vec<_>>(),
                "problems": inv.problems,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(std::io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
                .map_err(Error::Output)?;
        }
        Format::Table | Format::Sarif => {
            let text = table(args, owner.as_deref(), owner_org.map(|o| o.label()), &rows);
            out.write_all(text.as_bytes()).map_err(Error::Output)?;
        }
    }
    Ok(with_load_errors(&inv, ExitStatus::Success))
}

fn table(args: &WhoCanArgs, owner: Option<&str>, org: Option<String>, rows: &[Row]) -> String {
    let mut s = format!(
        "who can {} on {}\nresource account: {}   organization: {}\n\n",
        args.action,
        args.resource,
        owner.unwrap_or("unknown"),
        org.as_deref().unwrap_or("unknown")
    );
    if rows.is_empty() {
        s.push_str("no principal in the inventory is allowed (and none is undecided)\n");
        return s;
    }
    let headers = ["principal", "account", "verdict", "marks"];
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            [
                r.principal.clone(),
                r.account.clone().unwrap_or_else(|| "-".into()),
                r.verdict.text().to_owned(),
                r.marks.join(", "),
            ]
        })
        .collect();
    let mut width = headers.map(str::len);
    for c in &cells {
        for (w, v) in width.iter_mut().zip(c.iter()) {
            *w = (*w).max(v.chars().count());
        }
    }
    let line = |vals: [&str; 4]| {
        let mut l = String::new();
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(v);
            if i + 1 < vals.len() {
                l.push_str(&" ".repeat(width[i].saturating_sub(v.chars().count())));
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    s.push_str(&line(headers));
    s.push_str(&line(
        width.map(|w| "─".repeat(w)).each_ref().map(String::as_str),
    ));
    for (row, c) in rows.iter().zip(&cells) {
        s.push_str(&line(c.each_ref().map(String::as_str)));
        for w in &row.why {
            s.push_str(&format!("    · {w}\n"));
        }
    }
    s
}
