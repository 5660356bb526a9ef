//! Parsing `Condition`: operators, keys and values, each value typed by its operator.

use super::*;

impl Parser {
    pub(super) fn conditions(&mut self, json: &Json<'_>) -> Vec<Condition> {
        let Some(ops) = self.object(json) else {
            return Vec::new();
        };
        let keys = ops
            .iter()
            .map(|(_, keys)| keys.as_object().map_or(0, <[_]>::len))
            .sum();
        let mut out = Vec::with_capacity(keys);
        for (op_text, keys) in ops {
            let op_len = self.push_key(op_text);
            match parse_operator(op_text) {
                None => self.error(K::UnknownOperator(op_text.to_string())),
                Some(op) => {
                    if let Some(keys) = self.object(keys) {
                        for (key, values) in keys {
                            let key_len = self.push_key(key);
                            if let Some(values) = self.condition_values(&op, values) {
                                let (written, key_lc, key_hash) = shared::shared_key(key);
                                out.push(Condition {
                                    op: op.clone(),
                                    key: written,
                                    key_lc,
                                    key_hash,
                                    values,
                                });
                            }
                            self.pop(key_len);
                        }
                    }
                }
            }
            self.pop(op_len);
        }
        out
    }

    /// The values of one key, as text (numbers and booleans are accepted where AWS accepts
    /// them, and read as their JSON text), each with its array index.
    pub(super) fn scalar_texts(&mut self, json: &Json<'_>) -> Vec<(String, Option<usize>)> {
        fn text(j: &Json<'_>) -> Result<String, &'static str> {
            match j {
                Json::String(s) => Ok(s.to_string()),
                Json::Number(n) => Ok(n.to_string()),
                Json::Bool(b) => Ok(b.to_string()),
                other => Err(other.type_name()),
            }
        }
        let mut out = Vec::with_capacity(match json {
            Json::Array(items) => items.len(),
            _ => 1,
        });
        match json {
            Json::Array(items) => {
                if items.is_empty() {
                    self.wrong_type("at least one value", "an empty array");
                }
                for (i, j) in items.iter().enumerate() {
                    match text(j) {
                        Ok(t) => out.push((t, Some(i))),
                        Err(found) => self.error_at_index(
                            Some(i),
                            K::WrongType {
                                expected: "a string, number or boolean",
                                found,
                            },
                        ),
                    }
                }
            }
            j => match text(j) {
                Ok(t) => out.push((t, None)),
                Err(found) => self.wrong_type("a string, number or boolean", found),
            },
        }
        out
    }

    /// A string-family value, with its variables when the policy has them.
    pub(super) fn str_value(&mut self, v: String, i: Option<usize>) -> Option<StrValue> {
        if !self.version.has_variables() {
            return Some(StrValue::Plain(v));
        }
        match Template::parse(&v) {
            Ok(MaybeTemplate::Plain) => Some(StrValue::Plain(v)),
            Ok(MaybeTemplate::Template(t)) => {
                self.note_variables(&t);
                Some(StrValue::Template(Box::new(t)))
            }
            Err(()) => {
                self.error_at_index(i, K::Variable(v));
                None
            }
        }
    }

    /// Reads each value with `read`; a value it rejects is an error naming `reason`.
    pub(super) fn typed<T>(
        &mut self,
        op: &Operator,
        texts: Vec<(String, Option<usize>)>,
        read: impl Fn(&str) -> Option<T>,
        reason: &'static str,
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(texts.len());
        for (v, i) in texts {
            match read(&v) {
                Some(t) => out.push(t),
                None => self.error_at_index(
                    i,
                    K::ConditionValue {
                        operator: op.text.to_string(),
                        value: v,
                        reason,
                    },
                ),
            }
        }
        out
    }

    pub(super) fn condition_values(&mut self, op: &Operator, json: &Json<'_>) -> Option<Values> {
        let before = self.errors.len();
        let texts = self.scalar_texts(json);
        use BaseOp as B;
        let values = match op.base {
            B::StringEquals | B::StringNotEquals => Values::Strings(
                texts
                    .into_iter()
                    .filter_map(|(v, i)| self.str_value(v, i))
                    .collect(),
            ),
            B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => Values::Strings(
                texts
                    .into_iter()
                    .filter_map(|(v, i)| self.str_value(v.to_lowercase(), i))
                    .collect(),
            ),
            B::StringLike | B::StringNotLike => Values::Likes(
                texts
                    .into_iter()
                    .filter_map(|(v, i)| {
                        self.str_value(v, i).map(|s| match s {
                            StrValue::Plain(v) => LikeValue::Plain(shared::shared_like(&v)),
                            StrValue::Template(t) => LikeValue::Template(t),
                        })
                    })
                    .collect(),
            ),
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => Values::Arns(
                texts
                    .into_iter()
                    .filter_map(|(v, i)| {
                        self.str_value(v, i).map(|s| match s {
                            StrValue::Plain(v) => ArnValue::Plain(shared::shared_arn(&v)),
                            StrValue::Template(t) => ArnValue::Template(t),
                        })
                    })
                    .collect(),
            ),
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => {
                Values::Numbers(self.typed(op, texts, parse_number, "not a number"))
            }
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => Values::Dates(self.typed(
                op,
                texts,
                parse_date,
                "not an ISO 8601 date or epoch seconds",
            )),
            B::Bool => Values::Bools(
                texts
                    .into_iter()
                    .filter_map(|(v, i)| match self.str_value(v, i)? {
                        StrValue::Template(t) => Some(BoolValue::Template(t)),
                        StrValue::Plain(v) => match parse_bool(&v) {
                            Some(b) => Some(BoolValue::Plain(b)),
                            None => {
                                self.error_at_index(
                                    i,
                                    K::ConditionValue {
                                        operator: op.text.to_string(),
                                        value: v,
                                        reason: "`Bool` takes `true` or `false`",
                                    },
                                );
                                None
                            }
                        },
                    })
                    .collect(),
            ),
            B::BinaryEquals => Values::Binary(self.typed(
                op,
                texts,
                |v| {
                    base64::engine::general_purpose::STANDARD
                        .decode(v.trim())
                        .ok()
                },
                "not base64",
            )),
            B::IpAddress | B::NotIpAddress => {
                Values::Ips(self.typed(op, texts, parse_ip_net, "not an IP address or CIDR block"))
            }
            B::Null => {
                Values::Null(self.typed(op, texts, parse_bool, "`Null` takes `true` or `false`"))
            }
        };
        (self.errors.len() == before).then_some(values)
    }
}

/// Splits `ForAnyValue:StringLikeIfExists` into its parts; `None` for an unknown operator.
pub fn parse_operator(text: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = text.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = text.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, text)
    };
    let (name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(n) => (n, true),
        None => (rest, false),
    };
    let base = BaseOp::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)?;
    if base == BaseOp::Null && (if_exists || set.is_some()) {
        return None;
    }
    Some(Operator {
        text: Arc::from(text),
        set,
        base,
        if_exists,
    })
}
