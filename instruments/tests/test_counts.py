"""The cached counts of the home page and the list (``instruments.counts``): they follow
every change to the catalogue and never count what the reader may not see."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from instruments.models import Instrument
from instruments.tests.factories import InstrumentFactory
from moderation.constants import ModerationState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _phase_count(client, phase: str = "starten") -> int:
    response = client.get("/")
    return next(p["count"] for p in response.context["phases"] if p["phase"].value == phase)


def _list(client, url: str = "/instrumenten/?fase=starten"):
    response = client.get(url)
    counts = {o.value: o.count for f in response.context["facets"] for o in f.options}
    return response.context["page"], counts


def test_counts_follow_saves_and_moderation(client):
    instrument = InstrumentFactory(n="a", phases=["starten"], sectors=["energie"])
    assert _phase_count(client) == 1
    assert _list(client)[0].paginator.count == 1

    InstrumentFactory(n="b", phases=["starten"], sectors=["energie"])
    assert _phase_count(client) == 2
    page, counts = _list(client)
    assert page.paginator.count == 2 and counts["energie"] == 2

    instrument.moderation_state = ModerationState.HIDDEN
    instrument.save(update_fields=["moderation_state"])
    assert _phase_count(client) == 1
    page, counts = _list(client)
    assert page.paginator.count == 1 and counts["energie"] == 1


def test_repeated_list_shows_the_same_page(client):
    for i in range(25):
        InstrumentFactory(n=f"x{i}", phases=["starten"])
    first = _list(client, "/instrumenten/?fase=starten&page=2")
    again = _list(client, "/instrumenten/?fase=starten&page=2")
    assert [i.pk for i in first[0].object_list] == [i.pk for i in again[0].object_list]
    assert first[1] == again[1] and again[0].paginator.count == 25


def test_drafts_are_counted_only_for_who_may_see_them(client, provider, provider_client,
                                                      staff_client):  # fmt: skip
    InstrumentFactory(n="pub", phases=["starten"])
    InstrumentFactory(n="draft", phases=["starten"], owner=provider, status="draft")
    # Anonymous first, so a shared entry exists that the others must not reuse.
    assert _phase_count(client) == 1
    assert _list(client)[0].paginator.count == 1
    assert _phase_count(provider_client) == 2
    assert _list(provider_client)[0].paginator.count == 2
    assert _phase_count(staff_client) == 2
    assert _phase_count(client) == 1
    assert Instrument.objects.count() == 2
