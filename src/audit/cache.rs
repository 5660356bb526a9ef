//! `xacct audit --cache DIR`: what each account's audit concluded and what it depended on,
//! kept between runs, so that a run audits again only the accounts whose inputs changed.
//!
//! An account's entry is used only when all of these are as they were:
//!
//! * the run's key: the xacct binary itself (its version and the stamp of its file, so a
//!   rebuilt or reinstalled binary, with other rules, AWS data or scenarios, reuses nothing)
//!   and the options that change every account's findings (`--ignore`,
//!   `--no-lint`, the load options);
//! * its context ([`super::Ctx::context`]): the list of its files, the shared files that
//!   describe it, the model package groups that name it as a caller (and their files), the
//!   registrations and scenario pairs the audit files list with it as the caller, the
//!   accounts those involve, and the organizations cut down to the chains of those accounts
//!   (with the files their policies come from);
//! * its organization and, for each account its external-access findings name, whether
//!   that account is a member ([`super::Ctx::membership`]);
//! * the content (SHA-256) of every file its audit read. A file whose size, modification
//!   and change times and inode are those recorded is taken as unchanged without reading it
//!   again, as git and make do (a change time cannot be set back).
//!
//! Entries hold the findings before `--ignore`'s counting, the trusted accounts and the
//! Identity Center silencing are applied, so a change to the trusted accounts reuses every
//! entry. Load problems are kept with the findings; an account with a file that could not
//! be read is audited on every run. A cache that cannot be read, is corrupt, or was written by another xacct
//! or with other options is ignored with a warning and written again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::finding::{Finding, Kind};
use super::Shard;
use crate::diagnostic::Diagnostic;
use crate::load::fs::{self, Stamp};

/// What the cache file says it is.
const FORMAT: &str = "xacct-audit-cache";
/// The layout of the cache file; a cache of another layout is ignored.
const FORMAT_VERSION: u32 = 1;

/// The hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The hex SHA-256 of `parts`, each length-prefixed so that no two lists collide.
pub fn digest_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// A file as an account's audit read it.
#[derive(Debug, Clone)]
pub struct Read {
    /// The path as the audit names it.
    pub path: String,
    /// Its stamp before the read; `None` when it could not be read.
    pub stamp: Option<Stamp>,
    /// The hash of its bytes (empty when it could not be read).
    pub hash: String,
}

impl Read {
    /// A file read, from its bytes.
    pub fn of(path: &str, stamp: Stamp, bytes: &[u8]) -> Read {
        Read {
            path: path.to_owned(),
            stamp: Some(stamp),
            hash: digest(bytes),
        }
    }

    /// A file that could not be read: an entry depending on it is never used.
    pub fn failed(path: &str) -> Read {
        Read {
            path: path.to_owned(),
            stamp: None,
            hash: String::new(),
        }
    }
}

/// A file's stamp and hash when last read.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    stamp: Stamp,
    hash: String,
}

/// What one account's audit concluded and what it depended on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// [`super::Ctx::context`] when it ran.
    context: String,
    /// [`super::Ctx::membership`] of `named` when it ran.
    membership: String,
    /// The accounts its external-access findings name.
    named: Vec<String>,
    /// Every file it read, with the hash of its content.
    files: Vec<(String, String)>,
    /// Files and bytes it counted.
    pub read: usize,
    /// Bytes read.
    pub bytes: u64,
    /// The findings, before the trusted accounts and `--ignore` are applied.
    pub findings: Vec<Finding>,
    /// Its load problems (as findings of kind `input`).
    problems: Vec<Finding>,
}

impl Entry {
    /// The load problems, as diagnostics again; `None` when one names a code this build
    /// does not know (never, as the binary is part of the key).
    pub fn problems(&self) -> Option<Vec<Diagnostic>> {
        self.problems.iter().map(Finding::to_diagnostic).collect()
    }

    /// The accounts `findings`' external access names, sorted.
    pub fn named(findings: &[Finding]) -> Vec<String> {
        let mut named: Vec<String> = findings
            .iter()
            .filter_map(|f| f.access.as_ref()?.principal_account.clone())
            .collect();
        named.sort_unstable();
        named.dedup();
        named
    }
}

/// The cache file.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: String,
    format_version: u32,
    xacct: String,
    key: String,
    stamps: BTreeMap<String, Seen>,
    accounts: BTreeMap<String, Entry>,
}

/// The cache of one run: the entries of the last run, and those of this one as they come.
pub struct Cache {
    file: PathBuf,
    key: String,
    old_stamps: HashMap<String, Seen>,
    old: HashMap<String, Entry>,
    stamps: Mutex<BTreeMap<String, Seen>>,
    new: Mutex<BTreeMap<String, Entry>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// Whether anything differs from the file read: else [`Cache::save`] leaves it be.
    dirty: AtomicBool,
    /// Why the last run's cache was not used (one line each), for stderr.
    pub warnings: Vec<String>,
}

/// The key of a run: xacct's version, the binary's stamp (a rebuilt or reinstalled binary
/// is another one, whatever its version says) and `options`.
pub fn run_key(options: &str) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xacct's binary: {e}"))?;
    let stamp =
        Stamp::at(&exe).ok_or_else(|| format!("cannot read xacct's binary `{}`", exe.display()))?;
    let binary = format!("{} {} {stamp:?}", env!("CARGO_PKG_VERSION"), exe.display());
    Ok(digest_parts([
        binary.as_bytes(),
        options.as_bytes(),
        &FORMAT_VERSION.to_le_bytes(),
    ]))
}

impl Cache {
    /// Opens the cache in `dir` for a run of `key` (the file of `shard`, when sharded).
    /// Nothing there is a first run; anything unusable is a warning.
    pub fn open(dir: &Path, key: String, shard: Option<Shard>) -> Cache {
        let name = match shard {
            Some(s) => format!("audit-{}-of-{}.json", s.index, s.count),
            None => "audit.json".to_owned(),
        };
        let file = dir.join(name);
        let mut cache = Cache {
            file,
            key,
            old_stamps: HashMap::new(),
            old: HashMap::new(),
            stamps: Mutex::new(BTreeMap::new()),
            new: Mutex::new(BTreeMap::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            dirty: AtomicBool::new(true),
            warnings: Vec::new(),
        };
        let shown = fs::display(&cache.file);
        let bytes = match std::fs::read(&cache.file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return cache,
            Err(e) => {
                cache
                    .warnings
                    .push(format!("ignoring the cache `{shown}`: {e}"));
                return cache;
            }
        };
        match serde_json::from_slice::<CacheFile>(&bytes) {
            Err(e) => cache.warnings.push(format!(
                "ignoring the cache `{shown}`: not an xacct audit cache ({e})"
            )),
            Ok(f) if f.format != FORMAT || f.format_version != FORMAT_VERSION => {
                cache.warnings.push(format!(
                "ignoring the cache `{shown}`: not an xacct audit cache of format {FORMAT_VERSION}"
            ))
            }
            Ok(f) if f.key != cache.key => cache.warnings.push(format!(
                "ignoring the cache `{shown}`: written by xacct {} or with other options",
                f.xacct
            )),
            Ok(f) => {
                cache.old_stamps = f.stamps.into_iter().collect();
                cache.old = f.accounts.into_iter().collect();
                cache.dirty = AtomicBool::new(false);
            }
        }
        cache
    }

    /// The last run's entry of `account`, when everything it depended on is unchanged:
    /// its `context`, the membership (`membership` of the accounts it names) and the
    /// content of every file it read.
    pub fn lookup(
        &self,
        account: &str,
        context: &str,
        membership: &dyn Fn(&[String]) -> String,
    ) -> Option<Entry> {
        let hit = self.check(account, context, membership);
        let counter = if hit.is_some() {
            &self.hits
        } else {
            self.dirty.store(true, Ordering::Relaxed);
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    fn check(
        &self,
        account: &str,
        context: &str,
        membership: &dyn Fn(&[String]) -> String,
    ) -> Option<Entry> {
        let e = self.old.get(account)?;
        if e.context != context || membership(&e.named) != e.membership {
            return None;
        }
        e.problems()?;
        let mut seen = Vec::with_capacity(e.files.len());
        for (path, hash) in &e.files {
            let now = self.current(path)?;
            if now.hash != *hash {
                return None;
            }
            seen.push((path.clone(), now));
        }
        if let Ok(mut stamps) = self.stamps.lock() {
            stamps.extend(seen);
        }
        let entry = e.clone();
        if let Ok(mut new) = self.new.lock() {
            new.insert(account.to_owned(), entry.clone());
        }
        Some(entry)
    }

    /// The current stamp and hash of `path`: the recorded hash when the stamp is unchanged,
    /// else the hash of the file read again. `None` when it cannot be read.
    fn current(&self, path: &str) -> Option<Seen> {
        let p = Path::new(path);
        let stamp = Stamp::at(p)?;
        if let Some(s) = self.old_stamps.get(path).filter(|s| s.stamp == stamp) {
            return Some(s.clone());
        }
        // A stamp to record anew, even when the content turns out the same.
        self.dirty.store(true, Ordering::Relaxed);
        let (bytes, stamp) = fs::read_stamped(p).ok()?;
        Some(Seen {
            stamp,
            hash: digest(&bytes),
        })
    }

    /// Keeps what `account`'s audit concluded (`findings`, before the trusted accounts are
    /// applied, and `problems`) and what it read; not when a file could not be read.
    #[allow(clippy::too_many_arguments)]
    pub fn store(
        &self,
        account: &str,
        context: String,
        membership: &dyn Fn(&[String]) -> String,
        reads: &[Read],
        counts: (usize, u64),
        findings: &[Finding],
        problems: &[Diagnostic],
    ) {
        if reads.iter().any(|r| r.stamp.is_none()) {
            return;
        }
        let named = Entry::named(findings);
        let entry = Entry {
            context,
            membership: membership(&named),
            named,
            files: reads
                .iter()
                .map(|r| (r.path.clone(), r.hash.clone()))
                .collect(),
            read: counts.0,
            bytes: counts.1,
            findings: findings.to_vec(),
            problems: problems
                .iter()
                .map(|d| Finding::from_diagnostic(d, Kind::Input, Some(account)))
                .collect(),
        };
        if let Ok(mut stamps) = self.stamps.lock() {
            for r in reads {
                if let Some(stamp) = r.stamp {
                    stamps.insert(
                        r.path.clone(),
                        Seen {
                            stamp,
                            hash: r.hash.clone(),
                        },
                    );
                }
            }
        }
        if let Ok(mut new) = self.new.lock() {
            new.insert(account.to_owned(), entry);
        }
    }

    /// How many accounts were taken from the cache, and how many audited.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Writes this run's entries (the file replaced at once, never half-written), unless
    /// they are those of the file read: every account reused, every file stamp unchanged.
    pub fn save(self) -> Result<(), String> {
        let same = !self.dirty.load(Ordering::Relaxed)
            && self.new.lock().is_ok_and(|n| n.len() == self.old.len())
            && self
                .stamps
                .lock()
                .is_ok_and(|s| s.len() == self.old_stamps.len());
        if same {
            return Ok(());
        }
        let shown = fs::display(&self.file);
        let file = CacheFile {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            xacct: env!("CARGO_PKG_VERSION").to_owned(),
            key: self.key,
            stamps: self.stamps.into_inner().unwrap_or_default(),
            accounts: self.new.into_inner().unwrap_or_default(),
        };
        let bytes = serde_json::to_vec(&file)
            .map_err(|e| format!("cannot write the cache `{shown}`: {e}"))?;
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot write the cache `{shown}`: {e}"))?;
        }
        let tmp = self
            .file
            .with_extension(format!("json.{}.tmp", std::process::id()));
        std::fs::write(&tmp, &bytes)
            .and_then(|()| std::fs::rename(&tmp, &self.file))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("cannot write the cache `{shown}`: {e}")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_sha256_and_lists_do_not_collide() {
        assert_eq!(
            digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(
            digest_parts([b"ab".as_slice(), b"c"]),
            digest_parts([b"a".as_slice(), b"bc"])
        );
    }
}
