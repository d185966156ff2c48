"""Background work of notifications: fanning new content out to followers, and the digest.

``notifications.services.notify_*`` queue these through ``jobs.queue.enqueue`` (group
"notifications") with plain ids. Each task loads its content again when it runs, through
the default managers, which return only visible content: something deleted, held or hidden
by a moderator between saving and the task notifies nobody. Who may read it is decided
then too, so someone who left a members-only community meanwhile is not told.

Schedules (django-q2 ``Schedule`` rows, created idempotently by data migrations, so
``migrate`` on every deploy is all it takes; staff may change their times in the admin):

- ``send_digests``, weekly: migration ``notifications.0005_weekly_digest_schedule``
  (named "notifications: weekly digest"). ``manage.py send_digest`` runs the same code by
  hand, with ``--dry-run``.
- Removing expired personal data exports, daily: ``backups.0002_export_cleanup_schedule``
  runs ``accounts.personal_data.data_exports_remove_expired``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from backups.models import PersonalDataExport
from communities.models import Community, Invitation, JoinRequest, MemberRole, Membership
from communities.visibility import readable_communities
from experiences.models import Experience
from journal.models import JournalEntry
from moderation.models import Decision
from notifications.digests import run_digests
from notifications.models import Follow, Notification, NotificationKind
from questions.models import Answer, Question
from scans.models import Round


def _followers(*, exclude_id, **targets) -> set[int]:
    """Ids of the people following any of ``targets`` (e.g. instrument=..., community=...)."""
    query = Q()
    for field, obj in targets.items():
        if obj is not None:
            query |= Q(**{field: obj})
    if not query:
        return set()
    ids = set(Follow.objects.filter(query).values_list("user_id", flat=True))
    ids.discard(exclude_id)
    return ids


def _can_read_community(user_ids: set[int], community: Community | None) -> set[int]:
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


def _create(kind: str, recipient_ids: set[int], *, actor_id, **target) -> int:
    Notification.objects.bulk_create(
        Notification(recipient_id=rid, kind=kind, actor_id=actor_id, **target)
        for rid in sorted(recipient_ids)
    )
    return len(recipient_ids)


@transaction.atomic
def notify_new_experience(experience_id: int) -> int:
    """Notify followers of the experience's instrument or community; returns how many."""
    experience = Experience.objects.select_related("community").filter(pk=experience_id).first()
    if experience is None:  # deleted, held or hidden since it was saved
        return 0
    ids = _followers(
        exclude_id=experience.author_id,
        instrument=experience.instrument_id,
        community=experience.community_id,
    )
    ids = _can_read_community(ids, experience.community)
    return _create(
        NotificationKind.NEW_EXPERIENCE, ids, actor_id=experience.author_id, experience=experience
    )


@transaction.atomic
def notify_new_journal_entry(entry_id: int) -> int:
    """Notify followers of the entry's community or of an instrument it uses."""
    entry = JournalEntry.objects.select_related("community").filter(pk=entry_id).first()
    if entry is None:
        return 0
    ids = _followers(exclude_id=entry.author_id, community=entry.community_id)
    for instrument_id in entry.instruments.values_list("pk", flat=True):
        ids |= _followers(exclude_id=entry.author_id, instrument=instrument_id)
    ids = _can_read_community(ids, entry.community)
    return _create(
        NotificationKind.NEW_JOURNAL_ENTRY, ids, actor_id=entry.author_id, journal_entry=entry
    )


@transaction.atomic
def notify_new_answer(answer_id: int) -> int:
    """Notify the asker and the question's followers, while answer and question are visible."""
    answer = (
        Answer.objects.filter(pk=answer_id, question__in=Question.objects.values("pk"))
        .select_related("question")
        .first()
    )
    if answer is None:
        return 0
    ids = _followers(exclude_id=answer.author_id, question=answer.question_id)
    if answer.question.author_id and answer.question.author_id != answer.author_id:
        ids.add(answer.question.author_id)
    return _create(NotificationKind.NEW_ANSWER, ids, actor_id=answer.author_id, answer=answer)


@transaction.atomic
def notify_invitation(invitation_id: int, recipient_id: int) -> int:
    """The in-app notice of an invitation, unless it was withdrawn or accepted meanwhile."""
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True).first()
    if invitation is None:
        return 0
    return _create(
        NotificationKind.INVITATION,
        {recipient_id},
        actor_id=invitation.invited_by_id,
        invitation=invitation,
    )


@transaction.atomic
def notify_join_request(join_request_id: int, facilitator_ids: list[int]) -> int:
    """Notify those of ``facilitator_ids`` who still facilitate, if the request still waits."""
    join_request = JoinRequest.objects.filter(
        pk=join_request_id, status=JoinRequest.Status.PENDING
    ).first()
    if join_request is None:
        return 0
    ids = set(
        Membership.objects.filter(
            community_id=join_request.community_id,
            role=MemberRole.FACILITATOR,
            user_id__in=facilitator_ids,
        ).values_list("user_id", flat=True)
    )
    return _create(
        NotificationKind.JOIN_REQUEST, ids, actor_id=join_request.user_id, join_request=join_request
    )


@transaction.atomic
def notify_moderation_decision(decision_id: int) -> int:
    """Tell the author what a moderator decided (the moderator stays unnamed)."""
    decision = Decision.objects.filter(pk=decision_id, author__isnull=False).first()
    if decision is None:
        return 0
    return _create(
        NotificationKind.MODERATION_DECISION, {decision.author_id}, actor_id=None, decision=decision
    )


@transaction.atomic
def notify_data_export_ready(export_id: int) -> int:
    """Tell the owner their data export is ready, if it still is (not removed, not expired)."""
    export = PersonalDataExport.objects.downloadable().filter(pk=export_id).first()
    if export is None:
        return 0
    return _create(
        NotificationKind.DATA_EXPORT_READY, {export.user_id}, actor_id=None, data_export=export
    )


@transaction.atomic
def notify_scan_round_started(round_id: int) -> int:
    """Ask the community's facilitators and members to fill in the round (observers only
    read, so they cannot answer), unless it was removed or closed meanwhile. Whoever started
    it is not told; whoever left the community by then is not either."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None or not round_.is_open():
        return 0
    ids = set(
        Membership.objects.filter(
            community_id=round_.community_id,
            role__in=(MemberRole.FACILITATOR, MemberRole.MEMBER),
        ).values_list("user_id", flat=True)
    )
    ids.discard(round_.started_by_id)
    return _create(
        NotificationKind.SCAN_ROUND, ids, actor_id=round_.started_by_id, scan_round=round_
    )


def send_digests(days: int = 7) -> str:
    """Mail every follower the digest of the last ``days`` days (the weekly schedule).

    Returns the summary line, which django-q2 keeps as the task's result for staff.
    """
    return run_digests(days=days).summary
