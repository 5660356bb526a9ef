//! `xacct audit --cache DIR`: what each account's audit concluded and what it depended on,
//! kept between runs, so that a run audits again only the accounts whose inputs changed.
//!
//! An account's entry is used only when all of these are as they were:
//!
//! * the run's key: the xacct binary itself (its version and the stamp of its file, so a
//!   rebuilt or reinstalled binary, with other rules, AWS data or scenarios, reuses nothing)
//!   and the options that change every account's findings (`--ignore`,
//!   `--no-lint`, the load options);
//! * its context (`Ctx::context`): the list of its files, the shared files that
//!   describe it, the model package groups that name it as a caller (and their files), the
//!   registrations and scenario pairs the audit files list with it as the caller, the
//!   accounts those involve, and the organizations cut down to the chains of those accounts
//!   (with the files their policies come from);
//! * its organization and, for each account its external-access findings name, whether
//!   that account is a member (`Ctx::membership`);
//! * the content (SHA-256) of every file its audit read. A file whose size, modification
//!   and change times and inode are those recorded is taken as unchanged without reading it
//!   again, as git and make do (a change time cannot be set back).
//!
//! Entries hold the findings before `--ignore`'s counting, the trusted accounts and the
//! Identity Center silencing are applied, so a change to the trusted accounts reuses every
//! entry. Load problems are kept with the findings; an account with a file that could not
//! be read is audited on every run. A cache that cannot be read, is corrupt, or was written by another xacct
//! or with other options is ignored with a warning and written again.
//!
//! The cache is a header (the run's key) and one file per account ([`Cache`]), each read
//! when its account comes up and written as soon as the account is audited: what a run
//! holds of the cache and writes of it follows the accounts audited, never the size of the
//! whole cache (one file for every account, read whole at the start and written whole at
//! the end, made a first run at 1,000 accounts hold 350 MB and write 81 MB on one thread).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
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
const FORMAT_VERSION: u32 = 2;

/// The hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The hex SHA-256 of `parts`, each length-prefixed so that no two lists collide.
pub fn digest_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut d = Parts::default();
    for p in parts {
        d.bytes(p);
    }
    d.finish()
}

/// [`digest_parts`] of parts written one at a time, each formatted into one reused buffer
/// (the same digest as the list of the formatted parts).
#[derive(Default)]
pub struct Parts {
    hasher: Sha256,
    buffer: String,
}

impl Parts {
    /// Adds one part.
    pub fn bytes(&mut self, part: &[u8]) {
        self.hasher.update((part.len() as u64).to_le_bytes());
        self.hasher.update(part);
    }

    /// Adds one part, as `format!` would write it.
    pub fn fmt(&mut self, part: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        // Writing into a `String` cannot fail.
        let _ = buffer.write_fmt(part);
        self.bytes(buffer.as_bytes());
        self.buffer = buffer;
    }

    /// The hex digest.
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
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
    path: String,
    stamp: Stamp,
    hash: String,
}

/// What one account's audit concluded and what it depended on: one file of the cache
/// folder, written as soon as the account is audited.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The run's key ([`run_key`]) it was written under.
    key: String,
    /// The account.
    account: String,
    /// [`super::Ctx::context`] when it ran.
    context: String,
    /// [`super::Ctx::membership`] of `named` when it ran.
    membership: String,
    /// The accounts its external-access findings name.
    named: Vec<String>,
    /// Every file it read, with its stamp and the hash of its content.
    files: Vec<Seen>,
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

/// The cache's header file: which xacct and options its entries belong to.
#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    format_version: u32,
    xacct: String,
    key: String,
}

/// The cache of one run: a header file (`audit.json`, or `audit-I-of-N.json` for a
/// shard) and a folder beside it with one file per account (`audit.d/ACCOUNT.json`).
/// Entries are read when their account comes up and written as soon as it is audited, so
/// the cache costs the same per account whatever the number of accounts: nothing of it is
/// held for the whole run, and an unchanged entry is not written again.
pub struct Cache {
    file: PathBuf,
    entries: PathBuf,
    key: String,
    /// Whether the header read is this run's: else no entry is used, and the header is
    /// written at the end.
    usable: bool,
    hits: AtomicUsize,
    misses: AtomicUsize,
    /// The first entry that could not be written, for [`Cache::save`]'s error.
    failed: Mutex<Option<String>>,
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

/// Writes `bytes` to `path` whole or not at all (a file beside it, renamed over it).
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

impl Cache {
    /// Opens the cache in `dir` for a run of `key` (the files of `shard`, when sharded).
    /// Nothing there is a first run; anything unusable is a warning.
    pub fn open(dir: &Path, key: String, shard: Option<Shard>) -> Cache {
        let name = match shard {
            Some(s) => format!("audit-{}-of-{}", s.index, s.count),
            None => "audit".to_owned(),
        };
        let mut cache = Cache {
            file: dir.join(format!("{name}.json")),
            entries: dir.join(format!("{name}.d")),
            key,
            usable: false,
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            failed: Mutex::new(None),
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
        match serde_json::from_slice::<Header>(&bytes) {
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
            Ok(_) => cache.usable = true,
        }
        cache
    }

    /// The file of `account`'s entry: its id, or a hash of any other name.
    fn entry_file(&self, account: &str) -> PathBuf {
        let name = if crate::arn::is_account_id(account) {
            account.to_owned()
        } else {
            digest(account.as_bytes())
        };
        self.entries.join(format!("{name}.json"))
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
        if !self.usable {
            return None;
        }
        let bytes = std::fs::read(self.entry_file(account)).ok()?;
        // Checked as UTF-8 once, whole: read from bytes, each string would be checked again.
        let text = String::from_utf8(bytes).ok()?;
        let mut e: Entry = serde_json::from_str(&text).ok()?;
        if e.key != self.key
            || e.account != account
            || e.context != context
            || membership(&e.named) != e.membership
        {
            return None;
        }
        e.problems()?;
        let mut restamped = false;
        for seen in &mut e.files {
            if let Some(stamp) = unchanged(seen)? {
                seen.stamp = stamp;
                restamped = true;
            }
        }
        // Files written again with the same bytes: their new stamps, so that the next run
        // does not read them again.
        if restamped {
            self.write(&e);
        }
        Some(e)
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
        let mut files = Vec::with_capacity(reads.len());
        for r in reads {
            let Some(stamp) = r.stamp else {
                // Audited on every run: a stale entry must not outlive it.
                let _ = std::fs::remove_file(self.entry_file(account));
                return;
            };
            files.push(Seen {
                path: r.path.clone(),
                stamp,
                hash: r.hash.clone(),
            });
        }
        let named = Entry::named(findings);
        let entry = Entry {
            key: self.key.clone(),
            account: account.to_owned(),
            context,
            membership: membership(&named),
            named,
            files,
            read: counts.0,
            bytes: counts.1,
            findings: findings.to_vec(),
            problems: problems
                .iter()
                .map(|d| Finding::from_diagnostic(d, Kind::Input, Some(account)))
                .collect(),
        };
        self.write(&entry);
    }

    /// Writes one entry; the first failure is kept for [`Cache::save`].
    fn write(&self, entry: &Entry) {
        let path = self.entry_file(&entry.account);
        let result = serde_json::to_vec(entry)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                std::fs::create_dir_all(&self.entries)
                    .and_then(|()| replace(&path, &bytes))
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = result {
            if let Ok(mut failed) = self.failed.lock() {
                failed.get_or_insert_with(|| {
                    format!("cannot write the cache `{}`: {e}", fs::display(&path))
                });
            }
        }
    }

    /// How many accounts were taken from the cache, and how many audited.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Finishes the run: writes the header when the one read was not this run's (the
    /// entries are written already), and reports the first entry that could not be.
    pub fn save(self) -> Result<(), String> {
        if let Some(e) = self.failed.into_inner().ok().flatten() {
            return Err(e);
        }
        if self.usable {
            return Ok(());
        }
        let shown = fs::display(&self.file);
        let header = Header {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            xacct: env!("CARGO_PKG_VERSION").to_owned(),
            key: self.key,
        };
        let bytes = serde_json::to_vec(&header)
            .map_err(|e| format!("cannot write the cache `{shown}`: {e}"))?;
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot write the cache `{shown}`: {e}"))?;
        }
        replace(&self.file, &bytes).map_err(|e| format!("cannot write the cache `{shown}`: {e}"))
    }
}

/// Whether the file `seen` describes holds what it held: `Some(None)` when its stamp is
/// unchanged, `Some(Some(stamp))` when it was written again with the same bytes (its new
/// stamp), `None` when its content changed or it cannot be read.
fn unchanged(seen: &Seen) -> Option<Option<Stamp>> {
    let p = Path::new(&seen.path);
    if Stamp::at(p)? == seen.stamp {
        return Some(None);
    }
    let (bytes, stamp) = fs::read_stamped(p).ok()?;
    (digest(&bytes) == seen.hash).then_some(Some(stamp))
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
