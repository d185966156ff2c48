"""Import of the whole library: instruments, concepts and communities.

``library_import`` reads the files and checks every record before it writes anything.
If any record has a problem, it writes nothing and raises ``LibraryImportFailed``
with all the problems. Otherwise it writes everything in one transaction.

Records are matched by their id (the slug), so a repeated import updates and never
duplicates. A record equal to what the database already holds is not written at all,
which keeps ``updated_at`` and the revision history as they were.

The order of the writes matters because records refer to each other. Concepts are
written first and then linked to their related concepts. Instruments are written next,
then linked to related instruments and revisioned. After that, the concept links are
derived again: for every instrument if any concept changed, otherwise only for the
instruments that were written. Communities come last; nothing refers to them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy

from communities.models import Community
from communities.records import LIST_KEYS as COMMUNITY_LIST_KEYS
from communities.records import NULLABLE_KEYS as COMMUNITY_NULLABLE_KEYS
from communities.records import community_to_record
from communities.services import community_save_record
from instruments.constants import PHASE_ORDER, Status
from instruments.models import Instrument
from instruments.records import instrument_to_record
from instruments.records import with_record_relations as instruments_with_relations
from instruments.services import (
    instrument_link_concepts,
    instrument_record_revision,
    instrument_save_record,
    instrument_set_related,
)
from knowledge.models import Concept
from knowledge.records import concept_to_record
from knowledge.records import with_record_relations as concepts_with_relations
from knowledge.services import concept_record_revision, concept_save_record, concept_set_related
from library import problems as p
from library.problems import Problem
from library.readers import SourceFile, SourceRecord, read_path
from library.validation import COMMUNITIES, CONCEPTS, INSTRUMENTS, KINDS, validate_records

DEMO_DIR = Path(__file__).resolve().parent / "demo"
# Revision notes are shown on the site, so they are written in the site's language.
REVISION_NOTE = gettext_lazy("Imported from %(file)s")

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"
MODELS = {INSTRUMENTS: Instrument, CONCEPTS: Concept, COMMUNITIES: Community}

# What a key that a record leaves out means; the exported records write every key.
DEFAULTS = {
    INSTRUMENTS: {
        "title_en": "", "description": "", "steps": [], "sectors": [], "audience": [],
        "source": "", "related": [], "keywords": [], "when_to_use": "", "licence": "",
        "status": Status.PUBLISHED.value, "organisation": "", "links": [],
    },
    CONCEPTS: {"term_en": "", "source": "", "related": []},
    COMMUNITIES: {
        "challenge": "", "source": "",
        **{key: [] for key in COMMUNITY_LIST_KEYS},
        **{key: None for key in COMMUNITY_NULLABLE_KEYS},
    },
}  # fmt: skip


def _revision_note(file_name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(REVISION_NOTE % {"file": file_name})


class LibraryImportFailed(Exception):
    """Raised with every problem found; the database is left as it was."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the library import")


@dataclass
class ImportReport:
    """How many records of each kind were created, updated, unchanged or kept.

    "Kept" counts existing records that ``only_new`` left alone, even if they differ.
    """

    counts: dict[str, Counter] = field(default_factory=dict)
    # The ids of each kind by outcome, for pages that link to what was written.
    ids: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, record_id: str | None = None) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1
        if record_id is not None:
            self.ids.setdefault(kind, {}).setdefault(outcome, []).append(record_id)

    @property
    def created_count(self) -> int:
        return sum(count[CREATED] for count in self.counts.values())

    def summary_lines(self) -> list[str]:
        lines = []
        for kind in KINDS:
            if kind not in self.counts:
                continue
            count = self.counts[kind]
            line = (
                f"{kind}: {count[CREATED]} created, {count[UPDATED]} updated, "
                f"{count[UNCHANGED]} unchanged"
            )
            if count[KEPT]:
                line += f", {count[KEPT]} kept (already present)"
            lines.append(line)
        return lines


def library_import(*, path: Path, only_new: bool = False) -> ImportReport:
    """Import the library files at ``path`` (a directory, a .json or a .csv file).

    With ``only_new`` only missing records are created; existing ones are never
    touched, so user edits survive (``load_demo``). Raises ``LibraryImportFailed``
    and writes nothing if any file or record has a problem.
    """
    files, problems = read_path(Path(path))
    return library_import_files(files=files, problems=problems, only_new=only_new)


def library_import_files(
    *,
    files: list[SourceFile],
    problems: list[Problem] | None = None,
    only_new: bool = False,
    owner=None,
    author=None,
) -> ImportReport:
    """Check and import records already read (from disk or an upload), as ``library_import``.

    ``problems`` are those found while reading; any of them stops the import. New
    instruments get ``owner``, and their revisions name ``author`` (both None for the
    command line, which acts for nobody in particular).
    """
    problems = list(problems or [])
    existing_ids = {
        source.kind: set(MODELS[source.kind].objects.values_list("slug", flat=True))
        for source in files
    }
    for source in files:
        problems += validate_records(
            source.kind, source.records, file=source.name, existing_ids=existing_ids[source.kind]
        )
    if problems:
        raise LibraryImportFailed(problems)

    by_kind = {source.kind: source for source in files}
    report = ImportReport()
    with transaction.atomic():
        concepts_changed = False
        if CONCEPTS in by_kind:
            concepts_changed = bool(
                _import_concepts(by_kind[CONCEPTS], existing_ids[CONCEPTS], only_new, report)
            )
        written_instruments: list[Instrument] = []
        if INSTRUMENTS in by_kind:
            written_instruments = _import_instruments(
                by_kind[INSTRUMENTS],
                existing_ids[INSTRUMENTS],
                only_new,
                report,
                owner=owner,
                author=author,
            )
        _link_concepts(everything=concepts_changed, instruments=written_instruments)
        if COMMUNITIES in by_kind:
            _import_communities(by_kind[COMMUNITIES], existing_ids[COMMUNITIES], only_new, report)
    return report


def comparable(kind: str, record: dict) -> dict:
    """A record with every key filled in, so an imported record can be compared with the
    record of what the database holds. Phases are stored as a set and read back in their
    natural order, so their order does not count as a change.
    """
    full = {**DEFAULTS[kind], **record}
    if kind == INSTRUMENTS:
        full["phases"] = sorted(full["phases"], key=PHASE_ORDER.index)
    if kind == COMMUNITIES:
        for key in COMMUNITY_NULLABLE_KEYS:
            full[key] = full[key] or None
    return full


def _plan(
    kind: str,
    source: SourceFile,
    existing_ids: set[str],
    only_new: bool,
    current: dict[str, dict],
    report: ImportReport,
) -> list[SourceRecord]:
    """Count each record's outcome and return the records that must be written."""
    to_write = []
    for record, outcome in plan_outcomes(kind, source.records, existing_ids, only_new, current):
        report.add(kind, outcome, record.data["id"])
        if outcome in (CREATED, UPDATED):
            to_write.append(record)
    return to_write


def plan_outcomes(
    kind: str,
    records: list[SourceRecord],
    existing_ids: set[str],
    only_new: bool,
    current: dict[str, dict],
) -> list[tuple[SourceRecord, str]]:
    """What importing each valid record would do: created, updated, unchanged or kept.

    ``current`` holds the stored record of every existing id (see ``current_records``).
    """
    outcomes = []
    for record in records:
        record_id = record.data["id"]
        if record_id not in existing_ids:
            outcome = CREATED
        elif only_new:
            outcome = KEPT
        elif comparable(kind, current[record_id]) == comparable(kind, record.data):
            outcome = UNCHANGED
        else:
            outcome = UPDATED
        outcomes.append((record, outcome))
    return outcomes


def current_instrument_records(ids: list[str]) -> dict[str, dict]:
    """The stored records of the instruments with these ids, to compare an import with."""
    queryset = instruments_with_relations(Instrument.objects.filter(slug__in=ids))
    return {instrument.slug: instrument_to_record(instrument) for instrument in queryset}


def _current_records(queryset, to_record, source: SourceFile, only_new: bool) -> dict[str, dict]:
    """The stored records of the ids in ``source``; not needed when only adding."""
    if only_new:
        return {}
    ids = [record.data["id"] for record in source.records]
    return {obj.slug: to_record(obj) for obj in queryset.filter(slug__in=ids)}


def _import_concepts(
    source: SourceFile, existing_ids: set[str], only_new: bool, report: ImportReport
) -> list[Concept]:
    current = _current_records(
        concepts_with_relations(Concept.objects.all()), concept_to_record, source, only_new
    )
    to_write = _plan(CONCEPTS, source, existing_ids, only_new, current, report)
    written = [
        (record, _save(source, record, lambda r: concept_save_record(record=r, set_related=False)))
        for record in to_write
    ]
    note = _revision_note(source.name)
    for record, concept in written:
        concept_set_related(concept=concept, slugs=list(record.data.get("related", [])))
        concept_record_revision(concept=concept, note=note)
    return [concept for _record, concept in written]


def _import_instruments(
    source: SourceFile,
    existing_ids: set[str],
    only_new: bool,
    report: ImportReport,
    *,
    owner=None,
    author=None,
) -> list[Instrument]:
    current = _current_records(
        instruments_with_relations(Instrument.objects.all()),
        instrument_to_record,
        source,
        only_new,
    )
    to_write = _plan(INSTRUMENTS, source, existing_ids, only_new, current, report)
    written = [
        (
            record,
            _save(
                source,
                record,
                lambda r: instrument_save_record(
                    record=r, owner=owner, set_related=False, link_concepts=False
                ),
            ),
        )
        for record in to_write
    ]
    note = _revision_note(source.name)
    for record, instrument in written:
        instrument_set_related(instrument=instrument, slugs=list(record.data.get("related", [])))
        instrument_record_revision(instrument=instrument, author=author, note=note)
    return [instrument for _record, instrument in written]


def _link_concepts(*, everything: bool, instruments: list[Instrument]) -> None:
    """Derive instrument-concept links, loading the concepts once for all instruments."""
    if not everything and not instruments:
        return
    concepts = list(Concept.objects.only("term", "term_en"))
    if everything:
        instruments = list(Instrument.objects.only("title", "summary", "body", "keywords"))
    for instrument in instruments:
        instrument_link_concepts(instrument=instrument, concepts=concepts)


def _import_communities(
    source: SourceFile, existing_ids: set[str], only_new: bool, report: ImportReport
) -> None:
    current = _current_records(Community.objects.all(), community_to_record, source, only_new)
    for record in _plan(COMMUNITIES, source, existing_ids, only_new, current, report):
        _save(source, record, lambda r: community_save_record(record=r))


def _save(source: SourceFile, record: SourceRecord, save):
    """Call ``save`` with the record's data; a database refusal becomes a ``Problem``.

    Validation should have caught everything, so this is the last line of defence: it
    still names the record, and the failed import rolls back as a whole.
    """
    try:
        return save(record.data)
    except (ValidationError, IntegrityError, ValueError) as exc:
        problem = Problem(
            file=source.name,
            message=p.NOT_SAVED.format(error=_describe(exc)),
            record=record.data.get("id"),
            position=record.position,
            line=record.line,
        )
        raise LibraryImportFailed([problem]) from exc


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
