//! A whole decision case file (`xacct simulate --cases`), as bytes in any encoding: its
//! lines read as `simulate` reads them, each read as a case and decided.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use xacct::load::cases::parse_case;
use xacct::load::fs::{decoded_lines, read_line};

fuzz_target!(|data: &[u8]| {
    let input = Box::new(std::io::Cursor::new(data.to_vec()));
    let Ok(mut lines) = decoded_lines(input) else {
        return;
    };
    let file: Arc<str> = Arc::from("cases.jsonl");
    let mut line = String::new();
    let mut n = 0;
    while let Ok(true) = read_line(&mut lines, &mut line) {
        n += 1;
        if let Ok(case) = parse_case(&line, &file, n) {
            let _ = case.decide();
        }
    }
});
