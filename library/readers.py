"""Reading library files into records, with the place of each one.

A reader never stops at the first problem. It returns what it could read along with
every problem it found: a file that is not UTF-8 (with the line and column of the
first bad byte), malformed JSON (with JSON's line and column), or a CSV row that does
not fit its header. Checking the records themselves is left to ``library.validation``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from library import csvformat
from library import problems as p
from library.problems import Problem, close_match_hint, json_type_name
from library.validation import COMMUNITIES, CONCEPTS, INSTRUMENTS, KINDS

LIBRARY_FILE_NAMES = {kind: f"{kind}.json" for kind in KINDS}
# Parts of a file name that say which records it holds, tried in this order.
NAME_HINTS = (("instrument", INSTRUMENTS), ("concept", CONCEPTS), ("communit", COMMUNITIES))
# Keys that only one kind of record has, for files whose name says nothing.
TELLING_KEYS = {
    INSTRUMENTS: {"title", "summary", "kind", "phases", "steps", "audience"},
    CONCEPTS: {"term", "term_en", "definition"},
    COMMUNITIES: {"name", "level", "region", "challenge", "partners", "lead", "phase_hint"},
}


@dataclass(frozen=True)
class SourceRecord:
    """A record as read: ``position`` counts records in a JSON file from 1, ``line`` is
    the CSV line the record starts on."""

    data: dict
    position: int | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else f"#{self.position}"


@dataclass
class SourceFile:
    name: str
    kind: str
    records: list[SourceRecord] = field(default_factory=list)


def read_path(path: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Read a library directory, one JSON file or one CSV file of instruments."""
    path = Path(path)
    if path.is_dir():
        found = [path / name for name in LIBRARY_FILE_NAMES.values() if (path / name).is_file()]
        if not found:
            return [], [Problem(file=str(path), message=p.NO_LIBRARY_FILES)]
        files: list[SourceFile] = []
        problems: list[Problem] = []
        for file_path in found:
            source, file_problems = read_json_file(file_path)
            problems += file_problems
            if source is not None:
                files.append(source)
        return files, problems
    if not path.is_file():
        return [], [Problem(file=str(path), message=p.NOT_FOUND)]
    suffix = path.suffix.lower()
    if suffix == ".json":
        source, problems = read_json_file(path)
    elif suffix == ".csv":
        source, problems = read_csv_file(path)
    else:
        return [], [Problem(file=path.name, message=p.UNSUPPORTED_FILE)]
    return ([source] if source is not None else []), problems


def decode_utf8(raw: bytes, *, file: str) -> tuple[str | None, list[Problem]]:
    """The text of a UTF-8 file without its byte order mark, or where it stops being UTF-8."""
    offset = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    body = raw[offset:]
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = body[: exc.start]
        line_start = before.rfind(b"\n") + 1
        problem = Problem(
            file=file,
            message=p.NOT_UTF8.format(byte=body[exc.start], offset=offset + exc.start),
            line=before.count(b"\n") + 1,
            column=len(before[line_start:].decode("utf-8")) + 1,
        )
        return None, [problem]


def read_json_file(path: Path) -> tuple[SourceFile | None, list[Problem]]:
    name = path.name
    text, problems = decode_utf8(path.read_bytes(), file=name)
    if text is None:
        return None, problems
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        message = p.INVALID_JSON.format(error=exc.msg)
        return None, [Problem(file=name, message=message, line=exc.lineno, column=exc.colno)]
    if not isinstance(parsed, list):
        return None, [Problem(file=name, message=p.NOT_A_LIST.format(type=json_type_name(parsed)))]
    records: list[SourceRecord] = []
    for position, item in enumerate(parsed, start=1):
        if isinstance(item, dict):
            records.append(SourceRecord(data=item, position=position))
        else:
            message = p.NOT_A_RECORD.format(type=json_type_name(item))
            problems.append(Problem(file=name, message=message, position=position))
    kind = guess_kind(name, records)
    if kind is None:
        return None, [*problems, Problem(file=name, message=p.UNKNOWN_FILE_KIND)]
    return SourceFile(name=name, kind=kind, records=records), problems


def guess_kind(name: str, records: list[SourceRecord]) -> str | None:
    """Which records a JSON file holds: by its name, else by the keys its records use."""
    lowered = name.lower()
    for hint, kind in NAME_HINTS:
        if hint in lowered:
            return kind
    keys = set().union(*(record.data.keys() for record in records)) if records else set()
    scores = {kind: len(keys & telling) for kind, telling in TELLING_KEYS.items()}
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def read_csv_file(path: Path) -> tuple[SourceFile | None, list[Problem]]:
    """Read a CSV file of instruments; see ``library.csvformat`` for the format."""
    return read_csv_bytes(path.read_bytes(), name=path.name)


def read_csv_bytes(
    raw: bytes, *, name: str, max_records: int | None = None
) -> tuple[SourceFile | None, list[Problem]]:
    """Read the bytes of a CSV file of instruments (a file on disk or an upload)."""
    text, problems = decode_utf8(raw, file=name)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [Problem(file=name, message=p.CSV_EMPTY, line=1)]
    delimiter = csvformat.sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    syntax_problems: list[Problem] = []

    def numbered_rows() -> Iterator[tuple[int, list[str]]]:
        """Each row with the line it starts on; a quoted cell may span several lines."""
        last_line = 0
        try:
            for row in reader:
                line, last_line = last_line + 1, reader.line_num
                yield line, row
        except csv.Error as exc:
            syntax_problems.append(Problem(file=name, message=str(exc), line=reader.line_num))

    source, problems = read_rows(numbered_rows(), file=name, max_records=max_records)
    return source, problems + syntax_problems


def read_rows(
    rows: Iterator[tuple[int, list[str]]],
    *,
    file: str,
    fill_short_rows: bool = False,
    max_records: int | None = None,
) -> tuple[SourceFile | None, list[Problem]]:
    """Turn numbered rows of cells (the first is the header) into instrument records.

    CSV and spreadsheet readers share this, so both accept exactly the same columns
    and report the same problems. ``fill_short_rows`` is for spreadsheets, which do
    not store empty cells at the end of a row. With ``max_records`` reading stops
    after one record more than that, so the caller can refuse a file that is too long
    without reading all of it.
    """
    first = next(rows, None)
    if first is None:
        return None, [Problem(file=file, message=p.CSV_EMPTY, line=1)]
    header = [cell.strip() for cell in first[1]]
    if fill_short_rows:
        while header and not header[-1]:
            header.pop()
    problems, readable = _check_header(header, file=file)
    if not readable:
        return None, problems

    source = SourceFile(name=file, kind=INSTRUMENTS)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if max_records is not None and len(source.records) > max_records:
            break
        if len(row) > len(header) and not "".join(row[len(header) :]).strip():
            row = row[: len(header)]  # spreadsheets may end rows with empty cells
        if fill_short_rows and len(row) < len(header):
            row = [*row, *[""] * (len(header) - len(row))]
        if len(row) != len(header):
            message = p.CSV_WRONG_NUMBER_OF_VALUES.format(count=len(row), columns=len(header))
            problems.append(Problem(file=file, message=message, line=line))
            continue
        cells = {
            column: cell
            for column, cell in zip(header, row, strict=True)
            if column in csvformat.COLUMNS
        }
        data, cell_errors = csvformat.row_to_record(cells)
        record_id = data.get("id") or None
        for column, message in cell_errors:
            problems.append(
                Problem(file=file, message=message, record=record_id, line=line, field=column)
            )
        source.records.append(SourceRecord(data=data, line=line))
    return source, problems


def _check_header(header: list[str], *, file: str) -> tuple[list[Problem], bool]:
    """The header's problems, and whether rows can be read despite them.

    An unknown column is reported but its cells are ignored (a column without a name is
    ignored silently); without a required column, or with a column named twice, no row
    can be read reliably.
    """
    problems = []
    required = ", ".join(csvformat.REQUIRED_COLUMNS)
    for column in csvformat.REQUIRED_COLUMNS:
        if column not in header:
            message = p.CSV_MISSING_COLUMN.format(required=required)
            problems.append(Problem(file=file, message=message, line=1, field=column))
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            problems.append(
                Problem(file=file, message=p.CSV_DUPLICATE_COLUMN, line=1, field=column)
            )
        seen.add(column)
    readable = not problems
    for column in header:
        if column and column not in csvformat.COLUMNS:
            problems.append(
                Problem(file=file, message=_unknown_column(column), line=1, field=column)
            )
    return problems, readable


def _unknown_column(column: str) -> str:
    allowed = csvformat.COLUMNS
    hint = close_match_hint(column, allowed)
    return p.CSV_UNKNOWN_COLUMN.format(allowed=", ".join(allowed), hint=hint)
