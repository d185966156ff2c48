"""A small world for the feed tests: one community of each visibility, with a member,
meetings and experiences, and readers of every kind (anonymous, outsider, member)."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.contrib.sites.models import Site
from django.utils import timezone

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from feeds.services import feed_token_rotate
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry


def parse(response) -> feedparser.FeedParserDict:
    """Parse a feed response as an independent feed reader would, and check it is well formed."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.fixture(autouse=True)
def _site_cache():
    """Feeds read the current Site once per process; clear it so counts start equal."""
    Site.objects.clear_cache()


@pytest.fixture
def world(db):
    facilitator = UserFactory(name="Fenna Facilitator")
    member = UserFactory(name="Mo Member")
    instrument = InstrumentFactory(title="Tafel van de toekomst", phases=["starten", "ontwerpen"])
    today = timezone.localdate()
    communities, experiences, entries = {}, {}, {}
    for visibility in ("public", "members", "confidential"):
        community = make_community(
            facilitator=facilitator, visibility=visibility, name=f"Gemeenschap {visibility}"
        )
        add_member(community, member)
        communities[visibility] = community
        experiences[visibility] = make_experience(
            instrument=instrument,
            author=facilitator,
            community=community,
            what_was_done=f"Gebruikt in de {visibility} gemeenschap.",
        )
        entries[visibility] = [
            make_entry(
                community=community,
                author=facilitator,
                kind="meeting",
                date=today + datetime.timedelta(days=7),
                title=f"Bijeenkomst {visibility}",
                text="We bespreken de **opgave** & de <volgende> stap.",
            ),
            make_entry(
                community=community,
                author=facilitator,
                kind="decision",
                date=today,
                title=f"Besluit {visibility}",
            ),
        ]
    outside = make_experience(
        instrument=instrument, author=facilitator, what_was_done="Los van een gemeenschap."
    )
    return {
        "facilitator": facilitator,
        "member": member,
        "instrument": instrument,
        "communities": communities,
        "experiences": experiences,
        "outside_experience": outside,
        "entries": entries,
    }


@pytest.fixture
def member_token(world) -> str:
    _token, plain = feed_token_rotate(user=world["member"])
    return plain


@pytest.fixture
def outsider_token(outsider) -> str:
    _token, plain = feed_token_rotate(user=outsider)
    return plain
