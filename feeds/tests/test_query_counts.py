"""Pinned query counts per feed request: a fixed number whatever the number of entries
(a change here is a reviewed decision). The current Site is read once per process and
cached, so it is warmed first."""

from __future__ import annotations

import pytest
from django.contrib.sites.models import Site

from experiences.tests.factories import make_experience
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _warm_site():
    Site.objects.get_current()


def test_new_instruments_feed_queries(client, django_assert_num_queries):
    for n in range(5):
        InstrumentFactory(organisation=f"Organisatie {n}", phases=["starten", "verduurzamen"])
    # 1 instruments with organisation and provider, 2 their phases
    with django_assert_num_queries(2):
        assert client.get("/instrumenten/feed/").status_code == 200


def test_experiences_feed_queries(client, world, django_assert_num_queries):
    for _ in range(5):
        make_experience(instrument=world["instrument"], author=world["facilitator"])
    # 1 the instrument (published), 2 its public experiences with author, community, sector
    with django_assert_num_queries(2):
        client.get(f"/instrumenten/{world['instrument'].slug}/ervaringen/feed/")


@pytest.mark.parametrize("path", ["journaal/feed/", "agenda.ics"])
def test_closed_community_feed_queries(
    client, world, member_token, path, django_assert_num_queries
):
    community = world["communities"]["confidential"]
    for _ in range(5):
        make_entry(community=community, author=world["facilitator"], kind="meeting")
    # 1 the token with its user, 2 the community if that user may read it,
    # 3 its entries (with authors for the journal; meetings for the calendar)
    with django_assert_num_queries(3):
        response = client.get(f"/communities/{community.slug}/{path}", {"token": member_token})
    assert response.status_code == 200


def test_public_journal_feed_queries(client, world, django_assert_num_queries):
    community = world["communities"]["public"]
    # 1 the community (public), 2 its entries with authors
    with django_assert_num_queries(2):
        client.get(f"/communities/{community.slug}/journaal/feed/")
