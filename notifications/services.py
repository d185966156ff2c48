"""Creating notifications. Other apps call these after they write something new.

Each function notifies the followers of the content's instrument, community or
question (never the actor), but only those who may see the content now; reading
notifications filters by visibility again (see ``selectors``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.visibility import readable_communities
from notifications.models import Follow, Notification, NotificationKind
from notifications.selectors import can_follow, target_type

MESSAGE_CANNOT_FOLLOW = gettext_noop("You cannot follow this.")


def _followers(*, exclude, **targets) -> set[int]:
    """Ids of the people following any of ``targets`` (e.g. instrument=..., community=...)."""
    query = Q()
    for field, obj in targets.items():
        if obj is not None:
            query |= Q(**{field: obj})
    if not query:
        return set()
    ids = set(Follow.objects.filter(query).values_list("user_id", flat=True))
    ids.discard(getattr(exclude, "pk", None))
    return ids


def _can_read_community(user_ids: set[int], community) -> set[int]:
    """The people among ``user_ids`` who may read ``community``'s content.

    What anonymous visitors may read, everyone may (one query for a public community);
    otherwise each person is asked through ``readable_communities``.
    """
    if community is None or not user_ids:
        return user_ids
    if readable_communities(None).filter(pk=community.pk).exists():
        return user_ids
    User = get_user_model()
    return {
        user.pk
        for user in User.objects.filter(pk__in=user_ids)
        if readable_communities(user).filter(pk=community.pk).exists()
    }


def _create(kind: str, recipient_ids: set[int], *, actor, **target) -> int:
    Notification.objects.bulk_create(
        Notification(recipient_id=rid, kind=kind, actor=actor, **target)
        for rid in sorted(recipient_ids)
    )
    return len(recipient_ids)


@transaction.atomic
def notify_new_experience(experience) -> int:
    ids = _followers(
        exclude=experience.author,
        instrument=experience.instrument,
        community=experience.community,
    )
    ids = _can_read_community(ids, experience.community)
    return _create(
        NotificationKind.NEW_EXPERIENCE, ids, actor=experience.author, experience=experience
    )


@transaction.atomic
def notify_new_journal_entry(entry) -> int:
    instruments = list(entry.instruments.all())
    ids = _followers(exclude=entry.author, community=entry.community)
    for instrument in instruments:
        ids |= _followers(exclude=entry.author, instrument=instrument)
    ids = _can_read_community(ids, entry.community)
    return _create(NotificationKind.NEW_JOURNAL_ENTRY, ids, actor=entry.author, journal_entry=entry)


@transaction.atomic
def notify_new_answer(answer) -> int:
    ids = _followers(exclude=answer.author, question=answer.question)
    if answer.question.author_id and answer.question.author_id != answer.author_id:
        ids.add(answer.question.author_id)
    return _create(NotificationKind.NEW_ANSWER, ids, actor=answer.author, answer=answer)


@transaction.atomic
def notify_invitation(invitation, *, recipient) -> int:
    """An in-app notice for an invitee who already has an account (the mail goes anyway)."""
    return _create(
        NotificationKind.INVITATION,
        {recipient.pk},
        actor=invitation.invited_by,
        invitation=invitation,
    )


@transaction.atomic
def notify_join_request(join_request, *, facilitator_ids: set[int]) -> int:
    return _create(
        NotificationKind.JOIN_REQUEST,
        facilitator_ids,
        actor=join_request.user,
        join_request=join_request,
    )


@transaction.atomic
def notify_moderation_decision(decision) -> int:
    """Tell the author of moderated content what a moderator decided (the page
    ``moderation:mine`` says what, why, and how to appeal). The moderator stays unnamed."""
    if decision.author_id is None:
        return 0
    return _create(
        NotificationKind.MODERATION_DECISION, {decision.author_id}, actor=None, decision=decision
    )


# Follows ---------------------------------------------------------------------------


def check_follow_permission(user, target) -> None:
    """Only someone signed in who may read ``target`` follows it (see ``selectors.followable``).

    Views reach targets through ``selectors.get_follow_target_for_user`` (404 first); this
    is the second line of defence for callers that do not.
    """
    if user is None or not user.is_authenticated or not can_follow(user, target):
        raise PermissionDenied(_(MESSAGE_CANNOT_FOLLOW))


@transaction.atomic
def follow_create(*, user, target) -> Follow:
    """Follow an instrument, community or question. Following twice changes nothing."""
    check_follow_permission(user, target)
    follow, _created = Follow.objects.get_or_create(user=user, **{target_type(target): target})
    return follow


@transaction.atomic
def follow_delete(*, user, target) -> bool:
    """Stop following ``target``; True if there was something to stop."""
    deleted, _by_model = Follow.objects.filter(user=user, **{target_type(target): target}).delete()
    return bool(deleted)


# Reading ---------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of ``user`` as read, also ones hidden now (harmless)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
