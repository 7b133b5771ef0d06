#!/usr/bin/env bash
# Runs the experiment's whole grid on ECS Fargate with the aws CLI: registers
# the task definitions that `make taskdefs` generated, runs one task per
# vCPU size x mode x concurrency (RunTask overrides MODE and CONCURRENCY), at
# most --parallel at a time, waits for each, reports the failures and
# downloads the result CSVs from the result bucket.
#
#   ecs-taskdefs/run-grid.sh --cluster NAME --subnets subnet-1[,subnet-2...]
#       --security-groups sg-1[,sg-2...] [options]
#
#   --public-ip            give tasks a public IP (subnets without a NAT gateway
#                          or VPC endpoints for ECR, S3 and CloudWatch Logs)
#   --parallel N           tasks running at once (default 3)
#   --sizes "1 2 4"        vCPU sizes to run (default all three)
#   --modes "thread process"           (default both)
#   --concurrencies "1 2 4 8 16"       (default the reference's five)
#   --task-timeout MIN     stop a task still running after MIN minutes (default 240)
#   --taskdefs DIR         where the generated JSON is (default build/ecs-taskdefs)
#   --out DIR              where the CSVs go (default build/ecs-results)
#   --dry-run              print the aws commands instead of running them
#
# Region, result bucket, TAG and container name come from the task
# definitions themselves, so they cannot disagree with what the tasks use.
# Exit status: 0 every task succeeded and its CSV is downloaded; 1 some did
# not (each is listed); 2 usage error.
set -euo pipefail

usage() { echo "run-grid: $*" >&2; echo "run-grid: usage: $0 --cluster NAME --subnets IDS --security-groups IDS [--public-ip] [--parallel N] [--sizes S] [--modes M] [--concurrencies C] [--task-timeout MIN] [--taskdefs DIR] [--out DIR] [--dry-run]" >&2; exit 2; }

cluster="" subnets="" groups="" public_ip=DISABLED parallel=3 sizes="1 2 4"
modes="thread process" concurrencies="1 2 4 8 16" task_timeout=240
taskdefs=build/ecs-taskdefs out=build/ecs-results dry_run=0
# Seconds between describe-tasks rounds.
poll=${RUN_GRID_POLL_SECONDS:-20}
while [ $# -gt 0 ]; do
    case $1 in
        --cluster|--subnets|--security-groups|--parallel|--sizes|--modes|--concurrencies|--task-timeout|--taskdefs|--out)
            [ $# -ge 2 ] || usage "$1 needs a value"
            case $1 in
                --cluster) cluster=$2 ;; --subnets) subnets=$2 ;; --security-groups) groups=$2 ;;
                --parallel) parallel=$2 ;; --sizes) sizes=$2 ;; --modes) modes=$2 ;;
                --concurrencies) concurrencies=$2 ;; --task-timeout) task_timeout=$2 ;;
                --taskdefs) taskdefs=$2 ;; --out) out=$2 ;;
            esac
            shift 2 ;;
        --public-ip) public_ip=ENABLED; shift ;;
        --dry-run) dry_run=1; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) usage "unknown argument '$1'" ;;
    esac
done
[ -n "$cluster" ] || usage "--cluster is required"
[[ $subnets =~ ^subnet-[0-9a-f]+(,subnet-[0-9a-f]+)*$ ]] || usage "--subnets must be subnet-... ids, comma-separated"
[[ $groups =~ ^sg-[0-9a-f]+(,sg-[0-9a-f]+)*$ ]] || usage "--security-groups must be sg-... ids, comma-separated"
[[ $parallel =~ ^[1-9][0-9]*$ ]] || usage "--parallel must be a positive number"
[[ $task_timeout =~ ^[1-9][0-9]*$ ]] || usage "--task-timeout must be a positive number of minutes"
for s in $sizes; do [ -s "$taskdefs/taskdef-${s}vcpu.json" ] ||
    usage "no $taskdefs/taskdef-${s}vcpu.json: run make taskdefs first (or pass --taskdefs)"; done
for m in $modes; do [[ $m =~ ^(thread|process)$ ]] || usage "mode '$m' is not thread or process"; done
for c in $concurrencies; do [[ $c =~ ^[1-9][0-9]*$ ]] || usage "concurrency '$c' is not a positive number"; done
command -v jq >/dev/null || usage "jq is missing (Debian package jq)"
[ "$dry_run" = 1 ] || command -v aws >/dev/null || usage "the aws CLI is missing (Debian package awscli, or AWS's installer)"

# Field $2 (a jq path) of task definition file $1.
td() { jq -r "$2" "$1"; }
# The value of environment variable $2 in task definition file $1.
td_env() { jq -r --arg n "$2" '.containerDefinitions[0].environment[] | select(.name == $n) | .value' "$1"; }

first=$taskdefs/taskdef-${sizes%% *}vcpu.json
region=$(td "$first" '.containerDefinitions[0].logConfiguration.options."awslogs-region"')
result_bucket=$(td_env "$first" RESULT_BUCKET_NAME)
container=$(td "$first" '.containerDefinitions[0].name')
[ -n "$result_bucket" ] || usage "$first sets no RESULT_BUCKET_NAME: the CSVs would go nowhere"

# Prints word $1 for a shell command line: as is when plain, else in single quotes.
shell_word() {
    case $1 in
        *[!A-Za-z0-9_./:=,@+-]*|"") printf "'%s'" "${1//\'/\'\\\'\'}" ;;
        *) printf '%s' "$1" ;;
    esac
}

# Runs aws "$@" in the region, or with --dry-run prints it on stderr as a
# command line to paste (and prints nothing on stdout: callers get "").
aws_do() {
    local a
    if [ "$dry_run" = 1 ]; then
        printf 'aws --region %s' "$region" >&2
        for a in "$@"; do printf ' ' >&2; shell_word "$a" >&2; done
        echo >&2
    else
        aws --region "$region" "$@"
    fi
}
log() { echo "run-grid: $(date -u +%H:%M:%S) $*" >&2; }

# --- register: one revision per size; tasks run exactly that revision.
declare -A taskdef_arn=() tag_of=()
for s in $sizes; do
    f=$taskdefs/taskdef-${s}vcpu.json
    arn=$(aws_do ecs register-task-definition --cli-input-json "file://$f" \
        --query taskDefinition.taskDefinitionArn --output text)
    taskdef_arn[$s]=${arn:-$(td "$f" .family)}
    tag_of[$s]=$(td_env "$f" TAG)
    log "task definition ${taskdef_arn[$s]}"
done

network=$(jq -cn --arg s "$subnets" --arg g "$groups" --arg p "$public_ip" \
    '{awsvpcConfiguration: {subnets: ($s | split(",")), securityGroups: ($g | split(",")), assignPublicIp: $p}}')

# --- the grid, in the reference's order
jobs=()
for s in $sizes; do for m in $modes; do for c in $concurrencies; do jobs+=("$s $m $c"); done; done; done
log "${#jobs[@]} tasks, at most $parallel at a time, results from s3://$result_bucket to $out/"

declare -A job_of=() started_at=()     # task ARN -> "size mode concurrency", start time
failures=() succeeded=()

# Starts job $1 ("size mode concurrency"); a task ECS refuses is a failure.
start_job() {
    local s m c overrides answer arn reason
    read -r s m c <<<"$1"
    overrides=$(jq -cn --arg n "$container" --arg m "$m" --arg c "$c" \
        '{containerOverrides: [{name: $n, environment: [{name: "MODE", value: $m}, {name: "CONCURRENCY", value: $c}]}]}')
    answer=$(aws_do ecs run-task --cluster "$cluster" --launch-type FARGATE --count 1 \
        --task-definition "${taskdef_arn[$s]}" --network-configuration "$network" \
        --overrides "$overrides" --started-by s3bench-grid --output json) || answer='{"failures":[{"reason":"run-task failed"}]}'
    [ "$dry_run" = 0 ] || { succeeded+=("$1"); return; }
    arn=$(jq -r '.tasks[0].taskArn // empty' <<<"$answer")
    if [ -z "$arn" ]; then
        reason=$(jq -r '[.failures[]? | .reason + (if .detail then " (" + .detail + ")" else "" end)] | join("; ")' <<<"$answer")
        failures+=("$1: not started: ${reason:-no reason given}")
        return
    fi
    job_of[$arn]=$1 started_at[$arn]=$(date +%s)
    log "started ${s} vCPU $m x $c: ${arn##*/}"
}

# Checks the running tasks; records and forgets those that stopped, and
# those ECS no longer knows (describe-tasks lists them as failures).
poll_jobs() {
    local arns=("${!job_of[@]}") i answer arn job code reason
    for ((i = 0; i < ${#arns[@]}; i += 100)); do    # describe-tasks takes 100 at most
        answer=$(aws_do ecs describe-tasks --cluster "$cluster" --tasks "${arns[@]:i:100}" --output json) || continue
        # Fields joined by US (0x1f): tabs would merge an empty exit code away.
        while IFS=$'\x1f' read -r arn code reason; do
            job=${job_of[$arn]}
            if [ "$code" = 0 ]; then
                succeeded+=("$job"); log "done $job"
            else
                failures+=("$job: ${code:+exit $code, }${reason:-stopped}"); log "FAILED $job: ${code:+exit $code, }$reason"
            fi
            unset "job_of[$arn]" "started_at[$arn]"
        done < <(jq -r '(.tasks[] | select(.lastStatus == "STOPPED")
                 | [.taskArn, (.containers[0].exitCode // "" | tostring), (.stoppedReason // "")]),
                 (.failures[]? | [.arn, "", "describe-tasks: \(.reason)"]) | join("\u001f")' <<<"$answer")
    done
    for arn in "${!started_at[@]}"; do
        if [ $(( $(date +%s) - ${started_at[$arn]} )) -gt $(( task_timeout * 60 )) ]; then
            log "stopping ${job_of[$arn]}: still running after $task_timeout minutes"
            aws_do ecs stop-task --cluster "$cluster" --task "$arn" --reason "run-grid: over $task_timeout minutes" >/dev/null || true
            started_at[$arn]=$(date +%s)    # its stop shows up at a later poll
        fi
    done
}

next=0
while [ "$next" -lt "${#jobs[@]}" ] || [ "${#job_of[@]}" -gt 0 ]; do
    while [ "$next" -lt "${#jobs[@]}" ] && [ "${#job_of[@]}" -lt "$parallel" ]; do
        start_job "${jobs[next]}"
        next=$((next + 1))
    done
    [ "${#job_of[@]}" -eq 0 ] || { sleep "$poll"; poll_jobs; }
done

# --- results
[ "$dry_run" = 1 ] || mkdir -p "$out"
for job in "${succeeded[@]}"; do
    read -r s m c <<<"$job"
    name=result_${tag_of[$s]}_${m}_$c.csv
    aws_do s3 cp --only-show-errors "s3://$result_bucket/$name" "$out/$name" ||
        failures+=("$job: finished, but s3://$result_bucket/$name could not be downloaded")
done
if [ "${#failures[@]}" -gt 0 ]; then
    log "${#failures[@]} of ${#jobs[@]} tasks failed:"
    printf '  %s\n' "${failures[@]}" >&2
    exit 1
fi
if [ "$dry_run" = 1 ]; then log "dry run: ${#jobs[@]} tasks; nothing was started"; exit 0; fi
log "all ${#jobs[@]} tasks succeeded; CSVs in $out/"
