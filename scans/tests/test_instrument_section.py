"""The instrument page's scan section: anonymous means across public communities, by
sector and level, with a fixed number of queries however many rounds ran."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.tests.factories import make_community
from scans.tests.factories import answered_round

pytestmark = pytest.mark.django_db

ROWS = [[1, 2, 1], [5, 4, 0], [5, 3, 1]]


def _queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (catalogue, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_section_shows_groups_with_enough_answers_only(client, facilitator, scan):
    energy = make_community(facilitator=facilitator, sectors=["energie"], level="micro")
    care = make_community(facilitator=facilitator, sectors=["zorg"], level="micro")
    answered_round(facilitator, energy, scan, ROWS)
    answered_round(facilitator, care, scan, ROWS[:2] + [[3, 3, 1]])
    answered_round(facilitator, care, scan, ROWS[:2], close=True)  # too few: never counted

    html = client.get(f"/en{scan.instrument.get_absolute_url()}").content.decode()

    assert 'id="scans"' in html
    assert "All public communities" in html
    assert "Level: Micro" in html
    assert "Sector: energie" in html or "Sector: Energie" in html
    assert "6 answers" in html


def test_the_instrument_page_query_count_does_not_grow_with_rounds(client, facilitator, scan):
    url = scan.instrument.get_absolute_url()
    first = make_community(facilitator=facilitator, sectors=["energie"], level="micro")
    answered_round(facilitator, first, scan, ROWS)
    one_round = _queries(client, url)

    second = make_community(facilitator=facilitator, sectors=["zorg"], level="meso")
    for community in (first, second, second):
        answered_round(facilitator, community, scan, ROWS)

    assert _queries(client, url) == one_round
