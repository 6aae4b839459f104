#!/usr/bin/env bash
# Several nodes on one PostgreSQL (issue 15), loopback only, bounded in time. Measures in one run:
#   - POST /credentials/issue with sled (one node) and with PostgreSQL (one node, then two nodes behind no balancer,
#     wrk on each), all on the same 2 cores as PostgreSQL and wrk;
#   - revocation-to-visible: revoke at node a, then how long until node b serves the changed list (20 runs);
#   - the database's size per credential.
# Needs a PostgreSQL role with CREATEDB at SKILLSPASS_TEST_DATABASE (default: the one .ci/run sets up).
# Usage: benches/postgres.sh [seconds per wrk run, default 10]. Prints a markdown report on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
. benches/lib.sh
admin_url="${SKILLSPASS_TEST_DATABASE:-postgres://skillspass:skillspass@127.0.0.1:5432/skillspass}"
db="skillspass_bench_$$"
psql -q "$admin_url" -c "CREATE DATABASE $db" >/dev/null
database="${admin_url%/*}/$db"
trap 'cleanup; psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT

# sled, one node, for the ratio.
start sled 0,1 --roles issuer --status-ttl-ms 600000
signed_credential sled
post_lua "$work/issue.lua" "$work/credential.json" "$(cat "$work/sled/admin-token")" 'data:application/vc+jwt,'
read -r s_rps s_p50 s_p99 s_bad s_wrong <<<"$(wrk_run 0,1 "$URL_sled/credentials/issue" "$work/issue.lua")"
kill "$PID_sled"; wait "$PID_sled" 2>/dev/null || true

# PostgreSQL: node a, then node b with a's secret files and public URL.
port_a=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
public="http://localhost:$port_a"
taskset -c 0,1 "$bin" serve --data "$work/a" --addr "127.0.0.1:$port_a" --roles issuer --database "$database" \
  --public-url "$public" --status-ttl-ms 600000 >"$work/a.out" 2>"$work/a.err" &
pids+=($!); PID_a=$!
for _ in $(seq 100); do grep -q "listening on" "$work/a.out" 2>/dev/null && break; sleep 0.1; done
mkdir -p "$work/b"
cp "$work/a/issuer-key.jwk" "$work/a/protocol-key" "$work/a/admin-token" "$work/b/"
start b 0,1 --roles issuer --database "$database" --public-url "$public" --status-ttl-ms 600000
URL_a="http://127.0.0.1:$port_a"
token=$(cat "$work/a/admin-token")
did=$(sed -n 's/^issuer \(did:web:[^ ]*\) published.*/\1/p' "$work/a.out")
sled_did=$(issuer_did sled)
sed "s/$sled_did/$did/" "$work/credential.json" > "$work/pg-credential.json"
post_lua "$work/pg-issue.lua" "$work/pg-credential.json" "$token" 'data:application/vc+jwt,'
read -r p_rps p_p50 p_p99 p_bad p_wrong <<<"$(wrk_run 0,1 "$URL_a/credentials/issue" "$work/pg-issue.lua")"
taskset -c 0,1 wrk -t1 -c16 -d"${duration}s" -s "$work/pg-issue.lua" "$URL_a/credentials/issue" > "$work/wrk-a.txt" &
wrk_a=$!
taskset -c 0,1 wrk -t1 -c16 -d"${duration}s" -s "$work/pg-issue.lua" "$URL_b/credentials/issue" > "$work/wrk-b.txt"
wait "$wrk_a"
two=$(awk '/Requests\/sec/ {s+=$2} END {printf "%.0f", s}' "$work/wrk-a.txt" "$work/wrk-b.txt")
two_wrong=$(awk '/^wrong answers:/ {s+=$3} END {print s+0}' "$work/wrk-a.txt" "$work/wrk-b.txt")

# Revocation at a, visible at b: the HTTP time of the revocation (answered once stored) plus that of every read of
# node b's list until it is the changed one (curl's own timings, so starting curl is not counted).
visible=()
for _ in $(seq 20); do
  id="urn:uuid:$(cat /proc/sys/kernel/random/uuid)"
  sed "s/\"credential\": {/\"credential\": {\"id\": \"$id\", /" "$work/pg-credential.json" > "$work/one.json"
  curl -s -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' --data @"$work/one.json" "$URL_a/credentials/issue"
  before=$(curl -s "$URL_b/status/revocation-1" -D - -o /dev/null | grep -i '^etag' | tr -d '\r')
  total=$(curl -s -o /dev/null -w '%{time_total}' -H "authorization: Bearer $token" -H 'content-type: application/json' \
    --data "{\"credentialId\":\"$id\",\"credentialStatus\":[{\"type\":\"BitstringStatusListEntry\",\"status\":\"revoked\"}]}" "$URL_a/credentials/status")
  while :; do
    read -r took etag <<<"$(curl -s "$URL_b/status/revocation-1" -D "$work/h.txt" -o /dev/null -w '%{time_total}'; echo " $(grep -i '^etag' "$work/h.txt" | tr -d '\r' | tr ' ' '_')")"
    total=$(awk -v a="$total" -v b="$took" 'BEGIN {print a + b}')
    [ "$etag" != "$(echo "$before" | tr ' ' '_')" ] && break
  done
  visible+=("$(awk -v t="$total" 'BEGIN {printf "%.0f", t * 1e6}')")
done
sorted=($(printf '%s\n' "${visible[@]}" | sort -n))
rows=$(psql -qtA "$database" -c "SELECT count(*) FROM entries WHERE space = 'issuer.credentials'")
bytes=$(psql -qtA "$database" -c "SELECT pg_database_size(current_database())")

cat <<REPORT
| Measurement | Result |
| --- | --- |
| POST /credentials/issue, sled, one node, 2 cores shared with wrk | $s_rps /s, p50 $s_p50, p99 $s_p99, non-2xx $s_bad, wrong $s_wrong |
| POST /credentials/issue, PostgreSQL, one node, 2 cores shared with wrk and PostgreSQL | $p_rps /s, p50 $p_p50, p99 $p_p99, non-2xx $p_bad, wrong $p_wrong |
| same, two nodes at once (wrk on each), 2 cores shared | $two /s in total, wrong $two_wrong |
| PostgreSQL / sled issuance rate (one node) | $(awk -v a="$p_rps" -v b="$s_rps" 'BEGIN {printf "%.2f", a/b}') |
| revocation at node a to the changed list at node b, 20 runs: median / max | $(awk -v v="${sorted[9]}" 'BEGIN {printf "%.2f", v/1000}') ms / $(awk -v v="${sorted[19]}" 'BEGIN {printf "%.2f", v/1000}') ms |
| database size after the runs: credentials / bytes per credential | $rows / $(awk -v b="$bytes" -v r="$rows" 'BEGIN {printf "%.0f", b/r}') |
REPORT
