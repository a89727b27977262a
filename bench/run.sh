#!/usr/bin/env bash
# Benchmark: thidua's monthly run against the peer scripts (../shared/peers or $PEERS) on
# the same generated dossier log, plus the floor (Polars reading the whole CSV).
#
# usage: bench/run.sh [N ...]        default: 1000000 (dossiers in the year's file)
#   special N: "month" = a ward-sized month (20,000 dossiers in one month's export)
#   RUNS=3          measured runs per command (the median wall time is reported)
#   PEERS_MAX=1000000  the peers run only on files up to this many dossiers
#   SHAPES="flat national"  the export shapes: flat = dates dd/MM/yyyy HH:mm:ss (what the
#                   peers read), national = the DVCQG sync's yyyyMMddHHmmss; both from the
#                   same seed, so both runs must give the same workbook figures
#   BENCH_WORK=bench/work  where data, projects and the Python venv go
#   NO_BUILD=1      use the release binary as it is; VENV=dir  an existing venv
#   BIN=path        another thidua binary (e.g. a stripped copy of a build with symbols)
# Prints one line per command: wall seconds (median), peak RSS MiB (max), ratios; the stage
# timings of one more warm run (THIDUA_TIMINGS=1); and bench/agree.py's comparison of the
# workbooks (thidua with each peer, thidua on the national shape with thidua on the flat).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_WORK:-$ROOT/bench/work}
PEERS=${PEERS:-$ROOT/../shared/peers}
RUNS=${RUNS:-3}
PEERS_MAX=${PEERS_MAX:-1000000}
PERIOD=2024-10
BIN=${BIN:-$ROOT/target/release/thidua}
SHAPES=${SHAPES:-flat national}
FLOOR=${FLOOR:-$ROOT/target/release/examples/parse_only}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

if [ -z "${NO_BUILD:-}" ]; then
    echo "== build (release)" >&2
    (cd "$ROOT" && cargo build --release --locked --bin thidua --example parse_only >&2)
fi
echo "== binary: $BIN, $(stat -c %s "$BIN") bytes ($(file -b "$BIN" | grep -o 'not stripped\|stripped'))"
echo "== load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

VENV=${VENV:-$WORK/venv}
if [ ! -x "$VENV/bin/python" ]; then
    echo "== Python peers' packages" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pandas==3.1.1 openpyxl==3.1.5 polars==2.1.0 xlsxwriter==3.3.1 duckdb==2.0.0 >&2
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
formats = "$ROOT/config/formats"
templates = "$ROOT/config/templates"
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

# The export of N dossiers in one shape (flat | national): prints its path, generates it once.
export_of() { # $1 N, $2 shape
    local n=$1 shape=$2 suffix="" data=$WORK/data
    [ "$shape" = national ] && suffix=-dvcqg
    mkdir -p "$data"
    if [ "$n" = month ]; then
        # A ward with 20,000 dossiers a month: the October rows of a 240,000-dossier year.
        local csv=$data/ho-so-thang-$PERIOD$suffix.csv
        if [ ! -f "$csv" ]; then
            "$BIN" --config "$ROOT/config/thidua.toml" sample --dossiers 240000 --shape "$shape" --out "$data" >&2
            "$PY" - "$data/ho-so-240000$suffix.csv" "$csv" <<'PY'
import csv, sys
src, dst = sys.argv[1:3]
with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
    r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
    head = next(r); w.writerow(head); i = head.index("NgayTiepNhan")
    # dd/mm/yyyy hh:mm:ss (flat) or yyyymmddhhmmss (national)
    w.writerows(row for row in r if row[i][2:10] == "/10/2024" or row[i][:6] == "202410")
PY
        fi
        echo "$csv"
    else
        local csv=$data/ho-so-$n$suffix.csv
        [ -f "$csv" ] || "$BIN" --config "$ROOT/config/thidua.toml" sample --dossiers "$n" --shape "$shape" --out "$data" >&2
        echo "$csv"
    fi
}

for N in "${@:-1000000}"; do
    DATA=$WORK/data
    UNITS=$ROOT/config/units.toml; OFFICERS=$ROOT/config/officers.toml
    CSV=$(export_of "$N" flat)
    if [ -f "$DATA/units.toml" ] && [ "$N" != month ] && [ "$N" -gt 300000 ]; then
        UNITS=$DATA/units.toml; OFFICERS=$DATA/officers.toml
    fi
    ROWS=$(($(wc -l < "$CSV") - 1))
    P=$WORK/project-$N
    rm -rf "$P"; project "$P" "$CSV" "$UNITS" "$OFFICERS"
    BOOK=output/$PERIOD/bang-diem-$PERIOD.xlsx
    echo
    echo "== $N: $CSV ($ROWS dossiers, $(du -m "$CSV" | cut -f1) MB), period $PERIOD, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    PREP="" measure "parse-only-$N" "$FLOOR" "$CSV"
    PREP="rm -rf '$P/archive' '$P/store' '$P/output'" \
        measure "thidua-cold-$N" "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD"
    head -n 1 "$WORK/last.out"
    PREP="rm -rf '$P/store' '$P/output'" \
        measure "thidua-warm-$N" "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD"
    PREP="" measure "thidua-check-$N" "$BIN" --config "$P/config/thidua.toml" check
    echo "   warm run / parse-only: $(ratio "thidua-warm-$N" "parse-only-$N")x, cold run / parse-only: $(ratio "thidua-cold-$N" "parse-only-$N")x"
    echo "   new export / already archived (cold / warm): $(ratio "thidua-cold-$N" "thidua-warm-$N")x"
    # The stages of one more warm run.
    rm -rf "$P/store" "$P/output"
    THIDUA_TIMINGS=1 "$BIN" --config "$P/config/thidua.toml" run monthly --period "$PERIOD" \
        > /dev/null 2> "$WORK/timings-$N.txt"
    echo "   stages of a warm run (THIDUA_TIMINGS=1):"
    grep -E ' s +RSS' "$WORK/timings-$N.txt" | sed 's/^/     /' || true
    if [ "$N" = month ] || [ "$N" -le "$PEERS_MAX" ]; then
        for peer in polars duckdb pandas; do
            PREP="" measure "peer-$peer-$N" "$PY" "$PEERS/${peer}_monthly.py" "$CSV" "$PERIOD" "$WORK/peer-$peer-$N.xlsx"
            cat "$WORK/last.out"
        done
        for run in warm cold; do
            echo "   thidua $run is faster than: polars peer $(ratio "peer-polars-$N" "thidua-$run-$N")x," \
                 "duckdb peer $(ratio "peer-duckdb-$N" "thidua-$run-$N")x, pandas peer $(ratio "peer-pandas-$N" "thidua-$run-$N")x"
        done
        for peer in polars duckdb pandas; do
            "$PY" "$ROOT/bench/agree.py" "$CSV" "$PERIOD" "$P/$BOOK" "$WORK/peer-$peer-$N.xlsx" \
                > "$WORK/agree-$N-$peer.txt" || true
            echo "   agreement with the $peer peer ($WORK/agree-$N-$peer.txt):"
            grep -v "^   unit " "$WORK/agree-$N-$peer.txt" | sed "s/^/     /" || true
        done
    fi
    case " $SHAPES " in *" national "*) ;; *) continue ;; esac
    # The same dossiers in the national sync's shape: same figures expected, the cost of
    # reading yyyyMMddHHmmss dates measured.
    NCSV=$(export_of "$N" national)
    NP=$WORK/project-$N-national
    rm -rf "$NP"; project "$NP" "$NCSV" "$UNITS" "$OFFICERS"
    echo "   -- national shape: $NCSV ($(du -m "$NCSV" | cut -f1) MB)"
    PREP="rm -rf '$NP/archive' '$NP/store' '$NP/output'" \
        measure "national-cold-$N" "$BIN" --config "$NP/config/thidua.toml" run monthly --period "$PERIOD"
    PREP="rm -rf '$NP/store' '$NP/output'" \
        measure "national-warm-$N" "$BIN" --config "$NP/config/thidua.toml" run monthly --period "$PERIOD"
    echo "   national / flat (warm): $(ratio "national-warm-$N" "thidua-warm-$N")x"
    # The flat run's workbook again (the stage run above left it), compared sheet by sheet.
    "$PY" "$ROOT/bench/agree.py" --same "$P/$BOOK" "$NP/$BOOK" > "$WORK/agree-$N-national.txt" || true
    echo "   thidua on the national shape against thidua on the flat ($WORK/agree-$N-national.txt):"
    sed 's/^/     /' "$WORK/agree-$N-national.txt" | head -n 30
    if [ "$N" = month ] || [ "$N" -le "$PEERS_MAX" ]; then
        for peer in polars duckdb pandas; do
            echo "   the $peer peer on the national shape: $("$PY" "$PEERS/${peer}_monthly.py" "$NCSV" "$PERIOD" \
                "$WORK/peer-$peer-$N-national.xlsx" 2>&1 | grep -E 'Error|units,' | tail -n 1 | cut -c1-160)"
        done
    fi
done
