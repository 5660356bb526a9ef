//! A template value after its intrinsic functions are resolved ([`V`]): JSON, plus
//! CloudFormation's `AWS::NoValue` and values that are known only at deploy ([`Unknown`]),
//! each with where it comes from. An unknown value is never replaced by a guess: whatever
//! contains one is unknown as a whole.

use std::borrow::Cow;

use crate::json::{Json, Pointer};

/// Why a value is known only at deploy, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    /// Why (`parameter `X` has no value: …`).
    pub why: String,
    /// Pointer of the function (or value) in the template.
    pub at: Pointer,
    /// The resource of the same template the value is of (a `Ref` or `Fn::GetAtt` to a
    /// resource whose name CloudFormation generates), when there is one.
    pub target: Option<String>,
}

/// A resolved value.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(serde_json::Number),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<V>),
    /// An object, members in order.
    Map(Vec<(String, V)>),
    /// `AWS::NoValue`: the property (or list element) is removed.
    NoValue,
    /// Known only at deploy.
    Unknown(Box<Unknown>),
}

impl V {
    /// An unknown value.
    pub fn unknown(why: impl Into<String>, at: &Pointer) -> V {
        V::Unknown(Box::new(Unknown {
            why: why.into(),
            at: at.clone(),
            target: None,
        }))
    }

    /// An unknown value of a resource of the template.
    pub fn unknown_of(why: impl Into<String>, at: &Pointer, target: &str) -> V {
        V::Unknown(Box::new(Unknown {
            why: why.into(),
            at: at.clone(),
            target: Some(target.to_owned()),
        }))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as CloudFormation turns it into a string (`Fn::Join`, `Fn::Sub`).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            V::Str(s) => Some(s.clone()),
            V::Num(n) => Some(n.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The first unknown inside, if any.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            V::Unknown(u) => Some(u),
            V::List(l) => l.iter().find_map(V::first_unknown),
            V::Map(m) => m.iter().find_map(|(_, v)| v.first_unknown()),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&V> {
        match self {
            V::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// As JSON, when nothing inside is unknown; otherwise the first unknown.
    pub fn to_json(&self) -> Result<Json<'static>, &Unknown> {
        Ok(match self {
            V::Null | V::NoValue => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Num(n) => Json::Number(n.clone()),
            V::Str(s) => Json::String(Cow::Owned(s.clone())),
            V::List(l) => Json::Array(l.iter().map(V::to_json).collect::<Result<_, _>>()?),
            V::Map(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| Ok((Cow::Owned(k.clone()), v.to_json()?)))
                    .collect::<Result<_, _>>()?,
            ),
            V::Unknown(u) => return Err(u),
        })
    }

    /// JSON text of a known value (`Fn::ToJsonString`).
    pub fn to_json_text(&self) -> Result<String, &Unknown> {
        Ok(self.to_json()?.to_value().to_string())
    }
}

/// A plain JSON value as a resolved one.
pub fn from_json(j: &Json<'_>) -> V {
    match j {
        Json::Null => V::Null,
        Json::Bool(b) => V::Bool(*b),
        Json::Number(n) => V::Num(n.clone()),
        Json::String(s) => V::Str(s.to_string()),
        Json::Array(a) => V::List(a.iter().map(from_json).collect()),
        Json::Object(m) => V::Map(
            m.iter()
                .map(|(k, v)| (k.to_string(), from_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_anywhere_makes_the_whole_unknown() {
        let v = V::Map(vec![
            ("a".into(), V::Str("x".into())),
            (
                "b".into(),
                V::List(vec![V::unknown("why", &Pointer::root().key("b"))]),
            ),
        ]);
        assert_eq!(v.to_json().unwrap_err().why, "why");
        assert_eq!(v.first_unknown().unwrap().at.as_str(), "/b");
        let k = V::List(vec![V::Num(1.into()), V::Bool(true)]);
        assert_eq!(k.to_json_text().unwrap(), "[1,true]");
    }
}
