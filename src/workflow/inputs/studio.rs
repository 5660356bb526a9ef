//! Studio: who registers a model version from Studio's "Register model version" form. The
//! form calls `CreateModelPackage` as the user profile's execution role
//! (`describe-user-profile`: `UserSettings.ExecutionRole`), or, when the profile names none,
//! as its domain's default (`describe-domain`: `DefaultUserSettings.ExecutionRole`).

use std::sync::Arc;

use crate::json::{Json, Pointer};
use crate::load::classify::{classify, FileKind};

/// The execution role a user profile or domain names, and where it is (for the report).
pub fn execution_role(json: &Json<'_>, file: &Arc<str>) -> Result<(String, String), String> {
    let (settings, what) = match classify(json) {
        FileKind::UserProfile => ("UserSettings", "user profile"),
        _ => ("DefaultUserSettings", "domain"),
    };
    let name = json
        .get("UserProfileName")
        .or_else(|| json.get("DomainName"))
        .and_then(Json::as_str)
        .unwrap_or("?");
    let at = Pointer::root().key(settings).key("ExecutionRole");
    match json
        .get(settings)
        .and_then(|s| s.get("ExecutionRole"))
        .and_then(Json::as_str)
    {
        Some(role) if crate::eval::Principal::parse(role).is_ok() => Ok((
            role.to_owned(),
            format!("the execution role of Studio {what} `{name}` ({file}: {at})"),
        )),
        Some(role) => Err(format!("{file}: {at}: `{role}` is not a role ARN")),
        None if what == "user profile" => Err(format!(
            "{file}: {at}: the user profile names no execution role: it uses its domain's default, so give the domain (`describe-domain`) instead"
        )),
        None => Err(format!("{file}: {at}: the domain names no default execution role")),
    }
}
