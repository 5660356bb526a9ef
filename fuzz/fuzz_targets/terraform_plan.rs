//! A Terraform plan (`terraform show -json`), read as the inventory reads any file (its
//! content says it is a plan), with and without `--terraform-account`; assembled requests
//! on it, and `xacct diff` of the plan's before and after.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xacct::audit::diff::{diff, plan_before};
use xacct::eval::{authorize, Context, Principal};
use xacct::inventory::{Inventory, LoadOptions};

const PLAN: &str = "terraform/plan.tfplan.json";

const REQUESTS: [(&str, &str, &str); 2] = [
    (
        "arn:aws:iam::222222222222:role/Deploy",
        "s3:GetObject",
        "arn:aws:s3:::b/key",
    ),
    (
        "arn:aws:iam::222222222222:role/Deploy",
        "sagemaker:CreateModelPackage",
        "arn:aws:sagemaker:us-east-1:111111111111:model-package/models/1",
    ),
];

fuzz_target!(|data: &[u8]| {
    let files = [(PLAN.to_owned(), data.to_vec())];
    // The before side, as `xacct diff PLAN` makes it.
    let before_files = std::str::from_utf8(data)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| serde_json::to_string_pretty(&plan_before(&v)).ok())
        .map(|t| [(format!("{PLAN} (before)"), t.into_bytes())]);
    for account in [None, Some("111111111111".to_owned())] {
        let opts = LoadOptions {
            terraform_account: account,
        };
        let after = Inventory::from_memory(&files, &opts, false);
        for p in &after.problems {
            let _ = p.to_string();
        }
        for (principal, action, resource) in REQUESTS {
            let Ok(principal) = Principal::parse(principal) else {
                continue;
            };
            let assembled = after.request_context(&principal, action, resource);
            let req = assembled.request(action, Context::default());
            let _ = authorize(&req, &assembled.policy_set());
        }
        if let Some(before_files) = &before_files {
            let before = Inventory::from_memory(before_files, &opts, false);
            let report = diff(&before, vec![], &after, vec![]);
            let _ = report.new_cross_account();
        }
    }
});
