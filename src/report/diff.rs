//! `xacct diff`: access gained and lost, as a table (cross-account first; problems with the
//! inputs go to standard error, not here) or JSON; for CI, the access gained across an
//! account boundary as findings ([`findings`]: the audit's external-access codes, at the
//! statement or grant that opens it) in SARIF, JUnit or GitHub annotations.

use super::Format::{Github, Json, Junit, Sarif, Table};
use std::io::Write;

use serde_json::json;

use super::ci::items;
use super::junit::{Case, Outcome};
use super::{schema, simple_table, Format};
use crate::diagnostic::codes::{self, RuleMeta};
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::diff::{Change, DiffReport, Scope};
use crate::json::Pointer;

/// The formats `xacct diff` writes.
pub const FORMATS: &[Format] = &[Table, Json, Sarif, Junit, Github];

/// The code of access gained at `scope`; `None` within one account.
fn rule(scope: Scope) -> Option<&'static RuleMeta> {
    match scope {
        Scope::Public => Some(&codes::RESOURCE_OPEN_TO_EVERYONE),
        Scope::EveryoneConditionally | Scope::OutsideOrganization | Scope::OrganizationUnknown => {
            Some(&codes::RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION)
        }
        Scope::OtherAccount => Some(&codes::RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT),
        Scope::SameAccount | Scope::Service => None,
    }
}

/// A `via` entry (`file: /pointer#/embedded`, or `file:line:col`) as a location.
fn via_location(via: &str) -> Location {
    let (file, pointer) = match via.find(": /").or_else(|| via.find(": #")) {
        Some(i) => (&via[..i], &via[i + 2..]),
        None => (via, ""),
    };
    let (outer, inner) = match pointer.split_once('#') {
        Some((o, i)) => (o, Some(i)),
        None => (pointer, None),
    };
    let outer = if outer == "/" { "" } else { outer };
    Location {
        embedded: inner.and_then(Pointer::parse),
        ..Location::new(
            file.into(),
            Pointer::parse(outer).unwrap_or_else(Pointer::root),
        )
    }
}

/// The access gained across an account boundary, as findings at the statement or grant
/// that opens it (the other statements in related locations), and what the after side
/// carries that could not be evaluated (`XL0009`, the gate's other reason to fail); lines
/// are not filled in.
pub fn findings(report: &DiffReport) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = report
        .gained
        .iter()
        .filter_map(|c| finding(c, after_input(report)))
        .chain(report.unevaluated.iter().map(|u| Diagnostic {
            help: Some("whatever it opens is not compared: make its value known (apply the plan's dependencies, export it again) and run the diff again".into()),
            ..Diagnostic::new(
                &codes::POLICY_NOT_EVALUATED,
                u.at.clone(),
                format!("not evaluated: {}: {}", u.what, u.why),
            )
        }))
        .collect();
    crate::diagnostic::sort(&mut out);
    out
}

/// Where a change that names no statement is: the after side's first input.
fn after_input(report: &DiffReport) -> &str {
    report.after.inputs.first().map_or("", String::as_str)
}

/// A change gained across an account boundary as a finding (at `fallback`, a file, when it
/// names no statement).
fn finding(c: &Change, fallback: &str) -> Option<Diagnostic> {
    let rule = rule(c.scope)?;
    let mut places = c.via.iter().map(|v| via_location(v));
    let primary = places
        .next()
        .unwrap_or_else(|| Location::new(fallback.into(), Pointer::root()));
    let how = match (c.conditional, c.undecided) {
        (_, true) => " (not verified: its policy is defective)",
        (true, false) => " (under conditions)",
        (false, false) => "",
    };
    Some(Diagnostic {
        related: places
            .map(|location| Related {
                location,
                message: "also through".into(),
            })
            .collect(),
        help: Some(format!(
            "if `{}` should not reach `{}`, remove or narrow this {}",
            c.principal,
            c.resource,
            c.kind.label()
        )),
        ..Diagnostic::new(
            rule,
            primary,
            format!(
                "new access ({}): `{}` gains `{}` on `{}` through its {}{how}",
                c.scope.label(),
                c.principal,
                c.actions.join("`, `"),
                c.resource,
                c.kind.label()
            ),
        )
    })
}

/// One JUnit case a change: access gained across an account boundary fails, the rest
/// passes; one failed case for each thing that could not be evaluated.
fn cases(report: &DiffReport) -> Vec<Case> {
    let mut out = Vec::new();
    for (side, list) in [("gained", &report.gained), ("lost", &report.lost)] {
        for c in list {
            let name = format!("{} {} {}", c.principal, c.actions.join(","), c.resource);
            let text = format!(
                "access {side} ({}, through its {}):\n{}",
                c.scope.label(),
                c.kind.label(),
                c.via.join("\n")
            );
            let outcome = match finding(c, after_input(report)).filter(|_| side == "gained") {
                Some(d) => Outcome::Failed {
                    kind: d.code.into(),
                    message: d.message,
                },
                None => Outcome::Passed,
            };
            out.push(Case {
                classname: format!("access {side}"),
                name,
                outcome,
                text,
            });
        }
    }
    for u in &report.unevaluated {
        out.push(Case {
            classname: "not evaluated".into(),
            name: u.what.clone(),
            outcome: Outcome::Failed {
                kind: codes::POLICY_NOT_EVALUATED.code.into(),
                message: format!("not evaluated: {}: {}", u.what, u.why),
            },
            text: u.at.short(),
        });
    }
    out
}

/// Writes the comparison in `format`; `all` also lists access within one account,
/// `exit_code` is what the summary states, and `found` are the [`findings`] (with their
/// lines filled in) for the formats for CI.
pub fn render(
    report: &DiffReport,
    found: &[Diagnostic],
    all: bool,
    exit_code: u8,
    format: Format,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Sarif => {
            let rules = [
                &codes::RESOURCE_OPEN_TO_EVERYONE,
                &codes::RESOURCE_REACHABLE_FROM_OUTSIDE_ORGANIZATION,
                &codes::RESOURCE_REACHABLE_FROM_OTHER_ACCOUNT,
                &codes::POLICY_NOT_EVALUATED,
            ];
            let failed = report
                .before
                .problems
                .iter()
                .chain(&report.after.problems)
                .any(|p| p.severity == crate::diagnostic::Severity::Error);
            return super::sarif::write_sarif(out, &items(found), &rules, &[], !failed);
        }
        Format::Junit => {
            return super::junit::write_junit(out, "xacct diff", &cases(report));
        }
        Format::Github => {
            let n = report.new_cross_account();
            let summary = format!(
                "access gained: {}, lost: {}; new cross-account or external access: {n}; not evaluated: {}; exit code {exit_code}",
                report.gained.len(),
                report.lost.len(),
                report.unevaluated.len()
            );
            return super::github::write_annotations(out, &items(found), &summary);
        }
        Format::Json => {}
        _ => return out.write_all(table(report, all, exit_code).as_bytes()),
    }
    let doc = json!({
        "schema_version": schema::DIFF,
        "before": report.before,
        "after": report.after,
        "gained": report.gained,
        "lost": report.lost,
        "unevaluated": report.unevaluated,
        "summary": {
            "gained": report.gained.len(),
            "lost": report.lost.len(),
            "new_cross_account": report.new_cross_account(),
            "unevaluated": report.unevaluated.len(),
            "exit_code": exit_code,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// An action as AWS spells it (`s3:PutObject`), when it is one AWS lists; a pattern or an
/// unknown action as the policy has it.
fn spelled(action: &str) -> String {
    crate::catalog::catalog()
        .ok()
        .and_then(|c| c.action(action))
        .map(|(svc, a)| format!("{}:{}", svc.prefix, a.name))
        .unwrap_or_else(|| action.to_owned())
}

fn rows(changes: &[&Change]) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|c| {
            vec![
                c.scope.label().to_owned(),
                c.principal.clone(),
                format!(
                    "{}{}",
                    c.actions
                        .iter()
                        .map(|a| spelled(a))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    match (c.conditional, c.undecided) {
                        (_, true) => "\n(not verified: defective policy)",
                        (true, false) => "\n(conditional)",
                        (false, false) => "",
                    }
                ),
                c.resource.clone(),
                format!("{}\n{}", c.kind.label(), c.via.join("\n")),
            ]
        })
        .collect()
}

fn table(report: &DiffReport, all: bool, exit_code: u8) -> String {
    fn shown(list: &[Change], all: bool) -> Vec<&Change> {
        list.iter()
            .filter(|c| all || c.scope.is_cross_account())
            .collect()
    }
    let header = ["scope", "principal", "actions", "resource", "through"];
    let mut out = String::new();
    for (title, list) in [
        ("access gained", &report.gained),
        ("access lost", &report.lost),
    ] {
        let cross = list.iter().filter(|c| c.scope.is_cross_account()).count();
        let items = shown(list, all);
        out.push_str(&format!(
            "{title}: {} ({cross} cross-account)\n",
            list.len()
        ));
        if !items.is_empty() {
            out.push_str(&simple_table(&header, &rows(&items)));
        }
        let hidden = list.len() - items.len();
        if hidden > 0 {
            out.push_str(&format!(
                "  ({hidden} within one account not shown; --all lists them)\n"
            ));
        }
        out.push('\n');
    }
    let n = report.new_cross_account();
    let u = report.unevaluated.len();
    if u > 0 {
        out.push_str(&format!("could not be evaluated: {u}\n"));
        for e in &report.unevaluated {
            out.push_str(&format!("  {}: {} ({})\n", e.what, e.why, e.at));
        }
        out.push('\n');
    }
    if n > 0 {
        out.push_str(&format!("NEW cross-account or external access: {n}\n"));
    }
    if exit_code == 2 {
        out.push_str("NOT VERIFIED: some inputs could not be read (see the problems above)\n");
    } else if u > 0 {
        out.push_str(&format!(
            "NOT VERIFIED: {u} {} could not be evaluated\n",
            if u == 1 { "policy" } else { "policies" }
        ));
    } else if n == 0 {
        out.push_str("no new cross-account or external access\n");
    }
    out
}
