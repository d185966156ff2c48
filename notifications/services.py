"""Creating notifications. Other apps call these after they write something new.

The ``notify_*`` functions only queue the work (``jobs.queue.enqueue``, group
"notifications") with the content's id: finding the followers, checking who may read it
and creating the rows happens in ``notifications.tasks``, in the worker, after the saving
transaction committed. The task looks the content up again and notifies nobody if it was
deleted or hidden by then. Each notice goes to the followers of the content's instrument,
community or question (never the actor), but only those who may see the content when the
task runs; reading notifications filters by visibility again (see ``selectors``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jobs.queue import enqueue
from notifications.models import Follow, Notification
from notifications.selectors import can_follow, target_type

MESSAGE_CANNOT_FOLLOW = gettext_noop("You cannot follow this.")

# The django-q2 group of every notification task (staff see the groups at /taken/).
GROUP = "notifications"


def notify_new_experience(experience) -> None:
    """Queue the notices of a new (visible) experience for its followers."""
    enqueue("notifications.tasks.notify_new_experience", experience.pk, group=GROUP)


def notify_new_journal_entry(entry) -> None:
    """Queue the notices of a new journal entry for followers of its community or instruments."""
    enqueue("notifications.tasks.notify_new_journal_entry", entry.pk, group=GROUP)


def notify_new_answer(answer) -> None:
    """Queue the notices of a new answer for the asker and the question's followers."""
    enqueue("notifications.tasks.notify_new_answer", answer.pk, group=GROUP)


def notify_invitation(invitation, *, recipient) -> None:
    """An in-app notice for an invitee who already has an account (the mail goes anyway)."""
    enqueue("notifications.tasks.notify_invitation", invitation.pk, recipient.pk, group=GROUP)


def notify_join_request(join_request, *, facilitator_ids: set[int]) -> None:
    """Queue a notice for the facilitators (those who still facilitate when it runs)."""
    enqueue(
        "notifications.tasks.notify_join_request",
        join_request.pk,
        sorted(facilitator_ids),
        group=GROUP,
    )


def notify_moderation_decision(decision) -> None:
    """Tell the author of moderated content what a moderator decided (the page
    ``moderation:mine`` says what, why, and how to appeal). The moderator stays unnamed."""
    if decision.author_id is None:
        return
    enqueue("notifications.tasks.notify_moderation_decision", decision.pk, group=GROUP)


def notify_data_export_ready(export) -> None:
    """Tell someone their personal data export can be downloaded."""
    enqueue("notifications.tasks.notify_data_export_ready", export.pk, group=GROUP)


def notify_scan_round_started(round_) -> None:
    """Ask a community's facilitators and members (not its observers, not the one who
    started it) to fill in a new scan round, if it is still open when the task runs."""
    enqueue("notifications.tasks.notify_scan_round_started", round_.pk, group=GROUP)


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
