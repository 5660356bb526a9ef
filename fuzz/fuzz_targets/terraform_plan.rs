//! A Terraform plan (`terraform show -json`), read as the inventory reads any file (its
//! content says it is a plan), with and without `--terraform-account`; assembled requests
//! on it, and `xacct diff` of the plan's before and after (the same bytes read for each side).
#![no_main]

use libfuzzer_sys::fuzz_target;
use xacct::diff::diff;
use xacct::eval::{authorize, Context, Principal};
use xacct::load::{inventory_in_memory, LoadOptions, PlanSide};

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
    for account in [None, Some("111111111111".to_owned())] {
        let opts = LoadOptions {
            terraform_account: account,
            ..LoadOptions::default()
        };
        let after = inventory_in_memory(&files, &opts, false);
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
        // The before side, as `xacct diff PLAN` reads it.
        let before_opts = LoadOptions {
            plan_side: PlanSide::Before,
            ..opts.clone()
        };
        let before = inventory_in_memory(&files, &before_opts, false);
        let report = diff(&before, vec![], &after, vec![]);
        let _ = report.new_cross_account();
    }
});
