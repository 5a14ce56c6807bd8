#!/usr/bin/env bash
# Every teaching example (examples/*.cpp) in --quick mode: exit 0 means its own
# numeric checks passed (KS/z tests at 5 sigma, FP L1 bound, sliced-W1 factors);
# each CSV it promises exists and has a header and data rows.
set -euo pipefail
bin=${ITO_BINARY_DIR:?}/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ ! -x "$bin/example_ou_validation" ]; then
  echo "SKIP: examples not built (ITO_BUILD_EXAMPLES=OFF)"
  exit 77
fi

declare -A csvs=(
  [ou_validation]="ou_paths ou_band ou_hist ou_cov ou_cov_exact ou_em_bias"
  [convergence]="convergence_errors convergence_orders"
  [fokker_planck]="fp_density fp_hist fp_check"
  [forward_reverse_2d]="fr_forward fr_reverse fr_traj fr_field fr_frames fr_check"
  [samplers_compare]="samplers_quality samplers_samples"
  [forward_sdes]="sdes_coeffs sdes_moments sdes_samples"
)
# forward_reverse_2d trains the 2-D model; samplers_compare then loads it from the same --out
for name in ou_validation convergence fokker_planck forward_reverse_2d samplers_compare forward_sdes; do
  start=$(date +%s)
  "$bin/example_$name" --quick --out "$tmp" > "$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log"; fail "example_$name exited $?"; }
  grep -q "all checks passed" "$tmp/$name.log" || fail "example_$name: no 'all checks passed'"
  for c in ${csvs[$name]}; do
    f="$tmp/$c.csv"
    [ -s "$f" ] || fail "example_$name: $c.csv missing or empty"
    [ "$(wc -l < "$f")" -ge 2 ] || fail "example_$name: $c.csv has no data rows"
    head -1 "$f" | grep -q '^[a-z_0-9]*\(,[a-z_0-9]*\)*$' || fail "example_$name: $c.csv header: $(head -1 "$f")"
  done
  echo "example_$name: ok ($(( $(date +%s) - start )) s)"
done
[ -s "$tmp/model_2d.ckpt" ] || fail "the 2-D model checkpoint was not written"
grep -q "model: loaded" "$tmp/samplers_compare.log" || fail "samplers_compare did not reuse the trained model"

# bad arguments: one line on stderr, exit 2
"$bin/example_ou_validation" --bogus 2> "$tmp/err" && fail "--bogus accepted"
grep -q "error: argument '--bogus'" "$tmp/err" || fail "bad-argument message: $(cat "$tmp/err")"
echo "examples: all ok"
