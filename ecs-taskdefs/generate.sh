#!/usr/bin/env bash
# `make taskdefs`: renders the ECS Fargate task definitions of the experiment's
# three sizes from the one template taskdef.jq, and the task role's IAM
# documents, into OUT (default build/ecs-taskdefs):
#   taskdef-1vcpu.json taskdef-2vcpu.json taskdef-4vcpu.json
#                         for `aws ecs register-task-definition --cli-input-json`
#   task-role-policy.json the task role's permissions (list, read, write results)
#   task-role-trust.json  the task role's trust policy (ECS tasks of ACCOUNT in REGION)
#
# Parameters (environment, or make variables):
#   IMAGE               image reference, e.g. 123456789012.dkr.ecr.REGION.amazonaws.com/s3bench:1
#   ACCOUNT             12-digit AWS account id of the roles
#   REGION              region of the tasks, their logs and the buckets, e.g. ap-northeast-1
#   BUCKET_NAME         bucket the benchmark reads
#   RESULT_BUCKET_NAME  bucket the result CSVs go to
#   ARCH                X86_64 (default) or ARM64; the image must be built for it
#   TASK_ROLE           task role name (default s3bench-task)
#   EXECUTION_ROLE      execution role name (default ecsTaskExecutionRole)
#   LOG_GROUP           CloudWatch Logs group (default /ecs/s3bench)
#   OUT                 output directory (default build/ecs-taskdefs)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "taskdefs: $*" >&2; exit 2; }

# The vCPU sizes of the experiment. Fargate pairs 1024 CPU units with 2-8 GiB,
# 2048 with 4-16 GiB and 4096 with 8-30 GiB; the smallest memory of each is
# plenty for a program that streams objects without keeping them.
SIZES="1 2 4"
MIB_PER_VCPU=2048

ARCH=${ARCH:-X86_64}
TASK_ROLE=${TASK_ROLE:-s3bench-task}
EXECUTION_ROLE=${EXECUTION_ROLE:-ecsTaskExecutionRole}
LOG_GROUP=${LOG_GROUP:-/ecs/s3bench}
OUT=${OUT:-build/ecs-taskdefs}

missing=""
for v in IMAGE ACCOUNT REGION BUCKET_NAME RESULT_BUCKET_NAME; do
    [ -n "${!v:-}" ] || missing="$missing $v"
done
[ -z "$missing" ] || die "missing:$missing (e.g. make taskdefs IMAGE=... ACCOUNT=... REGION=... BUCKET_NAME=... RESULT_BUCKET_NAME=...)"

# Checks that $1's value matches the regex $2; $3 says what it should be.
check() { [[ ${!1} =~ $2 ]] || die "$1 '${!1}' is not $3"; }
check IMAGE '^[a-z0-9][A-Za-z0-9._/:@-]{0,254}$' "an image reference (registry/repository:tag or ...@sha256:...)"
check ACCOUNT '^[0-9]{12}$' "a 12-digit AWS account id"
check REGION '^[a-z]{2}(-[a-z]+)+-[0-9]+$' "an AWS region such as ap-northeast-1"
check ARCH '^(X86_64|ARM64)$' "X86_64 or ARM64"
check BUCKET_NAME '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' "an S3 bucket name"
check RESULT_BUCKET_NAME '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' "an S3 bucket name"
check TASK_ROLE '^[A-Za-z0-9+=,.@_-]{1,64}$' "an IAM role name"
check EXECUTION_ROLE '^[A-Za-z0-9+=,.@_-]{1,64}$' "an IAM role name"
check LOG_GROUP '^[A-Za-z0-9_/.#-]{1,512}$' "a CloudWatch Logs group name"
command -v jq >/dev/null || die "jq is missing (Debian package jq)"

# ARNs name the partition: China and GovCloud regions are not in "aws".
case $REGION in
    cn-*) partition=aws-cn ;;
    us-gov-*) partition=aws-us-gov ;;
    *) partition=aws ;;
esac

common=(--arg partition "$partition" --arg account "$ACCOUNT" --arg region "$REGION"
        --arg bucket "$BUCKET_NAME" --arg result_bucket "$RESULT_BUCKET_NAME")
mkdir -p "$OUT"
for vcpu in $SIZES; do
    jq -n "${common[@]}" --arg vcpu "$vcpu" --arg cpu "$((vcpu * 1024))" \
        --arg memory "$((vcpu * MIB_PER_VCPU))" --arg arch "$ARCH" --arg image "$IMAGE" \
        --arg task_role "$TASK_ROLE" --arg execution_role "$EXECUTION_ROLE" --arg log_group "$LOG_GROUP" \
        -f "$HERE/taskdef.jq" >"$OUT/taskdef-${vcpu}vcpu.json"
done
jq -n "${common[@]}" -f "$HERE/task-role-policy.jq" >"$OUT/task-role-policy.json"
jq -n "${common[@]}" -f "$HERE/task-role-trust.jq" >"$OUT/task-role-trust.json"
echo "taskdefs: wrote $(cd "$OUT" && echo taskdef-*vcpu.json task-role-policy.json task-role-trust.json) to $OUT/"
