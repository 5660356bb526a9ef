//! Reading many inputs with less allocation: one read buffer per thread, a statement's
//! `Effect`s compared without a list. Each gives what reading from scratch gives.

use xacct::json::Json;
use xacct::load::fs::read_into;
use xacct::policy::{DocKind, Effect, Origin, Policy};

#[test]
fn a_reused_buffer_holds_only_the_file_read() {
    let dir = crate::util::scratch("read-into");
    let (big, small) = (dir.join("big.json"), dir.join("small.json"));
    std::fs::write(&big, "x".repeat(100_000)).unwrap();
    std::fs::write(&small, r#"{"Policy": null}"#).unwrap();
    let mut buf = Vec::new();
    read_into(&big, &mut buf).unwrap();
    assert_eq!(buf.len(), 100_000);
    read_into(&small, &mut buf).unwrap();
    assert_eq!(buf, br#"{"Policy": null}"#);
    // A file that cannot be read is an error, whatever the buffer held.
    assert!(read_into(&dir, &mut buf).is_err());
}

#[test]
fn effects_given_twice_count_only_when_they_agree() {
    let effect = |text: &str| {
        let json = Json::parse(text).unwrap();
        let (policy, errors) =
            Policy::from_json_lenient(&json, DocKind::Identity, Origin::default());
        assert!(!errors.is_empty(), "a duplicate key is an error");
        policy.unwrap().statements[0].effect
    };
    let s = |a: &str, b: &str| {
        format!(
            r#"{{"Statement":{{"Effect":"{a}","Action":"s3:*","Resource":"*","Effect":"{b}"}}}}"#
        )
    };
    assert_eq!(effect(&s("Allow", "Allow")), Some(Effect::Allow));
    assert_eq!(effect(&s("Deny", "Deny")), Some(Effect::Deny));
    assert_eq!(effect(&s("Allow", "Deny")), None);
    assert_eq!(effect(&s("Allow", "Maybe")), None);
    let none = Json::parse(r#"{"Statement":{"Action":"s3:*","Resource":"*"}}"#).unwrap();
    let (p, errors) = Policy::from_json_lenient(&none, DocKind::Identity, Origin::default());
    assert_eq!(p.unwrap().statements[0].effect, None);
    assert!(errors
        .iter()
        .any(|e| e.to_string().contains("missing `Effect`")));
}
