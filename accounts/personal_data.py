"""A person's own data: downloading all of it, and deleting the account.

The download is a zip with one JSON file per kind of data and a ``LEESMIJ.txt`` that
explains them. It holds what the person entered or what is recorded about them, and never
another person's data (no e-mail addresses, names or texts of others), nor any secret
(token hashes, TOTP secrets, recovery codes, social login tokens).

Building it can take a while for an active person, so it is background work: the person
asks for it (``data_export_request``); the task ``data_export_build`` writes the zip into
private storage (``backups.models.PersonalDataExport``, outside MEDIA_ROOT, which is served)
and notifies them; only they can download it, for ``settings.PERSONAL_DATA_EXPORT_KEEP``
(7 days), after which the nightly ``data_exports_remove_expired`` removes it.

Deleting an account offers two choices for the person's contributions (experiences,
comments, questions, answers, journal entries and answers to scans):

- ``delete``: they go, with what hangs on them (comments and answers of others on them,
  replies to their comments, value stories and attachments of their journal entries);
  answers to scans go too, except in closed rounds, where they stay without an author
  (see ``_remove_scan_answers``);
- ``anonymise``: they stay, without an author. The author foreign keys are ``SET_NULL``,
  so deleting the user is what detaches them; pages then say "a former member".

In both cases published instruments stay in the library without a provider (other people's
experiences and journal entries build on them) and drafts are deleted. A community's last
facilitator must hand over first: a community cannot be left without one.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import logging
import zipfile
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from api.models import ApiToken
from audit.services import record_event
from backups.models import ExportStatus, PersonalDataExport
from comments.models import Comment
from communities.models import Community, Invitation, JoinRequest, MemberRole, Membership
from experiences.models import Experience
from feeds.models import FeedToken, SavedSearch
from instruments.constants import Status
from instruments.models import Instrument, InstrumentAttachment, InstrumentRevision
from instruments.records import instrument_to_record, with_record_relations
from jobs.queue import enqueue
from journal.models import JournalAttachment, JournalEntry
from knowledge.models import ConceptRevision
from moderation.constants import CaseStatus
from moderation.models import Appeal, Case, Decision, Report
from moderation.registry import KINDS
from notifications.models import Follow, Notification
from notifications.services import notify_data_export_ready
from questions.models import Answer, Question
from scans.models import Response as ScanResponse
from scans.models import Round as ScanRound

DELETE = "delete"
ANONYMISE = "anonymise"
CONTRIBUTION_CHOICES = (DELETE, ANONYMISE)

MESSAGE_WRONG_PASSWORD = gettext_lazy("That is not your password. Nothing has been deleted.")
MESSAGE_WRONG_EMAIL = gettext_lazy(
    "That is not the e-mail address of your account. Nothing has been deleted."
)
MESSAGE_UNKNOWN_CHOICE = gettext_lazy(
    "Choose what happens to your contributions: delete them or keep them anonymised."
)
MESSAGE_SOLE_FACILITATOR = gettext_lazy(
    "You are the only facilitator of %(communities)s. A community cannot be left without "
    "a facilitator: make another member a facilitator first, then delete your account."
)

# Files of the download, in the order LEESMIJ.txt describes them.
FILE_DESCRIPTIONS = {
    "profile.json": gettext_lazy(
        "Your account: name, e-mail addresses, organisation, roles, dates, and the "
        "linked sign-in services (only which service and your id there)."
    ),
    "memberships.json": gettext_lazy("The communities you are a member of, with your role."),
    "invitations.json": gettext_lazy(
        "Invitations you sent (without the invited address) and invitations sent to you."
    ),
    "join_requests.json": gettext_lazy("Your requests to join communities."),
    "instruments.json": gettext_lazy(
        "The instruments you provide, published and draft, with their attachments."
    ),
    "revisions.json": gettext_lazy("The versions of instruments and concepts you saved."),
    "experiences.json": gettext_lazy("The experiences you shared."),
    "comments.json": gettext_lazy("Your comments and replies."),
    "questions.json": gettext_lazy("The questions you asked."),
    "answers.json": gettext_lazy("The answers you gave."),
    "journal_entries.json": gettext_lazy(
        "The journal entries you wrote, with their value stories and the attachments you added."
    ),
    "scan_answers.json": gettext_lazy(
        "Your own answers to scans in communities. Nobody else can see them; others only "
        "see results of a whole group."
    ),
    "follows.json": gettext_lazy("The instruments, communities and questions you follow."),
    "notifications.json": gettext_lazy("Your notifications: what kind, when, and if read."),
    "saved_searches.json": gettext_lazy("Your saved searches."),
    "tokens.json": gettext_lazy(
        "Your API tokens and feed token: names and dates only. The tokens themselves are "
        "never stored, so they are not in the download."
    ),
    "reports.json": gettext_lazy("The reports you made and what came of them."),
    "moderation.json": gettext_lazy(
        "Moderators' decisions about your contributions or your account, and your appeals."
    ),
    "two_factor.json": gettext_lazy(
        "Your two-factor sign-in methods: kind and dates only, never the secret or the "
        "recovery codes."
    ),
}

_CHUNK = 500

logger = logging.getLogger(__name__)


# --- download ------------------------------------------------------------------------


def _profile(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "organisation": user.organisation.name if user.organisation_id else None,
        "roles": user.roles,
        "is_moderator": user.is_moderator,
        "is_staff": user.is_staff,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "has_password": user.has_usable_password(),
        "code_of_conduct_accepted_at": user.code_of_conduct_accepted_at,
        "trusted_at": user.trusted_at,
        "profile_moderation": user.moderation_state,
        "suspended_until": user.suspended_until,
        "reports_upheld": user.reports_upheld,
        "reports_dismissed": user.reports_dismissed,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "linked_sign_in": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "date_joined": account.date_joined,
                "last_login": account.last_login,
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def _memberships(user: User) -> list[dict]:
    return [
        {
            "community": m.community.name,
            "slug": m.community.slug,
            "role": m.role,
            "joined_at": m.joined_at,
        }
        for m in Membership.objects.filter(user=user).select_related("community")
    ]


def _addressed_to(user: User) -> Q:
    """Invitations to ``user``: accepted by them, or sent to one of their addresses."""
    addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    addressed = Q(accepted_by=user)
    for address in {user.email, *addresses}:
        addressed |= Q(email__iexact=address)
    return addressed


def _invitations(user: User) -> dict:
    """Sent invitations leave out the invited address: it is someone else's data."""
    received = _addressed_to(user)
    return {
        "sent": [
            {
                "community": i.community.name,
                "role": i.role,
                "created_at": i.created_at,
                "expires_at": i.expires_at,
                "accepted": i.accepted_at is not None,
            }
            for i in Invitation.objects.filter(invited_by=user).select_related("community")
        ],
        "received": [
            {
                "community": i.community.name,
                "email": i.email,
                "role": i.role,
                "created_at": i.created_at,
                "accepted_at": i.accepted_at,
            }
            for i in Invitation.objects.filter(received).select_related("community")
        ],
    }


def _join_requests(user: User) -> list[dict]:
    return [
        {
            "community": r.community.name,
            "message": r.message,
            "status": r.status,
            "created_at": r.created_at,
            "decided_at": r.decided_at,
        }
        for r in JoinRequest.objects.filter(user=user).select_related("community")
    ]


def _attachment(attachment) -> dict:
    return {
        "title": attachment.title,
        "file_name": attachment.file.name.rsplit("/", 1)[-1] if attachment.file else "",
        "content_type": attachment.content_type,
        "size": attachment.size,
        "created_at": attachment.created_at,
    }


def _instruments(user: User) -> list[dict]:
    mine = InstrumentAttachment.objects.filter(uploaded_by=user)
    instruments = (
        with_record_relations(Instrument.all_objects.filter(owner=user))
        .prefetch_related(Prefetch("attachments", queryset=mine, to_attr="attachments_mine"))
        .order_by("pk")
    )
    rows = []
    for instrument in instruments.iterator(chunk_size=_CHUNK):
        rows.append(
            {
                "record": instrument_to_record(instrument),
                "status": instrument.status,
                "moderation": instrument.moderation_state,
                "created_at": instrument.created_at,
                "updated_at": instrument.updated_at,
                "attachments_you_added": [_attachment(a) for a in instrument.attachments_mine],
            }
        )
    return rows


def _revisions(user: User) -> dict:
    return {
        "instruments": [
            {
                "instrument": r.instrument.slug,
                "number": r.number,
                "note": r.note,
                "created_at": r.created_at,
                "data": r.data,
            }
            for r in InstrumentRevision.objects.filter(author=user)
            .select_related("instrument")
            .order_by("pk")
            .iterator(chunk_size=_CHUNK)
        ],
        "concepts": [
            {
                "concept": r.concept.slug,
                "number": r.number,
                "note": r.note,
                "created_at": r.created_at,
                "data": r.data,
            }
            for r in ConceptRevision.objects.filter(author=user)
            .select_related("concept")
            .order_by("pk")
            .iterator(chunk_size=_CHUNK)
        ],
    }


def _experiences(user: User) -> list[dict]:
    experiences = (
        Experience.all_objects.filter(author=user)
        .select_related("instrument", "community", "sector")
        .order_by("pk")
    )
    return [
        {
            "id": e.pk,
            "instrument": e.instrument.slug,
            "community": e.community.name if e.community_id else None,
            "sector": e.sector.slug if e.sector_id else None,
            "level": e.level,
            "phase": e.phase,
            "group_size": e.group_size,
            "partners": {
                "business": e.with_business,
                "education": e.with_education,
                "government": e.with_government,
                "citizens": e.with_citizens,
            },
            "what_was_done": e.what_was_done,
            "what_worked": e.what_worked,
            "what_did_not": e.what_did_not,
            "adaptation": e.adaptation,
            "rating": e.rating,
            "would_recommend": e.would_recommend,
            "moderation": e.moderation_state,
            "created_at": e.created_at,
            "updated_at": e.updated_at,
        }
        for e in experiences.iterator(chunk_size=_CHUNK)
    ]


def _comment_target(comment: Comment) -> dict:
    for name in ("instrument", "experience", "journal_entry", "question"):
        target_id = getattr(comment, f"{name}_id")
        if target_id is not None:
            return {"kind": name, "id": target_id}
    return {}


def _comments(user: User) -> list[dict]:
    return [
        {
            "id": c.pk,
            "on": _comment_target(c),
            "reply_to": c.parent_id,
            "body": c.body,
            "moderation": c.moderation_state,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }
        for c in Comment.all_objects.filter(author=user).order_by("pk").iterator(chunk_size=_CHUNK)
    ]


def _questions(user: User) -> list[dict]:
    return [
        {
            "id": q.pk,
            "title": q.title,
            "body": q.body,
            "phase": q.phase,
            "sector": q.sector.slug if q.sector_id else None,
            "moderation": q.moderation_state,
            "created_at": q.created_at,
            "updated_at": q.updated_at,
        }
        for q in Question.all_objects.filter(author=user).select_related("sector").order_by("pk")
    ]


def _answers(user: User) -> list[dict]:
    answers = Answer.all_objects.filter(author=user).prefetch_related("instruments").order_by("pk")
    return [
        {
            "id": a.pk,
            "question": a.question_id,
            "body": a.body,
            "instruments": [i.slug for i in a.instruments.all()],
            "helpful": a.is_helpful,
            "moderation": a.moderation_state,
            "created_at": a.created_at,
            "updated_at": a.updated_at,
        }
        for a in answers
    ]


def _journal_entries(user: User) -> list[dict]:
    entries = (
        JournalEntry.all_objects.filter(author=user)
        .select_related("community")
        .prefetch_related("instruments", "value_stories")
        .order_by("pk")
    )
    mine = {}
    for attachment in JournalAttachment.objects.filter(uploaded_by=user).order_by("pk"):
        mine.setdefault(attachment.entry_id, []).append(_attachment(attachment))
    rows = []
    for entry in entries:
        rows.append(
            {
                "id": entry.pk,
                "community": entry.community.name,
                "kind": entry.kind,
                "date": entry.date,
                "title": entry.title,
                "phase": entry.phase,
                "sub_phase": entry.sub_phase,
                "sprint_number": entry.sprint_number,
                "text": entry.text,
                "instruments": [i.slug for i in entry.instruments.all()],
                "value_stories": [
                    {
                        "cycle": s.cycle,
                        "capital": s.capital,
                        "text": s.text,
                        "created_at": s.created_at,
                    }
                    for s in entry.value_stories.all()
                ],
                "attachments_you_added": mine.pop(entry.pk, []),
                "moderation": entry.moderation_state,
                "created_at": entry.created_at,
                "updated_at": entry.updated_at,
            }
        )
    # Attachments added to someone else's entry (a facilitator may add them).
    for entry_id, attachments in mine.items():
        rows.append({"id": entry_id, "attachments_you_added": attachments})
    return rows


def _scan_answers(user: User) -> list[dict]:
    """The person's own answers, round by round (answers are never exported to anyone else)."""
    responses = (
        ScanResponse.objects.filter(respondent=user)
        .select_related("round__community", "round__version")
        .prefetch_related("answers__item")
        .order_by("pk")
    )
    return [
        {
            "community": response.round.community.name,
            "round": response.round.title,
            "scan": response.round.version.title,
            "submitted_at": response.submitted_at,
            "updated_at": response.updated_at,
            "answers": [
                {"item": answer.item.text, "value": answer.value, "text": answer.text}
                for answer in response.answers.all()
            ],
        }
        for response in responses
    ]


def _follows(user: User) -> list[dict]:
    rows = []
    for f in Follow.objects.filter(user=user).select_related("instrument", "community"):
        if f.instrument_id:
            rows.append({"instrument": f.instrument.slug, "since": f.created_at})
        elif f.community_id:
            rows.append({"community": f.community.name, "since": f.created_at})
        else:
            rows.append({"question": f.question_id, "since": f.created_at})
    return rows


def _notifications(user: User) -> list[dict]:
    """What kind, when, and about which item (by id): never who caused it."""
    rows = []
    notifications = Notification.objects.filter(recipient=user).order_by("pk")
    for n in notifications.iterator(chunk_size=_CHUNK):
        about = {
            name: getattr(n, f"{name}_id")
            for name in (
                "experience",
                "journal_entry",
                "answer",
                "invitation",
                "join_request",
                "scan_round",
            )
            if getattr(n, f"{name}_id") is not None
        }
        rows.append(
            {"kind": n.kind, "about": about, "created_at": n.created_at, "read_at": n.read_at}
        )
    return rows


def _saved_searches(user: User) -> list[dict]:
    return [
        {"name": s.name, "search": s.query_string, "created_at": s.created_at}
        for s in SavedSearch.objects.filter(user=user)
    ]


def _tokens(user: User) -> dict:
    feed_token = FeedToken.objects.filter(user=user).first()
    return {
        "api_tokens": [
            {
                "name": t.name,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
            }
            for t in ApiToken.objects.filter(user=user)
        ],
        "feed_token": {"created_at": feed_token.created_at} if feed_token else None,
    }


def _reports(user: User) -> list[dict]:
    return [
        {
            "kind": r.case.kind,
            "item": r.case.object_id,
            "reason": r.reason,
            "note": r.note,
            "outcome": r.outcome,
            "created_at": r.created_at,
        }
        for r in Report.objects.filter(reporter=user).select_related("case")
    ]


def _moderation(user: User) -> dict:
    """Decisions about the person's content, without the moderator's identity."""
    return {
        "decisions": [
            {
                "id": d.pk,
                "kind": d.kind,
                "item": d.object_id,
                "action": d.action,
                "reason": d.reason,
                "suspended_until": d.suspended_until,
                "created_at": d.created_at,
            }
            for d in Decision.objects.filter(author=user)
        ],
        "appeals": [
            {
                "decision": a.decision_id,
                "text": a.text,
                "status": a.status,
                "response": a.response,
                "created_at": a.created_at,
                "decided_at": a.decided_at,
            }
            for a in Appeal.objects.filter(author=user)
        ],
    }


def _two_factor(user: User) -> list[dict]:
    return [
        {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
        for a in Authenticator.objects.filter(user=user).order_by("pk")
    ]


_SECTIONS = {
    "profile.json": _profile,
    "memberships.json": _memberships,
    "invitations.json": _invitations,
    "join_requests.json": _join_requests,
    "instruments.json": _instruments,
    "revisions.json": _revisions,
    "experiences.json": _experiences,
    "comments.json": _comments,
    "questions.json": _questions,
    "answers.json": _answers,
    "journal_entries.json": _journal_entries,
    "scan_answers.json": _scan_answers,
    "follows.json": _follows,
    "notifications.json": _notifications,
    "saved_searches.json": _saved_searches,
    "tokens.json": _tokens,
    "reports.json": _reports,
    "moderation.json": _moderation,
    "two_factor.json": _two_factor,
}


def _readme(user: User, created: datetime.datetime) -> str:
    lines = [
        _("Your data on Samenspel"),
        "",
        _("Downloaded on %(date)s for the account %(email)s.")
        % {"date": created.strftime("%Y-%m-%d %H:%M UTC"), "email": user.email},
        "",
        _(
            "Each file is JSON (a plain text format that many programs can open). Dates are "
            "in UTC. Contributions that are waiting for review or were hidden by a moderator "
            'are included too; their "moderation" field says so. Items of other people are '
            "referred to by their number only."
        ),
        "",
    ]
    for name, description in FILE_DESCRIPTIONS.items():
        lines.append(f"{name}: {description}")
    return "\n".join(lines) + "\n"


def personal_data_export(user: User) -> bytes:
    """A zip with everything Samenspel holds about ``user``, and an audit event saying so.

    Their own contributions are read with ``all_objects``: held and hidden ones are their
    data too. Each file is built and written before the next, so memory holds one kind of
    data at a time.
    """
    created = timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LEESMIJ.txt", _readme(user, created))
        for name, build in _SECTIONS.items():
            data = json.dumps(build(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(name, data)
    record_event(
        actor=user,
        action="account.data_exported",
        target=user,
        target_label=f"#{user.pk}",
    )
    return buffer.getvalue()


def export_filename(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"samenspel-gegevens-{today:%Y-%m-%d}.zip"


# --- the download, built in the background ------------------------------------------


class DataExportFailed(Exception):
    """The build failed and has marked its export failed. Raised so that the task queue
    records the failure (staff see it at /taken/); a re-delivery finds the export failed
    and does nothing, and the person asks again from the page."""


def _stuck_after() -> datetime.timedelta:
    """How long a build may take, with the queue's retries, before it counts as failed."""
    queue = settings.Q_CLUSTER
    return datetime.timedelta(seconds=queue["retry"] * queue["max_attempts"])


def data_export_current(user: User) -> PersonalDataExport | None:
    """``user``'s latest export that is not expired (pending, ready or failed), or None."""
    expired = PersonalDataExport.objects.expired().values("pk")
    return PersonalDataExport.objects.filter(user=user).exclude(pk__in=expired).first()


def data_export_is_stuck(export: PersonalDataExport) -> bool:
    """A pending export whose build was lost (worker gone, every retry used): the page
    shows it as failed, and the person may ask again."""
    return export.is_pending and export.created_at < timezone.now() - _stuck_after()


def data_export_request(*, user: User) -> PersonalDataExport:
    """Ask for a new export of ``user``'s data and queue its build.

    An export still being prepared is returned instead of starting a second one. With
    ``TASKS_INLINE`` the build runs now, so the export comes back ready (or failed).
    """
    current = data_export_current(user)
    if current is not None and current.is_pending and not data_export_is_stuck(current):
        return current
    with transaction.atomic():
        export = PersonalDataExport.objects.create(user=user)
        # DataExportFailed reaches here only when the build ran inline: the export says so.
        with contextlib.suppress(DataExportFailed):
            enqueue("accounts.personal_data.data_export_build", export.pk, group="exports")
    export.refresh_from_db()
    return export


def data_export_build(export_id: int) -> str:
    """The task: write the zip of a pending export, mark it ready and notify its owner.

    Its audit event is recorded with it (``personal_data_export``). Once ready, the
    person's older exports are removed: one copy of their data is enough. A failure marks
    the export failed (the page says so and offers to ask again) and is raised as
    ``DataExportFailed``.
    """
    export = (
        PersonalDataExport.objects.select_related("user")
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .first()
    )
    if export is None:  # removed meanwhile, or a re-delivery of a finished build
        return "nothing to do"
    try:
        with transaction.atomic():
            content = personal_data_export(export.user)
            export.file.save(f"{export.token}.zip", ContentFile(content), save=False)
            now = timezone.now()
            export.status = ExportStatus.READY
            export.size = len(content)
            export.finished_at = now
            export.expires_at = now + settings.PERSONAL_DATA_EXPORT_KEEP
            export.save(update_fields=["file", "status", "size", "finished_at", "expires_at"])
            older = PersonalDataExport.objects.filter(user=export.user).exclude(pk=export.pk)
            _data_exports_delete(older)
    except Exception as error:
        logger.exception("Building data export %s failed", export_id)
        if export.file.name:
            export.file.storage.delete(export.file.name)
        PersonalDataExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), file="", size=0
        )
        raise DataExportFailed(f"data export {export_id}") from error
    notify_data_export_ready(export)
    return f"ready: {export.size} bytes"


def data_export_for_download(*, user: User, token) -> PersonalDataExport | None:
    """``user``'s own ready, unexpired export with this token, or None (someone else's
    looks exactly like one that does not exist)."""
    export = PersonalDataExport.objects.downloadable().filter(user=user, token=token).first()
    if export is None or not export.file or not export.file.storage.exists(export.file.name):
        return None
    return export


def _data_exports_delete(exports) -> int:
    """Delete ``exports`` with their files; the files once the rows are gone for good."""
    exports = list(exports)
    files = [(export.file.storage, export.file.name) for export in exports if export.file]
    PersonalDataExport.objects.filter(pk__in=[export.pk for export in exports]).delete()
    transaction.on_commit(lambda: _delete_files(files))
    return len(exports)


@transaction.atomic
def data_exports_remove_expired() -> int:
    """The nightly task: remove expired exports with their files (their notifications go
    with them); returns how many."""
    return _data_exports_delete(PersonalDataExport.objects.expired())


# --- deletion ------------------------------------------------------------------------


def sole_facilitator_communities(user: User) -> list[Community]:
    """Communities where ``user`` is the only facilitator: they must hand over first."""
    facilitated = Membership.objects.filter(user=user, role=MemberRole.FACILITATOR).values(
        "community_id"
    )
    return list(
        Community.objects.filter(pk__in=facilitated)
        .annotate(
            facilitators=Count("memberships", filter=Q(memberships__role=MemberRole.FACILITATOR))
        )
        .filter(facilitators=1)
        .order_by("name")
    )


def check_account_delete(
    *, user: User, contributions: str, password: str = "", email: str = ""
) -> None:
    """Raise ``ValidationError`` (keyed by field) unless ``user`` may delete their account
    now: a valid choice, their password (or, for an account without one, their e-mail
    address), and no community that would be left without a facilitator."""
    if contributions not in CONTRIBUTION_CHOICES:
        raise ValidationError({"contributions": MESSAGE_UNKNOWN_CHOICE})
    if user.has_usable_password():
        if not password or not user.check_password(password):
            raise ValidationError({"password": MESSAGE_WRONG_PASSWORD})
    elif email.strip().lower() != user.email.lower():
        raise ValidationError({"email": MESSAGE_WRONG_EMAIL})
    sole = sole_facilitator_communities(user)
    if sole:
        names = ", ".join(f"“{community.name}”" for community in sole)
        raise ValidationError(MESSAGE_SOLE_FACILITATOR % {"communities": names})


def _file_names(attachments: Iterable) -> list[tuple]:
    return [(a.file.storage, a.file.name) for a in attachments if a.file]


def _delete_files(files: list[tuple]) -> None:
    for storage, name in files:
        storage.delete(name)


def _close_orphaned_cases() -> None:
    """Open moderation cases about items that no longer exist have nothing left to decide."""
    now = timezone.now()
    for kind in KINDS.values():
        model = kind.model
        content_type = ContentType.objects.get_for_model(model)
        orphaned = Case.objects.filter(status=CaseStatus.OPEN, content_type=content_type).exclude(
            object_id__in=kind.manager().values("pk")
        )
        orphaned.update(status=CaseStatus.CLOSED, closed_at=now)


def _remove_scan_answers(user: User) -> None:
    """Delete the person's answers in rounds still open. Answers in closed rounds lose
    their author instead: the results of those rounds may have been shown (or printed on
    a poster), and totals that drop by one person would give that person's answers away."""
    responses = ScanResponse.objects.filter(respondent=user)
    responses.filter(round__in=ScanRound.objects.closed()).update(respondent=None)
    responses.delete()


def _delete_contributions(user: User) -> list[tuple]:
    """Delete the person's contributions (in every moderation state); returns the stored
    files to remove once the deletion has committed."""
    entries = JournalEntry.all_objects.filter(author=user)
    files = _file_names(
        JournalAttachment.objects.filter(Q(entry__in=entries) | Q(uploaded_by=user))
    )
    JournalAttachment.objects.filter(uploaded_by=user).delete()
    Comment.all_objects.filter(author=user).delete()
    Answer.all_objects.filter(author=user).delete()
    Experience.all_objects.filter(author=user).delete()
    Question.all_objects.filter(author=user).delete()
    _remove_scan_answers(user)
    entries.delete()
    return files


@transaction.atomic
def account_delete(*, user: User, contributions: str, password: str = "", email: str = "") -> int:
    """Delete ``user``'s account after ``check_account_delete``; returns the account id.

    ``contributions`` is ``"delete"`` or ``"anonymise"`` (see the module docstring). The
    audit event names the account by id only and is written before the row goes. The
    caller signs the person out (``django.contrib.auth.logout``).
    """
    check_account_delete(user=user, contributions=contributions, password=password, email=email)
    user_id = user.pk
    record_event(
        actor=user,
        action="account.deleted",
        target_type="user",
        target_id=user_id,
        target_label=f"#{user_id}",
        after={"contributions": contributions},
    )
    files = _delete_contributions(user) if contributions == DELETE else []
    drafts = Instrument.all_objects.filter(owner=user).exclude(status=Status.PUBLISHED)
    files += _file_names(InstrumentAttachment.objects.filter(instrument__in=drafts))
    # The rows go with the user; their zips are copies of the data being deleted.
    files += _file_names(PersonalDataExport.objects.filter(user=user))
    drafts.delete()
    # Invitations addressed to the person hold their e-mail address; they are of no use now.
    Invitation.objects.filter(_addressed_to(user)).delete()
    user.delete()
    _close_orphaned_cases()
    # Files are not transactional: remove them only once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(files))
    return user_id
