#!/usr/bin/env python3
"""Writes one small example export per format profile, for `thidua inspect --json` (run from
anywhere; the Excel file needs openpyxl). README.md gives what inspect must report for each.

    dvcqg-dongbo.json     national sync payload: 6 dossiers, nested lists, personal data
    dvcqg-dongbo.csv      the same 6 flat, plus a row with TrangThaiHoSo 11 and a row whose
                          NgayTiepNhan is 2024-13-45 (both rejected)
    igate-vnpt.json       one VNPT iGate Spring page of the same 6
    xuat-excel-tinh.xlsx  provincial download: title rows, the same 6, plus a row whose status
                          word is in no table (rejected)
"""
import csv
import io
import json
import os
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
TPHT = "Bộ phận Tư pháp - Hộ tịch"
DCXD = "Bộ phận Địa chính - Xây dựng"


def t(day, hour=8, minute=0, month=10):
    return datetime(2024, month, day, hour, minute)


# key, unit, procedure, status, channel, submitted, received, due, finished, returned,
# supplements [(asked, due_before, due_new)], fee, paid, input, result, reuse, citizen
EXAMPLES = [
    dict(id="000.00.53.H48-241007-0001", unit=TPHT, proc=("1.001193", "Đăng ký khai sinh", "HT", "Hộ tịch"),
         status=10, channel=2, submitted=t(6, 20), received=t(7, 8), due=t(8, 17), finished=t(8, 10),
         returned=t(8, 15), supplements=[], fee=0, paid=0, inp=1, result=1, reuse=1,
         citizen=("Nguyễn Văn Ví Dụ", "0911000001", "022090000001", "Tổ 1, khu 1")),
    dict(id="000.00.53.H48-241008-0002", unit=TPHT, proc=("2.000815", "Chứng thực bản sao từ bản chính", "CT",
                                                        "Chứng thực"),
         status=4, channel=1, submitted=t(8, 9), received=t(8, 9), due=t(9, 17), finished=None, returned=None,
         supplements=[], fee=1, paid=0, inp=0, result=0, reuse=0,
         citizen=("Trần Thị Ví Dụ", "0911000002", "022090000002", "Tổ 2, khu 1")),
    dict(id="000.00.53.H48-241009-0003", unit=DCXD, proc=("1.003003", "Xác nhận đơn đề nghị", "DD", "Đất đai"),
         status=5, channel=2, submitted=t(9, 7), received=t(9, 8), due=t(16, 17), finished=None, returned=None,
         supplements=[(t(10, 9), t(16, 17), None)], fee=1, paid=1, inp=1, result=0, reuse=0,
         citizen=("Lê Văn Ví Dụ", "0911000003", "022090000003", "Tổ 3, khu 2")),
    dict(id="000.00.53.H48-241010-0004", unit=DCXD, proc=("1.003003", "Xác nhận đơn đề nghị", "DD", "Đất đai"),
         status=1, channel=2, submitted=t(10, 22), received=None, due=None, finished=None, returned=None,
         supplements=[], fee=1, paid=0, inp=1, result=0, reuse=0,
         citizen=("Phạm Thị Ví Dụ", "0911000004", "022090000004", "Tổ 4, khu 2")),
    dict(id="000.00.53.H48-241011-0005", unit=TPHT, proc=("2.000815", "Chứng thực bản sao từ bản chính", "CT",
                                                        "Chứng thực"),
         status=7, channel=3, submitted=t(11, 8), received=t(11, 8), due=t(14, 17), finished=t(14, 9),
         returned=None, supplements=[], fee=1, paid=3, inp=1, result=0, reuse=0,
         citizen=("Hoàng Văn Ví Dụ", "0911000005", "022090000005", "Tổ 5, khu 3")),
    dict(id="000.00.53.H48-241014-0006", unit=DCXD, proc=("1.003003", "Xác nhận đơn đề nghị", "DD", "Đất đai"),
         status=9, channel=None, submitted=t(14, 8), received=t(14, 8), due=t(17, 17), finished=t(21, 10),
         returned=None, supplements=[(t(15, 9), t(17, 17), t(21, 17))], fee=0, paid=0, inp=1, result=1, reuse=1,
         citizen=("Vũ Thị Ví Dụ", "0911000006", "022090000006", "Tổ 6, khu 3")),
]

# Statuses: the national words (Excel) and iGate's ids in the igate-vnpt profile's ASSUMED table.
WORD = {1: "Mới đăng ký", 4: "Đang xử lý", 5: "Chờ bổ sung", 7: "Công dân yêu cầu rút hồ sơ",
        9: "Đã xử lý xong", 10: "Đã trả kết quả"}  # "Chờ bổ sung": a provincial word of the table
IGATE_STATUS = {1: (0, "Chờ tiếp nhận"), 4: (2, "Đang xử lý"), 5: (3, "Chờ bổ sung"), 7: (6, "Đã rút"),
                9: (4, "Đã có kết quả"), 10: (5, "Đã trả kết quả")}
CHANNEL = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
IGATE_CHANNEL = {2: 0, 1: 1, 3: 2}


def ymd(v):
    return "" if v is None else v.strftime("%Y%m%d%H%M%S")


def final_due(x):
    moved = [s[2] for s in x["supplements"] if s[2] is not None]
    return moved[-1] if moved else x["due"]


def write_json():
    doc = []
    for x in EXAMPLES:
        code, name, fcode, fname = x["proc"]
        doc.append({
            "MaHoSo": x["id"], "MaTTHC": code, "TenTTHC": name, "MaLinhVuc": fcode, "TenLinhVuc": fname,
            "KenhThucHien": "" if x["channel"] is None else str(x["channel"]),
            "ChuHoSo": x["citizen"][0], "SoGiayToChuHoSo": x["citizen"][2], "SoDienThoai": x["citizen"][1],
            "DiaChi": x["citizen"][3], "Email": "vidu@example.vn",
            "NgayNopHoSo": ymd(x["submitted"]), "NgayTiepNhan": ymd(x["received"]), "NgayHenTra": ymd(x["due"]),
            "NgayKetThucXuLy": ymd(x["finished"]), "NgayTra": ymd(x["returned"]), "NgayTuChoi": "",
            "TrangThaiHoSo": str(x["status"]), "DonViXuLy": x["unit"], "NguoiXuLy": "",
            "HoSoCoThanhPhanSoHoa": str(x["inp"]), "DuocThanhToanTrucTuyen": str(x["paid"]),
            "TaiLieuNop": [{"TepDinhKemId": f"{x['id']}-1", "TenTepDinhKem": "To khai.pdf", "MaThanhPhanHoSo": "TP1",
                            "DuongDanTaiTepTin": "https://dvc.example/tep/1", "DuocSoHoa": str(x["inp"]),
                            "DuocTaiSuDung": str(x["reuse"]), "DuocLayTuKhoDMQG": str(x["reuse"])}],
            "DanhSachLePhi": ([{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP", "HinhThucThu": "1", "Gia": "10000",
                                "LoaiPhiLePhi": "1"}] if x["fee"] else []),
            "DanhSachHoSoBoSung": [{"HoSoBoSungId": f"{x['id']}-BS{k}", "NguoiYeuCauBoSung": "cb.motcua",
                                    "NoiDungBoSung": "Bổ sung giấy tờ", "NgayBoSung": ymd(a),
                                    "NgayTiepNhanBoSung": "", "NgayHenTraTruoc": ymd(b), "NgayHenTraMoi": ymd(c)}
                                   for k, (a, b, c) in enumerate(x["supplements"], start=1)],
            "DanhSachGiayToKetQua": ([{"TenGiayTo": "Kết quả", "DuongDanTepTinKetQua": "https://dvc.example/kq/1"}]
                                     if x["result"] else []),
        })
    with open(os.path.join(HERE, "dvcqg-dongbo.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


CSV_HEADER = ["MaHoSo", "MaTTHC", "TenTTHC", "DonViXuLy", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
              "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "TrangThaiHoSo", "SoLanYeuCauBoSung", "SoNgayBoSung",
              "CoPhiLePhi", "DuocThanhToanTrucTuyen", "HoSoCoThanhPhanSoHoa", "CoKetQuaDienTu",
              "TaiSuDungDuLieu", "ChuHoSo", "SoDienThoai"]


def csv_row(x, status=None, received=None):
    return [x["id"], x["proc"][0], x["proc"][1], x["unit"], "" if x["channel"] is None else x["channel"],
            ymd(x["submitted"]), received if received is not None else ymd(x["received"]), ymd(final_due(x)),
            ymd(x["finished"]), ymd(x["returned"]), status if status is not None else x["status"],
            len(x["supplements"]), 0, x["fee"], x["paid"], x["inp"], x["result"], x["reuse"], x["citizen"][0],
            x["citizen"][1]]


def write_csv():
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for x in EXAMPLES:
        w.writerow(csv_row(x))
    # Two rows that must be rejected, each dated outside the kept rows' range.
    bad11 = dict(EXAMPLES[0], id="000.00.53.H48-241030-0007", received=t(30, 8), submitted=t(30, 8),
                 due=t(31, 17), finished=None, returned=None)
    w.writerow(csv_row(bad11, status=11))
    bad_date = dict(EXAMPLES[1], id="000.00.53.H48-241001-0008", submitted=t(1, 8))
    w.writerow(csv_row(bad_date, received="2024-13-45"))
    with open(os.path.join(HERE, "dvcqg-dongbo.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def iso(v, utc):
    if v is None:
        return None
    if utc:
        return (v - timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return v.strftime("%Y-%m-%dT%H:%M:%S.000+0700")


def write_igate():
    content = []
    for i, x in enumerate(EXAMPLES):
        code, name, fcode, fname = x["proc"]
        utc = i % 2 == 1
        sid, sname = IGATE_STATUS[x["status"]]
        r = {"id": f"ex{i}", "code": x["id"], "dossierStatus": {"id": sid, "name": sname},
             "procedure": {"code": code, "translate": [{"languageId": 228, "name": name}],
                           "sector": {"code": fcode, "name": fname}},
             "agency": {"name": x["unit"]},
             "applicant": {"data": {"fullname": x["citizen"][0], "identityNumber": x["citizen"][2],
                                    "phoneNumber": x["citizen"][1], "email": "vidu@example.vn",
                                    "address": x["citizen"][3]}},
             "currentTask": [{"assignee": {"fullname": "cb.motcua"}}],
             "appliedDate": iso(x["submitted"], utc), "acceptedDate": iso(x["received"], utc),
             "appointmentDate": iso(final_due(x), utc), "completedDate": iso(x["finished"], utc),
             "returnedDate": iso(x["returned"], utc),
             "additionalRequirement": [{"content": "Bổ sung giấy tờ"} for _ in x["supplements"]],
             "fee": [{"amount": 10000}] if x["fee"] else [],
             "paymentMethod": {"id": {0: 0, 1: 1, 2: 2, 3: 0}[x["paid"]]},
             "digitizedInput": bool(x["inp"]), "electronicResult": x["result"], "dataReused": x["reuse"]}
        if x["channel"] is not None:
            r["applyMethod"] = {"id": IGATE_CHANNEL[x["channel"]], "name": CHANNEL[x["channel"]]}
        content.append(r)
    doc = {"content": content, "totalPages": 1, "totalElements": len(content), "last": True, "number": 0,
           "size": 100}
    with open(os.path.join(HERE, "igate-vnpt.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


EXCEL_HEADER = ["STT", "Mã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Đơn vị xử lý", "Kênh thực hiện",
                "Ngày nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày trả kết quả",
                "Trạng thái", "Số lần yêu cầu bổ sung", "Có phí, lệ phí", "Thanh toán trực tuyến",
                "Thành phần hồ sơ số hóa", "Kết quả điện tử", "Tái sử dụng dữ liệu", "Chủ hồ sơ",
                "Số điện thoại"]


def write_excel():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách hồ sơ"
    ws.append(["ỦY BAN NHÂN DÂN PHƯỜNG VÍ DỤ"])
    ws.append(["DANH SÁCH HỒ SƠ"])
    ws.append(["Từ ngày 01/10/2024 đến ngày 31/10/2024"])
    ws.append(EXCEL_HEADER)
    rows = [(x, WORD[x["status"]]) for x in EXAMPLES]
    rows.append((dict(EXAMPLES[0], id="000.00.53.H48-241031-0009", received=t(31, 8), submitted=t(31, 8),
                      due=t(31, 17), finished=None, returned=None), "Đã hủy"))  # in no status table
    for n, (x, word) in enumerate(rows, start=1):
        dates = [x["submitted"], x["received"], final_due(x), x["finished"], x["returned"]]
        if n == 2:  # one row with its dates as text
            dates = [None if v is None else v.strftime("%d/%m/%Y %H:%M:%S") for v in dates]
        ws.append([n, x["id"], x["proc"][0], x["proc"][1], x["unit"],
                   None if x["channel"] is None else CHANNEL[x["channel"]], *dates, word,
                   len(x["supplements"]), x["fee"], x["paid"], x["inp"], x["result"], x["reuse"],
                   x["citizen"][0], x["citizen"][1]])
        for c in range(7, 12):
            cell = ws.cell(row=ws.max_row, column=c)
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(EXCEL_HEADER))
    wb.save(os.path.join(HERE, "xuat-excel-tinh.xlsx"))


def expected():
    """What inspect must report (printed for README.md)."""
    from collections import Counter

    kept = [x for x in EXAMPLES]
    days = sorted(x["received"].date() for x in kept if x["received"] is not None)
    st = Counter(x["status"] for x in kept)
    for name, rows, rejected in [("dvcqg-dongbo.json", 6, 0), ("dvcqg-dongbo.csv", 8, 2),
                                 ("igate-vnpt.json", 6, 0), ("xuat-excel-tinh.xlsx", 7, 1)]:
        print(f"{name}: rows {rows}, rejected {rejected}, statuses {dict(sorted(st.items()))}, "
              f"received {days[0]} .. {days[-1]}")


if __name__ == "__main__":
    write_json()
    write_csv()
    write_igate()
    write_excel()
    expected()
