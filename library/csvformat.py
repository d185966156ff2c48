"""Instruments as CSV, the format import_library reads and export_library writes.

- Encoding: UTF-8, with or without a byte order mark. The export writes the mark so
  Excel shows accented letters correctly.
- Delimiter: comma or semicolon (Dutch Excel uses semicolons). The importer uses the
  one that occurs more often in the header line; the export writes commas.
- Line 1 is the header and names the columns. The names are the keys of
  instruments.json: id, title, title_en, summary, description, steps, phases, kind,
  sectors, audience, source, related, keywords, plus the optional when_to_use,
  licence, status, organisation and links. The columns can be in any order. The id,
  title, summary, kind and phases columns are required. A missing optional column
  counts as empty, so importing a row replaces the whole instrument.
- A quoted cell ("...") may hold the delimiter, line breaks and doubled quotes ("").
- List columns (steps, phases, sectors, audience, related, keywords, links): items are
  separated by "|", spaces around an item are ignored, and an empty cell is an empty
  list. An item cannot contain "|" itself. The export refuses a record with such an
  item rather than split it silently.
- links: each item is a Markdown link, [title](https://address).
- when_to_use: plain text (the situations and signals the instrument helps with);
  it may hold line breaks. An empty cell means none.
- licence, status, organisation: an empty cell means none. For status, an empty cell
  means published.
- Error messages give the line on which the record starts. The header is line 1.
"""

from __future__ import annotations

import re

from instruments.constants import Status
from instruments.records import LIST_KEYS, OPTIONAL_KEYS, REQUIRED_KEYS
from library import problems as p
from library.validation import INSTRUMENTS, required_keys

COLUMNS = (*REQUIRED_KEYS, *OPTIONAL_KEYS)
REQUIRED_COLUMNS = required_keys(INSTRUMENTS)
LIST_COLUMNS = (*LIST_KEYS, "links")
EMPTY_MEANS_ABSENT = ("when_to_use", "licence", "status", "organisation")
DELIMITERS = (",", ";")
LIST_SEPARATOR = "|"
EXPORT_LIST_SEPARATOR = " | "

_LINK = re.compile(r"^\[(?P<title>.*)\]\((?P<url>\S+)\)$", re.DOTALL)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that occurs most in the header; a comma when there is a tie."""
    return max(DELIMITERS, key=header_line.count)


def split_items(cell: str) -> list[str]:
    """Split a list cell. Empty items are kept, so validation can name them."""
    if not cell.strip():
        return []
    return [item.strip() for item in cell.split(LIST_SEPARATOR)]


def row_to_record(row: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """Turn a row (column name to cell) into an instrument record.

    Returns the record and the (column, message) pairs for cells that cannot be read at
    all. Everything else is left to ``library.validation``, as for JSON.
    """
    record: dict = {}
    errors: list[tuple[str, str]] = []
    for column, cell in row.items():
        if column in EMPTY_MEANS_ABSENT and not cell.strip():
            continue
        if column == "links":
            links = []
            for index, item in enumerate(split_items(cell), start=1):
                match = _LINK.match(item)
                if match is None:
                    errors.append((column, p.CSV_BAD_LINK.format(index=index, value=item)))
                    continue
                links.append({"url": match["url"], "title": match["title"].strip()})
            record[column] = links
        elif column in LIST_COLUMNS:
            record[column] = split_items(cell)
        else:
            record[column] = cell
    return record, errors


def record_to_row(record: dict) -> list[str]:
    """One CSV row in ``COLUMNS`` order; ``ValueError`` if an item contains the separator."""
    row = []
    for column in COLUMNS:
        if column == "links":
            items = [f"[{link['title']}]({link['url']})" for link in record.get("links", [])]
        elif column in LIST_COLUMNS:
            items = list(record.get(column, []))
        else:
            row.append(record.get(column, Status.PUBLISHED if column == "status" else ""))
            continue
        for item in items:
            if LIST_SEPARATOR in item:
                raise ValueError(
                    f'instrument "{record["id"]}", field "{column}": item "{item}" contains '
                    f'"{LIST_SEPARATOR}", which the CSV format uses to separate items'
                )
        row.append(EXPORT_LIST_SEPARATOR.join(items))
    return row
