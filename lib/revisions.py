"""What changed between two snapshots of a record (instrument or concept revisions).

Revisions store the same record dictionaries the library exports, so one diff
works for every revisioned noun. Text fields are compared word by word so the
revision page can mark exactly what was deleted and inserted.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "delete" or "insert"
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: object
    new: object
    segments: list[Segment] = field(default_factory=list)
    removed: list = field(default_factory=list)
    added: list = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return bool(self.segments)


def _text_segments(old: str, new: str) -> list[Segment]:
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(old_tokens[a1:a2])))
            continue
        if a2 > a1:
            segments.append(Segment("delete", "".join(old_tokens[a1:a2])))
        if b2 > b1:
            segments.append(Segment("insert", "".join(new_tokens[b1:b2])))
    return segments


def diff_records(old: dict, new: dict, labels: dict[str, str]) -> list[FieldChange]:
    """Changes from ``old`` to ``new``, in the order of ``labels`` and then any other keys."""
    names = list(labels) + sorted((set(old) | set(new)) - set(labels))
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        label = str(labels.get(name, name))
        if isinstance(before, str | None) and isinstance(after, str | None):
            segments = _text_segments(before or "", after or "")
            changes.append(FieldChange(name, label, before, after, segments=segments))
        elif isinstance(before, list | None) and isinstance(after, list | None):
            before, after = before or [], after or []
            removed = [item for item in before if item not in after]
            added = [item for item in after if item not in before]
            changes.append(FieldChange(name, label, before, after, removed=removed, added=added))
        else:
            changes.append(FieldChange(name, label, before, after))
    return changes


def revision_pair(revisions, *, old: str | None, new: str | None):
    """The two revisions to compare, from a queryset of one object's revisions.

    ``new`` defaults to the latest and ``old`` to the one before it; revision 0 means
    "nothing yet", so the first revision compares against an empty record. Unknown or
    malformed numbers are a 404, like a missing page.
    """
    from django.http import Http404

    by_number = {revision.number: revision for revision in revisions}
    if not by_number:
        raise Http404
    try:
        new_number = int(new) if new else max(by_number)
        old_number = int(old) if old else new_number - 1
    except ValueError as exc:
        raise Http404 from exc
    if new_number not in by_number or (old_number not in by_number and old_number != 0):
        raise Http404
    return by_number.get(old_number), by_number[new_number]


def store_revision(revisions, *, data: dict, author=None, note: str = "") -> bool:
    """Add a revision with ``data`` to the related manager ``revisions`` (e.g.
    ``instrument.revisions``) unless the latest revision holds the same data.

    Returns whether a revision was stored, so unchanged saves and re-imports leave the
    history as it was.
    """
    latest = revisions.order_by("-number").first()
    if latest is not None and latest.data == data:
        return False
    revisions.create(
        number=(latest.number + 1) if latest else 1,
        author=author if author is not None and author.is_authenticated else None,
        note=note[:300],
        data=data,
    )
    return True
