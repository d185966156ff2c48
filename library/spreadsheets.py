"""Reading an uploaded spreadsheet of instruments: a CSV file or an Excel workbook.

An Excel workbook (.xlsx) is read as if it were the CSV file Excel would save from its
first sheet, so both go through ``library.readers.read_rows`` and give the same
records and problems:

- the first row names the columns (the same names as in ``library.csvformat``);
- every cell becomes text: whole numbers without ".0", other numbers as Excel shows
  them, dates as 2025-03-31 (with the time only when it is not midnight), TRUE/FALSE;
- a formula counts as the value Excel last calculated for it (a workbook written by a
  program that never calculated it has no value, and the cell counts as empty);
- empty rows are skipped, and problems name the spreadsheet's row numbers.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePath

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from library import problems as p
from library.problems import Problem
from library.readers import SourceFile, read_csv_bytes, read_rows

CSV_SUFFIX, XLSX_SUFFIX = ".csv", ".xlsx"
ZIP_MAGIC = b"PK\x03\x04"


def read_upload(
    raw: bytes, *, name: str, max_records: int | None = None
) -> tuple[SourceFile | None, list[Problem]]:
    """Read an uploaded .csv or .xlsx file by its name, checking that its bytes agree."""
    suffix = PurePath(name).suffix.lower()
    if suffix == XLSX_SUFFIX:
        return read_xlsx_bytes(raw, name=name, max_records=max_records)
    if suffix == CSV_SUFFIX:
        if raw.startswith(ZIP_MAGIC):
            return None, [Problem(file=name, message=p.CSV_IS_A_WORKBOOK)]
        return read_csv_bytes(raw, name=name, max_records=max_records)
    return None, [Problem(file=name, message=p.UNSUPPORTED_UPLOAD)]


def read_xlsx_bytes(
    raw: bytes, *, name: str, max_records: int | None = None
) -> tuple[SourceFile | None, list[Problem]]:
    """Read the first sheet of an Excel workbook; see the module docstring."""
    if not raw.startswith(ZIP_MAGIC):
        return None, [Problem(file=name, message=p.NOT_A_WORKBOOK)]
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        # openpyxl reports a damaged or foreign zip file in any of these ways.
        return None, [Problem(file=name, message=p.NOT_A_WORKBOOK)]
    try:
        sheet = workbook.worksheets[0]
        # The size a workbook declares may be wrong (some programs never update it),
        # so read every row that is there.
        sheet.reset_dimensions()
        return read_rows(
            _numbered_rows(sheet), file=name, fill_short_rows=True, max_records=max_records
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        # A sheet can be damaged even when the workbook opened.
        return None, [Problem(file=name, message=p.DAMAGED_WORKBOOK.format(error=exc))]
    finally:
        workbook.close()


def _numbered_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """Each row as text cells, numbered as the spreadsheet numbers them (from 1)."""
    for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        yield number, [cell_text(value) for value in values]


def cell_text(value) -> str:
    """A cell's value as the text a CSV export of the sheet would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value)
