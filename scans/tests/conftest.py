"""People and a community shared by the scan tests; scans, rounds and answers come from
``scans/tests/factories.py``. ``provider`` (root conftest) owns the scan's instrument."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from communities.tests.factories import add_member, make_community
from scans.tests.factories import make_scan


@pytest.fixture
def facilitator(db):
    return UserFactory(name="Fien Facilitator", email="fien@example.org")


@pytest.fixture
def member(db):
    return UserFactory(name="Mo Lid", email="mo@example.org")


@pytest.fixture
def observer(db):
    return UserFactory(name="Olav Waarnemer", email="olav@example.org")


@pytest.fixture
def community(facilitator, member, observer):
    """A public community with a facilitator, a member and an observer."""
    community = make_community(facilitator=facilitator, visibility="public", name="Het Leerhuis")
    add_member(community, member, "member")
    add_member(community, observer, "observer")
    return community


@pytest.fixture
def scan(provider):
    return make_scan(provider)
