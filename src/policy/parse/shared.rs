//! Values that policies repeat, read once per thread and shared: an organization writes the
//! same few hundred condition keys and actions, and each account its own resources, in
//! millions of statements.

use std::cell::RefCell;
use std::sync::Arc;
use std::thread::LocalKey;

use crate::arn::{ArnGlob, ResourcePattern};
use crate::pattern::{Case, Glob};
use crate::policy::model::{ActionPattern, ResourceEntry, ResourceValue};

/// How many values a table holds at most (a bound on what hostile input can make it hold):
/// a full table is emptied, and fills again with the values read next (an organization is
/// read account by account, and an account repeats its own resources).
const MAX_SHARED: usize = 4096;

/// A table of values by the text they were read from.
pub(super) type Table<T> = RefCell<foldhash::HashMap<Box<str>, T>>;

/// The value `text` reads as: the one `table` holds, or `make`'s, kept for the next time.
pub(super) fn shared<T: Clone>(
    table: &'static LocalKey<Table<T>>,
    text: &str,
    make: impl FnOnce() -> T,
) -> T {
    table.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(v) = t.get(text) {
            return v.clone();
        }
        let v = make();
        if t.len() == MAX_SHARED {
            t.clear();
        }
        t.insert(Box::from(text), v.clone());
        v
    })
}

/// A condition key as written, lowercased, and its hash.
type Key = (Arc<str>, Arc<str>, u64);

thread_local! {
    /// The condition keys read on this thread.
    static KEYS: Table<Key> = Table::default();
}

/// `key`, lowercased and hashed, shared with every condition that writes it the same way.
pub(super) fn shared_key(key: &str) -> Key {
    shared(&KEYS, key, || {
        let lc: Arc<str> = if key.is_ascii() {
            Arc::from(key.to_ascii_lowercase())
        } else {
            Arc::from(key.to_lowercase())
        };
        let written = if *lc == *key {
            lc.clone()
        } else {
            Arc::from(key)
        };
        (written, lc, crate::policy::key_hash(key))
    })
}

thread_local! {
    /// The actions read on this thread.
    static ACTIONS: Table<Arc<ActionPattern>> = Table::default();
}

/// The action `text`, compiled, shared with every statement that writes it the same way.
pub(super) fn shared_action(text: &str) -> Arc<ActionPattern> {
    shared(&ACTIONS, text, || {
        Arc::new(ActionPattern {
            written: Box::from(text),
            glob: Glob::new(text, Case::Insensitive),
        })
    })
}

thread_local! {
    /// The resources without policy variables read on this thread.
    static RESOURCES: Table<Arc<ResourceValue>> = Table::default();
}

/// The resource `text` (without policy variables), compiled, shared with every statement
/// that writes it the same way.
pub(super) fn shared_resource(text: &str) -> Arc<ResourceValue> {
    shared(&RESOURCES, text, || {
        Arc::new(ResourceValue {
            written: Box::from(text),
            entry: ResourceEntry::Static(ResourcePattern::compile(text)),
        })
    })
}

thread_local! {
    /// The plain values of `StringLike` conditions read on this thread.
    static LIKES: Table<Arc<Glob>> = Table::default();
    /// The plain values of `ArnLike` and `ArnEquals` conditions read on this thread.
    static ARNS: Table<Arc<ArnGlob>> = Table::default();
}

/// The `StringLike` value `text` (without policy variables), compiled, shared with every
/// condition that writes it the same way.
pub(super) fn shared_like(text: &str) -> Arc<Glob> {
    shared(&LIKES, text, || Arc::new(Glob::new(text, Case::Sensitive)))
}

/// The `ArnLike`/`ArnEquals` value `text` (without policy variables), compiled, shared with
/// every condition that writes it the same way.
pub(super) fn shared_arn(text: &str) -> Arc<ArnGlob> {
    shared(&ARNS, text, || Arc::new(ArnGlob::new(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Json;
    use crate::policy::{DocKind, Origin, ParseErrors, Policy};

    fn parse(text: &str, kind: DocKind) -> Result<Policy, ParseErrors> {
        Policy::parse_text(text, kind, Origin::default())
    }

    thread_local! {
        static LENGTHS: Table<usize> = Table::default();
    }

    #[test]
    fn values_are_read_once_and_the_table_stays_bounded() {
        // On a thread of its own, so that the table starts empty.
        std::thread::spawn(|| {
            let made = std::cell::Cell::new(0);
            let read = |text: &str| {
                shared(&LENGTHS, text, || {
                    made.set(made.get() + 1);
                    text.len()
                })
            };
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(made.get(), 1, "a value seen before is not read again");
            for i in 0..2 * MAX_SHARED {
                let text = "x".repeat(i % 7) + &i.to_string();
                assert_eq!(read(&text), text.len());
            }
            let held = LENGTHS.with(|t| t.borrow().len());
            assert!(held <= MAX_SHARED && held > 0, "{held}");
            // The first values were let go; read again, they are still right.
            let before = made.get();
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(read("s3:GetObject"), 12);
            assert_eq!(made.get(), before + 1);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn condition_keys_are_shared_and_lowercased() {
        let p = parse(
            r#"{"Statement":[
                {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"1"}}},
                {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"1","AWS:SOURCEACCOUNT":"2","s3:prefix":"p","ÄWS:Ü":"x"}}}
            ]}"#,
            DocKind::Identity,
        )
        .unwrap();
        let a = &p.statements[0].conditions[0];
        let b = &p.statements[1].conditions;
        assert!(
            Arc::ptr_eq(&a.key, &b[0].key),
            "one key written the same way is held once"
        );
        assert_eq!(
            (&*b[1].key, &*b[1].key_lc),
            ("AWS:SOURCEACCOUNT", "aws:sourceaccount")
        );
        assert_eq!(b[1].key_hash, a.key_hash);
        assert!(
            Arc::ptr_eq(&b[2].key, &b[2].key_lc),
            "a lowercase key is its own lowercase"
        );
        assert_eq!(&*b[3].key_lc, "äws:ü");
        assert_eq!(b[3].key_hash, crate::policy::key_hash("äws:ü"));
    }

    #[test]
    fn actions_are_shared_and_keep_how_they_are_written() {
        let p = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","S3:getobject"],"Resource":"*"},
                {"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}]}"#,
            DocKind::Identity,
        )
        .unwrap();
        let a = &p.statements[0].action.as_ref().unwrap().patterns;
        let b = &p.statements[1].action.as_ref().unwrap().patterns;
        assert!(Arc::ptr_eq(&a[0], &b[0]));
        assert_eq!(
            (&*a[0].written, &*a[1].written),
            ("s3:GetObject", "S3:getobject")
        );
        assert!(a.iter().all(|p| p.glob.is_match_lowercase("s3:getobject")));
        assert_eq!(
            crate::policy::names::action_texts(&p.statements[1].action),
            ["not s3:GetObject"]
        );
    }

    #[test]
    fn like_and_arn_values_are_shared_unless_they_have_variables() {
        use crate::policy::model::{ArnValue, LikeValue, Values};
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
                    "StringLike":{"s3:prefix":["home/*","Home/*","home/${aws:username}/*"]},
                    "ArnLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/app-*","ARN:aws:iam::*:role/x"]}}},
                {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{
                    "StringNotLike":{"s3:prefix":"home/*"},
                    "ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::*:role/app-*"}}}]}"#,
            DocKind::Identity,
        )
        .unwrap();
        let likes = |s: usize, c: usize| match &p.statements[s].conditions[c].values {
            Values::Likes(v) => v.clone(),
            other => panic!("{other:?}"),
        };
        let arns = |s: usize, c: usize| match &p.statements[s].conditions[c].values {
            Values::Arns(v) => v.clone(),
            other => panic!("{other:?}"),
        };
        let (a, b) = (likes(0, 0), likes(1, 0));
        let (LikeValue::Plain(home), LikeValue::Plain(upper), LikeValue::Plain(again)) =
            (&a[0], &a[1], &b[0])
        else {
            panic!("{a:?} {b:?}")
        };
        assert!(
            Arc::ptr_eq(home, again),
            "one value written the same way is held once"
        );
        // `StringLike` is case-sensitive: a value written otherwise is another pattern.
        assert!(!Arc::ptr_eq(home, upper));
        assert!(home.is_match("home/a") && !home.is_match("Home/a") && upper.is_match("Home/a"));
        assert!(
            matches!(a[2], LikeValue::Template(_)),
            "a template is read per condition"
        );
        let (a, b) = (arns(0, 1), arns(1, 1));
        let (ArnValue::Plain(app), ArnValue::Plain(again)) = (&a[0], &b[0]) else {
            panic!("{a:?} {b:?}")
        };
        assert!(Arc::ptr_eq(app, again));
        assert!(app.is_match("arn:aws:iam::111122223333:role/app-x"));
        assert!(!app.is_match("arn:aws:iam::111122223333:role/other"));
    }

    #[test]
    fn resources_are_shared_unless_they_have_variables() {
        let (p, errors) = Policy::from_json_lenient(
            &Json::parse(
                r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/${aws:username}"]},
                {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/${aws:username}","arn:aws:s3:::b/${bad"]}]}"#,
            )
            .unwrap(),
            DocKind::Identity,
            Origin::default(),
        );
        let p = p.unwrap();
        let a = &p.statements[0].resource.as_ref().unwrap().patterns;
        let b = &p.statements[1].resource.as_ref().unwrap();
        assert!(Arc::ptr_eq(&a[0], &b.patterns[0]));
        assert!(
            !Arc::ptr_eq(&a[1], &b.patterns[1]),
            "a template is read per statement"
        );
        assert!(matches!(b.patterns[1].entry, ResourceEntry::Template(_)));
        // A value that cannot be read keeps its text for messages, matches nothing, and
        // leaves the set partial.
        assert_eq!(&*b.patterns[2].written, "arn:aws:s3:::b/${bad");
        assert!(matches!(b.patterns[2].entry, ResourceEntry::Invalid));
        assert!(b.partial && !p.statements[0].resource.as_ref().unwrap().partial);
        assert_eq!(errors.len(), 1);
    }
}
