"""Reading and checking a partner's sheet, as plain Python (no database)."""

import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.hosts import sheet
from sanctuary.hosts.sheet import SheetUnreadable, check_table, read_table
from sanctuary.hosts.tests.sheets import (
    HEADER,
    csv_bytes,
    future,
    good_row,
    sheet_xml,
    with_sheet_xml,
    xlsx_bytes,
)

LANGUAGES = {"ru", "kk", "en"}
TODAY = dt.date.today()


def check(data: bytes) -> sheet.Checked:
    return check_table(read_table(data), today=TODAY, languages=LANGUAGES)


def codes(checked: sheet.Checked) -> set[tuple[int, str, str]]:
    return {(p.row, p.field, p.code) for p in checked.problems}


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_it_reads_good_rows_from_csv_and_xlsx(make: object) -> None:
    assert callable(make)
    checked = check(make([good_row(1), good_row(2, pets="да", beds=50)]))
    assert checked.problems == []
    first, second = checked.rows
    assert (first.row, first.name, first.country, first.beds) == (2, "Imported Host 1", "KZ", 2)
    assert first.languages == ("kk", "ru")
    assert first.first_night == future(3)
    assert (second.accepts_pets, second.beds) == (True, 50)


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes])
def test_it_names_the_row_and_field_of_every_bad_value(make: object) -> None:
    assert callable(make)
    rows = [
        good_row(1),
        good_row(2, first_night="31.02.2027"),
        good_row(3, country="Narnia"),
        good_row(4, beds=0),
        good_row(5, first_night=future(10).isoformat(), last_night=future(5).isoformat()),
        good_row(6, first_night=future(-1).isoformat()),
        good_row(7, men="perhaps", languages="xx"),
        good_row(8, name="", address=""),
        good_row(9, last_night=future(500).isoformat()),
    ]
    checked = check(make(rows))
    assert [r.row for r in checked.rows] == [2]
    assert codes(checked) == {
        (3, "first_night", "bad_date"),
        (4, "country", "unknown_country"),
        (5, "beds", "out_of_range"),
        (6, "last_night", "before_first"),
        (7, "first_night", "in_past"),
        (8, "men", "not_yes_no"),
        (8, "languages", "unknown_language"),
        (9, "name", "required"),
        (9, "address", "required"),
        (10, "last_night", "too_long_window"),
    }


def test_it_accepts_real_dates_and_russian_headers_in_a_workbook() -> None:
    header = ["имя", "адрес", "страна", "город", "мест", "с", "по"]
    row = ["Хозяин", "Адрес", "казахстан", "Уральск", 3, future(1), future(20)]
    checked = check(xlsx_bytes([row], header=header))
    assert checked.problems == []
    assert checked.rows[0].country == "KZ"
    assert checked.rows[0].max_nights == 20  # the whole window when empty


def test_it_reads_a_country_by_its_code_or_its_name_in_any_of_three_languages() -> None:
    spellings = ["ge", "GEO", "Грузия", "ГРУЗІЯ", "Georgia", "Киргизия", "Кыргызстан", "Türkiye"]
    checked = check(csv_bytes([good_row(n, country=text) for n, text in enumerate(spellings)]))
    assert checked.problems == []
    assert [r.country for r in checked.rows] == ["GE"] * 5 + ["KG", "KG", "TR"]


def test_it_refuses_a_real_country_where_the_network_has_no_hosts() -> None:
    checked = check(csv_bytes([good_row(1, country="Бразилия"), good_row(2, country="RU")]))
    assert checked.rows == []
    assert [(p.row, p.field, p.code, p.params) for p in checked.problems] == [
        (2, "country", "no_hosts_in_country", (("country", "BR"),)),
        (3, "country", "no_hosts_in_country", (("country", "RU"),)),
    ]


def test_it_refuses_formulas_in_a_workbook() -> None:
    checked = check(xlsx_bytes([good_row(1, beds="=1+1", notes='=HYPERLINK("x")')]))
    assert codes(checked) == {(2, "beds", "formula"), (2, "notes", "formula")}


def test_it_reads_semicolons_and_windows_1251() -> None:
    text = "name;address;country;city;beds;first_night;last_night\r\n"
    text += f"Хозяин;Улица;KZ;Астана;2;{future(1)};{future(9)}\r\n"
    checked = check(text.encode("cp1251"))
    assert checked.problems == []
    assert checked.rows[0].city == "Astana"  # one form of each city (sanctuary/cities.py)


def test_it_lets_a_reference_stand_for_a_host() -> None:
    header = ["host_ref", "country", "city", "beds", "first_night", "last_night"]
    rows = [
        ["h-abc234", "GE", "Tbilisi", 1, future(1).isoformat(), future(3).isoformat()],
        ["nonsense", "GE", "Tbilisi", 1, future(1).isoformat(), future(3).isoformat()],
    ]
    checked = check(csv_bytes(rows, header=header))
    assert checked.rows[0].host_ref == "H-ABC234"
    assert codes(checked) == {(3, "host_ref", "bad_reference")}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \r\n", "empty"),
        (csv_bytes([]), "no_rows"),
        (csv_bytes([["x"]], header=["name", "address", "city"]), "missing_columns"),
        (csv_bytes([good_row()], header=[*HEADER[:-1], "name"]), "repeated_columns"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_sheet"),
        (b"PK\x03\x04 this is not really a zip", "not_a_sheet"),
        (b"%PDF-1.7\n\x00\x01\x02", "not_a_sheet"),
        (b"x" * (sheet.MAX_BYTES + 1), "too_big"),
        (csv_bytes([good_row(n) for n in range(sheet.MAX_ROWS + 1)]), "too_many_rows"),
    ],
)
def test_it_refuses_a_file_it_cannot_use_as_a_whole(data: bytes, code: str) -> None:
    with pytest.raises(SheetUnreadable) as refused:
        check(data)
    assert refused.value.code == code


def test_it_refuses_a_workbook_that_unzips_too_large() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/bomb.xml", b"0" * (sheet.MAX_UNZIPPED_BYTES + 1))
    with pytest.raises(SheetUnreadable) as refused:
        read_table(out.getvalue())
    assert refused.value.code == "too_big"


def test_it_never_puts_a_typed_value_into_a_problem() -> None:
    checked = check(csv_bytes([good_row(1, country="secret-country-value", beds="secret")]))
    assert checked.problems
    assert "secret" not in repr(checked.problems)


@settings(max_examples=400, deadline=None)
@given(data=st.binary(max_size=2000))
def test_it_reads_any_bytes_or_refuses_them_cleanly(data: bytes) -> None:
    try:
        check(data)
    except SheetUnreadable as refused:
        assert refused.code in {
            "empty",
            "not_a_sheet",
            "missing_columns",
            "repeated_columns",
            "no_rows",
        }


@settings(max_examples=300, deadline=None)
@given(
    column=st.sampled_from(sheet.COLUMNS),
    value=st.one_of(st.text(max_size=80), st.integers(), st.floats(), st.dates(), st.none()),
)
def test_it_checks_any_value_in_any_column(column: str, value: sheet.Cell) -> None:
    row: dict[str, sheet.Cell] = {
        name: cell  # type: ignore[misc]  # good_row holds only str, int and dates
        for name, cell in zip(HEADER, good_row(), strict=True)
    }
    row[column] = value
    checked = check_table([list(row), list(row.values())], today=TODAY, languages=LANGUAGES)
    assert len(checked.rows) + len({p.row for p in checked.problems}) == 1
    assert all(p.row == 2 and p.field in sheet.COLUMNS for p in checked.problems)


# ---- bounded work: refused while counting, before openpyxl parses a cell --------------------


def one_row_of(cells: int) -> bytes:
    """The issue's workbook: one row of ``cells`` cells, a few dozen KB once zipped."""
    row = b'<row r="1">' + b'<c t="n"><v>1</v></c>' * cells + b"</row>"
    return with_sheet_xml(xlsx_bytes([]), sheet_xml(row))


def test_it_refuses_a_small_workbook_holding_a_huge_row_before_parsing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = one_row_of(400_000)
    assert len(data) < 100 * 1024  # small on the wire, as in the report
    import openpyxl  # type: ignore[import-untyped]

    calls: list[int] = []
    real = openpyxl.load_workbook

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    with pytest.raises(SheetUnreadable) as refused:
        read_table(data)
    assert (refused.value.code, refused.value.params) == (
        "too_many_cells",
        {"limit": sheet.MAX_CELLS},
    )
    assert calls == []  # refused while counting, before openpyxl parsed anything
    # Positive control: a small row of the same kind does reach openpyxl, and is read.
    assert read_table(one_row_of(10)) == [[1] * 10 + [None] * (sheet.MAX_COLUMNS - 10)]
    assert calls == [1]


def test_it_refuses_a_declared_dimension_wider_than_the_limit() -> None:
    data = with_sheet_xml(xlsx_bytes([]), sheet_xml(b"", dimension=b'<dimension ref="A1:XFD1"/>'))
    with pytest.raises(SheetUnreadable) as refused:
        read_table(data)
    assert refused.value.code == "too_many_columns"


def test_it_refuses_a_value_beyond_the_last_column_but_not_a_blank_formatted_cell() -> None:
    header = b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (letter.encode(), name.encode())
        for letter, name in zip("ABCDE", sheet.REQUIRED_COLUMNS, strict=True)
    )
    blank = b'<c r="AZ1" s="1"/>'
    valued = b'<c r="AZ1" t="inlineStr"><is><t>x</t></is></c>'
    accepted = read_table(
        with_sheet_xml(xlsx_bytes([]), sheet_xml(b"<row>" + header + blank + b"</row>"))
    )
    assert tuple(accepted[0][:5]) == sheet.REQUIRED_COLUMNS
    assert len(accepted[0]) <= sheet.MAX_COLUMNS
    with pytest.raises(SheetUnreadable) as refused:
        read_table(
            with_sheet_xml(xlsx_bytes([]), sheet_xml(b"<row>" + header + valued + b"</row>"))
        )
    assert refused.value.code == "too_many_columns"


def test_it_refuses_shared_strings_past_the_limit() -> None:
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>x</t></si>" * (sheet.MAX_XML_ELEMENTS // 2 + 1)
        + b"</sst>"
    )
    data = with_sheet_xml(xlsx_bytes([]), sheet_xml(b""), {"xl/sharedStrings.xml": strings})
    with pytest.raises(SheetUnreadable) as refused:
        read_table(data)
    assert refused.value.code == "too_many_cells"


def test_it_refuses_an_entity_declaration_in_the_sheet() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    with pytest.raises(SheetUnreadable) as refused:
        read_table(with_sheet_xml(xlsx_bytes([]), bomb))
    assert refused.value.code == "not_a_sheet"


def test_it_still_reads_a_full_sheet_of_offers_at_the_limits() -> None:
    rows = [good_row(n) for n in range(sheet.MAX_ROWS)]
    for make in (csv_bytes, xlsx_bytes):
        checked = check(make(rows))
        assert (len(checked.rows), checked.problems) == (sheet.MAX_ROWS, []), make
    with pytest.raises(SheetUnreadable) as refused:
        check(xlsx_bytes([*rows, good_row(0)]))
    assert refused.value.code == "too_many_rows"


def test_it_refuses_a_csv_with_values_beyond_the_last_column() -> None:
    wide = ",".join(["name"] * 100_000).encode()
    with pytest.raises(SheetUnreadable) as refused:
        read_table(wide)
    assert refused.value.code == "too_many_columns"
    # Blank cells past the last column are dropped, not refused.
    table = read_table(b"country,city" + b"," * 100_000 + b"\r\n")
    assert table == [["country", "city", *[""] * (sheet.MAX_COLUMNS - 2)]]
