#!/usr/bin/env bash
# The whole run side by side with polars and pandas, on one synthetic file (issue 8).
#
#   bash benches/compare.sh [ROWS]        # ROWS: 1000000 by default
#
# Builds the release binary and the polars baseline once (`cargo bench --no-run`: the
# bench build, whose polars features are the ones the other benches use, and which also
# makes target/release/canvass; a separate `cargo build --release` would build canvass a
# second time), sets up a Python venv with pandas in target/pandas-venv, makes the file
# with `canvass synth frontier-roles-2027 --rows ROWS --seed 1`, then times, in rounds
# that alternate them (a b c d a b c d ...) so a busy machine weighs on all alike:
#
#   a. polars   polars' CSV read of the file (benches/polars_scan.rs)
#   b. pandas   read_csv and per-question counts and summaries, overall and by position
#               (benches/pandas_reference.py)
#   c. report   `canvass report` end to end
#   d. ingest   `canvass ingest` alone
#
# each as its own process under /usr/bin/time -v, and prints the median wall time and
# peak resident memory of each, the ratios c/a, b/c and d/a (median of the rounds' ratios,
# and their range), and the default run (`canvass run`, the 11-panelist seed panel).
#
# CANVASS_COMPARE_ROUNDS (3) sets the rounds; CANVASS_COMPARE_RUNS (10) the default runs.
set -euo pipefail

rows=${1:-1000000}
rounds=${CANVASS_COMPARE_ROUNDS:-3}
default_runs=${CANVASS_COMPARE_RUNS:-10}
case "$rows$rounds$default_runs" in
*[!0-9]*)
    echo "usage: bash benches/compare.sh [ROWS]; ROWS, CANVASS_COMPARE_ROUNDS and CANVASS_COMPARE_RUNS are whole numbers" >&2
    exit 2
    ;;
esac
if [ "$rows" -eq 0 ] || [ "$rounds" -eq 0 ] || [ "$default_runs" -eq 0 ]; then
    echo "benches/compare.sh: ROWS, rounds and runs must be at least 1" >&2
    exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
for tool in /usr/bin/time python3 cargo; do
    if ! command -v "$tool" >/dev/null; then
        echo "benches/compare.sh needs $tool" >&2
        exit 2
    fi
done

echo "== machine"
echo "cores: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== build (cargo bench --no-run)"
artifacts=$(cargo bench --no-run --bench polars_scan --message-format=json-render-diagnostics)
read -r canvass polars_scan < <(python3 -c '
import json, sys
found = {}
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable"):
        target = message["target"]
        if target["name"] in ("canvass", "polars_scan") and target["kind"] in (["bin"], ["bench"]):
            found[target["name"]] = message["executable"]
print(found.get("canvass", ""), found.get("polars_scan", ""))
' <<<"$artifacts")
if [ -z "$canvass" ] || [ -z "$polars_scan" ]; then
    echo "benches/compare.sh: cargo built no canvass binary or polars_scan bench" >&2
    exit 2
fi
echo "canvass: $canvass"
echo "polars:  $polars_scan"

venv=$root/target/pandas-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pandas' 2>/dev/null; then
    echo "== pandas venv ($venv)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pandas
fi
echo "pandas: $("$venv/bin/python" -c 'import pandas; print(pandas.__version__)'); $("$venv/bin/python" --version)"

work=$(mktemp -d "${TMPDIR:-/tmp}/canvass-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
file=$work/frontier-roles-2027.csv

echo "== synth: $rows rows"
"$canvass" synth frontier-roles-2027 --rows "$rows" --seed 1 --out "$file"
size=$(stat -c %s "$file")
echo "file: $file, $size bytes, $(head -1 "$file" | tr ',' '\n' | wc -l) columns"

results=$work/results.tsv
: >"$results"
# Runs one timed command under /usr/bin/time -v; records wall seconds and peak RSS (KiB).
measure() {
    local label=$1 round=$2
    shift 2
    rm -rf "$work/out"
    if ! /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/$label.log" 2>&1; then
        echo "benches/compare.sh: $label failed (round $round):" >&2
        tail -20 "$work/$label.log" >&2
        cat "$work/time.txt" >&2
        exit 1
    fi
    python3 - "$label" "$round" "$work/time.txt" >>"$results" <<'PY'
import sys
label, round_, path = sys.argv[1:4]
fields = {}
for line in open(path):
    key, _, value = line.strip().rpartition(": ")
    fields[key] = value
clock = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"]
seconds = 0.0
for part in clock.split(":"):
    seconds = seconds * 60 + float(part)
print(label, round_, seconds, fields["Maximum resident set size (kbytes)"], sep="\t")
PY
}

echo "== $rounds alternating rounds: polars, pandas, report, ingest"
for round in $(seq 1 "$rounds"); do
    measure polars "$round" "$polars_scan" "$file"
    measure pandas "$round" "$venv/bin/python" benches/pandas_reference.py surveys/frontier-roles-2027.toml "$file"
    measure report "$round" "$canvass" report frontier-roles-2027 "$file" --out "$work/out"
    measure ingest "$round" "$canvass" ingest frontier-roles-2027 "$file" --out "$work/out"
    echo "round $round: $(awk -v r="$round" '$2 == r {printf "%s %.2f s  ", $1, $3}' "$results")"
done
sed -n 1p "$work/polars.log"
sed -n 1p "$work/pandas.log"

echo "== default run: canvass run ($default_runs runs)"
for run in $(seq 1 "$default_runs"); do
    measure run "$run" "$canvass" run --out "$work/out"
done

echo "== results ($rows rows, $size bytes; load average at end: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$results" "$size" <<'PY'
import statistics
import sys

path, size = sys.argv[1], int(sys.argv[2])
wall, rss = {}, {}
for line in open(path):
    label, round_, seconds, kib = line.split("\t")
    wall.setdefault(label, {})[int(round_)] = float(seconds)
    rss.setdefault(label, []).append(int(kib) * 1024)

names = {
    "polars": "a. polars CSV read",
    "pandas": "b. pandas reference",
    "report": "c. canvass report",
    "ingest": "d. canvass ingest",
    "run": "canvass run (default)",
}
print(f"{'':24} {'median wall':>12} {'range':>16} {'peak RSS':>10} {'RSS/file':>9}")
for label, name in names.items():
    times = sorted(wall[label].values())
    peak = max(rss[label])
    # The default run reads the seed panel, not the file: no ratio to its size.
    per_file = f"{peak / size:8.2f}x" if label != "run" else f"{'-':>9}"
    print(
        f"{name:24} {statistics.median(times):10.3f} s {times[0]:7.3f}–{times[-1]:.3f} s"
        f" {peak / 2**20:7.0f} MiB {per_file}"
    )

def ratio(top, bottom):
    per_round = sorted(wall[top][r] / wall[bottom][r] for r in wall[top])
    return f"{statistics.median(per_round):.2f} (rounds: {per_round[0]:.2f}–{per_round[-1]:.2f})"

print(f"c/a  report / polars read  = {ratio('report', 'polars')}   target ≤ 1.0")
print(f"b/c  pandas / report       = {ratio('pandas', 'report')}   target ≥ 10")
print(f"d/a  ingest / polars read  = {ratio('ingest', 'polars')}")
print(f"peak RSS of report / file size = {max(rss['report']) / size:.2f}   target ≤ 2")
print(f"default run median = {statistics.median(wall['run'].values()) * 1000:.0f} ms   target ≤ 50 ms")
PY
