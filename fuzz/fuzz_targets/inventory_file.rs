//! One export file, read at several places of the export layout (the path decides the
//! account, region and service a file is read for), merged into an inventory, and the
//! inventory used: the access graph and a few assembled requests. The places of the file's
//! nodes are found from the starts of its lists' elements as from the top of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xacct::eval::{authorize, Context, Principal};
use xacct::graph::Graph;
use xacct::json::{Json, Pointer};
use xacct::load::{inventory_in_memory, LoadOptions};
use xacct::source::many::{locate_many, locate_many_from, Anchors};

/// The pointers of `json`'s nodes down to `depth` below `at` (at most `room` of them), and
/// one below each that names nothing.
fn pointers(json: &Json<'_>, at: &Pointer, depth: usize, room: &mut usize, out: &mut Vec<Pointer>) {
    if *room == 0 {
        return;
    }
    *room -= 1;
    out.push(at.clone());
    if depth == 0 {
        return;
    }
    out.push(at.key("no such member"));
    match json {
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, &at.index(i), depth - 1, room, out);
            }
        }
        Json::Object(members) => {
            for (k, v) in members.iter() {
                pointers(v, &at.key(k), depth - 1, room, out);
            }
        }
        _ => {}
    }
}

const PATHS: [&str; 5] = [
    "111111111111/iam.json",
    "111111111111/s3/b.policy.json",
    "111111111111/us-east-1/kms/k.policy.json",
    "org/policies/p-1.json",
    "plan.json",
];

const REQUESTS: [(&str, &str, &str); 3] = [
    (
        "arn:aws:iam::222222222222:role/Deploy",
        "s3:GetObject",
        "arn:aws:s3:::b/key",
    ),
    (
        "arn:aws:iam::111111111111:role/Admin",
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111111111111:key/k",
    ),
    (
        "arn:aws:iam::111111111111:user/alice",
        "iam:PassRole",
        "arn:aws:iam::111111111111:role/Admin",
    ),
];

fuzz_target!(|data: &[u8]| {
    let opts = LoadOptions::default();
    for path in PATHS {
        let inv = inventory_in_memory(&[(path.to_owned(), data.to_vec())], &opts, false);
        let _ = inv.has_errors();
        for p in &inv.problems {
            let _ = p.to_string();
        }
        let _ = Graph::build(&inv);
        for (principal, action, resource) in REQUESTS {
            let Ok(principal) = Principal::parse(principal) else {
                continue;
            };
            let assembled = inv.request_context(&principal, action, resource);
            let req = assembled.request(action, Context::default());
            let _ = authorize(&req, &assembled.policy_set());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let arena = Json::arena_for(text.len());
        if let Ok((json, _)) = Json::parse_in(text, &arena) {
            let mut all = Vec::new();
            pointers(&json, &Pointer::root(), 4, &mut 400, &mut all);
            let anchors = Anchors::of(text, &json);
            assert_eq!(
                locate_many_from(text, &all, &anchors),
                locate_many(text, &all),
                "places from the starts of list elements differ"
            );
        }
    }
});
