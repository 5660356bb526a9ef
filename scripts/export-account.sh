#!/usr/bin/env bash
# Exports one AWS account into the layout xacct reads (docs/inventory.md), with the AWS CLI v2.
#
#   scripts/export-account.sh [--org] OUT_DIR [REGION...]
#
# The credentials in effect (AWS_PROFILE, …) select the account; it is written to
# OUT_DIR/<account-id>/. REGIONs default to $AWS_REGION (or us-east-1); S3 is global.
# OUT_DIR/<account-id>/organization.json is what `aws organizations describe-organization`
# answers in that account: the organization it is a member of, or, for an account in no
# organization, the CLI's error as {"Error": {"Code": "AWSOrganizationsNotInUseException", …}}
# (then no SCP or RCP applies to it). --org also writes OUT_DIR/org/ (run it with the
# management account's or a delegated administrator's credentials).
#
# Read-only: only get-*, list-* and describe-* calls. When the CLI answers that a thing does
# not exist (NoSuchBucketPolicy, …) or refuses (AccessDenied, …), the file gets the error as
# {"Error": {"Code": …, "Message": …}}: xacct reads "does not exist" as known-absent and any
# other error as unknown, never as empty.
set -euo pipefail

with_org=0
if [[ ${1:-} == --org ]]; then
    with_org=1
    shift
fi
if [[ $# -lt 1 ]]; then
    echo "usage: $0 [--org] OUT_DIR [REGION...]" >&2
    exit 2
fi
out=$1
shift
regions=("$@")
if [[ ${#regions[@]} -eq 0 ]]; then
    regions=("${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}")
fi

account=$(aws sts get-caller-identity --query Account --output text)
dir="$out/$account"
mkdir -p "$dir"
echo "exporting account $account to $dir" >&2

json_string() {
    # A JSON string literal of $1 (one line).
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\t'/ }
    s=${s//$'\r'/}
    s=${s//$'\n'/ }
    printf '"%s"' "$s"
}

# export FILE CMD...: writes the command's JSON output to FILE, or the error marker.
export_to() {
    local file=$1
    shift
    mkdir -p "$(dirname "$file")"
    local err
    if err=$("$@" --output json 2>&1 >"$file.tmp"); then
        mv "$file.tmp" "$file"
    else
        rm -f "$file.tmp"
        local code
        code=$(sed -n 's/.*An error occurred (\([A-Za-z0-9.]*\)).*/\1/p' <<<"$err" | head -n 1)
        local message=${err#*: }
        printf '{"Error": {"Code": %s, "Message": %s}}\n' \
            "$(json_string "${code:-Unknown}")" "$(json_string "$message")" >"$file"
        echo "  $file: ${code:-error}" >&2
    fi
}

# Lists, one item a line (the CLI's text output separates items with tabs).
list() {
    "$@" --output text | tr '\t' '\n' | sed '/^None$/d;/^$/d'
}

# Organizations: whether the account is in an organization, and which.
export_to "$dir/organization.json" aws organizations describe-organization

# IAM: users, groups, roles, policies (the CLI fetches every page and decodes documents).
export_to "$dir/iam.json" aws iam get-account-authorization-details

# S3: account-level Block Public Access, then each bucket the account owns.
export_to "$dir/s3control/public-access-block.json" \
    aws s3control get-public-access-block --account-id "$account"
while read -r bucket; do
    export_to "$dir/s3/$bucket.location.json" aws s3api get-bucket-location --bucket "$bucket"
    region=$(sed -n 's/.*"LocationConstraint": *"\([a-z0-9-]*\)".*/\1/p' "$dir/s3/$bucket.location.json")
    region=${region:-us-east-1}
    [[ $region == EU ]] && region=eu-west-1
    export_to "$dir/s3/$bucket.policy.json" aws s3api get-bucket-policy --bucket "$bucket" --region "$region"
    export_to "$dir/s3/$bucket.encryption.json" aws s3api get-bucket-encryption --bucket "$bucket" --region "$region"
    export_to "$dir/s3/$bucket.ownership.json" aws s3api get-bucket-ownership-controls --bucket "$bucket" --region "$region"
    export_to "$dir/s3/$bucket.public-access-block.json" aws s3api get-public-access-block --bucket "$bucket" --region "$region"
    export_to "$dir/s3/$bucket.acl.json" aws s3api get-bucket-acl --bucket "$bucket" --region "$region"
done < <(list aws s3api list-buckets --query 'Buckets[].Name')

for region in "${regions[@]}"; do
    echo "region $region" >&2
    # ECR: the registry policy and each repository's policy ('/' in a name nests folders).
    export_to "$dir/$region/ecr-registry-policy.json" aws ecr get-registry-policy --region "$region"
    while read -r repo; do
        export_to "$dir/$region/ecr/$repo.json" \
            aws ecr get-repository-policy --repository-name "$repo" --region "$region"
    done < <(list aws ecr describe-repositories --region "$region" --query 'repositories[].repositoryName')

    # KMS: each key's metadata, policy and grants (AWS managed keys included: their
    # KeyManager says they can never serve another account).
    while read -r key; do
        export_to "$dir/$region/kms/$key.key.json" aws kms describe-key --key-id "$key" --region "$region"
        export_to "$dir/$region/kms/$key.policy.json" \
            aws kms get-key-policy --key-id "$key" --policy-name default --region "$region"
        export_to "$dir/$region/kms/$key.grants.json" aws kms list-grants --key-id "$key" --region "$region"
    done < <(list aws kms list-keys --region "$region" --query 'Keys[].KeyId')

    # SageMaker model package groups.
    while read -r group; do
        export_to "$dir/$region/sagemaker/$group.json" \
            aws sagemaker get-model-package-group-policy --model-package-group-name "$group" --region "$region"
    done < <(list aws sagemaker list-model-package-groups --region "$region" \
        --query 'ModelPackageGroupSummaryList[].ModelPackageGroupName')
done

if [[ $with_org -eq 1 ]] && grep -q '"AWSOrganizationsNotInUseException"' "$dir/organization.json"; then
    echo "account $account is in no organization: no org/ folder to export" >&2
elif [[ $with_org -eq 1 ]]; then
    org="$out/org"
    echo "exporting the organization to $org" >&2
    export_to "$org/organization.json" aws organizations describe-organization
    export_to "$org/roots.json" aws organizations list-roots
    # The tree, from the root down: each listing is named after the parent it lists.
    parents=($(list aws organizations list-roots --query 'Roots[].Id'))
    while [[ ${#parents[@]} -gt 0 ]]; do
        parent=${parents[0]}
        parents=("${parents[@]:1}")
        export_to "$org/ous/$parent.json" aws organizations list-organizational-units-for-parent --parent-id "$parent"
        export_to "$org/accounts/$parent.json" aws organizations list-accounts-for-parent --parent-id "$parent"
        while read -r ou; do
            parents+=("$ou")
        done < <(list aws organizations list-organizational-units-for-parent --parent-id "$parent" \
            --query 'OrganizationalUnits[].Id')
    done
    # SCPs and RCPs, and where each is attached.
    for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
        export_to "$org/list-policies.$type.json" aws organizations list-policies --filter "$type"
        while read -r policy; do
            export_to "$org/policies/$policy.json" aws organizations describe-policy --policy-id "$policy"
            export_to "$org/targets/$policy.json" aws organizations list-targets-for-policy --policy-id "$policy"
        done < <(list aws organizations list-policies --filter "$type" --query 'Policies[].Id')
    done
fi
echo "done: $dir" >&2
