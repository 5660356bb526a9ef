//! ECR exports: a repository's policy (`<account>/<region>/ecr/<repository>.json`, the name
//! may nest folders) and the registry's (`<account>/<region>/ecr-registry-policy.json`).

use std::sync::Arc;

use super::{document_of, error_marker, policy_at, policy_or_marker, str_at, Placed};
use crate::diagnostic::{codes, Diagnostic};
use crate::inventory::merge::{FileOutput, Item};
use crate::inventory::{Provenance, Repository};
use crate::json::{Json, Pointer};
use crate::load::classify::FileKind;
use crate::policy::DocKind;

/// `get-repository-policy` (or its error marker) at a repository's place.
pub(super) fn repository(
    json: &Json<'_>,
    kind: FileKind,
    place: &Placed<'_>,
    out: &mut FileOutput,
) {
    let Placed {
        file,
        account,
        region,
        name,
    } = *place;
    let (policy, name) = match kind {
        FileKind::ErrorMarker => (error_marker(json, file), name.to_owned()),
        _ => {
            let (doc, at) = document_of(json, kind);
            let real = str_at(json, "repositoryName").unwrap_or(name).to_owned();
            if let Some(reg) = str_at(json, "registryId") {
                if reg != account {
                    out.problems.push(Diagnostic::in_file(
                        &codes::EXPORT_IN_WRONG_ACCOUNT,
                        file,
                        Some(Pointer::root().key("registryId")),
                        format!("the repository belongs to account {reg}, but the file is in the folder of account {account}"),
                    ));
                    return;
                }
            }
            (
                policy_at(
                    doc,
                    &at,
                    file,
                    DocKind::Repository,
                    Some(Arc::from(real.as_str())),
                    Some((account, region)),
                    &mut out.problems,
                ),
                real,
            )
        }
    };
    let repository = Box::new(Repository {
        region: region.to_owned(),
        name,
        policy,
        at: Provenance::file(file),
    });
    let account = account.to_owned();
    out.items.push(Item::Repository {
        account,
        repository,
    });
}

/// `get-registry-policy` (or its error marker).
pub(super) fn registry_policy(
    json: &Json<'_>,
    kind: FileKind,
    file: &Arc<str>,
    account: &str,
    region: &str,
    out: &mut FileOutput,
) {
    let name = "registry policy";
    let policy = policy_or_marker(json, kind, file, DocKind::Registry, name, &mut out.problems);
    out.items.push(Item::RegistryPolicy {
        account: account.to_owned(),
        region: region.to_owned(),
        policy,
    });
}
