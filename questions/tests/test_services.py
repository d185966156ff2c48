"""Questions and answers: who may do what, and what an answer may link."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from instruments.constants import Status
from instruments.tests.factories import InstrumentFactory
from notifications.models import Follow, Notification, NotificationKind
from notifications.services import follow_create
from questions import services
from questions.models import Answer, Question
from questions.tests.factories import make_answer, make_question

pytestmark = pytest.mark.django_db


def test_asking_a_question_stores_it_and_makes_the_asker_follow_it(outsider):
    question = services.question_create(
        user=outsider, title="Wie heeft een instrument voor de start?", phase="starten"
    )

    assert question.author == outsider
    assert question.phase == "starten"
    assert Follow.objects.filter(user=outsider, question=question).exists()


def test_anonymous_cannot_ask_a_question():
    with pytest.raises(PermissionDenied):
        services.question_create(user=AnonymousUser(), title="Wie?")


def test_a_question_needs_a_title(outsider):
    with pytest.raises(ValidationError):
        services.question_create(user=outsider, title="")


def test_only_the_asker_edits_a_question(outsider, provider, staff):
    question = make_question(author=outsider)

    for other in (provider, staff):
        with pytest.raises(PermissionDenied):
            services.question_update(user=other, question=question, title="Anders")
    services.question_update(user=outsider, question=question, title="Beter gesteld")

    question.refresh_from_db()
    assert question.title == "Beter gesteld"


def test_only_the_asker_deletes_a_question_and_its_answers_go_with_it(outsider, provider):
    question = make_question(author=outsider)
    make_answer(question=question, author=provider)

    with pytest.raises(PermissionDenied):
        services.question_delete(user=provider, question=question)
    services.question_delete(user=outsider, question=question)

    assert not Question.objects.exists()
    assert not Answer.objects.exists()


def test_an_answer_links_the_instruments_its_author_can_see(outsider, provider):
    question = make_question(author=outsider)
    published = InstrumentFactory(owner=provider)
    own_draft = InstrumentFactory(owner=provider, status=Status.DRAFT)

    answer = services.answer_create(
        user=provider, question=question, body="Deze twee.", instruments=[published, own_draft]
    )

    assert set(answer.instruments.all()) == {published, own_draft}


def test_an_answer_cannot_link_someone_elses_draft(outsider, provider, other_provider):
    question = make_question(author=outsider)
    draft = InstrumentFactory(owner=other_provider, status=Status.DRAFT)

    with pytest.raises(ValidationError):
        services.answer_create(user=provider, question=question, body="Dit", instruments=[draft])
    assert not Answer.objects.exists()


def test_answering_notifies_the_asker_and_followers_but_not_the_answerer(
    outsider, provider, other_provider
):
    question = make_question(author=outsider)
    follow_create(user=other_provider, target=question)

    answer = make_answer(question=question, author=provider)

    notified = set(
        Notification.objects.filter(answer=answer, kind=NotificationKind.NEW_ANSWER).values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {outsider.pk, other_provider.pk}


def test_only_the_answerer_edits_an_answer(outsider, provider):
    question = make_question(author=outsider)
    answer = make_answer(question=question, author=provider)

    with pytest.raises(PermissionDenied):
        services.answer_update(user=outsider, answer=answer, body="Overschreven")
    services.answer_update(user=provider, answer=answer, body="Aangevuld")

    answer.refresh_from_db()
    assert answer.body == "Aangevuld"


def test_editing_an_answer_keeps_links_the_author_can_no_longer_see(
    outsider, provider, other_provider
):
    question = make_question(author=outsider)
    theirs = InstrumentFactory(owner=other_provider)
    answer = make_answer(question=question, author=provider, instruments=[theirs])
    # The other provider takes the instrument back to draft: the answerer no longer sees it.
    theirs.status = Status.DRAFT
    theirs.save(update_fields=["status"])
    mine = InstrumentFactory(owner=provider)

    services.answer_update(
        user=provider, answer=answer, body="Nu met mijn eigen", instruments=[mine]
    )

    assert set(answer.instruments.all()) == {theirs, mine}


def test_only_the_answerer_deletes_an_answer(outsider, provider):
    answer = make_answer(question=make_question(author=outsider), author=provider)

    with pytest.raises(PermissionDenied):
        services.answer_delete(user=outsider, answer=answer)
    services.answer_delete(user=provider, answer=answer)

    assert not Answer.objects.exists()


def test_only_the_asker_marks_an_answer_helpful_and_marking_again_takes_it_back(
    outsider, provider, other_provider
):
    answer = make_answer(question=make_question(author=outsider), author=provider)

    for other in (provider, other_provider, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.answer_toggle_helpful(user=other, answer=answer)

    assert services.answer_toggle_helpful(user=outsider, answer=answer).is_helpful is True
    assert services.answer_toggle_helpful(user=outsider, answer=answer).is_helpful is False
