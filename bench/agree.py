#!/usr/bin/env python3
"""Do thidua's figures agree with the peers' on the same export? Explains every difference.

usage: agree.py EXPORT.csv YYYY-MM THIDUA.xlsx PEER.xlsx
       agree.py --same THIDUA-A.xlsx THIDUA-B.xlsx
(PEER.xlsx: the workbook polars_monthly.py, duckdb_monthly.py or pandas_monthly.py wrote for the
same file.)

1. Units: the peers group by the raw DonViXuLy text, so one unit spelt five ways (case, a double
   space, a trailing space, NFD) is five rows; grouped by thidua's name key they must add up to
   thidua's "received in the period" column, unit by unit. Each unit's line also shows both
   sides' points and ranks: the scales differ (the peers score a 58-point subset, thidua the
   766 methodology on 100), so the points are shown, the ranks compared.
2. Ranks: on the peers' clean-name rows, the order of units must be thidua's order.
3. Overdue: every dossier one side calls overdue and the other not is put in a 766 rule that
   explains it, or printed.

--same: two thidua workbooks of the same dossiers (the flat and the national shape of one
export) must hold the same values, sheet by sheet and cell by cell; the only cells allowed to
differ are those naming the source file (its name, path, hash, when it was read).
"""
import csv
import sys
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime

import openpyxl


def key(name):
    return " ".join(unicodedata.normalize("NFC", str(name)).lower().replace("–", "-").split())


def sheet_rows(path, sheet, header_cell):
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if header_cell in r)
    head = rows[at]
    return [dict(zip(head, r)) for r in rows[at + 1 :] if any(v is not None for v in r)]


def same(a_path, b_path):
    """Every sheet of two thidua workbooks, cell by cell."""
    a_book = openpyxl.load_workbook(a_path, read_only=True)
    b_book = openpyxl.load_workbook(b_path, read_only=True)
    if a_book.sheetnames != b_book.sheetnames:
        print("sheets differ:", sorted(set(a_book.sheetnames) ^ set(b_book.sheetnames)))
    import re

    def source_cell(va, vb):
        # The file's name or path, or when it was read: the only cells allowed to differ.
        both = isinstance(va, str) and isinstance(vb, str)
        # ISO, or dd/mm/yyyy hh:mm:ss as the sources sheet shows it to officers.
        stamp = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$")
        digest = re.compile(r"[0-9a-f]{16,}$")
        return both and (
            (".csv" in va and ".csv" in vb)
            or ("Lập lúc" in va and "Lập lúc" in vb)
            or bool(stamp.match(va) and stamp.match(vb))
            or bool(digest.match(va) and digest.match(vb))
        )

    total = unexplained = 0
    for name in a_book.sheetnames:
        if name not in b_book.sheetnames:
            continue
        a = [list(r) for r in a_book[name].iter_rows(values_only=True)]
        b = [list(r) for r in b_book[name].iter_rows(values_only=True)]
        cells = sum(len(r) for r in a)
        diffs = []
        for i in range(max(len(a), len(b))):
            ra, rb = (a[i] if i < len(a) else []), (b[i] if i < len(b) else [])
            for j in range(max(len(ra), len(rb))):
                va, vb = (ra[j] if j < len(ra) else None), (rb[j] if j < len(rb) else None)
                if va != vb:
                    diffs.append((i + 1, j + 1, va, vb))
        odd = [d for d in diffs if not source_cell(d[2], d[3])]
        moved = set()
        if odd and sorted(map(repr, a)) == sorted(map(repr, b)):
            # The same rows, some listed in another order: units tied on the rank.
            moved = {i for i, _, _, _ in odd}
            print(f"   {name}: the same {len(a)} rows; {len(moved)} rows (tied units) listed in another order:",
                  ", ".join(str(a[i - 1][:3]) for i in sorted(moved)[:4]))
            odd = []
        total += len(diffs)
        unexplained += len(odd)
        diffs = odd or diffs
        if odd:
            shown = "; ".join(f"R{i}C{j}: {str(va)[:40]!r} / {str(vb)[:40]!r}" for i, j, va, vb in odd[:3])
            print(f"   {name}: {len(odd)} of {cells} cells DIFFER: {shown}")
        elif diffs:
            shown = "; ".join(f"R{i}C{j}: {str(va)[:40]!r} / {str(vb)[:40]!r}" for i, j, va, vb in diffs[:3])
            print(f"   {name}: {len(diffs)} of {cells} cells differ, each the source file's name, path or hash, or when it was read or the workbook made: {shown}")
        else:
            print(f"   {name}: same ({len(a)} rows, {cells} cells)")
    print(f"   {total} cells differ in {len(a_book.sheetnames)} sheets; {unexplained} of them other than those"
          f": {'same figures' if unexplained == 0 else 'FIGURES DIFFER'}")
    return unexplained


def main():
    if sys.argv[1] == "--same":
        sys.exit(1 if same(*sys.argv[2:4]) else 0)
    export, period, ours_path, peer_path = sys.argv[1:5]
    y, m = map(int, period.split("-"))
    end = datetime(y + m // 12, m % 12 + 1, 1)

    ours = [r for r in sheet_rows(ours_path, "Tổng hợp", "Tiếp nhận trong kỳ") if isinstance(r.get("Hạng"), int)]
    peer = sheet_rows(peer_path, "Tong hop", "DonViXuLy")
    by_key = defaultdict(int)
    for r in peer:
        by_key[key(r["DonViXuLy"])] += r["dossiers"]
    clean = {r["DonViXuLy"]: r["points"] for r in peer}
    peer_rank = {r["DonViXuLy"]: r["rank"] for r in peer}
    print("1. Dossiers received in the period, per unit (peer rows grouped by name key);")
    print("   points (thidua of 100, peer of 58) and ranks (thidua among its units, peer among all its rows):")
    ok, equal, differ = True, 0, 0
    for r in ours:
        theirs = by_key.pop(key(r["Đơn vị"]), 0)
        mark = "ok" if theirs == r["Tiếp nhận trong kỳ"] else "DIFFERENT"
        ok &= mark == "ok"
        equal, differ = equal + (mark == "ok"), differ + (mark != "ok")
        points = r.get("Điểm (thang 100)")
        points = f"{points:6.2f}" if isinstance(points, (int, float)) else "     -"
        name = r["Đơn vị"]
        peer_points = f"{clean[name]:6.2f}" if name in clean else "     -"
        print(f"   unit {r['Đơn vị'][:40]:<40} received thidua {r['Tiếp nhận trong kỳ']:>7} peer {theirs:>7} {mark:<9}"
              f" points {points} {peer_points}  rank {r['Hạng']:>4} {peer_rank.get(name, '-'):>4}  ({name})")
    unknown = sorted(by_key.items())
    for k, n in unknown:
        print(f"   unit {'(not a unit)':<40} received thidua       - peer {n:>7} unknown name, thidua lists it as a finding: {k}")
    print(f"   received counts: {equal} of {equal + differ} units equal"
          f"{'' if not differ else f', {differ} DIFFERENT'}; {len(unknown)} peer rows are not units")
    peer_order = sorted((r for r in ours if r["Đơn vị"] in clean), key=lambda r: -clean[r["Đơn vị"]])
    ours_order = sorted(ours, key=lambda r: r["Hạng"])
    a, b = [r["Đơn vị"] for r in ours_order], [r["Đơn vị"] for r in peer_order]
    if a == b:
        print("2. Rank order: same —", a[:10], "…" if len(a) > 10 else "")
    else:
        # Spearman's rho between the two orders (1: the same order).
        pos = {u: i for i, u in enumerate(b)}
        n = len(a)
        rho = 1 - 6 * sum((i - pos[u]) ** 2 for i, u in enumerate(a) if u in pos) / (n * (n * n - 1))
        print(f"2. Rank order: different; Spearman's rho {rho:.3f} over {n} units;",
              "thidua's first 10:", a[:10], "peer's first 10:", b[:10])

    our_late = {r["Mã hồ sơ"] for r in sheet_rows(ours_path, "Hồ sơ quá hạn", "Mã hồ sơ")}
    peer_late = {str(r["MaHoSo"]) for r in sheet_rows(peer_path, "Qua han", "MaHoSo")}
    rows, differ = {}, our_late ^ peer_late
    with open(export, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if r["MaHoSo"] in differ:
                rows[r["MaHoSo"]] = r

    def dt(s):
        return datetime.strptime(s, "%d/%m/%Y %H:%M:%S") if s else None

    def why_peer_only(r):
        due, fin, ret = dt(r["NgayHenTra"]), dt(r["NgayKetThucXuLy"]), dt(r["NgayTra"])
        if due is None:
            return "no due date: thidua compares the working days used with the procedure's maximum"
        if int(r["SoNgayBoSung"] or 0) > 0:
            return "the citizen's supplement days extend the due date (766)"
        if fin is None and ret is not None and ret <= due:
            return "returned on time with no processing end: thidua uses the return date"
        done = fin or ret
        if due >= end and (done is None or done >= end):
            return "finished after the period, not yet due at its end: 766 judges as of the period end"
        if due < end and done is not None and done >= end:
            return ("finished after the period, already due before its end: not on thidua's list for the period"
                    " (which 766 rule leaves it out is not yet traced)")
        return "other"

    def why_ours_only(r):
        rec = dt(r["NgayTiepNhan"])
        if not r["NgayHenTra"]:
            return "no due date: the working days used exceed the procedure's legal maximum"
        if rec is not None and rec < datetime(y, m, 1):
            return "received before the period and still open in it (766: received or processed in the period)"
        if not r["NgayKetThucXuLy"] and r["NgayTra"] and dt(r["NgayHenTra"]) and dt(r["NgayTra"]) > dt(r["NgayHenTra"]):
            return "returned late with no processing end: thidua uses the return date"
        if not r["NgayKetThucXuLy"] and not r["NgayTra"]:
            return "open at period end and past due"
        return "other"

    print(f"3. Overdue: thidua {len(our_late)}, peer {len(peer_late)}, both {len(our_late & peer_late)}")
    for title, ids, why in (("peer only", peer_late - our_late, why_peer_only), ("thidua only", our_late - peer_late, why_ours_only)):
        counts = Counter(why(rows[i]) if i in rows else "not in the export" for i in ids)
        print(f"   {title}: {len(ids)}")
        for reason, n in counts.most_common():
            print(f"     {n:>6}  {reason}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
