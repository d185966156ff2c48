"""Journal entries made through the same service the site uses (so notifications run)."""

from __future__ import annotations

import datetime
import itertools

from journal.models import EntryKind, JournalEntry
from journal.services import journal_entry_create

_numbers = itertools.count(1)


def make_entry(*, community, author, **fields) -> JournalEntry:
    """An entry by ``author`` (a member or facilitator) in ``community``.

    ``fields`` are the keyword arguments of ``journal_entry_create``: ``kind``, ``date``,
    ``title``, ``phase``, ``sub_phase``, ``sprint_number``, ``text``, ``instruments`` and
    ``value_stories`` (dicts with ``cycle``, ``capital`` and ``text``).
    """
    n = next(_numbers)
    fields.setdefault("kind", EntryKind.MEETING)
    fields.setdefault("date", datetime.date(2025, 3, 1))
    fields.setdefault("title", f"Bijeenkomst {n}")
    fields.setdefault("phase", "starten")
    fields.setdefault("text", "We hebben de **opgave** verkend.")
    return journal_entry_create(user=author, community=community, **fields)
