#!/usr/bin/env bash
# Side by side on one core, in one run, on the same artifacts (issue 15): skillspass's offline verification of the
# example micro-credential (vc+jwt) and of an SD-JWT VC with 10 disclosures and Key Binding (criterion,
# benches/core.rs) against npm `jose` (signature and claims) and `@sd-jwt/sd-jwt-vc` (tests/interop/bench_verify.mjs).
# Needs node and the interop packages (npm ci in tests/interop). Usage: benches/side_by_side.sh [seconds, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
[ -d tests/interop/node_modules ] || (cd tests/interop && npm ci --no-audit --no-fund --silent)

micros() { # criterion output, benchmark name -> its median in µs
  awk -v name="$2" '$0 ~ name {found=1} found && /time:/ {gsub(/\[/,""); v=$4; u=$5; if (u=="ns") v=v/1000; if (u=="ms") v=v*1000; print v; exit}' "$1"
}
SKILLSPASS_BENCH_ARTIFACTS="$artifacts" taskset -c 0 cargo bench --quiet --bench core -- --warm-up-time 1 \
  --measurement-time "$seconds" "raw/ed25519-dalek verify_strict|skillspass/verify micro-credential|sd-jwt/verify SD-JWT VC with 10 disclosures and key binding" \
  > "$artifacts/criterion.txt" 2>/dev/null
raw=$(micros "$artifacts/criterion.txt" "raw/ed25519-dalek verify_strict")
ours_vc=$(micros "$artifacts/criterion.txt" "skillspass/verify micro-credential")
ours_sd=$(micros "$artifacts/criterion.txt" "key binding")
js=$(cd tests/interop && taskset -c 0 node bench_verify.mjs "$artifacts" "$seconds")
jose=$(echo "$js" | sed -n 's/.*"jose_us":\([0-9.]*\).*/\1/p')
sdjwt=$(echo "$js" | sed -n 's/.*"sdjwt_kb_us":\([0-9.]*\).*/\1/p')
cat <<REPORT
| One core, same artifacts | Median per verification | skillspass is ... times faster |
| --- | --- | --- |
| raw ed25519-dalek verify_strict | $raw µs | |
| skillspass vc+jwt, full offline pipeline | $ours_vc µs | |
| npm jose $(cd tests/interop && node -p "require('./node_modules/jose/package.json').version"): compactVerify + the claims jose_verify.mjs checks | $(printf '%.1f' "$jose") µs | $(awk -v a="$jose" -v b="$ours_vc" 'BEGIN {printf "%.2f", a/b}') (goal 3) |
| skillspass SD-JWT VC, 10 disclosures + Key Binding | $ours_sd µs | |
| @sd-jwt/sd-jwt-vc $(cd tests/interop && node -p "require('./node_modules/@sd-jwt/sd-jwt-vc/package.json').version"), same token | $(printf '%.1f' "$sdjwt") µs | $(awk -v a="$sdjwt" -v b="$ours_sd" 'BEGIN {printf "%.2f", a/b}') (goal 5) |
REPORT
