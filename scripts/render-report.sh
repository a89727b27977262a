#!/usr/bin/env bash
# Render thidua's Excel workbooks as a person would see them printed:
# .xlsx -> PDF (LibreOffice Calc, headless) -> one PNG per page (pdftoppm).
#
# Usage: scripts/render-report.sh <file.xlsx|folder> [out-dir]
#   <file.xlsx>  one workbook
#   <folder>     every *.xlsx directly inside it (not recursive; Excel lock files ~$*.xlsx skipped)
#   [out-dir]    where the PDFs and PNGs go (default: output/render); created if missing
#
# For each workbook <stem>.xlsx it writes <out>/<stem>.pdf and <out>/<stem>-<page>.png
# (80 dpi; set RENDER_DPI to change), then prints the page count and, per page, its paper
# size/orientation, the smallest text on it in points, the PNG path and the page's first line
# of text (to tell the sheets apart). A reader sheet should print at 9 pt or more.
#
# The smallest text is read from pdftotext's word boxes: a word's box is 1.3 times the font
# size for Liberation Serif and Carlito (the stand-ins below); vertical words (a chart's
# rotated axis title) and the "Trang x/y" footer are left out.
#
# Numbers are shown as LibreOffice would show them in Vietnam (decimal comma: 96,63 and 97,2%),
# like Excel on a machine with Vietnamese regional settings; RENDER_LOCALE=en_US.UTF-8 shows them
# with a decimal point instead.
#
# Exit codes: 0 done, 1 a conversion failed, 2 usage error or a missing tool.
set -euo pipefail

INSTALL_CMD='apt-get update && apt-get install -y libreoffice-calc poppler-utils fonts-dejavu fonts-liberation2 fonts-crosextra-carlito'

# First 70 characters (not bytes) of $1: the excerpts are Vietnamese.
clip70() {
    local LC_ALL=C.UTF-8
    printf '%s' "${1:0:70}"
}

usage() {
    echo "usage: $0 <file.xlsx|folder> [out-dir]   (default out-dir: output/render)" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
case "$1" in -h | --help) usage ;; esac
input=$1
out=${2:-output/render}
dpi=${RENDER_DPI:-80}
locale=${RENDER_LOCALE:-vi_VN.UTF-8}

# --- tools -------------------------------------------------------------------------------
soffice_bin=$(command -v soffice || command -v libreoffice || true)
missing=()
[[ -n $soffice_bin ]] || missing+=("soffice/libreoffice")
for tool in pdftoppm pdfinfo; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "render-report: missing: ${missing[*]}" >&2
    echo "install them (Debian, as root) with:" >&2
    echo "  $INSTALL_CMD" >&2
    exit 2
fi

# Fonts. The cells use Times New Roman; the workbook's default font, which LibreOffice uses to
# turn Excel column widths into lengths, is Calibri. Microsoft's fonts cannot be installed here
# (ttf-mscorefonts-installer downloads them from the internet), so metric-compatible free fonts
# stand in: Liberation Serif (fonts-liberation2) for Times New Roman, Carlito
# (fonts-crosextra-carlito) for Calibri; both have the Vietnamese glyphs. Without them the text
# and the columns come out wider or narrower than in Excel, and the page breaks differ.
if command -v fc-match >/dev/null 2>&1; then
    for pair in 'Times New Roman:Liberation Serif' 'Calibri:Carlito'; do
        want=${pair%%:*} stand_in=${pair#*:}
        got=$(fc-match -f '%{family}' "$want" 2>/dev/null || true)
        case "$got" in
            *"$want"* | *"$stand_in"*) ;;
            *) echo "render-report: warning: '$want' is drawn with '${got:-?}', which has other" \
                "metrics than $want: widths and page breaks will not match Excel. Install: $INSTALL_CMD" >&2 ;;
        esac
    done
fi

# --- inputs ------------------------------------------------------------------------------
files=()
if [[ -d $input ]]; then
    shopt -s nullglob nocaseglob
    for f in "$input"/*.xlsx; do
        case "$(basename "$f")" in '~$'* | .~lock*) continue ;; esac
        files+=("$f")
    done
    shopt -u nullglob nocaseglob
    if ((${#files[@]} == 0)); then
        echo "render-report: no .xlsx file in $input" >&2
        exit 2
    fi
elif [[ -f $input ]]; then
    case "$input" in
        *.xlsx | *.XLSX) files=("$input") ;;
        *) echo "render-report: not an .xlsx file: $input" >&2; exit 2 ;;
    esac
else
    echo "render-report: no such file or folder: $input" >&2
    exit 2
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)

# A throwaway LibreOffice profile: works as root, in CI, and beside a running LibreOffice.
profile=$(mktemp -d /tmp/render-report-lo.XXXXXX)
trap 'rm -rf "$profile"' EXIT

with_timeout=()
command -v timeout >/dev/null 2>&1 && with_timeout=(timeout 300)

status=0
for f in "${files[@]}"; do
    name=$(basename "$f")
    stem=${name%.*}
    pdf="$out/$stem.pdf"
    rm -f "$pdf"
    # Stale pages of an earlier render of the same workbook would be mistaken for new ones.
    find "$out" -maxdepth 1 -type f -regextype posix-extended \
        -regex ".*/$(printf '%s' "$stem" | sed 's/[][\.*^$+?(){}|]/\\&/g')-[0-9]+\.png" -delete

    echo "== $f"
    if ! "${with_timeout[@]}" env LANG="$locale" LC_ALL="$locale" \
        "$soffice_bin" -env:UserInstallation="file://$profile" \
        --headless --norestore --nologo --convert-to pdf --outdir "$out" "$f" \
        >"$profile/convert.log" 2>&1 || [[ ! -s $pdf ]]; then
        echo "render-report: LibreOffice could not convert $f:" >&2
        sed 's/^/  /' "$profile/convert.log" >&2
        status=1
        continue
    fi

    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    pdftoppm -png -r "$dpi" "$pdf" "$out/$stem"
    echo "pdf:   $pdf"
    echo "pages: $pages"

    # Per page: paper size and orientation, PNG, first line of text (which sheet it is).
    pdfinfo -f 1 -l "$pages" "$pdf" | awk '/^Page +[0-9]+ size:/ {
        orient = ($4 + 0 > $6 + 0) ? "landscape" : "portrait"
        paper = ($0 ~ /\(A4\)/) ? "A4" : $4 "x" $6 " pt"
        print $2, paper, orient }' >"$profile/sizes"
    width=${#pages}
    while read -r n paper orient; do
        png=$(printf '%s/%s-%0*d.png' "$out" "$stem" "$width" "$n")
        first=""
        if command -v pdftotext >/dev/null 2>&1; then
            first=$(pdftotext -f "$n" -l "$n" -layout "$pdf" - 2>/dev/null |
                sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]\{2,\}/  /g' | grep -m1 . || true)
            first=$(clip70 "$first")
        fi
        smallest="   ?"
        if command -v pdftotext >/dev/null 2>&1; then
            smallest=$(pdftotext -f "$n" -l "$n" -bbox "$pdf" - 2>/dev/null | awk '
                /<word / {
                    match($0, /xMin="[0-9.]+"/); x0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                    match($0, /yMin="[0-9.]+"/); y0 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                    match($0, /xMax="[0-9.]+"/); x1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                    match($0, /yMax="[0-9.]+"/); y1 = substr($0, RSTART + 6, RLENGTH - 7) + 0
                    word = $0; sub(/.*">/, "", word); sub(/<.*/, "", word)
                    h = y1 - y0
                    if (word ~ /^Trang$/ || word ~ /^[0-9]+\/[0-9]+$/) next
                    # Characters, not bytes (UTF-8 continuation bytes left out, for any awk).
                    bytes = word; chars = length(word) - gsub(/[\200-\277]/, "", bytes)
                    # Vertical: the box is narrow for its height, or wider than the word laid flat.
                    if (chars >= 2 && (x1 - x0 < h * 0.6 || x1 - x0 > h * 0.55 * chars)) next
                    if (min == "" || h < min) min = h
                }
                END { if (min == "") print "   ?"; else printf "%4.1f", min / 1.3 }')
        fi
        printf '  page %*d  %s %-9s  %s pt  %s  | %s\n' "$width" "$n" "$paper" "$orient" "$smallest" "$png" "$first"
    done <"$profile/sizes"
done
exit "$status"
