"""Recording, changing and deleting experiences through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from communities.services import membership_leave
from experiences.services import experience_create, experience_delete, experience_update
from experiences.tests.factories import make_experience
from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from notifications.models import Follow, Notification

pytestmark = pytest.mark.django_db


def test_a_signed_in_person_records_an_experience_outside_any_community(instrument, outsider):
    experience = make_experience(
        instrument=instrument, author=outsider, what_worked="Short rounds", rating=5
    )

    assert experience.author == outsider
    assert experience.community is None
    assert experience.rating == 5
    assert experience.what_worked == "Short rounds"


def test_anonymous_cannot_record_an_experience(instrument):
    with pytest.raises(PermissionDenied):
        make_experience(instrument=instrument, author=AnonymousUser())


def test_an_experience_with_a_draft_of_someone_else_is_refused(provider, outsider):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)

    with pytest.raises(PermissionDenied):
        make_experience(instrument=draft, author=outsider)


@pytest.mark.parametrize("role", ["member", "facilitator"])
def test_members_and_facilitators_record_experiences_in_their_community(
    instrument, communities, people, role
):
    experience = make_experience(
        instrument=instrument, author=people[role], community=communities["confidential"]
    )

    assert experience.community == communities["confidential"]


@pytest.mark.parametrize("role", ["outsider", "observer"])
def test_an_experience_in_a_community_the_author_is_not_a_member_of_is_refused(
    instrument, communities, people, role
):
    with pytest.raises(PermissionDenied):
        make_experience(instrument=instrument, author=people[role], community=communities["public"])


def test_a_rating_outside_one_to_five_is_invalid(instrument, outsider):
    with pytest.raises(ValidationError):
        make_experience(instrument=instrument, author=outsider, rating=6)


def test_unknown_fields_are_a_programming_error(instrument, outsider):
    with pytest.raises(TypeError):
        experience_create(
            author=outsider, instrument=instrument, what_was_done="x", rating=3, colour="red"
        )


def test_recording_notifies_the_instruments_followers_but_not_the_author(
    instrument, outsider, member
):
    Follow.objects.create(user=member, instrument=instrument)
    Follow.objects.create(user=outsider, instrument=instrument)

    experience = make_experience(instrument=instrument, author=outsider)

    assert list(Notification.objects.values_list("recipient", "experience")) == [
        (member.pk, experience.pk)
    ]


def test_followers_who_cannot_read_the_community_are_not_notified(
    instrument, communities, member, provider
):
    Follow.objects.create(user=provider, instrument=instrument)

    make_experience(instrument=instrument, author=member, community=communities["confidential"])

    assert not Notification.objects.filter(recipient=provider).exists()


def test_the_author_changes_their_experience(instrument, outsider):
    experience = make_experience(instrument=instrument, author=outsider, rating=2)

    experience_update(user=outsider, experience=experience, rating=4, what_did_not="Too long")

    experience.refresh_from_db()
    assert (experience.rating, experience.what_did_not) == (4, "Too long")


@pytest.mark.parametrize("role", ["anonymous", "observer", "member", "facilitator"])
def test_nobody_else_changes_or_deletes_an_experience(instrument, communities, people, role):
    experience = make_experience(
        instrument=instrument, author=people["outsider"], what_was_done="Original"
    )
    user = people[role] or AnonymousUser()

    with pytest.raises(PermissionDenied):
        experience_update(user=user, experience=experience, what_was_done="Changed")
    with pytest.raises(PermissionDenied):
        experience_delete(user=user, experience=experience)

    experience.refresh_from_db()
    assert experience.what_was_done == "Original"


def test_moving_an_experience_into_a_community_needs_membership(instrument, communities, outsider):
    experience = make_experience(instrument=instrument, author=outsider)

    with pytest.raises(PermissionDenied):
        experience_update(user=outsider, experience=experience, community=communities["public"])


def test_an_author_who_left_the_community_can_still_correct_the_text(
    instrument, communities, member
):
    community = communities["members"]
    experience = make_experience(instrument=instrument, author=member, community=community)
    membership_leave(user=member, community=community)

    experience_update(user=member, experience=experience, community=community, rating=1)

    experience.refresh_from_db()
    assert experience.rating == 1


def test_the_author_deletes_their_experience(instrument, outsider):
    experience = make_experience(instrument=instrument, author=outsider)

    experience_delete(user=outsider, experience=experience)

    assert not instrument.experiences.exists()
