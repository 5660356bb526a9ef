//! SageMaker exports: a model package group's policy
//! (`<account>/<region>/sagemaker/<group>.json`) and `describe-model-package-group`, which
//! names its group and says it exists. The inputs of `xacct check` (a `create-model-package`
//! input, a pipeline definition, a training job, a Studio profile or domain) are not exports:
//! found among them, they are named as such.

use std::sync::Arc;

use super::{misplaced, policy_or_marker, str_at, unrecognized, Placed};
use crate::arn::Arn;
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, Item};
use crate::inventory::{Known, ModelPackageGroup, Provenance};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::policy::DocKind;

/// `get-model-package-group-policy` (or its error marker) at a group's place.
pub(super) fn group_policy(json: &Json<'_>, kind: FileKind, at: &Placed<'_>, out: &mut FileOutput) {
    let doc = DocKind::ModelPackageGroup;
    let policy = policy_or_marker(json, kind, at.file, doc, at.name, &mut out.problems);
    let group = Box::new(ModelPackageGroup {
        region: at.region.to_owned(),
        name: at.name.to_owned(),
        policy,
        at: Provenance::file(at.file),
    });
    let account = at.account.to_owned();
    out.items.push(Item::ModelPackageGroup { account, group });
}

/// `describe-model-package-group`, anywhere: the group exists.
pub(super) fn describe_group(
    json: &Json<'_>,
    file: &Arc<str>,
    folder: Option<&str>,
    out: &mut FileOutput,
) {
    let kind = FileKind::ModelPackageGroup;
    let arn = str_at(json, "ModelPackageGroupArn").and_then(Arn::parse);
    let Some(a) = arn.filter(|a| a.resource.starts_with("model-package-group/")) else {
        return unrecognized(out, file, kind, "has no model package group ARN");
    };
    if folder.is_some_and(|f| f != a.account) {
        misplaced(
            out,
            file,
            folder,
            a.account,
            Pointer::root().key("ModelPackageGroupArn"),
        );
        return;
    }
    let name = a
        .resource
        .strip_prefix("model-package-group/")
        .unwrap_or_default();
    let group = Box::new(ModelPackageGroup {
        region: a.region.to_owned(),
        name: name.to_owned(),
        policy: Known::NotExported,
        at: Provenance::file(file),
    });
    let account = a.account.to_owned();
    out.items.push(Item::ModelPackageGroup { account, group });
}

/// An input of `xacct check` found among the exports: not used, and said so.
pub(super) fn check_input(out: &mut FileOutput, file: &Arc<str>, kind: FileKind) {
    out.problems.push(Diagnostic::in_file(
        &codes::EXPORT_NOT_USED,
        file,
        None,
        format!(
            "this file ({}) is an input of `xacct check --request`, not an export",
            kind.command()
        ),
    ));
}
