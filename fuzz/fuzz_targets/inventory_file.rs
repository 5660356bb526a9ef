//! One export file, read at several places of the export layout (the path decides the
//! account, region and service a file is read for), merged into an inventory, and the
//! inventory used: the access graph and a few assembled requests.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xacct::eval::{authorize, Context, Principal};
use xacct::graph::Graph;
use xacct::load::{inventory_in_memory, LoadOptions};

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
});
