"""Personas of a community and one community per visibility, shared by the experience
and comment tests (their conftest files import these fixtures).

Each community has the same people in the same roles: ``facilitator``, ``member`` and
``observer``; ``outsider`` (from the root conftest) belongs to none.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from instruments.tests.factories import InstrumentFactory

ROLES = ("anonymous", "outsider", "observer", "member", "facilitator")
VISIBILITIES = ("public", "members", "confidential")
# Who may read a community's content, per visibility (communities.visibility).
READERS = {
    "public": set(ROLES),
    "members": {"observer", "member", "facilitator"},
    "confidential": {"observer", "member", "facilitator"},
}


@pytest.fixture(autouse=True)
def default_language():
    """URLs built in a test (``get_absolute_url``) use the default language.

    A request to an ``/en/`` page leaves English active in the thread (Django's locale
    middleware does not reset it), which would otherwise leak in from an earlier test.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def facilitator(db):
    return UserFactory(name="Fien Facilitator")


@pytest.fixture
def member(db):
    return UserFactory(name="Mo Lid")


@pytest.fixture
def observer(db):
    return UserFactory(name="Olav Waarnemer")


@pytest.fixture
def people(outsider, observer, member, facilitator) -> dict:
    """Role name -> user (None for anonymous)."""
    return {
        "anonymous": None,
        "outsider": outsider,
        "observer": observer,
        "member": member,
        "facilitator": facilitator,
    }


@pytest.fixture
def communities(facilitator, member, observer) -> dict:
    """Visibility -> a community with the three personas in their roles."""
    result = {}
    for visibility in VISIBILITIES:
        community = make_community(
            facilitator=facilitator, visibility=visibility, name=f"{visibility.title()} community"
        )
        add_member(community, member, "member")
        add_member(community, observer, "observer")
        result[visibility] = community
    return result


@pytest.fixture
def instrument(db):
    return InstrumentFactory(n="wiw", title="Wicked problem check")
