//! ECR and SageMaker: repositories and their policies (`aws_ecr_repository`,
//! `aws_ecr_repository_policy`), the registry policy (`aws_ecr_registry_policy`), model package
//! groups and their policies (`aws_sagemaker_model_package_group[_policy]`).

use super::*;

impl Plan<'_, '_> {
    pub(super) fn repository(&mut self, r: usize) {
        let res = &self.res[r];
        let (ty, creates) = (res.ty, res.creates);
        let name = if ty == "aws_ecr_repository" {
            Some(self.own_name(r, "name"))
        } else {
            self.name_via(r, "repository", "aws_ecr_repository", "name")
        };
        let Some(name) = name else {
            let attr = if ty == "aws_ecr_repository" {
                "name"
            } else {
                "repository"
            };
            self.target_unknown(r, attr, "which repository");
            return;
        };
        let account = self.account_of(r, Some("arn"));
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
        let repository = Box::new(Repository {
            region,
            name,
            policy,
            at,
        });
        self.out.items.push(Item::Repository {
            account,
            repository,
        });
    }

    pub(super) fn registry_policy(&mut self, r: usize) {
        let account = self.account_of(r, None);
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
            Some(self.own_name(r, "model_package_group_name"))
        } else {
            self.name_via(
                r,
                "model_package_group_name",
                "aws_sagemaker_model_package_group",
                "model_package_group_name",
            )
        };
        let Some(name) = name else {
            self.target_unknown(r, "model_package_group_name", "which group");
            return;
        };
        let account = self.account_of(r, Some("arn"));
        let region = self.region_of(r, Some("arn"));
        let at = self.prov(self.res[r].at.clone());
        let policy = match (ty == "aws_sagemaker_model_package_group", creates) {
            (true, true) => Known::Absent(at.clone()),
            (true, false) => Known::NotExported,
            (false, _) => self.policy(r, "resource_policy", DocKind::ModelPackageGroup, &name),
        };
        let group = Box::new(ModelPackageGroup {
            region,
            name,
            policy,
            at,
        });
        self.out
            .items
            .push(Item::ModelPackageGroup { account, group });
    }
}
