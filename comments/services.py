"""Writes to comments. Every write checks permission itself; the views only turn the
errors into pages.

- Anyone signed in who can see a target may comment on it, except an observer of the
  target's community: observers read along but do not write there.
- Replies are one level deep: replying to a reply attaches to that reply's parent.
- Only the author edits or deletes a comment. Deleting a comment deletes its replies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comments.models import Comment
from comments.targets import is_visible_to, target_community, target_field
from communities.models import MemberRole
from communities.visibility import member_role
from moderation.services import check_can_contribute, hold_for_review, initial_state

MESSAGE_SIGN_IN = gettext_noop("Sign in to comment.")
MESSAGE_TARGET_HIDDEN = gettext_noop("This page cannot be found.")
MESSAGE_OBSERVER = gettext_noop("Observers of this community read along but do not comment.")
MESSAGE_NOT_AUTHOR = gettext_noop("Only the author of this comment can change it.")
MESSAGE_OTHER_THREAD = gettext_noop("You can only reply to a comment on the same page.")


def can_comment(user, target: Model) -> bool:
    """Whether ``user`` (who can see ``target``) may comment on it (no exception)."""
    try:
        check_comment_create_permission(user, target, check_visibility=False)
    except PermissionDenied:
        return False
    return True


def check_comment_create_permission(user, target: Model, *, check_visibility: bool = True) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_(MESSAGE_SIGN_IN))
    check_can_contribute(user)
    if check_visibility and not is_visible_to(user, target):
        raise PermissionDenied(_(MESSAGE_TARGET_HIDDEN))
    community = target_community(target)
    if community is not None and member_role(user, community) == MemberRole.OBSERVER:
        raise PermissionDenied(_(MESSAGE_OBSERVER))


def check_comment_edit_permission(user, comment: Comment) -> None:
    if not (user.is_authenticated and comment.author_id == user.pk):
        raise PermissionDenied(_(MESSAGE_NOT_AUTHOR))


@transaction.atomic
def comment_create(*, author, target: Model, body: str, parent: Comment | None = None) -> Comment:
    """A comment by ``author`` on ``target``, or a reply to ``parent`` on the same target.

    A reply to a reply becomes a reply to its parent, so threads stay one level deep.
    A new account's comment is held for review (its author sees it marked as pending).
    """
    check_comment_create_permission(author, target)
    field = target_field(target)
    if parent is not None:
        if getattr(parent, f"{field}_id") != target.pk:
            raise ValidationError(_(MESSAGE_OTHER_THREAD))
        if parent.parent_id is not None:
            parent = parent.parent
    comment = Comment(author=author, parent=parent, body=body, **{field: target})
    comment.moderation_state = initial_state(author)
    comment.full_clean()
    comment.save()
    if comment.is_pending:
        hold_for_review(comment)
    return comment


@transaction.atomic
def comment_update(*, user, comment: Comment, body: str) -> Comment:
    check_comment_edit_permission(user, comment)
    comment.body = body
    comment.full_clean()
    comment.save(update_fields=["body", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, user, comment: Comment) -> None:
    check_comment_edit_permission(user, comment)
    comment.delete()
