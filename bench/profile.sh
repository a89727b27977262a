#!/usr/bin/env bash
# Profiles of one thidua run on a project bench/run.sh made (run it first): where the time
# goes (perf, with call graphs unwound from .eh_frame) and where the peak memory is
# allocated (heaptrack). Needs a release build that keeps its symbols:
#
#   CARGO_PROFILE_RELEASE_STRIP=false cargo build --release --bin thidua
#
# usage: bench/profile.sh [N] [cold|warm]   default: 1000000 warm
#   BIN=path  the unstripped binary (default target/release/thidua)
# Writes to $BENCH_WORK/profile-N-MODE.*: perf.data, the flat profile (self time by symbol),
# the inclusive time of thidua's own functions, and heaptrack's summary.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_WORK:-$ROOT/bench/work}
BIN=${BIN:-$ROOT/target/release/thidua}
N=${1:-1000000}
MODE=${2:-warm}
P=$WORK/project-$N
PERIOD=2024-10
OUT=$WORK/profile-$N-$MODE
[ -f "$P/config/thidua.toml" ] || { echo "no project $P: run bench/run.sh $N first" >&2; exit 1; }
file -b "$BIN" | grep -q 'not stripped' || { echo "$BIN is stripped: build with CARGO_PROFILE_RELEASE_STRIP=false" >&2; exit 1; }

prep() {
    if [ "$MODE" = cold ]; then rm -rf "$P/archive"; fi
    rm -rf "$P/store" "$P/output"
}
run() { "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD"; }

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
prep
THIDUA_TIMINGS=1 run > /dev/null 2> "$OUT.timings.txt"
echo "== stages ($OUT.timings.txt)"
grep -E ' s +RSS' "$OUT.timings.txt" || true

prep
perf record -q -F 999 --call-graph dwarf,16384 -o "$OUT.perf.data" -- "$BIN" --config "$P/config/thidua.toml" \
    run monthly --period "$PERIOD" > /dev/null 2>&1
perf report -i "$OUT.perf.data" --no-children --sort symbol --stdio -g none --percent-limit 0.7 \
    2> /dev/null | grep -v '^#' | grep -v '^$' > "$OUT.self.txt"
# awk, not head: head would close the pipe early and, under pipefail, stop the script.
perf report -i "$OUT.perf.data" --children --sort symbol --stdio -g none \
    2> /dev/null | awk '/thidua::/ && n++ < 60' > "$OUT.children.txt"
echo "== self time by symbol ($OUT.self.txt)"
head -n 30 "$OUT.self.txt"
echo "== inclusive time of thidua's functions ($OUT.children.txt)"
head -n 40 "$OUT.children.txt"

if command -v heaptrack > /dev/null; then
    prep
    heaptrack -o "$OUT.heaptrack" "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD" \
        > /dev/null 2>&1 || true
    heaptrack_print -f "$OUT.heaptrack".* --print-peaks 1 --print-allocators 0 --print-temporary 0 \
        --print-leaks 0 --peak-limit 12 2> /dev/null > "$OUT.heap.txt" || true
    echo "== peak heap ($OUT.heap.txt)"
    grep -E 'peak heap memory consumption|PEAK MEMORY CONSUMERS' -A 0 "$OUT.heap.txt" || true
    sed -n '/PEAK MEMORY CONSUMERS/,/^$/p' "$OUT.heap.txt" | grep -E '^[0-9.]+[KMG]?B? ' | head -n 12 || true
fi
