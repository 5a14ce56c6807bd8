#!/usr/bin/env bash
# Run each libFuzzer target for SECONDS (default 60) on a copy of its seed
# corpus; crashes go to OUT_DIR/crashes/<target>/. Prints libFuzzer's final
# stats line (#runs, cov, ft, corp) per target. Exits non-zero on a crash.
#   bash fuzz/run_all.sh [SECONDS] [OUT_DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out=${2:-$src/build-fuzz}
bash "$src/fuzz/build.sh" "$out"
status=0
for t in csv gmm checkpoint; do
  work="$out/corpus/$t"; crashes="$out/crashes/$t"
  mkdir -p "$work" "$crashes"
  cp -n "$src/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  log="$out/fuzz_$t.log"
  echo "fuzz: $t for ${secs}s (log $log)" >&2
  if ! nice "$out/fuzz_$t" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$crashes/" -print_final_stats=1 "$work" >"$log" 2>&1; then
    echo "fuzz: $t FAILED; see $log and $crashes/" >&2
    status=1
  fi
  echo "$t: $(grep -E '^#[0-9]+' "$log" | tail -1)"
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$log" | sed "s/^/$t: /" || true
done
exit $status
