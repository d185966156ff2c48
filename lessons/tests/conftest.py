"""A members-only and a confidential community full of names, and their personas.

Each closed community has the same facilitator, member and observer, three partner
organisations (a municipality, a company, a school) and lies in Gelderland, so a test
can check that none of these reach a public lesson. ``outsider`` (root conftest) and
``other_facilitator`` (of a community of their own) belong to neither.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from accounts.tests.factories import UserFactory
from communities.services import partner_add
from communities.tests.factories import add_member, make_community
from experiences.tests.factories import make_experience
from instruments.models import Sector
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry

COMMUNITY_NAME = "Rivierenwerkplaats Oostwaard"
PARTNERS = {
    "Gemeente Rivierstad": "government",
    "Bouwbedrijf Klinkers": "business",
    "Hogeschool Windkracht": "education",
}
PEOPLE = {"facilitator": "Fien Facilitator", "member": "Mo Lid", "observer": "Olav Waarnemer"}


@pytest.fixture(autouse=True)
def default_language():
    """URLs built in a test use the default language, whatever an /en/ request left."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def facilitator(db):
    return UserFactory(name=PEOPLE["facilitator"])


@pytest.fixture
def member(db):
    return UserFactory(name=PEOPLE["member"])


@pytest.fixture
def observer(db):
    return UserFactory(name=PEOPLE["observer"])


@pytest.fixture
def other_facilitator(db):
    user = UserFactory(name="Gijs Anders")
    make_community(facilitator=user, visibility="members", name="Andere kring")
    return user


@pytest.fixture
def people(outsider, observer, member, facilitator, other_facilitator) -> dict:
    return {
        "anonymous": None,
        "outsider": outsider,
        "observer": observer,
        "member": member,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
    }


@pytest.fixture
def instrument(db):
    return InstrumentFactory(n="lesson-tool", title="Kansenkaart", sectors=["energie"])


@pytest.fixture
def sector(instrument):
    return Sector.objects.get(slug="energie")


def _closed(facilitator, member, observer, visibility: str, name: str):
    community = make_community(
        facilitator=facilitator,
        visibility=visibility,
        name=name,
        region="Gelderland",
        sectors=["energie"],
        level="meso",
    )
    add_member(community, member, "member")
    add_member(community, observer, "observer")
    for organisation, role in PARTNERS.items():
        partner_add(
            user=facilitator, community=community, organisation_name=organisation, helix_role=role
        )
    return community


@pytest.fixture
def communities(facilitator, member, observer) -> dict:
    """Visibility -> a community with the personas and partners (same name in each)."""
    return {
        visibility: _closed(
            facilitator, member, observer, visibility, f"{COMMUNITY_NAME} {visibility}"
        )
        for visibility in ("public", "members", "confidential")
    }


NAMED_TEXTS = {
    "what_was_done": (
        "Fien Facilitator opened the first session of Rivierenwerkplaats Oostwaard members "
        "in Gelderland, with Gemeente Rivierstad and BOUWBEDRIJF KLINKERS at the table."
    ),
    "what_worked": "mo lid asked Hogeschool Windkracht to host the second round in Arnhem.",
    "what_did_not": "Olav kept the notes, but Gemeente Rivierstad never read them.",
    "adaptation": "Plan the second round with Bouwbedrijf Klinkers before the first.",
}


@pytest.fixture
def experience(communities, instrument, member, sector):
    """An experience in the members-only community, full of names."""
    return make_experience(
        instrument=instrument,
        author=member,
        community=communities["members"],
        sector=sector,
        level="meso",
        phase="uitvoeren",
        **NAMED_TEXTS,
    )


@pytest.fixture
def entry(communities, instrument, facilitator):
    """A journal entry in the confidential community, full of names."""
    community = communities["confidential"]
    return make_entry(
        community=community,
        author=facilitator,
        title=f"Kick-off bij {community.name}",
        phase="starten",
        text=f"Mo Lid en Fien Facilitator spraken met Gemeente Rivierstad in {community.name}.",
        instruments=[instrument],
        value_stories=[{"cycle": "immediate", "text": "Hogeschool Windkracht doet mee."}],
    )


def valid_fields(**overrides) -> dict:
    """POST data for the publish form with no identifying names."""
    data = {
        "title": "Start with the municipality",
        "context": "a learning community with a municipality in the east of the country",
        "what_was_done": "A facilitator opened the first session with **a municipality**.",
        "what_worked": "A school hosted the second round.",
        "what_did_not": "Nobody read the notes.",
        "lesson": "Plan the second round before the first.",
        "level": "meso",
        "phase": "uitvoeren",
    }
    data.update(overrides)
    return data
