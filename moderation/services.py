"""Writes of the moderation core: reports (merged per item), holding a new account's first
contributions, releasing them, and settling reports into the reporters' weight.

The moderator's actions (hide, restore, warn, ...) live in ``moderation.actions``; each is a
small class that uses these functions and writes an audit event.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from moderation.constants import (
    ActionKind,
    CaseStatus,
    ModerationState,
    ReportOutcome,
    ReportReason,
)
from moderation.models import Case, Decision, Report
from moderation.registry import Kind, kind_of

# Reporters need this many decided reports before their accuracy changes their weight.
WEIGHT_MIN_DECIDED = 3
WEIGHT_MIN = 0.25
WEIGHT_MAX = 3.0


def hold_first_posts() -> int:
    return getattr(settings, "MODERATION_HOLD_FIRST_POSTS", 2)


def reporter_weight(user) -> float:
    """How much ``user``'s report counts (Discourse's model): 1 until three of their reports
    were decided, then from 0.25 (always dismissed) to 3 (always upheld). Moderators' reports
    weigh the most."""
    if user.can_moderate_platform:
        return WEIGHT_MAX
    decided = user.reports_upheld + user.reports_dismissed
    if decided < WEIGHT_MIN_DECIDED:
        return 1.0
    accuracy = user.reports_upheld / decided
    return round(WEIGHT_MIN + (WEIGHT_MAX - WEIGHT_MIN) * accuracy, 3)


def check_can_contribute(user) -> None:
    """Suspended and banned accounts may read but not post or report."""
    if not user.is_active:
        raise PermissionDenied(_("This account has been banned."))
    if user.suspended_until and user.suspended_until > timezone.now():
        until = date_format(timezone.localtime(user.suspended_until), "j F Y H:i")
        raise PermissionDenied(
            _("Your account is suspended until %(until)s; you cannot post until then.")
            % {"until": until}
        )


def needs_review(author) -> bool:
    """Are ``author``'s new contributions held? Yes until ``MODERATION_HOLD_FIRST_POSTS``
    of them were approved (then ``trusted_at`` is set); moderators and staff never."""
    if hold_first_posts() <= 0 or author.trusted_at is not None:
        return False
    return not author.can_moderate_platform


def initial_state(author) -> str:
    """The moderation state a new contribution by ``author`` starts in."""
    return ModerationState.PENDING if needs_review(author) else ModerationState.VISIBLE


def _open_case(kind: Kind, obj) -> Case:
    """The item's open case, created when there is none (safe against a concurrent create)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    lookup = {"content_type": content_type, "object_id": obj.pk, "status": CaseStatus.OPEN}
    case = Case.objects.select_for_update().filter(**lookup).first()
    if case is not None:
        return case
    community = kind.community(obj)
    try:
        with transaction.atomic():
            return Case.objects.create(
                **lookup,
                kind=kind.key,
                community_id=getattr(community, "pk", None),
                author_id=kind.author_id_of(obj),
            )
    except IntegrityError:
        return Case.objects.select_for_update().get(**lookup)


@transaction.atomic
def hold_for_review(obj) -> Case:
    """Open (or join) a case for a contribution saved in the pending state."""
    case = _open_case(kind_of(obj), obj)
    if not case.is_held:
        case.is_held = True
        case.last_activity_at = timezone.now()
        case.save(update_fields=["is_held", "last_activity_at"])
    return case


@transaction.atomic
def report_create(*, reporter, obj, reason: str, note: str = "") -> tuple[Report, bool]:
    """``reporter`` reports ``obj``. Reports of one item merge into its open case; a second
    report by the same person replaces their first. Returns ``(report, created)``.

    The caller has checked that ``reporter`` can see ``obj`` (views read it through the
    visibility rule); here the business rules are checked.
    """
    if reporter is None or not reporter.is_authenticated:
        raise PermissionDenied(_("Sign in to report something."))
    check_can_contribute(reporter)
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    kind = kind_of(obj)
    if kind.author_id_of(obj) == reporter.pk:
        raise ValidationError(_("You cannot report your own contribution."))
    case = _open_case(kind, obj)
    report = Report.objects.filter(case=case, reporter=reporter).first()
    created = report is None
    weight = reporter_weight(reporter)
    if created:
        report = Report.objects.create(
            case=case, reporter=reporter, reason=reason, note=note.strip(), weight=weight
        )
        case.report_count = F("report_count") + 1
        case.report_score = F("report_score") + weight
    else:
        report.reason, report.note = reason, note.strip()
        report.save(update_fields=["reason", "note", "updated_at"])
    case.last_activity_at = timezone.now()
    case.save(update_fields=["report_count", "report_score", "last_activity_at"])
    case.refresh_from_db()
    return report, created


def settle_reports(case: Case, *, upheld: bool) -> int:
    """Record the outcome of ``case``'s open reports on them and on their reporters'
    standing (which sets the weight of their next reports)."""
    from accounts.models import User

    reports = case.reports.filter(outcome=ReportOutcome.OPEN)
    reporter_ids = list(reports.exclude(reporter=None).values_list("reporter_id", flat=True))
    outcome = ReportOutcome.UPHELD if upheld else ReportOutcome.DISMISSED
    count = reports.update(outcome=outcome)
    counter = "reports_upheld" if upheld else "reports_dismissed"
    User.objects.filter(pk__in=reporter_ids).update(**{counter: F(counter) + 1})
    return count


def close_case(case: Case) -> None:
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])


def set_state(obj, state: str) -> None:
    """Change ``obj``'s moderation state (saving it re-indexes it for search)."""
    obj.moderation_state = state
    obj.save(update_fields=["moderation_state"])


def content_release(obj) -> None:
    """A held contribution was approved: everyone sees it now, the notifications it would
    have sent when posted go out, and its author is trusted once enough were approved."""
    kind = kind_of(obj)
    set_state(obj, ModerationState.VISIBLE)
    if kind.on_release is not None:
        kind.on_release(obj)
    author = kind.author_of(obj)
    if author is None or author.trusted_at is not None:
        return
    approved = Decision.objects.filter(author=author, action=ActionKind.APPROVE).count()
    if approved >= hold_first_posts():
        author.trusted_at = timezone.now()
        author.save(update_fields=["trusted_at"])


def suspension_end(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)
