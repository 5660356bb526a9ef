//! ECR and SageMaker: repositories and their policies (`aws_ecr_repository`,
//! `aws_ecr_repository_policy`), the registry policy (`aws_ecr_registry_policy`), model package
//! groups and their policies (`aws_sagemaker_model_package_group[_policy]`).

use super::*;

impl Plan<'_, '_> {
    pub(super) fn repository(&mut self, r: usize) {
        let res = &self.res[r];
        let (ty, creates) = (res.ty, res.creates);
        let name = if ty == "aws_ecr_repository" {
            res.s("name").map(str::to_owned)
        } else {
            self.name_via(r, "repository", "aws_ecr_repository", "name")
        };
        let Some(name) = name else {
            let res = &self.res[r];
            let attr = if ty == "aws_ecr_repository" {
                "name"
            } else {
                "repository"
            };
            let (at, why) = (res.ptr(attr), self.why(res.addr, attr));
            self.warn(
                at,
                format!("{why}: which repository it is is unknown; not used"),
            );
            return;
        };
        let Some(account) = self.account_of(r, Some("arn")) else {
            return;
        };
        let region = self.region_of(r, Some("arn"));
        let at = self.prov(self.res[r].at.clone());
        let policy = if ty == "aws_ecr_repository" {
            if creates {
                Known::Absent(at.clone())
            } else {
                Known::NotExported
            }
        } else {
            self.policy(r, "policy", DocKind::Repository, &name)
        };
        self.out.items.push(Item::Repository {
            account,
            region,
            name,
            policy,
            at,
        });
    }

    pub(super) fn registry_policy(&mut self, r: usize) {
        let Some(account) = self.account_of(r, None) else {
            return;
        };
        let region = self.region_of(r, None);
        let policy = self.policy(r, "policy", DocKind::Registry, "registry policy");
        self.out.items.push(Item::RegistryPolicy {
            account,
            region,
            policy,
        });
    }

    pub(super) fn model_package_group(&mut self, r: usize) {
        let res = &self.res[r];
        let (ty, creates) = (res.ty, res.creates);
        let name = if ty == "aws_sagemaker_model_package_group" {
            res.s("model_package_group_name").map(str::to_owned)
        } else {
            self.name_via(
                r,
                "model_package_group_name",
                "aws_sagemaker_model_package_group",
                "model_package_group_name",
            )
        };
        let Some(name) = name else {
            let res = &self.res[r];
            let (at, why) = (
                res.ptr("model_package_group_name"),
                self.why(res.addr, "model_package_group_name"),
            );
            self.warn(at, format!("{why}: which group it is is unknown; not used"));
            return;
        };
        let Some(account) = self.account_of(r, Some("arn")) else {
            return;
        };
        let region = self.region_of(r, Some("arn"));
        let at = self.prov(self.res[r].at.clone());
        let policy = if ty == "aws_sagemaker_model_package_group" {
            creates.then(|| Known::Absent(at.clone()))
        } else {
            Some(self.policy(r, "resource_policy", DocKind::ModelPackageGroup, &name))
        };
        self.out.items.push(Item::ModelPackageGroup {
            account,
            region,
            name,
            policy,
            at,
        });
    }
}
