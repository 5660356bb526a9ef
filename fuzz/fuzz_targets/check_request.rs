//! The registration request `xacct check` reads (`create-model-package` input JSON): read,
//! then checked against the exports of `fixtures/seed-example` and rendered.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use xacct::inventory::Inventory;
use xacct::load::LoadOptions;
use xacct::scenario::Scenario;
use xacct::workflow::{check, CheckInput, RegistrationRequest};

fn setting() -> Option<&'static (Inventory, Scenario)> {
    static SETTING: OnceLock<Option<(Inventory, Scenario)>> = OnceLock::new();
    SETTING
        .get_or_init(|| {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/seed-example");
            let inv = xacct::load::inventory(&[dir.to_owned()], &LoadOptions::default());
            Some((inv, Scenario::builtin().ok()?))
        })
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(request) = RegistrationRequest::parse(text, Arc::from("create-model-package.json"))
    else {
        return;
    };
    let _ = request.base_variables();
    for p in &request.problems {
        let _ = p.to_string();
    }
    let Some((inv, scenario)) = setting() else {
        return;
    };
    let input = CheckInput {
        caller: "arn:aws:iam::222222222222:role/SageMakerTrainingRole".into(),
        consumer: Some("arn:aws:iam::111111111111:role/ModelRegistryDeployRole".into()),
        artifact_key: None,
    };
    if let Ok(report) = check(inv, scenario, &request, &input) {
        let _ = xacct::report::check_table(&report);
        let _ = xacct::report::check::check_json(&report);
    }
});
