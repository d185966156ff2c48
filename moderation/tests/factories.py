"""Moderation test helpers, going through the same services the site uses.

- ``make_moderator(**fields)`` -> a platform moderator (``is_moderator``).
- ``make_report(obj, *, reporter=None, reason="spam", note="")`` -> Report (merged per item;
  a new reporter when none is given).
- ``moderate(action_class, obj_or_case, *, moderator, **params)`` -> ActionResult, asserting it
  succeeded (e.g. ``moderate(Hide, comment, moderator=m, reason="...")``).
- ``approve(obj, *, moderator)`` -> Decision: a moderator approves a held contribution
  (an APPROVE ``Decision`` first, then ``content_release``, as the moderation queue does).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from accounts.tests.factories import UserFactory
from moderation.actions import ActionResult
from moderation.constants import ActionKind
from moderation.models import Decision
from moderation.registry import kind_of
from moderation.services import content_release, report_create


def make_moderator(**fields):
    return UserFactory(is_moderator=True, **fields)


def make_report(obj, *, reporter=None, reason: str = "spam", note: str = ""):
    report, _created = report_create(
        reporter=reporter or UserFactory(), obj=obj, reason=reason, note=note
    )
    return report


def moderate(action_class, target, *, moderator, **params) -> ActionResult:
    result = action_class(moderator, target, **params).execute()
    assert result.ok, result.message
    return result


def approve(obj, *, moderator) -> Decision:
    kind = kind_of(obj)
    decision = Decision.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        kind=kind.key,
        action=ActionKind.APPROVE,
        moderator=moderator,
        author=kind.author_of(obj),
    )
    content_release(obj)
    return decision
