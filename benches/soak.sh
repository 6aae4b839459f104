#!/usr/bin/env bash
# Soak test (issue 11): POST /credentials/verify at about 80% of the rate this machine sustains, for ten minutes
# (SOAK_SECONDS overrides), checking every answer. Passes when no request failed or answered anything but a
# verified report, and the verifier's resident memory after the last minute is within 10% of after the first.
# Usage: benches/soak.sh. Prints a markdown report on stdout; exits non-zero when the soak fails.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
. benches/lib.sh
total="${SOAK_SECONDS:-600}"
minutes=$(( (total + 59) / 60 ))

start issuer 1 --roles issuer --status-ttl-ms 600000
start verifier 0 --roles verifier --allow-loopback-http
signed_credential issuer
post_lua "$work/max.lua" "$work/verify.json" "" '"verified":true'
read -r max_rps _ _ _ _ <<<"$(wrk_run 1 "$URL_verifier/credentials/verify" "$work/max.lua")"

# wrk paces each connection with a whole-millisecond delay between requests; a 5 s trial measures the latency
# that adds to it, and the delay is set so that delay + latency gives 80% of the maximum.
connections=64
target=$(awk -v m="$max_rps" 'BEGIN {printf "%.0f", 0.8 * m}')
pace() { awk -v c="$connections" -v t="$target" -v l="$1" 'BEGIN {d = c * 1000 / t - l; printf "%d", (d < 1 ? 1 : d + 0.5)}'; }
delay=$(pace 0)
post_lua "$work/soak.lua" "$work/verify.json" "" '"verified":true' "$delay"
read -r trial _ _ _ _ <<<"$(wrk_run 1 "$URL_verifier/credentials/verify" "$work/soak.lua" "$connections" 5)"
latency=$(awk -v c="$connections" -v r="$trial" -v d="$delay" 'BEGIN {print c * 1000 / r - d}')
delay=$(pace "$latency")
post_lua "$work/soak.lua" "$work/verify.json" "" '"verified":true' "$delay"

failed=0 requests=0 wrong=0 rss=() rates=()
for minute in $(seq "$minutes"); do
  seconds=$(( minute == minutes ? total - 60 * (minutes - 1) : 60 ))
  read -r rps _ p99 bad w <<<"$(wrk_run 1 "$URL_verifier/credentials/verify" "$work/soak.lua" "$connections" "$seconds")"
  errors=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' "$work/wrk.txt")
  done_requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  requests=$((requests + done_requests)); wrong=$((wrong + w)); failed=$((failed + bad + ${errors:-0}))
  rates+=("$rps"); rss+=("$(rss_kib "$PID_verifier")")
  echo "minute $minute: $rps req/s, p99 $p99, failed $((bad + ${errors:-0})), wrong $w, RSS ${rss[-1]} KiB" >&2
done

first=${rss[0]} last=${rss[-1]}
drift=$(awk -v a="$first" -v b="$last" 'BEGIN {printf "%+.1f", (b - a) * 100 / a}')
mean_rate=$(printf '%s\n' "${rates[@]}" | awk '{s+=$1} END {printf "%.0f", s/NR}')
load=$(awk -v a="$mean_rate" -v m="$max_rps" 'BEGIN {printf "%.2f", a/m}')
cat <<REPORT
| Soak (verifier on 1 core, wrk on the other, $total s) | Result |
| --- | --- |
| sustained maximum before the soak (wrk -c32, 10 s) | $max_rps req/s |
| soak rate ($connections connections, ${delay} ms between requests) | $mean_rate req/s = **$load** of the maximum |
| requests / failed (non-2xx or socket errors) / answers not verified | $requests / $failed / $wrong |
| verifier RSS after minute 1 / after the last minute | $((first / 1024)) MiB / $((last / 1024)) MiB (**$drift%**) |
| RSS after each minute, MiB | $(printf '%s\n' "${rss[@]}" | awk '{printf "%s%d", (NR>1?" ":""), $1/1024}') |
REPORT
awk -v d="$drift" 'BEGIN {exit (d > 10 || d < -10)}' || { echo "soak failed: RSS drifted $drift%" >&2; exit 1; }
[ "$failed" -eq 0 ] && [ "$wrong" -eq 0 ] || { echo "soak failed: $failed failed, $wrong not verified" >&2; exit 1; }
