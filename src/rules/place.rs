//! Where a value of a view ([`crate::rules::doc`]) is in its document: a [`Place`] names
//! the steps from the document's root to the value, and the JSON pointer is written out
//! only when a rule reports the value ([`Place::pointer`]). Views are built for every
//! document a run reads, and almost none of their values are ever reported: writing every
//! pointer up front cost an allocation per value.

use crate::json::Pointer;

/// The most object keys a place of a view has below its statement
/// (`Condition/StringEquals/aws:SourceAccount`).
const KEYS: usize = 3;

/// The place of a value of a view: the document's root pointer, then (when inside a
/// statement) `Statement` and the statement's index (none for a lone statement object),
/// then up to three object keys, then an array index. [`Place::pointer`] writes the
/// pointer.
#[derive(Debug, Clone)]
pub struct Place<'d>(Repr<'d>);

#[derive(Debug, Clone)]
enum Repr<'d> {
    /// The steps (what views build).
    Steps {
        root: &'d Pointer,
        /// `None`: not inside `Statement`; `Some(None)`: the lone statement object;
        /// `Some(Some(i))`: statement `i` of the array.
        statement: Option<Option<usize>>,
        keys: [&'d str; KEYS],
        len: u8,
        index: Option<usize>,
    },
    /// A place deeper than views go, written out.
    Written(Pointer),
}

impl<'d> Place<'d> {
    /// The document's root.
    pub fn root(root: &'d Pointer) -> Place<'d> {
        Place(Repr::Steps {
            root,
            statement: None,
            keys: [""; KEYS],
            len: 0,
            index: None,
        })
    }

    /// `Statement` of the document at `root`: `/Statement/index`, or `/Statement` for a
    /// lone statement object (`index` is `None`).
    pub fn statement(root: &'d Pointer, index: Option<usize>) -> Place<'d> {
        Place(Repr::Steps {
            root,
            statement: Some(index),
            keys: [""; KEYS],
            len: 0,
            index: None,
        })
    }

    /// This place followed by an object key. Views go at most three keys below a
    /// statement and never below an array index; past that (no view does it), the place is
    /// written out at once, so it stays right.
    pub fn key(&self, key: &'d str) -> Place<'d> {
        let mut next = self.clone();
        if let Repr::Steps {
            keys,
            len,
            index: None,
            ..
        } = &mut next.0
        {
            if let Some(slot) = keys.get_mut(usize::from(*len)) {
                *slot = key;
                *len += 1;
                return next;
            }
        }
        Place(Repr::Written(self.pointer().key(key)))
    }

    /// This place followed by an array index (views put one only at the end).
    pub fn index(&self, i: usize) -> Place<'d> {
        match &self.0 {
            Repr::Steps { index: None, .. } => {
                let mut next = self.clone();
                if let Repr::Steps { index, .. } = &mut next.0 {
                    *index = Some(i);
                }
                next
            }
            _ => Place(Repr::Written(self.pointer().index(i))),
        }
    }

    /// The JSON pointer to the place.
    pub fn pointer(&self) -> Pointer {
        let (root, statement, keys, len, index) = match &self.0 {
            Repr::Written(p) => return p.clone(),
            Repr::Steps {
                root,
                statement,
                keys,
                len,
                index,
            } => (root, statement, keys, len, index),
        };
        let mut s = String::with_capacity(root.as_str().len() + 48);
        s.push_str(root.as_str());
        if let Some(statement) = statement {
            s.push_str("/Statement");
            if let Some(i) = statement {
                s.push('/');
                s.push_str(itoa::Buffer::new().format(*i));
            }
        }
        for key in keys.iter().take(usize::from(*len)) {
            s.push('/');
            Pointer::escape_into(key, &mut s);
        }
        if let Some(i) = index {
            s.push('/');
            s.push_str(itoa::Buffer::new().format(*i));
        }
        Pointer::from_escaped(s)
    }
}

impl From<Place<'_>> for Pointer {
    fn from(place: Place<'_>) -> Pointer {
        place.pointer()
    }
}

impl From<&Place<'_>> for Pointer {
    fn from(place: &Place<'_>) -> Pointer {
        place.pointer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_write_the_pointers_of_their_steps() {
        let root = Pointer::root().key("RoleDetailList").index(3);
        let s = Place::statement(&root, Some(2));
        assert_eq!(s.pointer().as_str(), "/RoleDetailList/3/Statement/2");
        let v = s.key("Condition").key("StringLike").key("a/b~c").index(1);
        assert_eq!(
            v.pointer().as_str(),
            "/RoleDetailList/3/Statement/2/Condition/StringLike/a~1b~0c/1"
        );
        let lone = Place::statement(&root, None).key("Action");
        assert_eq!(
            lone.pointer().as_str(),
            "/RoleDetailList/3/Statement/Action"
        );
        let empty = Pointer::root();
        assert_eq!(
            Place::root(&empty).key("Version").pointer().as_str(),
            "/Version"
        );
        assert_eq!(Place::root(&empty).pointer().as_str(), "");
    }

    #[test]
    fn places_deeper_than_views_go_stay_right() {
        let root = Pointer::root();
        let deep = Place::statement(&root, Some(0))
            .key("a")
            .key("b")
            .key("c")
            .key("d")
            .index(4)
            .index(5)
            .key("e");
        assert_eq!(deep.pointer().as_str(), "/Statement/0/a/b/c/d/4/5/e");
        let expected = Pointer::parse("/Statement/0/a/b/c/d/4/5/e").unwrap();
        assert_eq!(deep.pointer(), expected);
    }

    #[test]
    fn views_place_every_value_where_it_is() {
        use crate::json::Json;
        use crate::rules::doc::statements;
        let j = Json::parse(
            r#"{"Statement":{"Sid":"s","Effect":"Allow","Principal":"arn:aws:iam::1:root",
                "Action":"s3:GetObject","NotResource":["a","b/c"],
                "Condition":{"StringLike":{"k/e~y":["x", 5]},"Bool":{"aws:SecureTransport":true}}}}"#,
        )
        .unwrap();
        let root = Pointer::root().key("PolicyDocument");
        let catalog = crate::catalog::catalog().unwrap();
        let views = statements(&j, &root, catalog);
        let s = &views[0];
        let at = |p: &Place<'_>| p.pointer().as_str().to_owned();
        let base = "/PolicyDocument/Statement";
        assert_eq!(at(&s.pointer), base);
        assert_eq!(at(&s.sid.as_ref().unwrap().pointer), format!("{base}/Sid"));
        let principal = s.principal.as_ref().unwrap();
        assert_eq!(
            at(&principal.values[0].1.pointer),
            format!("{base}/Principal")
        );
        let action = s.action.as_ref().unwrap();
        assert_eq!(at(&action.values[0].pointer), format!("{base}/Action"));
        let resource = s.resource.as_ref().unwrap();
        assert_eq!(at(&resource.pointer), format!("{base}/NotResource"));
        assert_eq!(
            at(&resource.values[1].pointer),
            format!("{base}/NotResource/1")
        );
        assert_eq!(
            at(s.condition_pointer.as_ref().unwrap()),
            format!("{base}/Condition")
        );
        let c = &s.conditions[0];
        assert_eq!(at(&c.op_pointer), format!("{base}/Condition/StringLike"));
        assert_eq!(
            at(&c.pointer),
            format!("{base}/Condition/StringLike/k~1e~0y")
        );
        assert_eq!(
            at(&c.values[1].1),
            format!("{base}/Condition/StringLike/k~1e~0y/1")
        );
        let b = &s.conditions[1];
        assert_eq!(
            at(&b.values[0].1),
            format!("{base}/Condition/Bool/aws:SecureTransport")
        );
        assert_eq!(b.values[0].0, "true");
    }
}
