//! Organizations: SCPs and RCPs (`aws_organizations_policy`) and where they are attached
//! (`aws_organizations_policy_attachment`).

use super::*;

impl Plan<'_, '_> {
    pub(super) fn org_policy(&mut self, r: usize) {
        let res = &self.res[r];
        let type_name = res.s("type").unwrap_or("SERVICE_CONTROL_POLICY");
        let Some(kind) = OrgPolicyType::parse(type_name) else {
            return;
        };
        let id = res.s("id").unwrap_or(res.addr).to_owned();
        let name = res.s("name").unwrap_or(&id).to_owned();
        let at = self.prov(res.at.clone());
        let pk = match kind {
            OrgPolicyType::Scp => DocKind::Scp,
            OrgPolicyType::Rcp => DocKind::Rcp,
        };
        let document = self.policy(r, "content", pk, &name);
        let key = self.res[r].addr.to_owned();
        self.org_policies.insert(
            key,
            (
                OrgPolicy {
                    id,
                    name,
                    kind,
                    aws_managed: false,
                    document,
                    at,
                },
                Vec::new(),
            ),
        );
    }

    pub(super) fn org_attachment(&mut self, r: usize) {
        let res = &self.res[r];
        let addr = res.addr;
        let Some(target) = res.s("target_id").map(str::to_owned) else {
            self.target_unknown(r, "target_id", "where");
            return;
        };
        // The planned policy this attaches, by reference or by id.
        let by_ref = self
            .referenced(addr, "policy_id", "aws_organizations_policy")
            .map(|t| t.addr.to_owned());
        let policy_id = res.s("policy_id").map(str::to_owned);
        let key = by_ref.or_else(|| {
            policy_id.as_ref().and_then(|id| {
                self.org_policies
                    .iter()
                    .find(|(_, (p, _))| &p.id == id)
                    .map(|(k, _)| k.clone())
            })
        });
        match key.and_then(|k| self.org_policies.get_mut(&k)) {
            Some((_, targets)) => targets.push(target),
            None => {
                let at = self.res[r].at.clone();
                self.warn(
                    at,
                    format!(
                        "`{addr}` attaches policy `{}`, which the plan does not define: not used",
                        policy_id.as_deref().unwrap_or("unknown")
                    ),
                );
            }
        }
    }
}
