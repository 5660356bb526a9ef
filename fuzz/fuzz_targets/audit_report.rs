//! Audit JSON reports read back: `--baseline` and `audit merge`, then the merged report
//! written in every format against the baseline, as `xacct audit merge --baseline` does.
//!
//! What a merge writes as JSON must read back as a baseline.
//!
//! The input is reports separated by NUL bytes: the first is read as the baseline, the
//! others (or the first, when alone) as the shards to merge.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xacct::audit::outcome::{merge_texts, Baseline, Collector};
use xacct::report::audit::Writer;
use xacct::report::Format;

const FORMATS: [Format; 4] = [Format::Table, Format::Json, Format::Jsonl, Format::Sarif];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parts: Vec<&str> = text.split('\0').collect();
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    let shards = if rest.is_empty() { &parts[..] } else { rest };
    let reports: Vec<(String, String)> = shards
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("shard-{}.json", i + 1), (*t).to_owned()))
        .collect();
    let baseline_ok = Baseline::parse("baseline.json", first).is_ok();
    if merge_texts(&reports).is_err() {
        return;
    }
    for format in FORMATS {
        let Ok(merged) = merge_texts(&reports) else {
            return;
        };
        let baseline = if baseline_ok {
            Baseline::parse("baseline.json", first).ok()
        } else {
            None
        };
        let compared = baseline.is_some();
        let mut out = Vec::new();
        let mut writer = Writer::new(format, &mut out, merged.fail_on);
        let Ok(mut collector) = Collector::start(&mut writer, merged.fail_on, None, baseline)
        else {
            continue;
        };
        for f in merged.findings {
            let _ = collector.push(f);
        }
        let written = collector.finish(merged.totals).is_ok();
        drop(writer);
        // A full JSON report that xacct writes, `--baseline` reads back.
        if written && format == Format::Json && !compared {
            let text = String::from_utf8_lossy(&out);
            if let Err(e) = Baseline::parse("merged.json", &text) {
                panic!("the merged report does not read back as a baseline: {e}");
            }
        }
    }
});
