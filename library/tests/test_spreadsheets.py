"""The .xlsx reader gives the same records and problems as the CSV reader."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile

from openpyxl import Workbook

from library import problems as p
from library.readers import read_csv_bytes
from library.spreadsheets import cell_text, read_upload, read_xlsx_bytes

HEADER = ["id", "title", "summary", "kind", "phases", "steps"]
ROWS = [
    ["stuurgroep", "Stuurgroep samenstellen", "Wie zit erin?", "handreiking", "starten | ontwerpen",
     "Kies leden | Plan overleg"],
    ["reflectie", "Reflecteren", "Terug,\nkijken.", "werkvorm", "uitvoeren", ""],
]  # fmt: skip


def xlsx_bytes(rows: list[list], *, sheets: int = 1) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for n in range(1, sheets):
        workbook.create_sheet(f"Other {n}").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_formula_value(raw: bytes, cell: str, value: str) -> bytes:
    """Give a formula cell the value Excel would have stored when it last calculated."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(
                    rf'<c r="{cell}"><f>(.*?)</f><v></v></c>',
                    rf'<c r="{cell}" t="str"><f>\1</f><v>{value}</v></c>',
                    text,
                )
                data = text.encode()
            target.writestr(item, data)
    return target_buffer.getvalue()


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode()


def test_xlsx_gives_the_same_records_as_the_csv_reader():
    from_xlsx, xlsx_problems = read_xlsx_bytes(xlsx_bytes([HEADER, *ROWS]), name="i.xlsx")
    from_csv, csv_problems = read_csv_bytes(csv_bytes([HEADER, *ROWS]), name="i.csv")

    assert [r.data for r in from_xlsx.records] == [r.data for r in from_csv.records]
    assert from_xlsx.records[0].data["steps"] == ["Kies leden", "Plan overleg"]
    assert xlsx_problems == csv_problems == []


def test_xlsx_lines_are_row_numbers_and_empty_rows_are_skipped():
    rows = [HEADER, ROWS[0], [None] * 6, ROWS[1], [], [None, None]]

    source, problems = read_xlsx_bytes(xlsx_bytes(rows), name="i.xlsx")

    assert [r.line for r in source.records] == [2, 4]
    assert problems == []


def test_xlsx_reads_only_the_first_sheet():
    source, _problems = read_xlsx_bytes(xlsx_bytes([HEADER, ROWS[0]], sheets=3), name="i.xlsx")

    assert [r.data["id"] for r in source.records] == ["stuurgroep"]


def test_xlsx_short_rows_are_filled_and_long_rows_are_reported():
    rows = [HEADER, ["kort", "Kort", "Kort.", "model", "starten"], [*ROWS[0], "extra"]]

    source, problems = read_xlsx_bytes(xlsx_bytes(rows), name="i.xlsx")

    assert source.records[0].data["steps"] == []
    assert [(problem.line, problem.message) for problem in problems] == [
        (3, p.CSV_WRONG_NUMBER_OF_VALUES.format(count=7, columns=6))
    ]


def test_xlsx_formulas_count_as_their_cached_value():
    raw = xlsx_bytes([HEADER, ["formule", '=UPPER("x")', "Kort.", "model", "starten", ""]])
    raw = with_cached_formula_value(raw, "B2", "Berekende titel")

    source, _problems = read_xlsx_bytes(raw, name="i.xlsx")

    assert source.records[0].data["title"] == "Berekende titel"


def test_cells_become_text_as_a_csv_export_would_hold_them():
    assert cell_text(None) == ""
    assert cell_text(3) == "3"
    assert cell_text(3.0) == "3"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(True) == "TRUE"
    assert cell_text(datetime.datetime(2025, 3, 31)) == "2025-03-31"
    assert cell_text(datetime.datetime(2025, 3, 31, 9, 30)) == "2025-03-31 09:30:00"
    assert cell_text(datetime.date(2025, 3, 31)) == "2025-03-31"


def test_numbers_and_dates_in_a_workbook_are_read_as_text():
    rows = [
        [*HEADER, "source"],
        ["getal", 12, "Kort.", "model", "starten", "", datetime.date(2025, 1, 2)],
    ]

    source, _problems = read_xlsx_bytes(xlsx_bytes(rows), name="i.xlsx")

    assert source.records[0].data["title"] == "12"
    assert source.records[0].data["source"] == "2025-01-02"


def test_a_damaged_or_foreign_file_named_xlsx_is_refused():
    assert read_xlsx_bytes(b"id,title\n", name="i.xlsx") == (
        None,
        [p.Problem(file="i.xlsx", message=p.NOT_A_WORKBOOK)],
    )
    truncated = xlsx_bytes([HEADER])[:300]
    source, problems = read_xlsx_bytes(truncated, name="i.xlsx")
    assert source is None
    assert problems[0].message == p.NOT_A_WORKBOOK


def test_an_empty_workbook_is_reported_like_an_empty_csv():
    source, problems = read_xlsx_bytes(xlsx_bytes([]), name="i.xlsx")

    assert source is None
    assert [problem.message for problem in problems] == [p.CSV_EMPTY]


def test_upload_type_follows_the_name_and_must_match_the_bytes():
    workbook = xlsx_bytes([HEADER, ROWS[0]])

    assert read_upload(workbook, name="i.pdf")[1][0].message == p.UNSUPPORTED_UPLOAD
    assert read_upload(workbook, name="i.csv")[1][0].message == p.CSV_IS_A_WORKBOOK
    source, _problems = read_upload(
        codecs.BOM_UTF8 + csv_bytes([HEADER, ROWS[0]], delimiter=";"), name="I.CSV"
    )
    assert source.records[0].data["phases"] == ["starten", "ontwerpen"]


def test_reading_stops_after_one_record_more_than_the_limit():
    rows = [HEADER, *[[f"i-{n}", "T", "S", "model", "starten", ""] for n in range(10)]]

    source, _problems = read_xlsx_bytes(xlsx_bytes(rows), name="i.xlsx", max_records=3)

    assert len(source.records) == 4
