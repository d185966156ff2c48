"""List pages run a fixed number of queries however many instruments they show.

A change in these numbers is a reviewed decision: update the comment with the reason.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from instruments.tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def _make(n: int, prefix: str) -> None:
    for i in range(n):
        InstrumentFactory(
            n=f"{prefix}{i}", phases=["starten", "uitvoeren"], sectors=["energie", "algemeen"]
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/instrumenten/", "/instrumenten/?fase=starten&sector=energie"])
def test_instrument_list_query_count_is_constant(client, url):
    _make(3, "a")
    small = _count(client, url)
    _make(12, "b")

    # 1 count for the paginator, 1 page of instruments, 1 phase links, 1 sector links,
    # 4 facet counts (phase, kind, sector, audience).
    assert _count(client, url) == small == 8


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

    # 1 instrument count per phase.
    assert _count(client, "/") == small == 1


def test_signed_in_list_adds_only_the_session_and_user(provider_client):
    _make(3, "a")

    # The 8 of the anonymous list, plus 1 session and 1 user.
    assert _count(provider_client, "/instrumenten/") == 10
