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

# IAM: users, groups, roles, policies (the CLI fetches every page and decodes documents),
# and each user's access keys.
export_to "$dir/iam.json" aws iam get-account-authorization-details
while read -r user; do
    export_to "$dir/iam-access-keys/$user.json" aws iam list-access-keys --user-name "$user"
done < <(list aws iam list-users --query 'Users[].UserName')

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

    # Every other resource with a resource-based policy: <region>/<type>/<name>.json, the
    # types and commands of docs/inventory.md ('/' in a name nests folders).
    r="$dir/$region"
    at=(--region "$region")
    while read -r b; do
        export_to "$r/s3-directory-bucket/$b.json" aws s3api get-bucket-policy --bucket "$b" "${at[@]}"
    done < <(list aws s3api list-directory-buckets "${at[@]}" --query 'Buckets[].Name')
    while read -r ap; do
        export_to "$r/s3-access-point/$ap.json" \
            aws s3control get-access-point-policy --account-id "$account" --name "$ap" "${at[@]}"
    done < <(list aws s3control list-access-points --account-id "$account" "${at[@]}" --query 'AccessPointList[].Name')
    while read -r tb; do
        name=${tb##*/}
        export_to "$r/s3-table-bucket/$name.json" aws s3tables get-table-bucket-policy --table-bucket-arn "$tb" "${at[@]}"
        while read -r ns table; do
            export_to "$r/s3-table/$name/table/$ns/$table.json" \
                aws s3tables get-table-policy --table-bucket-arn "$tb" --namespace "$ns" --name "$table" "${at[@]}"
        done < <(aws s3tables list-tables --table-bucket-arn "$tb" "${at[@]}" \
            --query 'tables[].[namespace[0],name]' --output text 2>/dev/null || true)
    done < <(list aws s3tables list-table-buckets "${at[@]}" --query 'tableBuckets[].arn')
    while read -r f; do
        export_to "$r/lambda-function/$f.json" aws lambda get-policy --function-name "$f" "${at[@]}"
    done < <(list aws lambda list-functions "${at[@]}" --query 'Functions[].FunctionName')
    while read -r layer; do
        while read -r v; do
            export_to "$r/lambda-layer/$layer/$v.json" \
                aws lambda get-layer-version-policy --layer-name "$layer" --version-number "$v" "${at[@]}"
        done < <(list aws lambda list-layer-versions --layer-name "$layer" "${at[@]}" --query 'LayerVersions[].Version')
    done < <(list aws lambda list-layers "${at[@]}" --query 'Layers[].LayerName')
    while read -r url; do
        export_to "$r/sqs-queue/${url##*/}.json" \
            aws sqs get-queue-attributes --queue-url "$url" --attribute-names Policy QueueArn "${at[@]}"
    done < <(list aws sqs list-queues "${at[@]}" --query 'QueueUrls[]')
    while read -r topic; do
        export_to "$r/sns-topic/${topic##*:}.json" aws sns get-topic-attributes --topic-arn "$topic" "${at[@]}"
    done < <(list aws sns list-topics "${at[@]}" --query 'Topics[].TopicArn')
    while read -r secret; do
        export_to "$r/secretsmanager-secret/$secret.json" \
            aws secretsmanager get-resource-policy --secret-id "$secret" "${at[@]}"
    done < <(list aws secretsmanager list-secrets "${at[@]}" --query 'SecretList[].Name')
    while read -r fs; do
        export_to "$r/efs-file-system/$fs.json" aws efs describe-file-system-policy --file-system-id "$fs" "${at[@]}"
    done < <(list aws efs describe-file-systems "${at[@]}" --query 'FileSystems[].FileSystemId')
    while read -r table; do
        export_to "$r/dynamodb-table/$table.json" aws dynamodb get-resource-policy \
            --resource-arn "arn:aws:dynamodb:$region:$account:table/$table" "${at[@]}"
        stream=$(aws dynamodb describe-table --table-name "$table" "${at[@]}" \
            --query 'Table.LatestStreamArn' --output text 2>/dev/null || true)
        if [[ -n $stream && $stream != None ]]; then
            export_to "$r/dynamodb-stream/$table/stream/${stream##*/stream/}.json" \
                aws dynamodb get-resource-policy --resource-arn "$stream" "${at[@]}"
        fi
    done < <(list aws dynamodb list-tables "${at[@]}" --query 'TableNames[]')
    while read -r stream; do
        s_arn="arn:aws:kinesis:$region:$account:stream/$stream"
        export_to "$r/kinesis-stream/$stream.json" aws kinesis get-resource-policy --resource-arn "$s_arn" "${at[@]}"
        while read -r consumer; do
            export_to "$r/kinesis-consumer/${consumer#*:stream/}.json" \
                aws kinesis get-resource-policy --resource-arn "$consumer" "${at[@]}"
        done < <(list aws kinesis list-stream-consumers --stream-arn "$s_arn" "${at[@]}" --query 'Consumers[].ConsumerARN')
    done < <(list aws kinesis list-streams "${at[@]}" --query 'StreamNames[]')
    while read -r domain; do
        export_to "$r/opensearch-domain/$domain.json" aws opensearch describe-domain-config --domain-name "$domain" "${at[@]}"
    done < <(list aws opensearch list-domain-names "${at[@]}" --query 'DomainNames[].DomainName')
    while read -r vault; do
        export_to "$r/backup-vault/$vault.json" \
            aws backup get-backup-vault-access-policy --backup-vault-name "$vault" "${at[@]}"
    done < <(list aws backup list-backup-vaults "${at[@]}" --query 'BackupVaultList[].BackupVaultName')
    while read -r domain; do
        export_to "$r/codeartifact-domain/$domain.json" \
            aws codeartifact get-domain-permissions-policy --domain "$domain" "${at[@]}"
    done < <(list aws codeartifact list-domains "${at[@]}" --query 'domains[].name')
    while read -r api; do
        export_to "$r/api-gateway-rest-api/$api.json" aws apigateway get-rest-api --rest-api-id "$api" "${at[@]}"
    done < <(list aws apigateway get-rest-apis "${at[@]}" --query 'items[].id')
    while read -r vault; do
        export_to "$r/glacier-vault/$vault.json" \
            aws glacier get-vault-access-policy --account-id - --vault-name "$vault" "${at[@]}"
    done < <(list aws glacier list-vaults --account-id - "${at[@]}" --query 'VaultList[].VaultName')
    while read -r snap; do
        export_to "$r/ebs-snapshot/$snap.json" aws ec2 describe-snapshot-attribute \
            --snapshot-id "$snap" --attribute createVolumePermission "${at[@]}"
    done < <(list aws ec2 describe-snapshots --owner-ids self "${at[@]}" --query 'Snapshots[].SnapshotId')
    while read -r snap; do
        export_to "$r/rds-snapshot/$snap.json" \
            aws rds describe-db-snapshot-attributes --db-snapshot-identifier "$snap" "${at[@]}"
    done < <(list aws rds describe-db-snapshots --snapshot-type manual "${at[@]}" \
        --query 'DBSnapshots[].DBSnapshotIdentifier')
    while read -r snap; do
        export_to "$r/rds-cluster-snapshot/$snap.json" \
            aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier "$snap" "${at[@]}"
    done < <(list aws rds describe-db-cluster-snapshots --snapshot-type manual "${at[@]}" \
        --query 'DBClusterSnapshots[].DBClusterSnapshotIdentifier')
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
