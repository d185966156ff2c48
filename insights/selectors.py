"""Reads of provider insights: an instrument's and a provider's numbers.

Everything a provider reads here goes through the one visibility rule
(``communities.visibility`` and the apps' ``visible_to``/selectors) for the VIEWER, exactly
as the instrument page does: experiences via ``experiences.selectors.where_it_worked``,
journal entries via ``journal.selectors.journal_entries_for_instrument``, questions via
``questions.selectors.question_list``. So a provider learns nothing here about members-only
or confidential communities they are not a member of: such use is neither counted nor named
(what a community did with an instrument is its content). The region table goes one step
further and names only PUBLIC communities; a readable members-only or confidential
community (the viewer is a member) is counted in its region without its name, so the page
can be shown or shared without exposing it.

Every selector runs a fixed number of queries (pinned in ``tests/test_query_counts.py``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Avg, Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communities.models import Visibility
from communities.visibility import readable_communities
from experiences.models import Experience
from experiences.selectors import WhereItWorked, where_it_worked
from insights.models import InstrumentViewDay
from instruments.models import Instrument
from journal.models import JournalEntry
from journal.selectors import journal_entries_for_instrument
from questions.models import Answer, Question
from questions.selectors import QuestionFilters, question_list

WEEKS = 26  # the views chart: this week and the 25 before it
RECENT_DAYS = 30  # "views in the last 30 days", today included
LIST_LIMIT = 10  # journal entries and questions listed (all are counted)
KEYWORD_LIMIT = 10  # keywords matched against questions


# ------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class WeekRow:
    """Views in the week (Monday to Sunday) that starts on ``start``."""

    start: datetime.date
    views: int

    @property
    def label(self) -> str:
        return date_format(self.start, "j M Y")


def _weeks_start(today: datetime.date, weeks: int) -> datetime.date:
    return today - datetime.timedelta(days=today.weekday() + 7 * (weeks - 1))


@dataclass
class ViewCounts:
    """Views per week over ``WEEKS`` weeks, in total and per instrument, and the last 30 days."""

    weeks: list[WeekRow]
    recent_total: int = 0
    recent_by_instrument: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(week.views for week in self.weeks)


def view_counts(*, instruments, today: datetime.date | None = None) -> ViewCounts:
    """Counted views of ``instruments`` (a queryset or list of ids), one query.

    The daily rows since the first chart week are read once and folded here into weeks
    and the last ``RECENT_DAYS`` days (26 weeks of days are few rows per instrument).
    """
    today = today or timezone.localdate()
    first = _weeks_start(today, WEEKS)
    recent_from = today - datetime.timedelta(days=RECENT_DAYS - 1)
    per_week: dict[datetime.date, int] = defaultdict(int)
    counts = ViewCounts(weeks=[])
    rows = InstrumentViewDay.objects.filter(instrument__in=instruments, day__gte=first)
    for instrument_id, day, views in rows.values_list("instrument_id", "day", "views"):
        per_week[day - datetime.timedelta(days=day.weekday())] += views
        if recent_from <= day <= today:
            counts.recent_total += views
            counts.recent_by_instrument[instrument_id] = (
                counts.recent_by_instrument.get(instrument_id, 0) + views
            )
    starts = [first + datetime.timedelta(weeks=n) for n in range(WEEKS)]
    counts.weeks = [WeekRow(start, per_week.get(start, 0)) for start in starts]
    return counts


# ------------------------------------------------------------------------------ regions


@dataclass
class RegionRow:
    """Use of an instrument in the readable communities of one region."""

    key: str
    label: str
    communities: int = 0
    journal_entries: int = 0
    experiences: int = 0
    # Public communities only (name, URL); the others are counted in ``unnamed``.
    named: list[tuple[str, str]] = field(default_factory=list)
    unnamed: int = 0


@dataclass
class RegionUsage:
    regions: list[RegionRow]
    # Readable experiences shared outside any community (they have no region).
    outside_communities: int = 0

    @property
    def communities(self) -> int:
        return sum(row.communities for row in self.regions)


def _count_per_community(queryset) -> Subquery:
    counted = queryset.order_by().values("community").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def usage_by_region(*, user, instrument: Instrument, where: WhereItWorked) -> RegionUsage:
    """Regions of the communities ``user`` may read whose journal or experiences used
    ``instrument`` (one query). ``where`` is ``where_it_worked`` for the same viewer; its
    total gives the experiences outside communities without another query.
    """
    rows = (
        readable_communities(user)
        .annotate(
            entry_n=_count_per_community(
                JournalEntry.objects.filter(community=OuterRef("pk"), instruments=instrument)
            ),
            experience_n=_count_per_community(
                Experience.objects.filter(community=OuterRef("pk"), instrument=instrument)
            ),
        )
        .filter(Q(entry_n__gt=0) | Q(experience_n__gt=0))
        .values("name", "slug", "region", "visibility", "entry_n", "experience_n")
        .order_by("name", "pk")
    )
    regions: dict[str, RegionRow] = {}
    in_communities = 0
    for row in rows:
        label = " ".join(row["region"].split())
        key = label.casefold()
        region = regions.setdefault(key, RegionRow(key, label or _("Region not given")))
        region.communities += 1
        region.journal_entries += row["entry_n"]
        region.experiences += row["experience_n"]
        in_communities += row["experience_n"]
        if row["visibility"] == Visibility.PUBLIC:
            url = reverse("communities:detail", kwargs={"slug": row["slug"]})
            region.named.append((row["name"], url))
        else:
            region.unnamed += 1
    ordered = sorted(
        regions.values(), key=lambda r: (r.key == "", -r.communities, r.label.casefold())
    )
    return RegionUsage(regions=ordered, outside_communities=max(0, where.count - in_communities))


# ---------------------------------------------------------------------------- questions


@dataclass
class QuestionMatches:
    count: int
    questions: list[Question]


def _keyword_filter(keywords: list[str]) -> Q:
    condition = Q()
    for word in keywords:
        condition |= Q(title__icontains=word) | Q(body__icontains=word)
    return condition


def open_questions_on_themes(*, user, instrument: Instrument) -> QuestionMatches:
    """Open questions (no answer links an instrument ``user`` may see) on the instrument's
    phases or mentioning one of its keywords; keyword matches first (two queries).
    """
    keywords = [str(word).strip() for word in instrument.keywords or [] if str(word).strip()]
    keywords = keywords[:KEYWORD_LIMIT]
    phases = instrument.phase_values
    if not (keywords or phases):
        return QuestionMatches(0, [])
    by_keyword = _keyword_filter(keywords)
    matching = question_list(user=user, filters=QuestionFilters()).filter(has_instrument=False)
    matching = matching.filter(Q(phase__in=phases) | by_keyword)
    rank = (
        Case(When(by_keyword, then=Value(1)), default=Value(0), output_field=IntegerField())
        if keywords
        else Value(0, output_field=IntegerField())
    )
    ordered = matching.annotate(keyword_match=rank).order_by("-keyword_match", "-created_at", "-id")
    return QuestionMatches(matching.count(), list(ordered[:LIST_LIMIT]))


def questions_answered_with(*, user, instrument: Instrument) -> QuestionMatches:
    """Questions with an answer that links ``instrument``, newest first (two queries)."""
    linked = Answer.instruments.through.objects.filter(instrument=instrument).values(
        "answer__question"
    )
    matching = question_list(user=user, filters=QuestionFilters()).filter(pk__in=linked)
    return QuestionMatches(matching.count(), list(matching[:LIST_LIMIT]))


# ---------------------------------------------------------------------------- the pages


def get_instrument_for_insights(*, user, slug: str) -> Instrument:
    """The instrument with its phases, or 404 when ``user`` cannot see it (a draft of
    someone else looks missing). Whether ``user`` may read its insights is
    ``services.check_instrument_insights_permission``."""
    instrument = (
        Instrument.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related("phase_links")
        .filter(slug=slug)
        .first()
    )
    if instrument is None:
        raise Http404
    return instrument


@dataclass
class InstrumentInsights:
    instrument: Instrument
    views: ViewCounts
    where: WhereItWorked
    regions: RegionUsage
    journal_count: int
    journal_entries: list
    open_questions: QuestionMatches
    answered_questions: QuestionMatches


def instrument_insights(*, user, instrument: Instrument) -> InstrumentInsights:
    """Everything the instrument's insights page shows, for ``user`` (the caller checked
    the permission). Nine queries whatever the numbers."""
    where = where_it_worked(user=user, instrument=instrument, lesson_limit=0)
    journal_count, journal_entries = journal_entries_for_instrument(
        user=user, instrument=instrument, limit=LIST_LIMIT
    )
    return InstrumentInsights(
        instrument=instrument,
        views=view_counts(instruments=[instrument.pk]),
        where=where,
        regions=usage_by_region(user=user, instrument=instrument, where=where),
        journal_count=journal_count,
        journal_entries=journal_entries,
        open_questions=open_questions_on_themes(user=user, instrument=instrument),
        answered_questions=questions_answered_with(user=user, instrument=instrument),
    )


@dataclass
class InstrumentTotals:
    instrument: Instrument
    recent_views: int = 0
    experiences: int = 0
    mean_rating: float | None = None


@dataclass
class ProviderInsights:
    provider: object
    instruments: list[InstrumentTotals]
    views: ViewCounts

    @property
    def experiences(self) -> int:
        return sum(row.experiences for row in self.instruments)


def provider_insights(*, user, provider) -> ProviderInsights:
    """A provider's instruments (drafts too) with their totals, as ``user`` may see them
    (the caller checked the permission): three queries whatever the number of instruments.

    Experiences count only where ``user`` may read them, like on the instrument pages.
    """
    instruments = list(
        Instrument.objects.visible_to(user).filter(owner=provider).order_by("title", "pk")
    )
    ids = [instrument.pk for instrument in instruments]
    views = view_counts(instruments=ids)
    experience_rows = (
        Experience.objects.visible_to(user)
        .filter(instrument__in=ids)
        .values("instrument_id")
        .annotate(n=Count("pk"), mean=Avg("rating"))
        .order_by()
    )
    experiences = {row["instrument_id"]: row for row in experience_rows} if ids else {}
    rows = []
    for instrument in instruments:
        found = experiences.get(instrument.pk, {})
        rows.append(
            InstrumentTotals(
                instrument=instrument,
                recent_views=views.recent_by_instrument.get(instrument.pk, 0),
                experiences=found.get("n", 0),
                mean_rating=found.get("mean"),
            )
        )
    return ProviderInsights(provider=provider, instruments=rows, views=views)


def providers() -> list:
    """Everyone with the provider role, for staff to pick one (one query)."""
    return list(get_user_model().objects.filter(is_provider=True).order_by("name", "email"))
