"""Reads of experiences. Every read starts from ``Experience.objects.visible_to`` (the one
visibility rule of ``communities.visibility``), so an experience in a members-only or
confidential community never reaches a page, list, count or aggregate of someone who
may not read that community.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from communities.models import Level
from experiences.models import Experience
from instruments.constants import PHASE_ORDER, Phase
from instruments.models import Instrument, Sector
from moderation.rules import readable_filter

LEVEL_ORDER = [level.value for level in Level]


def visible_experiences(user) -> QuerySet[Experience]:
    """Experiences ``user`` may read, on instruments ``user`` may see (a draft looks missing)."""
    return Experience.objects.visible_to(user).filter(
        instrument__in=Instrument.objects.visible_to(user).values("pk")
    )


def get_experience_for_user(*, user, experience_id: int) -> Experience:
    """The experience with what its page shows, or 404 (a hidden one looks missing).

    Its author also gets it while it is held for review or hidden (the page marks it)."""
    experience = (
        Experience.all_objects.visible_to(user)
        .filter(readable_filter(user))
        .filter(instrument__in=Instrument.objects.visible_to(user).values("pk"))
        .select_related("instrument", "author", "community", "sector")
        .filter(pk=experience_id)
        .first()
    )
    if experience is None:
        raise Http404
    return experience


@dataclass(frozen=True)
class ExperienceFilters:
    """The state of the list page; parameter names are the Dutch words in its URL."""

    sector: str = ""
    level: str = ""
    phase: str = ""
    instrument: str = ""

    @classmethod
    def from_querydict(cls, params: QueryDict) -> ExperienceFilters:
        """Unknown level or phase values are dropped rather than failing the page."""
        level = params.get("niveau", "")
        phase = params.get("fase", "")
        return cls(
            sector=params.get("sector", "")[:60],
            level=level if level in LEVEL_ORDER else "",
            phase=phase if phase in PHASE_ORDER else "",
            instrument=params.get("instrument", "")[:100],
        )

    @property
    def is_empty(self) -> bool:
        return not (self.sector or self.level or self.phase or self.instrument)


def experience_list(*, user, filters: ExperienceFilters) -> QuerySet[Experience]:
    """The latest experiences ``user`` may read, filtered; one query per page."""
    queryset = visible_experiences(user)
    if filters.sector:
        queryset = queryset.filter(sector__slug=filters.sector)
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.phase:
        queryset = queryset.filter(phase=filters.phase)
    if filters.instrument:
        queryset = queryset.filter(instrument__slug=filters.instrument)
    return queryset.select_related("instrument", "author", "community", "sector").order_by(
        "-created_at", "-id"
    )


@dataclass
class Group:
    """Experiences sharing one sector, level or phase."""

    key: str
    label: str
    count: int = 0
    rating_sum: int = 0
    recommend_count: int = 0

    @property
    def mean_rating(self) -> float | None:
        return self.rating_sum / self.count if self.count else None

    @property
    def recommend_percentage(self) -> int | None:
        return round(100 * self.recommend_count / self.count) if self.count else None

    def add(self, row: dict) -> None:
        self.count += row["n"]
        self.rating_sum += row["rating_sum"]
        self.recommend_count += row["recommend_n"]


@dataclass
class WhereItWorked:
    """An instrument's experiences as ``user`` may see them: totals, groups, latest lessons."""

    total: Group
    by_sector: list[Group] = field(default_factory=list)
    by_level: list[Group] = field(default_factory=list)
    by_phase: list[Group] = field(default_factory=list)
    lessons: list[Experience] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.total.count


def _sector_label(row: dict) -> str:
    if row["sector_id"] is None:
        return _("Sector not given")
    if get_language() == "en" and row["sector__name_en"]:
        return row["sector__name_en"]
    return row["sector__name"]


def _ordered(groups: dict[str, Group], order: list[str]) -> list[Group]:
    """Groups in ``order``, the one without a value ("") last."""
    return [groups[key] for key in [*order, ""] if key in groups]


def where_it_worked(*, user, instrument: Instrument, lesson_limit: int = 5) -> WhereItWorked:
    """Where ``instrument`` worked, computed ONLY over experiences ``user`` may read.

    Two queries whatever the number of experiences: one grouped aggregate (per sector,
    level and phase together; the three views are rolled up from it here) and one for
    the latest lessons.
    """
    visible = Experience.objects.visible_to(user).filter(instrument=instrument)
    rows = (
        visible.values("sector_id", "sector__name", "sector__name_en", "level", "phase")
        .annotate(
            n=Count("pk"),
            rating_sum=Sum("rating"),
            recommend_n=Count("pk", filter=Q(would_recommend=True)),
        )
        .order_by()
    )
    total = Group(key="", label=_("All experiences"))
    sectors: dict[str, Group] = {}
    levels: dict[str, Group] = {}
    phases: dict[str, Group] = {}
    for row in rows:
        total.add(row)
        sector_key = str(row["sector_id"] or "")
        sectors.setdefault(sector_key, Group(sector_key, _sector_label(row))).add(row)
        level = row["level"]
        level_label = Level(level).label if level else _("Level not given")
        levels.setdefault(level, Group(level, level_label)).add(row)
        phase = row["phase"]
        phase_label = Phase(phase).label if phase else _("Phase not given")
        phases.setdefault(phase, Group(phase, phase_label)).add(row)

    lessons = []
    if total.count:
        lessons = list(
            visible.exclude(what_worked="", what_did_not="")
            .select_related("author", "community", "sector")
            .order_by("-created_at", "-id")[:lesson_limit]
        )
    by_sector = sorted(
        sectors.values(), key=lambda g: (g.key == "", -g.count, str(g.label).casefold())
    )
    return WhereItWorked(
        total=total,
        by_sector=by_sector,
        by_level=_ordered(levels, LEVEL_ORDER),
        by_phase=_ordered(phases, PHASE_ORDER),
        lessons=lessons,
    )


def filter_sectors() -> list[Sector]:
    """The sectors offered in the list's filter (one query)."""
    return list(Sector.objects.order_by("name"))
