"""Questions are public; their answers show only the instruments the caller may see.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from api.auth import ANONYMOUS_ALLOWED, READ_AUTH, WRITE_AUTH, caller
from api.pagination import CursorPage
from api.schemas import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    QuestionDetailOut,
    QuestionIn,
    QuestionOut,
)
from api.selectors import api_questions, get_question_detail, get_sector
from questions.selectors import question_answers
from questions.services import question_create

router = Router(tags=["questions"])


@router.get(
    "/questions",
    response={200: list[QuestionOut], **LIST_ERRORS},
    auth=READ_AUTH,
    openapi_extra=ANONYMOUS_ALLOWED,
)
@paginate(CursorPage, ordering=("-created_at", "-id"))
def list_questions(request: HttpRequest):
    """Questions, newest first."""
    return api_questions(user=caller(request))


@router.get(
    "/questions/{int:question_id}",
    response={200: QuestionDetailOut, **DETAIL_ERRORS},
    auth=READ_AUTH,
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_question(request: HttpRequest, question_id: int):
    """A question with its answers, helpful ones first."""
    user = caller(request)
    question = get_question_detail(user=user, question_id=question_id)
    question.answers_for_api = question_answers(question=question, user=user)
    return question


@router.post(
    "/questions",
    response={201: QuestionOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def create_question(request: HttpRequest, payload: QuestionIn):
    """Ask a question; you follow it, so its answers reach your digest."""
    user = caller(request)
    question = question_create(
        user=user,
        title=payload.title,
        body=payload.body,
        phase=payload.phase,
        sector=get_sector(payload.sector),
    )
    return Status(201, get_question_detail(user=user, question_id=question.pk))
