"""A provider's import of a spreadsheet of instruments on the site: preview, then confirm.

The upload is read by ``library.spreadsheets`` and checked by ``library.validation``
exactly as the command line checks a CSV file, and the confirmed import is written by
``library.services.library_import_files``. What the site adds:

- Ownership. A provider may create new instruments and update the ones they own; a
  row with the id of someone else's instrument is an error ("belongs to another
  provider"), except a row that leaves a published instrument exactly as it is, so a
  provider can upload an edited copy of the public export. Staff may update anything.
- Status. A new instrument becomes a draft unless the importer chose to publish new
  instruments (then the status column counts, an empty cell meaning published). An
  existing instrument keeps its status when the row's status cell is empty.
- Hidden relations. The public export leaves out relations to unpublished instruments;
  an import keeps the ones an existing instrument has, so the export imports back
  unchanged.
- All or nothing. The import is saved only when no row has a problem; the preview
  lists every problem beside its row so the file can be fixed and uploaded again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from instruments.constants import Status
from instruments.models import Instrument
from library import problems as p
from library.problems import Problem
from library.readers import SourceFile, SourceRecord
from library.services import (
    CREATED,
    UNCHANGED,
    UPDATED,
    ImportReport,
    current_instrument_records,
    library_import_files,
    plan_outcomes,
)
from library.validation import INSTRUMENTS, validate_records

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
MESSAGE_NOT_PROVIDER = gettext_noop(
    "Only instrument providers can import instruments. To become one, edit your profile "
    "and choose the role “Instrument provider”."
)


def check_library_import_permission(user) -> None:
    if not (user.is_authenticated and (user.is_provider or user.is_staff)):
        raise PermissionDenied(_(MESSAGE_NOT_PROVIDER))


@dataclass
class RowPreview:
    """One row of the upload: what it holds, what importing it would do, what is wrong."""

    line: int
    record_id: str = ""
    title: str = ""
    kind: str = ""
    phases: list[str] = field(default_factory=list)
    status: str = ""
    outcome: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class UploadPreview:
    name: str
    rows: list[RowPreview]
    file_problems: list[str]
    source: SourceFile

    @property
    def counts(self) -> Counter:
        counts = Counter(row.outcome for row in self.rows if row.outcome)
        counts["errors"] = sum(1 for row in self.rows if row.problems)
        return counts

    @property
    def can_import(self) -> bool:
        return bool(self.source.records) and not self.file_problems and not self.counts["errors"]


class UploadNotImportable(Exception):
    """Raised by ``upload_import`` when a problem appeared since the preview."""

    def __init__(self, preview: UploadPreview) -> None:
        self.preview = preview
        super().__init__(f"{preview.counts['errors']} row(s) with problems")


def upload_preview(
    *, user, name: str, records: list[SourceRecord], read_problems: list[Problem], publish: bool
) -> UploadPreview:
    """What importing ``records`` would do for ``user``; reads the database, writes nothing."""
    ids = [r.data["id"] for r in records if isinstance(r.data.get("id"), str) and r.data["id"]]
    stored = {
        slug: (owner_id, status)
        for slug, owner_id, status in Instrument.objects.filter(slug__in=ids).values_list(
            "slug", "owner_id", "status"
        )
    }
    current = current_instrument_records(list(stored))
    hidden = _unpublished_related(current)
    source = SourceFile(
        name=name,
        kind=INSTRUMENTS,
        records=[
            _with_hidden_relations(_with_status(record, stored, publish=publish), current, hidden)
            for record in records
        ],
    )
    existing_ids = set(Instrument.objects.values_list("slug", flat=True))
    problems = [*read_problems]
    problems += validate_records(INSTRUMENTS, source.records, file=name, existing_ids=existing_ids)
    by_line: dict[int, list[str]] = {}
    file_problems = []
    for problem in problems:
        if problem.line is None or problem.line == 1:
            file_problems.append(describe(problem))
        else:
            by_line.setdefault(problem.line, []).append(describe(problem))

    valid = [record for record in source.records if record.line not in by_line]
    outcomes = {
        record.line: outcome
        for record, outcome in plan_outcomes(INSTRUMENTS, valid, existing_ids, False, current)
    }
    rows = []
    for record in source.records:
        row = _row(record, outcomes.get(record.line), by_line.pop(record.line, []))
        owner_status = stored.get(row.record_id)
        if owner_status and not _may_write(user, *owner_status, outcome=row.outcome):
            message = p.OWNED_BY_OTHER.format(value=row.record_id)
            row.problems.append(describe_message("id", message))
            row.outcome = None
        rows.append(row)
    # Lines the reader could not turn into a record (e.g. too many values).
    rows += [RowPreview(line=line, problems=messages) for line, messages in by_line.items()]
    rows.sort(key=lambda row: row.line)
    return UploadPreview(name=name, rows=rows, file_problems=file_problems, source=source)


@transaction.atomic
def upload_import(
    *, user, name: str, records: list[SourceRecord], read_problems: list[Problem], publish: bool
) -> ImportReport:
    """Import an upload whose preview had no problems; new instruments belong to ``user``.

    The preview is worked out again inside the transaction, since the library may have
    changed since it was shown. Raises ``UploadNotImportable`` and writes nothing if
    any row has a problem now.
    """
    check_library_import_permission(user)
    preview = upload_preview(
        user=user, name=name, records=records, read_problems=read_problems, publish=publish
    )
    if not preview.can_import:
        raise UploadNotImportable(preview)
    return library_import_files(files=[preview.source], owner=user, author=user)


def _with_status(record: SourceRecord, stored: dict, *, publish: bool) -> SourceRecord:
    """The record with the status it will get (see the module docstring)."""
    data = record.data
    record_id = data.get("id")
    if record_id in stored:
        if "status" in data:
            return record
        return replace(record, data={**data, "status": stored[record_id][1]})
    if publish or data.get("status", Status.PUBLISHED) not in Status.values:
        return record  # an unknown status is left for validation to report
    return replace(record, data={**data, "status": Status.DRAFT.value})


def _unpublished_related(current: dict[str, dict]) -> set[str]:
    """The ids among the stored instruments' related ones that are not published."""
    related = {slug for record in current.values() for slug in record["related"]}
    return set(
        Instrument.objects.filter(slug__in=related)
        .exclude(status=Status.PUBLISHED)
        .values_list("slug", flat=True)
    )


def _with_hidden_relations(
    record: SourceRecord, current: dict[str, dict], hidden: set[str]
) -> SourceRecord:
    """The record with the stored relations to unpublished instruments kept.

    The public export leaves those out, so a row that lists the published ones as
    stored means "no change", and other rows get the unpublished ones added at the end.
    """
    stored = current.get(record.data.get("id"))
    related = record.data.get("related")
    if stored is None or not isinstance(related, list):
        return record
    kept = [slug for slug in stored["related"] if slug in hidden and slug not in related]
    if not kept:
        return record
    visible = [slug for slug in stored["related"] if slug not in hidden]
    merged = stored["related"] if related == visible else [*related, *kept]
    return replace(record, data={**record.data, "related": merged})


def _may_write(user, owner_id: int | None, status: str, *, outcome: str | None) -> bool:
    """Whether ``user`` may import a row for an existing instrument.

    Another provider's published instrument may appear unchanged (nothing is written);
    a draft never, so the preview does not tell whether a draft's text matches.
    """
    if user.is_staff or owner_id == user.pk:
        return True
    return status == Status.PUBLISHED and outcome == UNCHANGED


def _row(record: SourceRecord, outcome: str | None, problems: list[str]) -> RowPreview:
    data = record.data

    def text(key: str) -> str:
        return data[key] if isinstance(data.get(key), str) else ""

    phases = data.get("phases") if isinstance(data.get("phases"), list) else []
    return RowPreview(
        line=record.line,
        record_id=text("id"),
        title=text("title"),
        kind=text("kind"),
        phases=[item for item in phases if isinstance(item, str)],
        status=text("status") or Status.PUBLISHED.value,
        outcome=outcome if outcome in (CREATED, UPDATED, UNCHANGED) else None,
        problems=problems,
    )


def describe(problem: Problem) -> str:
    """A problem as shown beside its row: the column it is about, then what is wrong."""
    return describe_message(problem.field, problem.message)


def describe_message(column: str | None, message: str) -> str:
    if not column:
        return message
    return _("Column “%(column)s”: %(message)s") % {"column": column, "message": message}
