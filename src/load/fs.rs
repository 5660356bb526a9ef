//! Files: the one walk over the inputs a user names (files, folders, glob patterns) and the one
//! way to read a file.
//!
//! Reading is defensive, because inputs come from export trees nobody here wrote:
//! * only regular files are read: a link is resolved once, and a FIFO, socket or device
//!   (`/dev/zero`) is refused with a one-line error instead of hanging or filling memory;
//! * a file is capped at [`MAX_FILE_BYTES`], a bound no AWS export reaches (see its docs);
//! * names that are not UTF-8 keep working: paths stay [`PathBuf`]s, and only messages use a
//!   lossy rendering.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// The largest file xacct reads: 512 MiB. The largest AWS export is an account's
/// `get-account-authorization-details` at IAM's quotas (5,000 roles with 10,240 characters of
/// inline policies and a 4,096-character trust policy each, 5,000 users, 1,500 customer
/// managed policies with 5 versions of 6,144 characters, all URL-encoded): under 300 MB.
/// A Terraform plan of that size describes tens of thousands of resources.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// The longest line of a JSON Lines input (a decision case): 16 MiB, far above a case with
/// every policy at AWS's largest size.
pub const MAX_LINE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file could not be read. Displayed as one line without the path (callers say which
/// file).
#[derive(Debug)]
pub enum FileError {
    /// The operating system's error (no such file, permission denied…).
    Io(std::io::Error),
    /// Not a regular file: a folder, FIFO, socket or device.
    NotRegular(&'static str),
    /// Larger than the cap.
    TooLarge(u64, u64),
    /// A line of a JSON Lines input longer than [`MAX_LINE_BYTES`].
    LineTooLong,
    /// Not UTF-8 text.
    NotUtf8(usize),
    /// Marked as UTF-16 by its byte order mark, and not UTF-16 text.
    NotUtf16(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io(e) => write!(f, "{e}"),
            FileError::NotRegular(what) => {
                write!(f, "not a regular file ({what}): only files are read")
            }
            FileError::TooLarge(size, cap) => write!(
                f,
                "the file is {size} bytes, more than xacct reads ({cap} bytes, more than any AWS export)"
            ),
            FileError::LineTooLong => write!(
                f,
                "the line is longer than xacct reads ({MAX_LINE_BYTES} bytes, more than a case with every policy at AWS's largest size)"
            ),
            FileError::NotUtf8(at) => write!(f, "not UTF-8 text (invalid byte at offset {at})"),
            FileError::NotUtf16(why) => write!(f, "not UTF-16 text: {why}"),
        }
    }
}

impl std::error::Error for FileError {}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(e)
    }
}

fn file_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// Opens a regular file for reading without ever blocking on a FIFO, and checks its size;
/// with its metadata as read from the open file.
fn open(path: &Path, cap: u64) -> Result<(File, std::fs::Metadata), FileError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(file_kind(meta.file_type())));
    }
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The path may have been replaced by a FIFO since it was looked at: never block.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(file_kind(meta.file_type())));
    }
    if meta.len() > cap {
        return Err(FileError::TooLarge(meta.len(), cap));
    }
    Ok((file, meta))
}

/// Reads an open file whole, at most [`MAX_FILE_BYTES`]; `len` (its size when opened) sizes
/// the buffer, so that a file is read in one call rather than in growing steps.
fn read_open(file: File, len: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    read_open_into(file, len, &mut bytes)?;
    Ok(bytes)
}

/// [`read_open`] into `bytes`, cleared first.
fn read_open_into(file: File, len: u64, bytes: &mut Vec<u8>) -> Result<(), FileError> {
    let hint = usize::try_from(len.min(MAX_FILE_BYTES)).unwrap_or(0);
    bytes.clear();
    bytes.reserve(hint.saturating_add(1));
    // A file that grows while it is read stops at the cap.
    file.take(MAX_FILE_BYTES + 1).read_to_end(bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(bytes.len() as u64, MAX_FILE_BYTES));
    }
    Ok(())
}

/// What a file's metadata says of its version: size, modification and change times, inode.
/// Two equal stamps of one path mean the file was not written in between (the change time
/// cannot be set back by a user), which `audit --cache` relies on to skip reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time (ns since the epoch).
    pub mtime: i64,
    /// Change time (ns since the epoch; 0 where the platform has none).
    pub ctime: i64,
    /// Inode (0 where the platform has none).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of `meta`.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
            Stamp {
                len: meta.len(),
                mtime: ns(meta.mtime(), meta.mtime_nsec()),
                ctime: ns(meta.ctime(), meta.ctime_nsec()),
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
            Stamp {
                len: meta.len(),
                mtime,
                ctime: 0,
                ino: 0,
            }
        }
    }

    /// The stamp of the file at `path`, when it is a regular file.
    pub fn at(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| Stamp::of(&m))
    }
}

/// [`read`], with the stamp of the file that was read, taken before reading it.
pub fn read_stamped(path: &Path) -> Result<(Vec<u8>, Stamp), FileError> {
    let (file, meta) = open(path, MAX_FILE_BYTES)?;
    let stamp = Stamp::of(&meta);
    Ok((read_open(file, meta.len())?, stamp))
}

/// Reads a regular file whole, at most [`MAX_FILE_BYTES`].
pub fn read(path: &Path) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    read_into(path, &mut bytes)?;
    Ok(bytes)
}

/// [`read`] into `bytes` (cleared first), so that a caller reading many files can reuse one
/// buffer.
pub fn read_into(path: &Path, bytes: &mut Vec<u8>) -> Result<(), FileError> {
    let (file, meta) = open(path, MAX_FILE_BYTES)?;
    read_open_into(file, meta.len(), bytes)
}

/// Reads a regular file as text, decoded as exported files are
/// ([`super::classify::decode_text`]: UTF-8 with or without a byte order mark, UTF-16 with
/// one): what xacct is given is read whatever tool or shell wrote it.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    text_of(read(path)?)
}

/// `bytes` decoded by the one decoder, UTF-8 taken over without a copy.
fn text_of(mut bytes: Vec<u8>) -> Result<String, FileError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return super::classify::decode_text(&bytes)
            .map(std::borrow::Cow::into_owned)
            .map_err(FileError::NotUtf16);
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    bytes.drain(..bom);
    String::from_utf8(bytes).map_err(|e| FileError::NotUtf8(e.utf8_error().valid_up_to() + bom))
}

/// Reads a file as the one decoder reads exported files ([`super::classify::decode_text`]:
/// UTF-8 with or without a byte order mark, UTF-16 with one); `None` when the file cannot be
/// read or is not text. For files already loaded, whose problems were reported then.
pub fn read_decoded(path: &Path) -> Option<String> {
    read_text(path).ok()
}

/// [`read_text`] of a path given as text; the error names the file.
pub fn read_text_at(path: &str) -> Result<String, FileAt> {
    read_text(Path::new(path)).map_err(|why| FileAt {
        path: path.to_owned(),
        why,
    })
}

/// A file that could not be read, and why.
#[derive(Debug)]
pub struct FileAt {
    /// The file as named.
    pub path: String,
    /// Why.
    pub why: FileError,
}

/// Reads standard input whole, at most [`MAX_FILE_BYTES`].
pub fn read_stdin() -> Result<String, FileError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(bytes.len() as u64, MAX_FILE_BYTES));
    }
    text_of(bytes)
}

/// A regular file, or standard input for `-`, as a reader of UTF-8 lines, read as the one
/// decoder reads files: a UTF-8 byte order mark is skipped, and text marked as UTF-16 is
/// decoded whole (at most [`MAX_FILE_BYTES`]; the other inputs are streamed).
pub fn lines(path: &str) -> Result<Box<dyn BufRead + Send>, FileError> {
    let input: Box<dyn BufRead + Send> = if path == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let (file, _) = open(Path::new(path), u64::MAX)?;
        Box::new(std::io::BufReader::with_capacity(1 << 16, file))
    };
    decoded_lines(input)
}

/// `input` as a reader of UTF-8 lines ([`lines`] for any reader): a UTF-8 byte order mark is
/// skipped, and text marked as UTF-16 is decoded whole (at most [`MAX_FILE_BYTES`]).
pub fn decoded_lines(
    mut input: Box<dyn BufRead + Send>,
) -> Result<Box<dyn BufRead + Send>, FileError> {
    let mut head = Vec::with_capacity(3);
    (&mut input).take(3).read_to_end(&mut head)?;
    match head.as_slice() {
        [0xEF, 0xBB, 0xBF] => Ok(input),
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
            let mut bytes = head;
            input.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > MAX_FILE_BYTES {
                return Err(FileError::TooLarge(bytes.len() as u64, MAX_FILE_BYTES));
            }
            Ok(Box::new(std::io::Cursor::new(text_of(bytes)?.into_bytes())))
        }
        _ => Ok(Box::new(std::io::Cursor::new(head).chain(input))),
    }
}

/// Reads one line (without its end) into `buf`, at most [`MAX_LINE_BYTES`]; `Ok(false)` at
/// the end of the input.
pub fn read_line(input: &mut dyn BufRead, buf: &mut String) -> Result<bool, FileError> {
    // The line is read into `buf`'s own memory, which a caller reading many lines reuses.
    let mut bytes = std::mem::take(buf).into_bytes();
    bytes.clear();
    // At most the limit and a line end (`\r\n`) are read, so that a longer line is told from
    // one at the limit. (`BufRead::read_until` would look for the end of the line a word at
    // a time, where `memchr` takes a vector of bytes at once.)
    let cap = usize::try_from(MAX_LINE_BYTES + 2).unwrap_or(usize::MAX);
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let window = &chunk[..chunk.len().min(cap - bytes.len())];
        let (n, end) = match memchr::memchr(b'\n', window) {
            Some(i) => (i + 1, true),
            None => (window.len(), false),
        };
        bytes.extend_from_slice(&window[..n]);
        input.consume(n);
        if end || bytes.len() >= cap {
            break;
        }
    }
    if !any {
        return Ok(false);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    // Only the limit and two bytes were read, so the line's own length is not known.
    if bytes.len() as u64 > MAX_LINE_BYTES {
        return Err(FileError::LineTooLong);
    }
    *buf =
        String::from_utf8(bytes).map_err(|e| FileError::NotUtf8(e.utf8_error().valid_up_to()))?;
    Ok(true)
}

/// Fills in the line and column of `locations` from their files' texts, each file read once
/// ([`crate::source::fill`]); a file that cannot be read leaves its locations as they are.
pub fn fill_lines(locations: Vec<&mut crate::diagnostic::Location>) {
    let mut texts: std::collections::HashMap<String, Option<String>> =
        std::collections::HashMap::new();
    for l in &locations {
        if l.line.is_none() {
            texts
                .entry(l.file.to_string())
                .or_insert_with(|| read_decoded(Path::new(&*l.file)));
        }
    }
    crate::source::fill(
        locations,
        &|f| texts.get(f).and_then(|t| t.as_deref()),
        &|_| None,
    );
}

/// A path as messages show it.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// An input that could not be found or walked: the argument (or path) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    /// The argument or path, as messages show it.
    pub path: String,
    /// Why.
    pub message: String,
}

/// Which files a walk of folders keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// `*.json` files (exports and plans).
    Json,
    /// `*.json` files and CloudFormation templates in YAML (`*.yaml`, `*.yml`, `*.template`).
    Inputs,
}

impl Filter {
    fn keeps(self, path: &Path) -> bool {
        match self {
            Filter::Json => path.extension().is_some_and(|e| e == "json"),
            Filter::Inputs => path
                .extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml" || e == "template"),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Filter::Json => "`*.json`",
            Filter::Inputs => "`*.json` or template",
        }
    }
}

/// Expands command-line inputs (files, folders, glob patterns) into the files to read, sorted
/// and without duplicates. Folders are searched recursively, in name order, for the files
/// `filter` keeps ([`walk`]). A file named explicitly is read whatever its name. A path that
/// does not exist, a pattern that matches nothing and a folder with nothing to read are
/// errors. `-` (standard input) is kept as it is.
pub fn discover(inputs: &[String], filter: Filter) -> (Vec<PathBuf>, Vec<WalkError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        if input == "-" {
            files.push(PathBuf::from("-"));
            continue;
        }
        let p = PathBuf::from(input);
        if input.contains(['*', '?', '[']) && p.symlink_metadata().is_err() {
            match glob::glob(input) {
                Ok(paths) => {
                    let before = files.len();
                    for entry in paths {
                        match entry {
                            Ok(p) if p.is_dir() => {
                                let (f, e) = walk(&p, filter);
                                files.extend(f);
                                errors.extend(e);
                            }
                            Ok(p) => files.push(p),
                            Err(e) => errors.push(WalkError {
                                path: display(e.path()),
                                message: format!("cannot read: {}", e.error()),
                            }),
                        }
                    }
                    if files.len() == before {
                        errors.push(WalkError {
                            path: input.clone(),
                            message: "no file matches the pattern".into(),
                        });
                    }
                }
                Err(e) => errors.push(WalkError {
                    path: input.clone(),
                    message: format!("invalid glob pattern: {e}"),
                }),
            }
        } else if p.is_dir() {
            let (f, e) = walk(&p, filter);
            if f.is_empty() && e.is_empty() {
                errors.push(WalkError {
                    path: input.clone(),
                    message: format!("no {} file in this folder", filter.describe()),
                });
            }
            files.extend(f);
            errors.extend(e);
        } else if p.symlink_metadata().is_ok() {
            files.push(p);
        } else {
            errors.push(WalkError {
                path: input.clone(),
                message: "no such file or folder".into(),
            });
        }
    }
    // One folder comes back sorted already (see `walk`).
    let one_folder = matches!(inputs, [i] if !i.contains(['*', '?', '[']) && Path::new(i).is_dir());
    if !one_folder {
        files.par_sort();
        files.dedup();
    }
    debug_assert!(files.is_sorted());
    (files, errors)
}

/// Walks a folder: every file below it that `filter` keeps, hidden entries passed over, links
/// to folders not followed (a link cannot make the walk loop). Entries are taken in name
/// order, each folder in the place of its name, so that the files come out sorted as paths
/// are (component by component) with no sort afterwards; subfolders are walked in parallel,
/// because a tree of ten thousand account folders is too many directory reads for one
/// thread.
pub fn walk(dir: &Path, filter: Filter) -> (Vec<PathBuf>, Vec<WalkError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            return (
                Vec::new(),
                vec![WalkError {
                    path: display(dir),
                    message: format!("cannot read folder: {e}"),
                }],
            )
        }
    };
    let mut named: Vec<(std::ffi::OsString, bool)> = entries
        .flatten()
        .filter(|e| !e.file_name().as_encoded_bytes().starts_with(b"."))
        .map(|e| (e.file_name(), e.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    named.sort_unstable();
    enum Part {
        Files(Vec<PathBuf>),
        Folder(PathBuf),
    }
    let mut parts: Vec<Part> = Vec::new();
    for (name, is_dir) in named {
        let path = dir.join(&name);
        if is_dir {
            parts.push(Part::Folder(path));
        } else if filter.keeps(&path) {
            match parts.last_mut() {
                Some(Part::Files(run)) => run.push(path),
                _ => parts.push(Part::Files(vec![path])),
            }
        }
    }
    let below: Vec<(Vec<PathBuf>, Vec<WalkError>)> = parts
        .into_par_iter()
        .map(|p| match p {
            Part::Files(run) => (run, Vec::new()),
            Part::Folder(d) => walk(&d, filter),
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (f, e) in below {
        files.extend(f);
        errors.extend(e);
    }
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test, removed when dropped.
    struct Scratch(PathBuf);

    impl std::ops::Deref for Scratch {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn scratch(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("xacct-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }

    #[test]
    fn regular_files_only() {
        let d = scratch("regular");
        let f = d.join("a.json");
        std::fs::write(&f, b"{}").unwrap();
        assert_eq!(read_text(&f).unwrap(), "{}");
        assert!(matches!(read(&d), Err(FileError::NotRegular("a folder"))));
        #[cfg(unix)]
        {
            assert!(matches!(
                read(Path::new("/dev/zero")),
                Err(FileError::NotRegular("a device"))
            ));
            let link = d.join("zero.json");
            std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
            assert!(matches!(
                read(&link),
                Err(FileError::NotRegular("a device"))
            ));
            let fifo = d.join("fifo.json");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert!(matches!(read(&fifo), Err(FileError::NotRegular("a FIFO"))));
            }
        }
    }

    /// `text` in UTF-8 without and with a byte order mark, and in UTF-16 LE and BE with one.
    fn encoded(text: &str) -> Vec<Vec<u8>> {
        let le = text.encode_utf16().flat_map(u16::to_le_bytes);
        let be = text.encode_utf16().flat_map(u16::to_be_bytes);
        vec![
            text.as_bytes().to_vec(),
            [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            [0xFF, 0xFE].into_iter().chain(le).collect(),
            [0xFE, 0xFF].into_iter().chain(be).collect(),
        ]
    }

    #[test]
    fn text_is_read_in_every_encoding() {
        let d = scratch("encodings");
        let f = d.join("a.json");
        let text = "{\"é\": \"𝄞\"}\n";
        let forms = encoded(text);
        for bytes in forms {
            std::fs::write(&f, &bytes).unwrap();
            assert_eq!(read_text(&f).unwrap(), text, "{bytes:?}");
        }
        std::fs::write(&f, [0xFF, 0xFE, b'{']).unwrap();
        assert_eq!(
            read_text(&f).unwrap_err().to_string(),
            "not UTF-16 text: UTF-16 text with an odd number of bytes"
        );
        std::fs::write(&f, [0xEF, 0xBB, 0xBF, b'{', 0xC3]).unwrap();
        assert_eq!(
            read_text(&f).unwrap_err().to_string(),
            "not UTF-8 text (invalid byte at offset 4)"
        );
    }

    /// Every line of `bytes` through [`decoded_lines`] and [`read_line`].
    fn all_lines(bytes: &[u8]) -> Result<Vec<String>, FileError> {
        let mut input = decoded_lines(Box::new(std::io::Cursor::new(bytes.to_vec())))?;
        let (mut buf, mut got) = (String::new(), Vec::new());
        while read_line(&mut input, &mut buf)? {
            got.push(buf.clone());
        }
        Ok(got)
    }

    /// The lines of `text` as [`read_line`] gives them: its `\n`-separated pieces, a `\r`
    /// before a `\n` dropped (as `str::lines` does, a last `\r` with no `\n` is kept), and
    /// no empty last line after a final `\n`.
    fn lines_of_text(text: &str) -> Vec<String> {
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let last = lines.pop().filter(|l| !l.is_empty());
        for l in &mut lines {
            if l.ends_with('\r') {
                l.pop();
            }
        }
        lines.extend(last);
        lines
    }

    proptest::proptest! {
        /// Any text gives the same lines in every encoding.
        #[test]
        fn any_text_gives_the_same_lines_in_every_encoding(
            text in "(\\PC|[\r\n\u{FEFF}\u{10000}-\u{10FFFF}]){0,64}"
        ) {
            let want = lines_of_text(&text);
            // Without a byte order mark, text that starts with U+FEFF is written as one.
            let skip = usize::from(text.starts_with('\u{FEFF}'));
            for bytes in encoded(&text).into_iter().skip(skip) {
                let got = all_lines(&bytes);
                proptest::prop_assert_eq!(got.as_ref().ok(), Some(&want), "{:?}", bytes);
            }
        }

        /// Any bytes are read as lines or refused with an error, never a panic; lines are
        /// read exactly when the bytes decode whole, and are the decoded text's lines.
        #[test]
        fn any_bytes_are_lines_or_an_error(
            mark in proptest::sample::select(vec![&b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"]),
            rest in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)
        ) {
            // A byte order mark of each kind, or none, then anything.
            let bytes = [mark, &rest].concat();
            let got = all_lines(&bytes).ok();
            let whole = text_of(bytes.clone()).ok().map(|t| lines_of_text(&t));
            proptest::prop_assert_eq!(got, whole, "{:?}", bytes);
        }
    }

    #[test]
    fn lines_are_read_in_every_encoding() {
        let d = scratch("line-encodings");
        let f = d.join("cases.jsonl");
        let text = "{\"a\": \"é\"}\r\n\n{}\n[]";
        let all = |bytes: &[u8]| -> Result<Vec<String>, FileError> {
            std::fs::write(&f, bytes).unwrap();
            let mut input = lines(f.to_str().unwrap())?;
            let (mut buf, mut got) = (String::new(), Vec::new());
            while read_line(&mut input, &mut buf)? {
                got.push(buf.clone());
            }
            Ok(got)
        };
        for bytes in encoded(text) {
            let got = all(&bytes).unwrap();
            assert_eq!(got, ["{\"a\": \"é\"}", "", "{}", "[]"], "{bytes:?}");
        }
        // Shorter than a byte order mark, and one that starts like one but is not.
        assert_eq!(all(b"{").unwrap(), ["{"]);
        assert!(matches!(all(b"\xEF\xBB{}"), Err(FileError::NotUtf8(0))));
        std::fs::write(&f, [0xFE, 0xFF, 0xD8, 0x00, 0x00, b'{']).unwrap();
        assert!(matches!(
            lines(f.to_str().unwrap()),
            Err(FileError::NotUtf16(_))
        ));
    }

    #[test]
    fn invalid_utf8_is_an_error_with_its_offset() {
        let d = scratch("utf8");
        let f = d.join("a.json");
        std::fs::write(&f, [b'{', 0xff, b'}']).unwrap();
        assert_eq!(
            read_text(&f).unwrap_err().to_string(),
            "not UTF-8 text (invalid byte at offset 1)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_walked_and_read() {
        use std::os::unix::ffi::OsStrExt;
        let d = scratch("names");
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.json");
        std::fs::write(d.join(name), b"{}").unwrap();
        let (files, errors) = discover(&[display(&d)], Filter::Json);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(files.len(), 1);
        assert_eq!(read_text(&files[0]).unwrap(), "{}");
    }

    #[test]
    fn lines_are_capped() {
        let mut input: &[u8] = b"a\r\nb\nc";
        let mut buf = String::new();
        let mut got = Vec::new();
        while read_line(&mut input, &mut buf).unwrap() {
            got.push(buf.clone());
        }
        assert_eq!(got, ["a", "b", "c"]);
    }

    #[test]
    fn lines_cross_buffer_ends_and_the_longest_is_read_whole() {
        let lines = |input: &mut dyn BufRead| {
            let mut buf = String::new();
            let mut got = Vec::new();
            loop {
                match read_line(input, &mut buf) {
                    Ok(true) => got.push(Ok(buf.len())),
                    Ok(false) => return got,
                    Err(e) => {
                        got.push(Err(e.to_string()));
                        return got;
                    }
                }
            }
        };
        // Two bytes of buffer: every line ends in a later fill than it starts.
        let text = "abc\r\n\nd\nefgh";
        let mut input = std::io::BufReader::with_capacity(2, text.as_bytes());
        assert_eq!(lines(&mut input), [Ok(3), Ok(0), Ok(1), Ok(4)]);
        let max = usize::try_from(MAX_LINE_BYTES).unwrap();
        let text = format!(
            "{}\n{}\r\n{}\n",
            "y".repeat(max),
            "y".repeat(max),
            "z".repeat(max + 1)
        );
        let mut input = std::io::BufReader::with_capacity(1 << 16, text.as_bytes());
        let got = lines(&mut input);
        assert_eq!(got[..2], [Ok(max), Ok(max)]);
        assert!(
            matches!(&got[2], Err(e) if e.starts_with("the line is longer than xacct reads (16777216 bytes")),
            "{:?}",
            got[2]
        );
        assert_eq!(got.len(), 3);
    }
}
