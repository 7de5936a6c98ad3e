"""Sheets for the import tests: CSV text and XLSX workbooks made with openpyxl."""

import datetime as dt
import io
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
