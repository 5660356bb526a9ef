//! KMS: keys (`aws_kms_key`), their policies (`aws_kms_key_policy`) and grants
//! (`aws_kms_grant`).

use super::*;

impl Plan<'_, '_> {
    /// (account, region, id) of a planned or existing key.
    pub(super) fn key_of(&mut self, r: usize) -> Option<(String, String, String)> {
        let res = &self.res[r];
        if let Some((a, reg, id)) = res.s("arn").and_then(key_parts) {
            return Some((a, reg, id));
        }
        let account = self.account_of(r, Some("arn"));
        let region = self.region_of(r, Some("arn"));
        let res = &self.res[r];
        let id = res.s("key_id").unwrap_or(res.addr).to_owned();
        Some((account, region, id))
    }

    pub(super) fn kms_key(&mut self, r: usize) {
        let Some((account, region, id)) = self.key_of(r) else {
            return;
        };
        let res = &self.res[r];
        let addr = res.addr;
        let policy = match self.policy(r, "policy", DocKind::Key, &id) {
            // No policy: AWS applies the default key policy (the account root, `kms:*`).
            Known::Absent(at) => {
                let text = format!(
                    r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                );
                match crate::policy::Policy::parse_text(
                    &text,
                    DocKind::Key,
                    Origin {
                        file: Some(Arc::from(format!(
                            "{} (default key policy of {addr})",
                            self.file
                        ))),
                        name: Some(Arc::from(id.as_str())),
                        pointer: Pointer::root(),
                        embedded: false,
                    },
                ) {
                    Ok(p) => Known::Present(p, at),
                    Err(_) => Known::Unknown(at, "the default key policy".to_owned()),
                }
            }
            other => other,
        };
        let res = &self.res[r];
        let meta = KeyMetadata {
            arn: res.s("arn").map(str::to_owned),
            key_manager: Some("CUSTOMER".to_owned()),
            key_state: None,
            enabled: match res.after.get("is_enabled") {
                Some(Json::Bool(b)) => Some(*b),
                _ => None,
            },
            key_spec: res.s("customer_master_key_spec").map(str::to_owned),
            multi_region: match res.after.get("multi_region") {
                Some(Json::Bool(b)) => Some(*b),
                _ => None,
            },
            description: res.s("description").map(str::to_owned),
        };
        let at = self.prov(res.at.clone());
        let mut facts = vec![
            KeyFact::Policy(policy),
            KeyFact::Metadata(Known::Present(meta, at)),
        ];
        if let Some(arn) = res.s("arn") {
            facts.push(KeyFact::Arn(arn.to_owned()));
        }
        for fact in facts {
            self.out.items.push(Item::Key {
                account: account.clone(),
                region: region.clone(),
                key_id: id.clone(),
                fact,
            });
        }
    }

    /// The key that `key_id` of resource `r` names: an ARN, an id, or a planned key.
    pub(super) fn key_ref(&mut self, r: usize) -> Option<(String, String, String, Option<String>)> {
        let res = &self.res[r];
        let addr = res.addr;
        if let Some(k) = res.s("key_id") {
            if let Some((a, reg, id)) = key_parts(k) {
                return Some((a, reg, id, Some(k.to_owned())));
            }
            let account = self.account_of(r, None);
            let region = self.region_of(r, None);
            return Some((account, region, k.to_owned(), None));
        }
        let target = self.referenced(addr, "key_id", "aws_kms_key").map(|t| {
            let i = self.by_addr.get(t.addr).copied();
            (i, t.s("arn").map(str::to_owned))
        });
        match target {
            Some((Some(i), arn)) => {
                let (a, reg, id) = self.key_of(i)?;
                Some((a, reg, id, arn))
            }
            _ => {
                self.target_unknown(r, "key_id", "which key");
                None
            }
        }
    }

    pub(super) fn kms_key_policy(&mut self, r: usize) {
        let Some((account, region, id, _)) = self.key_ref(r) else {
            return;
        };
        let policy = self.policy(r, "policy", DocKind::Key, &id);
        self.out.items.push(Item::Key {
            account,
            region,
            key_id: id,
            fact: KeyFact::Policy(policy),
        });
    }

    pub(super) fn kms_grant(&mut self, r: usize) {
        let Some((account, region, id, arn)) = self.key_ref(r) else {
            return;
        };
        let res = &self.res[r];
        let addr = res.addr;
        let at = res.at.clone();
        if res.is_unknown("grantee_principal") || res.is_unknown("operations") {
            let attr = if res.is_unknown("grantee_principal") {
                "grantee_principal"
            } else {
                "operations"
            };
            let p = Pending {
                what: format!("grant `{addr}`"),
                why: self.why(addr, attr),
                at: self.prov(at),
            };
            self.out.items.push(Item::Key {
                account,
                region,
                key_id: id,
                fact: KeyFact::Pending(p),
            });
            return;
        }
        // The grant as list-grants would print it.
        let s = |v: &str| Json::String(std::borrow::Cow::Owned(v.to_owned()));
        let key_text = arn.unwrap_or_else(|| id.clone());
        let mut members = vec![("KeyId".into(), s(&key_text)), ("GrantId".into(), s(addr))];
        if let Some(n) = res.s("name") {
            members.push(("Name".into(), s(n)));
        }
        if let Some(g) = res.s("grantee_principal") {
            members.push(("GranteePrincipal".into(), s(g)));
        }
        if let Some(ops) = res.after.get("operations") {
            members.push(("Operations".into(), ops.clone()));
        }
        let (constraints, unknown_constraints) = res.block("constraints");
        if unknown_constraints {
            let why = self.why(addr, "constraints");
            self.out.items.push(Item::Key {
                account,
                region,
                key_id: id,
                fact: KeyFact::Pending(Pending {
                    what: format!("grant `{addr}`"),
                    why,
                    at: self.prov(at),
                }),
            });
            return;
        }
        if let Some(c) = constraints {
            let mut cm = Vec::new();
            for (tf, aws) in [
                ("encryption_context_equals", "EncryptionContextEquals"),
                ("encryption_context_subset", "EncryptionContextSubset"),
            ] {
                if let Some(m @ Json::Object(o)) = c.get(tf) {
                    if !o.is_empty() {
                        cm.push((aws.into(), m.clone()));
                    }
                }
            }
            if !cm.is_empty() {
                members.push(("Constraints".into(), Json::Object(cm.into())));
            }
        }
        let grant_json = Json::Object(members.into());
        let origin = Origin {
            file: Some(self.file.clone()),
            name: Some(Arc::from(addr)),
            pointer: at.clone(),
            embedded: false,
        };
        match Grant::from_json(&grant_json, origin) {
            Ok(g) => self.out.items.push(Item::Key {
                account,
                region,
                key_id: id,
                fact: KeyFact::PlannedGrant(Box::new(g), self.prov(at)),
            }),
            Err(errs) => {
                for e in errs.0 {
                    self.out.problems.push(Diagnostic::in_file(
                        &codes::MALFORMED_EXPORT,
                        &self.file,
                        Some(at.clone()),
                        e.kind.to_string(),
                    ));
                }
            }
        }
    }
}
