//! One line of a decision case file (`xacct simulate --cases`): read, decided, rendered.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use xacct::load::cases::parse_case;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file: Arc<str> = Arc::from("cases.jsonl");
    let Ok(case) = parse_case(text, &file, 1) else {
        return;
    };
    let response = case.decide();
    let _ = xacct::report::decision_table(&case.request, &response);
    let _ = xacct::report::simulate::decision_json(&case.request, &response);
});
