"""The insights pages run a fixed number of queries however much there is to show.

A change in these numbers is a reviewed decision: update the comment with the reason.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from communities.tests.factories import make_community
from experiences.tests.factories import make_experience
from insights.models import InstrumentViewDay
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill(instrument, n: int) -> None:
    """``n`` communities (own region each) using ``instrument``, views, questions."""
    person = UserFactory()
    today = timezone.localdate()
    for i in range(n):
        community = make_community(facilitator=person, region=f"Regio {i}-{n}")
        make_experience(instrument=instrument, author=person, community=community, level="micro")
        make_entry(community=community, author=person, instruments=[instrument])
        make_question(author=person, phase="starten")
        answered = make_question(author=person)
        make_answer(question=answered, author=person, instruments=[instrument])
    for days_ago in range(n * 10):
        day = today - datetime.timedelta(days=days_ago)
        row, _ = InstrumentViewDay.objects.get_or_create(instrument=instrument, day=day)
        InstrumentViewDay.objects.filter(pk=row.pk).update(views=row.views + 1)


def test_instrument_insights_query_count_is_constant(provider, provider_client):
    instrument = InstrumentFactory(owner=provider, phases=["starten"], keywords=["regio"])
    url = f"/instrumenten/{instrument.slug}/inzichten/"
    _fill(instrument, 1)
    small = _count(provider_client, url)
    _fill(instrument, 6)

    # 1 session, 1 user, 1 unread notifications (the header's badge);
    # 1 instrument with its owner, 1 its phases;
    # 1 daily views since the first chart week;
    # where it worked: 1 grouped aggregate (no lessons: sliced to 0, no query);
    # 1 readable communities that used it, with their entry and experience counts;
    # journal: 1 count, 1 newest entries with their community;
    # open questions on its themes: 1 count, 1 list; answered with it: 1 count, 1 list.
    assert _count(provider_client, url) == small == 14


def test_provider_insights_query_count_is_constant(provider, provider_client, staff_client):
    first = InstrumentFactory(owner=provider)
    _fill(first, 1)
    small = _count(provider_client, "/inzichten/")
    for n in range(5):
        _fill(InstrumentFactory(owner=provider, n=f"meer{n}"), 2)

    # 1 session, 1 user, 1 unread notifications; 1 the provider's instruments,
    # 1 their daily views, 1 experiences per instrument (count and mean).
    assert _count(provider_client, "/inzichten/") == small == 6

    # Staff open it by id: plus 1 the provider, and 1 "has two-factor sign-in" (required
    # for staff, accounts/security.py).
    assert _count(staff_client, f"/inzichten/aanbieder/{provider.pk}/") == 8
