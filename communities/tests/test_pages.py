"""The community pages as a visitor uses them: forms, redirects, messages, mails."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from accounts.tests.factories import UserFactory, signed_in_client
from communities import services
from communities.models import Community, Invitation, JoinRequest, MemberRole, Membership
from communities.tests.factories import add_member, make_community
from communities.visibility import member_role
from instruments.services import sector_get_or_create

pytestmark = pytest.mark.django_db

CREATE_DATA = {
    "name": "Aardgasvrije wijken Zwolle",
    "challenge": "Samen de wijk van het gas af.",
    "level": "meso",
    "sectors": ["energie"],
    "region": "Zwolle",
    "current_phase": "starten",
    "visibility": "members",
    "orientation": "2",
    "knowledge_aim": "5",
    "knowledge_openness": "",
    "climate": "1",
}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- list and create ----------------------------------------------------------------


def test_the_empty_list_says_what_to_do_next(client, outsider_client):
    anonymous = client.get("/en/communities/")
    signed_in = outsider_client.get("/en/communities/")

    assert b"No communities yet" in anonymous.content
    assert b"/account/login/?next=/en/communities/nieuw/" in anonymous.content
    assert b'data-testid="new-community"' not in anonymous.content
    assert b'data-testid="new-community"' in signed_in.content


def test_the_list_filters_by_facets(provider, client):
    make_community(facilitator=provider, name="Micro", level="micro", current_phase="starten")
    make_community(facilitator=provider, name="Macro", level="macro", current_phase="ontwerpen")

    response = client.get("/communities/?niveau=macro&niveau=onzin")

    assert [c.name for c in response.context["page"].object_list] == ["Macro"]
    levels = {o.value: (o.count, o.selected) for o in response.context["facets"][1].options}
    assert levels == {"micro": (1, False), "macro": (1, True)}
    phases = {o.value: o.count for o in response.context["facets"][0].options}
    assert phases == {"ontwerpen": 1}


def test_anyone_signed_in_creates_a_community_and_becomes_its_facilitator(
    outsider_client, outsider
):
    sector_get_or_create("energie")

    form = outsider_client.get("/communities/nieuw/")
    response = outsider_client.post("/communities/nieuw/", CREATE_DATA)

    assert form.status_code == 200
    community = Community.objects.get()
    assert response.status_code == 302 and response["Location"] == community.get_absolute_url()
    assert (community.name, community.visibility, community.sectors) == (
        "Aardgasvrije wijken Zwolle",
        "members",
        ["energie"],
    )
    assert (community.orientation, community.knowledge_aim, community.knowledge_openness) == (
        2,
        5,
        None,
    )
    assert member_role(outsider, community) == MemberRole.FACILITATOR


def test_creating_needs_a_name_and_shows_the_errors(outsider_client):
    response = outsider_client.post("/communities/nieuw/", {**CREATE_DATA, "name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert b"error-summary" in response.content
    assert not Community.objects.exists()


def test_the_form_shows_each_design_consideration_as_a_group_between_two_poles(
    outsider_client,
):
    response = outsider_client.get("/en/communities/nieuw/")
    html = response.content.decode()

    assert html.count('class="field field--group scale-field') == 4
    assert '<legend class="field__label">Internal – External' in html
    assert 'name="climate" value="5"' in html
    for i in range(3):  # each visibility option is explained next to its radio
        assert f'aria-describedby="id_visibility_{i}_help"' in html


# --- detail and edit ----------------------------------------------------------------


def test_the_detail_page_shows_partners_by_helix_role_and_the_scales(provider, client):
    community = make_community(facilitator=provider, climate=4)
    services.partner_add(
        user=provider, community=community, organisation_name="Hanzehogeschool",
        helix_role="education",
    )  # fmt: skip
    services.partner_add(
        user=provider, community=community, organisation_name="Gemeente", helix_role="government"
    )

    response = client.get(f"/en/communities/{community.slug}/")

    groups = [
        (g.role, [p.organisation.name for p in g.partners])
        for g in response.context["partner_groups"]
    ]
    assert groups == [("education", ["Hanzehogeschool"]), ("government", ["Gemeente"])]
    assert b"4 on a scale from 1 (Safety) to 5 (Openness)" in response.content


def test_library_communities_show_their_lessons_and_have_no_members(client):
    community = services.community_save_record(
        record={"id": "uit-de-bieb", "name": "Uit de bibliotheek", "lessons": ["Begin klein."]}
    )

    response = client.get(community.get_absolute_url())

    assert community.visibility == "public"
    assert b"Begin klein." in response.content
    assert response.context["members"] == []


def test_changing_the_visibility_must_be_confirmed(provider, provider_client):
    community = make_community(facilitator=provider, **{"name": "Open"})
    url = f"/communities/{community.slug}/bewerken/"
    data = {**CREATE_DATA, "name": "Open", "sectors": [], "visibility": "confidential"}

    refused = provider_client.post(url, data)
    community.refresh_from_db()
    assert refused.status_code == 200 and refused.context["form"].errors["confirm_visibility"]
    assert community.visibility == "public"

    accepted = provider_client.post(url, {**data, "confirm_visibility": "on"})
    community.refresh_from_db()
    assert accepted.status_code == 302
    assert community.visibility == "confidential"


def test_other_settings_change_without_confirming(provider, provider_client):
    community = make_community(facilitator=provider, name="Oud")
    data = {**CREATE_DATA, "name": "Nieuw en beter", "sectors": [], "visibility": "public"}

    response = provider_client.post(f"/communities/{community.slug}/bewerken/", data)

    community.refresh_from_db()
    assert response.status_code == 302
    assert (community.name, community.visibility, community.climate) == (
        "Nieuw en beter",
        "public",
        1,
    )


def test_a_facilitator_adds_and_removes_partners(provider, provider_client):
    community = make_community(facilitator=provider)
    url = f"/communities/{community.slug}/partners/"

    added = provider_client.post(
        url, {"organisation_name": "Noorderpoort", "helix_role": "education"}
    )
    duplicate = provider_client.post(
        url, {"organisation_name": "Noorderpoort", "helix_role": "business"}
    )
    partner = community.partner_links.get()
    removed = provider_client.post(f"{url}{partner.pk}/verwijderen/")

    assert added.status_code == 302
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
    assert removed.status_code == 302 and not community.partner_links.exists()


# --- members ------------------------------------------------------------------------


def test_the_last_facilitator_gets_a_clear_error_and_keeps_the_role(provider, provider_client):
    community = make_community(facilitator=provider)
    own = Membership.objects.get(user=provider)
    base = f"/communities/{community.slug}/leden/{own.pk}"

    demoted = provider_client.post(f"{base}/rol/", {"role": "member"}, follow=True)
    removed = provider_client.post(f"{base}/verwijderen/", follow=True)
    left = provider_client.post(f"/communities/{community.slug}/verlaten/", follow=True)

    for response in (demoted, removed, left):
        assert gettext(services.MESSAGE_LAST_FACILITATOR) in _messages(response)
    assert member_role(provider, community) == MemberRole.FACILITATOR


def test_a_facilitator_changes_a_role_and_removes_a_member(provider, provider_client):
    community = make_community(facilitator=provider)
    person = UserFactory()
    membership = add_member(community, person, MemberRole.OBSERVER)
    base = f"/communities/{community.slug}/leden/{membership.pk}"

    provider_client.post(f"{base}/rol/", {"role": "facilitator"})
    assert member_role(person, community) == MemberRole.FACILITATOR
    provider_client.post(f"{base}/verwijderen/")
    assert member_role(person, community) is None


def test_a_member_leaves_after_confirming(provider):
    community = make_community(facilitator=provider, visibility="members")
    person = UserFactory()
    add_member(community, person, MemberRole.MEMBER)
    client = signed_in_client(person)

    confirm = client.get(f"/communities/{community.slug}/verlaten/")
    response = client.post(f"/communities/{community.slug}/verlaten/")

    assert confirm.status_code == 200
    assert response.status_code == 302 and response["Location"] == "/communities/"
    assert member_role(person, community) is None


# --- join requests ------------------------------------------------------------------


def test_asking_to_join_and_being_accepted(provider, provider_client, outsider, outsider_client):
    community = make_community(facilitator=provider, visibility="members")

    asked = outsider_client.post(f"/communities/{community.slug}/aanmelden/", {"message": "Graag!"})
    again = outsider_client.get(f"/communities/{community.slug}/aanmelden/")
    detail = outsider_client.get(community.get_absolute_url())
    members_page = provider_client.get(f"/communities/{community.slug}/leden/")
    join_request = JoinRequest.objects.get()
    decided = provider_client.post(
        f"/communities/{community.slug}/verzoeken/{join_request.pk}/", {"decision": "accept"}
    )

    assert asked.status_code == 302
    assert again.status_code == 302
    assert detail.context["request_pending"] is True
    assert members_page.context["join_requests"] == [join_request]
    assert b"Graag!" in members_page.content
    assert decided.status_code == 302
    assert member_role(outsider, community) == MemberRole.MEMBER


def test_a_declined_request_makes_no_member(provider, provider_client, outsider):
    community = make_community(facilitator=provider)
    join_request = services.join_request_create(user=outsider, community=community)

    provider_client.post(
        f"/communities/{community.slug}/verzoeken/{join_request.pk}/", {"decision": "decline"}
    )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert member_role(outsider, community) is None


# --- invitations --------------------------------------------------------------------


def _invite(client, community, email, role="member") -> str:
    response = client.post(
        f"/communities/{community.slug}/uitnodigen/", {"email": email, "role": role}
    )
    assert response.status_code == 302
    return re.search(r"http://testserver(/\S+/uitnodiging/\S+/)", mail.outbox[-1].body).group(1)


def test_an_invitation_link_works_once(provider, provider_client):
    community = make_community(facilitator=provider, visibility="confidential")
    invitee = UserFactory(email="genodigde@example.org")
    link = _invite(provider_client, community, "genodigde@example.org", role="observer")
    client = signed_in_client(invitee)

    confirm = client.get(link)
    accepted = client.post(link)
    reused = client.get(link)
    reposted = client.post(link)

    assert confirm.status_code == 200 and b'data-testid="accept-invitation"' in confirm.content
    assert accepted.status_code == 302 and accepted["Location"] == community.get_absolute_url()
    assert member_role(invitee, community) == MemberRole.OBSERVER
    assert reused.status_code == 410 and reposted.status_code == 410
    assert b"already been used" in client.get(f"/en{link}").content


def test_an_anonymous_visitor_is_asked_to_sign_in_and_comes_back(provider, provider_client):
    community = make_community(facilitator=provider, visibility="members")
    link = _invite(provider_client, community, "nieuw@example.org")

    response = Client().get(link)
    posted = Client().post(link)

    assert response.status_code == 200
    assert response.context["login_url"] == f"/account/login/?next={link.replace('/', '%2F')}"
    assert response.context["signup_url"].startswith("/account/signup/?next=")
    assert posted.status_code == 200  # the same page; nothing accepted
    assert Invitation.objects.get().accepted_at is None


def test_an_expired_invitation_shows_gone_and_changes_nothing(provider, provider_client):
    community = make_community(facilitator=provider)
    invitee = UserFactory(email="laat@example.org")
    link = _invite(provider_client, community, "laat@example.org")
    Invitation.objects.update(expires_at=timezone.now())

    client = signed_in_client(invitee)
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    assert Client().get(link).status_code == 410
    assert member_role(invitee, community) is None


def test_an_unknown_invitation_link_is_gone(client):
    assert client.get("/communities/uitnodiging/verzonnen-token/").status_code == 410


def test_an_invitation_opened_with_the_wrong_account_is_refused(
    provider, provider_client, outsider
):
    community = make_community(facilitator=provider, visibility="members")
    link = _invite(provider_client, community, "iemand@example.org")
    client = signed_in_client(outsider)

    opened = client.get(link)
    posted = client.post(link)

    assert opened.status_code == 403 and posted.status_code == 403
    assert opened.context["wrong_account"] is True
    assert member_role(outsider, community) is None
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_for_someone_already_in_says_so(provider, provider_client):
    community = make_community(facilitator=provider)
    person = UserFactory(email="al-lid@example.org")
    link = _invite(provider_client, community, "al-lid@example.org", role="observer")
    add_member(community, person, MemberRole.MEMBER)

    response = signed_in_client(person).post(link)

    assert response.status_code == 200 and response.context["already_member"] is True
    assert member_role(person, community) == MemberRole.MEMBER


def test_an_invitation_form_error_is_shown(provider, provider_client):
    community = make_community(facilitator=provider)

    response = provider_client.post(
        f"/communities/{community.slug}/uitnodigen/", {"email": "geen-adres", "role": "member"}
    )

    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert mail.outbox == []


def test_the_members_page_lists_open_invitations_for_facilitators_only(provider, provider_client):
    community = make_community(facilitator=provider)
    _invite(provider_client, community, "open@example.org")
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)

    facilitator_view = provider_client.get(f"/communities/{community.slug}/leden/")
    member_view = signed_in_client(member).get(f"/communities/{community.slug}/leden/")

    assert b"open@example.org" in facilitator_view.content
    assert b"open@example.org" not in member_view.content
    assert b'data-testid="invitation-form"' not in member_view.content
