//! Policy files as users have them: a bare policy document, or the output of the AWS CLI
//! command that exported it, read as it is.
//!
//! The exports that carry one document are those [`crate::load::classify`] knows
//! (docs/semantics.md §9.1): `get-bucket-policy`, `get-key-policy`, `get-repository-policy`,
//! `get-registry-policy`, `get-model-package-group-policy`, `describe-policy`,
//! `get-role-policy`, `get-policy-version`, `get-role`. An embedded document may be a JSON
//! object, a JSON string, or a URL-encoded JSON string (the raw IAM API form).

use std::sync::Arc;

use crate::json::{Json, Pointer};
use crate::load::classify::{self, decode_document, FileKind};
use crate::policy::{
    DocKind, Origin, ParseError, ParseErrorKind, ParseErrors, Policy, MAX_POLICY_BYTES,
};
use crate::rules::doc::DocFacts;
use crate::rules::read_policy as validate_policy;

/// Checks a policy given as file text (bare or wrapped): the model, or every error the one
/// validation finds ([`crate::rules::read_policy`]).
pub fn parse_policy_text(text: &str, file: Arc<str>, kind: DocKind) -> Result<Policy, ParseErrors> {
    let fail = |carrier: Option<Pointer>, kind: ParseErrorKind| {
        ParseErrors(vec![ParseError {
            file: Some(file.clone()),
            carrier,
            pointer: Pointer::root(),
            kind,
        }])
    };
    if text.len() > MAX_POLICY_BYTES * 2 {
        return Err(fail(None, ParseErrorKind::TooLarge(text.len())));
    }
    let arena = Json::arena_for(text.len());
    let (json, bound) = Json::parse_in(text, &arena)
        .map_err(|e| fail(None, ParseErrorKind::Json(e.to_string())))?;
    let checked = |doc: &Json<'_>, origin: Origin, text: Option<&str>, bound: Option<usize>| {
        let file = origin.file.clone();
        let carrier = origin.embedded.then(|| origin.pointer.clone());
        let (policy, errors) =
            validate_policy(doc, kind, origin, text, bound, &DocFacts::default());
        match policy {
            Some(p) if p.defects.is_empty() => Ok(p),
            Some(p) => Err(ParseErrors(
                p.defects
                    .into_iter()
                    .map(|d| ParseError {
                        file: file.clone(),
                        carrier: carrier.clone(),
                        pointer: d.pointer,
                        kind: ParseErrorKind::Rejected {
                            code: d.code,
                            message: d.message,
                        },
                    })
                    .collect(),
            )),
            None => Err(ParseErrors(errors)),
        }
    };
    let carried = match classify::classify(&json) {
        FileKind::Document => None,
        kind => classify::document(&json, kind),
    };
    match carried {
        Some((at, Json::String(raw))) => {
            // Pointers inside a policy carried as a string are relative to that string.
            let inner = decode_document(raw);
            if inner.len() > MAX_POLICY_BYTES {
                return Err(fail(Some(at), ParseErrorKind::TooLarge(inner.len())));
            }
            let json = Json::parse(&inner)
                .map_err(|e| fail(Some(at.clone()), ParseErrorKind::Json(e.to_string())))?;
            checked(
                &json,
                Origin::embedded(file.clone(), at, None),
                Some(&inner),
                None,
            )
        }
        Some((at, doc)) => checked(
            doc,
            Origin {
                file: Some(file.clone()),
                pointer: at,
                ..Origin::default()
            },
            None,
            Some(bound),
        ),
        None => checked(
            &json,
            Origin {
                file: Some(file.clone()),
                ..Origin::default()
            },
            Some(text),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Policy, ParseErrors> {
        parse_policy_text(text, Arc::from("f.json"), DocKind::Resource)
    }

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

    #[test]
    fn reads_bare_and_wrapped_documents() {
        assert!(parse(DOC).is_ok());
        let s = serde_json::to_string(DOC).unwrap();
        assert!(parse(&format!(r#"{{"Policy": {s}}}"#)).is_ok());
        assert!(parse(&format!(r#"{{"Policy": {s}, "PolicyName": "default"}}"#)).is_ok());
        assert!(parse(&format!(
            r#"{{"registryId":"1","repositoryName":"r","policyText": {s}}}"#
        ))
        .is_ok());
        assert!(parse(&format!(r#"{{"ResourcePolicy": {s}}}"#)).is_ok());
        assert!(parse(&format!(
            r#"{{"Policy": {{"PolicySummary": {{}}, "Content": {s}}}}}"#
        ))
        .is_ok());
        assert!(parse(&format!(r#"{{"PolicyVersion": {{"Document": {DOC}}}}}"#)).is_ok());
    }

    #[test]
    fn decodes_url_encoded_documents() {
        let enc = percent_encoding::utf8_percent_encode(DOC, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
        assert!(parse(&format!(r#"{{"PolicyDocument": "{enc}"}}"#)).is_ok());
    }

    #[test]
    fn errors_in_embedded_text_name_where_the_text_is() {
        let bad = serde_json::to_string(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}]}"#).unwrap();
        let e = parse(&format!(r#"{{"Policy": {bad}}}"#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.json: /Policy#/Statement/0/Condition/StringEqualz: unknown condition operator `StringEqualz`"
        );
    }
}
