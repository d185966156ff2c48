"""Reads of the journal: the timeline's filters, the value overview's numbers and the
journal's count on instrument pages, which follows the visibility rule.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from journal.models import ValueCycle
from journal.selectors import (
    TimelineFilters,
    journal_entries_for_instrument,
    journal_timeline,
    timeline_instrument_options,
    value_overview,
)
from journal.tests.factories import make_entry

pytestmark = pytest.mark.django_db


def _titles(queryset) -> list[str]:
    return [entry.title for entry in queryset]


def _story(cycle: str, capital: str = "") -> dict:
    return {"cycle": cycle, "capital": capital, "text": f"Verhaal over {cycle}"}


def test_filters_come_from_the_query_string_and_unknown_phases_are_dropped():
    assert TimelineFilters.from_querydict(QueryDict("fase=uitvoeren&instrument=x")) == (
        TimelineFilters(phase="uitvoeren", instrument="x")
    )
    assert TimelineFilters.from_querydict(QueryDict("fase=zomaar")).is_empty


def test_the_timeline_is_newest_first_and_filters_by_phase(community, member):
    make_entry(community=community, author=member, title="Oud", date=datetime.date(2024, 1, 5))
    make_entry(
        community=community,
        author=member,
        title="Nieuw",
        date=datetime.date(2025, 2, 1),
        phase="uitvoeren",
        sub_phase="sprint",
        sprint_number=1,
    )
    make_entry(
        community=community,
        author=member,
        title="Midden",
        date=datetime.date(2024, 6, 1),
        phase="uitvoeren",
    )

    everything = journal_timeline(user=member, community=community, filters=TimelineFilters())
    carrying_out = journal_timeline(
        user=member, community=community, filters=TimelineFilters(phase="uitvoeren")
    )

    assert _titles(everything) == ["Nieuw", "Midden", "Oud"]
    assert _titles(carrying_out) == ["Nieuw", "Midden"]


def test_the_timeline_filters_by_instrument(community, member):
    canvas = InstrumentFactory(n="canvas")
    other = InstrumentFactory(n="ander")
    make_entry(community=community, author=member, title="Met canvas", instruments=[canvas, other])
    make_entry(community=community, author=member, title="Zonder", instruments=[other])
    make_entry(community=community, author=member, title="Niets")

    filtered = journal_timeline(
        user=member, community=community, filters=TimelineFilters(instrument="instrument-canvas")
    )

    assert _titles(filtered) == ["Met canvas"]


def test_filtering_by_a_draft_the_viewer_cannot_see_finds_nothing(
    community, member, provider, outsider
):
    draft = InstrumentFactory(n="concept", owner=provider, status=Status.DRAFT)
    entry = make_entry(community=community, author=member)
    entry.instruments.add(draft)
    filters = TimelineFilters(instrument="instrument-concept")

    assert _titles(journal_timeline(user=provider, community=community, filters=filters)) == [
        entry.title
    ]
    assert list(journal_timeline(user=outsider, community=community, filters=filters)) == []


def test_the_instrument_filter_offers_only_used_instruments_the_viewer_may_see(
    community, member, provider, outsider
):
    used = InstrumentFactory(n="gebruikt")
    InstrumentFactory(n="ongebruikt")
    draft = InstrumentFactory(n="concept", owner=provider, status=Status.DRAFT)
    entry = make_entry(community=community, author=member, instruments=[used])
    entry.instruments.add(draft)

    assert list(timeline_instrument_options(user=outsider, community=community)) == [used]
    assert set(timeline_instrument_options(user=provider, community=community)) == {used, draft}


def test_an_entry_shows_only_the_instruments_the_viewer_may_see(
    community, member, provider, outsider
):
    published = InstrumentFactory(n="openbaar")
    draft = InstrumentFactory(n="concept", owner=provider, status=Status.DRAFT)
    entry = make_entry(community=community, author=member, instruments=[published])
    entry.instruments.add(draft)

    (seen_by_outsider,) = journal_timeline(
        user=outsider, community=community, filters=TimelineFilters()
    )
    (seen_by_provider,) = journal_timeline(
        user=provider, community=community, filters=TimelineFilters()
    )

    assert seen_by_outsider.visible_instruments == [published]
    assert set(seen_by_provider.visible_instruments) == {published, draft}


def test_the_value_overview_counts_stories_per_cycle_and_month(community, member):
    make_entry(
        community=community,
        author=member,
        date=datetime.date(2025, 1, 20),
        value_stories=[_story("expected"), _story("expected")],
    )
    make_entry(
        community=community,
        author=member,
        date=datetime.date(2025, 3, 2),
        value_stories=[_story("potential", "social"), _story("immediate")],
    )
    make_entry(
        community=community,
        author=member,
        date=datetime.date(2025, 3, 28),
        title="Laatste",
        value_stories=[_story("potential", "learning")],
    )

    overview = value_overview(community=community)

    assert overview.months == [
        datetime.date(2025, 1, 1),
        datetime.date(2025, 2, 1),
        datetime.date(2025, 3, 1),
    ]
    rows = {row.cycle.value: row for row in overview.rows}
    assert [row.cycle for row in overview.rows] == list(ValueCycle)
    assert rows["expected"].counts == [2, 0, 0]
    assert rows["immediate"].counts == [0, 0, 1]
    assert rows["potential"].counts == [0, 0, 2]
    assert rows["realised"].counts == [0, 0, 0] and rows["realised"].latest is None
    assert rows["potential"].latest.capital == "learning"
    assert rows["potential"].latest.entry.title == "Laatste"
    assert overview.total == 5
    assert overview.column_totals == [2, 0, 3]
    assert not overview.has_earlier


def test_the_value_overview_shows_twelve_months_and_sums_what_is_older(community, member):
    make_entry(
        community=community,
        author=member,
        date=datetime.date(2023, 5, 1),
        value_stories=[_story("applied")],
    )
    make_entry(
        community=community,
        author=member,
        date=datetime.date(2025, 6, 30),
        value_stories=[_story("applied"), _story("realised")],
    )

    overview = value_overview(community=community)

    assert len(overview.months) == 12
    assert overview.months[0] == datetime.date(2024, 7, 1)
    assert overview.months[-1] == datetime.date(2025, 6, 1)
    assert overview.has_earlier
    applied = next(row for row in overview.rows if row.cycle == "applied")
    assert (applied.earlier, applied.counts[-1], applied.total) == (1, 1, 2)
    assert overview.earlier_total == 1


def test_the_value_overview_of_another_community_is_not_mixed_in(communities, member):
    make_entry(community=communities["members"], author=member, value_stories=[_story("realised")])

    overview = value_overview(community=communities["public"])

    assert overview.total == 0
    assert overview.months == []


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("anonymous", ["Stap public"]),
        ("outsider", ["Stap public"]),
        ("observer", ["Stap confidential", "Stap members", "Stap public"]),
        ("member", ["Stap confidential", "Stap members", "Stap public"]),
    ],
)
def test_instrument_pages_count_only_entries_the_viewer_may_read(
    request, communities, facilitator, viewer, expected
):
    instrument = InstrumentFactory(n="gedeeld")
    for visibility, community in communities.items():
        make_entry(
            community=community,
            author=facilitator,
            title=f"Stap {visibility}",
            instruments=[instrument],
        )
    make_entry(community=communities["public"], author=facilitator, title="Zonder instrument")
    user = AnonymousUser() if viewer == "anonymous" else request.getfixturevalue(viewer)

    count, entries = journal_entries_for_instrument(user=user, instrument=instrument)

    assert count == len(expected)
    assert sorted(entry.title for entry in entries) == expected


def test_an_entry_in_a_confidential_community_is_not_counted_for_outsiders(
    communities, facilitator, outsider
):
    instrument = InstrumentFactory(n="vertrouwelijk")
    make_entry(community=communities["confidential"], author=facilitator, instruments=[instrument])

    assert journal_entries_for_instrument(user=outsider, instrument=instrument) == (0, [])
    assert journal_entries_for_instrument(user=facilitator, instrument=instrument)[0] == 1


def test_instrument_pages_list_the_newest_entries_up_to_the_limit(community, member):
    instrument = InstrumentFactory(n="populair")
    for day in range(1, 8):
        make_entry(
            community=community,
            author=member,
            title=f"Dag {day}",
            date=datetime.date(2025, 1, day),
            instruments=[instrument],
        )

    count, entries = journal_entries_for_instrument(user=member, instrument=instrument, limit=3)

    assert count == 7
    assert [entry.title for entry in entries] == ["Dag 7", "Dag 6", "Dag 5"]
