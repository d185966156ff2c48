"""The community services: who may do what, and what each write changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from communities import services
from communities.models import Invitation, JoinRequest, MemberRole, Membership, Partner
from communities.tests.factories import add_member, make_community
from communities.visibility import member_role
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are matched in their English source form."""
    with translation.override("en"):
        yield


@pytest.fixture
def facilitator(provider):
    return provider


@pytest.fixture
def community(facilitator):
    return make_community(facilitator=facilitator, name="Warmtenet Noord", visibility="members")


# --- creating and changing a community ----------------------------------------------


def test_the_creator_of_a_community_becomes_its_facilitator(outsider):
    community = services.community_create(user=outsider, name="Zorg in de wijk")

    assert community.slug == "zorg-in-de-wijk"
    assert community.created_by == outsider
    assert member_role(outsider, community) == MemberRole.FACILITATOR
    assert community.visibility == "public"


def test_a_community_needs_a_signed_in_creator(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.community_create(user=AnonymousUser(), name="Naamloos")


def test_a_community_gets_a_slug_that_does_not_clash_with_the_fixed_urls(outsider):
    first = services.community_create(user=outsider, name="Nieuw")
    second = services.community_create(user=outsider, name="Nieuw")

    assert first.slug not in services.RESERVED_SLUGS
    assert second.slug != first.slug


def test_a_community_is_validated_before_it_is_saved(outsider):
    with pytest.raises(ValidationError):
        services.community_create(user=outsider, name="Schaal", climate=7)


def test_only_facilitators_change_the_settings(community, outsider):
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)

    for user in (member, outsider):
        with pytest.raises(PermissionDenied):
            services.community_update(user=user, community=community, name="Anders")


def test_a_facilitator_changes_the_settings_and_the_slug_stays(community, facilitator):
    services.community_update(
        user=facilitator, community=community, name="Warmtenet Zuid", visibility="confidential"
    )

    community.refresh_from_db()
    assert (community.name, community.visibility, community.slug) == (
        "Warmtenet Zuid",
        "confidential",
        "warmtenet-noord",
    )


# --- partners -----------------------------------------------------------------------


def test_a_facilitator_adds_and_removes_a_partner_by_name(community, facilitator):
    partner = services.partner_add(
        user=facilitator,
        community=community,
        organisation_name="  Gemeente   Groningen ",
        helix_role="government",
    )
    assert partner.organisation.name == "Gemeente Groningen"

    with pytest.raises(ValidationError):
        services.partner_add(
            user=facilitator,
            community=community,
            organisation_name="Gemeente Groningen",
            helix_role="government",
        )

    services.partner_remove(user=facilitator, partner=partner)
    assert not Partner.objects.exists()


def test_members_do_not_manage_partners(community):
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)

    with pytest.raises(PermissionDenied):
        services.partner_add(
            user=member, community=community, organisation_name="X", helix_role="business"
        )


# --- members and the last facilitator ------------------------------------------------


def test_the_last_facilitator_cannot_be_demoted_removed_or_leave(community, facilitator):
    membership = Membership.objects.get(community=community, user=facilitator)

    with pytest.raises(ValidationError, match="at least one facilitator"):
        services.membership_set_role(user=facilitator, membership=membership, role="member")
    with pytest.raises(ValidationError):
        services.membership_remove(user=facilitator, membership=membership)
    with pytest.raises(ValidationError):
        services.membership_leave(user=facilitator, community=community)

    assert member_role(facilitator, community) == MemberRole.FACILITATOR


def test_with_a_second_facilitator_the_first_may_step_down(community, facilitator):
    other = UserFactory()
    add_member(community, other, MemberRole.FACILITATOR)
    membership = Membership.objects.get(community=community, user=facilitator)

    services.membership_set_role(user=facilitator, membership=membership, role="observer")

    assert member_role(facilitator, community) == MemberRole.OBSERVER
    other_membership = Membership.objects.get(community=community, user=other)
    with pytest.raises(ValidationError):
        services.membership_leave(user=other, community=community)
    assert other_membership.role == MemberRole.FACILITATOR


def test_a_member_leaves_and_an_outsider_cannot(community, outsider):
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)

    services.membership_leave(user=member, community=community)

    assert member_role(member, community) is None
    with pytest.raises(PermissionDenied):
        services.membership_leave(user=outsider, community=community)


def test_only_facilitators_change_roles_and_remove_members(community):
    member, observer = UserFactory(), UserFactory()
    add_member(community, member, MemberRole.MEMBER)
    observer_membership = add_member(community, observer, MemberRole.OBSERVER)

    with pytest.raises(PermissionDenied):
        services.membership_set_role(
            user=member, membership=observer_membership, role="facilitator"
        )
    with pytest.raises(PermissionDenied):
        services.membership_remove(user=member, membership=observer_membership)


# --- invitations --------------------------------------------------------------------


def test_an_invitation_mails_a_link_and_stores_only_the_token_hash(community, facilitator):
    invitation, token = services.invitation_create(
        user=facilitator, community=community, email="nieuw@example.org", role="observer"
    )

    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - timezone.now() > timedelta(days=services.INVITATION_DAYS - 1)
    [message] = mail.outbox
    assert message.to == ["nieuw@example.org"]
    assert f"/communities/uitnodiging/{token}/" in message.body
    assert "Warmtenet Noord" in message.subject


def test_an_invitation_to_an_existing_account_also_notifies_it(community, facilitator):
    invitee = UserFactory(email="bestaand@example.org")

    invitation, _token = services.invitation_create(
        user=facilitator, community=community, email="Bestaand@example.org"
    )

    notice = Notification.objects.get(recipient=invitee)
    assert (notice.kind, notice.invitation) == (NotificationKind.INVITATION, invitation)


def test_only_facilitators_invite(community):
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)

    with pytest.raises(PermissionDenied):
        services.invitation_create(user=member, community=community, email="x@example.org")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_member_is_not_invited_again_nor_an_open_invitation_repeated(community, facilitator):
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)
    with pytest.raises(ValidationError):
        services.invitation_create(user=facilitator, community=community, email=member.email)

    services.invitation_create(user=facilitator, community=community, email="open@example.org")
    with pytest.raises(ValidationError):
        services.invitation_create(user=facilitator, community=community, email="OPEN@example.org")


def test_an_invitation_is_accepted_once_with_its_role(community, facilitator):
    invitee = UserFactory(email="gast@example.org")
    _invitation, token = services.invitation_create(
        user=facilitator, community=community, email="gast@example.org", role="observer"
    )

    membership = services.invitation_accept(user=invitee, token=token)

    assert membership.role == MemberRole.OBSERVER
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == invitee
    with pytest.raises(services.InvitationGone, match="already been used"):
        services.invitation_accept(user=invitee, token=token)


def test_a_used_invitation_cannot_let_a_second_person_in(community, facilitator):
    invitee = UserFactory(email="gast@example.org")
    _invitation, token = services.invitation_create(
        user=facilitator, community=community, email="gast@example.org"
    )
    services.invitation_accept(user=invitee, token=token)
    membership = Membership.objects.get(user=invitee)
    services.membership_remove(user=facilitator, membership=membership)

    with pytest.raises(services.InvitationGone):
        services.invitation_accept(user=invitee, token=token)
    assert member_role(invitee, community) is None


def test_an_expired_invitation_changes_nothing(community, facilitator):
    invitee = UserFactory(email="laat@example.org")
    invitation, token = services.invitation_create(
        user=facilitator, community=community, email="laat@example.org"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(services.InvitationGone, match="expired"):
        services.invitation_accept(user=invitee, token=token)
    assert member_role(invitee, community) is None
    assert Invitation.objects.get().accepted_at is None


def test_an_unknown_token_is_refused(community, outsider):
    with pytest.raises(services.InvitationGone):
        services.invitation_accept(user=outsider, token="not-a-real-token")


def test_an_invitation_for_another_address_is_refused(community, facilitator, outsider):
    _invitation, token = services.invitation_create(
        user=facilitator, community=community, email="iemand-anders@example.org"
    )

    with pytest.raises(PermissionDenied, match="another e-mail address"):
        services.invitation_accept(user=outsider, token=token)
    assert member_role(outsider, community) is None
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_to_a_verified_second_address_is_accepted(community, facilitator, outsider):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=outsider, email="werk@example.org", verified=True)
    _invitation, token = services.invitation_create(
        user=facilitator, community=community, email="werk@example.org"
    )

    services.invitation_accept(user=outsider, token=token)

    assert member_role(outsider, community) == MemberRole.MEMBER


# --- join requests ------------------------------------------------------------------


def test_a_join_request_notifies_the_facilitators(community, facilitator, outsider):
    join_request = services.join_request_create(
        user=outsider, community=community, message="  Ik werk bij de gemeente.  "
    )

    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.message == "Ik werk bij de gemeente."
    notice = Notification.objects.get(recipient=facilitator)
    assert (notice.kind, notice.join_request) == (NotificationKind.JOIN_REQUEST, join_request)


def test_one_pending_request_per_person(community, outsider):
    services.join_request_create(user=outsider, community=community)

    with pytest.raises(ValidationError, match="already asked"):
        services.join_request_create(user=outsider, community=community)


def test_members_do_not_ask_to_join(community, facilitator):
    with pytest.raises(ValidationError):
        services.join_request_create(user=facilitator, community=community)


def test_a_confidential_community_takes_no_join_requests(facilitator, outsider):
    community = make_community(facilitator=facilitator, visibility="confidential")

    with pytest.raises(Http404):
        services.join_request_create(user=outsider, community=community)
    assert not JoinRequest.objects.exists()


def test_accepting_a_request_makes_a_member_and_declining_does_not(community, facilitator):
    accepted, declined = UserFactory(), UserFactory()
    first = services.join_request_create(user=accepted, community=community)
    second = services.join_request_create(user=declined, community=community)

    services.join_request_decide(user=facilitator, join_request=first, accept=True)
    services.join_request_decide(user=facilitator, join_request=second, accept=False)

    assert member_role(accepted, community) == MemberRole.MEMBER
    assert member_role(declined, community) is None
    second.refresh_from_db()
    assert (second.status, second.decided_by) == (JoinRequest.Status.DECLINED, facilitator)
    with pytest.raises(ValidationError, match="already been answered"):
        services.join_request_decide(user=facilitator, join_request=second, accept=True)


def test_a_declined_person_may_ask_again(community, facilitator, outsider):
    first = services.join_request_create(user=outsider, community=community)
    services.join_request_decide(user=facilitator, join_request=first, accept=False)

    again = services.join_request_create(user=outsider, community=community)

    assert again.status == JoinRequest.Status.PENDING


def test_only_facilitators_decide_requests(community, outsider):
    member = UserFactory()
    add_member(community, member, MemberRole.MEMBER)
    join_request = services.join_request_create(user=outsider, community=community)

    with pytest.raises(PermissionDenied):
        services.join_request_decide(user=member, join_request=join_request, accept=True)
    assert member_role(outsider, community) is None


def test_an_accepted_invitation_closes_an_open_join_request(community, facilitator, outsider):
    services.join_request_create(user=outsider, community=community)
    _invitation, token = services.invitation_create(
        user=facilitator, community=community, email=outsider.email
    )

    services.invitation_accept(user=outsider, token=token)

    assert not JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).exists()
