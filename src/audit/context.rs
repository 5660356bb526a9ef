//! What an account's audit depends on besides the files it reads, as the digests its
//! `audit --cache` entry is kept under ([`super::cache`]): the accounts, files and
//! organization chains it reads ([`Ctx::context`]), and the membership of the accounts its
//! findings name ([`Ctx::membership`]).

use std::collections::BTreeSet;

use super::cache::{digest_parts, Parts};
use super::Ctx;
use crate::inventory::org::OrgPolicy;
use crate::inventory::Known;
use crate::load::fs;

impl Ctx<'_> {
    /// What an account's audit depends on besides the files it reads (see [`super::cache`]).
    pub(super) fn context(&self, account: &str) -> String {
        let hashes = self.hashes.as_ref();
        let hash_of = |p: &str| hashes.and_then(|h| h.get(p)).map_or("", String::as_str);
        let mut parts = Parts::default();
        parts.bytes(account.as_bytes());
        let grants = self.index.by_caller.get(account);
        let listed: Vec<_> = self
            .opts
            .config
            .registrations
            .iter()
            .filter(|e| e.caller_account == account)
            .collect();
        let pairs: Vec<_> = self
            .opts
            .config
            .pairs
            .iter()
            .filter(|p| p.caller_account == account)
            .collect();
        // The accounts whose files the audit loads (listed registrations and scenario
        // pairs load every account they involve), and those whose chains it reads.
        let mut loaded: BTreeSet<String> = BTreeSet::new();
        loaded.insert(account.to_owned());
        for e in &listed {
            parts.fmt(format_args!("listed {e:?}"));
            loaded.extend(self.listed_accounts(e));
        }
        for p in &pairs {
            parts.fmt(format_args!("pair {p:?}"));
            loaded.insert(p.registry_account.clone());
        }
        let mut chains = loaded.clone();
        for g in grants.into_iter().flatten() {
            chains.insert(g.registry.clone());
            parts.fmt(format_args!("grant {g:?} {}", hash_of(&g.file)));
        }
        for a in &loaded {
            for (path, _) in self.layout.accounts.get(a).into_iter().flatten() {
                parts.fmt(format_args!("file {a} {}", fs::display(path)));
            }
            for g in self.shared.globals_for(a) {
                parts.fmt(format_args!("global {a} {} {}", g.path, hash_of(&g.path)));
            }
        }
        if grants.is_some() || !listed.is_empty() || !pairs.is_empty() {
            let list: Vec<&str> = chains.iter().map(String::as_str).collect();
            for mut o in self.shared.trimmed_orgs(&list) {
                // A policy's compiled document is a function of the bytes it was read from
                // (hashed here) and of the binary (in the run's key): it is named by where
                // it was read rather than written out whole, unless those bytes were not
                // hashed.
                let policies = std::mem::take(&mut o.policies);
                parts.fmt(format_args!("org {o:?}"));
                for p in policies.values() {
                    let OrgPolicy {
                        id,
                        name,
                        kind,
                        aws_managed,
                        document,
                        at,
                    } = p;
                    let (state, from) = match document {
                        Known::NotExported => ("not exported", None),
                        Known::Absent(from) => ("absent", Some(from)),
                        Known::Present(_, from) => ("present", Some(from)),
                        Known::Unknown(from, why) => (why.as_str(), Some(from)),
                    };
                    parts.fmt(format_args!(
                        "org policy {id:?} {name:?} {kind:?} {aws_managed} {at:?} {}",
                        hash_of(&at.file)
                    ));
                    match from.map(|f| (f, hash_of(&f.file))) {
                        Some((from, hash)) if !hash.is_empty() => {
                            parts.fmt(format_args!("org document {state:?} {from:?} {hash}"))
                        }
                        // Read from no file the run hashed: the document itself, written out.
                        _ => parts.fmt(format_args!("org document {document:?}")),
                    }
                }
                for a in o.accounts.values() {
                    parts.fmt(format_args!(
                        "org file {} {}",
                        a.at.file,
                        hash_of(&a.at.file)
                    ));
                }
            }
        }
        parts.finish()
    }

    /// What the external-access findings of `account` read of the organizations: its
    /// organization, and whether each account they name is a member.
    pub(super) fn membership(&self, account: &str, named: &[String]) -> String {
        let org = self.shared.orgs.iter().find(|o| o.contains(account));
        let mut parts = vec![org.map(|o| o.label()).unwrap_or_default()];
        if let Some(o) = org {
            parts.extend(named.iter().map(|a| format!("{a} {}", o.contains(a))));
        }
        digest_parts(parts.iter().map(String::as_bytes))
    }
}
