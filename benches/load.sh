#!/usr/bin/env bash
# Load test for the HTTP services (issue #3), loopback only, bounded in time. Measures in one run:
#   - the raw ed25519-dalek verify_strict rate (criterion, same machine);
#   - POST /credentials/verify with warm caches, verifier pinned to one core, wrk on the other;
#   - POST /credentials/issue on both cores, indexes persisted (sled flushed before each answer);
#   - after a revocation, the time until a 1,048,576-entry list is served again;
#   - peak memory (VmHWM) of each server.
# Usage: benches/load.sh [seconds per wrk run, default 10]. Prints a markdown report on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
. benches/lib.sh

raw=$(cargo bench --quiet --bench core -- --warm-up-time 1 --measurement-time 3 "raw/ed25519-dalek verify_strict" 2>/dev/null \
  | awk '/time:/ {gsub(/\[/,""); print $4, $5; exit}')
raw_us=$(echo "$raw" | awk '{v=$1; if ($2=="ns") v=v/1000; if ($2=="ms") v=v*1000; print v}')
raw_rate=$(awk -v us="$raw_us" 'BEGIN {printf "%.0f", 1e6/us}')

start issuer 1 --roles issuer --status-ttl-ms 600000
start verifier 0 --roles verifier --allow-loopback-http
token=$(cat "$work/issuer/admin-token")
did=$(issuer_did issuer)
signed_credential issuer
verified=$(curl -s -H 'content-type: application/json' --data @"$work/verify.json" "$URL_verifier/credentials/verify" | grep -o '"verified":[a-z]*' | head -1)
[ "$verified" = '"verified":true' ] || { echo "the load test's credential does not verify: $verified" >&2; exit 1; }

post_lua "$work/verify.lua" "$work/verify.json" "" '"verified":true'
read -r v_rps v_p50 v_p99 v_bad v_wrong <<<"$(wrk_run 1 "$URL_verifier/credentials/verify" "$work/verify.lua")"
verifier_mem=$(hwm "$PID_verifier")

kill "$PID_issuer"; wait "$PID_issuer" 2>/dev/null || true
start issuer2 0,1 --roles issuer --status-ttl-ms 600000
token=$(cat "$work/issuer2/admin-token")
did2=$(issuer_did issuer2)
sed "s/$did/$did2/" "$work/credential.json" > "$work/credential2.json"
post_lua "$work/issue.lua" "$work/credential2.json" "$token" 'data:application/vc+jwt,'
read -r i_rps i_p50 i_p99 i_bad i_wrong <<<"$(wrk_run 0,1 "$URL_issuer2/credentials/issue" "$work/issue.lua")"
issuer_mem=$(hwm "$PID_issuer2")

kill "$PID_issuer2"; wait "$PID_issuer2" 2>/dev/null || true
sync
start big 0,1 --roles issuer --status-list-entries 1048576 --status-ttl-ms 600000
token=$(cat "$work/big/admin-token")
did3=$(issuer_did big)
rebuilds=()
for i in $(seq 20); do
  id="urn:uuid:$(cat /proc/sys/kernel/random/uuid)"
  sed "s/$did/$did3/; s/\"credential\": {/\"credential\": {\"id\": \"$id\", /" "$work/credential.json" > "$work/credential3.json"
  curl -s -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' --data @"$work/credential3.json" \
    "$URL_big/credentials/issue"
  curl -s -o /dev/null "$URL_big/status/revocation-1"
  curl -s -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' \
    --data "{\"credentialId\":\"$id\",\"credentialStatus\":[{\"type\":\"BitstringStatusListEntry\",\"status\":\"revoked\"}]}" "$URL_big/credentials/status"
  rebuilds+=("$(curl -s -o /dev/null -w '%{time_total}' "$URL_big/status/revocation-1" | awk '{printf "%.2f", $1*1000}')")
done
cached=$(curl -s -o /dev/null -w '%{time_total}' "$URL_big/status/revocation-1" | awk '{printf "%.2f", $1*1000}')

ratio=$(awk -v a="$v_rps" -v b="$raw_rate" 'BEGIN {printf "%.2f", a/b}')
cat <<REPORT
| Measurement | Result |
| --- | --- |
| raw ed25519-dalek verify_strict, 1 core (criterion) | $raw_rate /s ($raw) |
| POST /credentials/verify, warm caches, verifier on 1 core, wrk -c32 on the other ($verified) | $v_rps req/s, p50 $v_p50, p99 $v_p99, non-2xx $v_bad, not verified $v_wrong |
| verify throughput per server core / raw verify | **$ratio** (target >= 0.50) |
| POST /credentials/issue, 2 cores shared with wrk, sled flushed before each answer | $i_rps credentials/s, p50 $i_p50, p99 $i_p99, non-2xx $i_bad, wrong $i_wrong |
| 1,048,576-entry list: first GET after a revocation (rebuild + sign), 20 runs: median / p90 / max, ms | $(printf '%s\n' "${rebuilds[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%s / %s / %s", v[int((NR+1)/2)], v[int(NR*0.9)], v[NR]}') |
| same list, cached GET, ms | $cached |
| peak RSS: verifier / issuer under load | $verifier_mem / $issuer_mem |
REPORT
