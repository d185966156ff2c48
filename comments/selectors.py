"""Reads of comments. A comment is visible exactly when its target is
(``Comment.objects.visible_to``), and a thread runs two queries however long it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext

from comments.forms import CommentForm
from comments.models import Comment
from comments.services import check_comment_create_permission
from comments.targets import target_field, target_kind
from moderation.constants import ModerationState
from moderation.rules import readable_filter


def _with_author_and_replies(queryset, *, user):
    """Authors and replies; ``user``'s own held replies are among them (marked on the page)."""
    replies = Comment.all_objects.filter(readable_filter(user)).select_related("author")
    return queryset.select_related("author").prefetch_related(
        Prefetch("replies", queryset=replies.order_by("created_at", "id"))
    )


def thread_dom_id(target: Model) -> str:
    """The id of a target's thread on its page: the anchor that links land on."""
    return f"comments-{target_kind(target)}-{target.pk}"


@dataclass
class CommentThread:
    """Everything ``comments/_thread.html`` shows for one target (see its header)."""

    target: Model
    kind: str
    comments: list[Comment]
    can_post: bool
    signed_in: bool
    form: CommentForm | None = None
    reply_form: CommentForm | None = None
    reply_to: int | None = None
    edit_form: CommentForm | None = None
    editing: int | None = None
    status: str = ""
    # Why a signed-in viewer cannot post here (observer, suspended, held target), or "".
    cannot_post_reason: str = ""

    @property
    def dom_id(self) -> str:
        return thread_dom_id(self.target)

    @property
    def post_url(self) -> str:
        return reverse("comments:create", kwargs={"kind": self.kind, "target_id": self.target.pk})

    @property
    def count(self) -> int:
        return sum(1 + len(comment.replies.all()) for comment in self.comments)

    def __post_init__(self) -> None:
        # Field ids must be unique on a page that holds several forms.
        if self.form is None:
            self.form = CommentForm()
        self.form.auto_id = f"{self.dom_id}-new-%s"
        if self.reply_form is not None:
            self.reply_form.auto_id = f"reply-{self.reply_to}-%s"
        if self.edit_form is not None:
            self.edit_form.auto_id = f"edit-{self.editing}-%s"
            # htmx moves focus to an autofocus field it swaps in: straight into the edit.
            self.edit_form.fields["body"].widget.attrs["autofocus"] = True


def _cannot_post_reason(user, target: Model) -> str:
    if getattr(target, "moderation_state", ModerationState.VISIBLE) != ModerationState.VISIBLE:
        return gettext("Comments open once a moderator has reviewed this.")
    try:
        check_comment_create_permission(user, target, check_visibility=False)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def comment_thread(*, user, target: Model, **state) -> CommentThread:
    """The comments on ``target`` that ``user`` may see, oldest first, with their replies.

    The caller has already fetched ``target`` through its visibility rule. Two queries
    (top-level comments with authors, replies with authors), plus one for the viewer's
    role when the target lies in a community and the viewer is signed in.
    ``user``'s own comments held for review are included (marked on the page); nobody
    may comment on a target that is itself held (only its author sees it).
    ``state`` sets the form fields of ``CommentThread`` (a form with errors, a status).
    """
    field_name = target_field(target)
    comments = Comment.all_objects.visible_to(user).filter(
        readable_filter(user), **{field_name: target.pk}, parent__isnull=True
    )
    reason = _cannot_post_reason(user, target) if user.is_authenticated else ""
    return CommentThread(
        target=target,
        kind=target_kind(target),
        comments=list(_with_author_and_replies(comments, user=user).order_by("created_at", "id")),
        can_post=user.is_authenticated and not reason,
        cannot_post_reason=reason,
        signed_in=user.is_authenticated,
        **state,
    )


def get_comment_for_user(*, user, comment_id: int) -> Comment:
    """The comment with its target, or 404 if it is missing or ``user`` cannot see it."""
    comment = (
        Comment.objects.visible_to(user)
        .select_related(
            "author", "instrument", "experience__community", "journal_entry__community", "question"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Http404
    return comment
