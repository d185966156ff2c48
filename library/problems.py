"""What can be wrong with an import, and how it is reported.

Every message of the importer lives here, so the wording stays consistent and a test
can refer to it. Messages are English: the importer is a developer's tool, and the
people who fix a file need the record, the field and what is allowed, not a translation.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# Files and their encoding
NOT_FOUND = "no such file or directory"
NO_LIBRARY_FILES = "holds none of instruments.json, concepts.json or communities.json"
UNSUPPORTED_FILE = "unsupported file type: import a directory, a .json or a .csv file"
NOT_UTF8 = (
    "not valid UTF-8 (first bad byte 0x{byte:02X} at byte offset {offset}); the file must be "
    'UTF-8 (in Excel: "Save as" and choose "CSV UTF-8")'
)
INVALID_JSON = "invalid JSON: {error}"
NOT_A_LIST = "the file must hold a JSON list of records, not {type}"
NOT_A_RECORD = "a record must be a JSON object, not {type}"
UNKNOWN_FILE_KIND = (
    "cannot tell whether this file holds instruments, concepts or communities; "
    'put "instrument", "concept" or "communit" in its name'
)

# Uploads on the web (a .csv or .xlsx file)
UNSUPPORTED_UPLOAD = "unsupported file type: upload a .csv or an .xlsx file"
CSV_IS_A_WORKBOOK = (
    "this file is an Excel workbook, not a CSV file; save it with the extension .xlsx "
    'or, in Excel, "Save as" "CSV UTF-8"'
)
NOT_A_WORKBOOK = (
    "this is not an Excel workbook (.xlsx) or it is damaged; "
    'open it in Excel and "Save as" "Excel Workbook (.xlsx)"'
)
DAMAGED_WORKBOOK = "the workbook's first sheet cannot be read ({error})"

# CSV layout
CSV_EMPTY = "the file is empty; its first line must name the columns"
CSV_MISSING_COLUMN = "missing column (required: {required})"
CSV_DUPLICATE_COLUMN = "column named twice"
CSV_UNKNOWN_COLUMN = "unknown column (allowed: {allowed}){hint}"
CSV_WRONG_NUMBER_OF_VALUES = "{count} values for {columns} columns"
CSV_BAD_LINK = 'item {index} "{value}" must be written as [title](https://address)'

# Records
MISSING = "missing (required)"
EMPTY = "must not be empty"
UNKNOWN_KEY = "unknown key (allowed: {allowed}){hint}"
NOT_A_STRING = "must be a string, not {type}"
NOT_A_STRING_OR_NULL = "must be a string or null, not {type}"
NOT_A_LIST_OF_STRINGS = "must be a list of strings, not {type}"
ITEM_NOT_A_STRING = "item {index} must be a string, not {type}"
ITEM_EMPTY = "item {index} is empty"
ITEM_TWICE = 'item {index} "{value}" is listed twice'
ITEM_TOO_LONG = "item {index} is {length} characters long (at most {limit})"
ITEM_NOT_A_CODE = (
    'item {index} "{value}" is not a valid code (lowercase letters, digits and hyphens)'
)
TOO_LONG = "is {length} characters long (at most {limit})"
NOT_A_SLUG = '"{value}" is not a valid id (lowercase letters, digits and single hyphens)'
NOT_ALLOWED = 'unknown {noun} "{value}" (allowed: {allowed})'
DUPLICATE_ID = 'duplicate id "{value}" (first at {first})'
UNKNOWN_RELATED = 'unknown related {noun} "{value}" (not in this import nor in the database)'
NOT_A_LINK_LIST = 'must be a list of {{"url": ..., "title": ...}} objects, not {type}'
LINK_NOT_AN_OBJECT = 'item {index} must be an object with "url" and "title", not {type}'
LINK_BAD_KEYS = 'item {index} must have exactly the keys "url" and "title"'
LINK_BAD_URL = 'item {index}: "{value}" is not a valid web address'
LINK_BAD_TITLE = "item {index}: the title must be a non-empty string of at most {limit} characters"
NOT_SAVED = "could not be saved: {error}"
OWNED_BY_OTHER = (
    'instrument "{value}" belongs to another provider; you can only update instruments '
    "you own (choose another id for a new instrument)"
)


@dataclass(frozen=True)
class Problem:
    """One error in one place of an import: a file, a line or record, and a field.

    ``position`` is the record's number in a JSON file (from 1); ``line`` is the line of
    a CSV file (the header is line 1) or of a JSON syntax error.
    """

    file: str
    message: str
    record: str | None = None
    position: int | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.record is not None or self.position is not None:
            label = "record"
            if self.record is not None:
                label += f' "{self.record}"'
            if self.position is not None:
                label += f" (#{self.position})" if self.record is not None else f" #{self.position}"
            where.append(label)
        if self.field is not None:
            where.append(f'field "{self.field}"')
        if not where:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {', '.join(where)}: {self.message}"


def close_match_hint(word: str, allowed: list[str] | tuple[str, ...]) -> str:
    """``'; did you mean "summary"?'`` for a likely typo, else an empty string."""
    matches = difflib.get_close_matches(word, allowed, n=1)
    return f'; did you mean "{matches[0]}"?' if matches else ""


def json_type_name(value) -> str:
    """The JSON name of a parsed value's type, which is what the author wrote."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
