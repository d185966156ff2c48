"""Export of the whole library in the shape the importer reads.

The files are UTF-8 JSON, indented by two spaces, with a final newline. The records
are sorted by id, since the database does not keep the order of the imported file.
Importing an export and exporting again gives identical files. The CSV of instruments
follows ``library.csvformat``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from communities.models import Community
from communities.records import community_to_record
from communities.visibility import readable_communities
from instruments.models import Instrument
from instruments.records import instrument_to_record
from instruments.records import with_record_relations as instruments_with_relations
from knowledge.models import Concept
from knowledge.records import concept_to_record
from knowledge.records import with_record_relations as concepts_with_relations
from library import csvformat
from library.validation import COMMUNITIES, CONCEPTS, INSTRUMENTS, KINDS

CSV_FILE_NAME = "instruments.csv"


class LibraryExportFailed(ValueError):
    """The library cannot be written in the requested format; nothing was written."""


def library_records(*, public_only: bool = False) -> dict[str, list[dict]]:
    """Every record of the library by kind, sorted by id, in a fixed number of queries.

    With ``public_only`` (the downloads on the site) only what an anonymous visitor may
    read: published instruments, related ids that point at published instruments, all
    concepts (they have no status) and public communities, through the visibility rule.
    """
    instruments = Instrument.objects.order_by("slug")
    communities = Community.objects.order_by("slug")
    if public_only:
        instruments = instruments.visible_to(None)
        communities = readable_communities(None).order_by("slug")
    concepts = concepts_with_relations(Concept.objects.order_by("slug"))
    instrument_records = [
        instrument_to_record(instrument) for instrument in instruments_with_relations(instruments)
    ]
    if public_only:
        public_ids = {record["id"] for record in instrument_records}
        for record in instrument_records:
            record["related"] = [slug for slug in record["related"] if slug in public_ids]
    return {
        CONCEPTS: [concept_to_record(concept) for concept in concepts],
        INSTRUMENTS: instrument_records,
        COMMUNITIES: [community_to_record(c) for c in communities],
    }


def instrument_csv_rows(records: list[dict]) -> list[list[str]]:
    """The CSV rows (after the header) of instrument records, or ``LibraryExportFailed``."""
    try:
        return [csvformat.record_to_row(record) for record in records]
    except ValueError as exc:
        raise LibraryExportFailed(str(exc)) from exc


def write_instrument_csv(handle, rows: list[list[str]]) -> None:
    """Write the header and ``rows`` to a text handle opened with ``newline=""``."""
    writer = csv.writer(handle)
    writer.writerow(csvformat.COLUMNS)
    writer.writerows(rows)


def library_export(*, directory: Path, with_csv: bool = False) -> list[tuple[Path, int]]:
    """Write ``<kind>.json`` for every kind into ``directory``, which is created if needed.

    With ``with_csv`` also write ``instruments.csv``. Returns each written file with its
    number of records. Every file's content is built before the first one is written,
    so a record the CSV cannot hold fails the export without leaving half of it behind.
    """
    records = library_records()
    contents: dict[str, tuple[str, int]] = {
        f"{kind}.json": (json_text(records[kind]), len(records[kind])) for kind in KINDS
    }
    rows = instrument_csv_rows(records[INSTRUMENTS]) if with_csv else []

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (text, count) in contents.items():
        path = directory / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append((path, count))
    if with_csv:
        path = directory / CSV_FILE_NAME
        # utf-8-sig writes the byte order mark by which Excel recognises UTF-8.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            write_instrument_csv(handle, rows)
        written.append((path, len(rows)))
    return written


def json_text(records) -> str:
    """The export's JSON: UTF-8 text, indented by two spaces, with a final newline."""
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
