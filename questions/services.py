"""Writes of questions and answers.

Questions are public (they are the demand side providers need to see), so the checks
here are about authorship only: anyone signed in asks and answers, the author edits and
deletes their own, and only the asker marks answers as helpful. An answer links only
instruments its author may see (``Instrument.objects.visible_to``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from instruments.models import Instrument, Sector
from moderation.services import check_can_contribute, hold_for_review, initial_state
from notifications.services import follow_create, notify_new_answer
from questions.models import Answer, Question

MESSAGE_SIGN_IN = gettext_noop("Sign in to ask or answer a question.")
MESSAGE_NOT_QUESTION_AUTHOR = gettext_noop("Only the person who asked this question can change it.")
MESSAGE_NOT_ANSWER_AUTHOR = gettext_noop("Only the person who wrote this answer can change it.")
MESSAGE_NOT_ASKER = gettext_noop(
    "Only the person who asked this question can mark answers as helpful."
)
MESSAGE_UNKNOWN_INSTRUMENT = gettext_noop("Choose instruments from the library.")


def _check_signed_in(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))


def check_question_edit_permission(user, question: Question) -> None:
    """Only the asker edits or deletes a question (nobody else, staff included)."""
    _check_signed_in(user)
    if question.author_id != user.pk:
        raise PermissionDenied(_(MESSAGE_NOT_QUESTION_AUTHOR))


def check_answer_edit_permission(user, answer: Answer) -> None:
    _check_signed_in(user)
    if answer.author_id != user.pk:
        raise PermissionDenied(_(MESSAGE_NOT_ANSWER_AUTHOR))


def check_mark_helpful_permission(user, answer: Answer) -> None:
    _check_signed_in(user)
    if answer.question.author_id != user.pk:
        raise PermissionDenied(_(MESSAGE_NOT_ASKER))


def _visible_instruments(user, instruments: Iterable[Instrument]) -> list[Instrument]:
    """The chosen instruments, refusing any that ``user`` may not see (a draft of another)."""
    chosen = {instrument.pk: instrument for instrument in instruments}
    if not chosen:
        return []
    visible = set(
        Instrument.objects.visible_to(user).filter(pk__in=chosen).values_list("pk", flat=True)
    )
    if visible != set(chosen):
        raise ValidationError({"instruments": _(MESSAGE_UNKNOWN_INSTRUMENT)})
    return list(chosen.values())


@transaction.atomic
def question_create(
    *, user, title: str, body: str = "", phase: str = "", sector: Sector | None = None
) -> Question:
    """Ask a question. The asker follows it, so its answers reach their weekly digest.
    A new account's question is held for review before others see it."""
    _check_signed_in(user)
    check_can_contribute(user)
    question = Question(author=user, title=title, body=body, phase=phase, sector=sector)
    question.moderation_state = initial_state(user)
    question.full_clean()
    question.save()
    if question.is_pending:
        hold_for_review(question)  # the asker follows it once it is released
    else:
        follow_create(user=user, target=question)
    return question


@transaction.atomic
def question_update(
    *,
    user,
    question: Question,
    title: str,
    body: str = "",
    phase: str = "",
    sector: Sector | None = None,
) -> Question:
    check_question_edit_permission(user, question)
    question.title, question.body, question.phase, question.sector = title, body, phase, sector
    question.full_clean()
    question.save(update_fields=["title", "body", "phase", "sector", "updated_at"])
    return question


@transaction.atomic
def question_delete(*, user, question: Question) -> None:
    check_question_edit_permission(user, question)
    question.delete()


@transaction.atomic
def answer_create(
    *, user, question: Question, body: str, instruments: Iterable[Instrument] = ()
) -> Answer:
    """Answer a question and notify the asker and the question's followers. A new
    account's answer is held for review; they are notified when it is approved."""
    _check_signed_in(user)
    check_can_contribute(user)
    linked = _visible_instruments(user, instruments)
    answer = Answer(question=question, author=user, body=body)
    answer.moderation_state = initial_state(user)
    answer.full_clean()
    answer.save()
    answer.instruments.set(linked)
    if answer.is_pending:
        hold_for_review(answer)
    else:
        notify_new_answer(answer)
    return answer


@transaction.atomic
def answer_update(
    *, user, answer: Answer, body: str, instruments: Iterable[Instrument] = ()
) -> Answer:
    """Change an answer's text and instruments.

    Links to instruments the author can no longer see (a draft since unpublished by its
    provider) are kept: the edit form cannot show them, so leaving them out of the
    selection does not mean the author removed them.
    """
    check_answer_edit_permission(user, answer)
    linked = _visible_instruments(user, instruments)
    hidden = answer.instruments.exclude(pk__in=Instrument.objects.visible_to(user).values("pk"))
    answer.body = body
    answer.full_clean()
    answer.save(update_fields=["body", "updated_at"])
    answer.instruments.set([*linked, *hidden])
    return answer


@transaction.atomic
def answer_delete(*, user, answer: Answer) -> None:
    check_answer_edit_permission(user, answer)
    answer.delete()


@transaction.atomic
def answer_toggle_helpful(*, user, answer: Answer) -> Answer:
    """The asker marks an answer as helpful, or takes the mark back. Several may be helpful."""
    check_mark_helpful_permission(user, answer)
    answer.is_helpful = not answer.is_helpful
    answer.save(update_fields=["is_helpful"])
    return answer
