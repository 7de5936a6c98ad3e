"""Sheets for the import tests: CSV text and XLSX workbooks made with openpyxl."""

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

import openpyxl  # type: ignore[import-untyped]

HEADER = [
    "name",
    "address",
    "contact",
    "country",
    "city",
    "beds",
    "first_night",
    "last_night",
    "max_nights",
    "men",
    "pets",
    "languages",
    "notes",
]


def future(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


def good_row(n: int = 1, **changes: object) -> list[object]:
    row: dict[str, object] = {
        "name": f"Imported Host {n}",
        "address": f"Imported street {n}",
        "contact": f"+7 700 {n:03d}",
        "country": "KZ",
        "city": "Almaty",
        "beds": 2,
        "first_night": future(3).isoformat(),
        "last_night": future(40).isoformat(),
        "max_nights": 14,
        "men": "yes",
        "pets": "no",
        "languages": "ru, kk",
        "notes": f"imported notes {n}",
    }
    row.update(changes)
    return [row[h] for h in HEADER]


def csv_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join('"' + str(c).replace('"', '""') + '"' for c in row))
    return ("\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_sheet_xml(
    workbook: bytes, sheet_xml: bytes, parts: dict[str, bytes] | None = None
) -> bytes:
    """The workbook with its first worksheet's XML (and any other part) replaced: how an
    attacker makes a tiny file that declares huge work."""
    replaced = {"xl/worksheets/sheet1.xml": sheet_xml} | (parts or {})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, replaced.pop(item.filename, source.read(item)))
        for name, data in replaced.items():
            target.writestr(name, data)
    return out.getvalue()


SHEET_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"%(dimension)s<sheetData>%(rows)s</sheetData></worksheet>"
)


def sheet_xml(rows: bytes, dimension: bytes = b"") -> bytes:
    return SHEET_XML % {b"dimension": dimension, b"rows": rows}
