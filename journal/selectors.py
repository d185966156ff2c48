"""Reads of the development journal.

Who may read a community's journal is decided by ``communities.visibility``: pages get
the community through ``communities.selectors.get_readable_community`` and lists that
cross communities start from ``JournalEntry.objects.visible_to``. Selectors own their
prefetching so every list runs a fixed number of queries (pinned in the tests).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.http import Http404, QueryDict

from communities.models import Community
from instruments.constants import PHASE_ORDER
from instruments.models import Instrument
from journal.models import JournalEntry, ValueCycle, ValueStory
from moderation.rules import readable_filter

# At most this many months are columns of the value overview; older stories are summed.
OVERVIEW_MONTHS = 12


@dataclass(frozen=True)
class TimelineFilters:
    """The state of the timeline; parameter names are the Dutch words in its URL."""

    phase: str = ""
    instrument: str = ""

    @classmethod
    def from_querydict(cls, params: QueryDict) -> TimelineFilters:
        """Unknown phases are dropped rather than failing the page."""
        phase = params.get("fase", "")
        return cls(
            phase=phase if phase in PHASE_ORDER else "",
            instrument=params.get("instrument", "").strip()[:100],
        )

    @property
    def is_empty(self) -> bool:
        return not (self.phase or self.instrument)


def _visible_instruments(user) -> Prefetch:
    """An entry's instruments as ``entry.visible_instruments``, only those ``user`` may see."""
    return Prefetch(
        "instruments",
        queryset=Instrument.objects.visible_to(user).order_by("title", "pk"),
        to_attr="visible_instruments",
    )


def with_entry_relations(queryset: QuerySet[JournalEntry], *, user) -> QuerySet[JournalEntry]:
    """What an entry shows: author, visible instruments, attachments, value stories.

    One join and three extra queries in total, however many entries there are.
    """
    return queryset.select_related("author").prefetch_related(
        _visible_instruments(user), "attachments", "value_stories"
    )


def journal_timeline(
    *, user, community: Community, filters: TimelineFilters
) -> QuerySet[JournalEntry]:
    """The entries of a community ``user`` may read, newest first.

    The caller has checked that ``user`` may read ``community`` (``get_readable_community``).
    Filtering by an instrument only matches instruments ``user`` may see, so a draft's
    code reveals nothing.
    """
    queryset = JournalEntry.objects.filter(community=community)
    if filters.phase:
        queryset = queryset.filter(phase=filters.phase)
    if filters.instrument:
        queryset = queryset.filter(
            instruments__in=Instrument.objects.visible_to(user).filter(slug=filters.instrument)
        )
    queryset = queryset.order_by("-date", "-created_at", "-pk")
    return with_entry_relations(queryset, user=user)


def timeline_instrument_options(*, user, community: Community) -> QuerySet[Instrument]:
    """The instruments (visible to ``user``) used in the community's journal, for the filter."""
    used = JournalEntry.instruments.through.objects.filter(
        journalentry__community=community
    ).values("instrument_id")
    return Instrument.objects.visible_to(user).filter(pk__in=used).order_by("title", "pk")


def get_entry_for_user(*, user, community: Community, entry_id: int) -> JournalEntry:
    """An entry of ``community`` with everything its page shows, or 404.

    ``community`` comes from ``get_readable_community``, so ``user`` may read it. Its
    author also gets it while it is held for review or hidden (the page marks it).
    """
    queryset = with_entry_relations(
        JournalEntry.all_objects.filter(readable_filter(user), community=community, pk=entry_id),
        user=user,
    )
    entry = queryset.first()
    if entry is None:
        raise Http404
    entry.community = community  # keeps the viewer's role and read flag on the community
    return entry


def latest_entries(*, community: Community, limit: int = 3) -> list[JournalEntry]:
    """The newest entries of a community (for its page; the caller checked readability)."""
    queryset = JournalEntry.objects.filter(community=community).order_by(
        "-date", "-created_at", "-pk"
    )
    return list(queryset.select_related("author")[:limit])


def journal_entries_for_instrument(*, user, instrument: Instrument, limit: int = 5):
    """How many journal entries ``user`` may read used ``instrument``, and the newest ones.

    Returns ``(count, entries)``; each entry has its ``community`` loaded. Entries in a
    community ``user`` may not read are neither counted nor listed (two queries).
    """
    queryset = JournalEntry.objects.visible_to(user).filter(instruments=instrument)
    count = queryset.count()
    if not count:
        return 0, []
    entries = list(
        queryset.select_related("community").order_by("-date", "-created_at", "-pk")[:limit]
    )
    return count, entries


@dataclass
class CycleRow:
    cycle: ValueCycle
    counts: list[int]
    earlier: int = 0
    total: int = 0
    latest: ValueStory | None = None


@dataclass
class ValueOverview:
    """Value stories per cycle (rows, in ``ValueCycle`` order) and month (columns).

    ``months`` are the first days of up to ``OVERVIEW_MONTHS`` consecutive months that
    end with the newest story; ``has_earlier`` says whether older stories were summed in
    each row's ``earlier``.
    """

    months: list[datetime.date] = field(default_factory=list)
    rows: list[CycleRow] = field(default_factory=list)
    has_earlier: bool = False
    total: int = 0

    @property
    def column_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.months))]

    @property
    def earlier_total(self) -> int:
        return sum(row.earlier for row in self.rows)


def _month_range(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def value_overview(*, community: Community) -> ValueOverview:
    """How many value stories a community told per cycle and month (of the entry's date),
    with the latest story of each cycle (two queries).

    The caller has checked that the viewer may read ``community``.
    """
    stories = ValueStory.objects.filter(entry__community=community)
    counts = (
        stories.annotate(month=TruncMonth("entry__date"))
        .values_list("cycle", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_cycle: dict[str, dict[datetime.date, int]] = {}
    for cycle, month, n in counts:
        by_cycle.setdefault(cycle, {})[month] = n
    latest = stories.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("cycle")],
            order_by=[F("entry__date").desc(), F("created_at").desc(), F("pk").desc()],
        )
    ).filter(rank=1)
    latest_by_cycle = {story.cycle: story for story in latest.select_related("entry")}

    all_months = sorted({month for months in by_cycle.values() for month in months})
    if not all_months:
        return ValueOverview(rows=[CycleRow(cycle=c, counts=[]) for c in ValueCycle])
    months = _month_range(all_months[0], all_months[-1])[-OVERVIEW_MONTHS:]
    overview = ValueOverview(months=months, has_earlier=all_months[0] < months[0])
    for cycle in ValueCycle:
        per_month = by_cycle.get(cycle.value, {})
        row = CycleRow(
            cycle=cycle,
            counts=[per_month.get(month, 0) for month in months],
            earlier=sum(n for month, n in per_month.items() if month < months[0]),
            total=sum(per_month.values()),
            latest=latest_by_cycle.get(cycle.value),
        )
        overview.rows.append(row)
        overview.total += row.total
    return overview


def instrument_usage(*, user, instrument: Instrument, limit: int = 5) -> dict:
    """The context ``journal/_instrument_usage.html`` expects as ``journal_usage``."""
    count, entries = journal_entries_for_instrument(user=user, instrument=instrument, limit=limit)
    return {"count": count, "entries": entries}


def journal_summary(*, community: Community, limit: int = 3) -> dict:
    """Entry count, newest entries and value overview of a community (four queries).

    The caller has checked that the viewer may read ``community``.
    """
    return {
        "count": JournalEntry.objects.filter(community=community).count(),
        "entries": latest_entries(community=community, limit=limit),
        "overview": value_overview(community=community),
    }
