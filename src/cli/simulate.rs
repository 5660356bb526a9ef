//! `xacct simulate`: one request from flags, or many from a JSON Lines case file.

use std::io::{BufRead, Write};
use std::sync::Arc;

use clap::Args;
use serde::Serialize;

use super::inventory::with_load_errors;
use super::ExitStatus;
use crate::error::Error;
use crate::eval::{
    authorize, Context, ContextValue, Decision, PolicySet, Principal, Request, Response,
};
use crate::load::cases::{parse_case, Case, CaseError};
use crate::load::fs;
use crate::load::policy_file::parse_policy_text;
use crate::policy::{DocKind, Policy};
use crate::report::{self, Format};

/// Arguments of `xacct simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Decide every case of a JSON Lines file (`-` for standard input) and print one JSON
    /// line per case; with `expected` decisions, end with `N passed, N failed`.
    #[arg(long, value_name = "FILE.jsonl", conflicts_with_all = ["principal", "action", "resource", "inventory", "paths"])]
    pub cases: Option<String>,

    /// Who makes the request: a user, role, root, assumed-role or federated-user ARN, a
    /// service principal (`sagemaker.amazonaws.com`) or `anonymous`.
    #[arg(long, required_unless_present = "cases")]
    pub principal: Option<String>,
    /// The action, `service:Name`.
    #[arg(long, required_unless_present = "cases")]
    pub action: Option<String>,
    /// The resource ARN (`*` for actions without a resource type).
    #[arg(long, required_unless_present = "cases")]
    pub resource: Option<String>,
    /// The account that owns the resource (needed for S3, whose ARNs carry none).
    #[arg(long, value_name = "ACCOUNT")]
    pub resource_account: Option<String>,
    /// A context key, `KEY=VALUE`; repeat a key for a multi-valued key. Keys AWS sets
    /// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username,
    /// aws:ResourceAccount, kms:CallerAccount) are derived when left out.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// An identity policy of the principal (repeatable). A bare document or an AWS CLI export.
    #[arg(long = "identity-policy", value_name = "FILE")]
    pub identity: Vec<String>,
    /// The resource's policy (bucket, repository, key, trust, model package group…).
    #[arg(long = "resource-policy", value_name = "FILE")]
    pub resource_policy: Option<String>,
    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<String>,
    /// The session policy.
    #[arg(long = "session-policy", value_name = "FILE")]
    pub session_policy: Option<String>,
    /// SCPs of one level of the principal's organization path, root first; one flag per
    /// level, several policies of one level separated by commas.
    #[arg(long = "scp", value_name = "FILE[,FILE]")]
    pub scp: Vec<String>,
    /// RCPs of one level of the resource's organization path, root first, as `--scp`.
    #[arg(long = "rcp", value_name = "FILE[,FILE]")]
    pub rcp: Vec<String>,
    /// A VPC endpoint policy the request passes through (repeatable).
    #[arg(long = "vpc-endpoint-policy", value_name = "FILE")]
    pub vpc_endpoint: Vec<String>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = crate::report::formats(crate::report::simulate::FORMATS))]
    pub format: Format,
    /// Evaluate against loaded exports: the principal's and the resource's policies, grants,
    /// S3 settings and organization policies come from them; the policy flags above add to
    /// or replace what they hold.
    #[command(flatten)]
    pub inventory: super::inventory::InventoryArgs,
    /// CloudFormation templates: their accounts, regions and parameters.
    #[command(flatten)]
    pub templates: super::TemplateArgs,
}

/// Runs `simulate`.
pub fn run(
    args: &SimulateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    if !args.inventory.is_empty() {
        return with_inventory(args, out, err);
    }
    match &args.cases {
        Some(path) => run_cases(path, out, err),
        None => run_one(args, out, err),
    }
}

/// Reads and checks the policy in the file at `path`, a document of `kind`: refused with
/// every error when the one validation finds anything AWS rejects.
fn read_policy(path: &str, kind: DocKind) -> Result<Policy, Error> {
    let text = crate::load::fs::read_text_at(path)?;
    parse_policy_text(&text, std::sync::Arc::from(path), kind).map_err(Error::Policy)
}

/// The policies given as files on the command line.
pub(super) struct FlagPolicies {
    pub(super) identity: Vec<Policy>,
    pub(super) boundary: Option<Policy>,
    pub(super) session: Option<Policy>,
    pub(super) resource_policy: Option<Policy>,
    pub(super) scps: Vec<Vec<Policy>>,
    pub(super) rcps: Vec<Vec<Policy>>,
    pub(super) vpce: Vec<Policy>,
}

impl FlagPolicies {
    /// The `--scp` levels, as a policy set holds them.
    fn scps(&self) -> Vec<Vec<&Policy>> {
        self.scps.iter().map(|l| l.iter().collect()).collect()
    }

    /// The `--rcp` levels, as a policy set holds them.
    fn rcps(&self) -> Vec<Vec<&Policy>> {
        self.rcps.iter().map(|l| l.iter().collect()).collect()
    }

    /// Loads every file first, so that every bad file is reported (the last one as the
    /// error, the others on `err`), not just the first.
    pub(super) fn load(args: &SimulateArgs, err: &mut dyn Write) -> Result<FlagPolicies, Error> {
        let mut errors = Vec::new();
        let mut load = |path: &str, kind| match read_policy(path, kind) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let identity: Vec<Policy> = args
            .identity
            .iter()
            .filter_map(|p| load(p, DocKind::Identity))
            .collect();
        let boundary = args
            .boundary
            .as_deref()
            .and_then(|p| load(p, DocKind::Boundary));
        let session = args
            .session_policy
            .as_deref()
            .and_then(|p| load(p, DocKind::Session));
        let resource_policy = args
            .resource_policy
            .as_deref()
            .and_then(|p| load(p, DocKind::Resource));
        // One level per flag, several policies of a level separated by commas.
        let mut levels = |flags: &[String], kind| -> Vec<Vec<Policy>> {
            flags
                .iter()
                .map(|level| {
                    level
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .filter_map(|p| load(p, kind))
                        .collect()
                })
                .collect()
        };
        let scps = levels(&args.scp, DocKind::Scp);
        let rcps = levels(&args.rcp, DocKind::Rcp);
        let vpce: Vec<Policy> = args
            .vpc_endpoint
            .iter()
            .filter_map(|p| load(p, DocKind::VpcEndpoint))
            .collect();
        if let Some(last) = errors.pop() {
            for e in errors {
                super::report_error(&e, err);
            }
            return Err(last);
        }
        Ok(FlagPolicies {
            identity,
            boundary,
            session,
            resource_policy,
            scps,
            rcps,
            vpce,
        })
    }
}

fn usage(msg: String) -> Error {
    Error::Usage(msg)
}

/// The request the flags describe: principal, action, resource and context.
pub(super) fn request_flags(
    args: &SimulateArgs,
) -> Result<(Principal, &str, &str, Context), Error> {
    let (Some(principal), Some(action), Some(resource)) =
        (&args.principal, &args.action, &args.resource)
    else {
        return Err(usage(
            "`--principal`, `--action` and `--resource` are required".into(),
        ));
    };
    let principal = Principal::parse(principal).map_err(|e| usage(format!("--principal: {e}")))?;
    if action != "*"
        && action
            .split_once(':')
            .is_none_or(|(s, n)| s.is_empty() || n.is_empty())
    {
        return Err(usage(format!("--action: `{action}` is not `service:Name`")));
    }
    Request::check_resource(resource).map_err(|e| usage(format!("--resource: {e}")))?;
    let context = parse_context(&args.context)?;
    Ok((principal, action, resource, context))
}

fn run_one(
    args: &SimulateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let (principal, action, resource, context) = request_flags(args)?;
    let flags = FlagPolicies::load(args, err)?;

    let mut request = Request::new(
        principal,
        action,
        resource,
        args.resource_account.clone(),
        context,
    );
    request.derive_context();
    let set = PolicySet {
        identity: flags.identity.iter().collect(),
        boundary: flags.boundary.iter().collect(),
        session: flags.session.as_ref(),
        resource: flags.resource_policy.as_ref(),
        scps: flags.scps(),
        rcps: flags.rcps(),
        vpc_endpoint: flags.vpce.iter().collect(),
        grants: Vec::new(),
        bucket: None,
    };
    let response = authorize(&request, &set);
    let why = report::simulate::Explanation {
        near: crate::eval::explain::near_misses(&request, &set, &response),
        assumed: assumed_absent(&flags, action, &set),
    };
    report::simulate::decision(&request, &response, &why, args.format, out)
        .map_err(Error::Output)?;
    Ok(if response.decision == Decision::Allow {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// What the decision takes to be absent because no flag gave it: the policies and
/// settings an inventory would have read from exports.
fn assumed_absent(flags: &FlagPolicies, action: &str, set: &PolicySet<'_>) -> Vec<String> {
    let service = action
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    let absent = [
        (
            flags.identity.is_empty(),
            "no identity policy of the caller (--identity-policy)",
        ),
        (
            flags.resource_policy.is_none(),
            "no policy on the resource (--resource-policy)",
        ),
        (flags.boundary.is_none(), "no permissions boundary (--boundary)"),
        (flags.session.is_none(), "no session policy (--session-policy)"),
        (
            flags.scps.is_empty(),
            "no SCP: the caller's account is in no organization, or is its management account (--scp)",
        ),
        (flags.rcps.is_empty(), "no RCP on the resource's account (--rcp)"),
        (
            flags.vpce.is_empty(),
            "no VPC endpoint policy on the request's path (--vpc-endpoint-policy)",
        ),
        (
            service == "s3" && set.bucket.is_none(),
            "no S3 Block Public Access (account or bucket) and the bucket owner owns the object: S3 settings are read only from exports",
        ),
        (
            service == "kms" && set.grants.is_empty(),
            "no KMS grant on the key: grants are read only from exports (`aws kms list-grants`)",
        ),
    ];
    absent
        .into_iter()
        .filter(|(missing, _)| *missing)
        .map(|(_, what)| what.to_owned())
        .collect()
}

/// `KEY=VALUE` flags into a context; a repeated key becomes multi-valued.
pub(super) fn parse_context(flags: &[String]) -> Result<Context, Error> {
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for f in flags {
        let (k, v) = f
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| usage(format!("--context: `{f}` is not KEY=VALUE")))?;
        match pairs.iter_mut().find(|(pk, _)| pk.eq_ignore_ascii_case(k)) {
            Some((_, vs)) => vs.push(v.to_owned()),
            None => pairs.push((k.to_owned(), vec![v.to_owned()])),
        }
    }
    let mut ctx = Context::default();
    for (k, mut vs) in pairs {
        let value = if vs.len() == 1 {
            ContextValue::Single(vs.remove(0))
        } else {
            ContextValue::Multi(vs)
        };
        ctx.insert(&k, value);
    }
    Ok(ctx)
}

#[derive(Serialize)]
struct CaseLine<'a> {
    id: &'a str,
    decision: Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<Decision>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    indeterminate: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<String>,
}

fn run_cases(path: &str, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitStatus, Error> {
    let reader = fs::lines(path).map_err(|why| Error::File {
        path: path.to_owned(),
        why,
    })?;
    run_case_lines(reader, path, out, err)
}

/// Decides every case read from `reader`; the heart of `simulate --cases`. Cases are read
/// in batches decided on all worker threads, and written in the order read. A thread of its
/// own reads the next batch while one is decided: copying a large file into memory is
/// work of its own, which the deciding would otherwise wait for.
pub fn run_case_lines(
    reader: impl BufRead + Send + 'static,
    path: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let file: Arc<str> = Arc::from(path);
    let mut tally = Tally::default();
    // One batch read ahead at most: memory stays bounded by a few batches.
    let (send, batches) = std::sync::mpsc::sync_channel(1);
    // Decided batches go back to the reader, which fills them again: a case file is read
    // into the same few buffers, not into fresh memory the kernel must zero.
    let (give_back, returned) = std::sync::mpsc::channel();
    let name = path.to_owned();
    // The reader is not waited for: a run that stops early (its output closed) must not
    // hang on a reader blocked on its input. It stops at its next batch, or with the process.
    std::thread::Builder::new()
        .name("cases-reader".to_owned())
        .spawn(move || read_batches(reader, &name, &send, &returned))
        .map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
    for batch in batches {
        let batch: Batch = batch?;
        let decided: Vec<Decided> = {
            use rayon::prelude::*;
            let chunks: Vec<Vec<Decided>> = batch
                .lines
                .par_chunks(STAGED)
                .map(|lines| decide_lines(&batch.text, lines, &file))
                .collect();
            chunks.into_iter().flatten().collect()
        };
        // The reader may have stopped: the buffer is then dropped here.
        let _ = give_back.send(batch);
        for d in decided {
            // One write for a case's errors: standard error is not buffered.
            if !d.errors.is_empty() {
                let _ = err.write_all(d.errors.as_bytes());
            }
            tally.add(&d);
            if let Some(record) = d.record {
                out.write_all(&record.map_err(Error::Output)?)
                    .map_err(Error::Output)?;
            }
        }
    }
    if tally.with_expected > 0 {
        writeln!(out, "{} passed, {} failed", tally.passed, tally.failed).map_err(Error::Output)?;
    }
    Ok(if tally.unreadable > 0 {
        ExitStatus::Error
    } else if tally.failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Lines read from a case file: their text, one after another, and each line's number and
/// place in it.
#[derive(Default)]
struct Batch {
    text: String,
    lines: Vec<(usize, std::ops::Range<usize>)>,
}

/// Reads the non-blank lines of `reader` in batches and sends them on `send`, filling the
/// batches that come back on `returned` before making new ones; a line that cannot be read
/// ends the reading with its error, sent after every line read before it. Stops when nobody
/// receives.
fn read_batches(
    mut reader: impl BufRead,
    path: &str,
    send: &std::sync::mpsc::SyncSender<Result<Batch, Error>>,
    returned: &std::sync::mpsc::Receiver<Batch>,
) {
    /// Lines decided together: enough that the workers seldom wait for each other at the
    /// end of a batch (with 256, 50,000 cases took about 5% longer), few enough to hold (with
    /// 4,096, the run's peak memory doubled and its page faults tripled, which cost what
    /// the fewer waits saved). A line may be as long as [`fs::MAX_LINE_BYTES`], so a batch
    /// is bounded in bytes too.
    const BATCH: usize = 1024;
    const BATCH_BYTES: usize = 8 << 20;
    let next = || match returned.try_recv() {
        Ok(mut batch) => {
            batch.text.clear();
            batch.lines.clear();
            batch
        }
        // Room for the most a batch holds, so that it is never copied as it grows (pages
        // are only touched when written).
        Err(_) => Batch {
            text: String::with_capacity(BATCH_BYTES + fs::MAX_LINE_BYTES as usize + 2),
            lines: Vec::with_capacity(BATCH),
        },
    };
    let mut batch = next();
    let mut line = String::new();
    let mut lineno = 0;
    loop {
        let more = match fs::read_line(&mut reader, &mut line) {
            Ok(more) => more,
            Err(why) => {
                // Every line before the unreadable one is answered, then the run stops.
                if !batch.lines.is_empty() && send.send(Ok(std::mem::take(&mut batch))).is_err() {
                    return;
                }
                let _ = send.send(Err(Error::File {
                    path: format!("{path}:{}", lineno + 1),
                    why,
                }));
                return;
            }
        };
        if more {
            lineno += 1;
            if !line.trim().is_empty() {
                let start = batch.text.len();
                batch.text.push_str(&line);
                batch.lines.push((lineno, start..batch.text.len()));
            }
        }
        let full = batch.lines.len() == BATCH || batch.text.len() >= BATCH_BYTES;
        let done = full || (!more && !batch.lines.is_empty());
        if done
            && send
                .send(Ok(std::mem::replace(&mut batch, next())))
                .is_err()
        {
            return;
        }
        if !more {
            return;
        }
    }
}

/// What one line of a case file came to.
struct Decided {
    /// `error: …` lines, each ending in a newline.
    errors: String,
    /// The case's JSON line, with its newline; none when the line is no case.
    record: Option<std::io::Result<Vec<u8>>>,
    unreadable: bool,
    /// Whether the decision was the one expected, when one was.
    as_expected: Option<bool>,
}

/// Counts over the cases of a file.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    with_expected: usize,
    unreadable: usize,
}

impl Tally {
    fn add(&mut self, d: &Decided) {
        self.unreadable += usize::from(d.unreadable);
        if let Some(ok) = d.as_expected {
            self.with_expected += 1;
            if ok {
                self.passed += 1;
            } else {
                self.failed += 1;
            }
        }
    }
}

/// Lines a worker takes through each stage together (read and compile them all, then decide
/// them all, then write them all): one stage's code stays in the processor's caches for
/// many cases instead of being evicted by the next stage's after each one.
const STAGED: usize = 32;

/// Reads and decides lines of a case file, each stage for all of them in turn.
fn decide_lines(
    text: &str,
    lines: &[(usize, std::ops::Range<usize>)],
    file: &Arc<str>,
) -> Vec<Decided> {
    let cases: Vec<Result<Case, CaseError>> = lines
        .iter()
        .map(|(n, at)| parse_case(text.get(at.clone()).unwrap_or_default(), file, *n))
        .collect();
    let decided: Vec<Result<(&Case, Response<'_>), &CaseError>> = cases
        .iter()
        .map(|c| c.as_ref().map(|case| (case, case.decide())))
        .collect();
    decided
        .into_iter()
        .map(|d| match d {
            Ok((case, response)) => written(case, &response),
            Err(e) => Decided {
                errors: format!("error: {e}\n"),
                record: None,
                unreadable: true,
                as_expected: None,
            },
        })
        .collect()
}

/// What a case read and decided came to, its line written.
fn written(case: &Case, response: &Response<'_>) -> Decided {
    let errors: String = case
        .errors
        .iter()
        .map(|e| format!("error: {e}\n"))
        .collect();
    let record = CaseLine {
        id: &case.id,
        decision: response.decision,
        expected: case.expected.filter(|e| *e != response.decision),
        indeterminate: response.is_indeterminate() || !case.errors.is_empty(),
        errors: case.errors.iter().map(ToString::to_string).collect(),
    };
    let line = serde_json::to_vec(&record)
        .map(|mut l| {
            l.push(b'\n');
            l
        })
        .map_err(std::io::Error::from);
    Decided {
        errors,
        record: Some(line),
        unreadable: !case.errors.is_empty(),
        as_expected: case.expected.map(|want| want == response.decision),
    }
}

/// `simulate --inventory`: the request's policies come from the inventory; the policy
/// flags add to them (`--identity-policy`, `--session-policy`, `--vpc-endpoint-policy`) or
/// replace what it has (`--resource-policy`, `--boundary`, `--scp`, `--rcp`,
/// `--resource-account`).
fn with_inventory(
    args: &SimulateArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let (principal, action, resource, context) = request_flags(args)?;
    // The flags' files first: a bad one is a usage error before anything is loaded.
    let flags = FlagPolicies::load(args, err)?;

    let inv = args.inventory.load_with(args.templates.options()?, err)?;
    let mut assembled = inv.request_context(&principal, action, resource);
    if let Some(acct) = &args.resource_account {
        assembled.resource_account = Some(acct.clone());
    }
    assembled.identity.extend(flags.identity.iter());
    if let Some(b) = &flags.boundary {
        assembled.boundary = vec![b];
    }
    if let Some(r) = &flags.resource_policy {
        assembled.resource_policy = Some(r);
    }
    if !args.scp.is_empty() {
        assembled.scps = flags.scps();
    }
    if !args.rcp.is_empty() {
        assembled.rcps = flags.rcps();
    }
    let request = assembled.request(action, context);
    let mut set = assembled.policy_set();
    set.session = flags.session.as_ref();
    set.vpc_endpoint = flags.vpce.iter().collect();
    let response = authorize(&request, &set);
    let why = report::simulate::Explanation {
        near: crate::eval::explain::near_misses(&request, &set, &response),
        assumed: Vec::new(),
    };
    report::simulate::with_inventory(
        &request,
        &response,
        &assembled,
        &inv.problems,
        &why,
        args.format,
        out,
    )
    .map_err(Error::Output)?;
    let verified = assembled.relevant_unknowns(response.decision).is_empty();
    let status = if response.decision == Decision::Allow && verified {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    };
    Ok(with_load_errors(&inv, status))
}
