"""The notify_* functions: followers hear about new things, the actor and non-readers do not."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from communities.models import JoinRequest
from communities.services import invitation_create, join_request_create
from communities.tests.factories import add_member
from experiences.tests.factories import make_experience
from journal.tests.factories import make_entry
from notifications.models import Notification, NotificationKind
from notifications.services import follow_create
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def _recipients(**target) -> set:
    return set(Notification.objects.filter(**target).values_list("recipient_id", flat=True))


def test_a_new_experience_reaches_followers_of_its_instrument_and_community(
    communities, instrument, facilitator, member, observer, outsider
):
    community = communities["public"]
    follow_create(user=outsider, target=instrument)
    follow_create(user=observer, target=community)
    follow_create(user=member, target=community)  # the author: never notified of their own

    experience = make_experience(instrument=instrument, author=member, community=community)

    assert _recipients(experience=experience) == {outsider.pk, observer.pk}
    assert Notification.objects.get(recipient=outsider).kind == NotificationKind.NEW_EXPERIENCE


def test_a_members_only_experience_does_not_reach_an_outsider_following_the_instrument(
    communities, instrument, member, observer, outsider
):
    follow_create(user=outsider, target=instrument)
    follow_create(user=observer, target=instrument)

    experience = make_experience(
        instrument=instrument, author=member, community=communities["members"]
    )

    assert _recipients(experience=experience) == {observer.pk}


def test_a_new_journal_entry_reaches_readers_following_its_community_or_instruments(
    communities, instrument, facilitator, member, observer, outsider
):
    community = communities["confidential"]
    follow_create(user=observer, target=community)
    follow_create(user=outsider, target=instrument)
    follow_create(user=facilitator, target=instrument)

    entry = make_entry(community=community, author=member, instruments=[instrument])

    assert _recipients(journal_entry=entry) == {observer.pk, facilitator.pk}


def test_a_new_answer_reaches_the_asker_and_followers_but_not_its_author(
    outsider, provider, other_provider
):
    question = make_question(author=outsider)
    follow_create(user=other_provider, target=question)
    follow_create(user=provider, target=question)

    answer = make_answer(question=question, author=provider)

    assert _recipients(answer=answer) == {outsider.pk, other_provider.pk}


def test_an_invitation_reaches_an_invitee_who_has_an_account(communities, facilitator):
    invitee = UserFactory(email="nieuw@example.org")

    invitation, _token = invitation_create(
        user=facilitator, community=communities["members"], email="Nieuw@example.org"
    )

    assert _recipients(invitation=invitation) == {invitee.pk}


def test_a_join_request_reaches_the_facilitators(communities, facilitator, outsider):
    community = communities["public"]
    second = UserFactory()
    add_member(community, second, "facilitator")

    join_request = join_request_create(user=outsider, community=community)

    assert _recipients(join_request=join_request) == {facilitator.pk, second.pk}
    assert join_request.status == JoinRequest.Status.PENDING
