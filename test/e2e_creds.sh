#!/usr/bin/env bash
# End-to-end tests of build/s3bench's credential providers, region handling,
# addressing and TLS, against the local Ceph RADOS Gateway of
# scripts/s3server.sh and, on the same cluster, a second gateway that this
# script starts with the gateway's STS turned on (real temporary credentials
# whose session token the gateway checks and lets expire) and an https port
# with a certificate from a CA made here.
#   test/e2e_creds.sh COUNTS_FILE   writes "passed failed skipped" into COUNTS_FILE
# Test servers listen on free ports of S3BENCH_TEST_PORTS (default
# 17400-17499) on 127.0.0.1; nothing else is reached.
set -uo pipefail
cd "$(dirname "$0")/.."
counts_file=${1:-/dev/null}
BIN=$PWD/${BUILD:-build}/s3bench
PORTS=${S3BENCH_TEST_PORTS:-17400-17499}
passed=0 failed=0 skipped=0 rc=0
TMP=$(mktemp -d)
PIDS=""

finish() {
    local pid
    for pid in $PIDS; do kill "$pid" 2>/dev/null; done
    [ -s "$TMP/rgw.pid" ] && kill "$(cat "$TMP/rgw.pid")" 2>/dev/null
    echo "$passed $failed $skipped" > "$counts_file"
    rm -rf "$TMP"
}
trap finish EXIT

ok()     { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

if ! scripts/s3server.sh start > "$TMP/s3server.out" 2>&1; then
    not_ok "the local S3 server starts" "$(tail -3 "$TMP/s3server.out")"
    exit 1
fi
eval "$(scripts/s3server.sh env)"
GATEWAY=$AWS_ENDPOINT_URL
USER1_KEY=$AWS_ACCESS_KEY_ID USER1_SECRET=$AWS_SECRET_ACCESS_KEY
# Every test sets the credentials and endpoint it means; nothing else leaks in.
unset BUCKET_NAME RESULT_BUCKET_NAME CONCURRENCY MODE TAG AWS_SESSION_TOKEN AWS_PROFILE \
    AWS_DEFAULT_REGION AWS_ENDPOINT_URL_S3 AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
    AWS_EC2_METADATA_SERVICE_ENDPOINT
export AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE=$TMP/none/credentials AWS_CONFIG_FILE=$TMP/none/config

RUN="cr$(date +%s)$$"
PLAIN="$RUN-plain" STS_SRC="$RUN-sts" STS_RES="$RUN-stsres"

# s3b ARGS...: runs the binary, stdout to $TMP/out, stderr to $TMP/err; sets rc.
s3b() { "$BIN" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?; }

# as_user1 CMD...: runs CMD with the gateway's first user's keys in the environment.
as_user1() { AWS_ACCESS_KEY_ID=$USER1_KEY AWS_SECRET_ACCESS_KEY=$USER1_SECRET "$@"; }

# check NAME CONDITION...: ok when the condition (a command) succeeds, else
# not ok with the last exit code and the tail of stderr; returns the same.
check() {
    local name="$1"; shift
    if "$@"; then ok "$name"; return 0; fi
    not_ok "$name" "exit $rc" "$(tail -3 "$TMP/err" 2>/dev/null)"
    return 1
}

# json_ok N: the last stdout line is a JSON summary of N objects, no errors, uploaded or not asked.
json_ok() {
    python3 - "$TMP/out" "$1" <<'PY'
import json, sys
j = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert j["objects"] == int(sys.argv[2]) and j["errors"] == 0 and j["mismatches"] == 0, j
PY
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port: sets $port to a free port of $PORTS not handed out before in this run.
TAKEN=" "
pick_port() {
    local p lo=${PORTS%-*} hi=${PORTS#*-}
    for ((p = lo; p <= hi; p++)); do
        if [[ $TAKEN != *" $p "* ]] && port_free "$p"; then TAKEN="$TAKEN$p "; port=$p; return 0; fi
    done
    return 1
}

# start_py NAME SCRIPT ARGS...: starts a test server, waits for its port; sets $port.
start_py() {
    local name="$1" script="$2" i; shift 2
    python3 "test/$script" --ports "$PORTS" --port-file "$TMP/$name.port" "$@" 2> "$TMP/$name.log" &
    PIDS="$PIDS $!"
    for ((i = 0; i < 100; i++)); do
        [ -s "$TMP/$name.port" ] && { port=$(cat "$TMP/$name.port"); TAKEN="$TAKEN$port "; return 0; }
        sleep 0.1
    done
    return 1
}

# --- fixture: a bucket of the first user on the main gateway
as_user1 "$BIN" populate --endpoint "$GATEWAY" --bucket "$PLAIN" --count 40 --size 1KiB 2> "$TMP/err" &&
    as_user1 "$BIN" populate --endpoint "$GATEWAY" --bucket "$RUN-plainres" --count 0 --size 0 2>> "$TMP/err"
check "populate the plain fixture bucket" test $? -eq 0

# --- a test CA and a server certificate for localhost and 127.0.0.1
mkdir -p "$TMP/tls"
(
    cd "$TMP/tls" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=s3bench test CA" -keyout ca.key -out ca.pem &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
        -keyout server.key -out server.csr &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > ext.cnf &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile ext.cnf -out server.pem
) > "$TMP/openssl.out" 2>&1
check "make a test CA and a server certificate" test $? -eq 0
CA=$TMP/tls/ca.pem

# --- a second gateway on the same cluster: STS on (the token must be the
# gateway's own, and it expires), sessions as short as 1 s, and https.
# The cluster, its config and the gateway's name are scripts/s3server.sh's.
STATE=${S3SERVER_DIR:-build/s3server}
case $STATE in /*) ;; *) STATE=$PWD/$STATE ;; esac
CONF=$STATE/ceph.conf
RGW_NAME=$(sed -n 's/^\[\(client\.rgw\.[^]]*\)\]$/\1/p' "$CONF" | head -1)
pick_port && STS_PORT=$port && pick_port && TLS_PORT=$port
STS=http://127.0.0.1:$STS_PORT
radosgw --cluster s3bench -c "$CONF" -n "$RGW_NAME" \
    --rgw-frontends="beast endpoint=127.0.0.1:$STS_PORT ssl_endpoint=127.0.0.1:$TLS_PORT ssl_certificate=$TMP/tls/server.pem ssl_private_key=$TMP/tls/server.key" \
    --pid-file="$TMP/rgw.pid" --admin-socket="$TMP/rgw.asok" --log-file="$TMP/rgw.log" \
    --rgw-s3-auth-use-sts=true --rgw-sts-key=s3benchstskey016 --rgw-sts-min-session-duration=1 \
    < /dev/null > "$TMP/rgw.out" 2>&1
for ((i = 0; i < 300; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --noproxy '*' "$STS/")" = 200 ] && break
    sleep 0.1
done
check "a second gateway with STS and https starts" test "$i" -lt 300 ||
    { tail -n 5 "$TMP/rgw.log" "$TMP/rgw.out" | sed 's/^/#   /'; exit 1; }

# iam|sts USER_KEY USER_SECRET KEY=VALUE...: a signed STS or IAM call on the second gateway.
sts_call() {
    local service="$1" key="$2" secret="$3" kv args=(); shift 3
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    printf 'user = "%s:%s"\n' "$key" "$secret" |
        curl -sS --fail --max-time 10 --noproxy '*' -K - --aws-sigv4 "aws:amz:us-east-1:$service" \
            "${args[@]}" "$STS/"
}

# The second user owns the STS fixture and a role that anyone it names may
# assume for s3:* (the gateway checks the trust and the role's policy).
ROLE="s3bench-e2e-$RUN"
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/s3bench2"]},"Action":["sts:AssumeRole"]}]}'
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":"*"}]}'
U2K=$S3SERVER_USER2_ACCESS_KEY_ID U2S=$S3SERVER_USER2_SECRET_ACCESS_KEY
radosgw-admin --cluster s3bench -c "$CONF" --log-file="$TMP/admin.log" caps add --uid=s3bench2 \
        --caps="roles=*" > "$TMP/admin.out" 2>&1 &&
    sts_call iam "$U2K" "$U2S" Action=CreateRole "RoleName=$ROLE" Path=/ \
        "AssumeRolePolicyDocument=$TRUST" > "$TMP/iam.out" 2>&1 &&
    sts_call iam "$U2K" "$U2S" Action=PutRolePolicy "RoleName=$ROLE" PolicyName=s3 \
        "PolicyDocument=$POLICY" >> "$TMP/iam.out" 2>&1 &&
    AWS_ACCESS_KEY_ID=$U2K AWS_SECRET_ACCESS_KEY=$U2S "$BIN" populate --endpoint "$STS" \
        --bucket "$STS_SRC" --count 400 --size 1KiB 2> "$TMP/err" &&
    AWS_ACCESS_KEY_ID=$U2K AWS_SECRET_ACCESS_KEY=$U2S "$BIN" populate --endpoint "$STS" \
        --bucket "$STS_RES" --count 0 --size 0 2>> "$TMP/err"
check "a role to assume and the STS fixture buckets" test $? -eq 0
ROLE_ARN="arn:aws:iam:::role/$ROLE"

# --- credential servers: long-lived (15 min) and short-lived (3 s) credentials
printf 'container-secret-%s\n' "$RUN" > "$TMP/container-token"
export OWNER_ACCESS_KEY_ID=$U2K OWNER_SECRET_ACCESS_KEY=$U2S
start_py creds creds_server.py --sts "$STS" --role-arn "$ROLE_ARN" --lifetime 900 \
    --log "$TMP/issued" --secrets "$TMP/secrets" --container-token-file "$TMP/container-token" &&
    CREDS=http://127.0.0.1:$port &&
    start_py short creds_server.py --sts "$STS" --role-arn "$ROLE_ARN" --lifetime 3 \
        --log "$TMP/issued-short" --secrets "$TMP/secrets" &&
    SHORT=http://127.0.0.1:$port &&
    # A slow path to the STS gateway, so a run outlasts those 3 s: 400
    # objects at 20 ms each by 2 workers take 4 s or more.
    start_py slow creds_proxy.py --upstream "127.0.0.1:$STS_PORT" --delay-ms 20 &&
    SLOW=http://127.0.0.1:$port
check "credential servers and the slow proxy start" test $? -eq 0
unset OWNER_ACCESS_KEY_ID OWNER_SECRET_ACCESS_KEY

# sts_run ARGS...: s3bench against 10 objects of the STS gateway's fixture,
# with upload. (Each request with a session token costs the gateway a role
# lookup, so only the refresh test reads all 400.)
sts_run() {
    s3b --endpoint "$STS" --bucket "$STS_SRC" --prefix obj-000000 --result-bucket "$STS_RES" \
        --out-dir "$TMP" --json "$@"
}

# --- container credentials (FULL_URI), the token from a variable, then from a file
: > "$TMP/issued"
AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDS/container/creds \
    AWS_CONTAINER_AUTHORIZATION_TOKEN=$(cat "$TMP/container-token") sts_run -c 4 --tag ctr
check "container credentials (FULL_URI, AUTHORIZATION_TOKEN): a run with upload" \
    eval '[ "$rc" -eq 0 ] && json_ok 10 && grep -q "^container " "$TMP/issued"'
AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDS/container/creds \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/container-token sts_run -c 2 -m process --tag ctrf
check "container credentials (AUTHORIZATION_TOKEN_FILE), process mode" eval '[ "$rc" -eq 0 ] && json_ok 10'
AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDS/container/creds AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong \
    sts_run -c 1 --tag ctrw
check "container endpoint refusing the token: exit 2, one line naming it" \
    eval '[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/err")" = 1 ] && grep -q "no credentials from the container: GET $CREDS/container/creds: HTTP 401" "$TMP/err"'
AWS_CONTAINER_CREDENTIALS_FULL_URI=http://10.255.255.1/creds sts_run -c 1 --tag ctrn
check "container FULL_URI over http to a non-loopback host: exit 2" \
    eval '[ "$rc" -eq 2 ] && grep -q "FULL_URI must be https" "$TMP/err"'

# --- IMDSv2
: > "$TMP/issued"
AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT=$CREDS sts_run -c 4 --tag imds
check "instance credentials (IMDSv2): a run with upload" \
    eval '[ "$rc" -eq 0 ] && json_ok 10 && grep -q "^imds " "$TMP/issued"'
pick_port
AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$port \
    sts_run -c 1 --tag imdsx
check "no IMDS listening: exit 2 at once, saying so" \
    eval '[ "$rc" -eq 2 ] && grep -q "no credentials from the IMDS: PUT" "$TMP/err"'
sts_run -c 1 --tag nocreds
check "nothing configured and IMDS disabled: exit 2, no credentials" \
    eval '[ "$rc" -eq 2 ] && grep -q "no credentials" "$TMP/err"'

# --- the session token: sent, signed, and checked by the gateway
sts_call sts "$U2K" "$U2S" Action=AssumeRole Version=2011-06-15 "RoleArn=$ROLE_ARN" \
    RoleSessionName=env DurationSeconds=900 > "$TMP/assumed" 2> "$TMP/err"
field() { sed -n "s:.*<$1>\([^<]*\)</$1>.*:\1:p" "$TMP/assumed"; }
TK=$(field AccessKeyId) TS=$(field SecretAccessKey) TT=$(field SessionToken)
AWS_ACCESS_KEY_ID=$TK AWS_SECRET_ACCESS_KEY=$TS AWS_SESSION_TOKEN=$TT sts_run -c 2 --tag envtok -vv
check "temporary keys with AWS_SESSION_TOKEN: the token is signed and accepted" \
    eval '[ "$rc" -eq 0 ] && grep -q "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token," "$TMP/err"'
AWS_ACCESS_KEY_ID=$TK AWS_SECRET_ACCESS_KEY=$TS sts_run -c 1 --tag notok
check "the same keys without their token: refused by the gateway (exit 3)" test "$rc" -eq 3
AWS_ACCESS_KEY_ID=$TK AWS_SECRET_ACCESS_KEY=$TS AWS_SESSION_TOKEN=${TT}x sts_run -c 1 --tag badtok
check "the same keys with a changed token: refused by the gateway (exit 3)" test "$rc" -eq 3

# --- refresh: credentials that live 3 s, runs that last longer, nothing may fail
for mode in thread process; do
    : > "$TMP/issued-short"
    start=$(date +%s)
    AWS_CONTAINER_CREDENTIALS_FULL_URI=$SHORT/container/creds \
        s3b --endpoint "$SLOW" --bucket "$STS_SRC" --result-bucket "$STS_RES" --out-dir "$TMP" \
        --json -c 2 -m "$mode" --tag "refresh-$mode" -v
    took=$(( $(date +%s) - start ))
    issued=$(wc -l < "$TMP/issued-short")
    if [ "$rc" -eq 0 ] && json_ok 400 && [ "$issued" -ge 3 ] &&
            grep -q "credentials refreshed from the container" "$TMP/err"; then
        ok "$mode mode: 3-second credentials refreshed $((issued - 1)) times in a ${took} s run, nothing failed"
    else
        not_ok "$mode mode: short-lived credentials refreshed mid-run" \
            "exit $rc, ${took} s, $issued credentials issued" "$(grep -v '^s3bench: GET' "$TMP/err" | tail -3)"
    fi
done

# --- nothing secret at the most verbose level
AWS_CONTAINER_CREDENTIALS_FULL_URI=$CREDS/container/creds \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$TMP/container-token sts_run -c 2 --tag loud -vvv
cat "$TMP/out" "$TMP/err" > "$TMP/loud"
leaks=0
while IFS= read -r secret; do
    [ -n "$secret" ] && grep -qF -- "$secret" "$TMP/loud" && leaks=$((leaks + 1))
done < <(cat "$TMP/secrets" "$TMP/container-token")
if [ "$rc" -eq 0 ] && [ "$leaks" -eq 0 ] && grep -q "Signature=<redacted>" "$TMP/loud" &&
        grep -q "x-amz-security-token: <redacted>" "$TMP/loud" &&
        grep -q "Authorization: <redacted>" "$TMP/loud"; then
    ok "-vvv shows the HTTP headers but no secret key, session token, container token or signature"
else
    not_ok "-vvv prints no secret" "exit $rc, $leaks secrets found in the output"
fi
AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT=$CREDS sts_run -c 1 --tag loudimds -vvv
cat "$TMP/out" "$TMP/err" > "$TMP/loud"
leaks=0
while IFS= read -r secret; do
    [ -n "$secret" ] && grep -qF -- "$secret" "$TMP/loud" && leaks=$((leaks + 1))
done < "$TMP/secrets"
check "-vvv with IMDS: the metadata token and credentials are not shown" \
    eval '[ "$rc" -eq 0 ] && [ "$leaks" -eq 0 ] && grep -q "X-aws-ec2-metadata-token: <redacted>" "$TMP/loud"'

# --- profiles in shared files under a temporary HOME
H=$TMP/home
mkdir -p "$H/.aws"
cat > "$H/.aws/credentials" <<EOF
[default]
aws_access_key_id = $USER1_KEY
aws_secret_access_key = not-the-secret

[bench]
aws_access_key_id = $USER1_KEY
aws_secret_access_key = $USER1_SECRET
EOF
cat > "$H/.aws/config" <<EOF
[default]
region = us-east-1

[profile bench]
region = eu-west-3

[profile cfgkeys]
region = ap-south-1
aws_access_key_id = $USER1_KEY
aws_secret_access_key = $USER1_SECRET
EOF
# prof ARGS...: s3bench on the plain bucket with HOME=${PHOME:-$H}, the shared
# files at CRED_FILE and CFG_FILE (unset: under HOME) and AWS_REGION=$REGION.
prof() {
    HOME=${PHOME:-$H} AWS_SHARED_CREDENTIALS_FILE=${CRED_FILE:-} AWS_CONFIG_FILE=${CFG_FILE:-} \
        AWS_REGION=${REGION:-} "$BIN" --endpoint "$GATEWAY" --bucket "$PLAIN" --no-upload \
        --out-dir "$TMP" -c 2 -vv "$@" > "$TMP/out" 2> "$TMP/err"
    rc=$?
}
AWS_PROFILE=bench prof --tag pbench
check "AWS_PROFILE=bench: its keys from ~/.aws/credentials, its region from ~/.aws/config" \
    eval '[ "$rc" -eq 0 ] && grep -q "/eu-west-3/s3/aws4_request" "$TMP/err"'
AWS_PROFILE=cfgkeys prof --tag pcfg
check "a profile with its keys in ~/.aws/config" \
    eval '[ "$rc" -eq 0 ] && grep -q "/ap-south-1/s3/aws4_request" "$TMP/err"'
prof --tag pdefault
check "no AWS_PROFILE: the default profile's (wrong) secret is used: exit 3" \
    eval '[ "$rc" -eq 3 ] && grep -q SignatureDoesNotMatch "$TMP/err"'
AWS_PROFILE=bench REGION=us-west-2 prof --tag pregion
check "AWS_REGION beats the profile's region" eval '[ "$rc" -eq 0 ] && grep -q "/us-west-2/s3/" "$TMP/err"'
AWS_PROFILE=nosuch prof --tag pnone
check "an unknown profile: exit 2, one clear line" \
    eval '[ "$rc" -eq 2 ] && [ "$(wc -l < "$TMP/err")" = 1 ] && grep -q "profile .nosuch. (AWS_PROFILE) not found in $H/.aws/credentials or $H/.aws/config" "$TMP/err"'
mkdir -p "$TMP/emptyhome"
AWS_PROFILE=bench PHOME=$TMP/emptyhome CRED_FILE=$H/.aws/credentials CFG_FILE=$H/.aws/config \
    prof --tag pfiles
check "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE name the files" \
    eval '[ "$rc" -eq 0 ] && grep -q "/eu-west-3/s3/aws4_request" "$TMP/err"'
AWS_PROFILE=bench CRED_FILE=$H/.aws/none CFG_FILE=$H/.aws/credentials prof --tag pfiles2
check "... and a profile in neither is reported with their names" \
    eval '[ "$rc" -eq 2 ] && grep -q "not found in $H/.aws/none or $H/.aws/credentials" "$TMP/err"'

# --- addressing on the main gateway ('rgw dns name = localhost')
plain() { as_user1 s3b --bucket "$PLAIN" --no-upload --out-dir "$TMP" -c 2 -v "$@"; }
GW_PORT=${GATEWAY##*:}
plain --endpoint "http://localhost:$GW_PORT" --virtual-hosted --tag vh
check "--virtual-hosted: requests go to BUCKET.localhost" \
    eval '[ "$rc" -eq 0 ] && grep -q "GET http://$PLAIN.localhost:$GW_PORT/obj-0000000 -> 200" "$TMP/err"'
plain --endpoint "http://localhost:$GW_PORT" --tag ps
check "a custom endpoint is path style by default" \
    eval '[ "$rc" -eq 0 ] && grep -q "GET http://localhost:$GW_PORT/$PLAIN/obj-0000000 -> 200" "$TMP/err"'
AWS_ENDPOINT_URL=http://127.0.0.1:1 AWS_ENDPOINT_URL_S3=$GATEWAY plain --tag s3url
check "AWS_ENDPOINT_URL_S3 beats AWS_ENDPOINT_URL" test "$rc" -eq 0

# --- a bucket in another region: followed, one line, in every mode
for style in header body; do
    start_py "region-$style" creds_proxy.py --upstream "${GATEWAY#http://}" --region eu-west-3 \
        --redirect "$style" --log "$TMP/region-$style.log" || not_ok "region proxy starts"
    RP=http://127.0.0.1:$port
    for mode in thread process; do
        : > "$TMP/region-$style.log"
        as_user1 s3b --endpoint "$RP" --bucket "$PLAIN" --result-bucket "$RUN-plainres" \
            --out-dir "$TMP" -c 4 -m "$mode" --tag "rg-$style-$mode" --json
        lines=$(grep -c "s3://$PLAIN is in region eu-west-3, not us-east-1: retrying there" "$TMP/err")
        res=$(grep -c "s3://$RUN-plainres is in region eu-west-3, not us-east-1: retrying there" "$TMP/err")
        # One refused request per bucket: the listing's and the upload's;
        # the workers (threads or children) start in the learned region.
        moved=$(grep -c "^redirect " "$TMP/region-$style.log")
        if [ "$rc" -eq 0 ] && json_ok 40 && [ "$lines" = 1 ] && [ "$res" = 1 ] && [ "$moved" = 2 ]; then
            ok "bucket in eu-west-3 ($style of the answer), $mode mode: one line, retried there, uploaded"
        else
            not_ok "bucket in another region ($style), $mode mode" \
                "exit $rc, $lines+$res lines, $moved requests redirected" "$(tail -3 "$TMP/err")"
        fi
    done
done

# --- TLS against the second gateway's https port (certificate from the test CA)
tls() { as_user1 s3b --endpoint "https://localhost:$TLS_PORT" --bucket "$PLAIN" --prefix obj-000000 \
            --no-upload --out-dir "$TMP" -c 2 "$@"; }
AWS_CA_BUNDLE=$CA tls --tag tls1
check "https with AWS_CA_BUNDLE naming the test CA" test "$rc" -eq 0
AWS_CA_BUNDLE=/nonexistent/ca.pem tls --ca-bundle "$CA" --tag tls2
check "--ca-bundle beats AWS_CA_BUNDLE" test "$rc" -eq 0
# Empty counts as unset for s3bench; the other two are for libcurl and OpenSSL.
AWS_CA_BUNDLE= CURL_CA_BUNDLE= SSL_CERT_FILE= tls --tag tls3
check "https without the CA: exit 3, one line saying the certificate is not trusted" \
    eval '[ "$rc" -eq 3 ] && [ "$(wc -l < "$TMP/err")" = 1 ] && grep -q "TLS certificate of localhost:$TLS_PORT not trusted" "$TMP/err"'
AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt tls --tag tls4
check "https with only the system CAs: refused the same way" \
    eval '[ "$rc" -eq 3 ] && grep -q "not trusted" "$TMP/err"'
AWS_CA_BUNDLE= tls --tag tls5 --insecure
check "--insecure: works, with a warning" \
    eval '[ "$rc" -eq 0 ] && grep -q "warning: --insecure: TLS certificates are not verified" "$TMP/err"'

[ "$failed" -eq 0 ]
