"""Comments on an instrument, experience, journal entry or question.

No ``from __future__ import annotations``: ninja reads the signatures at runtime.
"""

from django.http import HttpRequest
from ninja import Router, Status

from api.auth import WRITE_AUTH, caller
from api.schemas import WRITE_ERRORS, CommentIn, CommentOut
from api.selectors import get_comment_target
from comments.selectors import get_comment_for_user
from comments.services import comment_create

router = Router(tags=["comments"], auth=WRITE_AUTH)


@router.post(
    "/comments",
    response={201: CommentOut, **WRITE_ERRORS},
)
def create_comment(request: HttpRequest, payload: CommentIn):
    """Comment on something you can see (404 otherwise, as if it did not exist).

    Observers of a community read along but do not comment there (403). A reply to a
    reply attaches to the first comment, so threads stay one level deep.
    """
    user = caller(request)
    target = get_comment_target(
        user=user, target_type=payload.target_type, target_id=payload.target_id
    )
    parent = None
    if payload.parent_id is not None:
        parent = get_comment_for_user(user=user, comment_id=payload.parent_id)
    comment = comment_create(author=user, target=target, body=payload.body, parent=parent)
    return Status(201, comment)
