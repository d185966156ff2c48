"""Posting, changing and deleting comments through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from comments.models import Comment
from comments.services import comment_create, comment_delete, comment_update
from comments.tests.factories import make_comment
from experiences.tests.factories import make_experience
from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from journal.tests.factories import make_entry
from questions.tests.factories import make_question

pytestmark = pytest.mark.django_db


def test_a_comment_on_each_kind_of_target(instrument, communities, member, outsider):
    entry = make_entry(community=communities["public"], author=member)
    experience = make_experience(instrument=instrument, author=member)
    question = make_question(author=member)

    for target in (instrument, experience, entry, question):
        comment = make_comment(target=target, author=outsider, body="Goed idee")
        assert comment.target == target
        assert comment.author == outsider


def test_anonymous_cannot_comment(instrument):
    with pytest.raises(PermissionDenied):
        make_comment(target=instrument, author=AnonymousUser())


def test_a_target_the_author_cannot_see_is_refused(provider, outsider, communities, facilitator):
    draft = InstrumentFactory(owner=provider, status=Status.DRAFT)
    closed_entry = make_entry(community=communities["confidential"], author=facilitator)

    for target in (draft, closed_entry):
        with pytest.raises(PermissionDenied):
            make_comment(target=target, author=outsider)


def test_observers_do_not_comment_in_their_community(instrument, communities, member, observer):
    experience = make_experience(
        instrument=instrument, author=member, community=communities["public"]
    )

    with pytest.raises(PermissionDenied):
        make_comment(target=experience, author=observer)


def test_an_outsider_may_comment_on_a_public_communitys_content(communities, facilitator, outsider):
    entry = make_entry(community=communities["public"], author=facilitator)

    assert make_comment(target=entry, author=outsider).journal_entry == entry


def test_a_reply_to_a_reply_attaches_to_its_parent(instrument, outsider, member):
    top = make_comment(target=instrument, author=outsider)
    reply = make_comment(target=instrument, author=member, parent=top)

    reply_to_reply = make_comment(target=instrument, author=outsider, parent=reply)

    assert reply.parent == top
    assert reply_to_reply.parent == top
    assert not Comment.objects.filter(parent__parent__isnull=False).exists()


def test_a_reply_must_be_on_the_same_target(instrument, outsider):
    other = InstrumentFactory()
    top = make_comment(target=other, author=outsider)

    with pytest.raises(ValidationError):
        make_comment(target=instrument, author=outsider, parent=top)


def test_an_empty_comment_is_invalid(instrument, outsider):
    with pytest.raises(ValidationError):
        comment_create(author=outsider, target=instrument, body="")


def test_the_author_edits_and_deletes_their_comment(instrument, outsider):
    comment = make_comment(target=instrument, author=outsider, body="Eerst")

    comment_update(user=outsider, comment=comment, body="Daarna")
    comment.refresh_from_db()
    assert comment.body == "Daarna"

    comment_delete(user=outsider, comment=comment)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer", "member", "facilitator"])
def test_nobody_else_edits_or_deletes_a_comment(instrument, people, provider, role):
    comment = make_comment(target=instrument, author=provider, body="Van mij")
    user = people[role] or AnonymousUser()

    with pytest.raises(PermissionDenied):
        comment_update(user=user, comment=comment, body="Van jou")
    with pytest.raises(PermissionDenied):
        comment_delete(user=user, comment=comment)

    comment.refresh_from_db()
    assert comment.body == "Van mij"


def test_deleting_a_comment_deletes_its_replies(instrument, outsider, member):
    top = make_comment(target=instrument, author=outsider)
    make_comment(target=instrument, author=member, parent=top)

    comment_delete(user=outsider, comment=top)

    assert not Comment.objects.exists()
