//! The AWS-owned Amazon ECR registries of SageMaker's prebuilt algorithm and framework images
//! (`data/aws/sagemaker-registries.json`, from SageMaker's "Docker registry paths and example
//! code" documentation). SageMaker pulls these images with its own credentials: no repository
//! policy, identity policy, SCP or RCP of the customer takes part, so a pull from them is
//! answered as allowed instead of "account not loaded".

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The data file, embedded.
const DATA: &str = include_str!("../../data/aws/sagemaker-registries.json");

/// The documentation the data comes from.
pub struct Registries {
    /// The documentation page.
    pub source: String,
    /// When it was read.
    pub retrieved: String,
    /// Region → account → which images it holds.
    pub by_region: BTreeMap<String, BTreeMap<String, String>>,
}

fn parse(text: &str) -> Result<Registries, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let text_of = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("missing `{k}`"))
    };
    let mut by_region = BTreeMap::new();
    let regions = v
        .get("registries")
        .and_then(serde_json::Value::as_object)
        .ok_or("missing `registries`")?;
    for (region, accounts) in regions {
        let accounts = accounts
            .as_object()
            .ok_or_else(|| format!("`registries/{region}` is not an object"))?;
        let mut m = BTreeMap::new();
        for (account, what) in accounts {
            if !crate::arn::is_account_id(account) {
                return Err(format!(
                    "`{account}` in `registries/{region}` is not an account id"
                ));
            }
            m.insert(
                account.clone(),
                what.as_str().unwrap_or_default().to_owned(),
            );
        }
        by_region.insert(region.clone(), m);
    }
    Ok(Registries {
        source: text_of("source")?,
        retrieved: text_of("retrieved")?,
        by_region,
    })
}

/// The embedded data (`None` only if the file shipped with the binary were broken, which a
/// test rules out).
pub fn registries() -> Option<&'static Registries> {
    static CELL: OnceLock<Option<Registries>> = OnceLock::new();
    CELL.get_or_init(|| parse(DATA).ok()).as_ref()
}

/// Which of SageMaker's prebuilt images the AWS-owned registry `account` holds in `region`,
/// when it is one.
pub fn aws_owned(account: &str, region: &str) -> Option<&'static str> {
    registries()?
        .by_region
        .get(region)?
        .get(account)
        .map(String::as_str)
}

/// Why a pull from an AWS-owned registry needs nothing from the user, for a report.
pub fn pull_reason(account: &str, region: &str, what: &str) -> String {
    let (source, retrieved) = registries()
        .map(|r| (r.source.as_str(), r.retrieved.as_str()))
        .unwrap_or_default();
    format!(
        "registry {account} is AWS-owned: it holds SageMaker's prebuilt images ({what}) in {region}; SageMaker pulls them with service-owned credentials, so no repository policy, identity policy, SCP or RCP of yours is needed or applies ({source}, read {retrieved})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_data_reads_and_names_the_documented_registries() {
        let r = parse(DATA).unwrap();
        assert!(r
            .source
            .starts_with("https://docs.aws.amazon.com/sagemaker/"));
        assert_eq!(r.by_region.len(), 21);
        assert!(aws_owned("683313688378", "us-east-1")
            .unwrap()
            .contains("XGBoost"));
        assert!(aws_owned("763104351884", "eu-west-1")
            .unwrap()
            .contains("Deep Learning"));
        // An account is AWS-owned in its Region only.
        assert!(aws_owned("683313688378", "eu-west-1").is_none());
        assert!(aws_owned("222222222222", "us-east-2").is_none());
    }
}
