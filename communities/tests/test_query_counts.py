"""Community pages run a fixed number of queries however many communities, members
and partners there are. A change in these numbers is a reviewed decision: update the
comment with the reason.

The detail page is counted without the sections other apps add (``SECTION_PROVIDERS``);
each app pins its own section.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from communities import sections, services
from communities.models import MemberRole
from communities.tests.factories import add_member, make_community
from instruments.services import sector_get_or_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_sections(monkeypatch):
    monkeypatch.setattr(sections, "SECTION_PROVIDERS", [])
    monkeypatch.setattr(sections, "ACTION_PROVIDERS", [])


def _make(n: int, facilitator, prefix: str) -> None:
    sector_get_or_create("energie")
    for i in range(n):
        visibility = ("public", "members", "confidential")[i % 3]
        community = make_community(
            facilitator=facilitator,
            visibility=visibility,
            name=f"{prefix} {i}",
            sectors=["energie", "zorg-welzijn"],
            level="meso",
            current_phase="starten",
        )
        add_member(community, UserFactory(), MemberRole.MEMBER)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/communities/", "/communities/?sector=energie&fase=starten"])
def test_the_list_query_count_is_constant_for_anonymous(client, provider, url):
    _make(3, provider, "a")
    small = _count(client, url)
    _make(9, provider, "b")

    # 1 count for the paginator, 1 page of communities (viewer role, readability and
    # member count are subqueries), 1 sector names, 1 facet rows (all three facets).
    assert _count(client, url) == small == 4


def test_the_list_query_count_is_constant_for_a_member(provider, provider_client):
    _make(3, provider, "a")
    small = _count(provider_client, "/communities/")
    _make(9, provider, "b")

    # The same 4, plus 1 session, 1 user and 1 unread notifications (header badge).
    assert _count(provider_client, "/communities/") == small == 7


def _grow(community, facilitator, n: int, prefix: str) -> None:
    for i in range(n):
        add_member(community, UserFactory(), MemberRole.OBSERVER)
        services.partner_add(
            user=facilitator,
            community=community,
            organisation_name=f"{prefix} organisatie {i}",
            helix_role=("business", "education", "government", "citizens")[i % 4],
        )


def test_the_detail_query_count_is_constant_for_anonymous(client, provider):
    sector_get_or_create("energie")
    community = make_community(facilitator=provider, sectors=["energie"])
    _grow(community, provider, 2, "a")
    url = community.get_absolute_url()
    small = _count(client, url)
    _grow(community, provider, 8, "b")

    # 1 community (with the viewer's role and readability), 1 sector names,
    # 1 partners with their organisations, 1 members with their users.
    assert _count(client, url) == small == 4


def test_the_detail_query_count_is_constant_for_a_facilitator(provider, provider_client):
    sector_get_or_create("energie")
    community = make_community(facilitator=provider, sectors=["energie"], visibility="members")
    _grow(community, provider, 2, "a")
    url = community.get_absolute_url()
    small = _count(provider_client, url)
    _grow(community, provider, 8, "b")

    # 1 session, 1 user, the 4 of anonymous, 1 count of pending join requests,
    # 1 unread notifications (header badge).
    assert _count(provider_client, url) == small == 8


def test_the_detail_query_count_for_an_outsider_of_a_closed_community(provider, outsider_client):
    community = make_community(facilitator=provider, visibility="members", sectors=["energie"])
    _grow(community, provider, 5, "a")

    # 1 session, 1 user, 1 community, 1 sector names, 1 "has a pending request";
    # no partners or members: the content is closed. 1 unread notifications (badge).
    assert _count(outsider_client, community.get_absolute_url()) == 6


def test_the_members_page_query_count_is_constant_for_a_facilitator(provider, provider_client):
    community = make_community(facilitator=provider)
    _grow(community, provider, 2, "a")
    services.join_request_create(user=UserFactory(), community=community)
    url = f"/communities/{community.slug}/leden/"
    small = _count(provider_client, url)
    _grow(community, provider, 8, "b")
    for _i in range(3):
        services.join_request_create(user=UserFactory(), community=community)
        services.invitation_create(
            user=provider, community=community, email=f"gast{_i}@example.org"
        )

    # 1 session, 1 user, 1 community, 1 members with users, 1 pending requests with
    # users, 1 open invitations with their inviter, 2 unread notifications (badge: is
    # anything unread, then how many may be seen).
    assert _count(provider_client, url) == small == 8
