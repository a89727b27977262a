#!/usr/bin/env bash
# Benchmark: thidua's monthly run against the peer scripts (../shared/peers or $PEERS) on
# the same generated dossier log, plus the floor (Polars reading the whole CSV).
#
# usage: bench/run.sh [N ...]        default: 1000000 (dossiers in the year's file)
#   special N: "month" = a ward-sized month (20,000 dossiers in one month's export)
#   RUNS=3          measured runs per command (the median wall time is reported)
#   PEERS_MAX=1000000  the peers run only on files up to this many dossiers
#   BENCH_WORK=bench/work  where data, projects and the Python venv go
#   NO_BUILD=1      use the release binary as it is; VENV=dir  an existing venv
# Prints one line per command: wall seconds (median), peak RSS MiB (max), ratios.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_WORK:-$ROOT/bench/work}
PEERS=${PEERS:-$ROOT/../shared/peers}
RUNS=${RUNS:-3}
PEERS_MAX=${PEERS_MAX:-1000000}
PERIOD=2024-10
BIN=$ROOT/target/release/thidua
FLOOR=$ROOT/target/release/examples/parse_only
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

if [ -z "${NO_BUILD:-}" ]; then
    echo "== build (release)" >&2
    (cd "$ROOT" && cargo build --release --locked --bin thidua --example parse_only >&2)
fi

VENV=${VENV:-$WORK/venv}
if [ ! -x "$VENV/bin/python" ]; then
    echo "== Python peers' packages" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pandas==3.1.1 openpyxl==3.1.5 polars==2.1.0 xlsxwriter==3.3.1 >&2
fi
PY=$VENV/bin/python

# median wall (s) and max RSS (MiB) of RUNS runs of a command; $PREP runs before each.
measure() {
    local label=$1; shift
    local times=() rss=0
    for _ in $(seq "$RUNS"); do
        [ -n "${PREP:-}" ] && eval "$PREP"
        /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/last.out" 2> "$WORK/last.err" || {
            echo "FAILED: $label" >&2; cat "$WORK/last.err" >&2; exit 1; }
        read -r t m < <(tail -n 1 "$WORK/time.txt")
        times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-28s %8.2f s %8.0f MiB   (runs: %s)\n' "$label" "$median" "$((rss / 1024))" "${times[*]}"
    echo "$median" > "$WORK/median.$label"
}

ratio() { awk -v a="$(cat "$WORK/median.$1")" -v b="$(cat "$WORK/median.$2")" 'BEGIN { printf "%.2f", a / b }'; }

project() { # $1 project dir, $2 CSV, $3 units file, $4 officers file
    mkdir -p "$1/config" "$1/pipelines" "$1/facts"
    cat > "$1/config/thidua.toml" <<TOML
[ward]
id = "bench"
name = "Phường Giếng Đáy"
short_name = "Giếng Đáy"
city = "Thành phố Hạ Long"
province = "Tỉnh Quảng Ninh"
time_zone = "Asia/Ho_Chi_Minh"

[paths]
archive = "archive"
store = "store"
output = "output"
units = "$3"
officers = "$4"
holidays = "$ROOT/config/holidays"
procedures = "$ROOT/config/procedures.toml"
methodology = "$ROOT/config/methodology"
facts = "facts"
pipelines = "pipelines"

[mail]
from = "Văn phòng UBND <thidua@bench.example>"
outbox = "output/outbox"
TOML
    cat > "$1/pipelines/monthly.toml" <<TOML
name = "Bảng điểm dịch vụ công hằng tháng"
kind = "monthly_service"
methodology = "svc-766"

[[source]]
id = "ho-so"
dataset = "dossiers"
type = "file"
glob = "$2"

[report]
file_name = "bang-diem-{period}.xlsx"

[mail]
to = ["Chủ tịch UBND <chutich@bench.example>"]
TOML
}

for N in "${@:-1000000}"; do
    DATA=$WORK/data
    mkdir -p "$DATA"
    if [ "$N" = month ]; then
        # A ward with 20,000 dossiers a month: the October rows of a 240,000-dossier year.
        CSV=$DATA/ho-so-thang-$PERIOD.csv
        if [ ! -f "$CSV" ]; then
            "$BIN" --config "$ROOT/config/thidua.toml" sample --dossiers 240000 --out "$DATA" >&2
            "$PY" - "$DATA/ho-so-240000.csv" "$CSV" <<'PY'
import csv, sys
src, dst = sys.argv[1:3]
with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
    r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
    head = next(r); w.writerow(head); i = head.index("NgayTiepNhan")
    w.writerows(row for row in r if row[i][2:10] == "/10/2024")
PY
        fi
    else
        CSV=$DATA/ho-so-$N.csv
        [ -f "$CSV" ] || "$BIN" --config "$ROOT/config/thidua.toml" sample --dossiers "$N" --out "$DATA" >&2
    fi
    ROWS=$(($(wc -l < "$CSV") - 1))
    UNITS=$ROOT/config/units.toml; OFFICERS=$ROOT/config/officers.toml
    if [ -f "$DATA/units.toml" ] && [ "$N" != month ] && [ "$N" -gt 300000 ]; then
        UNITS=$DATA/units.toml; OFFICERS=$DATA/officers.toml
    fi
    P=$WORK/project-$N
    rm -rf "$P"; project "$P" "$CSV" "$UNITS" "$OFFICERS"
    echo
    echo "== $N: $CSV ($ROWS dossiers, $(du -m "$CSV" | cut -f1) MB), period $PERIOD, $(nproc) cores"
    PREP="" measure "parse-only-$N" "$FLOOR" "$CSV"
    PREP="rm -rf '$P/archive' '$P/store' '$P/output'" \
        measure "thidua-cold-$N" "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD"
    head -n 1 "$WORK/last.out"
    PREP="rm -rf '$P/store' '$P/output'" \
        measure "thidua-warm-$N" "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD"
    PREP="" measure "thidua-check-$N" "$BIN" --config "$P/config/thidua.toml" check
    echo "   warm run / parse-only: $(ratio "thidua-warm-$N" "parse-only-$N")x, cold run / parse-only: $(ratio "thidua-cold-$N" "parse-only-$N")x"
    if [ "$N" = month ] || [ "$N" -le "$PEERS_MAX" ]; then
        PREP="" measure "peer-polars-$N" "$PY" "$PEERS/polars_monthly.py" "$CSV" "$PERIOD" "$WORK/peer-polars.xlsx"
        cat "$WORK/last.out"
        PREP="" measure "peer-pandas-$N" "$PY" "$PEERS/pandas_monthly.py" "$CSV" "$PERIOD" "$WORK/peer-pandas.xlsx"
        cat "$WORK/last.out"
        for run in warm cold; do
            echo "   polars peer / thidua $run: $(ratio "peer-polars-$N" "thidua-$run-$N")x," \
                 "pandas peer / thidua $run: $(ratio "peer-pandas-$N" "thidua-$run-$N")x"
        done
    fi
done
