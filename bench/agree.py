#!/usr/bin/env python3
"""Do thidua's figures agree with the peers' on the same export? Explains every difference.

usage: agree.py EXPORT.csv YYYY-MM THIDUA.xlsx PEER.xlsx
(PEER.xlsx: the workbook polars_monthly.py or pandas_monthly.py wrote for the same file.)

1. Units: the peers group by the raw DonViXuLy text, so one unit spelt five ways (case, a double
   space, a trailing space, NFD) is five rows; grouped by thidua's name key they must add up to
   thidua's "received in the period" column, unit by unit.
2. Ranks: on the peers' clean-name rows, the order of units must be thidua's order.
3. Overdue: every dossier one side calls overdue and the other not is put in a 766 rule that
   explains it, or printed.
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


def main():
    export, period, ours_path, peer_path = sys.argv[1:5]
    y, m = map(int, period.split("-"))
    end = datetime(y + m // 12, m % 12 + 1, 1)

    ours = [r for r in sheet_rows(ours_path, "Tổng hợp", "Mã đơn vị") if isinstance(r.get("Hạng"), int)]
    peer = sheet_rows(peer_path, "Tong hop", "DonViXuLy")
    by_key = defaultdict(int)
    for r in peer:
        by_key[key(r["DonViXuLy"])] += r["dossiers"]
    print("1. Dossiers received in the period, per unit (peer rows grouped by name key):")
    ok = True
    for r in ours:
        theirs = by_key.pop(key(r["Đơn vị"]), 0)
        mark = "ok" if theirs == r["Tiếp nhận trong kỳ"] else "DIFFERENT"
        ok &= mark == "ok"
        print(f"   {r['Mã đơn vị']:<14} thidua {r['Tiếp nhận trong kỳ']:>7}  peer {theirs:>7}  {mark}  ({r['Đơn vị']})")
    for k, n in sorted(by_key.items()):
        print(f"   {'(not a unit)':<14} thidua       -  peer {n:>7}  unknown name, thidua lists it as a finding: {k}")
    clean = {r["DonViXuLy"]: r["points"] for r in peer}
    peer_order = sorted((r for r in ours if r["Đơn vị"] in clean), key=lambda r: -clean[r["Đơn vị"]])
    ours_order = sorted(ours, key=lambda r: r["Hạng"])
    a, b = [r["Mã đơn vị"] for r in ours_order], [r["Mã đơn vị"] for r in peer_order]
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
