"""Every role, membership and visibility change writes an audit event with who, what,
before and after, in the same transaction as the change itself."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.services import profile_update
from accounts.tests.factories import UserFactory
from audit.models import AuditEvent
from communities import services
from communities.models import JoinRequest, MemberRole, Membership
from communities.tests.factories import add_member, make_community

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(provider):
    return provider


@pytest.fixture
def community(facilitator):
    return make_community(facilitator=facilitator, name="Warmtenet Noord", visibility="members")


def _last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- communities ---------------------------------------------------------------------


def test_creating_a_community_records_it_and_its_first_facilitator(community, facilitator):
    created = _last("community.created")
    added = _last("membership.added")

    assert (created.actor_id, created.target_type, created.target_id) == (
        facilitator.pk,
        "community",
        str(community.pk),
    )
    assert created.after == {"visibility": "members"}
    assert added.actor_id == facilitator.pk
    assert added.after == {"role": "facilitator"}
    assert (
        added.target_label == f"#{facilitator.pk} @ Warmtenet Noord"
    )  # no name: the log outlives accounts


def test_changing_the_visibility_records_before_and_after(community, facilitator):
    services.community_update(user=facilitator, community=community, visibility="public")

    event = _last("community.visibility_changed")
    assert event.actor_id == facilitator.pk
    assert (event.target_type, event.target_id) == ("community", str(community.pk))
    assert event.before == {"visibility": "members"}
    assert event.after == {"visibility": "public"}


def test_an_update_that_keeps_the_visibility_records_no_visibility_change(community, facilitator):
    services.community_update(user=facilitator, community=community, name="Warmtenet Zuid")

    assert not AuditEvent.objects.filter(action="community.visibility_changed").exists()


def test_a_refused_update_records_nothing(community, outsider):
    with pytest.raises((PermissionDenied, Http404)):
        services.community_update(user=outsider, community=community, visibility="public")

    assert not AuditEvent.objects.filter(action="community.visibility_changed").exists()


# --- memberships ---------------------------------------------------------------------


def test_adding_a_member_records_who_added_whom_with_which_role(community, facilitator, outsider):
    membership = add_member(community, outsider, MemberRole.OBSERVER)

    event = _last("membership.added")
    assert event.actor_id == facilitator.pk
    assert (event.target_type, event.target_id) == ("membership", str(membership.pk))
    assert (
        event.target_label == f"#{outsider.pk} @ Warmtenet Noord"
    )  # no name: the log outlives accounts
    assert event.after == {"role": "observer"}


def test_granting_a_membership_is_recorded_as_done_by_the_system(community, outsider):
    services.membership_grant(community=community, member=outsider, role=MemberRole.MEMBER)

    event = _last("membership.added")
    assert event.actor_id is None
    assert event.after == {"role": "member"}


def test_accepting_an_invitation_records_the_new_member_as_actor(community, facilitator):
    invitee = UserFactory(email="nieuw@example.org")
    _invitation, token = services.invitation_create(
        user=facilitator, community=community, email=invitee.email, role=MemberRole.OBSERVER
    )

    services.invitation_accept(user=invitee, token=token)

    event = _last("membership.added")
    assert event.actor_id == invitee.pk
    assert event.after == {"role": "observer"}


def test_accepting_a_join_request_records_the_facilitator_as_actor(community, facilitator):
    asker = UserFactory()
    join_request = services.join_request_create(user=asker, community=community, message="Hoi")

    services.join_request_decide(user=facilitator, join_request=join_request, accept=True)

    event = _last("membership.added")
    assert event.actor_id == facilitator.pk
    assert (
        event.target_label == f"#{asker.pk} @ Warmtenet Noord"
    )  # no name: the log outlives accounts
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequest.Status.ACCEPTED


def test_changing_a_role_records_before_and_after(community, facilitator, outsider):
    membership = add_member(community, outsider, MemberRole.MEMBER)

    services.membership_set_role(user=facilitator, membership=membership, role="facilitator")

    event = _last("membership.role_changed")
    assert event.actor_id == facilitator.pk
    assert event.target_id == str(membership.pk)
    assert (event.before, event.after) == ({"role": "member"}, {"role": "facilitator"})


def test_setting_the_same_role_again_records_nothing(community, facilitator, outsider):
    membership = add_member(community, outsider, MemberRole.MEMBER)

    services.membership_set_role(user=facilitator, membership=membership, role="member")

    assert not AuditEvent.objects.filter(action="membership.role_changed").exists()


def test_a_refused_role_change_records_nothing(community, facilitator):
    own = Membership.objects.get(community=community, user=facilitator)

    with pytest.raises(ValidationError):
        services.membership_set_role(user=facilitator, membership=own, role="member")

    assert not AuditEvent.objects.filter(action="membership.role_changed").exists()


def test_removing_a_member_records_the_role_they_had(community, facilitator, outsider):
    membership = add_member(community, outsider, MemberRole.OBSERVER)
    membership_id = membership.pk

    services.membership_remove(user=facilitator, membership=membership)

    event = _last("membership.removed")
    assert event.actor_id == facilitator.pk
    assert event.target_id == str(membership_id)
    assert (
        event.target_label == f"#{outsider.pk} @ Warmtenet Noord"
    )  # no name: the log outlives accounts
    assert (event.before, event.after) == ({"role": "observer"}, None)


def test_leaving_records_the_member_as_actor(community, outsider):
    add_member(community, outsider, MemberRole.MEMBER)

    services.membership_leave(user=outsider, community=community)

    event = _last("membership.left")
    assert event.actor_id == outsider.pk
    assert event.before == {"role": "member"}
    assert not Membership.objects.filter(community=community, user=outsider).exists()


# --- accounts ------------------------------------------------------------------------


def test_changing_ones_roles_records_before_and_after(outsider):
    outsider.is_participant = True
    outsider.save(update_fields=["is_participant"])

    profile_update(user=outsider, name="Olga", organisation="", roles=["provider", "participant"])

    event = _last("account.roles_changed")
    assert (event.actor_id, event.target_type, event.target_id) == (
        outsider.pk,
        "user",
        str(outsider.pk),
    )
    assert event.before == {"roles": ["participant"]}
    assert event.after == {"roles": ["provider", "participant"]}


def test_a_profile_edit_that_keeps_the_roles_records_nothing(outsider):
    profile_update(user=outsider, name="Olga Jansen", organisation="", roles=[])

    assert not AuditEvent.objects.filter(action="account.roles_changed").exists()


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def _admin_form(person, **changes) -> dict:
    """The admin's change form for ``person`` as posted, with ``changes`` on top."""
    data = {
        "email": person.email,
        "name": person.name,
        "organisation": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
        "_save": "1",
    }
    for flag in ["is_staff", "is_superuser", "is_moderator", "is_facilitator", "is_provider"]:
        if getattr(person, flag):
            data[flag] = "on"
    data.update(changes)
    return data


def test_making_someone_staff_and_moderator_in_the_admin_records_the_flags(
    client, superuser, outsider
):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[outsider.pk])

    response = client.post(url, _admin_form(outsider, is_staff="on", is_moderator="on"))

    assert response.status_code == 302, response.content.decode()[:2000]
    outsider.refresh_from_db()
    assert outsider.is_staff and outsider.is_moderator
    event = _last("account.staff_changed")
    assert event.actor_id == superuser.pk
    assert (event.target_type, event.target_id) == ("user", str(outsider.pk))
    assert event.before == {"is_staff": False, "is_superuser": False, "is_moderator": False}
    assert event.after == {"is_staff": True, "is_superuser": False, "is_moderator": True}


def test_taking_staff_rights_away_in_the_admin_is_recorded(client, superuser, staff):
    client.force_login(superuser)
    data = _admin_form(staff)
    del data["is_staff"]

    client.post(reverse("admin:accounts_user_change", args=[staff.pk]), data)

    event = _last("account.staff_changed")
    assert event.before["is_staff"] is True
    assert event.after["is_staff"] is False


def test_an_admin_edit_that_keeps_the_flags_records_no_staff_change(client, superuser, outsider):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_change", args=[outsider.pk]),
        _admin_form(outsider, name="Olga Anders", is_provider="on"),
    )

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="account.staff_changed").exists()
    roles = _last("account.roles_changed")
    assert (roles.before, roles.after) == ({"roles": []}, {"roles": ["provider"]})
