"""Personas of a community (facilitator, member, observer) and one community per visibility.

Each community has the same three people in the same roles, so a test can ask for
``communities["confidential"]`` and a role's client and expect the same rights.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory, signed_in_client
from communities.tests.factories import add_member, make_community
from journal.tests.factories import make_entry


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
def facilitator_client(facilitator) -> Client:
    return signed_in_client(facilitator)


@pytest.fixture
def member_client(member) -> Client:
    return signed_in_client(member)


@pytest.fixture
def observer_client(observer) -> Client:
    return signed_in_client(observer)


def _community(facilitator, member, observer, visibility: str, name: str):
    community = make_community(facilitator=facilitator, visibility=visibility, name=name)
    add_member(community, member, "member")
    add_member(community, observer, "observer")
    return community


@pytest.fixture
def communities(facilitator, member, observer) -> dict:
    """One community per visibility, each with the facilitator, member and observer."""
    return {
        visibility: _community(
            facilitator, member, observer, visibility, f"Gemeenschap {visibility}"
        )
        for visibility in ("public", "members", "confidential")
    }


@pytest.fixture
def community(communities):
    return communities["public"]


@pytest.fixture
def entries(communities, facilitator) -> dict:
    """One entry by the facilitator in each community."""
    return {
        visibility: make_entry(community=community, author=facilitator, title=f"Stap {visibility}")
        for visibility, community in communities.items()
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded attachments go to a directory of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("verslag.pdf", PDF, content_type="application/pdf")
