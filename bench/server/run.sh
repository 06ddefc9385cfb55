#!/usr/bin/env bash
# The server benchmark of BENCHMARKS.md: `cleanroom bench` (32 connections)
# against cleanroom serve, the bare SigV4-verifying handler (bench/ceiling)
# and moto_server, one after the other in one run. By hand, not in CI:
#   bench/server/run.sh            (D=10s per row by default)
set -u
cd "$(dirname "$0")/../.."
go build -o /tmp/cr ./cmd/cleanroom && go build -o /tmp/ceiling ./bench/ceiling || exit 1
rm -rf /tmp/bd
/tmp/cr serve --data /tmp/bd --addr 127.0.0.1:4570 --log-level warn > /tmp/bd.log 2>&1 & SP=$!
trap 'kill $SP 2>/dev/null' EXIT
sleep 1.5
export AWS_CONFIG_FILE=/tmp/bd/aws/config AWS_SHARED_CREDENTIALS_FILE=/tmp/bd/aws/credentials
aws iam create-user --user-name benchuser > /dev/null
D=${D:-10s}
run() { echo "== $1"; shift; "$@" --duration $D --quiet 2>&1 | grep -E "throughput|latency|errors"; }
run "cleanroom sts:GetCallerIdentity" /tmp/cr bench --endpoint http://127.0.0.1:4570 --target sts:GetCallerIdentity
run "cleanroom iam:GetUser" /tmp/cr bench --endpoint http://127.0.0.1:4570 --target iam:GetUser --user-name benchuser
AK=$(awk -F' = ' '/aws_access_key_id/{print $2}' $AWS_SHARED_CREDENTIALS_FILE); SK=$(awk -F' = ' '/aws_secret_access_key/{print $2}' $AWS_SHARED_CREDENTIALS_FILE)
/tmp/ceiling -addr 127.0.0.1:4599 -key "$AK" -secret "$SK" > /dev/null 2>&1 & CP=$!
sleep 0.5
run "ceiling sts:GetCallerIdentity" /tmp/cr bench --endpoint http://127.0.0.1:4599 --access-key "$AK" --secret-key "$SK" --target sts:GetCallerIdentity
kill $CP
moto_server -H 127.0.0.1 -p 4598 > /dev/null 2>&1 & MP=$!
sleep 3
AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url http://127.0.0.1:4598 iam create-user --user-name benchuser > /dev/null
run "moto sts:GetCallerIdentity" /tmp/cr bench --endpoint http://127.0.0.1:4598 --access-key test --secret-key test --target sts:GetCallerIdentity
run "moto iam:GetUser" /tmp/cr bench --endpoint http://127.0.0.1:4598 --access-key test --secret-key test --target iam:GetUser --user-name benchuser
kill $MP
