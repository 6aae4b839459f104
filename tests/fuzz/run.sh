#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds each (default 20), seeded by seed.py, and prints each run's summary
# line. The corpus in tests/fuzz/corpus is kept between runs (seed.py adds its seeds to it), so runs add up.
# Exits non-zero on the first crash (its input is left in tests/fuzz/artifacts/<target>/).
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"; shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(vc_jwt sd_jwt status_lists did dcql openid4vci openid4vp export trust_list baking skills qr_picture jwe dpop)
fi
export RUSTC_BOOTSTRAP=1
[ -x target/debug/skillspass ] || cargo build --quiet
python3 tests/fuzz/seed.py target/debug/skillspass
cargo fuzz build --fuzz-dir tests/fuzz
for target in "${targets[@]}"; do
  echo "== $target (${seconds}s)"
  cargo fuzz run --fuzz-dir tests/fuzz "$target" "tests/fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E "^(#[0-9]+.*DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|thread .* panicked|artifact_prefix|Test unit written)" || true
  test "${PIPESTATUS[0]}" -eq 0
done
