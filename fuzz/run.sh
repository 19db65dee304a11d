#!/usr/bin/env bash
# Runs each canvass fuzz target for SECONDS (default 600), one after another, each as one
# libFuzzer process on one core (no -jobs/-workers: with -jobs=1 libFuzzer forks a worker
# whose output goes to fuzz-0.log instead of the log here; the cost is the same), seeding each corpus from the test fixtures first. Not run in CI: see
# docs/hardening.md, section "Fuzzing", for what the targets check and what was found.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     e.g. fuzz/run.sh 60 show_if
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and the nightly toolchain. Crashing inputs
# land in fuzz/artifacts/<target>/; each one found so far is kept as a regression test in
# tests/fuzz_regressions.rs with its input in tests/fixtures/fuzz-regressions/.
# FUZZ_SANITIZER (default `none`: polars under AddressSanitizer builds and runs too slowly
# to fuzz for long on a small machine; canvass forbids `unsafe`, so what ASan adds is
# little) is passed to `cargo fuzz --sanitizer`. --codegen-units 16 likewise keeps the
# build of polars to minutes rather than the better part of an hour.
set -euo pipefail
cd "$(dirname "$0")"
root=..
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(survey show_if ingest xlsform)
sanitizer="${FUZZ_SANITIZER:-none}"
logs=logs
mkdir -p "$logs"

seed() {
  local target=$1 dir=corpus/$1
  mkdir -p "$dir"
  case $target in
    survey)
      find "$root/tests/fixtures" "$root/surveys" -name '*.toml' -exec cp {} "$dir/" \;
      ;;
    show_if)
      # Every `show_if = "..."` expression written in a fixture or shipped survey, one a file.
      local n=0
      while IFS= read -r expr; do
        n=$((n + 1))
        printf '%s' "$expr" >"$dir/seed-$n"
      done < <(grep -rhoE 'show_if = "[^"]*"' "$root/tests/fixtures" "$root/surveys" |
        sed -E 's/^show_if = "(.*)"$/\1/' | sort -u)
      ;;
    ingest)
      find "$root/tests/fixtures" -name '*.csv' -exec cp {} "$dir/" \;
      find "$root/tests/fixtures" -name '*.xlsx' -exec cp {} "$dir/" \;
      # The shipped survey's own synthetic panel, cut short: libFuzzer mutates small inputs
      # far faster, and 20 rows already use every question kind.
      head -n 21 "$root/data/frontier-roles-2027/synthetic.csv" >"$dir/frontier-synthetic-20.csv"
      ;;
    xlsform)
      find "$root/tests/fixtures" -name '*.xlsx' -exec cp {} "$dir/" \;
      # canvass's own XLSForms of the shipped surveys, when a canvass binary is built.
      local canvass=$root/target/debug/canvass
      if [ -x "$canvass" ]; then
        for survey in "$root"/surveys/*.toml; do
          "$canvass" form "$survey" --format xlsx --out "$dir/$(basename "$survey" .toml).xlsx" || true
        done
      fi
      ;;
  esac
}

for target in "${targets[@]}"; do
  seed "$target"
  echo "== $target for ${seconds}s (log: fuzz/$logs/$target.log)"
  # -max_len: big enough for the seed workbooks, small enough to keep mutation fast.
  cargo +nightly fuzz run --sanitizer "$sanitizer" --codegen-units 16 "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 >"$logs/$target.log" 2>&1 || echo "   $target stopped: see fuzz/$logs/$target.log"
  grep -E '^(stat::number_of_executed_units|Done [0-9]+ runs)' "$logs/$target.log" || true
done
