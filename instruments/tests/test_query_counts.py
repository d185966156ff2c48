"""List pages run a fixed number of queries however many instruments they show.

A change in these numbers is a reviewed decision: update the comment with the reason.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from instruments.tests.factories import InstrumentFactory
from search.ranking import get_index
from search.tests.spies import QueriesInside

pytestmark = pytest.mark.django_db


def _make(n: int, prefix: str) -> None:
    for i in range(n):
        InstrumentFactory(
            n=f"{prefix}{i}", phases=["starten", "uitvoeren"], sectors=["energie", "algemeen"]
        )


class _RecommendationSpy:
    """The page's queries outside ``recommendations_for_instrument``."""

    def __init__(self, monkeypatch) -> None:
        from instruments import views

        self.inside = QueriesInside(monkeypatch, views, "recommendations_for_instrument")

    def page_queries(self, client, url: str) -> int:
        return self.inside.outside(lambda: _count(client, url))


def _count(client, url: str) -> int:
    # The search index is loaded once per process after each change; load it first so
    # the count is the page's own (the instrument page's recommendations use it).
    get_index()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/instrumenten/", "/instrumenten/?fase=starten&sector=energie"])
def test_instrument_list_query_count_is_constant(client, url):
    _make(3, "a")
    small = _count(client, url)
    _make(12, "b")

    # First request after a change: 1 catalogue version, then the public catalogue is read
    # into memory (instruments.catalogue: 1 instruments, 1 sectors, 1 audiences, and the
    # phase, sector and audience links), then the page's instruments by id, 1 phase links,
    # 1 sector links.
    assert _count(client, url) == small == 10
    # Again, same catalogue: 1 catalogue version, the page's instruments by id, 1 phase
    # links, 1 sector links; the counts come from memory, whatever the filters.
    assert _count(client, url) == 4
    assert _count(client, "/instrumenten/?fase=uitvoeren&sector=algemeen&soort=checklist") == 4


def test_text_query_list_is_counted_then_cached(client):
    _make(3, "a")
    url = "/instrumenten/?q=instrument&fase=starten"
    small = _count(client, url)
    _make(12, "b")

    # A text query is not held in memory: 1 catalogue version, 1 count for the paginator,
    # 1 page of instruments, 1 phase links, 1 sector links, 4 facet counts (phase, kind,
    # sector, audience); they go into the cache (instruments.counts).
    assert _count(client, url) == small == 9
    # Again, same catalogue: 1 catalogue version, the page's instruments by id, 1 phase
    # links, 1 sector links (plus 2 cache reads where the cache is the database).
    assert _count(client, url) == 4


def test_phase_page_query_count_is_constant(client):
    _make(3, "a")
    small = _count(client, "/fasen/starten/")
    _make(12, "b")

    # 1 instruments, 1 phase links, 1 sector links, 1 concepts behind the phase.
    assert _count(client, "/fasen/starten/") == small == 4


def test_home_query_count_is_constant(client):
    _make(3, "a")
    small = _count(client, "/")
    _make(12, "b")

    # 1 catalogue version, 1 instrument count per phase (then cached).
    assert _count(client, "/") == small == 2
    # Again, same catalogue: 1 catalogue version (plus 1 cache read where the cache is the
    # database).
    assert _count(client, "/") == 1


def test_signed_in_list_adds_only_the_session_and_user(provider_client):
    _make(3, "a")

    # The 10 of the anonymous list's first request, plus 1 session, 1 user, 1 unread
    # notifications (the header's badge) and 1 "does this person own an unpublished
    # instrument?" (who may share the public counts, instruments.counts).
    assert _count(provider_client, "/instrumenten/") == 14


def _fill_instrument_page(instrument, n: int) -> None:
    """``n`` experiences, journal entries and comments with a reply each on ``instrument``."""
    from accounts.tests.factories import UserFactory
    from comments.tests.factories import make_comment
    from communities.tests.factories import make_community
    from experiences.tests.factories import make_experience
    from journal.tests.factories import make_entry

    person = UserFactory()
    community = make_community(facilitator=person)
    for i in range(n):
        make_experience(
            instrument=instrument, author=person, community=community, what_worked=f"Les {i}"
        )
        make_entry(community=community, author=person, instruments=[instrument])
        comment = make_comment(target=instrument, author=person)
        make_comment(target=instrument, author=person, parent=comment)


def test_instrument_page_query_count_is_constant(client, outsider_client, monkeypatch):
    instrument = InstrumentFactory(n="page", phases=["starten"], sectors=["energie"])
    InstrumentFactory(n="other")  # so that the recommendations find a similar instrument
    url = instrument.get_absolute_url()
    spy = _RecommendationSpy(monkeypatch)
    _fill_instrument_page(instrument, 1)
    small = spy.page_queries(client, url)
    _fill_instrument_page(instrument, 6)

    # 1 instrument with organisation and owner; 7 prefetches (phases, sectors, audiences,
    # related, links, attachments, concepts);
    # where it worked: 1 grouped aggregate, 1 latest lessons;
    # journal use: 1 count, 1 latest entries with their community;
    # comments: 1 top-level comments with authors, 1 replies with authors;
    # 1 public lessons from closed communities that used it;
    # scans: 1 (the instrument has none; scans/tests pin the section with scans and rounds).
    # Not counted: the recommendations (search.recommendations), pinned in
    # search/tests/test_recommendations.py; their search selectors' statements differ per
    # database.
    assert spy.page_queries(client, url) == small == 16

    # Signed in: plus 1 session, 1 user, 1 unread notifications (the header's badge),
    # 1 "do I follow this?", and the share form's 1 communities the person may write in
    # and 1 sectors.
    assert spy.page_queries(outsider_client, url) == 22
