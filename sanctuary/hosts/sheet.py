"""Reading a partner's sheet of offers (CSV or XLSX) into checked rows, as plain Python.

One offer per row; the first row holds the column names (English, or the Russian names in
``HEADER_ALIASES``). Every problem is a ``Problem(row, field, code, params)`` for the page to
translate; a value the partner typed never goes into a problem, so the report can be shown and
logged without content. The layout is documented in sanctuary/hosts/README.md.
"""

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from sanctuary import cities, countries
from sanctuary.hosts.countries import COUNTRY_CODES

MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024  # an XLSX is a zip: refuse a zip bomb before opening it
MAX_ROWS = 500
# The work a sheet may cost is bounded before any cell is parsed: at most MAX_COLUMNS columns
# hold values, and the first worksheet's XML holds at most MAX_CELLS cells (blank formatted
# ones included) and MAX_XML_ELEMENTS elements in its first MAX_ROWS + 2 rows. A 49 KB
# workbook can declare one row of 400,000 cells; it is refused while counting them.
MAX_COLUMNS = 40
MAX_CELLS = 25_000
MAX_XML_ELEMENTS = 4 * MAX_CELLS
MAX_PART_BYTES = 2 * 1024 * 1024  # any other XML part openpyxl parses (styles, workbook, ...)
MAX_BEDS = 50
MAX_WINDOW_DAYS = 365
MAX_NAME = 200
MAX_ADDRESS = 500
MAX_CONTACT = 200
MAX_CITY = 60
MAX_NOTES = 2000

COLUMNS = (
    "host_ref",
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
    "women_only",
    "children",
    "families_only",
    "pets",
    "step_free",
    "one_party",
    "languages",
    "notes",
)
REQUIRED_COLUMNS = ("country", "city", "beds", "first_night", "last_night")

HEADER_ALIASES = {
    "ref": "host_ref",
    "host": "host_ref",
    "код_хозяина": "host_ref",
    "хозяин": "host_ref",
    "имя": "name",
    "адрес": "address",
    "контакт": "contact",
    "страна": "country",
    "город": "city",
    "мест": "beds",
    "места": "beds",
    "кровати": "beds",
    "с": "first_night",
    "первая_ночь": "first_night",
    "по": "last_night",
    "последняя_ночь": "last_night",
    "макс_ночей": "max_nights",
    "максимум_ночей": "max_nights",
    "мужчины": "men",
    "single_men": "men",
    "accepts_men_only_parties": "men",
    "только_женщины": "women_only",
    "дети": "children",
    "accepts_children": "children",
    "только_семьи": "families_only",
    "животные": "pets",
    "accepts_pets": "pets",
    "без_ступеней": "step_free",
    "одна_группа": "one_party",
    "одна_группа_за_раз": "one_party",
    "языки": "languages",
    "заметки": "notes",
}

BOOLEAN_DEFAULTS = {
    "men": True,
    "women_only": False,
    "children": True,
    "families_only": False,
    "pets": False,
    "step_free": False,
    "one_party": False,
}
YES = {"yes", "y", "1", "true", "x", "+", "да", "д"}
NO = {"no", "n", "0", "false", "-", "нет", "н"}
REFERENCE_PATTERN = re.compile(r"^H-[A-Z0-9]{6}$")


class Formula:
    """A spreadsheet cell holding a formula: never evaluated, never stored."""


FORMULA = Formula()
Cell = str | int | float | dt.date | dt.datetime | Formula | None


class SheetUnreadable(Exception):
    """The whole file is refused; ``code`` (and ``params``) name why."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Problem:
    row: int  # the row number as the spreadsheet shows it (the header is row 1)
    field: str
    code: str
    params: tuple[tuple[str, str | int], ...] = ()


@dataclass(frozen=True)
class OfferRow:
    row: int
    host_ref: str
    name: str
    address: str
    contact: str
    country: str
    city: str
    beds: int
    first_night: dt.date
    last_night: dt.date
    max_nights: int
    accepts_men_only_parties: bool
    women_only: bool
    accepts_children: bool
    families_only: bool
    accepts_pets: bool
    step_free: bool
    one_party: bool
    languages: tuple[str, ...]
    notes: str


@dataclass
class Checked:
    rows: list[OfferRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ---- reading the file ---------------------------------------------------------------------


def read_table(data: bytes) -> list[list[Cell]]:
    """The sheet's rows of cells: the first worksheet of an XLSX, or a CSV in UTF-8 (with or
    without a byte-order mark) or Windows-1251, separated by commas, semicolons or tabs."""
    if not data.strip():
        raise SheetUnreadable("empty")
    if len(data) > MAX_BYTES:
        raise SheetUnreadable("too_big", limit=MAX_BYTES // 1024 // 1024)
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> list[list[Cell]]:
    if b"\x00" in data:
        raise SheetUnreadable("not_a_sheet")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise SheetUnreadable("not_a_sheet") from None
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise SheetUnreadable("not_a_sheet")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    rows: list[list[Cell]] = []
    filled = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            if any(cell.strip() for cell in row[MAX_COLUMNS:]):
                raise SheetUnreadable("too_many_columns", limit=MAX_COLUMNS)
            if any(cell.strip() for cell in row):
                filled += 1
                if filled > MAX_ROWS + 1:  # the header and MAX_ROWS offers
                    raise SheetUnreadable("too_many_rows", limit=MAX_ROWS)
            rows.append(list(row[:MAX_COLUMNS]))
    except csv.Error:
        raise SheetUnreadable("not_a_sheet") from None
    return rows


def _read_xlsx(data: bytes) -> list[list[Cell]]:
    import openpyxl  # type: ignore[import-untyped]  # no stubs; its use here is small

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook(archive)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SheetUnreadable:
        raise
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetUnreadable("not_a_sheet") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[Cell]] = []
        for cells in sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS):
            rows.append([_xlsx_value(cell) for cell in cells])
        return rows
    except Exception:
        raise SheetUnreadable("not_a_sheet") from None
    finally:
        workbook.close()


SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships "
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships "
CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
VALUE_TAGS = frozenset(SPREADSHEET + tag for tag in ("v", "is", "f"))


class _Stop(Exception):
    """Ends a scan early: what was looked for is found."""


def check_workbook(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose reading would cost more than a sheet of offers can need, from
    the zip's declared sizes and a streaming count of the first worksheet's cells, before
    openpyxl parses anything. A zip member never yields more than its declared size."""
    infos = archive.infolist()
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise SheetUnreadable("too_big", limit=MAX_BYTES // 1024 // 1024)
    first_sheet = _first_sheet_path(archive)
    for info in infos:
        name = info.filename
        if name == first_sheet or not name.endswith((".xml", ".rels")):
            continue
        if name.startswith("xl/worksheets/") and not name.endswith(".rels"):
            continue  # openpyxl never reads a sheet but the first
        if name != "xl/sharedStrings.xml" and info.file_size > MAX_PART_BYTES:
            raise SheetUnreadable("too_big", limit=MAX_BYTES // 1024 // 1024)
        _scan(archive, name, lambda tag, attributes: None)  # bounded, and without a DTD
    _check_first_sheet(archive, first_sheet)


def _scan(
    archive: zipfile.ZipFile,
    name: str,
    on_start: Callable[[str, dict[str, str]], None],
) -> None:
    """Stream a part of the workbook through expat, calling ``on_start`` for each element
    (tags as "namespace localname"): at most MAX_XML_ELEMENTS of them, and no DTD, so no
    entity can expand. ``on_start`` raises _Stop to end the scan early."""
    parser = expat.ParserCreate(namespace_separator=" ")
    count = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_XML_ELEMENTS:
            raise SheetUnreadable("too_many_cells", limit=MAX_CELLS)
        on_start(tag, attributes)

    def no_dtd(*args: object) -> None:
        raise SheetUnreadable("not_a_sheet")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        return
    except KeyError:  # no such part
        raise SheetUnreadable("not_a_sheet") from None
    except expat.ExpatError:
        raise SheetUnreadable("not_a_sheet") from None


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part openpyxl reads as the first worksheet: the workbook's first <sheet>, through
    the workbook's relationships."""
    found: dict[str, str] = {}

    def first_sheet(tag: str, attributes: dict[str, str]) -> None:
        if tag == SPREADSHEET + "sheet":
            found["id"] = attributes.get(RELATIONSHIPS + "id", "")
            raise _Stop

    def relationship(tag: str, attributes: dict[str, str]) -> None:
        if tag == PACKAGE_RELATIONSHIPS + "Relationship" and attributes.get("Id") == found["id"]:
            found["target"] = attributes.get("Target", "")
            raise _Stop

    _scan(archive, "xl/workbook.xml", first_sheet)
    if "id" not in found:
        raise SheetUnreadable("not_a_sheet")
    _scan(archive, "xl/_rels/workbook.xml.rels", relationship)
    target = found.get("target")
    if not target:
        raise SheetUnreadable("not_a_sheet")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


def column_number(reference: str) -> int:
    """1 for A, 27 for AA; 0 for a reference that is not a cell's."""
    match = CELL_REFERENCE.match(reference)
    if match is None:
        return 0
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_first_sheet(archive: zipfile.ZipFile, path: str) -> None:
    """Count the first worksheet's cells as a stream, stopping at the first limit passed: a
    declared dimension wider than MAX_COLUMNS, a value beyond column MAX_COLUMNS, more than
    MAX_CELLS cells or MAX_XML_ELEMENTS elements. Rows past the ones read are not looked at."""
    state = {"cells": 0, "row": 0, "column": 0}

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == SPREADSHEET + "c":
            state["cells"] += 1
            if state["cells"] > MAX_CELLS:
                raise SheetUnreadable("too_many_cells", limit=MAX_CELLS)
            state["column"] = column_number(attributes.get("r", ""))
        elif tag in VALUE_TAGS:
            if state["column"] > MAX_COLUMNS:
                raise SheetUnreadable("too_many_columns", limit=MAX_COLUMNS)
        elif tag == SPREADSHEET + "row":
            declared = attributes.get("r", "")
            state["row"] = int(declared) if declared.isdigit() else state["row"] + 1
            if state["row"] > MAX_ROWS + 2:
                raise _Stop  # openpyxl is asked for no more rows than these
        elif tag == SPREADSHEET + "dimension":
            last = attributes.get("ref", "").rpartition(":")[2]
            if column_number(last) > MAX_COLUMNS:
                raise SheetUnreadable("too_many_columns", limit=MAX_COLUMNS)

    _scan(archive, path, start)


def _xlsx_value(cell: Any) -> Cell:
    if getattr(cell, "data_type", None) == "f":
        return FORMULA
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, str | int | float | dt.date):
        return value
    return str(value)


# ---- checking the rows --------------------------------------------------------------------


def normalise_header(text: Cell) -> str:
    name = re.sub(r"[\s\-.]+", "_", str(text or "").strip().lower()).strip("_")
    return HEADER_ALIASES.get(name, name)


def check_table(
    table: Sequence[Sequence[Cell]], *, today: dt.date, languages: Iterable[str]
) -> Checked:
    """Every row checked; SheetUnreadable when the header itself makes the sheet unusable."""
    rows = [row for row in table]
    while rows and _blank(rows[-1]):
        rows.pop()
    if not rows:
        raise SheetUnreadable("empty")
    header = [normalise_header(cell) for cell in rows[0]]
    named = [h for h in header if h]
    repeated = sorted({h for h in named if named.count(h) > 1})
    if repeated:
        raise SheetUnreadable("repeated_columns", columns=", ".join(repeated))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if "host_ref" not in header:
        missing += [c for c in ("name", "address") if c not in header]
    if missing:
        raise SheetUnreadable("missing_columns", columns=", ".join(missing))
    body = rows[1:]
    if not any(not _blank(row) for row in body):
        raise SheetUnreadable("no_rows")
    if len(body) > MAX_ROWS:
        raise SheetUnreadable("too_many_rows", limit=MAX_ROWS)
    checked = Checked()
    known_languages = frozenset(languages)
    for index, cells in enumerate(body, start=2):
        if _blank(cells):
            continue
        values = {h: cells[i] if i < len(cells) else None for i, h in enumerate(header) if h}
        row, problems = check_row(index, values, today=today, languages=known_languages)
        checked.problems += problems
        if row is not None:
            checked.rows.append(row)
    return checked


def _blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


class _Row:
    """Collects one row's problems while reading its cells."""

    def __init__(self, number: int, values: dict[str, Cell]) -> None:
        self.number = number
        self.values = values
        self.problems: list[Problem] = []

    def problem(self, name: str, code: str, **params: str | int) -> None:
        if any(p.field == name for p in self.problems):
            return  # one problem per cell is enough to fix it
        self.problems.append(Problem(self.number, name, code, tuple(sorted(params.items()))))

    def raw(self, name: str) -> Cell:
        value = self.values.get(name)
        if isinstance(value, Formula):
            self.problem(name, "formula")
            return None
        return value

    def text(self, name: str, *, limit: int, required: bool = False) -> str:
        value = self.raw(name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        text = "" if value is None else str(value).strip()
        if name != "notes":  # one line: no tabs, newlines or runs of spaces
            text = " ".join(text.split())
        if required and not text:
            self.problem(name, "required")
        elif len(text) > limit:
            self.problem(name, "too_long", limit=limit)
        return text

    def number_in(self, name: str, low: int, high: int, *, default: int | None = None) -> int:
        value = self.raw(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            self.problem(name, "required")
            return 0
        number: int | None = None
        whole_float = isinstance(value, float) and value.is_integer()
        digits = isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif (whole_float or digits) and isinstance(value, float | str):
            number = int(value)
        if number is None:
            self.problem(name, "not_a_number")
            return 0
        if not low <= number <= high:
            self.problem(name, "out_of_range", low=low, high=high)
            return 0
        return number

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            self.problem(name, "required")
            return None
        parsed = parse_date(str(value)) if isinstance(value, str) else None
        if parsed is None:
            self.problem(name, "bad_date")
        return parsed

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        default = BOOLEAN_DEFAULTS[name]
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if not text:
            return default
        if text in YES:
            return True
        if text in NO:
            return False
        self.problem(name, "not_yes_no")
        return default


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def check_row(
    number: int, values: dict[str, Cell], *, today: dt.date, languages: frozenset[str]
) -> tuple[OfferRow | None, list[Problem]]:
    row = _Row(number, values)
    host_ref = row.text("host_ref", limit=12).upper()
    if host_ref and not REFERENCE_PATTERN.match(host_ref):
        row.problem("host_ref", "bad_reference")
    new_host = not host_ref
    name = row.text("name", limit=MAX_NAME, required=new_host)
    address = row.text("address", limit=MAX_ADDRESS, required=new_host)
    contact = row.text("contact", limit=MAX_CONTACT)
    country_text = row.text("country", limit=60, required=True)
    country = countries.normalise(country_text) if country_text else None
    if country_text and country is None:
        row.problem("country", "unknown_country")
    elif country is not None and country not in COUNTRY_CODES:
        # The code, never the typed text, goes into the problem (the page names the country).
        row.problem("country", "no_hosts_in_country", country=country)
        country = None
    city = row.text("city", limit=MAX_CITY, required=True)
    city = cities.normalise(city) or city  # one form of each city (sanctuary/cities.py)
    beds = row.number_in("beds", 1, MAX_BEDS)
    first = row.date("first_night")
    last = row.date("last_night")
    for column, code in window_problems(first, last, today):
        params = {"limit": MAX_WINDOW_DAYS} if code == "too_long_window" else {}
        row.problem(column, code, **params)
    window = (last - first).days + 1 if first and last and last >= first else 1
    max_nights = row.number_in("max_nights", 1, MAX_WINDOW_DAYS + 1, default=window)
    flags = {column: row.boolean(column) for column in BOOLEAN_DEFAULTS}
    if flags["families_only"] and not flags["children"]:
        row.problem("families_only", "families_without_children")
    words = re.split(r"[\s,;/]+", row.text("languages", limit=100).lower())
    spoken = tuple(sorted({code for code in words if code}))
    unknown = [code for code in spoken if code not in languages]
    if unknown:
        row.problem("languages", "unknown_language")
    notes = row.text("notes", limit=MAX_NOTES)
    if row.problems or first is None or last is None or country is None:
        return None, row.problems
    return (
        OfferRow(
            row=number,
            host_ref=host_ref,
            name=name,
            address=address,
            contact=contact,
            country=country,
            city=city,
            beds=beds,
            first_night=first,
            last_night=last,
            max_nights=max_nights,
            accepts_men_only_parties=flags["men"],
            women_only=flags["women_only"],
            accepts_children=flags["children"],
            families_only=flags["families_only"],
            accepts_pets=flags["pets"],
            step_free=flags["step_free"],
            one_party=flags["one_party"],
            languages=spoken,
            notes=notes,
        ),
        [],
    )


def window_problems(
    first: dt.date | None, last: dt.date | None, today: dt.date
) -> list[tuple[str, str]]:
    """The availability window's rules, shared with the offer form: the first night not in
    the past, the last not before the first, at most MAX_WINDOW_DAYS between them."""
    problems = []
    if first is not None and first < today:
        problems.append(("first_night", "in_past"))
    if first is not None and last is not None:
        if last < first:
            problems.append(("last_night", "before_first"))
        elif (last - first).days > MAX_WINDOW_DAYS:
            problems.append(("last_night", "too_long_window"))
    return problems


# ---- the template to download ---------------------------------------------------------------

# One Russian name per column for the template (each is one of HEADER_ALIASES, so that the
# reader takes it back).
RUSSIAN_HEADERS = {
    "host_ref": "хозяин",
    "name": "имя",
    "address": "адрес",
    "contact": "контакт",
    "country": "страна",
    "city": "город",
    "beds": "места",
    "first_night": "первая_ночь",
    "last_night": "последняя_ночь",
    "max_nights": "макс_ночей",
    "men": "мужчины",
    "women_only": "только_женщины",
    "children": "дети",
    "families_only": "только_семьи",
    "pets": "животные",
    "step_free": "без_ступеней",
    "one_party": "одна_группа",
    "languages": "языки",
    "notes": "заметки",
}


def template_rows(language: str, today: dt.date) -> list[list[str]]:
    """The template's header, in Russian or English, and one invented example row (a
    coordinator deletes it, or the preview shows it before anything is written). No cell
    starts with a character a spreadsheet would read as a formula."""
    russian = language == "ru"
    first = today + dt.timedelta(days=1)
    last = today + dt.timedelta(days=30)

    def day(value: dt.date) -> str:
        return value.strftime("%d.%m.%Y") if russian else value.isoformat()

    example = {
        "host_ref": "",
        "name": "Пример Примеров (пример: удалите эту строку)"
        if russian
        else "Example Person (an example: delete this row)",
        "address": "Алматы, ул. Примерная, 1, кв. 2" if russian else "Almaty, Example St. 1, apt 2",
        "contact": "тел. 8 700 000 00 00" if russian else "phone 8 700 000 00 00",
        "country": "Казахстан" if russian else "Kazakhstan",
        "city": "Алматы" if russian else "Almaty",
        "beds": "2",
        "first_night": day(first),
        "last_night": day(last),
        "max_nights": "14",
        "men": "да" if russian else "yes",
        "women_only": "нет" if russian else "no",
        "children": "да" if russian else "yes",
        "families_only": "нет" if russian else "no",
        "pets": "нет" if russian else "no",
        "step_free": "нет" if russian else "no",
        "one_party": "да" if russian else "yes",
        "languages": "ru, kk",
        "notes": "Третий этаж без лифта" if russian else "Third floor, no lift",
    }
    header = [RUSSIAN_HEADERS[c] if russian else c for c in COLUMNS]
    return [header, [example[c] for c in COLUMNS]]


def template_csv(rows: Sequence[Sequence[str]], delimiter: str = ",") -> bytes:
    """CSV in UTF-8 with a BOM (so that Excel reads the Cyrillic), with the delimiter given:
    "," or ";" (what spreadsheet programs in Russian and most European locales expect)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """An XLSX workbook of the rows, every cell text (no formula, no number format)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = "offers"
    for row in rows:
        worksheet.append([str(cell) for cell in row])
    for column in worksheet.columns:
        worksheet.column_dimensions[column[0].column_letter].width = 18
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
