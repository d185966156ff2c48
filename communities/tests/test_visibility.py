"""The visibility rule on the community pages: nothing members-only or confidential
reaches anyone who may not see it, in the list, its counts and facets, or a page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from communities import services
from communities.models import MemberRole
from communities.tests.factories import add_member, make_community
from instruments.services import sector_get_or_create

pytestmark = pytest.mark.django_db

SECRET_NAME = "Geheim Waterstofberaad"
SECRET_MEMBER = "Zeer Geheime Deelnemer"
CLOSED_MEMBER = "Besloten Deelnemer"


@pytest.fixture
def world(provider):
    """One community per visibility, each with a member and a partner."""
    sector_get_or_create("water")
    sector_get_or_create("energie")
    public = make_community(
        facilitator=provider, name="Open Energiecoalitie", sectors=["energie"], level="meso"
    )
    closed = make_community(
        facilitator=provider,
        visibility="members",
        name="Besloten Zorgnetwerk",
        challenge="Zorg dichter bij huis.",
        sectors=["energie"],
    )
    secret = make_community(
        facilitator=provider,
        visibility="confidential",
        name=SECRET_NAME,
        challenge="Een vertrouwelijke opgave.",
        sectors=["water"],
        level="macro",
        current_phase="verduurzamen",
    )
    add_member(closed, UserFactory(name=CLOSED_MEMBER), MemberRole.MEMBER)
    add_member(secret, UserFactory(name=SECRET_MEMBER), MemberRole.MEMBER)
    for community in (public, closed, secret):
        services.partner_add(
            user=provider,
            community=community,
            organisation_name=f"Partner van {community.name}",
            helix_role="business",
        )
    return {"public": public, "members": closed, "confidential": secret}


def _clients(request, provider):
    """Anonymous, outsider and staff, none of them a member."""
    return {
        "anonymous": Client(),
        "outsider": request.getfixturevalue("outsider_client"),
        "staff": request.getfixturevalue("staff_client"),
    }


def _listed(response) -> list[str]:
    return [community.name for community in response.context["page"].object_list]


def _facet_values(response) -> dict[str, dict[str, int]]:
    return {
        facet.name: {option.value: option.count for option in facet.options}
        for facet in response.context["facets"]
    }


@pytest.mark.parametrize("who", ["anonymous", "outsider", "staff"])
def test_a_confidential_community_leaves_no_trace_for_non_members(request, world, provider, who):
    client = _clients(request, provider)[who]
    secret = world["confidential"]

    listing = client.get("/communities/")
    filtered = client.get("/communities/?sector=water&niveau=macro&fase=verduurzamen")

    assert _listed(listing) == ["Besloten Zorgnetwerk", "Open Energiecoalitie"]
    assert listing.context["page"].paginator.count == 2
    assert SECRET_NAME.encode() not in listing.content
    facets = _facet_values(listing)
    assert "water" not in facets["sector"] and facets["sector"]["energie"] == 2
    assert "macro" not in facets["niveau"] and "verduurzamen" not in facets["fase"]
    assert _listed(filtered) == [] and filtered.context["page"].paginator.count == 0
    assert SECRET_NAME.encode() not in filtered.content
    for path in ("", "leden/", "aanmelden/", "bewerken/", "partners/", "verlaten/"):
        response = client.get(f"/communities/{secret.slug}/{path}")
        assert response.status_code in (302, 404), path
        assert SECRET_NAME.encode() not in response.content


@pytest.mark.parametrize("who", ["anonymous", "outsider", "staff"])
def test_a_members_only_community_shows_outsiders_its_name_and_challenge_only(
    request, world, provider, who
):
    client = _clients(request, provider)[who]
    closed = world["members"]

    response = client.get(f"/communities/{closed.slug}/")

    assert response.status_code == 200
    assert b"Besloten Zorgnetwerk" in response.content
    assert b"Zorg dichter bij huis." in response.content
    assert b'data-testid="members-only"' in response.content
    assert CLOSED_MEMBER.encode() not in response.content
    assert b"Partner van Besloten Zorgnetwerk" not in response.content
    assert "members" not in response.context and "sections" not in response.context
    assert client.get(f"/communities/{closed.slug}/leden/").status_code == 404


def test_the_list_shows_member_counts_only_of_readable_communities(world, outsider_client):
    response = outsider_client.get("/communities/")

    counts = {
        c.name: (c.member_count if c.viewer_can_read else None)
        for c in response.context["page"].object_list
    }
    assert counts == {"Open Energiecoalitie": 1, "Besloten Zorgnetwerk": None}
    assert response.content.count(b'data-testid="member-count"') == 1


@pytest.mark.parametrize("role", [MemberRole.OBSERVER, MemberRole.MEMBER])
def test_members_see_their_closed_communities_in_full(world, role):
    person = UserFactory()
    add_member(world["confidential"], person, role)
    add_member(world["members"], person, role)
    client = Client()
    client.force_login(person)

    listing = client.get("/communities/")
    secret_page = client.get(f"/communities/{world['confidential'].slug}/")
    closed_page = client.get(f"/communities/{world['members'].slug}/")

    assert SECRET_NAME in _listed(listing)
    assert listing.context["page"].paginator.count == 3
    assert _facet_values(listing)["sector"]["water"] == 1
    assert SECRET_MEMBER.encode() in secret_page.content
    assert f"Partner van {SECRET_NAME}".encode() in secret_page.content
    assert CLOSED_MEMBER.encode() in closed_page.content


def test_a_public_community_is_readable_by_anyone(world, client):
    response = client.get(f"/communities/{world['public'].slug}/")

    assert response.status_code == 200
    assert b"Partner van Open Energiecoalitie" in response.content
    assert [m.user for m in response.context["members"]] == [world["public"].created_by]


def test_a_community_that_becomes_confidential_disappears_for_outsiders(
    world, provider, outsider_client
):
    public = world["public"]
    services.community_update(user=provider, community=public, visibility="confidential")

    assert outsider_client.get(f"/communities/{public.slug}/").status_code == 404
    assert "Open Energiecoalitie" not in _listed(outsider_client.get("/communities/"))


def test_a_former_member_loses_access(world, provider):
    person = UserFactory()
    add_member(world["confidential"], person, MemberRole.MEMBER)
    client = Client()
    client.force_login(person)
    assert client.get(f"/communities/{world['confidential'].slug}/").status_code == 200

    services.membership_leave(user=person, community=world["confidential"])

    assert client.get(f"/communities/{world['confidential'].slug}/").status_code == 404
