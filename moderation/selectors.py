"""Reads of moderation: the queue, one case in context, and what an author may know about
decisions on their own contributions.

Moderators read items through ``kind.manager()`` (every state), but only for cases that
``moderatable_cases_filter`` lets them see: a platform moderator never sees a case from a
members-only or confidential community. An author reads their own contributions through
the visibility rule plus ``readable_filter`` (their held or hidden work, marked as such).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch

from moderation.actions import APPEALABLE
from moderation.constants import ActionKind, AppealStatus, CaseStatus, ModerationState
from moderation.models import Appeal, Case, Decision, Report
from moderation.registry import KINDS, Kind, get_kind, kind_of
from moderation.rules import facilitated_communities, moderatable_cases_filter, readable_filter

SORT_NEWEST = "newest"
SORT_MOST_REPORTED = "most_reported"
SORTS = (SORT_NEWEST, SORT_MOST_REPORTED)
SHOW_REPORTED = "reported"
SHOW_HELD = "held"
SHOW_APPEALS = "appeals"
# Not part of "everything": what moderators hid, to find it again and restore it.
SHOW_HIDDEN = "hidden"
SHOWS = (SHOW_REPORTED, SHOW_HELD, SHOW_APPEALS, SHOW_HIDDEN)
# A queue longer than this is a different problem; the page says how many more wait.
QUEUE_LIMIT = 200


def _url(kind: Kind, obj) -> str:
    """The item's page; empty where it has none (yet)."""
    try:
        return kind.url(obj)
    except NoReverseMatch:
        return ""


@dataclass
class QueueRow:
    """One line of the queue: an open case, or an open appeal (``appeal`` set)."""

    kind: Kind
    case: Case
    object_id: int
    moment: datetime.datetime
    appeal: Appeal | None = None
    target: object | None = None

    @property
    def excerpt(self) -> str:
        return str(self.kind.title(self.target)) if self.target is not None else ""

    @property
    def is_appeal(self) -> bool:
        return self.appeal is not None

    @property
    def is_hidden(self) -> bool:
        return getattr(self.target, "moderation_state", "") == ModerationState.HIDDEN


@dataclass
class Queue:
    rows: list[QueueRow]
    total: int
    sort: str
    show: str


def moderatable_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(moderatable_cases_filter(user))


def can_moderate_anything(user) -> bool:
    """Does ``user`` have a queue at all (platform moderator, staff or a facilitator)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.can_moderate_platform:
        return True
    return facilitated_communities(user).exists()


def _attach_targets(rows: list[QueueRow]) -> None:
    """Read each row's item through its kind's manager: one query per kind on the page."""
    ids: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        ids[row.kind.key].add(row.object_id)
    found = {
        key: {obj.pk: obj for obj in get_kind(key).manager().filter(pk__in=pks)}
        for key, pks in ids.items()
    }
    for row in rows:
        row.target = found[row.kind.key].get(row.object_id)


def queue_for(user, *, sort: str = SORT_NEWEST, show: str = "") -> Queue:
    """Open cases (reported, held) and open appeals that ``user`` may moderate.

    Newest first, or most reported first (by report weight, then count; appeals after).
    Queries: open cases, open appeals, then one per kind of item shown.
    """
    sort = sort if sort in SORTS else SORT_NEWEST
    show = show if show in SHOWS else ""
    allowed = moderatable_cases(user)
    if show == SHOW_HIDDEN:
        return _hidden_queue(allowed, sort=sort)
    rows: list[QueueRow] = []
    if show != SHOW_APPEALS:
        cases = allowed.filter(status=CaseStatus.OPEN).filter(
            Q(report_count__gt=0) | Q(is_held=True)
        )
        if show == SHOW_REPORTED:
            cases = cases.filter(report_count__gt=0)
        elif show == SHOW_HELD:
            cases = cases.filter(is_held=True)
        if sort == SORT_MOST_REPORTED:
            cases = cases.order_by("-report_score", "-report_count", "-last_activity_at", "-id")
        else:
            cases = cases.order_by("-last_activity_at", "-id")
        rows += [
            QueueRow(kind=KINDS[c.kind], case=c, object_id=c.object_id, moment=c.last_activity_at)
            for c in cases.select_related("community")[:QUEUE_LIMIT]
            if c.kind in KINDS
        ]
    if show in ("", SHOW_APPEALS):
        appeals = (
            Appeal.objects.filter(status=AppealStatus.OPEN, decision__case__in=allowed)
            .select_related("decision__case__community")
            .order_by("-created_at", "-id")
        )
        rows += [
            QueueRow(
                kind=KINDS[a.decision.kind],
                case=a.decision.case,
                object_id=a.decision.object_id,
                moment=a.created_at,
                appeal=a,
            )
            for a in appeals[:QUEUE_LIMIT]
            if a.decision.kind in KINDS
        ]
    if sort == SORT_MOST_REPORTED:
        rows.sort(
            key=lambda r: (
                not r.is_appeal,
                r.case.report_score if not r.is_appeal else 0,
                r.case.report_count if not r.is_appeal else 0,
                r.moment,
            ),
            reverse=True,
        )
    else:
        rows.sort(key=lambda r: r.moment, reverse=True)
    _attach_targets(rows)
    return Queue(rows=rows, total=len(rows), sort=sort, show=show)


def _hidden_queue(allowed: QuerySet[Case], *, sort: str) -> Queue:
    """Items a moderator hid that are still hidden, most recently decided first (one row per
    item, through its latest case with a hide decision)."""
    cases = (
        allowed.filter(pk__in=Decision.objects.filter(action=ActionKind.HIDE).values("case_id"))
        .select_related("community")
        .order_by("-last_activity_at", "-id")
    )
    rows: list[QueueRow] = []
    seen: set[tuple[str, int]] = set()
    for case in cases[:QUEUE_LIMIT]:
        if case.kind in KINDS and (case.kind, case.object_id) not in seen:
            seen.add((case.kind, case.object_id))
            moment = case.closed_at or case.last_activity_at
            rows.append(QueueRow(KINDS[case.kind], case, case.object_id, moment))
    _attach_targets(rows)
    rows = [row for row in rows if row.is_hidden]
    if sort == SORT_MOST_REPORTED:
        rows.sort(key=lambda r: (r.case.report_score, r.case.report_count, r.moment), reverse=True)
    else:
        rows.sort(key=lambda r: r.moment, reverse=True)
    return Queue(rows=rows, total=len(rows), sort=sort, show=SHOW_HIDDEN)


# One case --------------------------------------------------------------------------------


class _ShowsTarget:
    """What the case page and the author's page say of the item (``kind``, ``target``)."""

    @property
    def title(self) -> str:
        return str(self.kind.title(self.target)) if self.target is not None else ""

    @property
    def state(self) -> str:
        return getattr(self.target, "moderation_state", "")

    @property
    def state_label(self) -> str:
        return ModerationState(self.state).label if self.state else ""


@dataclass
class CaseDetail(_ShowsTarget):
    case: Case
    kind: Kind
    target: object | None
    context: object | None
    reports: list[Report]
    decisions: list[Decision]
    open_appeals: list[Appeal]

    @property
    def author(self):
        return self.kind.author_of(self.target) if self.target is not None else None

    @property
    def content_fields(self) -> list[tuple[str, str, bool]]:
        """(label, value, is Markdown) of the item's text that moderators judge."""
        if self.target is None:
            return []
        fields = []
        for name in self.kind.editable_fields:
            model_field = self.target._meta.get_field(name)
            is_text = isinstance(model_field, models.TextField)
            fields.append((model_field.verbose_name, getattr(self.target, name) or "", is_text))
        return fields

    @property
    def context_title(self) -> str:
        return str(kind_of(self.context).title(self.context)) if self.context is not None else ""

    @property
    def context_url(self) -> str:
        state = getattr(self.context, "moderation_state", ModerationState.VISIBLE)
        if self.context is None or state != ModerationState.VISIBLE:
            return ""
        return _url(kind_of(self.context), self.context)

    @property
    def url(self) -> str:
        """The item's page, for moderators to see it as readers do (only when visible)."""
        if self.target is None or self.state != ModerationState.VISIBLE:
            return ""
        return _url(self.kind, self.target)


def get_case_for_user(*, user, case_id: int) -> Case:
    """The case, if ``user`` may moderate it; 404 otherwise (as if it did not exist)."""
    case = moderatable_cases(user).select_related("community").filter(pk=case_id).first()
    if case is None or case.kind not in KINDS:
        raise Http404
    return case


def _context_of(kind: Kind, target) -> object | None:
    """What the item is about: a comment's instrument/experience/entry/question, an
    answer's question (read whatever its moderation state)."""
    if target is None:
        return None
    if kind.key == "comment":
        for name in ("instrument", "experience", "journal_entry", "question"):
            target_id = getattr(target, f"{name}_id")
            if target_id:
                model = target._meta.get_field(name).related_model
                return getattr(model, "all_objects", model._default_manager).get(pk=target_id)
    if kind.key == "answer":
        from questions.models import Question

        return Question.all_objects.filter(pk=target.question_id).first()
    return None


def case_detail(case: Case) -> CaseDetail:
    kind = get_kind(case.kind)
    target = kind.manager().filter(pk=case.object_id).first()
    reports = list(case.reports.select_related("reporter").order_by("-weight", "-created_at"))
    decisions = list(
        Decision.objects.filter(content_type_id=case.content_type_id, object_id=case.object_id)
        .select_related("moderator", "appeal__decided_by", "appeal__author")
        .order_by("-created_at", "-id")
    )
    open_appeals = [
        decision.appeal
        for decision in decisions
        if hasattr(decision, "appeal") and decision.appeal.status == AppealStatus.OPEN
    ]
    return CaseDetail(
        case=case,
        kind=kind,
        target=target,
        context=_context_of(kind, target),
        reports=reports,
        decisions=decisions,
        open_appeals=open_appeals,
    )


# The author's view -----------------------------------------------------------------------


@dataclass
class MyDecision(_ShowsTarget):
    decision: Decision
    kind: Kind
    target: object | None = None

    @property
    def appeal(self) -> Appeal | None:
        return getattr(self.decision, "appeal", None)

    @property
    def can_appeal(self) -> bool:
        return self.decision.action in APPEALABLE and self.appeal is None

    @property
    def url(self) -> str:
        """A link only where the author can open the page (visible, or their own held)."""
        if self.target is None or self.state == ModerationState.HIDDEN:
            return ""
        return _url(self.kind, self.target)


def my_decisions(user) -> QuerySet[Decision]:
    """Decisions about ``user``'s contributions and account. Dismissed reports are left
    out: nothing happened to the content, and who reported it is not the author's business."""
    return (
        Decision.objects.filter(author=user)
        .exclude(action=ActionKind.DISMISS)
        .select_related("appeal")
        .order_by("-created_at", "-id")
    )


def my_decision_count(user) -> int:
    """One query, for the summary on the profile page."""
    if user is None or not user.is_authenticated:
        return 0
    return my_decisions(user).aggregate(n=Count("pk"))["n"]


def _readable_own(kind: Kind, user):
    """The items of ``kind`` ``user`` may still see: the visibility rule, plus their own
    held or hidden contributions."""
    if kind.key == "profile":
        return kind.manager().filter(pk=user.pk)
    queryset = kind.manager().all()
    if hasattr(queryset, "visible_to"):
        queryset = queryset.visible_to(user)
    return queryset.filter(readable_filter(user, kind.author_field))


def decisions_for_author(user) -> list[MyDecision]:
    items = [
        MyDecision(decision=d, kind=KINDS[d.kind]) for d in my_decisions(user) if d.kind in KINDS
    ]
    ids: dict[str, set[int]] = defaultdict(set)
    for item in items:
        ids[item.kind.key].add(item.decision.object_id)
    found = {
        key: {obj.pk: obj for obj in _readable_own(KINDS[key], user).filter(pk__in=pks)}
        for key, pks in ids.items()
    }
    for item in items:
        item.target = found[item.kind.key].get(item.decision.object_id)
    return items


def get_own_decision(*, user, decision_id: int) -> Decision:
    """A decision about ``user``'s own contribution; 404 for anyone else's."""
    decision = my_decisions(user).filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    return decision


def open_appeal_for_case(case: Case, appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.filter(
            pk=appeal_id,
            status=AppealStatus.OPEN,
            decision__content_type_id=case.content_type_id,
            decision__object_id=case.object_id,
        )
        .select_related("decision__case", "decision__author")
        .first()
    )
    if appeal is None:
        raise Http404
    return appeal
