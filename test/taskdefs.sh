#!/usr/bin/env bash
# Checks of the container and ECS files, no network beyond 127.0.0.1: the
# task definitions `make taskdefs` generates (checked with jq, and by the
# aws CLI's own validation against the ECS API model), the task role's IAM
# documents, the grid script, the MinIO compose file, and shellcheck over the
# scripts. `make image-test` builds and runs the image itself.
#   test/taskdefs.sh COUNTS_FILE   writes "passed failed skipped" into COUNTS_FILE
# shellcheck disable=SC2016,SC2015  # jq programs are single-quoted; `A && B || fail` is meant
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=test/lib.sh
. test/lib.sh
# check NAME COMMAND...: ok when the command succeeds, else its output is the diagnosis.
check() {
    local name=$1 out; shift
    if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$(head -n 5 <<<"$out")"; fi
}

# jq, shellcheck, Debian's aws CLI (parameter validation against the ECS API
# model, offline) and a compose implementation to validate the compose file.
if ! scripts/need.sh jq shellcheck awscli docker-compose python3-yaml; then
    not_ok "the checking tools are installed (see the line above)"
    exit 1
fi
AWS=/usr/bin/aws    # Debian's, whatever else PATH holds

# --- generate with example parameters
ACCOUNT=123456789012 REGION=ap-northeast-1 SRC=s3bench-src-bucket RES=s3bench-res-bucket
IMAGE=$ACCOUNT.dkr.ecr.$REGION.amazonaws.com/s3bench:test-1
gen() {    # gen OUT [NAME=VALUE...]: generates into OUT with the example parameters, overridden by the rest
    local out=$1; shift
    env IMAGE="$IMAGE" ACCOUNT="$ACCOUNT" REGION="$REGION" BUCKET_NAME="$SRC" RESULT_BUCKET_NAME="$RES" \
        OUT="$out" "$@" ecs-taskdefs/generate.sh
}
if ! out=$(gen "$TMP/td" 2>&1); then
    not_ok "make taskdefs generates" "$out"
    exit 1
fi
ok "taskdefs generates: $(cd "$TMP/td" && echo *)"
TD=("$TMP"/td/taskdef-1vcpu.json "$TMP"/td/taskdef-2vcpu.json "$TMP"/td/taskdef-4vcpu.json)

# --- shape
check "the task definitions are JSON of the expected shape: Fargate, awsvpc, roles, awslogs, LINUX/X86_64" \
    jq -e --arg a "$ACCOUNT" --arg r "$REGION" '
        .networkMode == "awsvpc" and .requiresCompatibilities == ["FARGATE"]
        and .runtimePlatform == {cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX"}
        and (.taskRoleArn | test("^arn:aws:iam::\($a):role/[A-Za-z0-9+=,.@_-]+$"))
        and (.executionRoleArn | test("^arn:aws:iam::\($a):role/[A-Za-z0-9+=,.@_-]+$"))
        and (.containerDefinitions | length == 1)
        and (.containerDefinitions[0] | .essential == true
             and .logConfiguration.logDriver == "awslogs"
             and .logConfiguration.options."awslogs-region" == $r
             and (.logConfiguration.options."awslogs-group" | length > 0)
             and (.logConfiguration.options."awslogs-stream-prefix" | length > 0))' "${TD[@]}"

# Fargate's memory choices for the CPU sizes used (AWS ECS task-size table).
check "cpu 1024/2048/4096 for 1/2/4 vCPU, each with a memory size Fargate allows" \
    jq -e -s '
        def fargate_ok: (.cpu | tonumber) as $c | (.memory | tonumber) as $m |
            if $c == 1024 then $m >= 2048 and $m <= 8192 and $m % 1024 == 0
            elif $c == 2048 then $m >= 4096 and $m <= 16384 and $m % 1024 == 0
            elif $c == 4096 then $m >= 8192 and $m <= 30720 and $m % 1024 == 0
            else false end;
        (map(.cpu) == ["1024", "2048", "4096"]) and all(.[]; fargate_ok)
        and (map(.family) | unique | length == 3)' "${TD[@]}"

check "TAG and family carry the vCPU size" \
    jq -e -s 'to_entries | all(.[];
        (.value.cpu | tonumber / 1024) as $v
        | .value.family == "s3bench-\($v)vcpu"
        and (.value.containerDefinitions[0].environment[] | select(.name == "TAG") | .value) == "fargate-\($v)vcpu")' "${TD[@]}"

# What the aws CLI itself accepts: it validates the JSON against the ECS API
# model, then signs and sends; 127.0.0.1:9 refuses the connection, so exit
# 255 "Could not connect" means the input was accepted, 252 that it was not.
aws_accepts() {    # aws_accepts ARGS...: 0 when the aws CLI accepts the request
    local out rc=0
    out=$(env -i PATH=/usr/bin:/bin HOME="$TMP" AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example \
        AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1 AWS_PAGER= \
        "$AWS" --endpoint-url http://127.0.0.1:9 --cli-connect-timeout 2 "$@" 2>&1) || rc=$?
    [ "$rc" = 255 ] && grep -q 'Could not connect' <<<"$out" && return 0
    echo "exit $rc: $out"
    return 1
}
all_accepted() {
    local f
    for f in "${TD[@]}"; do
        aws_accepts --region "$REGION" ecs register-task-definition --cli-input-json "file://$f" || return 1
    done
}
check "aws ecs register-task-definition --cli-input-json accepts all three (aws CLI validation)" all_accepted

# --- the environment: every variable the binary reads is set, but for the
# credential chain, which the task role feeds (ECS sets the
# AWS_CONTAINER_CREDENTIALS_* variables itself; static keys would be
# secrets in plain text; there are no profile files or instance metadata in
# a Fargate task; the runtime sets HOME).
CRED_CHAIN='^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|SHARED_CREDENTIALS_FILE|CONFIG_FILE)|AWS_CONTAINER_.*|AWS_EC2_METADATA_.*|HOME)$'
# The names the source reads from the environment (env_get(env, "X"),
# pick(..., env, "X"), getenv("X")) and those --help names.
{
    grep -ohE '\benv, "[A-Z][A-Z0-9_]*"|getenv\("[A-Z][A-Z0-9_]*"' src/*.c | grep -oE '"[A-Z0-9_]+"' | tr -d '"'
    "$BIN" --help | grep -oE '\[[A-Z][A-Z0-9_, ]*\]|\bAWS_[A-Z0-9_]+' | tr -d '[],' | tr ' ' '\n'
} | grep -E '^[A-Z][A-Z0-9_]+$' | sort -u > "$TMP/read"
grep -Ev "$CRED_CHAIN" "$TMP/read" > "$TMP/settings"
env_names() { jq -r '.containerDefinitions[0].environment[].name' "$1" | sort; }
env_check() {
    local f missing dup
    [ "$(wc -l < "$TMP/settings")" -ge 8 ] || { echo "only $(wc -l < "$TMP/settings") settings found in src/ and --help"; return 1; }
    for f in "${TD[@]}"; do
        missing=$(env_names "$f" | comm -13 - "$TMP/settings" | tr '\n' ' ')
        dup=$(env_names "$f" | uniq -d | tr '\n' ' ')
        [ -z "$missing$dup" ] && continue
        echo "$(basename "$f"): not set: ${missing:-none} (add to ecs-taskdefs/taskdef.jq); twice: ${dup:-none}"
        return 1
    done
}
check "every variable the binary reads is set ($(tr '\n' ' ' < "$TMP/settings" | sed 's/ $//'))" env_check

no_credentials() {
    local hits
    hits=$(jq -r '.containerDefinitions[0].environment[].name' "${TD[@]}" | grep -E "$CRED_CHAIN")
    [ -z "$hits" ] || { echo "credential variables set: $hits"; return 1; }
    # Access key ids, and anything named like a secret, in the output or the templates.
    hits=$(grep -nE '(AKIA|ASIA)[A-Z0-9]{16}|[Ss]ecret|[Pp]assword|[Tt]oken' "$TMP"/td/*.json ecs-taskdefs/*.jq)
    [ -z "$hits" ] || { echo "$hits"; return 1; }
    hits=$(jq -r '.. | objects | .secrets? // empty' "${TD[@]}")
    [ -z "$hits" ] || { echo "secrets: $hits"; return 1; }
}
check "no credentials anywhere in the task definitions or templates" no_credentials

# --- parameters: another image, account, region and architecture change
# exactly the fields they should, and nothing of the first values remains.
params_check() {
    local f s other=987654321098 image2=registry.example.com/team/s3bench@sha256:0123456789abcdef
    gen "$TMP/td2" IMAGE="$image2" ACCOUNT="$other" REGION=eu-west-1 ARCH=ARM64 >/dev/null || return 1
    for s in 1 2 4; do
        f=taskdef-${s}vcpu.json
        jq -e --arg i "$image2" '.containerDefinitions[0].image == $i
            and .runtimePlatform.cpuArchitecture == "ARM64"' "$TMP/td2/$f" >/dev/null ||
            { echo "$f: image or architecture not taken from the parameters"; return 1; }
        ! grep -qE "$ACCOUNT|$REGION|s3bench:test-1" "$TMP/td2/$f" ||
            { echo "$f: a value of the first generation is still there"; return 1; }
    done
    gen "$TMP/td3" IMAGE=other/image:2 >/dev/null || return 1
    diff <(jq 'del(.containerDefinitions[0].image)' "$TMP/td/taskdef-2vcpu.json") \
         <(jq 'del(.containerDefinitions[0].image)' "$TMP/td3/taskdef-2vcpu.json") || return 1
}
check "the image, account, region and architecture are parameters" params_check

bad_input() {    # each bad parameter: exit 2 and one line naming it
    local case out rc
    for case in "ACCOUNT=12345" "REGION=Tokyo" "ARCH=x86" "IMAGE=bad image" "BUCKET_NAME=Bad_Bucket" "IMAGE="; do
        rc=0; out=$(gen "$TMP/bad" "$case" 2>&1) || rc=$?
        [ "$rc" = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "${case%%=*}" <<<"$out" ||
            { echo "$case: exit $rc, output: $out"; return 1; }
    done
}
check "a bad or missing parameter is one line naming it, exit 2" bad_input

# --- IAM: the task role may list the source, read its objects and write
# result objects, and nothing else; only ECS tasks may assume it.
check "task-role policy grants exactly ListBucket on the source, GetObject on its objects, PutObject on the results" \
    jq -e --arg s "$SRC" --arg r "$RES" '
        .Version == "2012-10-17"
        and all(.Statement[]; .Effect == "Allow" and (keys - ["Sid", "Effect", "Action", "Resource"] == []))
        and ([.Statement[] | {a: ([.Action] | flatten), r: ([.Resource] | flatten)}] | sort ==
             ([{a: ["s3:ListBucket"], r: ["arn:aws:s3:::\($s)"]},
               {a: ["s3:GetObject"], r: ["arn:aws:s3:::\($s)/*"]},
               {a: ["s3:PutObject"], r: ["arn:aws:s3:::\($r)/*"]}] | sort))' "$TMP/td/task-role-policy.json"
check "trust policy: only ecs-tasks.amazonaws.com of this account may assume the task role" \
    jq -e --arg a "$ACCOUNT" '
        .Version == "2012-10-17" and (.Statement | length == 1)
        and (.Statement[0] | .Effect == "Allow" and .Principal == {Service: "ecs-tasks.amazonaws.com"}
             and .Action == "sts:AssumeRole" and .Condition.StringEquals."aws:SourceAccount" == $a
             and (.Condition.ArnLike."aws:SourceArn" | startswith("arn:aws:ecs:")))' "$TMP/td/task-role-trust.json"

# --- the grid script
check "shellcheck: the grid script, generate.sh and the image, MinIO and test scripts" \
    shellcheck -x ecs-taskdefs/*.sh scripts/image-test.sh scripts/minio.sh scripts/need.sh test/taskdefs.sh \
        test/lib.sh test/e2e.sh test/e2e_measure.sh test/e2e_faults.sh

grid_dry_run() {
    local out want got line
    out=$(ecs-taskdefs/run-grid.sh --cluster bench --subnets subnet-0a1b2c,subnet-3d4e5f --security-groups sg-0123 \
        --taskdefs "$TMP/td" --out "$TMP/results" --dry-run 2>&1) || { echo "$out"; return 1; }
    [ "$(grep -c '^aws .* ecs register-task-definition ' <<<"$out")" = 3 ] || { echo "not 3 registrations"; return 1; }
    # One run-task per size x mode x concurrency, each overriding MODE and CONCURRENCY.
    want=$(for s in 1 2 4; do for m in thread process; do for c in 1 2 4 8 16; do echo "s3bench-${s}vcpu $m $c"; done; done; done | sort)
    got=$(grep '^aws .* ecs run-task ' <<<"$out" |
          sed -E "s/.*--task-definition ([^ ]+) .*--overrides '([^']*)'.*/\1 \2/" |
          while read -r td json; do
              echo "$td $(jq -r '.containerOverrides[0].environment | from_entries
                  | "\(.MODE) \(.CONCURRENCY)"' <<<"$json")"
          done | sort)
    [ "$want" = "$got" ] || { echo "run-task grid differs:"; diff <(echo "$want") <(echo "$got") | head -5; return 1; }
    [ "$(grep -c "^aws .* s3 cp .*s3://$RES/result_fargate-[124]vcpu_\(thread\|process\)_[0-9]*\.csv" <<<"$out")" = 30 ] ||
        { echo "not 30 CSV downloads from s3://$RES"; return 1; }
    # The aws CLI accepts the printed run-task command as it stands.
    line=$(grep -m 1 '^aws .* ecs run-task ' <<<"$out")
    eval "set -- ${line#aws }"
    aws_accepts "$@"
}
check "run-grid.sh --dry-run: 3 registrations, the 30-task grid with MODE/CONCURRENCY overrides, 30 CSVs" grid_dry_run

grid_usage() {
    local out rc=0
    out=$(ecs-taskdefs/run-grid.sh --subnets subnet-0a --security-groups sg-0a --taskdefs "$TMP/td" 2>&1) || rc=$?
    [ "$rc" = 2 ] && grep -q -- '--cluster is required' <<<"$out" || { echo "exit $rc: $out"; return 1; }
}
check "run-grid.sh without --cluster: usage error, exit 2" grid_usage

# The waiting and reporting, against a stand-in for the ECS and S3 APIs at the
# aws CLI's boundary (the real ones are not reachable from here): each task
# stops at its first describe-tasks; 2 vCPU thread x 1 exits 1, and ECS
# refuses to start 4 vCPU process x 16.
cat > "$TMP/fake-aws" <<'FAKE'
#!/usr/bin/env bash
set -euo pipefail
st=$FAKE_ECS_STATE
arg() { local want=$1; shift; while [ $# -gt 1 ]; do [ "$1" = "$want" ] && { echo "$2"; return; }; shift; done; }
shift 2    # --region R
case "$1 $2" in
    "ecs register-task-definition")
        f=$(arg --cli-input-json "$@"); echo "arn:aws:ecs:r:1:task-definition/$(jq -r .family "${f#file://}"):7" ;;
    "ecs run-task")
        td=$(arg --task-definition "$@"); td=${td##*/}; td=${td%:*}
        job="$td $(arg --overrides "$@" | jq -r '.containerOverrides[0].environment | from_entries | "\(.MODE) \(.CONCURRENCY)"')"
        if [ "$job" = "s3bench-4vcpu process 16" ]; then echo '{"tasks":[],"failures":[{"reason":"RESOURCE:FARGATE"}]}'; exit 0; fi
        n=$(( $(ls "$st/running" | wc -l) + 1 )); [ "$n" -le "$(cat "$st/max")" ] || echo "$n" > "$st/max"
        id=$(( $(cat "$st/next") + 1 )); echo "$id" > "$st/next"; echo "$job" > "$st/running/$id"
        echo "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:r:1:task/c/$id\"}]}" ;;
    "ecs describe-tasks")
        shift 2; out='{"tasks":[]}'
        for a in "$@"; do
            [[ $a == arn:* ]] || continue
            id=${a##*/}; [ -e "$st/running/$id" ] || continue
            code=0; [ "$(cat "$st/running/$id")" = "s3bench-2vcpu thread 1" ] && code=1
            rm "$st/running/$id"
            out=$(jq -c --arg a "$a" --argjson c "$code" '.tasks += [{taskArn: $a, lastStatus: "STOPPED",
                containers: [{exitCode: $c}], stoppedReason: "Essential container in task exited"}]' <<<"$out")
        done
        echo "$out" ;;
    "s3 cp") echo "csv of ${4##*/}" > "$5" ;;
    *) echo "fake aws: unexpected $*" >&2; exit 1 ;;
esac
FAKE
grid_waits_and_reports() {
    local out n rc=0 st=$TMP/fake-ecs
    mkdir -p "$st/running" "$TMP/fakebin" && echo 0 > "$st/next" && echo 0 > "$st/max"
    cp "$TMP/fake-aws" "$TMP/fakebin/aws" && chmod +x "$TMP/fakebin/aws"
    out=$(PATH="$TMP/fakebin:$PATH" FAKE_ECS_STATE=$st RUN_GRID_POLL_SECONDS=0 ecs-taskdefs/run-grid.sh \
        --cluster c --subnets subnet-0a --security-groups sg-0a --parallel 4 \
        --taskdefs "$TMP/td" --out "$TMP/grid-out" 2>&1) || rc=$?
    [ "$rc" = 1 ] || { echo "exit $rc, expected 1: $(tail -n 5 <<<"$out")"; return 1; }
    grep -q '2 of 30 tasks failed' <<<"$out" &&
        grep -q '2 thread 1: exit 1, Essential container' <<<"$out" &&
        grep -q '4 process 16: not started: RESOURCE:FARGATE' <<<"$out" ||
        { echo "failures not reported: $(tail -n 4 <<<"$out")"; return 1; }
    n=$(find "$TMP/grid-out" -name 'result_*.csv' | wc -l)
    [ "$n" = 28 ] && [ -s "$TMP/grid-out/result_fargate-4vcpu_process_8.csv" ] ||
        { echo "$n CSVs downloaded, expected 28"; return 1; }
    [ "$(cat "$st/max")" -le 4 ] || { echo "$(cat "$st/max") tasks ran at once with --parallel 4"; return 1; }
}
check "run-grid.sh waits for every task, at most --parallel at once, reports the failed ones, downloads the rest" \
    grid_waits_and_reports

# --- the MinIO stack
compose_valid() {
    if docker compose version >/dev/null 2>&1; then
        docker compose --env-file docker/.env.example -f docker/docker-compose.yml config --quiet
    else
        docker-compose --env-file docker/.env.example -f docker/docker-compose.yml config --quiet
    fi
}
check "docker-compose.yml is a valid compose file with docker/.env.example ($(docker compose version >/dev/null 2>&1 && echo 'docker compose' || echo 'docker-compose') config)" compose_valid

compose_shape() {
    /usr/bin/python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' \
        docker/docker-compose.yml > "$TMP/compose.json" || return 1
    jq -e '
        (.services | keys | sort) == ["bench", "init", "minio"]
        and ([.services[].ports[]?] | length > 0 and all(.[]; startswith("127.0.0.1:")))
        and (.services.minio.image | test(":RELEASE\\.[0-9]{4}-[0-9]{2}-[0-9]{2}T") and (test("latest") | not))
        and .services.init.depends_on.minio.condition == "service_healthy"
        and .services.bench.depends_on.init.condition == "service_completed_successfully"
        and (.services.init.entrypoint | tostring | test("populate .*--count 0.*populate"))
        and ([.services[].environment? // {} | to_entries[] | select(.key | test("SECRET|PASSWORD|ACCESS_KEY"))
              | .value | startswith("${")] | length > 0 and all)' "$TMP/compose.json" >/dev/null ||
        { echo "compose file: wrong services, a port not on 127.0.0.1, an unpinned MinIO, a literal credential or a missing dependency"; return 1; }
    grep -qE '^MINIO_ROOT_USER=.+' docker/.env.example && grep -qE '^MINIO_ROOT_PASSWORD=.{8,}' docker/.env.example ||
        { echo "docker/.env.example lacks MINIO_ROOT_USER or an 8+ character MINIO_ROOT_PASSWORD"; return 1; }
    grep -q '^FROM .* AS runtime$' docker/Dockerfile || { echo "the init service's build target 'runtime' is not in docker/Dockerfile"; return 1; }
    grep -qx build .dockerignore && grep -qx .git .dockerignore || { echo ".dockerignore does not keep build and .git out"; return 1; }
}
check "compose: MinIO pinned and on 127.0.0.1 only, credentials from .env, init then bench; .dockerignore" compose_shape

minio_without_docker() {
    local out rc=0
    out=$(DOCKER=/nonexistent/docker scripts/minio.sh up 2>&1) || rc=$?
    [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'needs Docker' <<<"$out" || { echo "exit $rc: $out"; return 1; }
}
check "make minio-up without Docker: one clear line, exit 1" minio_without_docker
