//! Loading: reading files into JSON trees and recognizing what they hold.
//!
//! Stage one of the pipeline (**load** → model → graph → evaluate / lint → report).
//! Nothing here decides anything; it turns bytes into the model's inputs and reports, with
//! file and JSON pointer, what it could not read.

pub mod aws_cli;
pub mod cases;
pub mod classify;
pub mod cloudformation;
pub mod fs;
pub mod layout;
pub mod policy_file;
pub mod terraform;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::FileOutput;
use crate::inventory::Inventory;

/// Options for loading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The account of Terraform plan resources whose ARNs do not say it (`--terraform-account`).
    pub terraform_account: Option<String>,
    /// Which values of a Terraform plan to read: what it will apply (the default), or what
    /// it starts from (`diff` of a plan).
    pub plan_side: PlanSide,
    /// What is known of the stacks CloudFormation templates make (`--account`, `--region`,
    /// `--parameters`).
    pub templates: cloudformation::TemplateOptions,
}

/// The values of a Terraform plan to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanSide {
    /// `change.after`: what the plan will apply.
    #[default]
    After,
    /// `change.before`: what exists before it applies.
    Before,
}

/// Expands command-line inputs (files, folders, glob patterns) into the files to read
/// ([`fs::discover`]), with what could not be found as problems.
pub fn discover(inputs: &[String]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, errors) = fs::discover(inputs, fs::Filter::Inputs);
    let problems = errors
        .into_iter()
        .map(|e| Diagnostic::in_file(&codes::UNREADABLE_INPUT, &e.path, None, e.message))
        .collect();
    (files, problems)
}

/// Loads every file that `inputs` (files, folders, glob patterns) name, on every core.
/// Never fails: what cannot be read is in [`Inventory::problems`].
pub fn inventory(inputs: &[String], opts: &LoadOptions) -> Inventory {
    let (files, problems) = discover(inputs);
    let outputs: Vec<(u64, FileOutput)> = files.par_iter().map(|p| read_path(p, opts)).collect();
    Inventory::from_outputs(outputs, problems)
}

/// A file held in memory: its path (which gives its place in the layout) and its bytes.
pub trait InMemory: Sync {
    /// The path as the user named it.
    fn path(&self) -> &str;
    /// The contents.
    fn bytes(&self) -> &[u8];
}

impl InMemory for (String, Vec<u8>) {
    fn path(&self) -> &str {
        &self.0
    }
    fn bytes(&self) -> &[u8] {
        &self.1
    }
}

impl InMemory for FileData {
    fn path(&self) -> &str {
        &self.path
    }
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl<T: InMemory> InMemory for &T {
    fn path(&self) -> &str {
        (*self).path()
    }
    fn bytes(&self) -> &[u8] {
        (*self).bytes()
    }
}

/// Loads files already in memory. `parallel` reads them on every core.
pub fn inventory_in_memory<F: InMemory>(
    files: &[F],
    opts: &LoadOptions,
    parallel: bool,
) -> Inventory {
    let one = |f: &F| {
        let (name, bytes) = (f.path(), f.bytes());
        (
            bytes.len() as u64,
            read_file(name, Path::new(name), bytes, opts),
        )
    };
    let outputs: Vec<(u64, FileOutput)> = if parallel {
        files.par_iter().map(one).collect()
    } else {
        files.iter().map(one).collect()
    };
    Inventory::from_outputs(outputs, Vec::new())
}

/// A file read into memory.
#[derive(Debug, Clone)]
pub struct FileData {
    /// The path as the user named it.
    pub path: String,
    /// Its bytes.
    pub bytes: Arc<Vec<u8>>,
}

/// Reads files on every core; unreadable ones become problems.
pub fn read_all(paths: &[PathBuf]) -> (Vec<FileData>, Vec<Diagnostic>) {
    let read: Vec<(&PathBuf, Result<Vec<u8>, fs::FileError>)> =
        paths.par_iter().map(|p| (p, fs::read(p))).collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (p, r) in read {
        match r {
            Ok(bytes) => files.push(FileData {
                path: fs::display(p),
                bytes: Arc::new(bytes),
            }),
            Err(e) => problems.push(unreadable(&fs::display(p), &e)),
        }
    }
    (files, problems)
}

/// The problem of a file that cannot be read.
pub fn unreadable(path: &str, e: &fs::FileError) -> Diagnostic {
    Diagnostic::in_file(
        &codes::UNREADABLE_INPUT,
        path,
        None,
        format!("cannot read: {e}"),
    )
}

thread_local! {
    /// The buffer each thread reads files into, kept from one file to the next: freed and
    /// allocated again for every file, its memory would go back to the system and be
    /// mapped (and zeroed) again.
    static READ_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Reads one file from disk: its size and what it gave.
pub(crate) fn read_path(path: &Path, opts: &LoadOptions) -> (u64, FileOutput) {
    let name = fs::display(path);
    // Taken, not borrowed: a thread that waits for other work inside `read_file` may read
    // another file meanwhile (it then uses a buffer of its own).
    let mut bytes = READ_BUFFER.take();
    let out = match fs::read_into(path, &mut bytes) {
        Ok(()) => (bytes.len() as u64, read_file(&name, path, &bytes, opts)),
        Err(e) => (
            0,
            FileOutput {
                problems: vec![unreadable(&name, &e)],
                ..FileOutput::default()
            },
        ),
    };
    // A buffer grown by a file much larger than most is not kept.
    if bytes.capacity() <= 16 << 20 {
        READ_BUFFER.set(bytes);
    }
    out
}

/// Reads one file: recognizes it by content and place, and returns what it holds.
pub(crate) fn read_file(name: &str, path: &Path, bytes: &[u8], opts: &LoadOptions) -> FileOutput {
    let arena = crate::json::Json::arena_for(bytes.len());
    match parse_file(name, bytes, &arena) {
        Ok((_, json)) => read_parsed(name, path, &json, opts),
        Err(out) => out,
    }
}

/// A file's text and JSON tree (in `arena`, [`crate::json::Json::arena_for`]), or what
/// [`read_file`] gives for a file that has none. The text is decoded by the one decoder
/// ([`classify::decode_text`]): UTF-8 with or without a byte order mark, UTF-16 with one.
pub(crate) fn parse_file<'b>(
    name: &str,
    bytes: &'b [u8],
    arena: &'b bumpalo::Bump,
) -> Result<(&'b str, crate::json::Json<'b>), FileOutput> {
    let problem = |message: String| FileOutput {
        problems: vec![Diagnostic::in_file(
            &codes::UNREADABLE_INPUT,
            name,
            None,
            message,
        )],
        ..FileOutput::default()
    };
    let text = match classify::decode_text(bytes) {
        Ok(std::borrow::Cow::Borrowed(t)) => t,
        // Text decoded from UTF-16 (or without its byte order mark) lives as long as the tree.
        Ok(std::borrow::Cow::Owned(t)) => &*arena.alloc_str(&t),
        Err(e) => return Err(problem(format!("not UTF-8 text: {e}"))),
    };
    Ok((text, parse_text(name, text, arena)?))
}

/// The JSON tree of a decoded text: JSON, else a CloudFormation template in YAML.
fn parse_text<'t>(
    name: &str,
    text: &'t str,
    arena: &'t bumpalo::Bump,
) -> Result<crate::json::Json<'t>, FileOutput> {
    let json = crate::json::Json::parse_in(text, arena).map(|(json, _)| json);
    json.or_else(|e| {
        use cloudformation::NotJson;
        let (code, message) = match cloudformation::parse_yaml_template(text) {
            Some(NotJson::Template(json)) => return Ok(json),
            Some(NotJson::Broken(m)) => (&codes::UNREADABLE_INPUT, m),
            Some(NotJson::OtherYaml) => (
                &codes::UNRECOGNIZED_FILE,
                "unrecognized file: YAML that is not a CloudFormation template".to_owned(),
            ),
            None => (&codes::UNREADABLE_INPUT, format!("invalid JSON: {e}")),
        };
        Err(FileOutput {
            problems: vec![Diagnostic::in_file(code, name, None, message)],
            ..FileOutput::default()
        })
    })
}

/// [`read_file`] on a file already parsed.
pub(crate) fn read_parsed(
    name: &str,
    path: &Path,
    json: &crate::json::Json<'_>,
    opts: &LoadOptions,
) -> FileOutput {
    let file: Arc<str> = Arc::from(name);
    let place = layout::place(path);
    if let Some(out) = cloudformation::read(name, path, json, &place, opts) {
        return out;
    }
    if terraform::is_plan(json) {
        let mut out = terraform::read_plan(json, &file, &place, opts);
        out.is_plan = true;
        return out;
    }
    aws_cli::read_export(json, &file, &place)
}
